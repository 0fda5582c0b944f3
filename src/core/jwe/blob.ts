import { CompactEncrypt, compactDecrypt, errors as joseErrors } from 'jose';
import { randomBytes } from 'node:crypto';
import { readJson } from '../json-text.js';
import { b64u, unb64u } from './base64url.js';
import { JweError } from './errors.js';
import { deriveKey } from './kdf.js';
import { type Action, type BlobInfo, type Enc, type OpenedBlob, isAction, isEnc } from './types.js';

/** Salt bytes a fresh blob gets; the device takes 4 or more. */
export const DEFAULT_SALT_BYTES = 16;
export const MIN_SALT_BYTES = 4;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

const FINGERPRINT = /^[0-9a-f]{40}$/;

export interface SealOptions {
  enc?: Enc;
  /** Length of the fresh random salt (default 16, at least 4). */
  saltBytes?: number;
  /** A fixed salt, for known-answer vectors only: every real blob takes a fresh one. */
  salt?: Uint8Array;
  /** A fixed 12-byte IV, for known-answer vectors only: reusing an IV under one key breaks AES-GCM. */
  iv?: Uint8Array;
}

/**
 * The protected header, its members in the documented order (JSON.stringify keeps insertion order),
 * compact: the device and the worked example expect these exact bytes.
 */
export function headerJson(action: Action, salt: string, enc: Enc): string {
  return JSON.stringify({ alg: 'dir', 'cisco-action': action, 'cisco-kdf': { salt, version: '1' }, enc });
}

function checkSecret(secret: string): void {
  if (typeof secret !== 'string') throw new TypeError('secret must be a string');
  if (secret.length === 0) {
    throw new JweError(
      'ERR_JWE_SECRET_EMPTY',
      'The ClientSecret is empty, and an empty secret protects nothing. Give the device’s current ClientSecret.',
    );
  }
}

function checkPayload(action: Action, payload: Uint8Array): void {
  if (action === 'activate' || action === 'deactivate') {
    const text = Buffer.from(payload).toString('latin1');
    if (!FINGERPRINT.test(text)) {
      throw new JweError(
        'ERR_JWE_FINGERPRINT_INVALID',
        `An ${action} blob carries a SHA-1 fingerprint as 40 lowercase hex digits; this payload is ${payload.length} bytes that are not. Use the fingerprint the device lists (colons and spaces removed).`,
        { action, length: payload.length },
      );
    }
  }
  if (action === 'populate' && !isUtf8(payload)) {
    throw new JweError(
      'ERR_JWE_PAYLOAD_NOT_UTF8',
      'A populate blob carries the new secret as UTF-8 text; this payload is not UTF-8.',
    );
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the compact blob the device takes for `action`: a fresh salt and IV, the key derived from
 * `secret` with cisco-kdf v1, AES-GCM over `payload` with the encoded header as AAD.
 */
export async function seal(
  action: Action,
  payload: string | Uint8Array,
  secret: string,
  options: SealOptions = {},
): Promise<string> {
  if (!isAction(action)) {
    throw new JweError(
      'ERR_JWE_ACTION',
      `Unknown cisco-action ${JSON.stringify(action)}: use add, populate, activate or deactivate.`,
      { action },
    );
  }
  const enc = options.enc ?? 'A128GCM';
  if (!isEnc(enc)) {
    throw new JweError(
      'ERR_JWE_ENC',
      `Unsupported enc ${JSON.stringify(enc)}: the device takes A128GCM or A256GCM.`,
      { enc },
    );
  }
  checkSecret(secret);
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  checkPayload(action, bytes);

  const salt = options.salt ?? randomBytes(options.saltBytes ?? DEFAULT_SALT_BYTES);
  if (salt.length < MIN_SALT_BYTES) {
    throw new JweError(
      'ERR_JWE_SALT_TOO_SHORT',
      `The salt is ${salt.length} bytes; the device requires at least ${MIN_SALT_BYTES}.`,
      { saltBytes: salt.length },
    );
  }
  if (options.iv !== undefined && options.iv.length !== IV_BYTES) {
    throw new JweError(
      'ERR_JWE_IV_LENGTH',
      `The IV is ${options.iv.length} bytes; AES-GCM here uses exactly ${IV_BYTES}.`,
      { ivBytes: options.iv.length },
    );
  }

  const key = await deriveKey(secret, salt, enc);
  const jwe = new CompactEncrypt(bytes).setProtectedHeader({
    alg: 'dir',
    'cisco-action': action,
    'cisco-kdf': { salt: b64u(salt), version: '1' },
    enc,
  });
  if (options.iv !== undefined) jwe.setInitializationVector(options.iv);
  const blob = await jwe.encrypt(key);
  const expectedHeader = b64u(new TextEncoder().encode(headerJson(action, b64u(salt), enc)));
  if (!blob.startsWith(expectedHeader + '..')) {
    // The header bytes are the contract; should jose ever serialize differently, refuse rather than send.
    throw new Error('internal: the JWE library changed the protected header serialization');
  }
  return blob;
}

/**
 * The length in characters of the blob `seal` makes for `payload` (with the default salt length): a
 * blob's length does not depend on the secret, the salt or the IV, so no key is derived for it.
 */
export function sealedLength(
  action: Action,
  payload: string | Uint8Array,
  options: { enc?: Enc; saltBytes?: number } = {},
): number {
  const enc = options.enc ?? 'A128GCM';
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  const salt = b64u(new Uint8Array(options.saltBytes ?? DEFAULT_SALT_BYTES));
  const header = b64u(new TextEncoder().encode(headerJson(action, salt, enc)));
  // header . (no encrypted key) . iv . ciphertext (as long as the payload) . tag
  return header.length + 2 + b64uLength(IV_BYTES) + 1 + b64uLength(bytes) + 1 + b64uLength(TAG_BYTES);
}

/** Characters of unpadded base64url for `n` bytes. */
function b64uLength(n: number): number {
  return Math.floor(n / 3) * 4 + (n % 3 === 0 ? 0 : (n % 3) + 1);
}

interface ParsedBlob {
  info: BlobInfo;
  header: Record<string, unknown>;
}

const CANONICAL_KEYS = ['alg', 'cisco-action', 'cisco-kdf', 'enc'];

/**
 * The seed's rendering of its own example lets the header's last character slip past the "..": the
 * header is one character short and the IV one too long. Recognize that misprint and say how to mend it.
 */
function slippedCharacter(parts: string[]): JweError | undefined {
  const [h, k, iv] = parts;
  if (h === undefined || k !== '' || iv === undefined || iv.length !== 17) return undefined;
  const repaired = h + iv[0];
  try {
    const bytes = unb64u(repaired, 'header');
    JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  const corrected = [repaired, '', iv.slice(1), ...parts.slice(3)].join('.');
  return new JweError(
    'ERR_JWE_HEADER_NOT_JSON',
    `The header (part 1) is cut short and the IV (part 3) has 17 characters instead of 16: the header's last character "${iv[0]}" stands after the "..". Move it back before the two dots (a known misprint of the vendor's example).`,
    { part: 'header', corrected },
  );
}

function parse(input: string): ParsedBlob {
  if (typeof input !== 'string') throw new TypeError('blob must be a string');
  const blob = input.trim();
  const parts = blob.split('.');
  if (parts.length !== 5) {
    throw new JweError(
      'ERR_JWE_PARTS',
      `A blob has 5 parts separated by dots (header..iv.ciphertext.tag); this one has ${parts.length}. Copy the blob again, whole.`,
      { parts: parts.length },
    );
  }
  const [h, k, ivText, ctText, tagText] = parts as [string, string, string, string, string];
  const misprint = slippedCharacter(parts);
  if (misprint) throw misprint;
  const headerBytes = unb64u(h, 'header (part 1)');
  const headerText = Buffer.from(headerBytes).toString('utf8');
  const read = readJson(headerText);
  if (!read.ok) {
    // The position, never the text: a file handed in by mistake may hold anything.
    throw new JweError(
      'ERR_JWE_HEADER_NOT_JSON',
      `The header (part 1) does not decode to JSON (${read.line === 1 && read.column > headerText.length ? `it is cut short after ${headerText.length} characters` : `it stops being JSON at line ${read.line}, column ${read.column}`}). Copy the blob again, whole.`,
      { part: 'header' },
    );
  }
  const header = read.value;
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new JweError('ERR_JWE_HEADER_NOT_JSON', 'The header (part 1) is JSON but not an object.', {
      part: 'header',
    });
  }
  const hdr = header as Record<string, unknown>;
  if (hdr.alg !== 'dir') {
    throw new JweError(
      'ERR_JWE_ALG',
      `The header's alg is ${JSON.stringify(hdr.alg)}; the device takes only "dir".`,
      { alg: hdr.alg },
    );
  }
  if (!isEnc(hdr.enc)) {
    throw new JweError(
      'ERR_JWE_ENC',
      `The header's enc is ${JSON.stringify(hdr.enc)}; the device takes A128GCM or A256GCM.`,
      { enc: hdr.enc },
    );
  }
  const action = hdr['cisco-action'];
  if (!isAction(action)) {
    throw new JweError(
      'ERR_JWE_ACTION',
      `The header's cisco-action is ${JSON.stringify(action)}; expected add, populate, activate or deactivate.`,
      { action },
    );
  }
  const kdf = hdr['cisco-kdf'];
  if (kdf === null || typeof kdf !== 'object' || Array.isArray(kdf)) {
    throw new JweError(
      'ERR_JWE_KDF',
      'The header has no cisco-kdf object (with salt and version), so no key can be derived.',
    );
  }
  const { salt, version } = kdf as Record<string, unknown>;
  if (version !== '1') {
    throw new JweError(
      'ERR_JWE_KDF_VERSION',
      `The cisco-kdf version is ${JSON.stringify(version)}; the only version is the string "1".`,
      { version },
    );
  }
  if (typeof salt !== 'string') {
    throw new JweError('ERR_JWE_KDF', 'The cisco-kdf salt is missing or not a string.');
  }
  const saltBytes = unb64u(salt, 'cisco-kdf salt');
  if (saltBytes.length < MIN_SALT_BYTES) {
    throw new JweError(
      'ERR_JWE_SALT_TOO_SHORT',
      `The salt is ${saltBytes.length} bytes; the device requires at least ${MIN_SALT_BYTES}.`,
      { saltBytes: saltBytes.length },
    );
  }
  if (k !== '') {
    throw new JweError(
      'ERR_JWE_ENCRYPTED_KEY_NOT_EMPTY',
      'Part 2 (the encrypted key) must be empty with alg "dir": the key is derived from the secret, never sent.',
      { part: 'encrypted key' },
    );
  }
  const iv = unb64u(ivText, 'IV (part 3)');
  if (iv.length !== IV_BYTES) {
    throw new JweError('ERR_JWE_IV_LENGTH', `The IV is ${iv.length} bytes; it must be exactly ${IV_BYTES}.`, {
      ivBytes: iv.length,
    });
  }
  const ct = unb64u(ctText, 'ciphertext (part 4)');
  const tag = unb64u(tagText, 'tag (part 5)');
  if (tag.length !== TAG_BYTES) {
    throw new JweError(
      'ERR_JWE_TAG_LENGTH',
      `The tag is ${tag.length} bytes; it must be exactly ${TAG_BYTES}.`,
      { tagBytes: tag.length },
    );
  }
  const keys = Object.keys(hdr);
  const extraMembers = keys.filter((key) => !CANONICAL_KEYS.includes(key));
  const headerCanonical = headerText === headerJson(action, salt, hdr.enc);
  return {
    header: hdr,
    info: {
      alg: 'dir',
      enc: hdr.enc,
      action,
      kdf: { version: '1', salt, saltBytes: saltBytes.length },
      ivBytes: IV_BYTES,
      ciphertextBytes: ct.length,
      tagBytes: TAG_BYTES,
      headerCanonical,
      extraMembers,
      length: blob.length,
    },
  };
}

/** Reads a blob's header facts without the secret; throws the same typed errors `open` would. */
export function inspect(blob: string): BlobInfo {
  return parse(blob).info;
}

export interface OpenOptions {
  /** Refuse a blob made for another command (the device does). */
  action?: Action;
}

/** Decrypts a blob with the secret. A failed tag says only that: the secret is wrong or the blob altered. */
export async function open(blob: string, secret: string, options: OpenOptions = {}): Promise<OpenedBlob> {
  const { info } = parse(blob);
  if (options.action !== undefined && options.action !== info.action) {
    throw new JweError(
      'ERR_JWE_ACTION_MISMATCH',
      `This is a ${info.action} blob; a ${options.action} blob is needed here.`,
      { expected: options.action, actual: info.action },
    );
  }
  checkSecret(secret);
  const key = await deriveKey(secret, unb64u(info.kdf.salt, 'cisco-kdf salt'), info.enc);
  try {
    const { plaintext } = await compactDecrypt(blob.trim(), key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: [info.enc],
    });
    return { action: info.action, enc: info.enc, payload: plaintext };
  } catch (e) {
    if (e instanceof joseErrors.JWEDecryptionFailed) {
      throw new JweError(
        'ERR_JWE_DECRYPTION_FAILED',
        'Decryption failed: the secret is wrong, or the blob was altered.',
      );
    }
    throw e;
  }
}
