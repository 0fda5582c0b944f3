/**
 * Provisioning's first step: named checks of the device, the certificate, the options and the journal,
 * run in order before anything changes. Each check refuses with its code or warns; the last ones record
 * the device, settle what an interrupted run left, and open (or resume) the provisioning in the journal.
 */
import { modelSupport, softwareSupported } from '../../../core/support.js';
import type { DeviceIdentity } from '../../../core/xapi/results.js';
import { deriveInventory } from '../../vault/inventory.js';
import type { JournalRecord } from '../../vault/journal-types.js';
import type { Detail, StepIO } from '../engine.js';
import { WorkflowError } from '../errors.js';
import { requireE2eeModel } from '../common.js';
import { addLineFit, addTooLong, lists, requireWrapJoins, settleIdentityOps } from '../identity.js';
import { settleFactoryResets } from '../reset.js';
import { deviceHolds } from '../device-holds.js';
import { type Ctx, PLAIN_OK, said, spkiHash } from './context.js';

/** Runs the checks in order; the detail names the device and the certificate. */
export async function precheck(ctx: Ctx, io: StepIO): Promise<Detail> {
  const id = await identifyDevice(ctx);
  warnModelUnlisted(id, io);
  checkSoftware(id);
  warnRegistered(id, io);
  warnOnNetwork(ctx, io);
  checkCertificate(ctx, io);
  warnEncryptionOptionOff(id, io);
  checkOrder(ctx, io);
  checkResetConfirmed(ctx);
  checkPlainLink(ctx, io);
  await checkLineLimit(ctx, io);
  const records = await ctx.deps.journal.read();
  const spki = checkCertificateUnused(ctx, records);
  await ctx.deps.journal.append({
    kind: 'event',
    event: 'device.identified',
    serial: ctx.serial,
    productId: id.productId,
    softwareVersion: id.softwareVersion,
  });
  await settleInterrupted(ctx);
  await openOrResume(ctx, records, io);
  await ctx.deps.journal.append({
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
}

/** The device says who it is; without a serial number its secret cannot be kept for it. */
async function identifyDevice(ctx: Ctx): Promise<DeviceIdentity> {
  const id = await ctx.deps.device.identify();
  ctx.identity = id;
  ctx.serial = id.serialNumber;
  if (!id.serialNumber) {
    throw new WorkflowError(
      'ERR_WORKFLOW_DEVICE_CHANGED',
      'The device did not report a serial number, so its secret cannot be kept for it. Check the connection and try again.',
    );
  }
  requireE2eeModel(id);
  return id;
}

function warnModelUnlisted(id: DeviceIdentity, io: StepIO): void {
  if (modelSupport(id.productId).capability === 'unlisted') {
    io.warn(
      'WARN_MODEL_UNLISTED',
      `${id.productId} is not in the list of devices known to support external identities; go on only if Cisco lists it.`,
    );
  }
}

/** External identities need RoomOS 10.6.1 or later; software whose release cannot be read is refused too. */
function checkSoftware(id: DeviceIdentity): void {
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
}

function warnRegistered(id: DeviceIdentity, io: StepIO): void {
  if (id.webexStatus === 'Registered' || id.webexStatus === 'Registering') {
    io.warn(
      'WARN_DEVICE_REGISTERED',
      `The device is already registered to Webex (${id.webexStatus}). The procedure expects an unregistered device: factory reset it first, or go on knowing it is registered.`,
    );
  }
}

function warnOnNetwork(ctx: Ctx, io: StepIO): void {
  if (ctx.options.link === 'ssh') {
    io.warn(
      'WARN_DEVICE_ON_NETWORK',
      'The device is reached over the network. The procedure wants a new device kept off the network until its identity is in place.',
    );
  }
}

/** The certificate's own checks: the first error refuses it, every warning is passed on. */
function checkCertificate(ctx: Ctx, io: StepIO): void {
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
}

function warnEncryptionOptionOff(id: DeviceIdentity, io: StepIO): void {
  if (id.encryptionOptionKey !== null && id.encryptionOptionKey.trim().toLowerCase() === 'false') {
    io.warn(
      'WARN_ENCRYPTION_OPTION_OFF',
      'The device reports the Encryption option key as False: encrypted meetings are not available on it, so its identity will not be used in end-to-end encrypted meetings until the key is installed.',
    );
  }
}

/** The register-first order needs an activation code and cannot harden; Harden is warned of. */
function checkOrder(ctx: Ctx, io: StepIO): void {
  const { order, securityAction } = ctx.settings;
  if (order === 'register-first') {
    if (!ctx.options.activationCode) {
      throw new WorkflowError(
        'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
        'The register-first order registers the device before anything else: give its activation code (--activation-code-file).',
      );
    }
    if (securityAction === 'Harden') {
      throw new WorkflowError(
        'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
        'SecurityAction Harden turns off the local admin this tool logs in as, so the register-first order (which goes on at the console after registering) cannot use it. Register with NoAction, and harden later from Control Hub.',
      );
    }
  }
  if (ctx.options.activationCode && securityAction === 'Harden') {
    io.warn(
      'WARN_HARDEN',
      'SecurityAction Harden deactivates every local user of the device, including the admin this tool logs in as: registration is done last, and afterwards renew, rotate and status cannot log in at the console (manage the device from Control Hub, or factory reset it).',
    );
  }
}

function checkResetConfirmed(ctx: Ctx): void {
  if (ctx.options.factoryReset && !ctx.options.factoryReset.confirmed) {
    throw new WorkflowError(
      'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
      'A factory reset erases the device: confirm it explicitly (the CLI flag --factory-reset is that confirmation).',
    );
  }
}

/** The first populate sends the secret in clear: over the serial console only, unless allowed. */
function checkPlainLink(ctx: Ctx, io: StepIO): void {
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
}

/**
 * The console's line limit is not public: measure it (harmless probes) before anything changes. A blob
 * that does not fit is refused here unless wrapping was asked for. A certificate an earlier run already
 * added is not sent again (unless a reset erases it first).
 */
async function checkLineLimit(ctx: Ctx, io: StepIO): Promise<void> {
  const { device } = ctx.deps;
  // Without a reset, whether the device lists the certificate already (a resumed run) is read once
  // here: it spares the probe, and the add step goes by it (nothing before the add changes the store).
  if (!ctx.options.factoryReset) ctx.knows.listed = await lists(device, ctx.fingerprint);
  const fit = ctx.knows.listed
    ? null
    : await addLineFit(device, ctx.options.credentials, ctx.enc, ctx.options.now);
  if (!fit || fit.fits) return;
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

/** Every device needs its own certificate and key: one the journal has on another device is refused. */
function checkCertificateUnused(ctx: Ctx, records: readonly JournalRecord[]): string {
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
  return spki;
}

/**
 * A factory reset an earlier run was killed in is settled by what the device shows, never repeated;
 * identity operations an earlier run left unsettled (a pulled cable) are settled by the device's lists.
 */
async function settleInterrupted(ctx: Ctx): Promise<void> {
  const { device, journal, secrets } = ctx.deps;
  const resets = await settleFactoryResets(device, journal, secrets, ctx.serial);
  ctx.resetSettled = resets.some((r) => r.result === 'ok');
  await settleIdentityOps(device, journal, ctx.serial);
}

/** Resume: an earlier provisioning of this device that never finished; otherwise a new one is opened. */
async function openOrResume(ctx: Ctx, records: readonly JournalRecord[], io: StepIO): Promise<void> {
  const { journal } = ctx.deps;
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
    io.info(`Resuming the provisioning started ${unfinished.at}: steps the device already has are skipped.`, {
      code: 'NOTE_RESUMING',
      params: { at: unfinished.at },
    });
  } else {
    ctx.provisionOp = journal.newOp();
    await journal.append({
      kind: 'intent',
      action: 'device.provision',
      op: ctx.provisionOp,
      serial: ctx.serial,
    });
  }
}
