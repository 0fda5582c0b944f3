import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { AsyncEntry, findCredentialsAsync } from '@napi-rs/keyring';
import { VaultError } from './errors.js';

/** The keychain service name the tool's entries live under (override: E2EE_PROV_KEYCHAIN_SERVICE). */
export const DEFAULT_KEYCHAIN_SERVICE = 'e2ee-provisioner';

/** A device serial number as the keychain key: letters, digits, "-" and "_" (Cisco serials: FOC2214N0AB). */
const SERIAL = /^[A-Za-z0-9_-]{1,64}$/;
const PENDING_PREFIX = 'pending:';

/**
 * The keychain accounts of the tool's own (not a device's): the cloud sign-in (token and API base; for an
 * OAuth sign-in also its refresh token, expiry and integration).
 */
export const OWN_ACCOUNTS = [
  'cloud:token',
  'cloud:api-base',
  'cloud:refresh-token',
  'cloud:expires',
  'cloud:client-id',
  'cloud:client-secret',
] as const;
export type OwnAccount = (typeof OWN_ACCOUNTS)[number];

/** What the keychain holds for one device; never the secret itself. */
export interface SecretStatus {
  serial: string;
  hasSecret: boolean;
  hasPending: boolean;
}

/**
 * Where device ClientSecrets live: one entry per device (keyed by its serial number) and, while a
 * change is under way, a pending entry holding the new secret. Only ever the OS keychain.
 */
export interface SecretStore {
  /** Throws ERR_VAULT_UNAVAILABLE / ERR_VAULT_LOCKED when the keychain cannot be used. */
  check(): Promise<void>;
  get(serial: string): Promise<string | null>;
  /** Stores and reads back: a write the store silently lost is ERR_VAULT_WRITE_LOST. */
  set(serial: string, secret: string): Promise<void>;
  delete(serial: string): Promise<boolean>;
  getPending(serial: string): Promise<string | null>;
  setPending(serial: string, secret: string): Promise<void>;
  deletePending(serial: string): Promise<boolean>;
  /** Every device with an entry or a pending entry. */
  list(): Promise<SecretStatus[]>;
}

export interface KeychainOptions {
  /** Keychain service name; tests use a unique one per run. */
  service?: string;
}

/** Checks a serial number for use as a keychain account; a TypeError-free refusal for user input. */
export function checkSerial(serial: string): string {
  if (typeof serial !== 'string' || !SERIAL.test(serial)) {
    throw new VaultError(
      'ERR_VAULT_BAD_SERIAL',
      `${JSON.stringify(String(serial).slice(0, 80))} is not a device serial number (1 to 64 letters, digits, "-" or "_").`,
      { serial: String(serial).slice(0, 80) },
    );
  }
  return serial;
}

/** Pauses between tries of a keychain call the Secret Service refused (ms). */
const KEYCHAIN_RETRIES = [100, 300, 800] as const;

/** How many keychain entries (each a D-Bus connection) the process keeps open for reuse. */
const ENTRY_CACHE_LIMIT = 32;
/** Open entries by service and account, oldest use first. */
const entries = new Map<string, AsyncEntry>();

/** The open entry for an account, made (and the least recently used one let go) when there is none. */
function entryFor(service: string, account: string): AsyncEntry {
  const key = `${service}\u0000${account}`;
  const open = entries.get(key);
  if (open) {
    entries.delete(key);
    entries.set(key, open);
    return open;
  }
  let entry: AsyncEntry;
  try {
    entry = new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  } catch (e) {
    throw keychainError(e, service);
  }
  entries.set(key, entry);
  while (entries.size > ENTRY_CACHE_LIMIT) entries.delete(entries.keys().next().value!);
  return entry;
}

function dropEntry(service: string, account: string): void {
  entries.delete(`${service}\u0000${account}`);
}

/** Turns what @napi-rs/keyring throws into a typed error that says how to fix it. Never includes secrets. */
export function keychainError(e: unknown, service: string): VaultError {
  const text =
    e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause ?? '')}` : String(e);
  if (/locked|NoStorageAccess|not unlocked|prompt|dismissed/i.test(text)) {
    return new VaultError(
      'ERR_VAULT_LOCKED',
      'The OS keychain is locked: unlock it (on Linux, log in to the desktop session or unlock the "Login" keyring in Passwords and Keys / Seahorse), then try again.',
      { service, reason: firstLine(text) },
      { cause: e },
    );
  }
  const where =
    process.platform === 'linux'
      ? 'No Secret Service is reachable on this session’s D-Bus. Install and start a keyring (Debian/Ubuntu: apt-get install gnome-keyring, then log in again; or run KeePassXC with Secret Service integration), or unlock it if it is running'
      : process.platform === 'darwin'
        ? 'The macOS Keychain cannot be reached; unlock your login keychain in Keychain Access'
        : 'The Windows Credential Manager cannot be reached; sign in to a normal (not a service) account';
  return new VaultError(
    'ERR_VAULT_UNAVAILABLE',
    `${where}. The tool keeps client secrets only in the OS keychain, never in memory or a plain file, so it cannot continue without one.`,
    { service, platform: process.platform, reason: firstLine(text) },
    { cause: e },
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}

/**
 * The SecretStore over the OS keychain with @napi-rs/keyring: macOS Keychain, Windows Credential
 * Manager, and on Linux the Secret Service only. The Linux store is pinned: the library would
 * otherwise fall back silently to the kernel keyring, which forgets everything at reboot.
 */
export class KeychainSecretStore implements SecretStore {
  readonly service: string;
  private readonly probeAccount = `probe:availability:${randomUUID()}`;
  private checking: Promise<void> = Promise.resolve();

  constructor(options: KeychainOptions = {}) {
    this.service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
    if (!this.service) throw new TypeError('service must be a non-empty string');
  }

  /**
   * Runs one keychain call on an account's entry. An entry holds its own D-Bus connection and a
   * Secret Service session until it is garbage-collected, so entries are kept and reused (a new
   * entry per call would reach the bus's per-user connection limit after a few hundred calls and
   * make every later call fail). A refused call drops its entry, so that the next try opens a new
   * connection and session: a keyring daemon that was restarted forgets the old session ("The
   * session wrapping the secret does not exist") and would refuse that entry for good. The Secret
   * Service can also refuse a call for a moment under load (several processes creating items at
   * once draw a transient "prompt"/"locked" answer): a refused call is tried again a few times, a
   * short while apart, before the refusal is reported. Every call here is idempotent (get, set to
   * a value, delete), so a retry changes nothing that one call would not.
   */
  private async call<T>(account: string, f: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    return this.retried(
      () => f(entryFor(this.service, account)),
      () => dropEntry(this.service, account),
    );
  }

  private async retried<T>(f: () => Promise<T>, onRefusal: () => void = () => undefined): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce(f);
      } catch (e) {
        onRefusal();
        const transient =
          e instanceof VaultError && (e.code === 'ERR_VAULT_LOCKED' || e.code === 'ERR_VAULT_UNAVAILABLE');
        if (!transient || attempt >= KEYCHAIN_RETRIES.length) throw e;
        await sleep(KEYCHAIN_RETRIES[attempt]!);
      }
    }
  }

  private async callOnce<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof VaultError) throw e;
      throw keychainError(e, this.service);
    }
  }

  async check(): Promise<void> {
    // Write, read back and delete a probe entry: a locked store answers reads of absent entries
    // but refuses writes, and a write is what the tool needs before it tells a device anything.
    // Each store has its own probe account, and its checks run one at a time: checks running at once
    // (a parallel batch, the app and the CLI) would otherwise delete each other's probe, and one would
    // fail with a keychain that works.
    const run = this.checking.then(() => this.checkOnce());
    this.checking = run.catch(() => undefined);
    return run;
  }

  private async checkOnce(): Promise<void> {
    const probe = this.probeAccount;
    await this.call(probe, (e) => e.setPassword('availability probe'));
    const back = await this.call(probe, (e) => e.getPassword());
    await this.call(probe, (e) => e.deleteCredential());
    if (back !== 'availability probe') {
      throw new VaultError(
        'ERR_VAULT_WRITE_LOST',
        'The OS keychain accepts entries but does not keep them; the tool cannot use it for client secrets.',
        { service: this.service },
      );
    }
  }

  private async read(account: string): Promise<string | null> {
    return this.call(account, (e) => e.getPassword());
  }

  private async write(account: string, secret: string): Promise<void> {
    if (typeof secret !== 'string' || secret.length === 0)
      throw new TypeError('secret must be a non-empty string');
    await this.call(account, (e) => e.setPassword(secret));
    const back = await this.read(account);
    if (back !== secret) {
      throw new VaultError(
        'ERR_VAULT_WRITE_LOST',
        'The OS keychain accepted the secret but does not return it: it is not storing it. Nothing was sent to the device; check the keychain (is it a persistent one?).',
        { service: this.service },
      );
    }
  }

  private async remove(account: string): Promise<boolean> {
    return this.call(account, (e) => e.deleteCredential());
  }

  async get(serial: string): Promise<string | null> {
    return this.read(checkSerial(serial));
  }
  async set(serial: string, secret: string): Promise<void> {
    return this.write(checkSerial(serial), secret);
  }
  async delete(serial: string): Promise<boolean> {
    return this.remove(checkSerial(serial));
  }
  async getPending(serial: string): Promise<string | null> {
    return this.read(PENDING_PREFIX + checkSerial(serial));
  }
  async setPending(serial: string, secret: string): Promise<void> {
    return this.write(PENDING_PREFIX + checkSerial(serial), secret);
  }
  async deletePending(serial: string): Promise<boolean> {
    return this.remove(PENDING_PREFIX + checkSerial(serial));
  }

  /**
   * The tool's own entries (the Webex cloud sign-in), under accounts no serial number can take (they
   * hold a ":"), so `list()` never shows them as devices.
   */
  async getOwn(account: OwnAccount): Promise<string | null> {
    return this.read(account);
  }
  async setOwn(account: OwnAccount, value: string): Promise<void> {
    return this.write(account, value);
  }
  async deleteOwn(account: OwnAccount): Promise<boolean> {
    return this.remove(account);
  }

  async list(): Promise<SecretStatus[]> {
    // Entries are only created through this class, after the store was pinned; on Linux
    // findCredentials talks to the Secret Service directly.
    await this.check();
    const creds = await this.retried(() => findCredentialsAsync(this.service));
    const byserial = new Map<string, SecretStatus>();
    for (const { account } of creds) {
      const pending = account.startsWith(PENDING_PREFIX);
      const serial = pending ? account.slice(PENDING_PREFIX.length) : account;
      if (!SERIAL.test(serial)) continue;
      const s = byserial.get(serial) ?? { serial, hasSecret: false, hasPending: false };
      if (pending) s.hasPending = true;
      else s.hasSecret = true;
      byserial.set(serial, s);
    }
    return [...byserial.values()].sort((a, b) => a.serial.localeCompare(b.serial));
  }
}

/** Opens the keychain store and checks that it can be used now; throws the typed refusal otherwise. */
export async function openSecretStore(
  options: KeychainOptions & { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<KeychainSecretStore> {
  const service = options.service ?? options.env?.E2EE_PROV_KEYCHAIN_SERVICE ?? DEFAULT_KEYCHAIN_SERVICE;
  const store = new KeychainSecretStore({ service });
  await store.check();
  return store;
}
