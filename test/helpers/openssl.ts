import { execFileSync } from 'node:child_process';

/** Runs openssl in `dir` and returns its standard output. */
export function openssl(dir: string, args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
}

/** A certificate file's SHA-1 as openssl computes it, lower-case hex without colons (as the device lists it). */
export function opensslSha1(dir: string, file: string): string {
  const out = openssl(dir, ['x509', '-in', file, '-noout', '-fingerprint', '-sha1']);
  return out.replace(/^.*=/, '').trim().replace(/:/g, '').toLowerCase();
}

/**
 * Makes, in `dir`, a self-signed certificate `<name>.pem` for `subject`, valid for `days`, with a new
 * unencrypted key `<name>.key` (`newKey`: openssl's `-newkey` and `-pkeyopt` arguments; RSA-2048 by
 * default).
 */
export function selfSigned(
  dir: string,
  name: string,
  subject: string,
  days: number,
  newKey: string[] = ['-newkey', 'rsa:2048'],
): void {
  const out = ['-keyout', `${name}.key`, '-out', `${name}.pem`];
  openssl(dir, ['req', '-x509', ...newKey, '-nodes', ...out, '-subj', subject, '-days', String(days)]);
}

/**
 * Makes, in `dir`, a throwaway RSA root (`ca.pem`, `ca.key`, subject `caSubject`) and a P-256 device
 * certificate it signs (`leaf.pem`, `leaf.key`, subject `leafSubject`), valid for 10 days.
 */
export function issueP256Leaf(dir: string, caSubject: string, leafSubject: string): void {
  selfSigned(dir, 'ca', caSubject, 30);
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'leaf.key']);
  openssl(dir, ['req', '-new', '-key', 'leaf.key', '-subj', leafSubject, '-out', 'leaf.csr']);
  openssl(dir, [
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
}
