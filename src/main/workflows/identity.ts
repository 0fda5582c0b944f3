/**
 * The device operations on its identity certificate that several workflows share: add (JWE), activate and
 * deactivate for WebexIdentity (JWE), delete, each between a journal intent and its outcome; and the
 * read-backs that say which certificate the device uses.
 */
import { type Enc, seal } from '../../core/jwe/index.js';
import { type Credentials, buildAddPayload } from '../../core/pki/index.js';
import type { DeviceCertificate, IdentityStatus } from '../../core/xapi/results.js';
import type { Journal } from '../vault/journal.js';
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

/** Whether the certificate is in use for WebexIdentity, as the certificate list says. */
export function usedForWebexIdentity(c: DeviceCertificate): boolean {
  return c.purposes.some((p) => p.toLowerCase() === 'webexidentity');
}

/** The fingerprint of the certificate the device uses for WebexIdentity, if any. */
export async function webexIdentityFingerprint(device: WorkflowDevice): Promise<string | undefined> {
  return (await device.listCertificates()).find(usedForWebexIdentity)?.fingerprint;
}

/** Whether the device lists `fingerprint` (and, with `active`, uses it for WebexIdentity). */
export async function lists(device: WorkflowDevice, fingerprint: string, active = false): Promise<boolean> {
  return (await device.listCertificates()).some(
    (c) => c.fingerprint === fingerprint && (!active || usedForWebexIdentity(c)),
  );
}

/** Adds the certificate with its chain and key, sealed under the device's secret. */
export async function addCertificate(
  t: IdentityTarget,
  credentials: Credentials,
  facts: CertificateFacts,
  now?: Date,
): Promise<void> {
  const { payload } = buildAddPayload(credentials, now ? { now } : {});
  const blob = await seal('add', payload, t.secret, { enc: t.enc });
  await journaled(t.journal, t.serial, 'cert.add', facts, () => t.device.addCertificate(blob));
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

/** Removes the certificate from the device's store (plain fingerprint: no blob). */
export async function deleteCertificate(
  t: Pick<IdentityTarget, 'device' | 'journal' | 'serial'>,
  fingerprint: string,
): Promise<void> {
  await journaled(t.journal, t.serial, 'cert.delete', { fingerprint }, () =>
    t.device.deleteCertificate(fingerprint),
  );
}

/** Whether the external identity the (registered) device reports is valid and is the certificate's CN. */
export function externalIdentityIs(ext: IdentityStatus, cn: string): boolean {
  return (ext.status ?? '').toLowerCase() === 'valid' && ext.identity === cn;
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
