/** Round trips over both encs and all actions, and tamper detection in every part of a blob. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, type Action, ENCS, JweError, inspect, open, seal } from '../../../src/core/jwe/index.js';

const hex40 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b).toString('hex'));
const payloadFor = (action: Action): fc.Arbitrary<string | Uint8Array> =>
  action === 'activate' || action === 'deactivate'
    ? hex40
    : action === 'populate'
      ? fc.string({ maxLength: 64, unit: 'grapheme' })
      : fc.uint8Array({ maxLength: 300 });

const secretArb = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' });

describe('round trips', () => {
  it('open(seal(p)) gives back p, the action and the enc, with a fresh salt and IV each time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS).chain((action) => fc.tuple(fc.constant(action), payloadFor(action))),
        fc.constantFrom(...ENCS),
        secretArb,
        fc.integer({ min: 4, max: 32 }),
        async ([action, payload], enc, secret, saltBytes) => {
          const blob = await seal(action, payload, secret, { enc, saltBytes });
          const info = inspect(blob);
          expect(info).toMatchObject({ action, enc, headerCanonical: true, ivBytes: 12, tagBytes: 16 });
          expect(info.kdf.saltBytes).toBe(saltBytes);
          const opened = await open(blob, secret);
          const expected = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
          expect(opened.action).toBe(action);
          expect(opened.enc).toBe(enc);
          expect(Buffer.from(opened.payload).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('never repeats a salt or an IV', async () => {
    const blobs = await Promise.all(Array.from({ length: 6 }, () => seal('add', 'same', 'same')));
    const salts = new Set(blobs.map((b) => inspect(b).kdf.salt));
    const ivs = new Set(blobs.map((b) => b.split('.')[2]));
    expect(salts.size).toBe(6);
    expect(ivs.size).toBe(6);
  });
});

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('tamper detection', () => {
  it('refuses a blob with any one character changed, in any part, with a typed error', async () => {
    const secret = 'correct horse';
    const blobs = {
      A128GCM: await seal('add', 'certificate and key', secret, { enc: 'A128GCM' }),
      A256GCM: await seal('populate', 'next secret', secret, { enc: 'A256GCM' }),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENCS),
        fc.constantFrom(0, 2, 3, 4),
        fc.nat(),
        fc.nat(),
        async (enc, part, position, replacement) => {
          const parts = blobs[enc].split('.');
          const text = parts[part]!;
          const i = position % text.length;
          const ch = B64U[replacement % 64]!;
          fc.pre(ch !== text[i]);
          parts[part] = text.slice(0, i) + ch + text.slice(i + 1);
          const err = await open(parts.join('.'), secret).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(JweError);
          if (part !== 0) {
            // Only the stray low bits of a last character can make the text non-canonical; otherwise the tag fails.
            expect(['ERR_JWE_DECRYPTION_FAILED', 'ERR_JWE_BASE64URL']).toContain((err as JweError).code);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a blob whose IV, ciphertext or tag is swapped with another blob’s', async () => {
    const a = (await seal('add', 'payload one', 'k')).split('.');
    const b = (await seal('add', 'payload two', 'k')).split('.');
    for (const part of [2, 3, 4]) {
      const mixed = [...a];
      mixed[part] = b[part]!;
      const err = await open(mixed.join('.'), 'k').catch((e: unknown) => e);
      expect((err as JweError).code).toBe('ERR_JWE_DECRYPTION_FAILED');
    }
  });
});
