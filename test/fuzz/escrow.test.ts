/**
 * Fuzzing the escrow file reader (src/main/vault/escrow.ts): openEscrow on random and mutated files.
 * A mutation breaks the checksum line, so the file is refused before the scrypt KDF: ERR_ESCROW_…, fast.
 * Mutated headers with the checksum made to match again reach the KDF; a few of them run too.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEscrow, sealEscrow } from '../../src/main/vault/index.js';
import { NUM_RUNS, mutated, params, resolvesOrCoded, textInput, timeout } from './harness.js';

const PASS = 'fuzz escrow passphrase';
let files: string[] = [];

beforeAll(async () => {
  files = [
    await sealEscrow([{ serial: 'FOC1234ABCD', secret: 'Aa1-secret-value' }], PASS, { log2N: 14 }),
    await sealEscrow([], PASS, { log2N: 14 }),
  ];
}, 60_000);

/** A file whose header line was mutated and whose checksum line was computed again. */
function resummed(): fc.Arbitrary<string> {
  const headers = files.map((f) => f.split('\n')[0]!);
  return fc.tuple(fc.nat(files.length - 1), mutated(headers)).map(([i, h]) => {
    const body = files[i]!.split('\n')[1]!;
    const sum = createHash('sha256').update(`${h}\n${body}\n`, 'utf8').digest('hex');
    return `${h}\n${body}\nsha256:${sum}\n`;
  });
}

describe(`fuzz: escrow file reader (${NUM_RUNS} cases)`, () => {
  it(
    'openEscrow refuses a damaged file with an ERR_ESCROW_ code before the KDF',
    async () => {
      await fc.assert(
        fc.asyncProperty(textInput(files), async (text) => {
          const r = await resolvesOrCoded(() => openEscrow(text, PASS));
          if (!r.ok) expect(r.code).toMatch(/^ERR_ESCROW_/);
        }),
        params(),
      );
    },
    timeout(),
  );

  it(
    'openEscrow on mutated headers with a matching checksum: entries, or an ERR_ESCROW_ code',
    async () => {
      await fc.assert(
        fc.asyncProperty(resummed(), async (text) => {
          // A header that parses costs one scrypt (2^14 here): a few seconds at most.
          const r = await resolvesOrCoded(() => openEscrow(text, PASS), 5_000);
          if (!r.ok) expect(r.code).toMatch(/^ERR_ESCROW_/);
        }),
        params(Math.min(NUM_RUNS, 300)),
      );
    },
    timeout(),
  );
});
