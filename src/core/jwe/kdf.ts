import { scrypt } from 'node:crypto';
import { JweError } from './errors.js';
import type { Enc } from './types.js';

/** cisco-kdf version 1: the only parameter set the device accepts (spec: "Key derivation"). */
export const CISCO_KDF_V1 = Object.freeze({ N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });

/** Content-encryption key length in bytes for each `enc`. */
export const KEY_BYTES: Readonly<Record<Enc, 16 | 32>> = Object.freeze({ A128GCM: 16, A256GCM: 32 });

/**
 * Derives the content-encryption key from the ClientSecret. Runs `node:crypto`'s scrypt on the libuv
 * thread pool, so the event loop (and an Electron window) keeps running while it works (~100 ms).
 * The password is the secret's UTF-8 bytes, unnormalized: the device hashes what it was given.
 */
export function deriveKey(secret: string, salt: Uint8Array, enc: Enc): Promise<Uint8Array> {
  const keylen = KEY_BYTES[enc];
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128*N*r = 32 MiB plus OpenSSL's overhead; Node's 32 MiB default refuses.
    scrypt(Buffer.from(secret, 'utf8'), salt, keylen, CISCO_KDF_V1, (err, key) => {
      if (err) {
        reject(
          new JweError(
            'ERR_JWE_KDF_FAILED',
            `The key could not be derived: ${err.message}.`,
            {},
            { cause: err },
          ),
        );
      } else {
        resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
      }
    });
  });
}
