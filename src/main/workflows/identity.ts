/**
 * The device operations on its identity certificate that several workflows share: add (JWE), activate and
 * deactivate for WebexIdentity (JWE), delete, each between a journal intent and its outcome; and the
 * read-backs that say which certificate the device uses.
 */
import { type Enc, seal, sealedLength } from '../../core/jwe/index.js';
import { type Credentials, buildAddPayload } from '../../core/pki/index.js';
import type { DeviceCertificate, E2eeStatus, IdentityStatus } from '../../core/xapi/results.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Journal, unsettledOps } from '../vault/journal.js';
import type { CertificateFacts } from '../vault/journal-types.js';
import type { WorkflowDevice } from './device-port.js';
import { WorkflowError } from './errors.js';
import { journaled } from './journaled.js';
import './journal-kinds.js';

/** A device, its journal and its current secret: what every identity operation needs. */
export interface IdentityTarget {
  device: WorkflowDevice;
  journal: Journal;
  serial: string;
  secret: string;
  enc: Enc;
}

/** The target of a workflow's identity operations once its precheck has identified the device and its secret. */
export function identityTarget(
  device: WorkflowDevice,
  journal: Journal,
  id: { serialNumber: string } | undefined,
  secret: string | undefined,
  enc: Enc,
): IdentityTarget {
  if (secret === undefined || id === undefined) throw new TypeError('identity operation before the precheck');
  return { device, journal, serial: id.serialNumber, secret, enc };
}

/**
 * The entries the device lists as used for WebexIdentity: `Services Show Filter: WebexIdentity`, the
 * schema's own way to ask. The `UsedFor` labels are not used: their wording for WebexIdentity is not
 * public, and chain certificates of an Add are listed as entries that show the leaf's labels.
 */
export async function identityEntries(
  device: Pick<WorkflowDevice, 'listCertificates'>,
): Promise<DeviceCertificate[]> {
  try {
    return await device.listCertificates({ filter: 'WebexIdentity' });
  } catch (e) {
    // A device without the WebexIdentity purpose (a model or release without external identities)
    // refuses the filter value: it uses no certificate for it.
    if ((e as { code?: string }).code === 'ERR_DEVICE_PARAMETER') return [];
    throw e;
  }
}

/** Fingerprints of certificates this tool added to the device (any device without `serial`): `cert.add` intents. */
export async function addedByTool(journal: Journal, serial?: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const r of await journal.read()) {
    if (r.kind === 'intent' && r.action === 'cert.add' && (serial === undefined || r.serial === serial))
      out.add(r.fingerprint);
  }
  return out;
}

/**
 * Among entries used for WebexIdentity, the leaf: a chain certificate is the issuer of another entry in
 * the same list (its subject is that entry's issuer), the leaf is the issuer of none. Certificates the
 * tool added come first; an ambiguous list is an error that quotes what the device listed.
 */
export function pickLeaf(
  entries: readonly DeviceCertificate[],
  known: ReadonlySet<string> = new Set(),
): string | undefined {
  if (entries.length === 0) return undefined;
  const ours = entries.filter((c) => known.has(c.fingerprint));
  const norm = (n: string | null): string => (n ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
  const issuers = new Set(entries.map((c) => norm(c.issuerName)).filter((n) => n !== ''));
  const leaves = entries.filter((c) => {
    const subject = norm(c.subjectName);
    const selfSigned = subject !== '' && subject === norm(c.issuerName);
    return !(subject !== '' && issuers.has(subject) && !selfSigned);
  });
  const oursLeaves = ours.filter((c) => leaves.includes(c));
  const pick = oursLeaves.length === 1 ? oursLeaves : ours.length === 1 ? ours : leaves;
  if (pick.length === 1) return pick[0]!.fingerprint;
  throw new WorkflowError(
    'ERR_WORKFLOW_IDENTITY_AMBIGUOUS',
    `The device lists ${entries.length} certificates as used for WebexIdentity and the tool cannot tell which is the identity: ${entries.map((c) => `${c.fingerprint} (${JSON.stringify(c.subjectName ?? '')})`).join(', ')}. Name the certificate with --fingerprint.`,
    {
      listed: entries.map((c) => ({
        fingerprint: c.fingerprint,
        subject: c.subjectName,
        issuer: c.issuerName,
      })),
    },
  );
}

/** The fingerprint of the leaf certificate the device uses for WebexIdentity, if any. */
export async function webexIdentityFingerprint(
  device: WorkflowDevice,
  known: ReadonlySet<string> = new Set(),
): Promise<string | undefined> {
  return pickLeaf(await identityEntries(device), known);
}

/** Whether the device lists `fingerprint` (and, with `active`, lists it as used for WebexIdentity). */
export async function lists(device: WorkflowDevice, fingerprint: string, active = false): Promise<boolean> {
  const listed = active ? await identityEntries(device) : await device.listCertificates();
  return listed.some((c) => c.fingerprint === fingerprint);
}

/** The identity operations a later connection settles by reading the device's lists. */
const IDENTITY_ACTIONS = ['cert.add', 'cert.activate', 'cert.deactivate', 'cert.delete'] as const;
type IdentityAction = (typeof IDENTITY_ACTIONS)[number];

/**
 * Settles the identity operations an earlier run left without an outcome (a pulled cable, a killed
 * process: `unknown`, or an intent alone): reads the device's lists and journals, by probe, whether each
 * took. Call it on a new connection before this run changes the identity, so that the lists show the
 * earlier run's effect and nothing of this run's. Returns the ops settled.
 */
export async function settleIdentityOps(
  device: WorkflowDevice,
  journal: Journal,
  serial: string,
): Promise<string[]> {
  const records = await journal.read();
  const open = unsettledOps(records, { serial }).filter((o) =>
    (IDENTITY_ACTIONS as readonly string[]).includes(o.action),
  );
  if (open.length === 0) return [];
  const listed = new Set((await device.listCertificates()).map((c) => c.fingerprint));
  const active = new Set((await identityEntries(device)).map((c) => c.fingerprint));
  for (const o of open) {
    const intent = records.find((r) => r.kind === 'intent' && r.op === o.op);
    const fingerprint = (intent as { fingerprint?: string } | undefined)?.fingerprint ?? '';
    const action = o.action as IdentityAction;
    const took =
      action === 'cert.add'
        ? listed.has(fingerprint)
        : action === 'cert.activate'
          ? active.has(fingerprint)
          : action === 'cert.deactivate'
            ? !active.has(fingerprint)
            : !listed.has(fingerprint);
    await journal.outcome(action, o.op, serial, took ? 'ok' : 'failed', 'probe');
  }
  return open.map((o) => o.op);
}

/** The width of a wrapped add body's lines: far below any console line limit. */
export const WRAP_WIDTH = 64;

/** What the line-limit probe found for an add blob. */
export interface AddLineFit {
  /** The blob's length on one line, bytes. */
  bytes: number;
  fits: boolean;
  /** The longest line the console was measured to carry, when the blob does not fit. */
  limit: number | null;
}

/**
 * Whether the add blob for `credentials` reaches the device on one line, measured with harmless probes
 * before anything changes. A blob's length does not depend on the secret, so it is known (without a key
 * derivation) before the device has one. Null when the device cannot be probed (a test double).
 */
export async function addLineFit(
  device: WorkflowDevice,
  credentials: Credentials,
  enc: Enc,
  now?: Date,
): Promise<AddLineFit | null> {
  if (!device.lineFits) return null;
  const { payload } = buildAddPayload(credentials, now ? { now } : {});
  const bytes = sealedLength('add', payload, { enc });
  const r = await device.lineFits(bytes);
  return { bytes, fits: r.fits, limit: r.limit };
}

/**
 * A blob that does not fit the measured line, without the opt-in to wrap it: refused before anything
 * changes, with the ways out.
 */
export function addTooLong(fit: AddLineFit): WorkflowError {
  return new WorkflowError(
    'ERR_WORKFLOW_ADD_LINE_TOO_LONG',
    `The certificate's add blob is ${fit.bytes} bytes on one line; this device's console was measured to carry lines of at most ${fit.limit ?? 0} bytes. Nothing on the device was changed. Connect over SSH instead (over a direct network cable if the device must stay off the network; only the first plain Populate needs the serial console, the add blob is encrypted, so a run may switch from serial to SSH between steps), or use a chain that fits (for example an ECDSA intermediate instead of an RSA one). --wrap-long-lines sends it wrapped over several lines, only after probes show that the device joins them.`,
    { bytes: fit.bytes, limit: fit.limit },
  );
}

/**
 * Whether the device joins an add blob wrapped over body lines, asked with harmless probes sealed under
 * its current secret (`secret`): an add blob holding no certificate, on one line, wrapped, and wrapped with
 * a corrupted tag (the control). Anything but "joins" stops the run before the real add, with
 * ERR_WORKFLOW_WRAP_NOT_JOINED saying what the probes learnt; nothing was added and the secret is kept.
 */
export async function requireWrapJoins(
  device: WorkflowDevice,
  secret: string,
  enc: Enc,
  fit: AddLineFit,
): Promise<void> {
  if (!device.wrappedBodyProbe) throw addTooLong(fit);
  const probe = await seal('add', 'not a certificate: a probe of wrapped body lines', secret, { enc });
  const r = await device.wrappedBodyProbe(probe, WRAP_WIDTH);
  if (r.verdict === 'joins') return;
  const learnt =
    r.verdict === 'does-not-join'
      ? `it refuses a wrapped blob (${JSON.stringify(r.wrapped)}) differently from the same blob on one line (${JSON.stringify(r.oneLine)}), so it keeps the line breaks and does not join wrapped lines`
      : `it gives the same answer (${JSON.stringify(r.oneLine)}) to the blob on one line, wrapped, and wrapped with a corrupted tag, so whether it joins wrapped lines cannot be told; that counts as not joining`;
  throw new WorkflowError(
    'ERR_WORKFLOW_WRAP_NOT_JOINED',
    `The certificate's add blob is ${fit.bytes} bytes and this console carries lines of at most ${fit.limit ?? 0} bytes. Probes that cannot change the device showed that ${learnt}. Nothing was added or activated; the client secret is kept (the device and the keychain hold the same one). Connect over SSH and run the same command again (it goes on from here), or use a chain that fits (for example an ECDSA intermediate).`,
    {
      bytes: fit.bytes,
      limit: fit.limit,
      verdict: r.verdict,
      oneLine: r.oneLine,
      wrapped: r.wrapped,
      control: r.control,
    },
  );
}

/** How an add blob longer than the console's line may go: `wrapLongLines` opts in; `joinsChecked` once probed. */
export interface WrapOptions {
  wrapLongLines?: boolean;
  joinsChecked?: boolean;
}

/**
 * Adds the certificate with its chain and key, sealed under the device's secret. A blob longer than the
 * console's measured line limit is refused (ERR_WORKFLOW_ADD_LINE_TOO_LONG) unless `wrapLongLines` opts
 * in; then it goes wrapped over body lines once harmless probes showed that the device joins them.
 */
export async function addCertificate(
  t: IdentityTarget,
  credentials: Credentials,
  facts: CertificateFacts,
  now?: Date,
  wrapOptions: WrapOptions = {},
): Promise<void> {
  const { payload } = buildAddPayload(credentials, now ? { now } : {});
  const blob = await seal('add', payload, t.secret, { enc: t.enc });
  let wrap: number | undefined;
  const measured = t.device.lineFits ? await t.device.lineFits(blob.length) : { fits: true, limit: null };
  if (!measured.fits) {
    const fit = { bytes: blob.length, fits: false, limit: measured.limit };
    if (!wrapOptions.wrapLongLines) throw addTooLong(fit);
    if (!wrapOptions.joinsChecked) await requireWrapJoins(t.device, t.secret, t.enc, fit);
    wrap = WRAP_WIDTH;
  }
  await journaled(t.journal, t.serial, 'cert.add', facts, () =>
    t.device.addCertificate(blob, wrap ? { wrap } : {}),
  );
}

/** Activates the certificate for WebexIdentity. */
export async function activateIdentity(t: IdentityTarget, fingerprint: string): Promise<void> {
  const blob = await seal('activate', fingerprint, t.secret, { enc: t.enc });
  await journaled(t.journal, t.serial, 'cert.activate', { fingerprint, purpose: 'WebexIdentity' }, () =>
    t.device.activate(blob),
  );
}

/** Stops using the certificate for WebexIdentity. */
export async function deactivateIdentity(t: IdentityTarget, fingerprint: string): Promise<void> {
  const blob = await seal('deactivate', fingerprint, t.secret, { enc: t.enc });
  await journaled(t.journal, t.serial, 'cert.deactivate', { fingerprint, purpose: 'WebexIdentity' }, () =>
    t.device.deactivate(blob),
  );
}

/**
 * Removes the certificate from the device's store (plain fingerprint: no blob). Only a certificate this
 * tool added to this device is ever deleted: a device's own certificates (its factory self-signed one,
 * another service's) and chain entries are not the tool's to remove.
 */
export async function deleteCertificate(
  t: Pick<IdentityTarget, 'device' | 'journal' | 'serial'>,
  fingerprint: string,
): Promise<void> {
  if (!(await addedByTool(t.journal, t.serial)).has(fingerprint)) {
    throw new WorkflowError(
      'ERR_WORKFLOW_NOT_ADDED_BY_TOOL',
      `Certificate ${fingerprint} was not added to this device by this tool, so it is not deleted. If it must go, delete it on the device's web interface (Security > Certificates).`,
      { fingerprint },
    );
  }
  await journaled(t.journal, t.serial, 'cert.delete', { fingerprint }, () =>
    t.device.deleteCertificate(fingerprint),
  );
}

/** How long a registered device may take to report a newly activated external identity (default). */
export const IDENTITY_SETTLE_MS = 60_000;

/**
 * The external identity a registered device reports, waited for: right after an activation it may still
 * show the old one or empty strings. Returns the first status that names `cn` as valid, or the last one
 * read when `timeoutMs` passes (the caller decides).
 */
export async function awaitExternalIdentity(
  device: WorkflowDevice,
  cn: string,
  options: { timeoutMs?: number; signal?: AbortSignal; first?: E2eeStatus } = {},
): Promise<E2eeStatus> {
  const deadline = Date.now() + (options.timeoutMs ?? IDENTITY_SETTLE_MS);
  let status = options.first ?? (await device.e2eeStatus());
  while (
    status.present &&
    !externalIdentityIs(status.external, cn) &&
    Date.now() < deadline &&
    !options.signal?.aborted
  ) {
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
    status = await device.e2eeStatus();
  }
  return status;
}

/** Whether the external identity the (registered) device reports is valid and is the certificate's CN. */
export function externalIdentityIs(ext: IdentityStatus, cn: string): boolean {
  return (
    (ext.status ?? '').trim().toLowerCase() === 'valid' &&
    (ext.identity ?? '').trim().toLowerCase() === cn.trim().toLowerCase()
  );
}

/** Throws ERR_WORKFLOW_VERIFY_FAILED unless the reported external identity is valid and is `cn`. */
export function verifyExternal(ext: IdentityStatus, cn: string): string {
  if (!externalIdentityIs(ext, cn)) {
    throw new WorkflowError(
      'ERR_WORKFLOW_VERIFY_FAILED',
      `The device reports its external identity as ${JSON.stringify(ext.identity)} with status ${JSON.stringify(ext.status)}; expected ${JSON.stringify(cn)}, valid.`,
      { status: ext.status, identity: ext.identity, expected: cn },
    );
  }
  return `external identity ${ext.identity}: ${ext.status}`;
}
