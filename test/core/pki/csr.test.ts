import { createHash, createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PkiError,
  buildAddPayload,
  checkCredentials,
  generateKeyAndCsr,
  readCredentials,
  type CsrRequest,
  type PkiErrorCode,
} from '../../../src/core/pki/index.js';
import { systemHas } from '../../helpers/system.js';
import { usePki, openssl, opensslKey, opensslVerifiedSubject } from './fixtures.js';

async function refusal(request: CsrRequest): Promise<PkiErrorCode> {
  try {
    await generateKeyAndCsr(request);
  } catch (e) {
    expect(e).toBeInstanceOf(PkiError);
    return (e as PkiError).code;
  }
  throw new Error('expected a refusal');
}

describe('generateKeyAndCsr: refusals', () => {
  const ok = { cn: 'Room 1', passphrase: 'pw' };
  it.each([
    [{ ...ok, cn: '' }, 'ERR_CSR_CN'],
    [{ ...ok, cn: '   ' }, 'ERR_CSR_CN'],
    [{ ...ok, cn: 'x'.repeat(65) }, 'ERR_CSR_CN'],
    [{ ...ok, cn: 'Room\n1' }, 'ERR_CSR_CN'],
    [{ ...ok, dns: ['exa mple.com'] }, 'ERR_CSR_DNS'],
    [{ ...ok, dns: ['-bad.example.com'] }, 'ERR_CSR_DNS'],
    [{ ...ok, dns: ['ø.example.com'] }, 'ERR_CSR_DNS'],
    [{ ...ok, dns: [''] }, 'ERR_CSR_DNS'],
    [{ ...ok, email: ['room1'] }, 'ERR_CSR_EMAIL'],
    [{ ...ok, email: ['room 1@example.com'] }, 'ERR_CSR_EMAIL'],
    [{ ...ok, email: ['a@b@example.com'] }, 'ERR_CSR_EMAIL'],
    [{ ...ok, email: ['rom@localhost'] }, 'ERR_CSR_EMAIL'],
    [{ ...ok, passphrase: '' }, 'ERR_KEY_PASSPHRASE_EMPTY'],
  ] as [CsrRequest, PkiErrorCode][])('refuses %j with %s', async (request, code) => {
    expect(await refusal(request)).toBe(code);
  });

  it('takes a 64-character CN and a wildcard DNS name', async () => {
    const made = await generateKeyAndCsr({ cn: 'x'.repeat(64), dns: ['*.Example.COM.'], passphrase: 'pw' });
    expect(made.subject.cn).toBe('x'.repeat(64));
    expect(made.san).toEqual({ dns: ['*.example.com'], email: [] });
  });
});

describe.skipIf(!systemHas('openssl'))('generateKeyAndCsr with openssl', () => {
  const pki = usePki();

  it('makes an encrypted P-256 key and a CSR that openssl verifies, with CN and SANs', async () => {
    const made = await generateKeyAndCsr({
      cn: 'Room 7, Bergen',
      dns: ['room7.example.com', 'room7.example.com', ' ROOM7.example.net '],
      email: ['room7@example.com'],
      passphrase: 'a passphrase',
    });
    expect(made.subject).toEqual({ cn: 'Room 7, Bergen' });
    expect(made.san).toEqual({
      dns: ['room7.example.com', 'room7.example.net'],
      email: ['room7@example.com'],
    });
    expect(made.keyPem).toMatch(
      /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END ENCRYPTED PRIVATE KEY-----\n$/,
    );
    expect(made.csrPem).toMatch(
      /^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE REQUEST-----\n$/,
    );

    writeFileSync(pki.path('new.csr'), made.csrPem);
    writeFileSync(pki.path('new.key'), made.keyPem);
    writeFileSync(pki.path('new.pass'), 'a passphrase');
    // `openssl req -verify` checks the request's self-signature; it fails with a non-zero status otherwise.
    const verified = opensslVerifiedSubject(pki.path('new.csr'), 'RFC2253');
    expect(verified.trim()).toBe('subject=CN=Room 7\\, Bergen');
    const text = openssl(['req', '-in', pki.path('new.csr'), '-noout', '-text']);
    expect(text).toContain('DNS:room7.example.com, DNS:room7.example.net, email:room7@example.com');
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');

    // The key decrypts with the passphrase, is P-256, and is the CSR's key.
    const pkey = (...more: string[]): string =>
      opensslKey(pki.path('new.key'), pki.path('new.pass'), ...more);
    expect(pkey('-noout', '-text')).toContain('ASN1 OID: prime256v1');
    const keyPub = pkey('-pubout');
    const csrPub = openssl(['req', '-in', pki.path('new.csr'), '-noout', '-pubkey']);
    expect(csrPub).toBe(keyPub);
    const spki = createPublicKey(keyPub).export({ type: 'spki', format: 'der' });
    expect(made.publicKeySha256).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(() => openssl(['pkey', '-in', pki.path('new.key'), '-passin', 'pass:wrong', '-noout'])).toThrow();
  });

  it('leaves the SAN extension out when there are no SANs', async () => {
    const made = await generateKeyAndCsr({ cn: 'Room 8', passphrase: 'pw' });
    writeFileSync(pki.path('nosan.csr'), made.csrPem);
    const text = openssl(['req', '-in', pki.path('nosan.csr'), '-verify', '-noout', '-text']);
    expect(text).not.toContain('Subject Alternative Name');
  });

  it('round trip: the CA issues on the CSR, and the certificate with the encrypted key is accepted', async () => {
    const made = await generateKeyAndCsr({
      cn: 'Room 9',
      dns: ['room9.example.com'],
      email: ['room9@example.com'],
      passphrase: 'pw9',
    });
    writeFileSync(pki.path('room9.csr'), made.csrPem);
    openssl(
      ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'int.pem', '-keyfile', 'int.key',
        '-in', 'room9.csr', '-out', 'room9.pem', '-extensions', 'device', '-days', '365'],
      pki.dir,
    ); // prettier-ignore
    const credentials = readCredentials({
      certPem: pki.text('room9.pem') + pki.text('int.pem'),
      keyPem: made.keyPem,
      passphrase: 'pw9',
    });
    const result = checkCredentials(credentials);
    expect(result.errors).toEqual([]);
    expect(result.report.subject.cn).toBe('Room 9');
    expect(buildAddPayload(credentials).payload.startsWith(pki.text('room9.pem') + pki.text('int.pem'))).toBe(
      true,
    );
  });
});
