import { describe, expect, it } from 'vitest';
import {
  PKI_ERROR_CODES,
  PKI_WARNING_CODES,
  checkCredentials,
  describeCertificate,
  inspectCredentials,
  readCredentials,
  sha1Fingerprint,
  sha256Fingerprint,
  type CheckResult,
} from '../../../src/core/pki/index.js';
import { systemHas } from '../../helpers/system.js';
import { PASSPHRASE, usePki, openssl, opensslFingerprint } from './fixtures.js';

const codes = (r: CheckResult): { errors: string[]; warnings: string[] } => ({
  errors: r.errors.map((e) => e.code),
  warnings: r.warnings.map((w) => w.code),
});

describe.skipIf(!systemHas('openssl'))('checkCredentials and the report', () => {
  const pki = usePki();

  const check = (cert: string, key?: string, now?: Date): CheckResult =>
    checkCredentials(
      readCredentials({ certPem: pki.text(cert), ...(key ? { keyPem: pki.text(key) } : {}) }),
      now ? { now } : {},
    );

  it('accepts a good P-256 pair and reports what openssl reports', () => {
    const r = check('combined-full.pem');
    expect(codes(r)).toEqual({ errors: [], warnings: [] });
    expect(r.ok).toBe(true);

    const path = pki.path('dev.pem');
    const x = (flag: string): string => openssl(['x509', '-in', path, '-noout', flag]).trim();
    const text = openssl(['x509', '-in', path, '-noout', '-text']);
    expect(r.report.fingerprints).toEqual({
      sha1: opensslFingerprint(path, 'sha1'),
      sha256: opensslFingerprint(path, 'sha256'),
    });
    expect(r.report.fingerprints.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(r.report.fingerprints.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.report.serial).toBe(x('-serial').replace('serial=', ''));
    expect(r.report.notBefore).toBe(new Date(x('-startdate').replace('notBefore=', '')).toISOString());
    expect(r.report.notAfter).toBe(new Date(x('-enddate').replace('notAfter=', '')).toISOString());
    expect(r.report.signatureAlgorithm).toBe(/Signature Algorithm: (\S+)/.exec(text)![1]);
    expect(r.report.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(r.report.subject).toEqual({ cn: 'Room 1, Oslo', dn: 'CN=Room 1\\, Oslo, O=Example Rooms, C=US' });
    expect(r.report.san).toEqual({
      dns: ['room1.example.com', 'room1.example.net'],
      email: ['room1@example.com'],
      ip: [],
      uri: [],
    });
    expect(r.report.issuer).toBe('CN=Test Intermediate CA, O=Example Rooms, C=US');
    expect(r.report.keyUsage).toEqual(['digitalSignature']);
    expect(r.report.extendedKeyUsage).toEqual(['clientAuth', 'serverAuth']);
    expect(r.report.key).toEqual({ type: 'EC', curve: 'P-256', bits: 256 });
    expect(r.report.keyMatches).toBe(true);
    expect(r.report.privateKey).toEqual({
      format: 'pkcs8',
      encrypted: false,
      key: { type: 'EC', curve: 'P-256', bits: 256 },
    });
    expect(r.report.selfSigned).toBe(false);
    expect(r.report.isCa).toBe(false);
    expect(r.report.chain.verifies).toBe(true);
    expect(r.report.chain.certificates.map((c) => [c.role, c.sha1])).toEqual([
      ['device', opensslFingerprint(path, 'sha1')],
      ['intermediate', opensslFingerprint(pki.path('int.pem'), 'sha1')],
      ['root', opensslFingerprint(pki.path('root.pem'), 'sha1')],
    ]);
    expect(r.report.daysLeft).toBe(364);
  });

  it('fingerprints match openssl for every certificate', () => {
    for (const name of ['dev.pem', 'int.pem', 'root.pem', 'rsa.pem', 'p384.pem', 'ed25519.pem', 'self.pem']) {
      const path = pki.path(name);
      expect(sha1Fingerprint(pki.text(name))).toBe(opensslFingerprint(path, 'sha1'));
      expect(sha256Fingerprint(pki.bytes(name === 'dev.pem' ? 'dev.der' : name))).toBe(
        opensslFingerprint(path, 'sha256'),
      );
    }
  });

  it.each([
    ['rsa.pem', 'rsa.key', { type: 'RSA', curve: null, bits: 2048 }, 'RSA 2048'],
    ['p384.pem', 'p384.key', { type: 'EC', curve: 'P-384', bits: 384 }, 'EC P-384'],
    ['ed25519.pem', 'ed25519.key', { type: 'Ed25519', curve: null, bits: null }, 'Ed25519'],
  ])('refuses a %s certificate key: ERR_CERT_KEY_NOT_P256', (cert, key, described, words) => {
    const r = check(cert, key);
    expect(codes(r)).toEqual({ errors: ['ERR_CERT_KEY_NOT_P256'], warnings: [] });
    expect(r.ok).toBe(false);
    expect(r.report.key).toEqual(described);
    expect(r.report.keyMatches).toBe(true);
    expect(r.errors[0]!.message).toContain(`The certificate's key is ${words};`);
    expect(r.errors[0]!.message).toContain('only ECDSA P-256');
  });

  it('refuses a key that does not belong to the certificate', () => {
    const r = check('dev.pem', 'other.key');
    expect(codes(r)).toEqual({ errors: ['ERR_CERT_KEY_MISMATCH'], warnings: [] });
    expect(r.report.keyMatches).toBe(false);
    expect(r.errors[0]!.message).toBe(
      'The private key does not belong to "Room 1, Oslo". Find the key the CSR for it was made with.',
    );
  });

  it('refuses expired and not-yet-valid certificates, warns of one expiring within 30 days', () => {
    expect(codes(check('expired.pem', 'dev.key'))).toEqual({ errors: ['ERR_CERT_EXPIRED'], warnings: [] });
    expect(codes(check('future.pem', 'dev.key'))).toEqual({
      errors: ['ERR_CERT_NOT_YET_VALID'],
      warnings: [],
    });
    const soon = check('soon.pem', 'dev.key');
    expect(codes(soon)).toEqual({ errors: [], warnings: ['WARN_CERT_EXPIRING_SOON'] });
    expect(soon.ok).toBe(true);
    expect(soon.report.daysLeft).toBe(9);
  });

  it('judges validity at the given moment, with the 30-day limit exact', () => {
    const notAfter = new Date(describeCertificate(pki.text('dev.pem')).notAfter).getTime();
    const notBefore = new Date(describeCertificate(pki.text('dev.pem')).notBefore).getTime();
    const at = (ms: number) => codes(check('dev.pem', 'dev.key', new Date(ms)));
    const day = 86_400_000;
    expect(at(notAfter + 1000)).toEqual({ errors: ['ERR_CERT_EXPIRED'], warnings: [] });
    expect(at(notAfter)).toEqual({ errors: [], warnings: ['WARN_CERT_EXPIRING_SOON'] });
    expect(at(notAfter - 30 * day + 1)).toEqual({ errors: [], warnings: ['WARN_CERT_EXPIRING_SOON'] });
    expect(at(notAfter - 30 * day)).toEqual({ errors: [], warnings: [] });
    expect(at(notBefore)).toEqual({ errors: [], warnings: [] });
    expect(at(notBefore - 1000)).toEqual({ errors: ['ERR_CERT_NOT_YET_VALID'], warnings: [] });
  });

  it('warns of a self-signed certificate, but accepts it', () => {
    const r = check('self.pem', 'dev.key');
    expect(codes(r)).toEqual({ errors: [], warnings: ['WARN_CERT_SELF_SIGNED'] });
    expect(r.ok).toBe(true);
    expect(r.report.selfSigned).toBe(true);
    expect(r.report.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(r.report.chain).toEqual({
      certificates: [expect.objectContaining({ role: 'device', subject: 'CN=Room 1 self-signed' })],
      verifies: true,
      unrelated: [],
    });
  });

  it('says when the chain in the file does not verify up to its last certificate', () => {
    const r = check('combined-broken-chain.pem');
    expect(codes(r)).toEqual({ errors: [], warnings: ['WARN_CHAIN_BROKEN'] });
    expect(r.report.chain.verifies).toBe(false);
    expect(r.report.chain.certificates.map((c) => c.role)).toEqual(['device', 'intermediate']);
    expect(r.report.chain.unrelated.map((c) => c.subject)).toEqual(['CN=Stranger Root']);
  });

  it('reports a certificate without key usage for signing and without SANs', () => {
    const r = check('nosan.pem', 'dev.key');
    expect(codes(r)).toEqual({ errors: [], warnings: ['WARN_CERT_KEY_USAGE'] });
    expect(r.report.san).toEqual({ dns: [], email: [], ip: [], uri: [] });
    expect(r.report.keyUsage).toEqual(['keyEncipherment']);
    expect(r.report.extendedKeyUsage).toBeNull();
  });

  it('needs the key: a certificate alone is not acceptable', () => {
    const r = check('dev.pem');
    expect(codes(r)).toEqual({ errors: ['ERR_KEY_MISSING'], warnings: [] });
    expect(r.report.keyMatches).toBeNull();
    expect(r.report.privateKey).toBeNull();
  });

  it('inspectCredentials reports the certificate even when the key cannot be read', () => {
    const wrong = inspectCredentials({ certPem: pki.text('combined-shuffled.pem'), passphrase: 'wrong' });
    expect(codes(wrong)).toEqual({ errors: ['ERR_KEY_PASSPHRASE_WRONG'], warnings: [] });
    expect(wrong.report.fingerprints.sha1).toBe(opensslFingerprint(pki.path('dev.pem'), 'sha1'));
    expect(wrong.report.keyMatches).toBeNull();
    const none = inspectCredentials({ certPem: pki.text('dev.pem'), keyPem: pki.text('dev-enc.key') });
    expect(codes(none)).toEqual({ errors: ['ERR_KEY_PASSPHRASE_REQUIRED'], warnings: [] });
    const right = inspectCredentials({ certPem: pki.text('combined-shuffled.pem'), passphrase: PASSPHRASE });
    expect(codes(right)).toEqual({ errors: [], warnings: [] });
    expect(right.report.privateKey).toEqual({
      format: 'encrypted-pkcs8',
      encrypted: true,
      key: { type: 'EC', curve: 'P-256', bits: 256 },
    });
  });

  it('reports several errors at once, each code from the public lists', () => {
    const r = check('expired.pem', 'other.key');
    expect(codes(r).errors).toEqual(['ERR_CERT_KEY_MISMATCH', 'ERR_CERT_EXPIRED']);
    for (const name of [
      'rsa.pem',
      'self.pem',
      'soon.pem',
      'future.pem',
      'combined-broken-chain.pem',
      'nosan.pem',
    ]) {
      const result = check(name);
      for (const e of result.errors) expect(PKI_ERROR_CODES).toContain(e.code);
      for (const w of result.warnings) expect(PKI_WARNING_CODES).toContain(w.code);
      for (const issue of [...result.errors, ...result.warnings]) expect(issue.message).toMatch(/\.$/);
    }
  });
});

describe('checkCredentials misuse', () => {
  it('says ERR_CERT_PARSE for a certificate that is not one', () => {
    const credentials = {
      source: 'pem' as const,
      certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      chain: [],
      root: null,
      unrelated: [],
      privateKey: null,
      keyFormat: null,
    };
    expect(() => checkCredentials(credentials)).toThrow(expect.objectContaining({ code: 'ERR_CERT_PARSE' }));
  });
});
