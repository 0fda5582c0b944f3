/**
 * Inputs that block: a FIFO nobody writes, named by any file option, is refused (ERR_INPUT_NOT_FILE)
 * without waiting for a writer; a data folder under /proc or /sys is refused (ERR_DATA_DIR_UNUSABLE)
 * before anything tries to make it. Each run is killed if it hangs, so a regression fails, not stalls.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let fifo: string;
let cert: string;
let bundle: string;
let secret: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'blocking-inputs-'));
  fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const pki = await makeDemoPki('Blocking');
  const issued = await issueDeviceCert(pki, { cn: 'blocking.example' });
  cert = join(dir, 'cert.pem');
  writeFileSync(cert, issued.certificatePem);
  bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, issued.certificatePem + issued.keyPem);
  secret = join(dir, 'secret');
  writeFileSync(secret, 'plaid walrus orbit 47 tangerine\n');
  env = {
    E2EE_PROV_HOME: join(dir, 'home'),
    E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'),
    E2EE_PROV_KEYCHAIN_SERVICE: 'e2ee-prov-test-blocking-inputs',
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Killed after this long (a hang is the failure; no test asserts a speed). */
const KILL_MS = 30_000;

const notFile = (what: string): string =>
  `ERR_INPUT_NOT_FILE The ${what} in ${fifo} is not a file but a pipe (FIFO): nothing was read from it. Give a regular file (at the command line, - reads standard input).\n`;

describe('a FIFO nobody writes, named by any file option', () => {
  const cases = (): [string, string[], string][] => [
    ['cert inspect --cert', ['cert', 'inspect', '--cert', fifo], 'certificate'],
    ['cert inspect --key', ['cert', 'inspect', '--cert', cert, '--key', fifo], 'private key'],
    [
      'cert inspect --passphrase-file',
      ['cert', 'inspect', '--cert', bundle, '--passphrase-file', fifo],
      'passphrase',
    ],
    ['provision --cert', ['provision', '--target', 'sim:', '--cert', fifo], 'certificate'],
    [
      'provision --secret-file',
      ['provision', '--target', 'sim:', '--cert', bundle, '--secret-file', fifo],
      'client secret',
    ],
    [
      'provision --password-file',
      ['provision', '--target', 'sim:', '--cert', bundle, '--password-file', fifo],
      'login password',
    ],
    [
      'device info --password-file',
      ['device', 'info', '--target', 'sim:', '--password-file', fifo],
      'login password',
    ],
    [
      'blob seal --secret-file',
      ['blob', 'seal', '--action', 'populate', '--secret-file', fifo],
      'ClientSecret',
    ],
    [
      'blob seal --payload-file',
      ['blob', 'seal', '--action', 'populate', '--secret-file', secret, '--payload-file', fifo],
      'payload',
    ],
    [
      'secret rotate --new-secret-file',
      ['secret', 'rotate', '--target', 'sim:', '--new-secret-file', fifo],
      'new ClientSecret',
    ],
    ['secret import', ['secret', 'import', fifo, '--passphrase-file', secret], 'escrow file'],
    [
      'secret export --passphrase-file',
      ['secret', 'export', '--out', join(dir, 'x.e2ee'), '--passphrase-file', fifo],
      'escrow passphrase',
    ],
    ['batch', ['batch', fifo], 'batch file'],
  ];

  it('is refused with ERR_INPUT_NOT_FILE, at once, for every option', async () => {
    for (const [label, args, what] of cases()) {
      const r = await runCli(args, '', env, KILL_MS);
      expect(r.status, `${label}: ${r.stderr}`).toBe(1);
      expect(
        r.stderr.split('\n').filter((l) => l.startsWith('ERR_')),
        label,
      ).toEqual([notFile(what).trimEnd()]);
      expect(r.stdout.toString(), label).toBe('');
    }
  }, 240_000);

  it("a simulator's state file that is a FIFO is refused too", async () => {
    const state = await runCli(['device', 'info', '--target', `sim:?state=${fifo}`], '', env, KILL_MS);
    expect(state.status).toBe(1);
    expect(state.stderr).toBe(
      `ERR_DEVICE_TARGET The simulator state file ${fifo} cannot be read (it is not a regular file, but a pipe, a socket or a device).\n`,
    );
  });

  it('standard input (-) is still read', async () => {
    const r = await runCli(
      ['cert', 'inspect', '--cert', '-', '--json'],
      await import('node:fs').then((f) => f.readFileSync(bundle)),
      env,
      KILL_MS,
    );
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout.toString()) as { subject: { cn: string } }).subject.cn).toBe(
      'blocking.example',
    );
  });
});

describe('a data folder under /proc or /sys', () => {
  it('is refused with ERR_DATA_DIR_UNUSABLE, as written or through a link, before it is made', async () => {
    const link = join(dir, 'to-proc');
    symlinkSync('/proc/self', link);
    for (const [home, under] of [
      ['/proc/x', '/proc'],
      ['/proc/self/e2ee', '/proc'],
      ['/sys/x/y', '/sys'],
      [join(link, 'data'), '/proc'],
    ] as const) {
      for (const args of [
        ['inventory'],
        ['journal', 'verify'],
        ['provision', '--target', 'sim:', '--cert', bundle],
      ]) {
        const r = await runCli(args, '', { ...env, E2EE_PROV_HOME: home }, KILL_MS);
        expect(r.status, `${home} ${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stderr, home).toBe(
          `ERR_DATA_DIR_UNUSABLE The data folder ${home} is under ${under}, the kernel's own file system, where nothing can be kept. Set E2EE_PROV_HOME to a folder of your own (or unset it for the default place).\n`,
        );
      }
    }
  }, 120_000);
});
