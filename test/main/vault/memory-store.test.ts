/**
 * The in-memory secret store (the demo's store and the workflows' test double) keeps the keychain
 * store's contract: one entry and one pending entry per serial, serials checked, no empty secret.
 */
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../src/main/vault/index.js';

describe('MemorySecretStore', () => {
  it('keeps an entry and a pending entry per serial, lists them sorted, deletes them once', async () => {
    const store = new MemorySecretStore();
    await store.check();
    expect(await store.get('FOC2222B2BB')).toBeNull();
    await store.set('FOC2222B2BB', 'ünïcødé secret ✓');
    await store.setPending('FOC1111A1AA', 'new one');
    expect(await store.get('FOC2222B2BB')).toBe('ünïcødé secret ✓');
    expect(await store.getPending('FOC1111A1AA')).toBe('new one');
    expect(await store.get('FOC1111A1AA')).toBeNull();
    expect(await store.list()).toEqual([
      { serial: 'FOC1111A1AA', hasSecret: false, hasPending: true },
      { serial: 'FOC2222B2BB', hasSecret: true, hasPending: false },
    ]);
    expect(await store.deletePending('FOC1111A1AA')).toBe(true);
    expect(await store.deletePending('FOC1111A1AA')).toBe(false);
    expect(await store.delete('FOC2222B2BB')).toBe(true);
    expect(await store.delete('FOC2222B2BB')).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a key that is not a serial number and an empty secret, as the keychain store does', async () => {
    const store = new MemorySecretStore();
    await expect(store.get('pending:FOC1')).rejects.toMatchObject({ code: 'ERR_VAULT_BAD_SERIAL' });
    await expect(store.set('../x', 's')).rejects.toMatchObject({ code: 'ERR_VAULT_BAD_SERIAL' });
    await expect(store.setPending('FOC1111A1AA', '')).rejects.toThrow('secret must be a non-empty string');
    expect(await store.list()).toEqual([]);
  });
});
