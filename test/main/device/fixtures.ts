import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueP256Leaf, opensslSha1 } from '../../helpers/openssl.js';

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
  try {
    issueP256Leaf(dir, '/O=Test CA/CN=Test Root', `/CN=${cn}`);
    const sha1 = opensslSha1(dir, 'leaf.pem');
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
