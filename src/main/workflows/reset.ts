/**
 * A factory reset an earlier run left open: the process was killed (or the cable pulled) after the
 * reset's intent was journaled and before its outcome, during the reset or the restart after it. The
 * next connection settles it by what the device shows, before anything else: a device that shows the
 * reset's effect (factory-fresh: none of the keychain's secrets, no identity, not registered) had it, and
 * the reset is journaled done and not repeated; a device that shows otherwise did not, and the reset is
 * journaled as not done (the run that asked for it does it then).
 */
import type { DeviceCertificate } from '../../core/xapi/results.js';
import type { CertificatePurpose } from '../device/device.js';
import { type Journal, unsettledOps } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import { addedByTool, identityEntries } from './identity.js';
import { type SecretDevice, deviceHolds } from './device-holds.js';
import './journal-kinds.js';

/** What the settlement reads of a device: its identity, its certificate lists, and the secret probe. */
export interface ResetProbeDevice extends SecretDevice {
  identify(): Promise<{ serialNumber: string; webexStatus?: string | null }>;
  listCertificates(options?: { filter?: CertificatePurpose }): Promise<DeviceCertificate[]>;
}

/** Whether `device` offers what the settlement reads (a rotation's device may be a narrower double). */
export function canProbeReset(device: SecretDevice): device is ResetProbeDevice {
  return typeof (device as Partial<ResetProbeDevice>).listCertificates === 'function';
}

/** Why the device does not look factory-fresh, or null when it does. */
async function notFresh(
  device: ResetProbeDevice,
  journal: Journal,
  store: SecretStore,
  serial: string,
  keepsCertificates: boolean,
): Promise<string | null> {
  const webex = ((await device.identify()).webexStatus ?? '').trim().toLowerCase();
  if (webex === 'registered' || webex === 'registering') return 'registered';
  if (!keepsCertificates) {
    if ((await identityEntries(device)).length > 0) return 'identity';
    const added = await addedByTool(journal, serial);
    if ((await device.listCertificates()).some((c) => added.has(c.fingerprint))) return 'certificate';
  }
  // The harmless probe last, and only with the secrets the device may hold: a reset erases the secret.
  for (const s of [await store.get(serial), await store.getPending(serial)]) {
    if (s !== null && (await deviceHolds(device, s))) return 'secret';
  }
  return null;
}

export interface ResetSettlement {
  op: string;
  /** `ok`: the device shows the reset; `failed`: it shows it did not happen. */
  result: 'ok' | 'failed';
  /** What showed the reset had not happened. */
  evidence?: 'registered' | 'identity' | 'certificate' | 'secret';
}

/**
 * Settles every factory reset of `serial` that has an intent and no outcome. A reset the device shows
 * is journaled `ok` (settled by probe), and the keychain's entries for the device, which it no longer
 * holds (probed), are removed; one it does not show is journaled `failed`. Returns what was settled.
 */
export async function settleFactoryResets(
  device: ResetProbeDevice,
  journal: Journal,
  store: SecretStore,
  serial: string,
): Promise<ResetSettlement[]> {
  const records = await journal.read();
  const open = unsettledOps(records, { action: 'device.factory-reset', serial });
  if (open.length === 0) return [];
  const ops = new Set(open.map((o) => o.op));
  const keeps = records.some(
    (r) =>
      r.kind === 'intent' &&
      r.action === 'device.factory-reset' &&
      ops.has(r.op) &&
      (r.keep ?? []).includes('Certificates'),
  );
  const secrets = [await store.get(serial), await store.getPending(serial)].filter(
    (s): s is string => s !== null,
  );
  const why = await notFresh(device, journal, store, serial, keeps);
  const result = why === null ? 'ok' : 'failed';
  for (const o of open)
    await journal.outcome('device.factory-reset', o.op, serial, result, 'probe', {}, { secrets });
  if (why === null) {
    await store.deletePending(serial);
    await store.delete(serial);
  }
  return open.map((o) => ({
    op: o.op,
    result,
    ...(why === null ? {} : { evidence: why as NonNullable<ResetSettlement['evidence']> }),
  }));
}
