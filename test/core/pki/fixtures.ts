import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perSuite } from '../../helpers/suite.js';

/** The passphrase of every encrypted key and PKCS#12 file the fixture makes. */
export const PASSPHRASE = 'correct horse battery';

/**
 * A small PKI made with openssl at test time: an RSA root, an RSA intermediate, good P-256 device certificates,
 * and every bad case (RSA, P-384 and Ed25519 keys, a mismatched key, expired, not yet valid, expiring soon,
 * self-signed), in every input form (PKCS#8, SEC1, encrypted PKCS#8, legacy-encrypted SEC1, combined PEM files,
 * PKCS#12 default and legacy).
 */
export interface Pki {
  dir: string;
  path(name: string): string;
  text(name: string): string;
  bytes(name: string): Buffer;
  /** Whether `openssl pkcs12 -legacy` works here (it needs OpenSSL 3's legacy provider). */
  legacyP12: boolean;
  cleanup(): void;
}

export function openssl(args: string[], cwd?: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `openssl pkey` on the encrypted key `keyPath`, with the passphrase in the file `passFile`, then `more`. */
export function opensslKey(keyPath: string, passFile: string, ...more: string[]): string {
  return openssl(['pkey', '-in', keyPath, '-passin', `file:${passFile}`, ...more]);
}

/** `openssl req -verify` of the CSR `csrPath`: its subject, printed with `nameopt`. */
export function opensslVerifiedSubject(csrPath: string, nameopt: string): string {
  return openssl(['req', '-in', csrPath, '-verify', '-noout', '-subject', '-nameopt', nameopt]);
}

/** `openssl x509 -fingerprint` as the device lists it: lower-case hex, no colons. */
export function opensslFingerprint(certPath: string, digest: 'sha1' | 'sha256'): string {
  const out = openssl(['x509', '-in', certPath, '-noout', '-fingerprint', `-${digest}`]);
  return out.trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
}

const DAY = 86_400_000;

/** openssl ca's date form, YYYYMMDDHHMMSSZ. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The test PKI of a suite (call inside its `describe`): made before its first test, removed after its last. */
export function usePki(): Pki {
  return perSuite(makePki, (pki) => pki.cleanup());
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'e2ee-pki-'));
  const p = (name: string): string => join(dir, name);
  const run = (args: string[]): string => openssl(args, dir);
  const cat = (out: string, ...names: string[]): void =>
    writeFileSync(p(out), names.map((n) => readFileSync(p(n), 'utf8')).join(''));

  writeFileSync(
    p('ca.cnf'),
    [
      '[req]',
      'distinguished_name = req_dn',
      '[req_dn]',
      '[ca]',
      'default_ca = testca',
      '[testca]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/issued',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = anything',
      'unique_subject = no',
      'copy_extensions = none',
      'email_in_dn = no',
      '[anything]',
      'commonName = optional',
      'organizationName = optional',
      'countryName = optional',
      '[v3_ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '[device]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = clientAuth, serverAuth',
      'subjectAltName = DNS:room1.example.com, DNS:room1.example.net, email:room1@example.com',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '[device_nosan]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical, keyEncipherment',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  writeFileSync(p('index.txt'), '');
  writeFileSync(p('serial'), '1000\n');
  run(['version']);
  execFileSync('mkdir', ['-p', p('issued')]);

  const now = Date.now();
  const ca = (
    csr: string,
    out: string,
    signer: 'root' | 'int',
    ext: string,
    from: number,
    to: number,
  ): void => {
    run([
      'ca', '-batch', '-notext', '-config', 'ca.cnf',
      '-cert', `${signer}.pem`, '-keyfile', `${signer}.key`,
      '-in', csr, '-out', out, '-extensions', ext,
      '-startdate', stamp(new Date(from)), '-enddate', stamp(new Date(to)),
    ]); // prettier-ignore
  };
  const csr = (key: string, out: string, cn: string): void => {
    run(['req', '-new', '-key', key, '-subj', `/C=US/O=Example Rooms/CN=${cn}`, '-out', out]);
  };

  // The CA: an RSA root and an RSA intermediate (the device accepts a CA that signs with RSA).
  run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'root.key']);
  run([
    'req', '-x509', '-new', '-key', 'root.key', '-subj', '/C=US/O=Test CA/CN=Test Root CA',
    '-days', '3650', '-config', 'ca.cnf', '-extensions', 'v3_ca', '-out', 'root.pem',
  ]); // prettier-ignore
  run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'int.key']);
  csr('int.key', 'int.csr', 'Test Intermediate CA');
  ca('int.csr', 'int.pem', 'root', 'v3_ca', now - 2 * DAY, now + 3000 * DAY);

  // Good P-256 device keys and certificates.
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'dev.key']);
  csr('dev.key', 'dev.csr', 'Room 1, Oslo');
  ca('dev.csr', 'dev.pem', 'int', 'device', now - DAY, now + 365 * DAY);
  run(['ec', '-in', 'dev.key', '-out', 'dev-sec1.key']);
  run([
    'pkcs8',
    '-topk8',
    '-in',
    'dev.key',
    '-v2',
    'aes-256-cbc',
    '-passout',
    `pass:${PASSPHRASE}`,
    '-out',
    'dev-enc.key',
  ]);
  run(['ec', '-in', 'dev.key', '-aes256', '-passout', `pass:${PASSPHRASE}`, '-out', 'dev-legacy-enc.key']);
  cat('chain.pem', 'int.pem', 'root.pem');
  cat('combined-cert-key.pem', 'dev.pem', 'dev.key');
  cat('combined-key-cert.pem', 'dev-sec1.key', 'dev.pem');
  cat('combined-full.pem', 'dev.pem', 'int.pem', 'root.pem', 'dev.key');
  cat('combined-shuffled.pem', 'root.pem', 'dev-enc.key', 'int.pem', 'dev.pem');
  cat('combined-leaf-int.pem', 'dev.pem', 'int.pem');
  cat('dev-crlf-src.pem', 'dev.pem', 'int.pem', 'dev.key');
  writeFileSync(p('combined-crlf.pem'), readFileSync(p('dev-crlf-src.pem'), 'utf8').replace(/\n/g, '\r\n'));
  openssl(['x509', '-in', p('dev.pem'), '-outform', 'DER', '-out', p('dev.der')]);

  // PKCS#12: OpenSSL 3's default (PBES2, AES-256) and the legacy one (RC2/3DES), with the chain.
  run([
    'pkcs12', '-export', '-in', 'dev.pem', '-inkey', 'dev.key', '-certfile', 'chain.pem',
    '-passout', `pass:${PASSPHRASE}`, '-out', 'dev.p12',
  ]); // prettier-ignore
  let legacyP12 = true;
  try {
    run([
      'pkcs12', '-export', '-legacy', '-in', 'dev.pem', '-inkey', 'dev.key', '-certfile', 'chain.pem',
      '-passout', `pass:${PASSPHRASE}`, '-out', 'dev-legacy.p12',
    ]); // prettier-ignore
  } catch {
    legacyP12 = false;
  }

  // Bad keys: RSA, P-384, Ed25519 device certificates; an unrelated P-256 key.
  run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key']);
  csr('rsa.key', 'rsa.csr', 'Room RSA');
  ca('rsa.csr', 'rsa.pem', 'int', 'device', now - DAY, now + 365 * DAY);
  run([
    'pkcs12',
    '-export',
    '-in',
    'rsa.pem',
    '-inkey',
    'rsa.key',
    '-passout',
    `pass:${PASSPHRASE}`,
    '-out',
    'rsa.p12',
  ]);
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key']);
  csr('p384.key', 'p384.csr', 'Room P384');
  ca('p384.csr', 'p384.pem', 'int', 'device', now - DAY, now + 365 * DAY);
  run(['genpkey', '-algorithm', 'ED25519', '-out', 'ed25519.key']);
  csr('ed25519.key', 'ed25519.csr', 'Room Ed25519');
  ca('ed25519.csr', 'ed25519.pem', 'int', 'device', now - DAY, now + 365 * DAY);
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other.key']);

  // Validity: expired, not yet valid, expiring in 10 days.
  ca('dev.csr', 'expired.pem', 'int', 'device', now - 400 * DAY, now - 35 * DAY);
  ca('dev.csr', 'future.pem', 'int', 'device', now + 10 * DAY, now + 400 * DAY);
  ca('dev.csr', 'soon.pem', 'int', 'device', now - 300 * DAY, now + 10 * DAY);
  ca('dev.csr', 'nosan.pem', 'int', 'device_nosan', now - DAY, now + 365 * DAY);

  // Self-signed P-256, and a chain with a certificate from elsewhere.
  run([
    'req', '-x509', '-new', '-key', 'dev.key', '-subj', '/CN=Room 1 self-signed', '-days', '90',
    '-addext', 'subjectAltName=DNS:room1.example.com', '-out', 'self.pem',
  ]); // prettier-ignore
  run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'stranger.key']);
  run([
    'req',
    '-x509',
    '-new',
    '-key',
    'stranger.key',
    '-subj',
    '/CN=Stranger Root',
    '-days',
    '30',
    '-out',
    'stranger.pem',
  ]);
  cat('combined-broken-chain.pem', 'dev.pem', 'int.pem', 'stranger.pem', 'dev.key');

  return {
    dir,
    path: p,
    text: (name) => readFileSync(p(name), 'utf8'),
    bytes: (name) => readFileSync(p(name)),
    legacyP12,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
