import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueP256Leaf, openssl, opensslSha1, selfSigned } from '../helpers/openssl.js';

/** Certificates and keys made with openssl at test time (never committed). */
/** The client secret the simulator tests seal their blobs with. */
export const SECRET = 'ossifrage-0123456789';

/** `s` (UTF-8) in base64url, as the cloud carries a blob or a secret. */
export const b64u = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

export interface CertFixtures {
  /** P-256 device certificate signed by an RSA CA, with its key and the CA certificate. */
  leaf: { cert: string; key: string; sha1: string; notAfter: string };
  ca: { cert: string };
  /** A P-384 self-signed certificate and key (the device refuses it for WebexIdentity). */
  p384: { cert: string; key: string; sha1: string };
  /** An RSA self-signed certificate and key (fine for HTTPS, not for WebexIdentity). */
  rsa: { cert: string; key: string; sha1: string };
  /** A P-256 key that belongs to no certificate here. */
  strayKey: string;
}

/** Makes the fixture set in a temporary directory and removes it again. */
export function makeCerts(): CertFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'sim-certs-'));
  try {
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    issueP256Leaf(dir, '/C=US/O=Test CA/CN=Test Root', '/CN=roomkit.example.com/O=Example');
    selfSigned(dir, 'p384', '/CN=p384.example.com', 10, [
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
    ]);
    selfSigned(dir, 'rsa', '/CN=rsa.example.com', 10);
    openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'stray.key']);
    const notAfter = openssl(dir, ['x509', '-in', 'leaf.pem', '-noout', '-enddate'])
      .replace(/^notAfter=/, '')
      .trim();
    return {
      leaf: { cert: read('leaf.pem'), key: read('leaf.key'), sha1: opensslSha1(dir, 'leaf.pem'), notAfter },
      ca: { cert: read('ca.pem') },
      p384: { cert: read('p384.pem'), key: read('p384.key'), sha1: opensslSha1(dir, 'p384.pem') },
      rsa: { cert: read('rsa.pem'), key: read('rsa.key'), sha1: opensslSha1(dir, 'rsa.pem') },
      strayKey: read('stray.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
