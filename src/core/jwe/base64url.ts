import { Buffer } from 'node:buffer';
import { JweError } from './errors.js';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** base64url without padding (RFC 7515 §2). */
export function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Strict base64url decoding: the alphabet only, no padding, and the canonical encoding (unused low bits
 * zero), so that two different texts never decode to the same bytes. `part` names the blob part for the
 * error message.
 */
export function unb64u(text: string, part: string): Uint8Array {
  if (!ALPHABET.test(text)) {
    const bad = [...text].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
    throw new JweError(
      'ERR_JWE_BASE64URL',
      `The ${part} is not base64url: it contains ${JSON.stringify(bad)} (only A-Z, a-z, 0-9, "-" and "_" are allowed, without "=" padding). Copy the blob again, whole.`,
      { part, character: bad },
    );
  }
  if (text.length % 4 === 1) {
    throw new JweError(
      'ERR_JWE_BASE64URL',
      `The ${part} has ${text.length} characters, a length no base64url text can have: a character is missing or extra. Copy the blob again, whole.`,
      { part, length: text.length },
    );
  }
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new JweError(
      'ERR_JWE_BASE64URL',
      `The ${part} is not canonical base64url (its last character carries stray bits): the blob was altered.`,
      { part },
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
