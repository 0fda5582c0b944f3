/**
 * Known-answer vector: the worked example of the vendor's guide (shared/seed, reproduced in
 * shared/spec/jwe-blobs.md "The worked example"), byte for byte, through the public API.
 */
import { describe, expect, it } from 'vitest';
import { JweError, b64u, deriveKey, headerJson, inspect, open, seal } from '../../../src/core/jwe/index.js';

const SECRET = 'ossifrage';
const SALT = Buffer.from('e5e6530803f833f6', 'hex');
const IV = Buffer.from('34b35ddd5f537baf2d929583', 'hex');
const PAYLOAD = 'this is a PEM file';
const HEADER =
  '{"alg":"dir","cisco-action":"add","cisco-kdf":{"salt":"5eZTCAP4M_Y","version":"1"},"enc":"A128GCM"}';
const HEADER_B64 =
  'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9';
const BLOB = `${HEADER_B64}..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q`;
/** The seed's own rendering: the header's last "9" slipped past the two dots. */
const GARBLED =
  'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ..9NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';

describe('the worked example', () => {
  it('encodes the salt as the example does', () => {
    expect(b64u(SALT)).toBe('5eZTCAP4M_Y');
    expect(b64u(IV)).toBe('NLNd3V9Te68tkpWD');
  });

  it('derives the example key with cisco-kdf v1', async () => {
    const cek = await deriveKey(SECRET, SALT, 'A128GCM');
    expect(Buffer.from(cek).toString('hex')).toBe('959eba6dd122010578fe6a9d2278ffac');
    expect(b64u(cek)).toBe('lZ66bdEiAQV4_mqdInj_rA');
  });

  it('serializes the header in the documented order', () => {
    expect(headerJson('add', '5eZTCAP4M_Y', 'A128GCM')).toBe(HEADER);
    expect(b64u(Buffer.from(HEADER))).toBe(HEADER_B64);
  });

  it('seals to the exact blob: header, empty key, IV, ciphertext, tag', async () => {
    const blob = await seal('add', PAYLOAD, SECRET, { enc: 'A128GCM', salt: SALT, iv: IV });
    const [h, k, iv, ct, tag] = blob.split('.');
    expect(h).toBe(HEADER_B64);
    expect(k).toBe('');
    expect(iv).toBe('NLNd3V9Te68tkpWD');
    expect(ct).toBe('f5lLVuWNfKfmzYCo1YJfODhQ');
    expect(tag).toBe('PE-wDFWGXFFBeo928cfZ1Q');
    expect(blob).toBe(BLOB);
  });

  it('opens the exact blob', async () => {
    const opened = await open(BLOB, SECRET);
    expect(opened.action).toBe('add');
    expect(opened.enc).toBe('A128GCM');
    expect(Buffer.from(opened.payload).toString('utf8')).toBe(PAYLOAD);
  });

  it('inspects the exact blob without the secret', () => {
    expect(inspect(BLOB)).toEqual({
      alg: 'dir',
      enc: 'A128GCM',
      action: 'add',
      kdf: { version: '1', salt: '5eZTCAP4M_Y', saltBytes: 8 },
      ivBytes: 12,
      ciphertextBytes: 18,
      tagBytes: 16,
      headerCanonical: true,
      extraMembers: [],
      length: 198,
    });
  });

  it('explains the seed’s garbled rendering and gives the mended blob', async () => {
    const err = await open(GARBLED, SECRET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JweError);
    expect((err as JweError).code).toBe('ERR_JWE_HEADER_NOT_JSON');
    expect((err as JweError).message).toContain('the header\'s last character "9" stands after the ".."');
    expect((err as JweError).details).toEqual({ part: 'header', corrected: BLOB });
  });

  it('refuses the example under a wrong secret, saying only that verification failed', async () => {
    const err = await open(BLOB, 'ossifragE').catch((e: unknown) => e);
    expect((err as JweError).code).toBe('ERR_JWE_DECRYPTION_FAILED');
    expect((err as JweError).message).toBe(
      'Decryption failed: the secret is wrong, or the blob was altered.',
    );
  });
});
