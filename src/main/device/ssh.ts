import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { INPUT_LIMITS, InputError, readFileBounded } from '../input/bounded.js';
import { writeFileAtomic } from '../../shared/atomic-file.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, type ClientChannel } from 'ssh2';
import { describePosition, readJson } from '../../core/json-text.js';
import { DeviceError } from '../../core/xapi/index.js';
import { BaseTransport, type Pacing } from './transport.js';

/** A host key as shown to a person: OpenSSH's `SHA256:…` form and the key type. */
export interface HostKeyInfo {
  host: string;
  port: number;
  /** The address the name resolved to, which the key is pinned for (`127.0.0.1` for `localhost`). */
  address?: string;
  /** `SHA256:<base64, no padding>`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  keyType: string;
}

/** Where pinned host keys live. */
export interface HostKeyStore {
  get(hostPort: string): Promise<{ fingerprint: string; keyType: string } | undefined>;
  pin(hostPort: string, info: { fingerprint: string; keyType: string }): Promise<void>;
}

/** The default known-hosts file: `$E2EE_PROV_KNOWN_HOSTS`, else `~/.config/e2ee-prov/known-hosts.json`. */
export function defaultKnownHostsPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.E2EE_PROV_KNOWN_HOSTS ?? join(homedir(), '.config', 'e2ee-prov', 'known-hosts.json');
}

interface KnownHostsFile {
  format: 'e2ee-prov-known-hosts';
  version: 1;
  hosts: Record<string, { fingerprint: string; keyType: string; pinnedAt: string }>;
}

/** Host keys pinned on first use, in a JSON file (written atomically, mode 600). */
export class JsonHostKeyStore implements HostKeyStore {
  readonly path: string;
  constructor(path: string = defaultKnownHostsPath()) {
    this.path = path;
  }

  private async load(): Promise<KnownHostsFile> {
    let text: string;
    try {
      text = (await readFileBounded(this.path, INPUT_LIMITS.credentials, 'known-hosts file')).toString(
        'utf8',
      );
    } catch (e) {
      // A pipe or a device named as the known-hosts file is refused (ERR_INPUT_NOT_FILE), never waited on.
      if (e instanceof InputError) throw e;
      return { format: 'e2ee-prov-known-hosts', version: 1, hosts: {} };
    }
    const read = readJson(text);
    if (!read.ok) {
      // Never the text: a secret file named by E2EE_PROV_KNOWN_HOSTS would be printed.
      throw new DeviceError(
        'ERR_DEVICE_HOST_KEY',
        `${this.path} is not an e2ee-prov known-hosts file (not JSON at ${describePosition(read)}). Move it away and connect again.`,
        { path: this.path, line: read.line, column: read.column },
      );
    }
    const parsed = (read.value ?? {}) as Partial<KnownHostsFile>;
    if (
      typeof parsed !== 'object' ||
      parsed.format !== 'e2ee-prov-known-hosts' ||
      typeof parsed.hosts !== 'object' ||
      parsed.hosts === null
    ) {
      throw new DeviceError(
        'ERR_DEVICE_HOST_KEY',
        `${this.path} is not an e2ee-prov known-hosts file. Move it away and connect again.`,
        { path: this.path },
      );
    }
    return { format: 'e2ee-prov-known-hosts', version: 1, hosts: parsed.hosts };
  }

  async get(hostPort: string): Promise<{ fingerprint: string; keyType: string } | undefined> {
    const entry = (await this.load()).hosts[hostPort] as unknown;
    if (entry === undefined) return undefined;
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    // An entry without a fingerprint pins nothing that can be compared: said so, never "the pinned undefined".
    if (typeof e.fingerprint !== 'string' || !/^SHA256:\S+$/.test(e.fingerprint)) {
      throw new DeviceError(
        'ERR_DEVICE_HOST_KEY',
        `${this.path} holds a malformed entry for ${hostPort} (no SHA256 fingerprint), so the host key cannot be checked. Remove that entry (or move the file away), then connect again to be asked about the key.`,
        { path: this.path, host: hostPort, malformed: true },
      );
    }
    return { fingerprint: e.fingerprint, keyType: typeof e.keyType === 'string' ? e.keyType : 'unknown' };
  }

  /** Pins take turns within the process: each reads, adds its host and writes the whole file. */
  private pinning: Promise<void> = Promise.resolve();

  pin(hostPort: string, info: { fingerprint: string; keyType: string }): Promise<void> {
    const run = this.pinning.then(async () => {
      const file = await this.load();
      file.hosts[hostPort] = { ...info, pinnedAt: new Date().toISOString() };
      await mkdir(dirname(this.path), { recursive: true });
      // The shared atomic writer: a new temporary file of a random name per write, never a planted link.
      await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
    });
    this.pinning = run.catch(() => undefined);
    return run;
  }
}

/** Pins in memory only (for one process). */
export class MemoryHostKeyStore implements HostKeyStore {
  private readonly hosts = new Map<string, { fingerprint: string; keyType: string }>();
  async get(hostPort: string): Promise<{ fingerprint: string; keyType: string } | undefined> {
    return this.hosts.get(hostPort);
  }
  async pin(hostPort: string, info: { fingerprint: string; keyType: string }): Promise<void> {
    this.hosts.set(hostPort, info);
  }
}

/** `127.0.0.1:22`, `[fe80::1]:22`: the known-hosts key of an address. */
function addressPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * The address a host name resolves to (IPv4 first, as most consoles listen there), an IP literal as it
 * is (IPv4-mapped IPv6 unwrapped). A name that does not resolve is ERR_DEVICE_UNREACHABLE.
 */
export async function resolveHost(host: string, port: number): Promise<string> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return bare.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
  try {
    const all = await lookup(bare, { all: true });
    const pick = all.find((a) => a.family === 4) ?? all[0];
    if (!pick) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
    return pick.address;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new DeviceError(
      'ERR_DEVICE_UNREACHABLE',
      `Cannot reach ${host}:${port} over SSH (${code}). Check the address, the network, and that SSH is enabled on the device.`,
      { host, port, reason: code },
    );
  }
}

/** `SHA256:…` of an SSH wire-format public key. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH wire-format public key (`ssh-ed25519`, `ecdsa-sha2-nistp256`). */
export function sshKeyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const n = key.readUInt32BE(0);
  return n > 0 && n < 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('ascii') : 'unknown';
}

export interface SshOptions {
  host: string;
  port?: number;
  username?: string;
  password?: string;
  hostKeyStore?: HostKeyStore;
  /**
   * Called with a host key seen for the first time; resolve false to refuse it. By default it is
   * accepted and pinned (trust on first use); the key is reported to `onHostKey` either way.
   */
  acceptNewHostKey?: (info: HostKeyInfo) => boolean | Promise<boolean>;
  /** Told of every host key checked, with whether it was already pinned. */
  onHostKey?: (info: HostKeyInfo & { pinned: boolean }) => void;
  timeoutMs?: number;
  pacing?: Partial<Pacing>;
}

/** The network console: an SSH shell (no PTY, as jsxapi opens it: spec §1.1). */
export class SshTransport extends BaseTransport {
  readonly kind = 'ssh' as const;
  readonly label: string;
  readonly pacing: Pacing;
  private readonly client: Client;
  private readonly channel: ClientChannel;

  private constructor(label: string, client: Client, channel: ClientChannel, pacing: Pacing) {
    super();
    this.label = label;
    this.client = client;
    this.channel = channel;
    this.pacing = pacing;
    channel.on('data', (d: Buffer) => this.emitData(d));
    channel.stderr.on('data', (d: Buffer) => this.emitData(d));
    channel.on('close', () => {
      this.markClosed();
      client.end();
    });
    client.on('close', () => this.markClosed());
    client.on('error', (e: Error) => this.markClosed(e));
  }

  static async open(options: SshOptions): Promise<SshTransport> {
    const port = options.port ?? 22;
    const username = options.username ?? 'admin';
    const password = options.password ?? '';
    const hostPort = `${options.host}:${port}`;
    const label = `${username}@${hostPort}`;
    const store = options.hostKeyStore ?? new MemoryHostKeyStore();
    // Pinned per resolved address, and the connection goes to that address: `localhost` and
    // `127.0.0.1` are one device, not two identities each trusted on first use.
    const address = await resolveHost(options.host, port);
    const pinKey = addressPort(address, port);
    const client = new Client();
    let hostKeyError: DeviceError | null = null;
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      let settled = false;
      const fail = (e: DeviceError): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(e);
      };
      client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
        finish(prompts.map(() => password));
      });
      client.once('ready', () => {
        client.shell(false, (err, ch) => {
          if (err) {
            fail(
              new DeviceError(
                'ERR_DEVICE_UNEXPECTED_OUTPUT',
                `${label} accepted the login but opened no console: ${err.message}.`,
              ),
            );
            return;
          }
          settled = true;
          resolve(ch);
        });
      });
      client.on('error', (e: Error & { level?: string; code?: string }) => {
        if (hostKeyError) fail(hostKeyError);
        else if (e.level === 'client-authentication') {
          fail(
            new DeviceError(
              'ERR_DEVICE_LOGIN_FAILED',
              `${label} refused the login. A factory-reset device takes "admin" with an empty password; otherwise give the device's admin password (--password-file).`,
              { username },
            ),
          );
        } else if (e.level === 'client-timeout' || /timed out/i.test(e.message)) {
          fail(
            new DeviceError(
              'ERR_DEVICE_TIMEOUT',
              `No SSH answer from ${hostPort}. Check the address and that SSH is enabled on the device.`,
              { mayHaveRun: false },
            ),
          );
        } else {
          fail(
            new DeviceError(
              'ERR_DEVICE_UNREACHABLE',
              `Cannot reach ${hostPort} over SSH (${e.code ?? e.message}). Check the address, the network, and that SSH is enabled on the device.`,
              { host: options.host, port, reason: e.code ?? e.message },
            ),
          );
        }
      });
      client.on('close', () =>
        fail(
          hostKeyError ??
            new DeviceError(
              'ERR_DEVICE_DISCONNECTED',
              `${hostPort} closed the connection while logging in.`,
              {
                mayHaveRun: false,
              },
            ),
        ),
      );
      client.connect({
        host: address,
        port,
        username,
        password,
        tryKeyboard: true,
        readyTimeout: options.timeoutMs ?? 20_000,
        keepaliveInterval: 10_000,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          const info: HostKeyInfo = {
            host: options.host,
            port,
            address,
            fingerprint: sshFingerprint(key),
            keyType: sshKeyType(key),
          };
          void (async () => {
            // A pin made under the name before pins were per address still counts (and moves to the address).
            const byAddress = await store.get(pinKey);
            const known = byAddress ?? (await store.get(hostPort));
            if (known) {
              options.onHostKey?.({ ...info, pinned: true });
              if (known.fingerprint === info.fingerprint) {
                if (!byAddress)
                  await store.pin(pinKey, { fingerprint: info.fingerprint, keyType: info.keyType });
                return true;
              }
              hostKeyError = new DeviceError(
                'ERR_DEVICE_HOST_KEY',
                `The SSH host key of ${hostPort} is ${info.fingerprint}, not the pinned ${known.fingerprint}. Either the device was replaced or reset (then remove its entry from the known-hosts file) or someone is in between: do not continue until you know which.`,
                { host: options.host, port, fingerprint: info.fingerprint, pinned: known.fingerprint },
              );
              return false;
            }
            options.onHostKey?.({ ...info, pinned: false });
            const accept = options.acceptNewHostKey ? await options.acceptNewHostKey(info) : true;
            if (!accept) {
              hostKeyError = new DeviceError(
                'ERR_DEVICE_HOST_KEY',
                `The SSH host key of ${hostPort}${address !== options.host ? ` (${address})` : ''} is not pinned: ${info.fingerprint} (${info.keyType}). Nothing was sent. Compare it with the key the device shows, then accept it (at the prompt, with --accept-new-host-key, or in the window).`,
                {
                  host: options.host,
                  port,
                  address,
                  fingerprint: info.fingerprint,
                  keyType: info.keyType,
                  unknown: true,
                },
              );
              return false;
            }
            await store.pin(pinKey, { fingerprint: info.fingerprint, keyType: info.keyType });
            return true;
          })().then(verify, (e: unknown) => {
            hostKeyError =
              e instanceof DeviceError
                ? e
                : new DeviceError(
                    'ERR_DEVICE_HOST_KEY',
                    `Cannot check the SSH host key: ${(e as Error).message}.`,
                  );
            verify(false);
          });
        },
      });
    });
    return new SshTransport(label, client, channel, {
      chunkBytes: 1024,
      chunkDelayMs: 0,
      lineEnding: '\n',
      ...options.pacing,
    });
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.label} is closed`));
    return new Promise((resolve) => {
      if (this.channel.write(Buffer.from(data))) resolve();
      else this.channel.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    this.channel.end();
    this.client.end();
    this.markClosed();
  }
}
