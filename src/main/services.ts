/**
 * The main process's answers to the renderer, in plain Node (no Electron): the shell (index.ts) gives
 * them a file dialog and a way to send events, and tests give stubs. Secrets stay here: the renderer
 * gets status, reports and progress, and a freshly generated secret only when the person asks for it,
 * once (`secret.reveal`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { INPUT_LIMITS, InputError, readFileBounded } from './input/bounded.js';
import { basename, join } from 'node:path';
import type {
  CaptureSummary,
  ConsoleEntry,
  CredentialsCheck,
  DeviceSessionInfo,
  FileRole,
  Handlers,
  HandoverFacts,
  SheetFacts,
  InventoryView,
  MeetingView,
  ProvisionRequest,
  AppLanguage,
  AppStatus,
  HandoverSaved,
  PendingSecret,
  ProvisionSummary,
  RevealedSecret,
  RunNote,
  SecretJudgement,
  SecretPresence,
  WorkflowEventMessage,
} from '../contract/index.js';
import { ProvisionerError, isProvisionerError } from '../core/errors.js';
import { inspect } from '../core/jwe/index.js';
import { checkActivationCode, checkConsoleValue } from '../core/xapi/index.js';
import { type SecretCheck, checkSecret, refuseWeak } from '../core/secret/check.js';
import {
  type Credentials,
  type CredentialsInput,
  inspectCredentials,
  readCredentials,
} from '../core/pki/index.js';
import type { RoomOsSimulator, SimulatorOptions } from '../simulator/index.js';
import {
  type PortInfo,
  type RoomOsDevice,
  type Target,
  Transcript,
  captureDevice,
  describeTarget,
  listPorts,
  parseTarget,
} from './device/index.js';
import { writeFileAtomic } from './vault/atomic-file.js';
import { dataDir, ensureDataDir } from './vault/data-dir.js';
import { deriveInventory } from './vault/inventory.js';
import type { Journal } from './vault/journal.js';
import { openDevice, openJournal, startBuiltInSimulator } from './open.js';
import { type SecretStore, openSecretStore } from './vault/secret-store.js';
import type { StepPlan } from './workflows/engine.js';
import { WorkflowError } from './workflows/errors.js';
import { NATIVE_TEXT, type NativeText } from './native-text.js';
import { toCsv } from './workflows/csv.js';
import { provision } from './workflows/provision.js';
import { rotateSecret } from './workflows/rotate.js';
import { observeIdentity } from './workflows/status.js';
import { addedByTool } from './workflows/identity.js';
import {
  type MeetingReport,
  type MeetingTarget,
  type MeetingUpdate,
  MeetingWatch,
  provisionedIdentity,
} from './workflows/meeting.js';

/** The app's own refusals: no device connected, a workflow already running, nothing to reveal. */
export const APP_ERROR_CODES = [
  'ERR_APP_NOT_CONNECTED',
  'ERR_APP_BUSY',
  'ERR_APP_NO_CERTIFICATE',
  'ERR_APP_CREDENTIALS_UNCHECKED',
  'ERR_APP_OPTIONS',
  'ERR_APP_NOTHING_TO_REVEAL',
  'ERR_APP_ACK_MISMATCH',
  'ERR_APP_RESET_NOT_THIS_DEVICE',
  'ERR_APP_CREDENTIALS_REFUSED',
  'ERR_APP_NO_REPORT',
  'ERR_APP_NO_CLIPBOARD',
  'ERR_APP_MEETING_OTHER_DEVICE',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export class AppError extends ProvisionerError<AppErrorCode> {}

/** What the shell's file dialog is asked; Electron's `dialog` answers it in index.ts, a stub in tests. */
export interface FileDialogRequest {
  role: FileRole;
  title: string;
  filters: { name: string; extensions: string[] }[];
}

/** Main's file dialogs: the path the person chose, or null when they cancelled. */
export interface FileDialog {
  openFile(request: FileDialogRequest): Promise<string | null>;
  /** Where to save a file (the handover sheet); absent in a shell without one. */
  saveFile?(request: { title: string; defaultName: string }): Promise<string | null>;
}

export interface ServiceOptions {
  version: string;
  platform: string;
  dialog: FileDialog;
  /** Sends a progress event to the window (the shell uses `webContents.send` on the one event channel). */
  emit: (message: WorkflowEventMessage) => void;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where secrets live (default: the OS keychain, refused with a typed error when unusable). */
  openSecretStore?: () => Promise<SecretStore>;
  listPorts?: () => Promise<PortInfo[]>;
  /** How long a training simulator takes to restart after a factory reset (default 800 ms). */
  simRebootDelayMs?: number;
  /** Where Copy puts a secret; absent: Copy is refused. */
  clipboard?: ClipboardLike;
  /** How long a copied secret stays on the clipboard (default 60 s). */
  clipboardClearMs?: number;
  /** Makes a training simulator (default: the built-in one); tests reach the device through it. */
  createSimulator?: (options: SimulatorOptions) => Promise<RoomOsSimulator>;
}

/** The system clipboard (Electron's `clipboard` in the shell). */
export interface ClipboardLike {
  writeText(text: string): void | Promise<void>;
  readText(): string | Promise<string>;
}

export interface Services {
  handlers: Handlers;
  /** Devices with a generated secret the person has not acknowledged yet (the shell warns on quit). */
  unacknowledged(): { serial: string; source: RevealedSecret['source'] }[];
  /** What to ask before the window closes, in the window's language; null: nothing waits. */
  quitQuestion(): { title: string; message: string; detail: string; buttons: [string, string] } | null;
  /** Ends the device session and the training simulators. */
  dispose(): Promise<void>;
}

interface Session {
  device: RoomOsDevice;
  target: Target;
  serial: string;
  productId: string | null;
  unsubscribe: () => void;
}

const CONSOLE_KEEP = 5000;
/** Main's file dialog for a role, in the window's language. */
function dialogFor(role: FileRole, text: NativeText): Omit<FileDialogRequest, 'role'> {
  return role === 'certificate'
    ? {
        title: text.chooseCertificate,
        filters: [
          { name: text.certificates, extensions: ['pem', 'crt', 'cer', 'der', 'p12', 'pfx'] },
          { name: text.allFiles, extensions: ['*'] },
        ],
      }
    : {
        title: text.chooseKey,
        filters: [
          { name: text.privateKeys, extensions: ['pem', 'key'] },
          { name: text.allFiles, extensions: ['*'] },
        ],
      };
}

/** The window's refusal of a weak typed secret: the one the CLI and batches give (ERR_SECRET_WEAK). */
function refuseWeakTyped(check: SecretCheck): void {
  refuseWeak(check, 'This secret', 'Choose a longer one, or let the app generate one.');
}

/** A device-sourced cell a spreadsheet would run as a formula is written as text. */
function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The handover sheet as plain text, in the window's language; the secret only when the person asked for it. */
function handoverText(r: SheetFacts, secret: string | undefined, language: AppLanguage): string {
  const w = NATIVE_TEXT[language].sheet;
  const rows: [string, string | null | undefined][] = [
    [w.product, r.productId],
    [w.serial, r.serialNumber],
    [w.software, r.softwareVersion],
    [w.identity, r.identity],
    [w.fingerprint, r.fingerprint],
    [w.notAfter, r.notAfter],
    [w.enc, r.enc],
    [w.provisionedAt, r.provisionedAt],
    [w.registered, r.registered === undefined ? undefined : r.registered ? w.yes : w.no],
  ];
  const lines = [
    w.title,
    '',
    ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v ?? w.unknown}`),
  ];
  if (secret !== undefined) lines.push('', `${w.secret}: ${secret}`, '', w.keepSafe);
  return lines.join('\n') + '\n';
}

/** Builds the handlers and the state they share (one device session, one workflow at a time). */
export function createServices(options: ServiceOptions): Services {
  const env = options.env ?? process.env;
  const open = options.openSecretStore ?? (() => openSecretStore({ env }));
  let store: Promise<SecretStore> | null = null;
  let journal: Promise<Journal> | null = null;
  let session: Session | null = null;
  let busy = false;
  /** The meeting check being watched: the other devices it connected, what it saw. */
  let meeting: {
    watch: MeetingWatch;
    /** The connected device the check runs on. */
    serial: string;
    others: RoomOsDevice[];
    updates: MeetingUpdate[];
    report: MeetingReport;
  } | null = null;
  let meetingError: { code: string; message: string } | null = null;
  const sims = new Map<string, Promise<RoomOsSimulator>>();
  const consoleEntries: ConsoleEntry[] = [];
  let consoleSeq = 0;
  const files: Partial<Record<FileRole, string>> = {};
  let credentials: Credentials | null = null;
  let lastFailed: { request: ProvisionRequest; backupFile?: string } | null = null;
  let current: { controller: AbortController } | null = null;
  /**
   * Generated secrets the device holds (or may hold) and the person has not acknowledged, by serial:
   * kept until acknowledged, whatever else happens (stop, failure, resume, another device, another screen).
   */
  const unrevealed = new Map<string, RevealedSecret & Omit<PendingSecret, 'lastGroupLength'>>();
  /** The last handover facts per device, for the saved sheet. */
  const handovers = new Map<string, HandoverFacts>();
  let lastCheckOk = false;
  let language: AppLanguage = 'en';

  const secrets = (): Promise<SecretStore> => {
    store ??= open().catch((e: unknown) => {
      store = null; // the person may unlock the keychain and try again
      throw e;
    });
    return store;
  };
  const records = (): Promise<Journal> => {
    journal ??= openJournal(env);
    return journal;
  };

  function pushConsole(e: { time: number; direction: ConsoleEntry['direction']; text: string }): void {
    consoleEntries.push({ ...e, seq: ++consoleSeq });
    if (consoleEntries.length > CONSOLE_KEEP) consoleEntries.splice(0, consoleEntries.length - CONSOLE_KEEP);
  }

  function requireSession(): Session {
    if (!session || !session.device.connected) {
      throw new AppError('ERR_APP_NOT_CONNECTED', 'No device is connected: connect to one first.');
    }
    return session;
  }

  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (busy) {
      throw new AppError(
        'ERR_APP_BUSY',
        'Another action is still running on the device; wait for it to finish, or stop it.',
      );
    }
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  }

  /** A newer secret for the same device replaces an older one: the device holds only the newest. */
  function keepForReveal(s: Session, source: RevealedSecret['source'], secret: string): void {
    unrevealed.delete(s.serial);
    unrevealed.set(s.serial, {
      serial: s.serial,
      source,
      secret,
      since: new Date().toISOString(),
      productId: s.productId,
      target: describeTarget(s.target),
    });
  }

  function lastGroup(secret: string): string {
    return secret.split('-').at(-1) ?? secret;
  }

  /**
   * Where a training device keeps its state: a fixed place under the app's data directory, named by a
   * hash of the target (never by a path or a name the window gave). It holds the simulated device's
   * client secret, as a device would: owner-only folder.
   */
  async function simStateFile(target: Target & { kind: 'sim' }): Promise<string> {
    const dir = join(await ensureDataDir(dataDir(env)), 'simulators');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const id = createHash('sha256').update(target.text).digest('hex').slice(0, 24);
    return join(dir, `sim-${id}.json`);
  }

  /** A training simulator per `sim:` target, kept while the app runs so that reconnecting finds the same device. */
  function trainingSim(target: Target & { kind: 'sim' }): Promise<RoomOsSimulator> {
    let sim = sims.get(target.text);
    if (!sim) {
      const make = options.createSimulator ?? startBuiltInSimulator;
      // The window never names a file (the contract refuses `state`); main decides where the state lives.
      const { stateFile: _fromWindow, ...given } = target.options;
      sim = simStateFile(target).then((stateFile) =>
        make({ ...given, stateFile, rebootDelayMs: options.simRebootDelayMs ?? 800 }),
      );
      sim.catch(() => sims.delete(target.text));
      sims.set(target.text, sim);
    }
    return sim;
  }

  async function presence(serial: string): Promise<Pick<DeviceSessionInfo, 'secret' | 'keychainError'>> {
    try {
      const s = await secrets();
      const status = (await s.list()).find((x) => x.serial === serial);
      const label = (s as { label?: unknown }).label;
      const secret: SecretPresence = {
        hasSecret: status?.hasSecret ?? false,
        hasPending: status?.hasPending ?? false,
        label: typeof label === 'string' ? label : 'OS keychain',
      };
      return { secret };
    } catch (e) {
      if (!isProvisionerError(e)) throw e;
      return { secret: null, keychainError: { code: e.code, message: e.message } };
    }
  }

  async function sessionInfo(s: Session): Promise<DeviceSessionInfo> {
    const identity = await s.device.identify();
    s.serial = identity.serialNumber;
    s.productId = identity.productId || null;
    return {
      target: describeTarget(s.target),
      link: s.target.kind,
      identity,
      ...(await presence(identity.serialNumber)),
    };
  }

  function meetingView(): MeetingView {
    return meeting
      ? {
          report: meeting.report,
          updates: [...meeting.updates],
          watching: true,
          error: null,
          serial: meeting.serial,
        }
      : {
          report: lastMeeting,
          updates: lastMeetingUpdates,
          watching: false,
          error: meetingError,
          serial: lastMeeting ? lastMeetingSerial : null,
        };
  }

  let lastMeeting: MeetingReport | null = null;
  let lastMeetingUpdates: MeetingUpdate[] = [];
  let lastMeetingSerial: string | null = null;

  /** A device change (connect, disconnect): no earlier meeting reading is kept, for any device. */
  function forgetMeeting(): void {
    lastMeeting = null;
    lastMeetingUpdates = [];
    lastMeetingSerial = null;
    meetingError = null;
  }

  /** The identity the journal last saw activated on a device, if any (a meeting check compares with it). */
  async function journalIdentity(serial: string): Promise<string | null> {
    try {
      return provisionedIdentity(await (await records()).read(), serial);
    } catch {
      return null;
    }
  }

  /** Ends the meeting watch: feedback deregistered, the other devices' connections closed. */
  async function stopMeeting(): Promise<void> {
    const m = meeting;
    meeting = null;
    if (!m) return;
    lastMeeting = await m.watch.stop().catch(() => m.report);
    lastMeetingUpdates = m.updates;
    lastMeetingSerial = m.serial;
    for (const d of m.others) await d.close().catch(() => undefined);
  }

  async function closeSession(): Promise<void> {
    await stopMeeting();
    forgetMeeting();
    const s = session;
    session = null;
    if (!s) return;
    await s.device.close().catch(() => undefined);
    s.unsubscribe();
    pushConsole({
      time: Date.now(),
      direction: 'note',
      text: `disconnected from ${describeTarget(s.target)}`,
    });
  }

  async function readChosen(role: FileRole): Promise<Uint8Array> {
    const path = files[role]!;
    try {
      return new Uint8Array(await readFileBounded(path, INPUT_LIMITS.credentials, 'chosen file'));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new WorkflowError(
        'ERR_WORKFLOW_INPUT_READ',
        `The file ${basename(path)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); choose it again.`,
        { file: basename(path) },
      );
    }
  }

  async function runProvision(request: ProvisionRequest, resumeBackup?: string): Promise<ProvisionSummary> {
    // Checked before the device is touched, on a dry run too: a bad code would fail only at the end.
    if (request.activationCode !== null) checkActivationCode(request.activationCode);
    const s = requireSession();
    if (!credentials) {
      throw new AppError(
        'ERR_APP_CREDENTIALS_UNCHECKED',
        'Choose the certificate (and its key, when it is a separate file) and check them before provisioning.',
      );
    }
    if (!request.dryRun && !lastCheckOk) {
      throw new AppError(
        'ERR_APP_CREDENTIALS_REFUSED',
        'The certificate check says the device would refuse these files; fix what it lists, check again, then provision.',
      );
    }
    if (!request.dryRun && request.factoryReset && request.factoryReset.serial.trim() !== s.serial) {
      throw new AppError(
        'ERR_APP_RESET_NOT_THIS_DEVICE',
        `The factory reset was confirmed for ${JSON.stringify(request.factoryReset.serial.trim())}, not for the connected device ${s.serial}; confirm it again for this device.`,
        { serial: s.serial },
      );
    }
    if (request.secret.mode === 'given' && !request.dryRun)
      refuseWeakTyped(checkSecret(request.secret.value, 'plain'));
    if (request.restoreName && !request.backup) {
      throw new AppError('ERR_APP_OPTIONS', 'Restoring the device name needs the configuration backup.');
    }
    const [secretStore, journalStore] = await Promise.all([secrets(), records()]);
    let backupFile: string | undefined;
    if (request.backup && !request.dryRun) {
      backupFile = resumeBackup;
      if (!backupFile) {
        const dir = join(journalStore.dir, 'backups');
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        backupFile = join(dir, `config-${s.serial || 'device'}-${stamp}.json`);
      }
    } else if (request.backup) {
      backupFile = join(journalStore.dir, 'backups', 'config-(planned).json');
    }
    const runId = randomUUID();
    const controller = new AbortController();
    current = { controller };
    let plan: StepPlan[] = [];
    const notes: RunNote[] = [];
    try {
      const result = await provision(
        { device: s.device, secrets: secretStore, journal: journalStore },
        {
          credentials,
          enc: request.enc,
          link: s.target.kind,
          allowPlainOverNetwork: request.allowPlainOverNetwork,
          ...(request.secret.mode === 'given' ? { secret: request.secret.value } : {}),
          ...(request.factoryReset
            ? {
                factoryReset: {
                  confirmed: request.factoryReset.confirmed,
                  keep: request.factoryReset.keep ?? [],
                },
              }
            : {}),
          ...(request.registerFirst ? { order: 'register-first' as const } : {}),
          ...(request.wrapLongLines ? { wrapLongLines: true } : {}),
          targetLabel: describeTarget(s.target),
          ...(backupFile ? { backupFile } : {}),
          ...(backupFile && request.restoreName
            ? { restore: { file: backupFile, paths: ['SystemUnit Name'] } }
            : {}),
          ...(request.activationCode !== null
            ? { activationCode: request.activationCode, securityAction: 'NoAction' as const }
            : {}),
        },
        {
          dryRun: request.dryRun,
          signal: controller.signal,
          runId,
          onEvent: (event) => {
            if (event.type === 'plan') plan = event.steps;
            if (event.type === 'info')
              notes.push({ text: event.message, ...(event.said ? { said: event.said } : {}) });
            options.emit({ workflow: 'provision', runId, event });
          },
        },
      );
      const held = result.newSecret ?? result.heldSecret;
      if (held !== undefined) keepForReveal(s, 'provision', held);
      if (!request.dryRun) {
        lastFailed = result.ok ? null : { request, ...(backupFile ? { backupFile } : {}) };
      }
      let report: HandoverFacts | undefined;
      if (result.report) {
        // The report may hold the secret only when asked for a handover file; the window never asks.
        const { clientSecret: _never, ...facts } = result.report;
        report = facts;
        handovers.set(facts.serialNumber, facts);
      }
      return {
        runId,
        ok: result.ok,
        dryRun: result.dryRun,
        plan,
        steps: result.steps,
        warnings: result.warnings,
        notes,
        ...(result.error ? { error: result.error } : {}),
        ...(report ? { report } : {}),
        ...(backupFile && !request.dryRun ? { backupFile } : {}),
        secretToReveal: held !== undefined,
      };
    } finally {
      current = null;
    }
  }

  /** A sheet for a device no provisioning here reported on (a rotation): the journal's certificate facts. */
  async function journalFacts(w: { serial: string; productId: string | null }): Promise<SheetFacts> {
    const known = deriveInventory(await (await records()).read()).devices.find((d) => d.serial === w.serial);
    return {
      serialNumber: w.serial,
      productId: w.productId ?? known?.productId ?? null,
      identity: known?.certificate?.cn ?? null,
      fingerprint: known?.certificate?.fingerprint ?? null,
      notAfter: known?.certificate?.notAfter ?? null,
    };
  }

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'E2EE Identity Provisioner',
      version: options.version,
      platform: options.platform,
    }),
    'blob.inspect': async ({ blob }) => inspect(blob),

    'ports.list': async () => (options.listPorts ?? (() => listPorts()))(),

    'device.connect': ({ target: text, password, hostKey }) =>
      exclusive(async () => {
        const target = parseTarget(text);
        // Before the current session is closed or anything opened: a CR in the password would type
        // the rest of it into the device's console as a command.
        checkConsoleValue(password ?? '', 'login password');
        await closeSession();
        const transcript = new Transcript();
        const unsubscribe = transcript.subscribe(pushConsole);
        try {
          const device = await openDevice(target, {
            password: password ?? '',
            transcript,
            env,
            // A new SSH host key is pinned only when the person was shown it and accepted that very key
            // (ERR_DEVICE_HOST_KEY with details.unknown carries the fingerprint for the window to show).
            acceptNewHostKey: (info) => hostKey !== undefined && info.fingerprint === hostKey,
            ...(target.kind === 'sim' ? { simulator: await trainingSim(target) } : {}),
          });
          session = { device, target, serial: '', productId: null, unsubscribe };
        } catch (e) {
          unsubscribe();
          throw e;
        }
        // What the device shows is journaled, so that the inventory re-learns it (a new journal, say).
        // Connecting does not depend on it: a journal that cannot take it shows in the status bar.
        const opened = session;
        await records()
          .then(async (j) => observeIdentity(opened.device, j, await addedByTool(j)))
          .catch(() => undefined);
        return sessionInfo(opened);
      }),

    'device.identify': () => exclusive(async () => sessionInfo(requireSession())),

    'meeting.start': ({ others, serial }) =>
      exclusive(async (): Promise<MeetingView> => {
        const s = requireSession();
        // The check runs on the device the person chose, or not at all: never on another one.
        if (serial !== null && serial !== s.serial) {
          throw new AppError(
            'ERR_APP_MEETING_OTHER_DEVICE',
            `The connected device is ${s.productId ?? 'a device'} ${s.serial} (${describeTarget(s.target)}), not ${serial}: connect to ${serial}, then check again.`,
            { connected: s.serial, chosen: serial },
          );
        }
        await stopMeeting();
        forgetMeeting();
        const opened: RoomOsDevice[] = [];
        try {
          const devices: MeetingTarget[] = [
            {
              target: describeTarget(s.target),
              device: s.device as RoomOsDevice,
              expectedIdentity: await journalIdentity(s.serial),
            },
          ];
          for (const o of others) {
            checkConsoleValue(o.password ?? '', 'login password');
            const target = parseTarget(o.target);
            const device = await openDevice(target, {
              password: o.password ?? '',
              env,
              // A device to compare with is not where a new SSH host key is pinned: connect to it once first.
              acceptNewHostKey: () => false,
              ...(target.kind === 'sim' ? { simulator: await trainingSim(target) } : {}),
            });
            opened.push(device);
            devices.push({ target: describeTarget(target), device });
          }
          const updates: MeetingUpdate[] = [];
          const watch = new MeetingWatch(
            (u, report) => {
              if (!meeting) return;
              updates.push(u);
              meeting.report = report;
            },
            {
              // A device lost while watching ends the watch; the window shows why, by code.
              onError: (e) => {
                meetingError = isProvisionerError(e)
                  ? { code: e.code, message: e.message }
                  : { code: 'ERR_INTERNAL', message: 'The meeting watch stopped unexpectedly.' };
                void stopMeeting();
              },
            },
          );
          const report = await watch.start(devices);
          meeting = { watch, serial: s.serial, others: opened, updates, report };
          return meetingView();
        } catch (e) {
          for (const d of opened) await d.close().catch(() => undefined);
          throw e;
        }
      }),

    'meeting.read': async () => meetingView(),

    'meeting.stop': async () => {
      await stopMeeting();
      return meetingView();
    },

    'device.capture': (request) =>
      exclusive(async (): Promise<CaptureSummary> => {
        const s = requireSession();
        const journalStore = await records();
        const dir = join(journalStore.dir, 'captures');
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const capture = await captureDevice(s.device, {
          toolVersion: options.version,
          probeAddRefusals: request.probeAddRefusals === true,
        });
        const stamp = capture.takenAt.replace(/[:.]/g, '-');
        const file = join(dir, `capture-${s.serial || 'device'}-${stamp}.json`);
        await writeFileAtomic(file, JSON.stringify(capture, null, 2) + '\n', {
          mode: 0o600,
          exclusive: true,
        });
        return {
          file,
          probes: capture.probes.length,
          failedProbes: capture.probes.filter((p) => p.error !== undefined).map((p) => p.id),
          lineLimit: capture.lineLimit,
        };
      }),

    'device.disconnect': () =>
      exclusive(async () => {
        await closeSession();
        return null;
      }),

    'credentials.choose': async ({ role }) => {
      const path = await options.dialog.openFile({ role, ...dialogFor(role, NATIVE_TEXT[language]) });
      if (path === null) return null;
      files[role] = path;
      credentials = null;
      lastCheckOk = false;
      return { role, name: basename(path) };
    },

    'credentials.inspect': async ({ passphrase }): Promise<CredentialsCheck> => {
      if (!files.certificate) {
        throw new AppError('ERR_APP_NO_CERTIFICATE', 'Choose the device certificate file first.');
      }
      const input: CredentialsInput = {
        certFile: await readChosen('certificate'),
        ...(files.key ? { keyPem: Buffer.from(await readChosen('key')).toString('utf8') } : {}),
        ...(passphrase !== null && passphrase !== '' ? { passphrase } : {}),
      };
      credentials = null;
      lastCheckOk = false;
      const check = inspectCredentials(input);
      lastCheckOk = check.ok;
      try {
        credentials = readCredentials(input);
      } catch {
        credentials = null; // the check's errors say why (a key that cannot be read)
      }
      return check;
    },

    'provision.run': (request) => exclusive(() => runProvision(request)),

    'provision.stop': async () => {
      if (!current) return { stopping: false };
      current.controller.abort();
      return { stopping: true };
    },

    'provision.resume': () =>
      exclusive(async () => {
        if (!lastFailed) {
          throw new WorkflowError(
            'ERR_WORKFLOW_NOTHING_TO_RESUME',
            'There is no stopped or failed provisioning to resume in this window; start one.',
          );
        }
        // A cable pulled and plugged back in: log in again on the same target, then go on.
        if (session && !session.device.connected) {
          pushConsole({ time: Date.now(), direction: 'note', text: 'reconnecting to resume' });
          await session.device.reconnect({ timeoutMs: 60_000 });
        }
        return runProvision({ ...lastFailed.request, dryRun: false }, lastFailed.backupFile);
      }),

    'secret.rotate': (request) =>
      exclusive(async () => {
        const s = requireSession();
        // Judged before anything reaches the device: a weak secret is refused here, not regretted later.
        if (request.newSecret.mode === 'given') refuseWeakTyped(checkSecret(request.newSecret.value, 'blob'));
        const [secretStore, journalStore] = await Promise.all([secrets(), records()]);
        const given = request.currentSecret;
        const device = s.device;
        const result = await rotateSecret(
          device,
          {
            ...(request.newSecret.mode === 'given' ? { newSecret: request.newSecret.value } : {}),
            ...(given !== null && given !== '' ? { askCurrentSecret: async () => given } : {}),
          },
          {
            store: secretStore,
            journal: journalStore,
            enc: request.enc,
            // A lost answer: log in again on the same console and find out which secret the device holds.
            reconnect: async () => {
              await device.reconnect();
              return {
                identify: () => device.identify(),
                populateSecret: (blob: string) => device.populateSecret(blob),
              };
            },
          },
        );
        if (result.generated) keepForReveal(s, 'rotate', result.newSecret);
        // A typed secret replaced whatever generated one waited: the device no longer holds that.
        else unrevealed.delete(result.serial);
        return {
          serial: result.serial,
          generated: result.generated,
          secretToReveal: result.generated,
          strength: { bits: result.check.strength.bits, rating: result.check.strength.rating },
          warnings: result.check.warnings.map((w) => w.code),
          before: {
            state: result.before.state,
            ...(result.before.holds ? { holds: result.before.holds } : {}),
          },
        };
      }),

    'secret.reveal': async ({ source, serial }) => {
      // Each screen reveals what its own action made; it stays until the person acknowledges it.
      const found = [...unrevealed.values()]
        .reverse()
        .find((x) => x.source === source && (serial === undefined || x.serial === serial));
      if (!found) {
        throw new AppError(
          'ERR_APP_NOTHING_TO_REVEAL',
          'There is no new secret to show: it was acknowledged already, and it is kept in the keychain.',
        );
      }
      return { serial: found.serial, source, secret: found.secret };
    },

    'secret.pending': async () =>
      [...unrevealed.values()].map(({ secret, ...rest }) => ({
        ...rest,
        lastGroupLength: lastGroup(secret).length,
      })),

    'secret.acknowledge': async ({ serial, lastGroup: typed }) => {
      const found = unrevealed.get(serial);
      if (!found) {
        throw new AppError('ERR_APP_NOTHING_TO_REVEAL', 'There is no unacknowledged secret for this device.');
      }
      if (typed.trim().toUpperCase() !== lastGroup(found.secret).toUpperCase()) {
        throw new AppError(
          'ERR_APP_ACK_MISMATCH',
          'That is not the secret’s last group: look at the secret you saved and type its last group again.',
        );
      }
      unrevealed.delete(serial);
      return { acknowledged: true as const };
    },

    'secret.copy': async ({ serial }) => {
      const found = unrevealed.get(serial);
      if (!found) {
        throw new AppError('ERR_APP_NOTHING_TO_REVEAL', 'There is no unacknowledged secret for this device.');
      }
      const clipboard = options.clipboard;
      if (!clipboard)
        throw new AppError('ERR_APP_NO_CLIPBOARD', 'This window has no clipboard; write the secret down.');
      await clipboard.writeText(found.secret);
      const ms = options.clipboardClearMs ?? 60_000;
      // Cleared only if it still holds the secret: what the person copied since is theirs.
      const timer = setTimeout(() => {
        void (async () => {
          if ((await clipboard.readText()) === found.secret) await clipboard.writeText('');
        })().catch(() => undefined);
      }, ms);
      timer.unref();
      return { clearAfterSeconds: Math.round(ms / 1000) };
    },

    'secret.judge': async ({ value, route }): Promise<SecretJudgement> => {
      try {
        const check = checkSecret(value, route);
        let refusal: SecretJudgement['refusal'] = null;
        try {
          refuseWeakTyped(check);
        } catch (e) {
          if (!isProvisionerError(e)) throw e;
          refusal = { code: e.code, message: e.message };
        }
        return {
          bits: check.strength.bits,
          rating: check.strength.rating,
          warnings: check.warnings.map((w) => w.code),
          refusal,
        };
      } catch (e) {
        if (!isProvisionerError(e)) throw e;
        return { bits: 0, rating: 'weak', warnings: [], refusal: { code: e.code, message: e.message } };
      }
    },

    'handover.save': async ({ serial, withSecret }): Promise<HandoverSaved> => {
      const waiting = unrevealed.get(serial);
      const facts: SheetFacts | undefined =
        handovers.get(serial) ?? (waiting ? await journalFacts(waiting) : undefined);
      if (!facts) {
        throw new AppError('ERR_APP_NO_REPORT', 'There is no handover sheet for this device in this window.');
      }
      const secret = withSecret ? waiting?.secret : undefined;
      if (withSecret && secret === undefined) {
        throw new AppError(
          'ERR_APP_NOTHING_TO_REVEAL',
          'The secret was acknowledged already and is no longer held by the app; save the sheet without it.',
        );
      }
      if (!options.dialog.saveFile) return { name: null, withSecret };
      const path = await options.dialog.saveFile({
        title: NATIVE_TEXT[language].saveHandover,
        defaultName: `handover-${serial}${withSecret ? '-with-secret' : ''}.txt`,
      });
      if (path === null) return { name: null, withSecret };
      await writeFileAtomic(path, handoverText(facts, secret, language), { mode: 0o600 });
      return { name: basename(path), withSecret };
    },

    'app.language': async ({ lang }) => {
      language = lang;
      return null;
    },

    'app.status': async (): Promise<AppStatus> => {
      let keychain: AppStatus['keychain'];
      try {
        const s = await secrets();
        const label = (s as { label?: unknown }).label;
        keychain = { ok: true, label: typeof label === 'string' ? label : 'OS keychain' };
      } catch (e) {
        if (!isProvisionerError(e)) throw e;
        keychain = { ok: false, code: e.code };
      }
      const report = await (await records()).verify();
      return {
        keychain,
        journal: { records: report.records, ok: report.ok, code: report.problems[0]?.code ?? null },
        pendingSecrets: unrevealed.size,
      };
    },

    'inventory.list': async (): Promise<InventoryView> => {
      const inventory = deriveInventory(await (await records()).read());
      try {
        const list = await (await secrets()).list();
        return {
          ...inventory,
          keychain: list.map((x) => ({ serial: x.serial, hasSecret: x.hasSecret, hasPending: x.hasPending })),
        };
      } catch (e) {
        if (!isProvisionerError(e)) throw e;
        return { ...inventory, keychain: null, keychainError: { code: e.code, message: e.message } };
      }
    },

    'journal.verify': async () => (await records()).verify(),

    'inventory.export': async () => {
      const inventory = deriveInventory(await (await records()).read());
      const rows = [
        [
          'serial',
          'product',
          'identity',
          'fingerprint',
          'valid_until',
          'state',
          'last_action',
          'last_result',
          'last_at',
        ],
        ...inventory.devices.map((d) => [
          d.serial,
          d.productId ?? '',
          d.certificate?.cn ?? '',
          d.certificate?.fingerprint ?? '',
          d.certificate?.notAfter ?? '',
          d.state,
          d.lastAction?.action ?? '',
          d.lastAction?.result ?? '',
          d.lastAction?.at ?? '',
        ]),
      ].map((r) => r.map(spreadsheetSafe));
      if (!options.dialog.saveFile) return { name: null, rows: inventory.devices.length };
      const path = await options.dialog.saveFile({
        title: 'Export the inventory',
        defaultName: 'inventory.csv',
      });
      if (path === null) return { name: null, rows: inventory.devices.length };
      await writeFileAtomic(path, toCsv(rows), { mode: 0o600 });
      return { name: basename(path), rows: inventory.devices.length };
    },

    'console.read': async ({ after }) => ({
      entries: consoleEntries.filter((e) => e.seq > after),
      next: consoleSeq,
      connected: session?.device.connected ?? false,
    }),
  };

  return {
    handlers,
    unacknowledged: () => [...unrevealed.values()].map(({ serial, source }) => ({ serial, source })),
    quitQuestion() {
      if (unrevealed.size === 0) return null;
      const t = NATIVE_TEXT[language];
      return {
        title: t.quitTitle,
        message: t.quitMessage([...unrevealed.keys()].join(', ')),
        detail: t.quitDetail,
        buttons: [t.quitStay, t.quitLeave],
      };
    },
    async dispose() {
      await stopMeeting();
      current?.controller.abort();
      await closeSession();
      for (const sim of sims.values()) await (await sim.catch(() => null))?.close();
      sims.clear();
    },
  };
}
