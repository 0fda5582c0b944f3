import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createHash, webcrypto } from 'node:crypto';
import { PkiError } from './errors.js';
import { x509 } from './x509.js';

export interface CsrRequest {
  /** The subject CN: the identity others in the meeting will see. */
  cn: string;
  /** DNS names for the subjectAltName extension. */
  dns?: readonly string[];
  /** Email addresses for the subjectAltName extension. */
  email?: readonly string[];
  /** Encrypts the new private key (PKCS#8, AES-256-CBC). Not empty. */
  passphrase: string;
}

export interface KeyAndCsr {
  /** The new ECDSA P-256 private key, encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`). */
  keyPem: string;
  /** The PKCS#10 request, PEM (`-----BEGIN CERTIFICATE REQUEST-----`), signed with ECDSA SHA-256. */
  csrPem: string;
  /** What the request asks for, after normalization (trimmed, duplicates removed). */
  subject: { cn: string };
  san: { dns: string[]; email: string[] };
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), lower-case hex: ties the later certificate to this key. */
  publicKeySha256: string;
}

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * Generates a new ECDSA P-256 key pair and a PKCS#10 CSR carrying the CN and the SANs, for a technician to send
 * to a CA. The key comes back encrypted with the passphrase; it never exists in clear outside this call.
 */
export async function generateKeyAndCsr(request: CsrRequest): Promise<KeyAndCsr> {
  const cn = checkCn(request.cn);
  const dns = unique((request.dns ?? []).map(checkDns));
  const email = unique((request.email ?? []).map(checkEmail));
  if (typeof request.passphrase !== 'string' || request.passphrase.length === 0) {
    throw new PkiError(
      'ERR_KEY_PASSPHRASE_EMPTY',
      'The new private key must be encrypted with a passphrase, and the passphrase is empty. Give one and keep it safe.',
    );
  }

  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const sans: x509.JsonGeneralNames = [
    ...dns.map((value) => ({ type: 'dns' as const, value })),
    ...email.map((value) => ({ type: 'email' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    // The JSON form, so that a CN holding commas or '=' is one value, never parsed as more RDNs.
    name: [{ CN: [cn] }],
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : [],
  });

  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey: KeyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  pkcs8.fill(0);
  const keyPem = privateKey.export({
    format: 'pem',
    type: 'pkcs8',
    cipher: 'aes-256-cbc',
    passphrase: request.passphrase,
  }) as string;
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));

  return {
    keyPem,
    csrPem: csr.toString('pem').replace(/\r\n/g, '\n').trim() + '\n',
    subject: { cn },
    san: { dns, email },
    publicKeySha256: createHash('sha256').update(spki).digest('hex'),
  };
}

function checkCn(value: string): string {
  const cn = typeof value === 'string' ? value.trim() : '';
  // X.520 ub-common-name is 64 characters.
  if (cn.length === 0 || cn.length > 64 || /[\p{Cc}]/u.test(cn)) {
    throw new PkiError(
      'ERR_CSR_CN',
      cn.length === 0
        ? 'The CN is empty. Give the name others in the meeting should see for this device.'
        : cn.length > 64
          ? `The CN is ${cn.length} characters long; a certificate's CN holds at most 64.`
          : 'The CN holds control characters; give plain text.',
      { length: cn.length },
    );
  }
  return cn;
}

function checkDns(value: string): string {
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  const labels = name.startsWith('*.') ? name.slice(2).split('.') : name.split('.');
  // SAN DNS names are IA5String: a name in another script goes in its punycode (xn--) form.
  if (name.length === 0 || name.length > 253 || !labels.every((l) => DNS_LABEL.test(l))) {
    throw new PkiError(
      'ERR_CSR_DNS',
      `${JSON.stringify(value)} is not a DNS name (letters, digits and hyphens in dot-separated labels; an international name in its xn-- form).`,
      { value },
    );
  }
  return name;
}

function checkEmail(value: string): string {
  const address = value.trim();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  // rfc822Name is IA5String: ASCII only, one local part, a domain.
  if (
    at <= 0 ||
    local.length > 64 ||
    !/^[\x21-\x7e]+$/.test(local) ||
    local.includes('@') ||
    !domain.split('.').every((l) => DNS_LABEL.test(l)) ||
    !domain.includes('.')
  ) {
    throw new PkiError(
      'ERR_CSR_EMAIL',
      `${JSON.stringify(value)} is not an email address (name@example.com).`,
      {
        value,
      },
    );
  }
  return address;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
