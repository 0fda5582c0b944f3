/** Payload builders: populate, add (certificate then key), activate/deactivate (a SHA-1 fingerprint). */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JweError, addPayload, fingerprintPayload, populatePayload } from '../../../src/core/jwe/index.js';
import { thrownCode } from '../../helpers/rejection.js';

x509.cryptoProvider.set(webcrypto as Crypto);

async function selfSigned(
  alg: EcKeyGenParams | RsaHashedKeyGenParams,
): Promise<{ cert: string; key: string }> {
  const signing = alg.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=room-1.example.com',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000 * 90),
    signingAlgorithm: signing,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  return { cert: cert.toString('pem'), key };
}

const code = thrownCode(JweError);

describe('populatePayload', () => {
  it('is the new secret as is, empty allowed', () => {
    expect(populatePayload('n3w sécret')).toBe('n3w sécret');
    expect(populatePayload('')).toBe('');
  });
});

describe('fingerprintPayload', () => {
  const fp = 'c28a0e6d3f5b7a9e1d2c4b6a8f0e1d3c5b7a9f2e';
  it.each([
    [fp],
    [fp.toUpperCase()],
    ['C2:8A:0E:6D:3F:5B:7A:9E:1D:2C:4B:6A:8F:0E:1D:3C:5B:7A:9F:2E'],
    ['c2 8a 0e 6d 3f 5b 7a 9e 1d 2c 4b 6a 8f 0e 1d 3c 5b 7a 9f 2e\n'],
    ['SHA1 Fingerprint=C2:8A:0E:6D:3F:5B:7A:9E:1D:2C:4B:6A:8F:0E:1D:3C:5B:7A:9F:2E'],
  ])('normalizes %j to 40 lowercase hex digits', (input) => {
    expect(fingerprintPayload(input)).toBe(fp);
  });

  it.each([[fp.slice(2)], [fp + '00'], ['g'.repeat(40)], ['']])('refuses %j', (input) => {
    expect(code(() => fingerprintPayload(input))).toBe('ERR_JWE_FINGERPRINT_INVALID');
  });
});

describe('addPayload', () => {
  let p256: { cert: string; key: string };
  let other: { cert: string; key: string };
  let p384: { cert: string; key: string };
  let rsa: { cert: string; key: string };
  beforeAll(async () => {
    p256 = await selfSigned({ name: 'ECDSA', namedCurve: 'P-256' });
    other = await selfSigned({ name: 'ECDSA', namedCurve: 'P-256' });
    p384 = await selfSigned({ name: 'ECDSA', namedCurve: 'P-384' });
    rsa = await selfSigned({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    });
  });

  it('is the certificate PEM, then the key PEM, LF line endings, nothing else', () => {
    const crlf = (s: string): string => '\r\n\r\n' + s.replace(/\n/g, '\r\n') + '\r\n';
    const out = addPayload({ certificate: crlf(p256.cert), privateKey: crlf(p256.key) });
    expect(out).toBe(p256.cert.trim() + '\n' + p256.key.trim() + '\n');
    expect(out).not.toContain('\r');
  });

  it('puts intermediates between the certificate and the key, in the order given', () => {
    const out = addPayload({ certificate: p256.cert, chain: [other.cert, rsa.cert], privateKey: p256.key });
    expect(out).toBe([p256.cert, other.cert, rsa.cert, p256.key].map((s) => s.trim() + '\n').join(''));
  });

  it('refuses a key that is not P-256', () => {
    expect(code(() => addPayload({ certificate: p384.cert, privateKey: p384.key }))).toBe(
      'ERR_JWE_ADD_PAYLOAD',
    );
    expect(() => addPayload({ certificate: rsa.cert, privateKey: rsa.key })).toThrow(
      "The certificate's key is RSA; the device accepts only ECDSA P-256. Ask the CA for a certificate on a P-256 key.",
    );
  });

  it('refuses a key that does not belong to the certificate', () => {
    expect(() => addPayload({ certificate: p256.cert, privateKey: other.key })).toThrow(
      'The private key does not belong to the certificate: find the key the CSR was made with.',
    );
  });

  it('refuses an encrypted key, a missing key and a missing certificate', () => {
    const enc = createPrivateKey(p256.key).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pw',
    }) as string;
    expect(() => addPayload({ certificate: p256.cert, privateKey: enc })).toThrow(
      /The private key is encrypted: decrypt it first/,
    );
    expect(() => addPayload({ certificate: p256.cert, privateKey: '' })).toThrow(
      'Expected one PEM private key, found 0.',
    );
    expect(() => addPayload({ certificate: p256.key, privateKey: p256.key })).toThrow(
      'Expected one PEM CERTIFICATE block for the certificate, found 0.',
    );
  });
});
