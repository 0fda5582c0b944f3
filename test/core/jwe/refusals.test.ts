/** Every refusal of shared/spec/jwe-blobs.md "What the tool must refuse", each with its code. */
import { describe, expect, it } from 'vitest';
import { JweError, type JweErrorCode, b64u, inspect, open, seal } from '../../../src/core/jwe/index.js';
import { thrownCode } from '../../helpers/rejection.js';

const IV = 'NLNd3V9Te68tkpWD';
const CT = 'f5lLVuWNfKfmzYCo1YJfODhQ';
const TAG = 'PE-wDFWGXFFBeo928cfZ1Q';
const GOOD_HEADER = {
  alg: 'dir',
  'cisco-action': 'add',
  'cisco-kdf': { salt: '5eZTCAP4M_Y', version: '1' },
  enc: 'A128GCM',
};

function blob(header: unknown, parts: { key?: string; iv?: string; ct?: string; tag?: string } = {}): string {
  const h = typeof header === 'string' ? header : b64u(Buffer.from(JSON.stringify(header)));
  return [h, parts.key ?? '', parts.iv ?? IV, parts.ct ?? CT, parts.tag ?? TAG].join('.');
}

const codeOf = thrownCode(JweError);

async function sealCode(p: Promise<unknown>): Promise<JweErrorCode | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e === undefined) return undefined;
  expect(e).toBeInstanceOf(JweError);
  return (e as JweError).code;
}

describe('blobs the device would refuse', () => {
  const cases: [string, string, JweErrorCode][] = [
    ['not five parts', 'a.b.c', 'ERR_JWE_PARTS'],
    ['six parts', blob(GOOD_HEADER) + '.x', 'ERR_JWE_PARTS'],
    ['bad base64url in the header', blob('eyJ+'), 'ERR_JWE_BASE64URL'],
    ['padding in the IV', blob(GOOD_HEADER, { iv: IV + '==' }), 'ERR_JWE_BASE64URL'],
    ['a ciphertext of impossible length', blob(GOOD_HEADER, { ct: 'abcde' }), 'ERR_JWE_BASE64URL'],
    ['a header that is not JSON', blob(b64u(Buffer.from('{"alg":'))), 'ERR_JWE_HEADER_NOT_JSON'],
    ['a header that is a JSON array', blob(['dir']), 'ERR_JWE_HEADER_NOT_JSON'],
    ['alg not dir', blob({ ...GOOD_HEADER, alg: 'A128KW' }), 'ERR_JWE_ALG'],
    ['enc not one of the two', blob({ ...GOOD_HEADER, enc: 'A192GCM' }), 'ERR_JWE_ENC'],
    ['unknown cisco-action', blob({ ...GOOD_HEADER, 'cisco-action': 'delete' }), 'ERR_JWE_ACTION'],
    ['no cisco-kdf', blob({ alg: 'dir', 'cisco-action': 'add', enc: 'A128GCM' }), 'ERR_JWE_KDF'],
    [
      'cisco-kdf version 2',
      blob({ ...GOOD_HEADER, 'cisco-kdf': { salt: '5eZTCAP4M_Y', version: '2' } }),
      'ERR_JWE_KDF_VERSION',
    ],
    [
      'cisco-kdf version as a number',
      blob({ ...GOOD_HEADER, 'cisco-kdf': { salt: '5eZTCAP4M_Y', version: 1 } }),
      'ERR_JWE_KDF_VERSION',
    ],
    [
      'a salt under 4 bytes',
      blob({ ...GOOD_HEADER, 'cisco-kdf': { salt: 'AQID', version: '1' } }),
      'ERR_JWE_SALT_TOO_SHORT',
    ],
    ['a non-empty encrypted key', blob(GOOD_HEADER, { key: 'AAAA' }), 'ERR_JWE_ENCRYPTED_KEY_NOT_EMPTY'],
    ['an IV of 16 bytes', blob(GOOD_HEADER, { iv: b64u(Buffer.alloc(16)) }), 'ERR_JWE_IV_LENGTH'],
    ['a tag of 12 bytes', blob(GOOD_HEADER, { tag: b64u(Buffer.alloc(12)) }), 'ERR_JWE_TAG_LENGTH'],
  ];

  it.each(cases)('refuses %s', (_name, text, code) => {
    expect(codeOf(() => inspect(text))).toBe(code);
  });

  it('names the part that is malformed', () => {
    try {
      inspect(blob(GOOD_HEADER, { iv: 'NLNd3V9Te68tkp*D' }));
    } catch (e) {
      expect((e as JweError).message).toBe(
        'The IV (part 3) is not base64url: it contains "*" (only A-Z, a-z, 0-9, "-" and "_" are allowed, without "=" padding). Copy the blob again, whole.',
      );
      expect((e as JweError).details).toEqual({ part: 'IV (part 3)', character: '*' });
    }
    expect.assertions(2);
  });

  it('refuses a blob made for another command when the caller says which it needs', async () => {
    const b = await seal('populate', 'new', 'old-secret', { saltBytes: 4 });
    expect(await sealCode(open(b, 'old-secret', { action: 'add' }))).toBe('ERR_JWE_ACTION_MISMATCH');
  });

  it('ignores surrounding whitespace but not whitespace inside', async () => {
    const b = await seal('add', 'x', 'k3y');
    expect(inspect(`\n  ${b}\r\n`).action).toBe('add');
    expect(codeOf(() => inspect(b.slice(0, 50) + '\n' + b.slice(50)))).toBe('ERR_JWE_BASE64URL');
  });
});

describe('what seal refuses to make', () => {
  it('a salt under 4 bytes', async () => {
    expect(await sealCode(seal('add', 'x', 's', { salt: Buffer.from('010203', 'hex') }))).toBe(
      'ERR_JWE_SALT_TOO_SHORT',
    );
    expect(await sealCode(seal('add', 'x', 's', { saltBytes: 3 }))).toBe('ERR_JWE_SALT_TOO_SHORT');
  });

  it('an IV that is not 12 bytes', async () => {
    expect(await sealCode(seal('add', 'x', 's', { iv: Buffer.alloc(16) }))).toBe('ERR_JWE_IV_LENGTH');
  });

  it('an unknown action or enc', async () => {
    expect(await sealCode(seal('remove' as 'add', 'x', 's'))).toBe('ERR_JWE_ACTION');
    expect(await sealCode(seal('add', 'x', 's', { enc: 'A192GCM' as 'A128GCM' }))).toBe('ERR_JWE_ENC');
  });

  it('an empty secret', async () => {
    expect(await sealCode(seal('add', 'x', ''))).toBe('ERR_JWE_SECRET_EMPTY');
    expect(await sealCode(open('a..b.c.d', ''))).not.toBe(undefined);
  });

  it('a fingerprint that is not 40 lowercase hex digits', async () => {
    expect(await sealCode(seal('activate', 'ab'.repeat(19), 's'))).toBe('ERR_JWE_FINGERPRINT_INVALID');
    expect(await sealCode(seal('deactivate', 'AB'.repeat(20), 's'))).toBe('ERR_JWE_FINGERPRINT_INVALID');
    expect(await sealCode(seal('activate', 'zz'.repeat(20), 's'))).toBe('ERR_JWE_FINGERPRINT_INVALID');
  });

  it('a populate payload that is not UTF-8', async () => {
    expect(await sealCode(seal('populate', Uint8Array.from([0xff, 0xfe]), 's'))).toBe(
      'ERR_JWE_PAYLOAD_NOT_UTF8',
    );
  });

  it('an empty populate payload is allowed: it resets the secret', async () => {
    const b = await seal('populate', '', 'current');
    expect(inspect(b).ciphertextBytes).toBe(0);
    expect((await open(b, 'current')).payload.length).toBe(0);
  });
});
