/** cisco-kdf v1 against an independent scrypt (scrypt-js), and its behaviour in the event loop. */
import fc from 'fast-check';
import scryptJs from 'scrypt-js';
import { describe, expect, it } from 'vitest';
import { CISCO_KDF_V1, KEY_BYTES, deriveKey } from '../../../src/core/jwe/index.js';

describe('cisco-kdf v1', () => {
  it('has the only parameter set the device accepts', () => {
    expect(CISCO_KDF_V1).toEqual({ N: 32768, r: 8, p: 1, maxmem: 67108864 });
    expect(KEY_BYTES).toEqual({ A128GCM: 16, A256GCM: 32 });
  });

  it('matches scrypt-js for any secret (including non-ASCII), salt and key length', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        fc.uint8Array({ minLength: 4, maxLength: 32 }),
        fc.constantFrom('A128GCM' as const, 'A256GCM' as const),
        async (secret, salt, enc) => {
          const ours = await deriveKey(secret, salt, enc);
          const oracle = await scryptJs.scrypt(
            Buffer.from(secret, 'utf8'),
            salt,
            32768,
            8,
            1,
            KEY_BYTES[enc],
          );
          expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(oracle).toString('hex'));
        },
      ),
      { numRuns: 6 },
    );
  });

  it('hashes the secret’s UTF-8 bytes unnormalized (NFC and NFD differ)', async () => {
    const salt = Buffer.from('00112233', 'hex');
    const nfc = await deriveKey('caf\u00e9', salt, 'A128GCM');
    const nfd = await deriveKey('cafe\u0301', salt, 'A128GCM');
    expect(Buffer.from(nfc).equals(Buffer.from(nfd))).toBe(false);
  });

  it('never blocks the event loop: a queued callback runs before the key arrives', async () => {
    const order: string[] = [];
    const key = deriveKey('ossifrage', Buffer.from('e5e6530803f833f6', 'hex'), 'A128GCM').then(() =>
      order.push('key'),
    );
    setImmediate(() => order.push('immediate'));
    await key;
    expect(order).toEqual(['immediate', 'key']);
  });
});
