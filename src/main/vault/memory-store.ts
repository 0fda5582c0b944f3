/**
 * A SecretStore in memory: the demo's store (a simulated device that ends with the demo), and the test
 * double for the workflows' logic, so it runs without a keyring daemon. It keeps the keychain store's
 * contract (serial numbers checked, a secret never empty) and says what it is. The real workflows take
 * the OS keychain; this is never a fallback for it.
 */
import { type SecretStatus, type SecretStore, checkSerial } from './secret-store.js';

export class MemorySecretStore implements SecretStore {
  readonly label = 'demo memory (forgotten when the demo ends)';
  private readonly current = new Map<string, string>();
  private readonly pending = new Map<string, string>();
  async check(): Promise<void> {}
  async get(serial: string): Promise<string | null> {
    return this.current.get(checkSerial(serial)) ?? null;
  }
  async set(serial: string, secret: string): Promise<void> {
    this.current.set(checkSerial(serial), nonEmpty(secret));
  }
  async delete(serial: string): Promise<boolean> {
    return this.current.delete(checkSerial(serial));
  }
  async getPending(serial: string): Promise<string | null> {
    return this.pending.get(checkSerial(serial)) ?? null;
  }
  async setPending(serial: string, secret: string): Promise<void> {
    this.pending.set(checkSerial(serial), nonEmpty(secret));
  }
  async deletePending(serial: string): Promise<boolean> {
    return this.pending.delete(checkSerial(serial));
  }
  async list(): Promise<SecretStatus[]> {
    const serials = new Set([...this.current.keys(), ...this.pending.keys()]);
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
