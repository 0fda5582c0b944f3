import type { SecretStatus, SecretStore } from '../vault/secret-store.js';

/**
 * The demo's secret store, for a simulated device that ends with the demo: memory only, and it says so.
 * The real workflows take the OS keychain; this is never a fallback for it.
 */
export class DemoSecretStore implements SecretStore {
  readonly label = 'demo memory (forgotten when the demo ends)';
  private readonly current = new Map<string, string>();
  private readonly pending = new Map<string, string>();
  async check(): Promise<void> {}
  async get(serial: string): Promise<string | null> {
    return this.current.get(serial) ?? null;
  }
  async set(serial: string, secret: string): Promise<void> {
    this.current.set(serial, secret);
  }
  async delete(serial: string): Promise<boolean> {
    return this.current.delete(serial);
  }
  async getPending(serial: string): Promise<string | null> {
    return this.pending.get(serial) ?? null;
  }
  async setPending(serial: string, secret: string): Promise<void> {
    this.pending.set(serial, secret);
  }
  async deletePending(serial: string): Promise<boolean> {
    return this.pending.delete(serial);
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
