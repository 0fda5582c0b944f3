/**
 * Every input has a size limit and is read with that bound: /dev/zero, /dev/urandom and oversized files
 * are refused with ERR_INPUT_TOO_LARGE in well under a second; a batch file with a huge field is refused
 * quoting only a short excerpt; one secret policy for every way a new secret comes in.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, HANG_MS, runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';

// A command reading /dev/zero without a bound would never end: one still running after HANG_MS is
// killed (its status is then null, and the test fails on it). Not a speed limit: the refusal's speed is
// not asserted (a busy machine would break that); reading a bounded amount is what ends the command.

/** Runs the CLI with a file (such as /dev/zero) as its standard input. */
function runWithStdinFile(
  args: string[],
  stdinPath: string,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stderr: string; stdout: string }> {
  const fd = openSync(stdinPath, 'r');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: [fd, 'pipe', 'pipe'],
    });
    closeSync(fd);
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr: err, stdout: out });
    });
  });
}

describe('bounded inputs', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'e2ee-bounded-'));
    writeFileSync(join(dir, 'secret'), 'the current secret 1234567\n');
    env = {
      E2EE_PROV_HOME: join(dir, 'home'),
      E2EE_PROV_KEYCHAIN_SERVICE: `e2ee-test-bounded-${randomUUID()}`,
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('blob inspect and blob open with /dev/zero on stdin: ERR_INPUT_TOO_LARGE, at once', async () => {
    for (const args of [
      ['blob', 'inspect'],
      ['blob', 'open', '--secret-file', join(dir, 'secret')],
    ]) {
      const r = await runWithStdinFile(args, '/dev/zero', env);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^ERR_INPUT_TOO_LARGE The blob in standard input is larger than 1 MiB/);
    }
  });

  it('--secret-file, --cert and the batch file from /dev/zero or /dev/urandom: ERR_INPUT_TOO_LARGE, at once', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['blob', 'seal', '--action', 'populate', '--secret-file', '/dev/zero'],
        /^ERR_INPUT_TOO_LARGE The ClientSecret in \/dev\/zero is larger than 4096 bytes/,
      ],
      [
        ['cert', 'inspect', '--cert', '/dev/zero'],
        /^ERR_INPUT_TOO_LARGE The certificate in \/dev\/zero is larger than 1 MiB/,
      ],
      [
        ['cert', 'inspect', '--cert', '/dev/urandom'],
        /^ERR_INPUT_TOO_LARGE The certificate in \/dev\/urandom/,
      ],
      [['provision', '--target', 'sim:', '--cert', '/dev/urandom'], /^ERR_INPUT_TOO_LARGE The certificate/],
      [['batch', '/dev/zero'], /^ERR_INPUT_TOO_LARGE The batch file in \/dev\/zero is larger than 32 MiB/],
    ];
    for (const [args, expected] of cases) {
      const r = await runCli(args, '', env, HANG_MS);
      expect(r.stderr, args.join(' ')).toMatch(expected);
      expect(r.status).toBe(1);
    }
  });

  it('a batch file with a 30 MB field: refused, quoting a short excerpt only, no result files', async () => {
    const csv = join(dir, 'huge.csv');
    writeFileSync(csv, `target,cert,key\nsim:,${'A'.repeat(30 * 1024 * 1024)},\n`);
    const r = await runCli(['batch', csv], '', env, 10_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ERR_WORKFLOW_BATCH_FILE ${csv}, line 2: a value of more than 1024 characters ("${'A'.repeat(40)}"… (1025 characters)); a batch file holds targets and file names, not file contents.\n`,
    );
    expect(r.stdout.toString()).toBe('');
    expect(existsSync(join(dir, 'huge.result.csv'))).toBe(false);
    expect(existsSync(join(dir, 'huge.result.json'))).toBe(false);
    const big = join(dir, 'big.csv');
    writeFileSync(big, `target,cert,key\nsim:,x,\n`.padEnd(33 * 1024 * 1024, '\n'));
    const r2 = await runCli(['batch', big], '', env, 10_000);
    expect(r2.stderr).toMatch(/^ERR_INPUT_TOO_LARGE /);
  });

  it('blob seal --action populate: the new secret passes the same policy as secret rotate', async () => {
    const cases: Array<[Uint8Array | string, RegExp]> = [
      ['x'.repeat(700), /^ERR_SECRET_TOO_LONG /],
      ['a\u0000b secret with a NUL', /^ERR_SECRET_CONTROL_CHARACTER /],
      [new Uint8Array([0x61, 0xff, 0xfe, 0x62]), /^ERR_SECRET_NOT_UTF8 /],
      ['', /^ERR_SECRET_EMPTY /],
      [new Uint8Array(10 * 1024 * 1024).fill(0x61), /^ERR_INPUT_TOO_LARGE The payload/],
    ];
    for (const [payload, expected] of cases) {
      const file = join(dir, `payload-${randomUUID()}`);
      writeFileSync(file, payload);
      const r = await runCli(
        [
          'blob',
          'seal',
          '--action',
          'populate',
          '--secret-file',
          join(dir, 'secret'),
          '--payload-file',
          file,
        ],
        '',
        env,
      );
      expect(r.stderr).toMatch(expected);
      expect(r.status).toBe(1);
      expect(r.stdout.toString()).toBe('');
    }
    // A good one still seals.
    const ok = await runCli(
      ['blob', 'seal', '--action', 'populate', '--secret-file', join(dir, 'secret')],
      'a new secret, long enough 42\n',
      env,
    );
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('sim: with a state file in a missing folder, and serial: on a file: ordinary coded errors', async () => {
    const missing = join(dir, 'no-such-folder', 'x.json');
    const sim = await runCli(['device', 'info', '--target', `sim:?state=${missing}`], '', env, 10_000);
    expect(sim.status).toBe(1);
    expect(sim.stderr).toBe(
      `ERR_SIM_STATE_FILE The simulator's state file ${missing} cannot be used: the folder ${join(dir, 'no-such-folder')} does not exist. Give a file in a folder that exists (sim:?state=FOLDER/NAME.json).\n`,
    );
    for (const path of ['/dev/null', '/etc/passwd']) {
      const r = await runCli(['device', 'info', '--target', `serial:${path}`], '', env, 10_000);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^ERR_DEVICE_PORT_MISSING ${path} is not a serial port`));
      expect(r.stderr).not.toMatch(/ioctl/i);
    }
  });
});

describe.runIf(systemHas('keyring'))('provision checks the secret file before connecting', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'e2ee-bounded-prov-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('empty, too long, a control character: refused, and the device is never opened', async () => {
    const env = {
      E2EE_PROV_HOME: join(dir, 'home'),
      E2EE_PROV_KEYCHAIN_SERVICE: `e2ee-test-bounded-${randomUUID()}`,
    };
    // A state file the simulator would create when connected: it stays absent.
    const state = join(dir, 'device.json');
    const cert = join(dir, 'cert.pem');
    const { issueDeviceCert, makeDemoPki } = await import('../../src/main/demo/pki.js');
    const pki = await makeDemoPki('Bounded');
    writeFileSync(cert, (await issueDeviceCert(pki, { cn: 'b.bounded.example' })).bundlePem);
    for (const [content, code] of [
      ['\n', 'ERR_SECRET_EMPTY'],
      ['y'.repeat(800), 'ERR_SECRET_TOO_LONG'],
      ['tab\there secret 12345', 'ERR_SECRET_CONTROL_CHARACTER'],
      // Weak: refused before the device is touched, as the window refuses it (--allow-weak-secret insists).
      ['letmein\n', 'ERR_SECRET_WEAK'],
    ] as const) {
      const file = join(dir, `s-${randomUUID()}`);
      writeFileSync(file, content);
      const r = await runCli(
        ['provision', '--target', `sim:?state=${state}`, '--cert', cert, '--secret-file', file],
        '',
        env,
        HANG_MS,
      );
      expect(r.status).toBe(1);
      expect(r.stderr.split(' ')[0]).toBe(code);
      expect(existsSync(state)).toBe(false);
    }
  });
});
