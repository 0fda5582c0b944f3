import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PkiError,
  readCredentials,
  sha1Fingerprint,
  type PkiErrorCode,
} from '../../../src/core/pki/index.js';
import { systemHas } from '../../helpers/system.js';
import { PASSPHRASE, usePki, opensslFingerprint } from './fixtures.js';

/** The error code a call throws, failing the test if it throws something else or nothing. */
function codeOf(fn: () => unknown): PkiErrorCode {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PkiError);
    return (e as PkiError).code;
  }
  throw new Error('expected a PkiError, nothing was thrown');
}

function spkiOf(pem: string): string {
  return createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }).toString('hex');
}

describe.skipIf(!systemHas('openssl'))('readCredentials', () => {
  const pki = usePki();

  it('reads a certificate and a PKCS#8 key given separately, as they are', () => {
    const c = readCredentials({ certPem: pki.text('dev.pem'), keyPem: pki.text('dev.key') });
    expect(c).toEqual({
      source: 'pem',
      certificate: pki.text('dev.pem'),
      chain: [],
      root: null,
      unrelated: [],
      privateKey: pki.text('dev.key'),
      keyFormat: 'pkcs8',
    });
  });

  it('reads one file holding certificate and key, in either order (SEC1 key kept as SEC1)', () => {
    const a = readCredentials({ certPem: pki.text('combined-cert-key.pem') });
    expect(a.certificate).toBe(pki.text('dev.pem'));
    expect(a.privateKey).toBe(pki.text('dev.key'));
    const b = readCredentials({ certPem: pki.text('combined-key-cert.pem') });
    expect(b.certificate).toBe(pki.text('dev.pem'));
    expect(b.keyFormat).toBe('sec1');
    expect(b.privateKey).toBe(pki.text('dev-sec1.key'));
    expect(b.privateKey).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
  });

  it('orders the chain from the device certificate up and sets the root apart', () => {
    const full = readCredentials({ certPem: pki.text('combined-full.pem') });
    expect(full.certificate).toBe(pki.text('dev.pem'));
    expect(full.chain).toEqual([pki.text('int.pem')]);
    expect(full.root).toBe(pki.text('root.pem'));
    expect(full.unrelated).toEqual([]);

    // root first, encrypted key, intermediate, device last: same result.
    const shuffled = readCredentials({ certPem: pki.text('combined-shuffled.pem'), passphrase: PASSPHRASE });
    expect(shuffled.certificate).toBe(pki.text('dev.pem'));
    expect(shuffled.chain).toEqual([pki.text('int.pem')]);
    expect(shuffled.root).toBe(pki.text('root.pem'));
  });

  it('without a key, takes the certificate that issued none of the others as the device certificate', () => {
    const c = readCredentials({ certPem: pki.text('root.pem') + pki.text('int.pem') + pki.text('dev.pem') });
    expect(c.certificate).toBe(pki.text('dev.pem'));
    expect(c.chain).toEqual([pki.text('int.pem')]);
    expect(c.privateKey).toBeNull();
    expect(c.keyFormat).toBeNull();
  });

  it('keeps a chain without its root, and a certificate from elsewhere apart', () => {
    const c = readCredentials({ certPem: pki.text('combined-leaf-int.pem') });
    expect(c.chain).toEqual([pki.text('int.pem')]);
    expect(c.root).toBeNull();
    const broken = readCredentials({ certPem: pki.text('combined-broken-chain.pem') });
    expect(broken.chain).toEqual([pki.text('int.pem')]);
    expect(broken.root).toBeNull();
    expect(broken.unrelated).toEqual([pki.text('stranger.pem')]);
  });

  it('normalizes CRLF files to LF', () => {
    const c = readCredentials({ certPem: pki.text('combined-crlf.pem') });
    expect(c.certificate).toBe(pki.text('dev.pem'));
    expect(c.privateKey).toBe(pki.text('dev.key'));
    expect(JSON.stringify(c)).not.toContain('\\r');
  });

  it.each([
    [
      'an encrypted PKCS#8 key with its passphrase, to unencrypted PKCS#8',
      'dev-enc.key',
      'encrypted-pkcs8',
      /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/,
    ],
    [
      "OpenSSL's legacy encrypted SEC1 key (Proc-Type) to unencrypted SEC1",
      'dev-legacy-enc.key',
      'encrypted-pem',
      /^-----BEGIN EC PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END EC PRIVATE KEY-----\n$/,
    ],
  ] as const)('decrypts %s', (_what, key, format, pem) => {
    const c = readCredentials({
      certPem: pki.text('dev.pem'),
      keyPem: pki.text(key),
      passphrase: PASSPHRASE,
    });
    expect(c.keyFormat).toBe(format);
    expect(c.privateKey).toMatch(pem);
    expect(spkiOf(c.privateKey!)).toBe(spkiOf(pki.text('dev.key')));
  });

  it('asks for a passphrase, and refuses a wrong one, with distinct codes', () => {
    for (const key of ['dev-enc.key', 'dev-legacy-enc.key']) {
      expect(codeOf(() => readCredentials({ certPem: pki.text('dev.pem'), keyPem: pki.text(key) }))).toBe(
        'ERR_KEY_PASSPHRASE_REQUIRED',
      );
      expect(
        codeOf(() =>
          readCredentials({ certPem: pki.text('dev.pem'), keyPem: pki.text(key), passphrase: 'wrong' }),
        ),
      ).toBe('ERR_KEY_PASSPHRASE_WRONG');
    }
  });

  it('reads a DER certificate file', () => {
    const c = readCredentials({ certFile: pki.bytes('dev.der'), keyPem: pki.text('dev.key') });
    expect(c.source).toBe('der');
    expect(c.certificate).toBe(pki.text('dev.pem'));
  });

  it.each([
    ['dev.p12', 'OpenSSL 3 default (PBES2, AES-256-CBC)'],
    ['dev-legacy.p12', 'legacy (RC2-40, 3DES)'],
  ])('reads a PKCS#12 bundle, %s (%s), with its chain', (file) => {
    if (file === 'dev-legacy.p12' && !pki.legacyP12) {
      console.warn('[skipped] openssl pkcs12 -legacy does not work here');
      return;
    }
    for (const input of [
      { p12: pki.bytes(file), passphrase: PASSPHRASE },
      { certFile: pki.bytes(file), passphrase: PASSPHRASE },
    ]) {
      const c = readCredentials(input);
      expect(c.source).toBe('pkcs12');
      expect(c.certificate).toBe(pki.text('dev.pem'));
      expect(c.chain).toEqual([pki.text('int.pem')]);
      expect(c.root).toBe(pki.text('root.pem'));
      expect(c.keyFormat).toBe('pkcs12');
      expect(c.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(spkiOf(c.privateKey!)).toBe(spkiOf(pki.text('dev.key')));
    }
  });

  it('refuses a PKCS#12 bundle without its password, or with a wrong one', () => {
    expect(codeOf(() => readCredentials({ p12: pki.bytes('dev.p12') }))).toBe('ERR_P12_PASSWORD_REQUIRED');
    expect(codeOf(() => readCredentials({ p12: pki.bytes('dev.p12'), passphrase: 'wrong' }))).toBe(
      'ERR_P12_PASSWORD_WRONG',
    );
    if (pki.legacyP12) {
      expect(
        codeOf(() => readCredentials({ certFile: pki.bytes('dev-legacy.p12'), passphrase: 'nope' })),
      ).toBe('ERR_P12_PASSWORD_WRONG');
    }
  });

  it('takes an RSA certificate out of a PKCS#12 bundle byte for byte (openssl fingerprint)', () => {
    const c = readCredentials({ p12: pki.bytes('rsa.p12'), passphrase: PASSPHRASE });
    expect(sha1Fingerprint(c.certificate)).toBe(opensslFingerprint(pki.path('rsa.pem'), 'sha1'));
    expect(c.certificate).toBe(pki.text('rsa.pem'));
    expect(spkiOf(c.privateKey!)).toBe(spkiOf(pki.text('rsa.key')));
  });

  it('accepts the same key given twice, and refuses two different keys', () => {
    const c = readCredentials({
      certPem: pki.text('combined-cert-key.pem'),
      keyPem: pki.text('dev-sec1.key'),
    });
    expect(c.privateKey).toBe(pki.text('dev.key'));
    expect(
      codeOf(() =>
        readCredentials({ certPem: pki.text('combined-cert-key.pem'), keyPem: pki.text('other.key') }),
      ),
    ).toBe('ERR_KEY_MULTIPLE');
  });

  it('says what is wrong with input it cannot read', () => {
    expect(codeOf(() => readCredentials({ certPem: 'hello' }))).toBe('ERR_CERT_MISSING');
    expect(codeOf(() => readCredentials({ certPem: pki.text('dev.key') }))).toBe('ERR_CERT_MISSING');
    const damaged = pki.text('dev.pem').replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(codeOf(() => readCredentials({ certPem: damaged }))).toBe('ERR_CERT_PARSE');
    expect(codeOf(() => readCredentials({ certFile: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]) }))).toBe(
      'ERR_CERT_PARSE',
    );
    expect(codeOf(() => readCredentials({ p12: Buffer.from('not a bundle') }))).toBe('ERR_P12_PARSE');
    expect(codeOf(() => readCredentials({ certPem: pki.text('dev.pem'), keyPem: pki.text('dev.pem') }))).toBe(
      'ERR_KEY_PARSE',
    );
    const cut = pki.text('dev.key').replace(/\n[A-Za-z0-9+/]{40}/, '\n');
    expect(codeOf(() => readCredentials({ certPem: pki.text('dev.pem'), keyPem: cut }))).toBe(
      'ERR_KEY_PARSE',
    );
  });

  it('treats misuse as a TypeError', () => {
    expect(() => readCredentials({})).toThrow(TypeError);
    expect(() => readCredentials({ certPem: pki.text('dev.pem'), p12: pki.bytes('dev.p12') })).toThrow(
      TypeError,
    );
  });
});
