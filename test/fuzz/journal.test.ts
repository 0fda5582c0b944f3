/**
 * Fuzzing the journal reader (src/main/vault/journal.ts): fuzzed bytes written as journal.jsonl (and
 * journal.head) in a temp directory; verify() reports and never throws, read() returns records or throws
 * ERR_JOURNAL_TAMPERED / ERR_JOURNAL_TRUNCATED; each within a second.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD_FILE, JOURNAL_FILE, Journal } from '../../src/main/vault/journal.js';
import { NUM_RUNS, params, resolvesOrCoded, textInput, timeout } from './harness.js';

let seedDir = '';
let work = '';
let journal = '';
let head = '';

beforeAll(async () => {
  seedDir = await mkdtemp(join(tmpdir(), 'fuzz-journal-seed-'));
  work = await mkdtemp(join(tmpdir(), 'fuzz-journal-'));
  const j = new Journal(seedDir);
  await j.append({ kind: 'event', event: 'device.identified', serial: 'FOC1' });
  const op = await j.intent('cert.add', 'FOC1', {
    cn: 'room-1.example.com',
    fingerprint: 'a'.repeat(40),
    notAfter: '2027-01-01T00:00:00.000Z',
  });
  await j.outcome('cert.add', op, 'FOC1', 'ok', 'response');
  journal = await readFile(join(seedDir, JOURNAL_FILE), 'utf8');
  head = await readFile(join(seedDir, HEAD_FILE), 'utf8');
}, 60_000);
afterAll(async () => {
  await rm(seedDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe(`fuzz: journal reader (${NUM_RUNS} cases)`, () => {
  it(
    'verify reports and read returns or throws an ERR_JOURNAL_ code',
    async () => {
      const lines = journal.split('\n').filter(Boolean);
      const samples = [journal, lines.slice(1).join('\n') + '\n', lines.reverse().join('\n') + '\n'];
      await fc.assert(
        fc.asyncProperty(
          textInput(samples),
          fc.option(textInput([head, '{"seq":1,"hash":"x"}', '{"seq":-1}']), { nil: null }),
          async (text, headText) => {
            await writeFile(join(work, JOURNAL_FILE), text, 'utf8');
            if (headText === null) await rm(join(work, HEAD_FILE), { force: true });
            else await writeFile(join(work, HEAD_FILE), headText, 'utf8');
            const j = new Journal(work);
            const v = await resolvesOrCoded(() => j.verify());
            expect(v.ok).toBe(true);
            const r = await resolvesOrCoded(() => j.read());
            if (!r.ok) expect(r.code).toMatch(/^ERR_JOURNAL_(TAMPERED|TRUNCATED)$/);
          },
        ),
        params(),
      );
    },
    // Two small files written per case: file I/O, not parsing, sets the pace.
    timeout(undefined, 40),
  );
});
