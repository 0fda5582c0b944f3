import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EscrowError,
  Journal,
  KeychainSecretStore,
  exportEscrow,
  importEscrow,
  openEscrow,
  sealEscrow,
} from '../../../src/main/vault/index.js';
import { emptyKeychain } from '../../helpers/keychain.js';
import { systemHas } from '../../helpers/system.js';

const PASS = 'plaid walrus orbit 47 tangerine';
const LOG2N = 14; // the minimum the format allows: fast tests; files default to 17

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EscrowError) return e.code;
    throw e;
  }
  throw new Error('expected an EscrowError');
}

describe('escrow format', () => {
  const entries = [
    { serial: 'FOC1', secret: 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS' },
    { serial: 'FOC2', secret: 'ünïcødé', pending: 'next one' },
  ];

  it('round-trips, and the file shows no secret', async () => {
    const text = await sealEscrow(entries, PASS, { log2N: LOG2N });
    expect(text).not.toMatch(/K7QM|ünïcødé|next one|FOC1/);
    const [header, , sum] = text.split('\n');
    expect(JSON.parse(header!)).toMatchObject({
      format: 'e2ee-prov-escrow',
      version: 1,
      kdf: { alg: 'scrypt', log2N: LOG2N, r: 8, p: 1 },
      cipher: { alg: 'A256GCM' },
    });
    expect(sum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await openEscrow(text, PASS)).entries).toEqual(entries);
  });

  it('wrong passphrase: ERR_ESCROW_PASSPHRASE', async () => {
    const text = await sealEscrow(entries, PASS, { log2N: LOG2N });
    expect(await errorCode(openEscrow(text, PASS + '!'))).toBe('ERR_ESCROW_PASSPHRASE');
  });

  it('any changed byte: ERR_ESCROW_CORRUPT (never the passphrase error, never data)', async () => {
    const text = await sealEscrow(entries, PASS, { log2N: LOG2N });
    const positions = [10, 60, text.indexOf('\n') + 5, text.length - 30, text.length - 2];
    for (const i of positions) {
      const c = text[i] === 'a' ? 'b' : 'a';
      const bad = text.slice(0, i) + c + text.slice(i + 1);
      expect(await errorCode(openEscrow(bad, PASS)), `byte ${i}`).toBe('ERR_ESCROW_CORRUPT');
    }
    expect(await errorCode(openEscrow(text.slice(0, text.length / 2), PASS))).toBe('ERR_ESCROW_CORRUPT');
  });

  it('a tampered body with a recomputed checksum still fails on the GCM tag', async () => {
    const text = await sealEscrow(entries, PASS, { log2N: LOG2N });
    const [h, body] = text.split('\n') as [string, string];
    const flipped = body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6);
    const { createHash } = await import('node:crypto');
    const signed = `${h}\n${flipped}\n`;
    const forged = `${signed}sha256:${createHash('sha256').update(signed).digest('hex')}\n`;
    expect(await errorCode(openEscrow(forged, PASS))).toBe('ERR_ESCROW_CORRUPT');
  });

  it('not an escrow file, or an unknown version: typed', async () => {
    expect(await errorCode(openEscrow('hello\n', PASS))).toBe('ERR_ESCROW_FORMAT');
    const text = await sealEscrow(entries, PASS, { log2N: LOG2N });
    expect(await errorCode(openEscrow(text.replace('"version":1', '"version":2'), PASS))).toBe(
      'ERR_ESCROW_VERSION',
    );
  });
});

describe.skipIf(!systemHas('keyring'))('export and import through the keychain', () => {
  const service = `e2ee-prov-test-${randomUUID()}`;
  const store = new KeychainSecretStore({ service });
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-escrow-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => emptyKeychain(store));

  it('exports chosen devices (0600, whole), imports them into an empty keychain, journals both', async () => {
    await store.set('FOCA', 'secret-a-1234567890');
    await store.set('FOCB', 'secret-b-1234567890');
    await store.set('FOCC', 'secret-c-1234567890');
    const journal = new Journal(join(dir, 'data'));
    const file = join(dir, 'handover.e2ee-escrow');
    const r = await exportEscrow({
      store,
      file,
      passphrase: PASS,
      serials: ['FOCA', 'FOCC'],
      journal,
      log2N: LOG2N,
    });
    expect(r.serials).toEqual(['FOCA', 'FOCC']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['handover.e2ee-escrow']));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    await store.delete('FOCA');
    await store.set('FOCC', 'secret-c-ROTATED-since');
    const result = await importEscrow({ store, file, passphrase: PASS, journal });
    expect(result).toEqual({ added: ['FOCA'], unchanged: [], toProbe: ['FOCC'], skipped: [] });
    expect(await store.get('FOCA')).toBe('secret-a-1234567890');
    // A differing secret never overwrites the keychain's: it becomes the pending candidate for a probe.
    expect(await store.get('FOCC')).toBe('secret-c-ROTATED-since');
    expect(await store.getPending('FOCC')).toBe('secret-c-1234567890');

    const events = (await journal.read())
      .filter((x) => x.kind === 'event')
      .map((x) => (x as { event: string }).event);
    expect(events).toEqual(['journal.created', 'secret.exported', 'secret.imported']);
    expect(await readFile(journal.path, 'utf8')).not.toMatch(/secret-[abc]-/);
  });

  it('never writes a partial file: an existing file is kept, and a failed write leaves nothing', async () => {
    await store.set('FOCD', 'secret-d-1234567890');
    const file = join(dir, 'exists.e2ee-escrow');
    await writeFile(file, 'earlier escrow');
    expect(
      await errorCode(exportEscrow({ store, file, passphrase: PASS, serials: ['FOCD'], log2N: LOG2N })),
    ).toBe('ERR_ESCROW_EXISTS');
    expect(await readFile(file, 'utf8')).toBe('earlier escrow');
    expect(
      await errorCode(
        exportEscrow({
          store,
          file: join(dir, 'no/such/dir/x'),
          passphrase: PASS,
          serials: ['FOCD'],
          log2N: LOG2N,
        }),
      ),
    ).toBe('ERR_ESCROW_IO');
    expect(
      await errorCode(
        exportEscrow({ store, file: join(dir, 'y'), passphrase: PASS, serials: ['NOPE'], log2N: LOG2N }),
      ),
    ).toBe('ERR_ESCROW_EMPTY');
    expect(await readdir(dir)).toEqual(['exists.e2ee-escrow']);
  });

  it('refuses a weak passphrase on export', async () => {
    await store.set('FOCE', 'secret-e-1234567890');
    expect(
      await errorCode(
        exportEscrow({ store, file: join(dir, 'z'), passphrase: 'letmein', serials: ['FOCE'], log2N: LOG2N }),
      ),
    ).toBe('ERR_ESCROW_PASSPHRASE_WEAK');
  });
});

describe.skipIf(!systemHas('keyring'))('import of a change that was pending at export', () => {
  const store = new KeychainSecretStore({ service: `e2ee-prov-test-${randomUUID()}` });
  afterAll(() => emptyKeychain(store));

  it('restores both secrets, so that the next connection can probe which one the device holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2ee-escrow-'));
    try {
      await store.set('FOCP', 'the current one 1234');
      await store.setPending('FOCP', 'the pending one 5678');
      const file = join(dir, 'e');
      await exportEscrow({ store, file, passphrase: PASS, log2N: LOG2N });
      const opened = await openEscrow(await readFile(file, 'utf8'), PASS);
      expect(opened.entries).toEqual([
        { serial: 'FOCP', secret: 'the current one 1234', pending: 'the pending one 5678' },
      ]);
      await store.delete('FOCP');
      await store.deletePending('FOCP');
      expect(await importEscrow({ store, file, passphrase: PASS })).toMatchObject({ added: ['FOCP'] });
      expect(await store.get('FOCP')).toBe('the current one 1234');
      expect(await store.getPending('FOCP')).toBe('the pending one 5678');
      // Settled since on the new one: the import has nothing to add.
      await store.set('FOCP', 'the pending one 5678');
      await store.deletePending('FOCP');
      expect(await importEscrow({ store, file, passphrase: PASS })).toMatchObject({ unchanged: ['FOCP'] });
      expect(await store.getPending('FOCP')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
