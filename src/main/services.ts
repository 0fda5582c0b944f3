/**
 * The main process's answers to the renderer, in plain Node (no Electron): the shell (index.ts) gives
 * them a file dialog and a way to send events, and tests give stubs. This file is the handler table:
 * one line per channel, each handing the call to the app store that owns it (src/main/app/). Secrets
 * stay in main: the renderer gets status, reports and progress, and a freshly generated secret only
 * when the person asks for it (`secret.reveal`).
 */
import type { AppLanguage, Handlers } from '../contract/index.js';
import { inspect } from '../core/jwe/index.js';
import { CredentialsSelection } from './app/credentials.js';
import { SecretCustody } from './app/custody.js';
import { DeviceSession } from './app/device-session.js';
import { AppExports } from './app/exports.js';
import { FleetStore } from './app/fleet.js';
import { MeetingSession } from './app/meeting.js';
import type { ServiceOptions, Services } from './app/options.js';
import { ProvisioningRunner, judgeSecret } from './app/provisioning.js';
import { AppVault } from './app/vault.js';
import { listPorts } from './device/index.js';
import { NATIVE_TEXT } from './native-text.js';

export { APP_ERROR_CODES, AppError, type AppErrorCode } from './app/errors.js';
export type {
  ClipboardLike,
  FileDialog,
  FileDialogRequest,
  QuitQuestion,
  ServiceOptions,
  Services,
} from './app/options.js';

/** Builds the app's stores and the handlers over them (one device session, one workflow at a time). */
export function createServices(options: ServiceOptions): Services {
  let language: AppLanguage = 'en';
  const vault = new AppVault(options.env ?? process.env, options.openSecretStore);
  const meeting: MeetingSession = new MeetingSession(
    vault,
    () => session,
    (serial) => fleet.cloudDevice(serial),
    options.meetingWatch ?? {},
  );
  const session: DeviceSession = new DeviceSession(vault, options, () => meeting.deviceChanged());
  const custody = new SecretCustody({
    ...(options.clipboard ? { clipboard: options.clipboard } : {}),
    ...(options.clipboardClearMs !== undefined ? { clipboardClearMs: options.clipboardClearMs } : {}),
  });
  const credentials = new CredentialsSelection(options.dialog);
  const exports = new AppExports(vault, custody, options.dialog);
  const runner = new ProvisioningRunner({
    vault,
    session,
    credentials,
    custody,
    exports,
    emit: options.emit,
  });
  const fleet = new FleetStore({
    vault,
    dialog: options.dialog,
    emit: options.emit,
    version: options.version,
    ...options.cloud,
    ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
  });
  const one = <T>(work: () => Promise<T>): Promise<T> => session.exclusive(work);

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'E2EE Identity Provisioner',
      version: options.version,
      platform: options.platform,
    }),
    'app.language': async ({ lang }) => {
      language = lang;
      return null;
    },
    'app.status': () => vault.status(custody.size),
    'blob.inspect': async ({ blob }) => inspect(blob),
    'ports.list': async () => (options.listPorts ?? (() => listPorts()))(),
    'device.connect': ({ target, password, hostKey }) =>
      one(() => session.connect(target, password, hostKey)),
    'device.identify': () => one(() => session.info(session.require())),
    'device.capture': (request) => one(() => session.capture(request.probeAddRefusals === true)),
    'device.disconnect': () =>
      one(async () => {
        await session.close();
        return null;
      }),
    'meeting.start': ({ others, serial, pollSeconds }) =>
      one(() => meeting.start(others, serial, pollSeconds)),
    'meeting.read': async () => meeting.view(),
    'meeting.stop': async () => {
      await meeting.stop();
      return meeting.view();
    },
    'credentials.choose': ({ role }) => credentials.choose(role, NATIVE_TEXT[language]),
    'credentials.inspect': ({ passphrase }) => credentials.inspect(passphrase),
    'provision.run': (request) => one(() => runner.run(request)),
    'provision.stop': async () => runner.stop(),
    'provision.resume': () => one(() => runner.resume()),
    'secret.rotate': (request) => one(() => runner.rotate(request)),
    'secret.reveal': async ({ source, serial }) => custody.reveal(source, serial),
    'secret.pending': async () => custody.pending(),
    'secret.acknowledge': async ({ serial, lastGroup }) => custody.acknowledge(serial, lastGroup),
    'secret.copy': ({ serial }) => custody.copy(serial),
    'secret.judge': async ({ value, route }) => judgeSecret(value, route),
    'handover.save': ({ serial, withSecret }) => exports.saveHandover(serial, withSecret, language),
    'inventory.list': () => vault.inventory(),
    'inventory.export': () => exports.exportInventory(),
    'journal.verify': async () => (await vault.records()).verify(),
    'console.read': async ({ after }) => session.readConsole(after),
    'cloud.signIn': ({ token, apiBase }) => fleet.signIn(token, apiBase),
    'cloud.oauthSignIn': (request) => fleet.signInOAuth(request),
    'cloud.oauthCancel': () => fleet.cancelOAuth(),
    'cloud.signOut': () => fleet.signOut(),
    'cloud.whoami': () => fleet.whoami(),
    'cloud.activationCode': ({ workspaceId }) => fleet.activationCode(workspaceId),
    'fleet.list': ({ tags }) => fleet.list(tags),
    'fleet.choose': ({ serial, role }) => fleet.choose(serial, role, NATIVE_TEXT[language]),
    'fleet.run': (request) => fleet.run(request),
    'fleet.meeting': ({ serial }) => fleet.meeting(serial),
    'fleet.capture': ({ serial, probeAddRefusals }) => fleet.capture(serial, probeAddRefusals === true),
    'fleet.watchMeeting': ({ serial, pollSeconds }) => meeting.watchCloud(serial, pollSeconds),
  };

  return {
    handlers,
    unacknowledged: () => custody.owners(),
    quitQuestion: () => custody.quitQuestion(language),
    async dispose() {
      await fleet.cancelOAuth();
      await meeting.stop();
      runner.dispose();
      await session.dispose();
    },
  };
}
