import { existsSync, readFileSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { readCredentials } from '../../src/core/pki/index.js';
import { systemHas } from '../helpers/system.js';
import { PASSPHRASE, usePki } from '../core/pki/fixtures.js';

/** A terminal on stdin that types `answers` one by one, each when a prompt appears on stderr. */
function terminal(answers: string[]): { io: CliIO; out: () => string; err: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => {
    const text = c.toString('utf8');
    err += text;
    if (/: $/.test(text) && answers.length) {
      const answer = answers.shift()!;
      setImmediate(() => stdin.write(answer + '\r'));
    }
  });
  return { io: { stdin, stdout, stderr, env: {} }, out: () => out, err: () => err };
}

describe.skipIf(!systemHas('openssl'))('cert commands at a terminal', () => {
  const pki = usePki();

  it('inspect asks for the passphrase of an encrypted key, hidden', async () => {
    const t = terminal([PASSPHRASE]);
    const status = await runCli(
      ['cert', 'inspect', '--cert', pki.path('dev.pem'), '--key', pki.path('dev-enc.key')],
      t.io,
    );
    expect(t.err()).toContain('Passphrase (for the key or the PKCS#12 file): ');
    expect(t.err()).not.toContain(PASSPHRASE);
    expect(status).toBe(0);
    expect(t.out()).toContain('Private key         encrypted-pkcs8 (decrypted), matches the certificate\n');
  });

  it('inspect asks for the password of a PKCS#12 file; a wrong one is ERR_P12_PASSWORD_WRONG', async () => {
    const good = terminal([PASSPHRASE]);
    expect(await runCli(['cert', 'inspect', '--cert', pki.path('dev.p12')], good.io)).toBe(0);
    const bad = terminal(['nope']);
    expect(await runCli(['cert', 'inspect', '--cert', pki.path('dev.p12')], bad.io)).toBe(1);
    expect(bad.err()).toMatch(/\nERR_P12_PASSWORD_WRONG /);
  });

  it('csr asks twice for the new passphrase, and writes nothing when the two differ', async () => {
    const differ = terminal(['one', 'two']);
    const args = [
      'cert',
      'csr',
      '--cn',
      'Room 20',
      '--key-out',
      pki.path('r20.key'),
      '--csr-out',
      pki.path('r20.csr'),
    ];
    expect(await runCli(args, differ.io)).toBe(1);
    expect(differ.err()).toContain('ERR_SECRET_SOURCE The two passphrases differ; nothing was written.\n');
    expect(existsSync(pki.path('r20.key'))).toBe(false);

    const same = terminal(['twenty', 'twenty']);
    expect(await runCli(args, same.io)).toBe(0);
    if (process.platform !== 'win32') expect(statSync(pki.path('r20.key')).mode & 0o777).toBe(0o600);
    const key = readFileSync(pki.path('r20.key'), 'utf8');
    // The key opens with the passphrase typed, and not with the other one.
    expect(() =>
      readCredentials({ certPem: pki.text('dev.pem'), keyPem: key, passphrase: 'twenty' }),
    ).not.toThrow();
    expect(() => readCredentials({ certPem: pki.text('dev.pem'), keyPem: key, passphrase: 'one' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_PASSPHRASE_WRONG' }),
    );
  });
});
