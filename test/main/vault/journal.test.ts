import {
  mkdtemp,
  readFile,
  readdir,
  rm,
  writeFile,
  appendFile,
  stat,
  truncate,
  utimes,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GENESIS,
  Journal,
  JournalError,
  type JournalEntry,
  lineHash,
  unsettledOps,
} from '../../../src/main/vault/index.js';
import { rejectionOf } from '../../helpers/rejection.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2ee-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filled(n = 4): Promise<Journal> {
  const j = new Journal(dir);
  for (let i = 0; i < n; i++) {
    const op = await j.intent('cert.add', `FOC${i}`, {
      cn: `room-${i}.example.com`,
      fingerprint: 'a'.repeat(40),
      notAfter: '2027-01-01T00:00:00.000Z',
    });
    await j.outcome('cert.add', op, `FOC${i}`, 'ok', 'response');
  }
  return j;
}

async function lines(): Promise<string[]> {
  return (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean);
}

const errorOf = rejectionOf(JournalError);

describe('Journal', () => {
  it('writes JSON lines, each with its number, time and the hash of the line before', async () => {
    const j = await filled(2);
    const ls = await lines();
    expect(ls).toHaveLength(5); // journal.created + 2 × (intent, outcome)
    const recs = ls.map((l) => JSON.parse(l) as { seq: number; prev: string; at: string });
    expect(recs[0]).toMatchObject({ seq: 1, prev: GENESIS, kind: 'event', event: 'journal.created' });
    for (let i = 1; i < recs.length; i++) {
      expect(recs[i]!.seq).toBe(i + 1);
      expect(recs[i]!.prev).toBe(lineHash(ls[i - 1]!));
    }
    expect(await j.read()).toHaveLength(5);
    const report = await j.verify();
    expect(report).toMatchObject({ ok: true, records: 5, problems: [] });
    expect(JSON.parse(await readFile(join(dir, 'journal.head'), 'utf8'))).toEqual({
      seq: 5,
      hash: lineHash(ls[4]!),
    });
    if (process.platform !== 'win32')
      expect((await stat(join(dir, 'journal.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('an edited line is detected, with the line number', async () => {
    const j = await filled();
    const ls = await lines();
    ls[1] = ls[1]!.replace('room-0', 'room-X');
    await writeFile(join(dir, 'journal.jsonl'), ls.join('\n') + '\n');
    const report = await j.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ code: 'ERR_JOURNAL_TAMPERED', line: 2 });
    expect(report.problems[0]!.message).toMatch(/line 2 was changed/);
    const e = await errorOf(j.read());
    expect(e.code).toBe('ERR_JOURNAL_TAMPERED');
    expect(e.details.line).toBe(2);
  });

  it('an edit of the last line is caught by the head anchor', async () => {
    const j = await filled();
    const ls = await lines();
    ls[ls.length - 1] = ls[ls.length - 1]!.replace('"ok"', '"failed"');
    await writeFile(join(dir, 'journal.jsonl'), ls.join('\n') + '\n');
    expect((await j.verify()).problems[0]).toMatchObject({ code: 'ERR_JOURNAL_TAMPERED', line: ls.length });
  });

  it('a removed line in the middle is detected', async () => {
    const j = await filled();
    const ls = await lines();
    ls.splice(4, 1);
    await writeFile(join(dir, 'journal.jsonl'), ls.join('\n') + '\n');
    expect((await j.verify()).problems[0]).toMatchObject({ code: 'ERR_JOURNAL_TAMPERED', line: 5 });
  });

  it('a truncated journal (records cut off the end) is detected', async () => {
    const j = await filled();
    const ls = await lines();
    await writeFile(join(dir, 'journal.jsonl'), ls.slice(0, 6).join('\n') + '\n');
    const report = await j.verify();
    expect(report.problems[0]).toMatchObject({ code: 'ERR_JOURNAL_TRUNCATED', line: 7 });
    expect((await errorOf(j.read())).code).toBe('ERR_JOURNAL_TRUNCATED');
    await writeFile(join(dir, 'journal.jsonl'), '');
    expect((await j.verify()).problems[0]).toMatchObject({ code: 'ERR_JOURNAL_TRUNCATED', line: 1 });
  });

  it('refuses to append to an altered journal (that would bury the evidence)', async () => {
    const j = await filled();
    const ls = await lines();
    await writeFile(join(dir, 'journal.jsonl'), ls.slice(0, 6).join('\n') + '\n');
    const e = await errorOf(j.append({ kind: 'event', event: 'device.identified', serial: 'FOC9' }));
    expect(e.code).toBe('ERR_JOURNAL_TRUNCATED');
    expect(await lines()).toHaveLength(6);
  });

  it('lines added by hand (not anchored) are detected', async () => {
    const j = await filled(1);
    const ls = await lines();
    const forge = (seq: number, prev: string) =>
      JSON.stringify({
        seq,
        at: new Date().toISOString(),
        prev,
        kind: 'event',
        event: 'device.identified',
        serial: 'X',
      });
    const a = forge(ls.length + 1, lineHash(ls[ls.length - 1]!));
    const b = forge(ls.length + 2, lineHash(a));
    await appendFile(join(dir, 'journal.jsonl'), `${a}\n${b}\n`);
    expect((await j.verify()).problems[0]).toMatchObject({
      code: 'ERR_JOURNAL_TAMPERED',
      line: ls.length + 1,
    });
  });

  it('a torn last line (crash mid-write) is a warning, cut off at the next append and recorded', async () => {
    const j = await filled(1);
    const before = (await lines()).length;
    await appendFile(join(dir, 'journal.jsonl'), '{"seq":99,"at":"2026');
    const report = await j.verify();
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'WARN_JOURNAL_TORN_TAIL', line: before + 1 }),
    ]);
    expect(await j.read()).toHaveLength(before);
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    const recs = await j.read();
    expect(recs).toHaveLength(before + 2);
    expect(recs[before]).toMatchObject({
      kind: 'event',
      event: 'journal.repaired',
      droppedBytes: 20,
      line: before + 1,
    });
    expect((await j.verify()).problems).toEqual([]);
  });

  it('a crash between the record and its anchor is a warning; the next append re-anchors', async () => {
    const j = await filled(1);
    const head = await readFile(join(dir, 'journal.head'), 'utf8');
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    await writeFile(join(dir, 'journal.head'), head); // as if the process died before writing the head
    const report = await j.verify();
    expect(report.ok).toBe(true);
    expect(report.problems[0]).toMatchObject({ code: 'WARN_JOURNAL_HEAD_LAGS' });
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    expect((await j.verify()).problems).toEqual([]);
  });

  it('never holds a secret: refuses fields named for secrets, blobs, PEM keys, generated secrets, known secrets', async () => {
    const j = new Journal(dir);
    const refused = async (entry: unknown, secrets: string[] = []) =>
      (await errorOf(j.append(entry as JournalEntry, { secrets }))).code;
    const base = { kind: 'event', event: 'device.identified', serial: 'FOC1' };
    expect(await refused({ ...base, secret: 'x' })).toBe('ERR_JOURNAL_SECRET_REFUSED');
    expect(await refused({ ...base, newSecret: 'x' })).toBe('ERR_JOURNAL_SECRET_REFUSED');
    expect(await refused({ ...base, passphrase: 'x' })).toBe('ERR_JOURNAL_SECRET_REFUSED');
    expect(await refused({ ...base, nested: { clientSecret: 'x' } })).toBe('ERR_JOURNAL_SECRET_REFUSED');
    expect(
      await refused({
        ...base,
        productId:
          'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q',
      }),
    ).toBe('ERR_JOURNAL_SECRET_REFUSED');
    expect(await refused({ ...base, productId: '-----BEGIN EC PRIVATE KEY-----\nMHc...' })).toBe(
      'ERR_JOURNAL_SECRET_REFUSED',
    );
    expect(await refused({ ...base, productId: 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS' })).toBe(
      'ERR_JOURNAL_SECRET_REFUSED',
    );
    expect(await refused({ ...base, productId: 'Room Kit hunter22' }, ['hunter22'])).toBe(
      'ERR_JOURNAL_SECRET_REFUSED',
    );
    expect(await refused({ ...base, productId: 'x'.repeat(513) })).toBe('ERR_JOURNAL_SECRET_REFUSED');
    // Nothing of the refused records reached the file.
    const text = await readFile(join(dir, 'journal.jsonl'), 'utf8').catch(() => '');
    expect(text).not.toMatch(/hunter22|K7QM|PRIVATE|eyJhbGciOiJkaXIi/);
    // The message names the field, not the value.
    const e = await errorOf(
      j.append({ ...base, productId: 'Room Kit hunter22' } as JournalEntry, { secrets: ['hunter22'] }),
    );
    expect(e.message).not.toContain('hunter22');
    // It names the record too (kind and action or event), for the person reporting it.
    expect([e.message, e.details]).toEqual([
      'The journal refused a record (event device.identified): productId contains a secret. The journal never holds secrets, blobs or keys.',
      { field: 'productId', kind: 'event', event: 'device.identified' },
    ]);
  });

  it('has no place for a secret in its record types (compile-time)', () => {
    const bad: JournalEntry = {
      kind: 'intent',
      action: 'secret.rotate',
      op: 'x',
      enc: 'A128GCM',
      // @ts-expect-error: no record type has a field for a secret
      newSecret: 's',
    };
    expect(bad).toBeDefined();
  });

  it('tracks unsettled operations: intent without outcome, or only an unknown one', async () => {
    const j = new Journal(dir);
    const a = await j.intent('secret.rotate', 'FOC1', { enc: 'A128GCM' });
    const b = await j.intent('secret.rotate', 'FOC2', { enc: 'A128GCM' });
    await j.outcome('secret.rotate', b, 'FOC2', 'unknown', 'response', {
      error: { code: 'ERR_DEVICE_TIMEOUT' },
    });
    const c = await j.intent('secret.rotate', 'FOC3', { enc: 'A128GCM' });
    await j.outcome('secret.rotate', c, 'FOC3', 'ok', 'response');
    const open = unsettledOps(await j.read(), { action: 'secret.rotate' });
    expect(open.map((o) => o.op)).toEqual([a, b]);
    expect(unsettledOps(await j.read(), { serial: 'FOC2' }).map((o) => o.op)).toEqual([b]);
  });

  it('serializes appends from concurrent writers (one chain, no lost record)', async () => {
    const writers = [new Journal(dir), new Journal(dir), new Journal(dir)];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        writers[i % 3]!.append({ kind: 'event', event: 'device.identified', serial: `FOC${i}` }),
      ),
    );
    const report = await writers[0]!.verify();
    expect(report).toMatchObject({ ok: true, records: 31 });
  });

  it('reads while another writer appends (a fresh journal too) never see a record without its anchor', async () => {
    // The devices of a parallel batch share one journal: each reads it while the others write.
    const writer = new Journal(dir);
    let writing = true;
    const errors: string[] = [];
    let reads = 0;
    const reader = async (): Promise<void> => {
      const j = new Journal(dir);
      while (writing) {
        await j.read().catch((e: { code?: string }) => errors.push(e.code ?? 'unknown'));
        reads++;
      }
    };
    const readers = [reader(), reader(), reader(), reader()];
    for (let i = 0; i < 10; i++)
      await writer.append({ kind: 'event', event: 'device.identified', serial: `FOC${i}` });
    writing = false;
    await Promise.all(readers);
    expect(errors).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect(await writer.verify()).toMatchObject({ ok: true, records: 11, problems: [] });
  });

  /** Writes the journal's lock with `content`, last changed five seconds ago (as a crash leaves it); its path. */
  async function oldLock(content: string): Promise<string> {
    const lock = join(dir, 'journal.lock');
    await writeFile(lock, content);
    const old = new Date(Date.now() - 5_000);
    await utimes(lock, old, old);
    return lock;
  }

  it('a stale lock from a killed process does not block', async () => {
    await writeFile(join(dir, 'journal.lock'), '999999999');
    const j = new Journal(dir);
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    expect(await j.read()).toHaveLength(2);
  });

  it('an empty lock (a kill between create and write) is stale, and does not block', async () => {
    const lock = await oldLock('');
    const j = new Journal(dir);
    // Not taken over, the lock would end the append with ERR_JOURNAL_LOCKED (after LOCK_WAIT_MS): the
    // append going through is the proof, not how long it took.
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    expect(await j.read()).toHaveLength(2);
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a lock with garbage in it is stale', async () => {
    await oldLock('not a pid\n');
    const j = new Journal(dir);
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    expect(await j.read()).toHaveLength(2);
  });

  it('a lock held by a live process is respected, and leaves no temporary file behind', async () => {
    const lock = join(dir, 'journal.lock');
    await writeFile(lock, String(process.ppid));
    const j = new Journal(dir);
    const pending = j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    await new Promise((r) => setTimeout(r, 150));
    expect(await readdir(dir)).not.toContain('journal.jsonl');
    await rm(lock);
    await pending;
    expect(await j.read()).toHaveLength(2);
    expect((await readdir(dir)).filter((n) => n.startsWith('journal.lock'))).toEqual([]);
  });

  it("a killed writer's private lock file is swept away", async () => {
    await writeFile(join(dir, 'journal.lock.999999999.0badf00d'), '999999999\n');
    const j = new Journal(dir);
    await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
    expect((await readdir(dir)).filter((n) => n.startsWith('journal.lock'))).toEqual([]);
  });

  it('the lock is never seen empty: its content is linked into place whole', async () => {
    const j = new Journal(dir);
    const lock = join(dir, 'journal.lock');
    const seen: string[] = [];
    let done = false;
    const watch = (async () => {
      while (!done) {
        const t = await readFile(lock, 'utf8').catch(() => undefined);
        if (t !== undefined) seen.push(t);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 20; i++)
      await j.append({ kind: 'event', event: 'device.identified', serial: `F${i}` });
    done = true;
    await watch;
    expect(seen.every((t) => t === `${process.pid}\n`)).toBe(true);
  });

  it('an empty directory is an empty, valid journal', async () => {
    const j = new Journal(join(dir, 'new'));
    expect(await j.read()).toEqual([]);
    expect(await j.verify()).toMatchObject({ ok: true, records: 0 });
    await truncate(join(dir, 'x'), 0).catch(() => undefined);
  });
});
