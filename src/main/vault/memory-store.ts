/**
 * A SecretStore in memory: the demo's store (a simulated device that ends with the demo), and the test
 * double for the workflows' logic, so it runs without a keyring daemon. It keeps the keychain store's
 * contract (serial numbers checked, a secret never empty) and says what it is. The real workflows take
 * the OS keychain; this is never a fallback for it.
 */
import { type SecretStatus, type SecretStore, checkSerial } from './secret-store.js';

/** Secrets by serial number, checked as the keychain store checks them (a serial number, a non-empty secret). */
class SecretMap {
  private readonly map = new Map<string, string>();
  async get(serial: string): Promise<string | null> {
    return this.map.get(checkSerial(serial)) ?? null;
  }
  async set(serial: string, secret: string): Promise<void> {
    this.map.set(checkSerial(serial), nonEmpty(secret));
  }
  async delete(serial: string): Promise<boolean> {
    return this.map.delete(checkSerial(serial));
  }
  has(serial: string): boolean {
    return this.map.has(serial);
  }
  serials(): string[] {
    return [...this.map.keys()];
  }
}

export class MemorySecretStore implements SecretStore {
  readonly label = 'demo memory (forgotten when the demo ends)';
  private readonly current = new SecretMap();
  private readonly pending = new SecretMap();
  async check(): Promise<void> {}
  readonly get = (serial: string) => this.current.get(serial);
  readonly set = (serial: string, secret: string) => this.current.set(serial, secret);
  readonly delete = (serial: string) => this.current.delete(serial);
  readonly getPending = (serial: string) => this.pending.get(serial);
  readonly setPending = (serial: string, secret: string) => this.pending.set(serial, secret);
  readonly deletePending = (serial: string) => this.pending.delete(serial);
  async list(): Promise<SecretStatus[]> {
    const serials = new Set([...this.current.serials(), ...this.pending.serials()]);
    return [...serials].sort().map((serial) => ({
      serial,
      hasSecret: this.current.has(serial),
      hasPending: this.pending.has(serial),
    }));
  }
}

/** The keychain store refuses an empty secret the same way. */
function nonEmpty(secret: string): string {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('secret must be a non-empty string');
  return secret;
}
