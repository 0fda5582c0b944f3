/**
 * The composition root for opening things: the vault (the OS keychain and the journal in the data
 * directory) and a device connection, whose `sim:` target gets its simulator from an injected factory
 * (the built-in simulator by default). The CLI, the app and batch open through here; main/device knows a
 * simulator only as the SimulatorLike port, and never imports one (eslint.config.js).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isProvisionerError } from '../core/errors.js';
import { describePosition, readJson } from '../core/json-text.js';
import { DeviceError } from '../core/xapi/errors.js';
import type { RoomOsSimulator, SimulatorOptions } from '../simulator/index.js';
import { SimulatorError } from '../simulator/errors.js';
import {
  type ConnectOptions,
  JsonHostKeyStore,
  type RoomOsDevice,
  type SimTargetOptions,
  type SimulatorLike,
  type Target,
  connect,
  defaultKnownHostsPath,
  parseTarget,
} from './device/index.js';
import { type CloudClientOptions, CloudDevice, signedInClient } from './cloud/index.js';
import { INPUT_LIMITS, InputError, readFileBounded } from './input/bounded.js';
import { dataDir, ensureDataDir } from './vault/data-dir.js';
import { Journal } from './vault/journal.js';
import { type KeychainSecretStore, type SecretStore, openSecretStore } from './vault/secret-store.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where secrets and records live. */
export interface Vault {
  secrets: SecretStore;
  journal: Journal;
}

/** The OS keychain (refused with a typed error when unreachable) and the journal in the data directory. */
export async function openVault(env: Env): Promise<Vault> {
  const secrets = await openSecretStore({ env });
  return { secrets, journal: await openJournal(env) };
}

/** The journal in the data directory (made owner-only when new), for what needs no keychain. */
export async function openJournal(env: Env): Promise<Journal> {
  return new Journal(await ensureDataDir(dataDir(env)));
}

/** Starts a simulator with a `sim:` target's options (the built-in one, or a test's). */
export type SimulatorFactory = (options: SimTargetOptions) => Promise<SimulatorLike>;

/** The built-in simulator (src/simulator), loaded when a `sim:` target first needs it. */
export async function startBuiltInSimulator(options: SimulatorOptions): Promise<RoomOsSimulator> {
  const { createSimulator } = await import('../simulator/index.js');
  return createSimulator(options);
}

export interface OpenDeviceOptions extends ConnectOptions {
  /** Whose known-hosts file pins SSH host keys when no `hostKeyStore` is given (default: in memory only). */
  env?: Env;
  /** Starts the simulator of a `sim:` target given no `simulator` (default: the built-in one). */
  simulatorFactory?: SimulatorFactory;
}

/**
 * Opens the console at `target` and logs in (main/device's `connect`), with the host keys of `env`'s
 * known-hosts file and, for a `sim:` target, a simulator the device closes with itself.
 */
export function openDevice(target: Target | string, options: OpenDeviceOptions = {}): Promise<RoomOsDevice> {
  const { env, simulatorFactory = startBuiltInSimulator, ...rest } = options;
  return connect(target, {
    ...(env !== undefined && rest.hostKeyStore === undefined
      ? { hostKeyStore: new JsonHostKeyStore(defaultKnownHostsPath(env)) }
      : {}),
    createSimulator: (o) => startSimulator(o, simulatorFactory),
    ...rest,
  });
}

export interface OpenCloudOptions {
  env: Env;
  /** The keychain to read the sign-in from (opened from `env` when absent). */
  keychain?: KeychainSecretStore;
  /** With it, a device whose secret it does not hold is refused (provision it at its console first). */
  secrets?: SecretStore;
  /** The client's clock and limits (tests). */
  client?: Omit<CloudClientOptions, 'token' | 'apiBase'>;
}

/**
 * Opens a `webex:` target: the sign-in from the keychain, the device found by serial number or id and
 * checked to be online (and, with `secrets`, to have its secret kept).
 */
export async function openCloudDevice(
  target: Extract<Target, { kind: 'webex' }>,
  options: OpenCloudOptions,
): Promise<CloudDevice> {
  const keychain = options.keychain ?? (await openSecretStore({ env: options.env }));
  const client = await signedInClient(keychain, options.client);
  return CloudDevice.open(client, target.ref, options.secrets ? { secrets: options.secrets } : {});
}

/**
 * Opens any target: a console (`openDevice`), or a `webex:` target through the Webex cloud with the
 * sign-in kept in `env`'s keychain (`openCloudDevice`; with `secrets`, a device whose secret it does not
 * hold is refused). Batch opens its rows through here.
 */
export async function openAnyDevice(
  target: Target | string,
  options: OpenDeviceOptions & { env: Env; secrets?: SecretStore; keychain?: KeychainSecretStore },
): Promise<RoomOsDevice | CloudDevice> {
  const t = typeof target === 'string' ? parseTarget(target) : target;
  const { secrets, keychain, ...rest } = options;
  if (t.kind !== 'webex') return openDevice(t, rest);
  return openCloudDevice(t, {
    env: options.env,
    ...(keychain ? { keychain } : {}),
    ...(secrets ? { secrets } : {}),
  });
}

/**
 * Starts the simulator a `sim:` target names. A state file that cannot be kept (its folder missing or not
 * writable) is an ordinary coded error (ERR_SIM_STATE_FILE), found before the simulator starts.
 */
export async function startSimulator(
  options: SimTargetOptions,
  make: SimulatorFactory = startBuiltInSimulator,
): Promise<SimulatorLike> {
  const file = options.stateFile;
  const stateFileError = (why: string, cause?: unknown): SimulatorError =>
    new SimulatorError(
      'ERR_SIM_STATE_FILE',
      `The simulator's state file ${file} cannot be used: ${why}. Give a file in a folder that exists (sim:?state=FOLDER/NAME.json).`,
      { path: file },
      cause === undefined ? undefined : { cause },
    );
  if (file !== undefined) {
    const folder = dirname(resolve(file));
    const st = await stat(folder).catch(() => undefined);
    if (!st) throw stateFileError(`the folder ${folder} does not exist`);
    if (!st.isDirectory()) throw stateFileError(`${folder} is not a folder`);
    await access(folder, constants.W_OK).catch((e) => {
      throw stateFileError(`the folder ${folder} is not writable`, e);
    });
  }
  if (options.stateFile !== undefined) await checkSimStateFile(options.stateFile);
  try {
    return await make({ ...options });
  } catch (e) {
    if (isProvisionerError(e) || file === undefined) throw e;
    throw stateFileError((e as Error).message, e);
  }
}

/**
 * A `sim:?state=FILE` that exists must be JSON: the simulator's own message would quote the file's
 * start (a secret file named by mistake, `/etc/passwd`). Named with the position only.
 */
async function checkSimStateFile(path: string): Promise<void> {
  let text: string;
  try {
    // Bounded and never blocking: a FIFO or a socket named as the state is refused, not waited on.
    text = (await readFileBounded(path, INPUT_LIMITS.backup, 'simulator state')).toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // a new simulator
    const reason =
      e instanceof InputError && e.code === 'ERR_INPUT_NOT_FILE'
        ? 'it is not a regular file, but a pipe, a socket or a device'
        : e instanceof InputError
          ? 'it is far larger than a state file'
          : `${(e as NodeJS.ErrnoException).code ?? 'error'}`;
    throw new DeviceError(
      'ERR_DEVICE_TARGET',
      `The simulator state file ${path} cannot be read (${reason}).`,
      {
        path,
      },
    );
  }
  const read = readJson(text);
  const isState =
    read.ok && (read.value as { format?: unknown } | null)?.format === 'e2ee-prov-simulator-state';
  if (!isState) {
    throw new DeviceError(
      'ERR_DEVICE_TARGET',
      `${path} is not a simulator state file${read.ok ? '' : ` (not JSON at ${describePosition(read)})`}. Give a new path, or a state file a simulator wrote.`,
      { path, ...(read.ok ? {} : { line: read.line, column: read.column }) },
    );
  }
}
