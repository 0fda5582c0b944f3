import { DEFAULT_SALT_BYTES, IV_BYTES, TAG_BYTES, headerJson } from '../jwe/index.js';
import type { Enc } from '../jwe/index.js';

/** The device's `Secret:` parameter takes at most this many characters (plain or blob). */
export const SECRET_PARAMETER_MAX_CHARS = 1024;

/** Characters of unpadded base64url for `n` bytes. */
export function base64urlLength(n: number): number {
  return Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!;
}

/** Characters the plain first populate sends for a secret of `bytes` UTF-8 bytes (base64url). */
export function plainPopulateLength(bytes: number): number {
  return base64urlLength(bytes);
}

/**
 * Characters of a compact populate blob whose payload (the new secret) is `bytes` UTF-8 bytes:
 * BASE64URL(header) ".." BASE64URL(iv) "." BASE64URL(ciphertext) "." BASE64URL(tag), with the header as
 * the JWE core writes it (src/core/jwe: members in order, a fresh salt of `saltBytes`). AES-GCM
 * ciphertext is as long as the plaintext.
 */
export function populateBlobLength(bytes: number, options: { saltBytes?: number; enc?: Enc } = {}): number {
  const saltText = 'A'.repeat(base64urlLength(options.saltBytes ?? DEFAULT_SALT_BYTES));
  const header = headerJson('populate', saltText, options.enc ?? 'A128GCM');
  return (
    base64urlLength(Buffer.byteLength(header, 'utf8')) +
    2 +
    base64urlLength(IV_BYTES) +
    1 +
    base64urlLength(bytes) +
    1 +
    base64urlLength(TAG_BYTES)
  );
}

/** The largest n with f(n) <= limit, for a non-decreasing f. */
function largest(f: (n: number) => number, limit: number): number {
  let n = 0;
  while (f(n + 1) <= limit) n++;
  return n;
}

/** Most UTF-8 bytes a secret can have for the plain first populate: 768 (1024 base64url characters). */
export const MAX_PLAIN_SECRET_BYTES = largest(plainPopulateLength, SECRET_PARAMETER_MAX_CHARS);

/**
 * Most UTF-8 bytes a new secret can have so that its populate blob (default 16-byte salt, either enc)
 * fits the 1024-character parameter: 621 (a 154-character header, 42 characters of IV, tag and dots,
 * and 828 characters of ciphertext).
 */
export const MAX_BLOB_SECRET_BYTES = largest((n) => populateBlobLength(n), SECRET_PARAMETER_MAX_CHARS);

/**
 * Most bytes read from a file (or stdin) that holds one secret: a ClientSecret, a login password, a
 * passphrase, an activation code. Far above any secret the device takes (768 bytes), so that a secret
 * that is too long is refused with its length; a file beyond it is not a secret at all, and is not read
 * further (think `/dev/zero`).
 */
export const MAX_SECRET_FILE_BYTES = 4096;
