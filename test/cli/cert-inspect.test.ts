import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { PASSPHRASE, usePki, opensslFingerprint } from '../core/pki/fixtures.js';

interface InspectJson {
  ok: boolean;
  subject: { cn: string | null };
  san: { dns: string[]; email: string[] };
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  fingerprints: { sha1: string; sha256: string };
  key: { type: string; curve: string | null };
  keyMatches: boolean | null;
  errors: { code: string; message: string }[];
  warnings: { code: string; message: string }[];
  chain: { verifies: boolean };
}

describe.skipIf(!systemHas('openssl'))('e2ee-prov cert inspect', () => {
  const pki = usePki();
  let pass: string;
  beforeAll(() => {
    pass = pki.path('pass.txt');
    writeFileSync(pass, PASSPHRASE + '\n'); // one trailing newline, as an editor leaves it
    writeFileSync(pki.path('wrong.txt'), 'wrong\n');
  });

  const inspectJson = async (...args: string[]) => {
    const r = await runCli(['cert', 'inspect', '--json', ...args]);
    return { status: r.status, stderr: r.stderr, json: JSON.parse(r.stdout.toString('utf8')) as InspectJson };
  };
  /** `inspectJson` of the certificate file `cert` with the key file `key` (both in the test PKI), and `more`. */
  const inspectPair = (cert: string, key: string, ...more: string[]) =>
    inspectJson('--cert', pki.path(cert), '--key', pki.path(key), ...more);

  it('--json: one object with the facts, exit 0 for an acceptable pair', async () => {
    const { status, stderr, json } = await inspectPair('dev.pem', 'dev.key');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(json).toMatchObject({
      ok: true,
      subject: { cn: 'Room 1, Oslo' },
      san: { dns: ['room1.example.com', 'room1.example.net'], email: ['room1@example.com'] },
      issuer: 'CN=Test Intermediate CA, O=Example Rooms, C=US',
      fingerprints: {
        sha1: opensslFingerprint(pki.path('dev.pem'), 'sha1'),
        sha256: opensslFingerprint(pki.path('dev.pem'), 'sha256'),
      },
      key: { type: 'EC', curve: 'P-256' },
      keyMatches: true,
      errors: [],
      warnings: [],
    });
    expect(json.serial).toMatch(/^[0-9A-F]+$/);
    expect(new Date(json.notBefore).toISOString()).toBe(json.notBefore);
    expect(new Date(json.notAfter).toISOString()).toBe(json.notAfter);
  });

  it('reads a PKCS#12 file with its password from --passphrase-file', async () => {
    const files = pki.legacyP12 ? ['dev.p12', 'dev-legacy.p12'] : ['dev.p12'];
    for (const file of files) {
      const { status, json } = await inspectJson('--cert', pki.path(file), '--passphrase-file', pass);
      expect(status).toBe(0);
      expect(json.fingerprints.sha1).toBe(opensslFingerprint(pki.path('dev.pem'), 'sha1'));
      expect(json.chain.verifies).toBe(true);
    }
  });

  it('a PKCS#12 file with a wrong password: exit 1, the code on stderr', async () => {
    const r = await runCli([
      'cert',
      'inspect',
      '--cert',
      pki.path('dev.p12'),
      '--passphrase-file',
      pki.path('wrong.txt'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ERR_P12_PASSWORD_WRONG The password does not open the PKCS#12 file\..*\n$/);
    expect(r.stdout.length).toBe(0);
  });

  it('an encrypted key without a passphrase and no terminal: exit 1, ERR_KEY_PASSPHRASE_REQUIRED', async () => {
    const { status, stderr, json } = await inspectPair('dev.pem', 'dev-enc.key');
    expect(status).toBe(1);
    expect(stderr).toMatch(/^ERR_KEY_PASSPHRASE_REQUIRED /);
    expect(json.errors.map((e) => e.code)).toEqual(['ERR_KEY_PASSPHRASE_REQUIRED']);
    expect(json.keyMatches).toBeNull();
    const good = await inspectPair('dev.pem', 'dev-enc.key', '--passphrase-file', pass);
    expect(good.status).toBe(0);
  });

  it.each([
    ['rsa.pem', 'rsa.key', 'ERR_CERT_KEY_NOT_P256'],
    ['p384.pem', 'p384.key', 'ERR_CERT_KEY_NOT_P256'],
    ['ed25519.pem', 'ed25519.key', 'ERR_CERT_KEY_NOT_P256'],
    ['dev.pem', 'other.key', 'ERR_CERT_KEY_MISMATCH'],
    ['expired.pem', 'dev.key', 'ERR_CERT_EXPIRED'],
    ['future.pem', 'dev.key', 'ERR_CERT_NOT_YET_VALID'],
  ])('%s with %s: exit 1, %s', async (cert, key, code) => {
    const { status, stderr, json } = await inspectPair(cert, key);
    expect(status).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.errors.map((e) => e.code)).toEqual([code]);
    expect(stderr).toBe(`${code} ${json.errors[0]!.message}\n`);
  });

  it('warnings alone still exit 0', async () => {
    const soon = await inspectPair('soon.pem', 'dev.key');
    expect(soon.status).toBe(0);
    expect(soon.json.warnings.map((w) => w.code)).toEqual(['WARN_CERT_EXPIRING_SOON']);
    const self = await inspectPair('self.pem', 'dev.key');
    expect(self.status).toBe(0);
    expect(self.json.warnings.map((w) => w.code)).toEqual(['WARN_CERT_SELF_SIGNED']);
  });

  it('a certificate without its key is not an acceptable pair: exit 1, ERR_KEY_MISSING', async () => {
    const { status, json } = await inspectJson('--cert', pki.path('dev.pem'));
    expect(status).toBe(1);
    expect(json.errors.map((e) => e.code)).toEqual(['ERR_KEY_MISSING']);
  });

  it('prints a readable summary without --json', async () => {
    const r = await runCli(['cert', 'inspect', '--cert', pki.path('combined-full.pem')]);
    expect(r.status).toBe(0);
    const out = r.stdout.toString('utf8');
    expect(out).toContain('Subject CN          Room 1, Oslo\n');
    expect(out).toContain('SAN DNS             room1.example.com, room1.example.net\n');
    expect(out).toContain(`SHA-1               ${opensslFingerprint(pki.path('dev.pem'), 'sha1')}\n`);
    expect(out).toContain(`SHA-256             ${opensslFingerprint(pki.path('dev.pem'), 'sha256')}\n`);
    expect(out).toContain('Key                 EC P-256\n');
    expect(out).toContain('Private key         pkcs8, matches the certificate\n');
    expect(out).toContain('device > intermediate > root; verifies up to its last certificate');
    expect(out.endsWith('Acceptable for the device.\n')).toBe(true);

    const bad = await runCli([
      'cert',
      'inspect',
      '--cert',
      pki.path('rsa.pem'),
      '--key',
      pki.path('rsa.key'),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stdout.toString('utf8')).toContain('error    ERR_CERT_KEY_NOT_P256  ');
    expect(bad.stdout.toString('utf8').endsWith('NOT acceptable for the device.\n')).toBe(true);
  });

  it('usage errors exit 2; an unreadable file exits 1', async () => {
    const none = await runCli(['cert', 'inspect']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^ERR_USAGE --cert is required\. Usage: e2ee-prov cert inspect /);
    const missing = await runCli(['cert', 'inspect', '--cert', pki.path('nope.pem')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^ERR_INPUT_READ /);
    const garbage = await runCli(['cert', 'inspect', '--cert', pki.path('ca.cnf')]);
    expect(garbage.status).toBe(1);
    expect(garbage.stderr).toMatch(/^ERR_CERT_PARSE /);
  });
});
