import { SecretError } from './errors.js';
import {
  MAX_BLOB_SECRET_BYTES,
  MAX_PLAIN_SECRET_BYTES,
  plainPopulateLength,
  populateBlobLength,
} from './limits.js';
import { type StrengthEstimate, WEAK_BELOW_BITS, estimateStrength } from './strength.js';

/**
 * How the secret will reach the device: `plain`, the very first populate (base64url of the UTF-8
 * bytes), or `blob`, a populate JWE under the current secret (every change after the first).
 */
export type PopulateRoute = 'plain' | 'blob';

export type SecretWarning =
  | { code: 'WARN_SECRET_WEAK'; bits: number }
  | { code: 'WARN_SECRET_WHITESPACE_EDGE' }
  | { code: 'WARN_SECRET_NOT_NFC' };

export interface SecretCheck {
  /** UTF-8 bytes of the secret. */
  bytes: number;
  /** Characters the device's Secret parameter would receive on this route (limit 1024). */
  parameterLength: number;
  strength: StrengthEstimate;
  warnings: SecretWarning[];
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks a secret a person typed (or gave in a file) against what the device takes on `route`, and
 * estimates its strength. Throws SecretError when the device would refuse it or the bytes would not be
 * the ones typed; returns warnings (weak, stray spaces, unnormalized Unicode) for the person to judge.
 */
export function checkSecret(secret: string, route: PopulateRoute = 'blob'): SecretCheck {
  if (typeof secret !== 'string') throw new TypeError('secret must be a string');
  if (secret.length === 0) {
    throw new SecretError(
      'ERR_SECRET_EMPTY',
      'The secret is empty. An empty populate resets the device’s secret, which protects nothing; choose a secret or let the tool generate one.',
    );
  }
  if (LONE_SURROGATE.test(secret)) {
    throw new SecretError(
      'ERR_SECRET_NOT_UTF8',
      'The secret contains a broken Unicode character (a lone surrogate) that has no UTF-8 form; type it again.',
    );
  }
  const control = CONTROL.exec(secret);
  if (control) {
    throw new SecretError(
      'ERR_SECRET_CONTROL_CHARACTER',
      `The secret contains a control character (U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at position ${[...secret.slice(0, control.index)].length + 1}, which nobody can type at a prompt; remove it.`,
      { position: [...secret.slice(0, control.index)].length + 1 },
    );
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  const max = route === 'plain' ? MAX_PLAIN_SECRET_BYTES : MAX_BLOB_SECRET_BYTES;
  const parameterLength = route === 'plain' ? plainPopulateLength(bytes) : populateBlobLength(bytes);
  if (bytes > max) {
    throw new SecretError(
      'ERR_SECRET_TOO_LONG',
      route === 'plain'
        ? `The secret is ${bytes} UTF-8 bytes; the plain first populate sends it as base64url, ${parameterLength} characters, and the device takes at most 1024 (${max} bytes). Choose a shorter secret.`
        : `The secret is ${bytes} UTF-8 bytes; its populate blob would be ${parameterLength} characters, and the device takes at most 1024 (a secret of at most ${max} bytes). Choose a shorter secret.`,
      { bytes, maxBytes: max, parameterLength, route },
    );
  }
  const strength = estimateStrength(secret);
  const warnings: SecretWarning[] = [];
  if (strength.rating === 'weak') warnings.push({ code: 'WARN_SECRET_WEAK', bits: strength.bits });
  if (/^\s|\s$/u.test(secret)) warnings.push({ code: 'WARN_SECRET_WHITESPACE_EDGE' });
  // The device hashes bytes: "é" typed as one code point or as e + accent are different secrets.
  if (secret.normalize('NFC') !== secret) warnings.push({ code: 'WARN_SECRET_NOT_NFC' });
  return { bytes, parameterLength, strength, warnings };
}

/** One sentence per warning, in English, for the CLI (the renderer translates the codes). */
export function describeWarning(w: SecretWarning): string {
  switch (w.code) {
    case 'WARN_SECRET_WEAK':
      return `This secret is weak (about ${w.bits} bits, ${WEAK_BELOW_BITS} wanted): anyone who copies a blob made with it can guess it offline. Prefer a generated one.`;
    case 'WARN_SECRET_WHITESPACE_EDGE':
      return 'This secret begins or ends with a space: easy to lose when it is typed again.';
    case 'WARN_SECRET_NOT_NFC':
      return 'This secret has Unicode characters in decomposed form: another keyboard may produce different bytes for the same text.';
  }
}

/**
 * A secret read from a file: one trailing line break (an editor's, `echo`'s) is dropped; a line break
 * anywhere else is refused with ERR_SECRET_CONTROL_CHARACTER, as a typed secret would be (Enter ends it):
 * taking the whole text would use a secret nobody can type, taking the first line a part of the file.
 */
export function oneLineSecret(text: string, what: string, where: string): string {
  const value = text.replace(/\r?\n$/, '');
  const at = value.search(/[\r\n\u2028\u2029]/);
  if (at >= 0) {
    throw new SecretError(
      'ERR_SECRET_CONTROL_CHARACTER',
      `The ${what} in ${where} has a line break inside it (after character ${[...value.slice(0, at)].length}): a ${what} is one line, as typed at a prompt. Put it alone on the first line of the file.`,
      { position: [...value.slice(0, at)].length + 1 },
    );
  }
  return value;
}
