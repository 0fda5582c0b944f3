/**
 * What a device's answer says about a secret-bearing command, and the harmless probe built on it:
 * `classifyDeviceError` tells a refusal (the device answered no) from a command that cannot have run and
 * from a lost answer; `deviceHolds` asks the device whether it holds a secret by populating that secret
 * under itself, which changes nothing. Rotation, provisioning, the factory reset's settling and the
 * journaled steps all decide with these.
 */
import { type Enc, seal } from '../../core/jwe/index.js';

/** What rotation needs of a device: the console client's RoomOsDevice has it. */
export interface SecretDevice {
  identify(): Promise<{
    serialNumber: string;
    productId?: string;
    softwareVersion?: string;
    webexStatus?: string | null;
  }>;
  /** Runs `xCommand Security ClientSecret Populate Secret: <blob>`. */
  populateSecret(blob: string): Promise<void>;
}

export function errorCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * How a device error bears on whether the command ran: `rejected` (the device answered no),
 * `not-sent` (it cannot have run), or `unknown`.
 */
export function classifyDeviceError(e: unknown): 'rejected' | 'not-sent' | 'unknown' {
  const code = errorCode(e);
  if (code === 'ERR_DEVICE_COMMAND_FAILED') return 'rejected';
  if (
    code === 'ERR_DEVICE_PARAMETER' ||
    code === 'ERR_DEVICE_LINE_TOO_LONG' ||
    code?.startsWith('ERR_JWE_')
  ) {
    return 'not-sent';
  }
  if (code === 'ERR_DEVICE_DISCONNECTED' || code === 'ERR_DEVICE_CLOSED') {
    const mayHaveRun = (e as { details?: { mayHaveRun?: unknown } }).details?.mayHaveRun;
    return mayHaveRun === false ? 'not-sent' : 'unknown';
  }
  return 'unknown';
}

/**
 * The harmless probe: populate `secret` under itself. True when the device holds it (nothing changes),
 * false when the device refuses; throws when the answer is lost (try again on the next connection).
 */
export async function deviceHolds(
  device: SecretDevice,
  secret: string,
  enc: Enc = 'A128GCM',
): Promise<boolean> {
  const blob = await seal('populate', secret, secret, { enc });
  try {
    await device.populateSecret(blob);
    return true;
  } catch (e) {
    if (classifyDeviceError(e) === 'rejected') return false;
    throw e;
  }
}
