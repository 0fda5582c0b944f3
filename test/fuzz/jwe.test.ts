/**
 * Fuzzing the JWE blob reader (src/core/jwe): inspect on anything, open with a fixed secret. Random and
 * mutated blobs fail at parsing, before the scrypt KDF; the few mutated headers that still parse are
 * opened too (a budget: each costs a KDF) and must fail with ERR_JWE_DECRYPTION_FAILED or open.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { b64u, inspect, open, seal } from '../../src/core/jwe/index.js';
import { NUM_RUNS, mutated, params, resolvesOrCoded, returnsOrCoded, textInput, timeout } from './harness.js';

const SECRET = 'Fuzz-Secret-1234';
let blobs: string[] = [];

beforeAll(async () => {
  blobs = [
    await seal('populate', 'Aa1-new-secret', SECRET),
    await seal('activate', 'ab'.repeat(20), SECRET, { enc: 'A128GCM' }),
    await seal('add', new Uint8Array(200).fill(7), SECRET),
  ];
}, 60_000);

/** A blob whose header JSON text was mutated (and encoded again): the rest stays valid. */
function headerMutated(): fc.Arbitrary<string> {
  const parts = blobs.map((b) => b.split('.'));
  const headers = parts.map((p) => Buffer.from(p[0]!, 'base64url').toString('utf8'));
  return fc
    .tuple(fc.nat(parts.length - 1), mutated(headers))
    .map(([i, h]) => [b64u(Buffer.from(h, 'utf8')), ...parts[i]!.slice(1)].join('.'));
}

describe(`fuzz: JWE blob inspect and open (${NUM_RUNS} cases each)`, () => {
  const input = () =>
    fc.oneof({ weight: 3, arbitrary: textInput(blobs) }, { weight: 2, arbitrary: headerMutated() });

  it(
    'inspect returns facts or throws an ERR_JWE_ error',
    () => {
      fc.assert(
        fc.property(input(), (blob) => {
          const r = returnsOrCoded(() => inspect(blob));
          if (!r.ok) expect(r.code).toMatch(/^ERR_JWE_/);
        }),
        params(),
      );
    },
    timeout(),
  );

  it(
    'open fails at parsing (the same code as inspect) without reaching the KDF; parsed ones open or fail the tag',
    async () => {
      let kdfBudget = 40;
      await fc.assert(
        fc.asyncProperty(input(), async (blob) => {
          const parsed = returnsOrCoded(() => inspect(blob));
          if (!parsed.ok) {
            // Fails before the KDF: far under the time of one scrypt.
            const r = await resolvesOrCoded(() => open(blob, SECRET), 250);
            expect(r).toEqual(parsed);
            return;
          }
          if (kdfBudget-- <= 0) return;
          const r = await resolvesOrCoded(() => open(blob, SECRET));
          if (!r.ok) expect(r.code).toMatch(/^ERR_JWE_/);
        }),
        params(),
      );
    },
    timeout(),
  );
});
