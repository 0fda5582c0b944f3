/**
 * The workflows' weak-secret policy (src/main/workflows/secret-policy.ts), on the simulator with the
 * in-memory secret store: a given secret is judged once; a weak one is refused with ERR_SECRET_WEAK before
 * anything reaches the device (its event log shows nothing), the keychain (no call at all) or the journal;
 * allowed (`weakSecret: 'allow'`), it is taken and its judgement comes back in the result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Credentials, readCredentials } from '../../../src/core/pki/index.js';
import { issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { connect, type RoomOsDevice } from '../../../src/main/device/index.js';
import { Journal, MemorySecretStore } from '../../../src/main/vault/index.js';
import type { SecretStore } from '../../../src/main/vault/secret-store.js';
import { readBatchFile, runBatch } from '../../../src/main/workflows/batch.js';
import { provision } from '../../../src/main/workflows/provision.js';
import { rotateSecret } from '../../../src/main/workflows/rotate.js';
import { admitSecret, judgeGivenSecret } from '../../../src/main/workflows/secret-policy.js';
import { createSimulator, type RoomOsSimulator } from '../../../src/simulator/index.js';

/** What core's judgement says of "letmein" (7 bytes; base64url 10 characters on the plain route). */
const LETMEIN_PLAIN = {
  bytes: 7,
  parameterLength: 10,
  strength: { bits: 10, rating: 'weak', findings: ['common', 'short'] },
  warnings: [{ code: 'WARN_SECRET_WEAK', bits: 10 }],
};
/** And of "password1" on the blob route (its populate blob is 208 characters). */
const PASSWORD1_BLOB = {
  bytes: 9,
  parameterLength: 208,
  strength: { bits: 12, rating: 'weak', findings: ['common', 'short'] },
  warnings: [{ code: 'WARN_SECRET_WEAK', bits: 12 }],
};
const OLD = 'the first secret, in clear';

/** A secret store that records every call made to it (a refusal must make none). */
function recording(inner: SecretStore, calls: string[]): SecretStore {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

let n = 0;

describe('the workflows’ weak-secret policy', () => {
  let dir: string;
  let creds: Credentials;
  let sim: RoomOsSimulator;
  let device: RoomOsDevice;
  let serial: string;
  let journal: Journal;
  let memory: MemorySecretStore;
  let calls: string[];
  let store: SecretStore;
  let mark: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'e2ee-secret-policy-'));
    const pki = await makeDemoPki('Policy');
    const issued = await issueDeviceCert(pki, { cn: 'room.policy.example' });
    creds = readCredentials({ certPem: issued.bundlePem });
    writeFileSync(join(dir, 'room.pem'), issued.bundlePem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    serial = `FOCPOLICY${n++}`;
    journal = new Journal(join(dir, `home-${serial}`));
    memory = new MemorySecretStore();
    calls = [];
    store = recording(memory, calls);
    sim = await createSimulator({ serialNumber: serial, loginRequired: false, rebootDelayMs: 50 });
    device = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
    mark = sim.events.length;
  });
  afterEach(async () => {
    await device.close().catch(() => undefined);
    await sim.close();
  });

  it('provision: a weak given secret is refused before anything is sent or kept; allowed, it is populated and judged', async () => {
    const deps = { device, secrets: store, journal };
    await expect(
      provision(deps, { credentials: creds, link: 'sim', secret: 'letmein' }),
    ).rejects.toMatchObject({
      code: 'ERR_SECRET_WEAK',
      message:
        'The secret is too easy to guess (about 10 bits: a common word, a short or repeated pattern); nothing was sent to the device. Choose a longer one, or leave it out to have one generated.',
      details: { bits: 10 },
    });
    expect(sim.events.slice(mark)).toEqual([]);
    expect(calls).toEqual([]);
    expect(await journal.read()).toEqual([]);

    const r = await provision(deps, {
      credentials: creds,
      link: 'sim',
      secret: 'letmein',
      weakSecret: 'allow',
    });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.secretCheck).toEqual(LETMEIN_PLAIN);
    expect(r.warnings.map((w) => w.code)).toContain('WARN_SECRET_WEAK');
    expect(sim.clientSecretIs('letmein')).toBe(true);
    expect(await memory.get(serial)).toBe('letmein');
  });

  it('provision: a generated secret has no given judgement to return', async () => {
    const generated = await provision(
      { device, secrets: store, journal },
      { credentials: creds, link: 'sim' },
    );
    expect(generated.ok).toBe(true);
    expect(generated.secretCheck).toBeUndefined();
    expect(generated.newSecret).toBeDefined();
  });

  it('rotateSecret: a weak new secret is refused in the caller’s words before the keychain or the device; allowed, it is set and judged', async () => {
    await device.populateSecretPlain(OLD);
    await memory.set(serial, OLD);
    mark = sim.events.length;
    const words = { subject: 'The new secret', remedy: 'Choose another.' };
    await expect(
      rotateSecret(device, { newSecret: 'password1', weakSecretWords: words }, { store, journal }),
    ).rejects.toMatchObject({
      code: 'ERR_SECRET_WEAK',
      message:
        'The new secret is too easy to guess (about 12 bits: a common word, a short or repeated pattern); nothing was sent to the device. Choose another.',
    });
    expect(sim.events.slice(mark)).toEqual([]);
    expect(calls).toEqual([]);
    expect(await memory.getPending(serial)).toBeNull();
    expect(await journal.read()).toEqual([]);
    expect(sim.clientSecretIs(OLD)).toBe(true);

    const r = await rotateSecret(device, { newSecret: 'password1', weakSecret: 'allow' }, { store, journal });
    expect(r.generated).toBe(false);
    expect(r.check).toEqual(PASSWORD1_BLOB);
    expect(sim.clientSecretIs('password1')).toBe(true);
    expect(await memory.get(serial)).toBe('password1');
  });

  it('a secret admitted ahead (before a caller connects) is not judged again: the result carries that very judgement', async () => {
    const admitted = admitSecret('letmein', 'plain', 'allow');
    expect(admitted.check).toEqual(LETMEIN_PLAIN);
    // Never the secret itself in a log line or a JSON dump.
    expect(JSON.stringify(admitted)).toBe('{"route":"plain","bits":10,"rating":"weak"}');
    const r = await provision(
      { device, secrets: store, journal },
      { credentials: creds, link: 'sim', secret: admitted },
    );
    expect(r.ok).toBe(true);
    expect(r.secretCheck).toBe(admitted.check);

    await memory.set(serial, 'letmein');
    const next = admitSecret('password1', 'blob', 'allow');
    // The admitted secret's own policy holds: the workflow's default ('refuse') does not judge it again.
    const rotated = await rotateSecret(device, { newSecret: next }, { store, journal });
    expect(rotated.check).toBe(next.check);
    expect(sim.clientSecretIs('password1')).toBe(true);
  });

  it('judgeGivenSecret: the refusal as data, the device’s limits thrown; a fair secret is taken under refuse', () => {
    const weak = judgeGivenSecret('letmein', 'plain');
    expect(weak.check).toEqual(LETMEIN_PLAIN);
    expect(weak.refusal).toMatchObject({ code: 'ERR_SECRET_WEAK', details: { bits: 10 } });
    expect(judgeGivenSecret('letmein', 'plain', 'allow').refusal).toBeNull();
    expect(judgeGivenSecret('cli workflow secret', 'plain').check.strength).toMatchObject({ rating: 'fair' });
    expect(judgeGivenSecret('cli workflow secret', 'plain').refusal).toBeNull();
    expect(() => judgeGivenSecret('', 'plain', 'allow')).toThrow(
      expect.objectContaining({ code: 'ERR_SECRET_EMPTY' }),
    );
  });

  it('runBatch: a weak secret_file fails its row before its device unless weakSecret is allow; then the row warns', async () => {
    writeFileSync(join(dir, 'weak.txt'), 'letmein\n');
    const csv = `target,cert,key,secret_file\nsim:?serial=${serial},room.pem,,weak.txt\n`;
    const file = join(dir, `${serial}.csv`);
    const opened: string[] = [];
    const deps = {
      secrets: store,
      journal,
      open: async (target: { text: string }) => {
        opened.push(target.text);
        return device;
      },
    };
    const refused = await runBatch(readBatchFile(csv, { file }), deps, { weakSecret: 'refuse' });
    expect(refused.devices.map((d) => [d.failedStep, d.error?.code])).toEqual([
      ['inputs', 'ERR_SECRET_WEAK'],
    ]);
    expect(opened).toEqual([]);
    expect(calls).toEqual([]);

    const allowed = await runBatch(readBatchFile(csv, { file }), deps, { weakSecret: 'allow' });
    expect(allowed.devices.map((d) => [d.status, d.secret, d.error])).toEqual([['ok', 'given', null]]);
    expect(allowed.devices[0]!.warnings).toContain('WARN_SECRET_WEAK');
    expect(opened).toEqual([`sim:?serial=${serial}`]);
    expect(sim.clientSecretIs('letmein')).toBe(true);
  });
});
