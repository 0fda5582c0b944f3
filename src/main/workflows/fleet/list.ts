/**
 * The fleet's list: every device the Webex sign-in reaches (filtered by tags), each one's E2EE identity
 * and certificate expiry read through the cloud a few at a time, and whether the keychain holds its
 * client secret. A device whose status cannot be read is listed with the reason, never dropped.
 */
import type { FleetDevice } from '../../../core/fleet.js';
import { CloudDevice } from '../../cloud/device.js';
import { type CloudClient, type CloudDeviceRecord, ONLINE_STATUSES } from '../../cloud/client.js';
import { CloudError } from '../../cloud/errors.js';
import type { SecretStore } from '../../vault/secret-store.js';
import { errorInfo } from '../engine.js';

export type { FleetDevice };

export interface FleetListOptions {
  /** All must match (the API's AND). */
  tags?: readonly string[];
  now?: Date;
  /** Status reads at once (default 4). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Status reads at once when the caller does not say; never more than MAX_CONCURRENCY. */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

const DAY_MS = 86_400_000;

/** A count of parallel calls as the fleet uses it: a whole number from 1 to MAX_CONCURRENCY. */
export function concurrencyOf(n: number | undefined): number {
  const v = n === undefined || !Number.isFinite(n) ? DEFAULT_CONCURRENCY : Math.floor(n);
  return Math.min(MAX_CONCURRENCY, Math.max(1, v));
}

/**
 * A date as the device's E2EE status prints it (`2027-03-01T12:00:00.000000000+0000`), or ISO 8601, as
 * ISO 8601 UTC with milliseconds; null when it is not a date.
 */
export function e2eeDateIso(text: string | null): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    (text ?? '').trim(),
  );
  if (!m) return null;
  const ms = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[3] === undefined || m[3] === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  const t = Date.parse(`${m[1]}.${ms}${zone}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Whole days from `now` to `iso` (rounded down: negative once it has passed). */
export function daysUntil(iso: string, now: Date): number {
  return Math.floor((Date.parse(iso) - now.getTime()) / DAY_MS);
}

/** Runs `work` over `items` with at most `n` at once; results in the items' order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  n: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

/** Soonest expiry first, unknown last, then by serial number. */
export function byExpiry(a: FleetDevice, b: FleetDevice): number {
  if (a.certificateExpiry !== b.certificateExpiry) {
    if (a.certificateExpiry === null) return 1;
    if (b.certificateExpiry === null) return -1;
    return a.certificateExpiry < b.certificateExpiry ? -1 : 1;
  }
  return a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0;
}

/** What the device's E2EE status says of its external identity, or why it could not be read. */
async function readIdentity(
  client: CloudClient,
  record: CloudDeviceRecord,
  now: Date,
): Promise<Pick<FleetDevice, 'identity' | 'certificateExpiry' | 'daysLeft' | 'readProblem'>> {
  const none = { identity: null, certificateExpiry: null, daysLeft: null };
  if (!ONLINE_STATUSES.includes(record.connectionStatus)) {
    const e = new CloudError(
      'ERR_CLOUD_DEVICE_UNREACHABLE',
      `The device ${record.serial || record.id} is ${record.connectionStatus} in the Webex cloud, so its status cannot be read now; nothing was asked of it.`,
      { serial: record.serial, connectionStatus: record.connectionStatus },
    );
    return { ...none, readProblem: { code: e.code, message: e.message } };
  }
  try {
    const status = await new CloudDevice(client, record).e2eeStatus();
    const leaf = [...status.external.certificateChain].sort((a, b) => a.index - b.index)[0];
    const certificateExpiry = e2eeDateIso(leaf?.notAfter ?? null);
    const identity = status.external.identity?.trim() ? status.external.identity.trim() : null;
    return {
      identity,
      certificateExpiry,
      daysLeft: certificateExpiry === null ? null : daysUntil(certificateExpiry, now),
      readProblem: null,
    };
  } catch (e) {
    const info = errorInfo(e);
    return { ...none, readProblem: { code: info.code, message: info.message } };
  }
}

/** Every device the token reaches (filtered), its status read, sorted by expiry: soonest first, unknown last, then serial. */
export async function listFleet(
  client: CloudClient,
  store: SecretStore,
  options: FleetListOptions = {},
): Promise<FleetDevice[]> {
  const now = options.now ?? new Date();
  const records = await client.listDevices(options.tags?.length ? { tags: options.tags } : {});
  const kept = new Set((await store.list()).filter((s) => s.hasSecret || s.hasPending).map((s) => s.serial));
  let done = 0;
  options.onProgress?.(0, records.length);
  const devices = await mapLimited(records, concurrencyOf(options.concurrency), async (record) => {
    const read = await readIdentity(client, record, now);
    done++;
    options.onProgress?.(done, records.length);
    return {
      serial: record.serial,
      deviceId: record.id,
      displayName: record.displayName,
      product: record.product,
      software: record.software,
      connectionStatus: record.connectionStatus,
      tags: [...record.tags],
      ...read,
      secretInKeychain: record.serial !== '' && kept.has(record.serial),
    } satisfies FleetDevice;
  });
  return devices.sort(byExpiry);
}
