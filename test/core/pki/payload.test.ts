import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../src/core/jwe/index.js';
import {
  PkiError,
  buildAddPayload,
  readCredentials,
  sha1Fingerprint,
  type PkiErrorCode,
} from '../../../src/core/pki/index.js';
import { systemHas } from '../../helpers/system.js';
import { PASSPHRASE, usePki, opensslFingerprint } from './fixtures.js';

describe.skipIf(!systemHas('openssl'))('buildAddPayload', () => {
  const pki = usePki();

  /** The key PEM from `openssl pkey`, which is what a decrypted PKCS#8 key is. */
  const plainPkcs8 = (): string =>
    createPrivateKey(pki.text('dev.key')).export({ format: 'pem', type: 'pkcs8' }) as string;

  const refusal = (file: string, key?: string): { code: PkiErrorCode; details: Record<string, unknown> } => {
    try {
      buildAddPayload(
        readCredentials({ certPem: pki.text(file), ...(key ? { keyPem: pki.text(key) } : {}) }),
      );
    } catch (e) {
      expect(e).toBeInstanceOf(PkiError);
      return { code: (e as PkiError).code, details: { ...(e as PkiError).details } };
    }
    throw new Error('expected a refusal');
  };

  it('is the certificate, the intermediates in chain order, then the decrypted key; never the root', () => {
    const result = buildAddPayload(
      readCredentials({ certPem: pki.text('combined-shuffled.pem'), passphrase: PASSPHRASE }),
    );
    expect(result.payload).toBe(pki.text('dev.pem') + pki.text('int.pem') + plainPkcs8());
    expect(result.payload).not.toContain(pki.text('root.pem'));
    expect(result.payload).not.toContain('ENCRYPTED');
    expect(result.payload).not.toContain('\r');
    expect(result.sha1).toBe(opensslFingerprint(pki.path('dev.pem'), 'sha1'));
    expect(result.sha256).toBe(opensslFingerprint(pki.path('dev.pem'), 'sha256'));
    expect(result.warnings).toEqual([]);
  });

  it('keeps an unencrypted key as it was given (SEC1 stays SEC1), line endings normalized', () => {
    const sec1 = buildAddPayload(readCredentials({ certPem: pki.text('combined-key-cert.pem') }));
    expect(sec1.payload).toBe(pki.text('dev.pem') + pki.text('dev-sec1.key'));
    const crlf = buildAddPayload(readCredentials({ certPem: pki.text('combined-crlf.pem') }));
    expect(crlf.payload).toBe(pki.text('dev.pem') + pki.text('int.pem') + pki.text('dev.key'));
  });

  it('is the same from a PKCS#12 bundle, default or legacy', () => {
    const expected = pki.text('dev.pem') + pki.text('int.pem') + plainPkcs8();
    for (const file of pki.legacyP12 ? ['dev.p12', 'dev-legacy.p12'] : ['dev.p12']) {
      const result = buildAddPayload(readCredentials({ p12: pki.bytes(file), passphrase: PASSPHRASE }));
      expect(result.payload).toBe(expected);
    }
  });

  it('carries the warnings of a certificate the device accepts', () => {
    const result = buildAddPayload(
      readCredentials({ certPem: pki.text('self.pem'), keyPem: pki.text('dev.key') }),
    );
    expect(result.warnings.map((w) => w.code)).toEqual(['WARN_CERT_SELF_SIGNED']);
    expect(result.sha1).toBe(sha1Fingerprint(pki.text('self.pem')));
  });

  it('refuses what the device would refuse, with the check codes', () => {
    expect(refusal('rsa.pem', 'rsa.key').code).toBe('ERR_CERT_KEY_NOT_P256');
    expect(refusal('p384.pem', 'p384.key').code).toBe('ERR_CERT_KEY_NOT_P256');
    expect(refusal('ed25519.pem', 'ed25519.key').code).toBe('ERR_CERT_KEY_NOT_P256');
    expect(refusal('dev.pem', 'other.key').code).toBe('ERR_CERT_KEY_MISMATCH');
    expect(refusal('future.pem', 'dev.key').code).toBe('ERR_CERT_NOT_YET_VALID');
    expect(refusal('dev.pem').code).toBe('ERR_KEY_MISSING');
    const expired = refusal('expired.pem', 'other.key');
    expect(expired.code).toBe('ERR_CERT_KEY_MISMATCH');
    expect((expired.details.errors as { code: string }[]).map((e) => e.code)).toEqual([
      'ERR_CERT_KEY_MISMATCH',
      'ERR_CERT_EXPIRED',
    ]);
  });

  it('seals into an add blob that opens to the same payload', async () => {
    const { payload } = buildAddPayload(readCredentials({ certPem: pki.text('combined-full.pem') }));
    const blob = await seal('add', payload, 'ossifrage');
    const opened = await open(blob, 'ossifrage');
    expect(opened.action).toBe('add');
    expect(Buffer.from(opened.payload).toString('utf8')).toBe(payload);
  });
});
