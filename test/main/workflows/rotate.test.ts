import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type RoomOsDevice } from '../../../src/main/device/index.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';
import { Journal, MemorySecretStore, deriveInventory } from '../../../src/main/vault/index.js';
import { rotateSecret, settleSecret } from '../../../src/main/workflows/rotate.js';

const store = new MemorySecretStore();
const OLD = 'the first secret, in clear';
let n = 0;

describe('rotateSecret', () => {
  let dir: string;
  let sim: RoomOsSimulator;
  let device: RoomOsDevice;
  let serial: string;
  let journal: Journal;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-rotate-'));
    serial = `FOCROT${n++}`;
    journal = new Journal(join(dir, 'home'));
    sim = await createSimulator({ serialNumber: serial, loginRequired: false });
    device = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
    await device.populateSecretPlain(OLD);
  });
  afterEach(async () => {
    await device.close().catch(() => undefined);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  it('generates a 140-bit secret, changes it on the device, keeps it in the keychain, journals no secret', async () => {
    await store.set(serial, OLD);
    const r = await rotateSecret(device, {}, { store, journal });
    expect(r).toMatchObject({ serial, generated: true, generatedBits: 140, before: { state: 'clean' } });
    expect(sim.clientSecretIs(r.newSecret)).toBe(true);
    expect(await store.get(serial)).toBe(r.newSecret);
    expect(await store.getPending(serial)).toBeNull();
    const text = await readFile(journal.path, 'utf8');
    expect(text).not.toContain(r.newSecret);
    expect(text).not.toContain(OLD);
    const records = await journal.read();
    expect(records.filter((x) => x.kind !== 'event').map((x) => `${x.kind}:${x.action}`)).toEqual([
      'intent:secret.rotate',
      'outcome:secret.rotate',
    ]);
    expect(deriveInventory(records).devices[0]).toMatchObject({ serial, state: 'secret-set', unsettled: [] });
    // Twice in a row, from the keychain's current secret.
    const again = await rotateSecret(
      device,
      { newSecret: 'a typed secret that is long enough 42!' },
      { store, journal },
    );
    expect(again.generated).toBe(false);
    expect(sim.clientSecretIs('a typed secret that is long enough 42!')).toBe(true);
  });

  it('asks for the current secret when the keychain has none, checks it by probe, then keeps it', async () => {
    await expect(rotateSecret(device, {}, { store, journal })).rejects.toMatchObject({
      code: 'ERR_VAULT_NO_SECRET',
    });
    await expect(
      rotateSecret(device, { askCurrentSecret: async () => 'not it' }, { store, journal }),
    ).rejects.toMatchObject({ code: 'ERR_ROTATE_CURRENT_WRONG' });
    expect(await store.get(serial)).toBeNull();
    expect(sim.clientSecretIs(OLD)).toBe(true);
    const r = await rotateSecret(device, { askCurrentSecret: async () => OLD }, { store, journal });
    expect(sim.clientSecretIs(r.newSecret)).toBe(true);
    expect(await store.get(serial)).toBe(r.newSecret);
  });

  it('a refusal by the device leaves the current secret and nothing pending', async () => {
    await store.set(serial, 'what the keychain wrongly believes');
    await expect(rotateSecret(device, {}, { store, journal })).rejects.toMatchObject({
      code: 'ERR_ROTATE_REJECTED',
    });
    expect(await store.getPending(serial)).toBeNull();
    expect(sim.clientSecretIs(OLD)).toBe(true);
    const last = (await journal.read()).at(-1);
    expect(last).toMatchObject({
      kind: 'outcome',
      result: 'failed',
      error: { code: 'ERR_DEVICE_COMMAND_FAILED' },
    });
  });

  it('refuses a new secret the device cannot take, or the same one, before anything is recorded', async () => {
    await store.set(serial, OLD);
    await expect(
      rotateSecret(device, { newSecret: 'x'.repeat(700) }, { store, journal }),
    ).rejects.toMatchObject({
      code: 'ERR_SECRET_TOO_LONG',
    });
    await expect(rotateSecret(device, { newSecret: OLD }, { store, journal })).rejects.toMatchObject({
      code: 'ERR_ROTATE_SAME_SECRET',
    });
    expect((await journal.read()).filter((x) => x.kind === 'intent')).toEqual([]);
  });

  it('a re-run of a rotation that went through: the device holds it (probed), nothing is sent, no error', async () => {
    await store.set(serial, OLD);
    const NEW = 'the secret of a rotation run twice 7!';
    const first = await rotateSecret(device, { newSecret: NEW }, { store, journal });
    const intents = (await journal.read()).filter((x) => x.kind === 'intent').length;
    const again = await rotateSecret(device, { newSecret: NEW }, { store, journal });
    expect(again).toMatchObject({ serial, op: first.op, alreadyApplied: true, generated: false });
    expect(sim.clientSecretIs(NEW)).toBe(true);
    expect(await store.get(serial)).toBe(NEW);
    expect((await journal.read()).filter((x) => x.kind === 'intent')).toHaveLength(intents);
    // If the device does not hold it after all, that is said, not papered over.
    await store.set(serial, 'a keychain that is wrong 12345');
    await expect(
      rotateSecret(device, { newSecret: 'a keychain that is wrong 12345' }, { store, journal }),
    ).rejects.toMatchObject({ code: 'ERR_ROTATE_SECRET_UNKNOWN' });
  });

  it('a re-run after a kill once the device took the secret: settled by probe, then reported as applied', async () => {
    await store.set(serial, OLD);
    const NEW = 'the secret whose answer was lost 99';
    sim.setFaults({ dropAfterCommand: 'ClientSecret Populate' });
    await expect(rotateSecret(device, { newSecret: NEW }, { store, journal })).rejects.toMatchObject({
      code: 'ERR_ROTATE_OUTCOME_UNKNOWN',
    });
    sim.setFaults({});
    const next = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
    try {
      const r = await rotateSecret(next, { newSecret: NEW }, { store, journal });
      expect(r).toMatchObject({ alreadyApplied: true, before: { state: 'settled', holds: 'new' } });
    } finally {
      await next.close();
    }
    expect(await store.get(serial)).toBe(NEW);
    expect(await store.getPending(serial)).toBeNull();
    expect(deriveInventory(await journal.read()).devices[0]).toMatchObject({
      state: 'secret-set',
      unsettled: [],
    });
  });

  it('a lost answer with reconnect: settled at once by the probe', async () => {
    await store.set(serial, OLD);
    sim.setFaults({ dropAfterCommand: 'ClientSecret Populate' });
    const r = await rotateSecret(
      device,
      { newSecret: 'the new secret after a lost answer' },
      { store, journal, reconnect: () => connect('sim:', { simulator: sim, wakeIntervalMs: 1000 }) },
    );
    expect(r.settledAfter).toMatchObject({ state: 'settled', holds: 'new' });
    expect(await store.get(serial)).toBe('the new secret after a lost answer');
    expect(await store.getPending(serial)).toBeNull();
  });

  it('a lost answer without reconnect: ERR_ROTATE_OUTCOME_UNKNOWN, both secrets kept; the next connection settles', async () => {
    await store.set(serial, OLD);
    sim.setFaults({ dropOnCommand: 'ClientSecret Populate' });
    await expect(
      rotateSecret(device, { newSecret: 'never arrives, 1234567', weakSecret: 'allow' }, { store, journal }),
    ).rejects.toMatchObject({
      code: 'ERR_ROTATE_OUTCOME_UNKNOWN',
    });
    expect(await store.get(serial)).toBe(OLD);
    expect(await store.getPending(serial)).toBe('never arrives, 1234567');
    expect(deriveInventory(await journal.read()).devices[0]?.state).toBe('unsettled');
    const next = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
    try {
      expect(await settleSecret(next, serial, { store, journal })).toMatchObject({ holds: 'previous' });
    } finally {
      await next.close();
    }
    expect(await store.getPending(serial)).toBeNull();
    expect(deriveInventory(await journal.read()).devices[0]?.state).toBe('secret-set');
  });

  it('a device that holds neither secret: ERR_ROTATE_SECRET_UNKNOWN, both entries kept', async () => {
    await store.set(serial, 'not this');
    await store.setPending(serial, 'nor this');
    await expect(settleSecret(device, serial, { store, journal })).rejects.toMatchObject({
      code: 'ERR_ROTATE_SECRET_UNKNOWN',
    });
    expect(await store.getPending(serial)).toBe('nor this');
  });
});
