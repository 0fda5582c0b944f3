/**
 * Provisioning: the vendor's procedure (shared/spec/jwe-blobs.md, last section) as steps that check the
 * device, act, and read back. Resumable: each step first asks the device (and the keychain) whether it
 * is already done, so a second run after an interruption goes on where the first stopped.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { Enc } from '../../core/jwe/index.js';
import { type CheckResult, type Credentials, checkCredentials } from '../../core/pki/index.js';
import { checkSecret, describeWarning, generateSecret } from '../../core/secret/index.js';
import { modelSupport, softwareSupported } from '../../core/support.js';
import { describePosition, readJson } from '../../core/json-text.js';
import { checkActivationCode } from '../../core/xapi/build.js';
import type { ConfigNode, DeviceIdentity, E2eeStatus } from '../../core/xapi/results.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { INPUT_LIMITS, InputError, readFileBounded } from '../input/bounded.js';
import { writeFileAtomic } from '../vault/atomic-file.js';
import { deriveInventory } from '../vault/inventory.js';
import { type Journal, unsettledOps } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { FactoryResetKeep } from '../device/device.js';
import type { LinkKind, SecurityAction, WorkflowDevice } from './device-port.js';
import {
  type Detail,
  type ErrorInfo,
  type RunOptions,
  type StepDef,
  type StepIO,
  type WorkflowEvent,
  type WorkflowResult,
  runWorkflow,
} from './engine.js';
import { WorkflowError } from './errors.js';
import { requireE2eeModel } from './common.js';
import {
  type IdentityTarget,
  activateIdentity,
  addCertificate,
  addLineFit,
  addTooLong,
  requireWrapJoins,
  awaitExternalIdentity,
  lists,
  settleIdentityOps,
  verifyExternal,
} from './identity.js';
import { journaled, outcomeOf } from './journaled.js';
import { settleFactoryResets } from './reset.js';
import { deviceHolds } from './device-holds.js';
import './journal-kinds.js';

export interface ProvisionOptions {
  credentials: Credentials;
  /** The secret to populate; when absent one is generated and returned once in `newSecret`. */
  secret?: string;
  enc?: Enc;
  /** Factory reset first; `confirmed` must be true (an explicit confirmation by the person). */
  factoryReset?: { confirmed: boolean; keep?: readonly FactoryResetKeep[] };
  /** Write a configuration backup here before anything changes. */
  backupFile?: string;
  /** After activation, restore these configuration paths (prefixes, e.g. `SystemUnit Name`) from a backup file. */
  restore?: { file: string; paths: string[] };
  /** Register the device to Webex with this activation code at the end. */
  activationCode?: string;
  securityAction?: SecurityAction;
  /**
   * How long `Webex Registration Start` may take to answer (it answers once registration succeeded or
   * failed, and may time out with "failed"), and then how long the status may stay Registering
   * (default 5 minutes).
   */
  registrationTimeoutMs?: number;
  /**
   * `standard` (the vendor's order: populate, add, activate, verify, then register) or `register-first`
   * (register with SecurityAction NoAction first, then populate, add, activate, verify), for devices that
   * take a client secret only once registered (the schema says Populate "applies only to devices that
   * are registered"). Default `standard`.
   */
  order?: ProvisionOrder;
  /** How long a registered device may take to report the new external identity (default 60 s). */
  identitySettleMs?: number;
  /** The target as text (never a secret): recorded when a Harden registration closes the console to the tool. */
  targetLabel?: string;
  /** How the tool reaches the device. The plain first populate goes over the serial console only... */
  link: LinkKind;
  /** ...unless this is set (the secret then travels in clear over the network; a warning says so). */
  allowPlainOverNetwork?: boolean;
  /** Write the handover report here; it holds the secret only with `includeSecret`. */
  handover?: { file?: string; includeSecret?: boolean };
  /** The moment certificate validity is judged at (default now). */
  now?: Date;
  /**
   * Send an add blob longer than the console's measured line wrapped over body lines, once harmless
   * probes showed that the device joins them (`--wrap-long-lines`). Default: such a blob is refused in
   * the precheck, before anything changes.
   */
  wrapLongLines?: boolean;
}

export type ProvisionOrder = 'standard' | 'register-first';

/** How long registration may take by default: the command answers only when it succeeded or failed. */
export const REGISTRATION_TIMEOUT_MS = 5 * 60_000;

/** How long the status may lag behind the registration's answer before it counts as not registered. */
const REGISTRATION_GRACE_MS = 30_000;

export interface ProvisionDeps {
  device: WorkflowDevice;
  secrets: SecretStore;
  journal: Journal;
}

/** What the technician hands over: device, identity, fingerprint, expiry. */
export interface HandoverReport {
  serialNumber: string;
  productId: string;
  softwareVersion: string;
  identity: string;
  fingerprint: string;
  notAfter: string;
  enc: Enc;
  provisionedAt: string;
  registered: boolean;
  /** Present only when the person asked for it. */
  clientSecret?: string;
}

export interface ProvisionResult extends WorkflowResult {
  report?: HandoverReport;
  /** The generated secret, to be shown once; absent when the person gave one or the device already had one. */
  newSecret?: string;
  /**
   * A generated secret the device holds or may hold (set, or sent when the run stopped or failed): the
   * window keeps offering it until the person says it is saved. Equal to `newSecret` after a success.
   */
  heldSecret?: string;
}

interface Ctx {
  deps: ProvisionDeps;
  options: ProvisionOptions;
  enc: Enc;
  check: CheckResult;
  fingerprint: string;
  cn: string;
  identity?: DeviceIdentity;
  serial: string;
  /** The device's ClientSecret once known: in memory only, never in an event or the journal. */
  secret?: string;
  generated?: string;
  /** A generated secret sent to the device (it holds it, or may): cleared when the device refused it. */
  sent?: string;
  /** The wrapped-body probe ran in the precheck and showed that the device joins wrapped lines. */
  wrapJoinsChecked?: boolean;
  provisionOp?: string;
  resumed: boolean;
  /** This run found a reset an interrupted run started done (settled by what the device shows). */
  resetSettled?: boolean;
  registered: boolean;
  report?: HandoverReport;
}

const PLAIN_OK: readonly LinkKind[] = ['serial', 'sim'];

function spkiHash(credentials: Credentials): string {
  const der = createPublicKey(credentials.certificate).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** A detail in English (the CLI's words) with its code and values, for the window's catalogues. */
function said(code: string, text: string, params?: Record<string, string | number>): Detail {
  return { text, said: { code, ...(params ? { params } : {}) } };
}

/** Steps of the provisioning workflow, in the order the vendor's procedure gives. */
export const PROVISION_STEPS: readonly StepDef<Ctx>[] = [
  {
    id: 'precheck',
    title: 'Check the device and the certificate',
    async act(ctx, io) {
      const { device, journal } = ctx.deps;
      const id = await device.identify();
      ctx.identity = id;
      ctx.serial = id.serialNumber;
      if (!id.serialNumber) {
        throw new WorkflowError(
          'ERR_WORKFLOW_DEVICE_CHANGED',
          'The device did not report a serial number, so its secret cannot be kept for it. Check the connection and try again.',
        );
      }
      requireE2eeModel(id);
      const model = modelSupport(id.productId);
      if (model.capability === 'unlisted') {
        io.warn(
          'WARN_MODEL_UNLISTED',
          `${id.productId} is not in the list of devices known to support external identities; go on only if Cisco lists it.`,
        );
      }
      const sw = softwareSupported(id.softwareVersion, id.softwareDisplayName);
      if (sw.supported === undefined) {
        throw new WorkflowError(
          'ERR_WORKFLOW_SOFTWARE_UNKNOWN',
          `The device reports its software as ${JSON.stringify(id.softwareVersion)} (${JSON.stringify(id.softwareDisplayName)}), which holds no release number the tool can read. Check the software on the device (xStatus SystemUnit Software) and report the text; external identities need RoomOS 10.6.1 or later.`,
          { softwareVersion: id.softwareVersion, softwareDisplayName: id.softwareDisplayName },
        );
      }
      if (!sw.supported) {
        throw new WorkflowError(
          'ERR_WORKFLOW_SOFTWARE_TOO_OLD',
          `The device runs ${sw.family} ${sw.releaseText} (${id.softwareVersion || id.softwareDisplayName}); external identities need RoomOS 10.6.1 or later. Upgrade the software first.`,
          { softwareVersion: id.softwareVersion, release: sw.releaseText },
        );
      }
      if (id.webexStatus === 'Registered' || id.webexStatus === 'Registering') {
        io.warn(
          'WARN_DEVICE_REGISTERED',
          `The device is already registered to Webex (${id.webexStatus}). The procedure expects an unregistered device: factory reset it first, or go on knowing it is registered.`,
        );
      }
      if (ctx.options.link === 'ssh') {
        io.warn(
          'WARN_DEVICE_ON_NETWORK',
          'The device is reached over the network. The procedure wants a new device kept off the network until its identity is in place.',
        );
      }
      if (!ctx.check.ok) {
        const first = ctx.check.errors[0]!;
        throw new WorkflowError(
          'ERR_WORKFLOW_CERT_REJECTED',
          `The certificate cannot go on the device: ${first.message}`,
          {
            errors: ctx.check.errors.map((e) => ({ code: e.code, message: e.message })),
          },
        );
      }
      for (const w of ctx.check.warnings) io.warn(w.code, w.message);
      if (id.encryptionOptionKey !== null && id.encryptionOptionKey.trim().toLowerCase() === 'false') {
        io.warn(
          'WARN_ENCRYPTION_OPTION_OFF',
          'The device reports the Encryption option key as False: encrypted meetings are not available on it, so its identity will not be used in end-to-end encrypted meetings until the key is installed.',
        );
      }
      const order = ctx.options.order ?? 'standard';
      const action = ctx.options.securityAction ?? 'NoAction';
      if (order === 'register-first') {
        if (!ctx.options.activationCode) {
          throw new WorkflowError(
            'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
            'The register-first order registers the device before anything else: give its activation code (--activation-code-file).',
          );
        }
        if (action === 'Harden') {
          throw new WorkflowError(
            'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
            'SecurityAction Harden turns off the local admin this tool logs in as, so the register-first order (which goes on at the console after registering) cannot use it. Register with NoAction, and harden later from Control Hub.',
          );
        }
      }
      if (ctx.options.activationCode && action === 'Harden') {
        io.warn(
          'WARN_HARDEN',
          'SecurityAction Harden deactivates every local user of the device, including the admin this tool logs in as: registration is done last, and afterwards renew, rotate and status cannot log in at the console (manage the device from Control Hub, or factory reset it).',
        );
      }
      if (ctx.options.factoryReset && !ctx.options.factoryReset.confirmed) {
        throw new WorkflowError(
          'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
          'A factory reset erases the device: confirm it explicitly (the CLI flag --factory-reset is that confirmation).',
        );
      }
      if (!PLAIN_OK.includes(ctx.options.link) && !ctx.options.allowPlainOverNetwork) {
        throw new WorkflowError(
          'ERR_WORKFLOW_PLAIN_SECRET_OVER_NETWORK',
          'The first populate sends the secret in clear, so it is done at the serial console only. Connect over serial, or allow it over the network explicitly.',
        );
      }
      if (!PLAIN_OK.includes(ctx.options.link)) {
        io.warn(
          'WARN_PLAIN_SECRET_OVER_NETWORK',
          'The first populate will send the secret in clear over the network, as you allowed.',
        );
      }

      // The console's line limit is not public: measure it (harmless probes) before anything changes.
      // A blob that does not fit is refused here unless wrapping was asked for.
      // A certificate an earlier run already added is not sent again (unless a reset erases it first).
      const fit =
        !ctx.options.factoryReset && (await lists(device, ctx.fingerprint))
          ? null
          : await addLineFit(device, ctx.options.credentials, ctx.enc, ctx.options.now);
      if (fit && !fit.fits) {
        if (!ctx.options.wrapLongLines) throw addTooLong(fit);
        // A secret the tool knows and the device holds (no reset to come): whether the device joins
        // wrapped lines is asked now, before anything changes.
        const stored = ctx.options.factoryReset ? null : await ctx.deps.secrets.get(ctx.serial);
        if (stored !== null && (await deviceHolds(device, stored))) {
          await requireWrapJoins(device, stored, ctx.enc, fit);
          ctx.wrapJoinsChecked = true;
        } else {
          io.warn(
            'WARN_LINE_LIMIT',
            `This console was measured to carry lines of at most ${fit.limit ?? 0} bytes; the certificate's add blob is ${fit.bytes}. As asked (--wrap-long-lines), it goes wrapped over several lines if probes that cannot change the device show that it joins them; they need the client secret, so they run once it is in place, before the add. If they show otherwise, or cannot tell, the run stops there with the secret kept, and SSH is the way.`,
          );
        }
      }
      const records = await journal.read();
      const inventory = deriveInventory(records);
      const spki = spkiHash(ctx.options.credentials);
      const elsewhere = inventory.devices.find(
        (d) => d.serial !== ctx.serial && d.certificate?.fingerprint === ctx.fingerprint,
      );
      const keyElsewhere = records.find(
        (r) =>
          r.kind === 'event' &&
          r.event === 'cert.key' &&
          r.serial !== ctx.serial &&
          (r as { spkiSha256?: string }).spkiSha256 === spki,
      );
      if (elsewhere || keyElsewhere) {
        const other = elsewhere?.serial ?? keyElsewhere?.serial ?? '';
        throw new WorkflowError(
          'ERR_WORKFLOW_CERT_IN_USE',
          `This ${elsewhere ? 'certificate' : 'key'} is already on device ${other}. Every device needs its own certificate and key: sharing them is a security breach.`,
          { serial: other },
        );
      }
      await journal.append({
        kind: 'event',
        event: 'device.identified',
        serial: ctx.serial,
        productId: id.productId,
        softwareVersion: id.softwareVersion,
      });
      // A factory reset an earlier run was killed in: settled by what the device shows, never repeated.
      const resets = await settleFactoryResets(device, journal, ctx.deps.secrets, ctx.serial);
      ctx.resetSettled = resets.some((r) => r.result === 'ok');
      // Identity operations an earlier run left unsettled (a pulled cable): settled by the device's lists.
      await settleIdentityOps(device, journal, ctx.serial);

      // Resume: an earlier provisioning of this device that never finished.
      const open = records.filter(
        (r) => r.kind === 'intent' && r.action === 'device.provision' && r.serial === ctx.serial,
      );
      const settled = new Set(
        records.filter((r) => r.kind === 'outcome' && r.action === 'device.provision').map((r) => r.op),
      );
      const unfinished = open.filter((r) => r.kind === 'intent' && !settled.has(r.op)).at(-1);
      if (unfinished && unfinished.kind === 'intent') {
        ctx.provisionOp = unfinished.op;
        ctx.resumed = true;
        io.info(
          `Resuming the provisioning started ${unfinished.at}: steps the device already has are skipped.`,
          { code: 'NOTE_RESUMING', params: { at: unfinished.at } },
        );
      } else {
        ctx.provisionOp = journal.newOp();
        await journal.append({
          kind: 'intent',
          action: 'device.provision',
          op: ctx.provisionOp,
          serial: ctx.serial,
        });
      }
      await journal.append({
        kind: 'event',
        event: 'cert.key',
        serial: ctx.serial,
        fingerprint: ctx.fingerprint,
        spkiSha256: spki,
      });
      return said(
        'PRECHECK_OK',
        `${id.productId}, ${id.softwareDisplayName || id.softwareVersion}, serial ${id.serialNumber}; certificate ${ctx.cn}`,
        {
          product: id.productId,
          software: id.softwareDisplayName || id.softwareVersion,
          serial: id.serialNumber,
          cn: ctx.cn,
        },
      );
    },
  },
  {
    id: 'backup',
    title: 'Back up the configuration',
    include: (ctx) => (ctx.options.backupFile ? true : 'no backup file given'),
    async alreadyDone(ctx) {
      const parsed = await readBackup<{ device?: { serialNumber?: string } }>(ctx.options.backupFile!, true);
      if (parsed === null) return false;
      if (parsed.device?.serialNumber !== ctx.serial) {
        throw new WorkflowError(
          'ERR_WORKFLOW_DEVICE_CHANGED',
          `${ctx.options.backupFile} already exists and holds another device's backup; choose another file.`,
        );
      }
      return said('BACKUP_EXISTS', 'the backup file of this device exists already');
    },
    async act(ctx) {
      const dump = await ctx.deps.device.configurationDump();
      const backup = {
        format: 'e2ee-provisioner-config-backup',
        version: 1,
        takenAt: new Date().toISOString(),
        device: ctx.identity,
        lines: dump.lines,
        nodes: dump.nodes,
      };
      await writeFileAtomic(ctx.options.backupFile!, JSON.stringify(backup, null, 2) + '\n', {
        mode: 0o600,
        exclusive: true,
      });
      return said(
        'BACKUP_SAVED',
        `${dump.nodes.length} configuration nodes saved to ${ctx.options.backupFile}`,
        {
          n: dump.nodes.length,
          file: ctx.options.backupFile!,
        },
      );
    },
  },
  {
    id: 'factory-reset',
    title: 'Factory reset',
    include: (ctx) => (ctx.options.factoryReset ? true : 'not asked for'),
    async alreadyDone(ctx, io) {
      const records = await ctx.deps.journal.read();
      const start = records.findIndex((r) => r.kind === 'intent' && r.op === ctx.provisionOp);
      const done = records
        .slice(start)
        .some(
          (r) =>
            r.kind === 'outcome' &&
            r.action === 'device.factory-reset' &&
            r.serial === ctx.serial &&
            r.result === 'ok',
        );
      if (done && ctx.resetSettled) {
        return said(
          'RESET_SETTLED',
          'the reset an interrupted run started had taken (the device is factory-fresh): it is not repeated',
        );
      }
      if (done) return said('RESET_EARLIER', 'the device was reset earlier in this provisioning');
      // Running the same provisioning again must not erase a device that already has it all.
      const stored = await ctx.deps.secrets.get(ctx.serial);
      if (
        (await lists(ctx.deps.device, ctx.fingerprint, true)) &&
        stored !== null &&
        (await deviceHolds(ctx.deps.device, stored))
      ) {
        io.warn(
          'WARN_RESET_SKIPPED',
          'The device already uses this certificate for WebexIdentity and holds the secret the keychain has for it: it is not reset again.',
        );
        return said('RESET_NOT_NEEDED', 'the device is already provisioned with this certificate');
      }
      return false;
    },
    async act(ctx, io) {
      const { device, journal, secrets } = ctx.deps;
      io.info('Resetting: the device restarts and the tool logs in again when it answers.', {
        code: 'NOTE_RESETTING',
      });
      const keep = [...(ctx.options.factoryReset?.keep ?? [])];
      await journaled(journal, ctx.serial, 'device.factory-reset', keep.length ? { keep } : {}, () =>
        device.factoryReset({ keep, trailingAction: 'Restart' }),
      );
      const after = await device.identify();
      if (after.serialNumber !== ctx.serial) {
        throw new WorkflowError(
          'ERR_WORKFLOW_DEVICE_CHANGED',
          `After the reset a different device answered (serial ${after.serialNumber}). Check the cable.`,
        );
      }
      ctx.identity = after;
      // The reset erased the device's secret: the stored one no longer opens anything.
      await secrets.delete(ctx.serial);
      return said('RESET_DONE', 'the device restarted and answered again');
    },
  },
  {
    id: 'register-first',
    title: 'Register to Webex first',
    include: (ctx) =>
      (ctx.options.order ?? 'standard') === 'register-first' ? true : 'the standard order registers last',
    async alreadyDone(ctx) {
      return registeredAlready(ctx);
    },
    async act(ctx, io) {
      return register(ctx, io);
    },
  },
  {
    id: 'populate-secret',
    title: 'Populate the client secret',
    async alreadyDone(ctx, io) {
      const { device, secrets } = ctx.deps;
      const stored = await secrets.get(ctx.serial);
      if (stored !== null && (await deviceHolds(device, stored))) {
        ctx.secret = stored;
        if (ctx.options.secret !== undefined && ctx.options.secret !== stored) {
          io.warn(
            'WARN_SECRET_KEPT',
            'The device already holds the secret the keychain has for it; the one you gave was not used. Rotate the secret to change it.',
          );
        }
        // A run killed between storing the secret and clearing its pending copy left both equal: the
        // device holds it (just probed), so the pending entry is settled now, not left for later.
        if ((await secrets.getPending(ctx.serial)) === stored) {
          await secrets.deletePending(ctx.serial);
          await settlePlainPopulates(ctx.deps.journal, ctx.serial, stored);
          return said(
            'SECRET_HELD_SETTLED',
            'the device already holds the secret stored for it; the pending copy an interrupted run left is settled',
          );
        }
        return said('SECRET_HELD', 'the device already holds the secret stored for it');
      }
      const pending = await secrets.getPending(ctx.serial);
      if (pending !== null && (await deviceHolds(device, pending))) {
        // An earlier run was cut off after the device took the secret: settle it now, in the keychain and the journal.
        await secrets.set(ctx.serial, pending);
        await secrets.deletePending(ctx.serial);
        await settlePlainPopulates(ctx.deps.journal, ctx.serial, pending);
        ctx.secret = pending;
        return said('SECRET_TAKEN_EARLIER', 'the device took the secret in an earlier run; it is now stored');
      }
      // The device holds neither: a populate an earlier run left unsettled (the cable pulled before the
      // device ran it) did not take. Journaled so, before this run populates again.
      await settlePlainPopulates(
        ctx.deps.journal,
        ctx.serial,
        null,
        [stored, pending].filter((x): x is string => x !== null),
      );
      return false;
    },
    async act(ctx, io) {
      const { device, journal, secrets } = ctx.deps;
      let secret = ctx.options.secret;
      if (secret === undefined) {
        secret = (await secrets.getPending(ctx.serial)) ?? generateSecret().secret;
        ctx.generated = secret;
      }
      const checked = checkSecret(secret, 'plain');
      for (const w of checked.warnings) io.warn(w.code, describeWarning(w));
      // The new secret is in the keychain before the device is told: whatever happens next, it is not lost.
      await secrets.setPending(ctx.serial, secret);
      if (ctx.generated !== undefined) ctx.sent = secret;
      try {
        await journaled(
          journal,
          ctx.serial,
          'secret.populate-plain',
          {},
          () => device.populateSecretPlain(secret),
          [secret],
        );
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_DEVICE_COMMAND_FAILED') {
          ctx.sent = undefined;
          await secrets.deletePending(ctx.serial);
          throw populateRefusal(ctx, (e as { details?: { reason?: string | null } }).details?.reason ?? null);
        }
        throw e;
      }
      await secrets.set(ctx.serial, secret);
      await secrets.deletePending(ctx.serial);
      ctx.secret = secret;
      return ctx.generated
        ? said('SECRET_GENERATED_SET', 'a generated secret was populated, and stored for the device')
        : said('SECRET_GIVEN_SET', 'your secret was populated, and stored for the device');
    },
  },
  {
    id: 'add-certificate',
    title: 'Add the certificate and key',
    async alreadyDone(ctx) {
      const certs = await ctx.deps.device.listCertificates();
      return certs.some((c) => c.fingerprint === ctx.fingerprint)
        ? said('CERT_PRESENT', 'the device already has this certificate')
        : false;
    },
    async act(ctx) {
      const facts = { cn: ctx.cn, fingerprint: ctx.fingerprint, notAfter: ctx.check.report.notAfter };
      await addCertificate(target(ctx), ctx.options.credentials, facts, ctx.options.now, {
        wrapLongLines: ctx.options.wrapLongLines === true,
        joinsChecked: ctx.wrapJoinsChecked === true,
      });
      return said(
        'CERT_ADDED',
        `${ctx.cn} (${ctx.options.credentials.chain.length} intermediate${ctx.options.credentials.chain.length === 1 ? '' : 's'})`,
        { cn: ctx.cn, n: ctx.options.credentials.chain.length },
      );
    },
  },
  {
    id: 'match-fingerprint',
    title: 'Find the certificate in the device’s list',
    async act(ctx) {
      const certs = await ctx.deps.device.listCertificates();
      const found = certs.find((c) => c.fingerprint === ctx.fingerprint);
      if (!found) {
        throw new WorkflowError(
          'ERR_WORKFLOW_FINGERPRINT_NOT_LISTED',
          `The device does not list a certificate with fingerprint ${ctx.fingerprint}. Run the provisioning again; if it persists, the device did not take the certificate.`,
          { fingerprint: ctx.fingerprint, listed: certs.map((c) => c.fingerprint) },
        );
      }
      return said('CERT_LISTED', `listed as certificate ${found.index}, fingerprint ${found.fingerprint}`, {
        index: found.index,
        fingerprint: found.fingerprint,
      });
    },
  },
  {
    id: 'activate',
    title: 'Activate it for WebexIdentity',
    async alreadyDone(ctx) {
      return (await lists(ctx.deps.device, ctx.fingerprint, true))
        ? said('CERT_ACTIVE', 'the certificate is already active for WebexIdentity')
        : false;
    },
    async act(ctx) {
      await activateIdentity(target(ctx), ctx.fingerprint);
    },
  },
  {
    id: 'verify',
    title: 'Verify the identity',
    async act(ctx, io) {
      if (!(await lists(ctx.deps.device, ctx.fingerprint, true))) {
        throw new WorkflowError(
          'ERR_WORKFLOW_VERIFY_FAILED',
          `The device does not list certificate ${ctx.fingerprint} as used for WebexIdentity. Run the provisioning again to activate it.`,
          { fingerprint: ctx.fingerprint },
        );
      }
      const status = await ctx.deps.device.e2eeStatus();
      if (!status.present) {
        // The device reports E2EE status only once registered (cloud or Edge): the list is the proof until then.
        io.warn(
          'WARN_E2EE_STATUS_UNAVAILABLE',
          'The device lists the certificate as its WebexIdentity; it reports the E2EE identity status only once registered, so that check waits for registration.',
        );
        return said('IDENTITY_VERIFIED', `certificate ${ctx.fingerprint} is used for WebexIdentity`, {
          fingerprint: ctx.fingerprint,
        });
      }
      return waitForExternalIdentity(ctx, io, status);
    },
  },
  {
    id: 'restore',
    title: 'Restore chosen configuration',
    include: (ctx) => (ctx.options.restore ? true : 'nothing to restore'),
    async act(ctx) {
      const { file, paths } = ctx.options.restore!;
      const backup = (await readBackup<{ nodes?: ConfigNode[] }>(file, false))!;
      const wanted = paths.map((p) => p.toLowerCase().trim());
      const nodes = (backup.nodes ?? []).filter((n) =>
        wanted.some((w) => n.path.toLowerCase() === w || n.path.toLowerCase().startsWith(w + ' ')),
      );
      if (nodes.length === 0) return said('RESTORE_NONE', 'the backup holds none of the chosen nodes');
      await ctx.deps.device.restoreConfiguration(nodes);
      return said('RESTORE_DONE', `${nodes.length} configuration nodes restored`, { n: nodes.length });
    },
  },
  {
    id: 'register',
    title: 'Register to Webex',
    include: (ctx) =>
      !ctx.options.activationCode
        ? 'no activation code given'
        : (ctx.options.order ?? 'standard') === 'register-first'
          ? 'registered first, in the register-first order'
          : true,
    async alreadyDone(ctx) {
      return registeredAlready(ctx);
    },
    async act(ctx, io) {
      return register(ctx, io);
    },
  },
  {
    id: 'verify-registered',
    title: 'Verify the identity as registered',
    include: (ctx) =>
      !ctx.options.activationCode
        ? 'not registered now'
        : (ctx.options.order ?? 'standard') === 'register-first'
          ? 'verified as registered in the verify step'
          : true,
    async act(ctx, io) {
      let status;
      try {
        status = await ctx.deps.device.e2eeStatus();
      } catch (e) {
        if ((ctx.options.securityAction ?? 'NoAction') !== 'Harden') throw e;
        io.warn(
          'WARN_HARDEN_NO_CONSOLE',
          'The device no longer answers at the console after registering with SecurityAction Harden: check its identity in Control Hub.',
        );
        return said('REGISTERED_HARDENED', 'registered with Harden: the console is closed to the tool');
      }
      return waitForExternalIdentity(ctx, io, status);
    },
  },
  {
    id: 'handover',
    title: 'Handover report',
    async act(ctx) {
      const id = ctx.identity!;
      const report: HandoverReport = {
        serialNumber: ctx.serial,
        productId: id.productId,
        softwareVersion: id.softwareDisplayName || id.softwareVersion,
        identity: ctx.cn,
        fingerprint: ctx.fingerprint,
        notAfter: ctx.check.report.notAfter,
        enc: ctx.enc,
        provisionedAt: new Date().toISOString(),
        registered: ctx.registered,
      };
      if (ctx.options.handover?.includeSecret) report.clientSecret = requireSecret(ctx);
      ctx.report = report;
      if (ctx.options.handover?.file) {
        await writeFileAtomic(ctx.options.handover.file, JSON.stringify(report, null, 2) + '\n', {
          mode: 0o600,
          exclusive: true,
        });
        return said(
          report.clientSecret ? 'HANDOVER_WRITTEN_SECRET' : 'HANDOVER_WRITTEN',
          `written to ${ctx.options.handover.file}${report.clientSecret ? ' (it holds the secret: keep it safe)' : ''}`,
          { file: ctx.options.handover.file },
        );
      }
      return undefined;
    },
  },
];

/** A registered device reports its external identity a moment after activation: wait, then verify. */
async function waitForExternalIdentity(ctx: Ctx, io: StepIO, first: E2eeStatus): Promise<Detail> {
  const status = await awaitExternalIdentity(ctx.deps.device, ctx.cn, {
    first,
    signal: io.signal,
    ...(ctx.options.identitySettleMs !== undefined ? { timeoutMs: ctx.options.identitySettleMs } : {}),
  });
  return said('EXTERNAL_IDENTITY', verifyExternal(status.external, ctx.cn), {
    identity: status.external.identity ?? '',
    status: status.external.status ?? '',
  });
}

async function registeredAlready(ctx: Ctx): Promise<false | Detail> {
  const webex = (await ctx.deps.device.identify()).webexStatus;
  if ((webex ?? '').toLowerCase() !== 'registered') return false;
  ctx.registered = true;
  return said('ALREADY_REGISTERED', 'the device is already registered');
}

/**
 * `Webex Registration Start`: it answers when registration succeeded or failed (it may take minutes, or
 * time out with "failed"), so the answer is waited for, then `Webex Status` is read back and the
 * journal settled either way: ok when Registered, failed when the device refused or the status says
 * so, unknown when the answer was lost.
 */
async function register(ctx: Ctx, io: StepIO): Promise<Detail> {
  const { device, journal } = ctx.deps;
  const timeoutMs = ctx.options.registrationTimeoutMs ?? REGISTRATION_TIMEOUT_MS;
  const action = ctx.options.securityAction ?? 'NoAction';
  io.info(
    `Registering to Webex (SecurityAction ${action}); the device answers when registration succeeded or failed, which can take up to ${Math.round(timeoutMs / 60_000)} min.`,
    { code: 'NOTE_REGISTERING', params: { action, minutes: Math.round(timeoutMs / 60_000) } },
  );
  const op = await journal.intent('device.register', ctx.serial, {});
  let answer: Record<string, string>;
  try {
    answer = await device.registerWebex(ctx.options.activationCode!, action, { timeoutMs });
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERR_INTERNAL';
    await journal.outcome('device.register', op, ctx.serial, outcomeOf(e), 'response', { error: { code } });
    if (code === 'ERR_DEVICE_COMMAND_FAILED' || code === 'ERR_DEVICE_PARAMETER') {
      const reason = (e as { details?: { reason?: string | null } }).details?.reason ?? null;
      throw new WorkflowError(
        'ERR_WORKFLOW_REGISTRATION_FAILED',
        `The device could not register to Webex${reason ? `; it said: ${JSON.stringify(reason)}` : ''}. Check the activation code (it is used once and expires) and the device's network, then run the provisioning again: it goes on from here.`,
        { reason },
      );
    }
    throw e;
  }
  if (action === 'Harden') {
    await journal.append({
      kind: 'event',
      event: 'device.hardened',
      serial: ctx.serial,
      ...(ctx.options.targetLabel ? { target: ctx.options.targetLabel } : {}),
    });
  }
  // Registering may last until the time-out; another state (the status not yet updated after the
  // answer) gets a short grace; Error ends the wait at once.
  const deadline = Date.now() + timeoutMs;
  const grace = Date.now() + Math.min(timeoutMs, REGISTRATION_GRACE_MS);
  let webex: string | null;
  try {
    webex = (await device.identify()).webexStatus;
  } catch (e) {
    if (action !== 'Harden') throw e;
    // The local admin is off now: the answer is the proof when the console no longer answers.
    await journal.outcome('device.register', op, ctx.serial, 'ok', 'response');
    ctx.registered = true;
    return said('REGISTERED_HARDEN', 'registered with SecurityAction Harden: local users are now off');
  }
  for (;;) {
    const state = (webex ?? '').toLowerCase();
    if (state === 'registered' || state === 'error' || io.signal.aborted) break;
    if (Date.now() >= (state === 'registering' ? deadline : grace)) break;
    await sleep(250);
    webex = (await device.identify()).webexStatus;
  }
  if ((webex ?? '').toLowerCase() !== 'registered') {
    const settled = (webex ?? '').toLowerCase() === 'registering' ? 'unknown' : 'failed';
    await journal.outcome('device.register', op, ctx.serial, settled, 'probe', {
      error: { code: 'ERR_WORKFLOW_REGISTRATION_FAILED' },
    });
    throw new WorkflowError(
      'ERR_WORKFLOW_REGISTRATION_FAILED',
      `The device answered the registration (${JSON.stringify(Object.values(answer).join(', '))}) but its Webex status is ${JSON.stringify(webex)}, not Registered. Check the activation code and the device's network, then run the provisioning again.`,
      { webexStatus: webex },
    );
  }
  await journal.outcome('device.register', op, ctx.serial, 'ok', 'probe');
  ctx.registered = true;
  return said('REGISTERED', 'registered to Webex');
}

/**
 * What the device's refusal of the first populate means, from its own words: a device that takes a
 * secret only once registered, one that holds a secret already, or words the tool does not know
 * (quoted, with both remedies: never a guess taken for a decision).
 */
function populateRefusal(ctx: Ctx, reason: string | null): WorkflowError {
  const words = reason ?? '';
  const registered = (ctx.identity?.webexStatus ?? '').toLowerCase() === 'registered';
  if (!registered && /regist/i.test(words)) {
    return new WorkflowError(
      'ERR_WORKFLOW_NEEDS_REGISTRATION',
      `The device refused the first client secret because it is not registered (it said: ${JSON.stringify(words)}). Use the register-first order: run the provisioning again with --register-first and --activation-code-file (it registers with SecurityAction NoAction, then populates, adds, activates and verifies).`,
      { reason: words },
    );
  }
  if (/\balready\b|\bis (already )?set\b/i.test(words)) {
    return new WorkflowError(
      'ERR_WORKFLOW_SECRET_HELD',
      `The device refused the first populate: it already has a client secret (it said: ${JSON.stringify(words)}), and the keychain does not hold it. Factory reset the device (the --factory-reset option), or import its secret.`,
      { reason: words },
    );
  }
  return new WorkflowError(
    'ERR_WORKFLOW_POPULATE_REFUSED',
    `The device refused the first client secret and said: ${JSON.stringify(words)}. If it holds a secret already, factory reset it (--factory-reset) or import the secret; if it asks to be registered first, run again with --register-first and --activation-code-file.`,
    { reason: words },
  );
}

/** A backup file's JSON; a file that is not one is named with the position, never quoted (it may be a secret). */
function backupJson(text: string, file: string): unknown {
  const read = readJson(text);
  if (read.ok && read.value !== null && typeof read.value === 'object') return read.value;
  throw new WorkflowError(
    'ERR_WORKFLOW_INPUT_READ',
    `${file} is not a configuration backup made by this tool${read.ok ? '' : ` (not JSON at ${describePosition(read)})`}; choose another file (a new name makes a new backup).`,
    { file, ...(read.ok ? {} : { line: read.line, column: read.column }) },
  );
}

/** The device, its journal and secret, for the shared identity operations. */
function target(ctx: Ctx): IdentityTarget {
  return {
    device: ctx.deps.device,
    journal: ctx.deps.journal,
    serial: ctx.serial,
    secret: requireSecret(ctx),
    enc: ctx.enc,
  };
}

function requireSecret(ctx: Ctx): string {
  if (ctx.secret === undefined) {
    throw new WorkflowError(
      'ERR_WORKFLOW_SECRET_UNKNOWN',
      'The device’s client secret is not known to the tool, so no blob can be made for it. Import the secret, or factory reset the device.',
    );
  }
  return ctx.secret;
}

/**
 * Reads a configuration backup (bounded: a wrong file such as /dev/zero is refused at once). A file that
 * is missing is null when `missingOk`; one that is not a backup is ERR_WORKFLOW_INPUT_READ.
 */
async function readBackup<T>(file: string, missingOk: boolean): Promise<T | null> {
  let text: string;
  try {
    text = (await readFileBounded(file, INPUT_LIMITS.backup, 'configuration backup')).toString('utf8');
  } catch (e) {
    if (missingOk && (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (e instanceof InputError) throw e;
    throw new WorkflowError(
      'ERR_WORKFLOW_INPUT_READ',
      `Cannot read the backup ${file}: ${(e as Error).message}.`,
      {
        path: file,
      },
    );
  }
  return backupJson(text, file) as T;
}

/**
 * Gives every unsettled plain populate of `serial` its outcome: `ok` when the device was found holding
 * `secret`, `failed` when it holds neither the stored secret nor the pending one (`secret` null).
 */
async function settlePlainPopulates(
  journal: Journal,
  serial: string,
  secret: string | null,
  refuse: readonly string[] = [],
): Promise<void> {
  const open = unsettledOps(await journal.read(), { action: 'secret.populate-plain', serial });
  const secrets = [...(secret === null ? [] : [secret]), ...refuse];
  const result = secret === null ? 'failed' : 'ok';
  for (const o of open)
    await journal.outcome('secret.populate-plain', o.op, serial, result, 'probe', {}, { secrets });
}

/**
 * Provisions a device: precheck, optional backup and factory reset, populate, add, match, activate,
 * verify, optional restore and registration, handover. Progress goes to `run.onEvent`.
 */
export async function provision(
  deps: ProvisionDeps,
  given: ProvisionOptions,
  run: RunOptions = {},
): Promise<ProvisionResult> {
  // Before anything, on a dry run too: a bad code would otherwise fail at the last step, the device changed.
  // The device gets the 16 digits alone (the dashes or spaces a person typed are removed).
  const options: ProvisionOptions =
    given.activationCode !== undefined
      ? { ...given, activationCode: checkActivationCode(given.activationCode) }
      : given;
  const check = checkCredentials(options.credentials, { now: options.now });
  const ctx: Ctx = {
    deps,
    options,
    enc: options.enc ?? 'A128GCM',
    check,
    fingerprint: check.report.fingerprints.sha1,
    cn: check.report.subject.cn ?? '',
    serial: '',
    resumed: false,
    registered: false,
  };
  // The failed step's event and the finish carry the re-run advice too (the narration, the window).
  const onEvent = run.onEvent;
  const result = await runWorkflow('provision', PROVISION_STEPS, ctx, {
    ...run,
    ...(onEvent
      ? {
          onEvent: (e: WorkflowEvent) =>
            onEvent(
              e.type === 'step' && e.status === 'failed'
                ? { ...e, error: rerunAdvice(e.error) }
                : e.type === 'finished' && e.error
                  ? { ...e, error: rerunAdvice(e.error) }
                  : e,
            ),
        }
      : {}),
  });
  if (ctx.provisionOp && !run.dryRun) {
    if (result.ok) {
      await deps.journal.append({
        kind: 'outcome',
        action: 'device.provision',
        op: ctx.provisionOp,
        serial: ctx.serial,
        result: 'ok',
        settledBy: 'response',
      });
    }
  }
  const out: ProvisionResult = withRerunAdvice(result);
  if (ctx.report) out.report = ctx.report;
  if (result.ok && ctx.generated !== undefined && ctx.secret === ctx.generated) out.newSecret = ctx.generated;
  if (ctx.generated !== undefined && ctx.sent === ctx.generated) out.heldSecret = ctx.generated;
  return out;
}

/** What a connection lost mid-command tells the person to do (the device layer's words are for any command). */
const RERUN_ADVICE =
  'Connect the device again and run the same provisioning again: it first checks what the device holds and what the journal recorded, then goes on from there without repeating what took effect.';

const DEVICE_CHECK_ADVICE = [
  " Reconnect and check the device's state before repeating it.",
  ' It may have run; check the device state before repeating it.',
];

/**
 * A cable pulled (or a console gone silent) while a command may have run: the same provisioning, run
 * again, is exactly what checks the device first, so the result says that instead of "check the device's
 * state before repeating it". The failed step's error says the same.
 */
function rerunAdvice(e: ErrorInfo): ErrorInfo {
  if (e.code !== 'ERR_DEVICE_DISCONNECTED' && e.code !== 'ERR_DEVICE_TIMEOUT') return e;
  if (e.details?.mayHaveRun !== true) return e;
  let message = e.message;
  for (const old of DEVICE_CHECK_ADVICE) if (message.endsWith(old)) message = message.slice(0, -old.length);
  return { ...e, message: `${message} ${RERUN_ADVICE}` };
}

function withRerunAdvice(result: WorkflowResult): WorkflowResult {
  if (!result.error) return { ...result };
  return {
    ...result,
    error: rerunAdvice(result.error),
    steps: result.steps.map((s) => (s.error ? { ...s, error: rerunAdvice(s.error) } : s)),
  };
}
