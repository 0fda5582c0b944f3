/**
 * What the device-facing commands share: the vault (keychain + journal in the data directory) and a
 * connection to a TARGET with the login password from a file or a hidden prompt (never argv).
 */
import {
  type ConnectOptions,
  JsonHostKeyStore,
  type RoomOsDevice,
  connect,
  defaultKnownHostsPath,
  parseTarget,
} from '../main/device/index.js';
import type { Target } from '../main/device/index.js';
import { isDeviceError } from '../main/device/index.js';
import { dataDir, ensureDataDir } from '../main/vault/data-dir.js';
import { Journal } from '../main/vault/journal.js';
import { type SecretStore, openSecretStore } from '../main/vault/secret-store.js';
import type { LinkKind } from '../main/workflows/device-port.js';
import { type CliIO, promptHidden, readSecret } from './io.js';

export interface Vault {
  secrets: SecretStore;
  journal: Journal;
}

/** The OS keychain (refused with a typed error when unreachable) and the journal in the data directory. */
export async function openVault(io: CliIO): Promise<Vault> {
  const secrets = await openSecretStore({ env: io.env });
  const dir = await ensureDataDir(dataDir(io.env));
  return { secrets, journal: new Journal(dir) };
}

export interface DeviceOptions {
  passwordFile?: string;
  /** Narrate connection progress on stderr. */
  verbose?: boolean;
  /** Where the narration goes instead of stderr (a command that holds its progress, say). */
  progress?: (line: string) => void;
  extra?: ConnectOptions;
}

export function linkKind(target: Target): LinkKind {
  return target.kind;
}

/**
 * Connects and logs in. The password comes from --password-file; without one the factory default
 * (empty) is tried first, and a person at a terminal is then asked for it.
 */
export async function openDevice(
  targetText: string,
  options: DeviceOptions,
  io: CliIO,
): Promise<{ device: RoomOsDevice; target: Target }> {
  const target = parseTarget(targetText);
  const base: ConnectOptions = {
    hostKeyStore: new JsonHostKeyStore(defaultKnownHostsPath(io.env)),
    onProgress: options.verbose
      ? (e) => {
          if (e.stage === 'command') return;
          if (options.progress) options.progress(`  ${e.message}`);
          else io.stderr.write(`  ${e.message}\n`);
        }
      : undefined,
    ...options.extra,
  };
  if (options.passwordFile !== undefined) {
    const password = await readSecret(options.passwordFile, io, 'login password');
    return { device: await connect(target, { ...base, password }), target };
  }
  try {
    return { device: await connect(target, { ...base, password: '' }), target };
  } catch (e) {
    if (!isDeviceError(e) || e.code !== 'ERR_DEVICE_LOGIN_FAILED' || !io.stdin.isTTY) throw e;
    const password = await promptHidden(io, 'Device login password: ');
    return { device: await connect(target, { ...base, password }), target };
  }
}

/** Opens the device, runs `work` with it, and closes the connection whatever happens. */
export async function withDevice<T>(
  targetText: string,
  options: DeviceOptions,
  io: CliIO,
  work: (device: RoomOsDevice, target: Target) => Promise<T>,
): Promise<T> {
  const { device, target } = await openDevice(targetText, options, io);
  try {
    return await work(device, target);
  } finally {
    await device.close();
  }
}
