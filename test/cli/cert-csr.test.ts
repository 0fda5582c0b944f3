import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, succeeded } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { usePki, openssl, opensslKey, opensslVerifiedSubject } from '../core/pki/fixtures.js';

describe.skipIf(!systemHas('openssl'))('e2ee-prov cert csr', () => {
  const pki = usePki();
  let pass: string;
  beforeAll(() => {
    pass = pki.path('csr-pass.txt');
    writeFileSync(pass, 'key passphrase\n');
  });

  it('writes an encrypted P-256 key (0600) and a CSR that openssl req -verify accepts', async () => {
    const r = await runCli([
      'cert', 'csr', '--cn', 'Room 12, Tromsø', '--dns', 'room12.example.com', '--dns', 'room12.example.net',
      '--email', 'room12@example.com', '--key-out', pki.path('r12.key'), '--csr-out', pki.path('r12.csr'),
      '--passphrase-file', pass,
    ]); // prettier-ignore
    const out = succeeded(r);
    expect(out).toContain(`to ${pki.path('r12.key')}\n`);
    expect(out).toContain('  CN          Room 12, Tromsø\n');
    expect(out).toContain('  SAN DNS     room12.example.com, room12.example.net\n');
    expect(out).toContain('  SAN email   room12@example.com\n');

    if (process.platform !== 'win32') expect(statSync(pki.path('r12.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(pki.path('r12.key'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const subject = opensslVerifiedSubject(pki.path('r12.csr'), 'RFC2253,-esc_msb');
    expect(subject.trim()).toBe('subject=CN=Room 12\\, Tromsø');
    const text = openssl(['req', '-in', pki.path('r12.csr'), '-noout', '-text']);
    expect(text).toContain('DNS:room12.example.com, DNS:room12.example.net, email:room12@example.com');
    // The passphrase is the file's content without its trailing newline.
    writeFileSync(pki.path('exact-pass.txt'), 'key passphrase');
    const keyPub = opensslKey(pki.path('r12.key'), pki.path('exact-pass.txt'), '-pubout');
    expect(openssl(['req', '-in', pki.path('r12.csr'), '-noout', '-pubkey'])).toBe(keyPub);
    // Nothing left behind but the two files.
    expect(readdirSync(pki.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('takes the passphrase from standard input with --passphrase-file -', async () => {
    const r = await runCli(
      [
        'cert',
        'csr',
        '--cn',
        'Room 13',
        '--key-out',
        pki.path('r13.key'),
        '--csr-out',
        pki.path('r13.csr'),
        '--passphrase-file',
        '-',
      ],
      'from stdin\n',
    );
    expect(r.status).toBe(0);
    writeFileSync(pki.path('r13-pass.txt'), 'from stdin');
    expect(() =>
      openssl(['pkey', '-in', pki.path('r13.key'), '-passin', `file:${pki.path('r13-pass.txt')}`, '-noout']),
    ).not.toThrow();
  });

  it('never overwrites: an existing key or CSR file is refused before anything is made', async () => {
    writeFileSync(pki.path('taken.key'), 'precious\n');
    /** `cert csr` for Room 14, its key and CSR to the files `key` and `csr`. */
    const room14 = (key: string, csr: string) =>
      runCli([
        'cert',
        'csr',
        '--cn',
        'Room 14',
        '--key-out',
        key,
        '--csr-out',
        csr,
        '--passphrase-file',
        pass,
      ]);
    const r = await room14(pki.path('taken.key'), pki.path('r14.csr'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ERR_OUTPUT_WRITE The key output ${pki.path('taken.key')} already exists, and it is never overwritten. Choose another path, or move the old file away first.\n`,
    );
    expect(readFileSync(pki.path('taken.key'), 'utf8')).toBe('precious\n');
    expect(existsSync(pki.path('r14.csr'))).toBe(false);

    writeFileSync(pki.path('taken.csr'), 'old csr\n');
    const c = await room14(pki.path('r14.key'), pki.path('taken.csr'));
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/^ERR_OUTPUT_WRITE The CSR output .* already exists/);
    expect(existsSync(pki.path('r14.key'))).toBe(false);
    expect(readFileSync(pki.path('taken.csr'), 'utf8')).toBe('old csr\n');
  });

  it('refuses bad input with the pki codes, and usage errors with exit 2', async () => {
    const outputs = ['--key-out', pki.path('x.key'), '--csr-out', pki.path('x.csr')];
    const base = ['cert', 'csr', ...outputs, '--passphrase-file', pass];
    const email = await runCli([...base, '--cn', 'Room', '--email', 'not-an-address']);
    expect(email.status).toBe(1);
    expect(email.stderr).toMatch(/^ERR_CSR_EMAIL "not-an-address" is not an email address/);
    const dns = await runCli([...base, '--cn', 'Room', '--dns', 'bad name']);
    expect(dns.stderr).toMatch(/^ERR_CSR_DNS /);
    const cn = await runCli([...base, '--cn', '']);
    expect(cn.stderr).toMatch(/^ERR_CSR_CN /);
    const emptyPass = pki.path('empty-pass.txt');
    writeFileSync(emptyPass, '\n');
    const empty = await runCli(['cert', 'csr', '--cn', 'Room', ...outputs, '--passphrase-file', emptyPass]);
    expect(empty.stderr).toMatch(/^ERR_KEY_PASSPHRASE_EMPTY /);
    expect(existsSync(pki.path('x.key'))).toBe(false);

    const noCn = await runCli(['cert', 'csr', ...outputs]);
    expect(noCn.status).toBe(2);
    expect(noCn.stderr).toMatch(/^ERR_USAGE --cn is required\./);
    const key = pki.path('x.key');
    const same = await runCli(['cert', 'csr', '--cn', 'R', '--key-out', key, '--csr-out', key]);
    expect(same.status).toBe(2);
    const noTty = await runCli(['cert', 'csr', '--cn', 'R', ...outputs]);
    expect(noTty.status).toBe(1);
    expect(noTty.stderr).toMatch(/^ERR_SECRET_SOURCE /);
    expect(existsSync(pki.path('x.key'))).toBe(false);
  });
});
