/**
 * What the device-facing commands share: the vault (keychain + journal in the data directory) and a
 * connection to a TARGET with the login password from a file or a hidden prompt (never argv).
 */
import type { CloudDevice } from '../main/cloud/index.js';
import { type ConnectOptions, type RoomOsDevice, describeTarget, parseTarget } from '../main/device/index.js';
import { WorkflowError } from '../main/workflows/errors.js';
import { addedByTool } from '../main/workflows/identity.js';
import type { HostKeyInfo, Target } from '../main/device/index.js';
import { isDeviceError } from '../main/device/index.js';
import * as root from '../main/open.js';
import { dataDir } from '../main/vault/data-dir.js';
import { Journal } from '../main/vault/journal.js';
import { KeychainSecretStore, type SecretStore } from '../main/vault/secret-store.js';
import type { LinkKind } from '../main/workflows/device-port.js';
import { type CliIO, promptHidden, promptLine, readSecret } from './io.js';

export type { Vault } from '../main/open.js';

/** The OS keychain (refused with a typed error when unreachable) and the journal in the data directory. */
export function openVault(io: CliIO): Promise<root.Vault> {
  return root.openVault(io.env);
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
  try {
    return await openDeviceAsking(target, options, io);
  } catch (e) {
    if (isDeviceError(e) && e.code === 'ERR_DEVICE_LOGIN_FAILED') await explainHardened(target, io, e);
    throw e;
  }
}

/**
 * Fingerprints of every certificate this tool added to a device (the journal's `cert.add` intents), for
 * read-only commands that need no keychain; empty when there is no journal yet.
 */
export function toolAddedFingerprints(io: CliIO): Promise<Set<string>> {
  return addedByTool(new Journal(dataDir(io.env))).catch(() => new Set<string>());
}

/**
 * A login refused by a device this tool registered with SecurityAction Harden: that registration turned
 * its local users off, and the error says so instead of asking for another password.
 */
async function explainHardened(target: Target, io: CliIO, cause: Error): Promise<void> {
  const label = describeTarget(target);
  const records = await new Journal(dataDir(io.env)).read().catch(() => []);
  const hardened = records.find(
    (r) => r.kind === 'event' && r.event === 'device.hardened' && (r as { target?: string }).target === label,
  );
  if (!hardened) return;
  throw new WorkflowError(
    'ERR_WORKFLOW_DEVICE_HARDENED',
    `${label} (serial ${hardened.serial ?? 'unknown'}) was registered to Webex with SecurityAction Harden on ${hardened.at}, which turned off its local users, the admin this tool logs in as among them: the console no longer lets the tool in. Manage the device from Control Hub, or factory reset it to provision it again.`,
    { serial: hardened.serial ?? null },
    { cause },
  );
}

/** Connects, asking about a new SSH host key at a terminal (see `openDeviceOnce`). */
async function openDeviceAsking(
  target: Target,
  options: DeviceOptions,
  io: CliIO,
): Promise<{ device: RoomOsDevice; target: Target }> {
  try {
    return await openDeviceOnce(target, options, io, acceptOnlyWhenAsked(io));
  } catch (e) {
    // A host key seen for the first time: show it and ask (a person at a terminal), then connect again
    // accepting exactly that key. Asked outside the SSH handshake, which has a time limit.
    if (!isDeviceError(e, 'ERR_DEVICE_HOST_KEY') || e.details.unknown !== true || !io.stdin.isTTY) throw e;
    const d = e.details as {
      host?: string;
      port?: number;
      address?: string;
      fingerprint?: string;
      keyType?: string;
    };
    const where = `${d.host}:${d.port}${d.address && d.address !== d.host ? ` (${d.address})` : ''}`;
    const answer = await promptLine(
      io,
      `The SSH host key of ${where} is not known yet:\n  ${d.fingerprint} (${d.keyType})\nCompare it with the key the device shows. Pin it and connect? [y/N] `,
    );
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw e;
    return openDeviceOnce(target, options, io, async (info) => info.fingerprint === d.fingerprint);
  }
}

/** The CLI's answer to a new SSH host key: yes with `--accept-new-host-key` (said on stderr), else no. */
export function acceptOnlyWhenAsked(io: CliIO): (info: HostKeyInfo) => Promise<boolean> {
  return async (info) => {
    if (!io.acceptNewHostKey) return false;
    const where = `${info.host}:${info.port}${info.address && info.address !== info.host ? ` (${info.address})` : ''}`;
    io.stderr.write(`Pinned the new SSH host key of ${where}: ${info.fingerprint} (${info.keyType}).\n`);
    return true;
  };
}

async function openDeviceOnce(
  target: Target,
  options: DeviceOptions,
  io: CliIO,
  acceptNewHostKey: (info: HostKeyInfo) => Promise<boolean>,
): Promise<{ device: RoomOsDevice; target: Target }> {
  const base: root.OpenDeviceOptions = {
    acceptNewHostKey,
    env: io.env,
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
    // A line break inside a password is refused by the console check, with its own code
    // (ERR_DEVICE_CONTROL_CHARACTER, naming the character), before anything is typed.
    const password = await readSecret(options.passwordFile, io, 'login password', {
      lineBreaksInside: 'keep',
    });
    return { device: await root.openDevice(target, { ...base, password }), target };
  }
  try {
    return { device: await root.openDevice(target, { ...base, password: '' }), target };
  } catch (e) {
    if (!isDeviceError(e) || e.code !== 'ERR_DEVICE_LOGIN_FAILED' || !io.stdin.isTTY) throw e;
    const password = await promptHidden(io, 'Device login password: ');
    return { device: await root.openDevice(target, { ...base, password }), target };
  }
}

/** A device at its console, or one reached through the Webex cloud (`webex:`). */
export type AnyDevice = RoomOsDevice | CloudDevice;

/**
 * Opens a console target as `openDevice` does, or a `webex:` target through the Webex cloud with the
 * sign-in kept in the keychain. With `secrets`, a cloud device whose secret it does not hold is refused
 * (ERR_CLOUD_NO_SECRET: provision it at its console first).
 */
export async function openAnyDevice(
  targetText: string,
  options: DeviceOptions & { secrets?: SecretStore },
  io: CliIO,
): Promise<{ device: AnyDevice; target: Target }> {
  const target = parseTarget(targetText);
  if (target.kind !== 'webex') return openDevice(targetText, options, io);
  if (options.verbose) {
    const line = `  Reaching ${describeTarget(target)} through the Webex cloud.`;
    if (options.progress) options.progress(line);
    else io.stderr.write(`${line}\n`);
  }
  const device = await root.openCloudDevice(target, {
    env: io.env,
    ...(options.secrets instanceof KeychainSecretStore ? { keychain: options.secrets } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  return { device, target };
}

/**
 * A function that opens a device with `open`, runs `work` with it, and closes it whatever happens (the
 * connection, or the cloud device's session).
 */
function closing<D extends { close(): Promise<void> }>(
  open: (targetText: string, options: DeviceOptions, io: CliIO) => Promise<{ device: D; target: Target }>,
) {
  return async <T>(
    targetText: string,
    options: DeviceOptions,
    io: CliIO,
    work: (device: D, target: Target) => Promise<T>,
  ): Promise<T> => {
    const { device, target } = await open(targetText, options, io);
    try {
      return await work(device, target);
    } finally {
      await device.close();
    }
  };
}

/** Opens a console or cloud device (`openAnyDevice`), runs `work` with it, and closes it whatever happens. */
export const withAnyDevice = closing<AnyDevice>(openAnyDevice);

/** Opens the device, runs `work` with it, and closes the connection whatever happens. */
export const withDevice = closing<RoomOsDevice>(openDevice);
