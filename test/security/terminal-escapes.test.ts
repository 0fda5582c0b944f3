/**
 * Security item 6: terminal escapes from certificate fields. A CN holding `ESC ] 0 ; … BEL` (a window
 * title), colours, a newline and a C1 CSI reached the terminal raw in `cert inspect`, the provision
 * narration and `inventory`. Every device- or file-sourced string is printed inert (`\x1b`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { guardStream, rawStream } from '../../src/cli/io.js';
import { inert, inertText } from '../../src/core/inert.js';
import { makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { issueEvilCert } from './evil-cert.js';

// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const SHOWN = 'evil\\x1b]0;pwned\\x07\\x1b[31mred\\x1b[0m\\x0aFAKE LINE\\u009b2J';

let dir: string;
let cert: string;
const service = `e2ee-test-sec-esc-${process.pid}`;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sec-esc-'));
  cert = join(dir, 'evil.pem');
  writeFileSync(cert, await issueEvilCert(await makeDemoPki('ESC')));
});
afterAll(async () => {
  if (systemHas('keyring')) {
    const store = new KeychainSecretStore({ service });
    for (const s of await store.list()) await store.delete(s.serial);
  }
  rmSync(dir, { recursive: true, force: true });
});

function expectInert(text: string): void {
  expect(text).not.toMatch(RAW);
  expect(text.split('\n').some((l) => l.startsWith('FAKE LINE'))).toBe(false);
}

describe('strings from certificates and devices reach the terminal inert', () => {
  it('inert / inertText', () => {
    expect(inert('a\u001b[2Jb\nc\td\u0085e\u2028f\u202eg')).toBe(
      'a\\x1b[2Jb\\x0ac\\x09d\\u0085e\\u2028f\\u202eg',
    );
    expect(inertText('line 1\n\tline 2\u001b]0;x\u0007\r')).toBe('line 1\n\tline 2\\x1b]0;x\\x07\\x0d');
    expect(inert('Ünïcödé 한국어 ✓')).toBe('Ünïcödé 한국어 ✓');
  });

  it('the CLI’s guard: text made inert, bytes as they are; readline gets the raw stream', async () => {
    const got: (string | Buffer)[] = [];
    const raw = new Writable({
      decodeStrings: false,
      write: (c: string | Buffer, _e, cb) => {
        got.push(c);
        cb();
      },
    });
    const guarded = guardStream(raw);
    guarded.write('a\u001b[2Jb\n');
    guarded.write(Buffer.from('\u001b[2J'));
    expect(got[0]).toBe('a\\x1b[2Jb\n');
    expect(Buffer.isBuffer(got[1]) && got[1].toString()).toBe('\u001b[2J');
    expect(rawStream(guarded)).toBe(raw);
    expect(rawStream(raw)).toBe(raw);
  });

  it('cert inspect: the CN is shown escaped, on its own line; --json stays JSON with the value intact', async () => {
    const r = await runCli(['cert', 'inspect', '--cert', cert], '', {});
    const out = r.stdout.toString();
    expectInert(out);
    expectInert(r.stderr);
    expect(out).toContain(`Subject CN          ${SHOWN}\n`);
    const j = await runCli(['cert', 'inspect', '--cert', cert, '--json'], '', {});
    expect(j.stdout.toString()).not.toMatch(RAW);
    expect((JSON.parse(j.stdout.toString()) as { subject: { cn: string } }).subject.cn).toBe(
      'evil\u001b]0;pwned\u0007\u001b[31mred\u001b[0m\nFAKE LINE\u009b2J',
    );
  });

  it.runIf(systemHas('keyring'))('provision narration and inventory show the CN escaped', async () => {
    const env = { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KEYCHAIN_SERVICE: service };
    const p = await runCli(
      ['provision', '--target', `sim:?state=${join(dir, 'dev.json')}&serial=FOCSECE001`, '--cert', cert],
      '',
      env,
    );
    expectInert(p.stderr);
    expectInert(p.stdout.toString());
    expect(p.stderr + p.stdout.toString()).toContain(SHOWN);
    const inv = await runCli(['inventory'], '', env);
    expect(inv.status).toBe(0);
    expectInert(inv.stdout.toString());
    expect(inv.stdout.toString()).toContain('FOCSECE001');
    expect(inv.stdout.toString()).toContain(SHOWN);
  });
});
