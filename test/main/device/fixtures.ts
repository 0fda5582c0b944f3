import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A P-256 device certificate signed by a throwaway RSA CA, made with openssl at test time. */
export interface DeviceCert {
  cert: string;
  key: string;
  /** SHA-1, lower-case hex, as openssl computes it (the oracle for the device's Show). */
  sha1: string;
  subject: string;
}

export function makeDeviceCert(cn = 'roomkit.example.com'): DeviceCert {
  const dir = mkdtempSync(join(tmpdir(), 'dev-certs-'));
  const run = (args: string[]): string =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
  try {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-subj',
      '/O=Test CA/CN=Test Root',
      '-days',
      '30',
    ]);
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'leaf.key']);
    run(['req', '-new', '-key', 'leaf.key', '-subj', `/CN=${cn}`, '-out', 'leaf.csr']);
    run([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '10',
      '-out',
      'leaf.pem',
    ]);
    const sha1 = run(['x509', '-in', 'leaf.pem', '-noout', '-fingerprint', '-sha1'])
      .replace(/^.*=/, '')
      .trim()
      .replace(/:/g, '')
      .toLowerCase();
    return {
      cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
      key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
      sha1,
      subject: `CN=${cn}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
