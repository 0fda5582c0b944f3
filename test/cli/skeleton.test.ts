/** The CLI command skeleton: the shared device options, `--enc`, and which commands connect to a device. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { CliError } from '../../src/cli/errors.js';
import { runCli } from '../../src/cli/main.js';
import { parseEnc } from '../../src/cli/skeleton.js';

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const status = await runCli(argv, { stdin: new PassThrough(), stdout, stderr, env: {} });
  return { status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('parseEnc', () => {
  it('takes the two content encryptions', () => {
    expect(parseEnc('A128GCM')).toBe('A128GCM');
    expect(parseEnc('A256GCM')).toBe('A256GCM');
  });

  it('refuses anything else with ERR_USAGE naming both', () => {
    let caught: unknown;
    try {
      parseEnc('A192GCM');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('ERR_USAGE');
    expect((caught as CliError).message).toBe('--enc must be A128GCM or A256GCM, not "A192GCM".');
  });
});

describe('commands that connect to a device', () => {
  it('are exactly the device commands, each marked by the skeleton or by itself', () => {
    expect(
      COMMANDS.filter((c) => c.connects === true)
        .map((c) => c.path.join(' '))
        .sort(),
    ).toEqual([
      'batch',
      'console',
      'deactivate',
      'device capture',
      'device certs',
      'device info',
      'meeting check',
      'preferred-domain',
      'provision',
      'renew',
      'secret rotate',
      'status',
    ]);
  });

  it('take --accept-new-host-key (named in their help); the others do not', async () => {
    const info = await run(['device', 'info', '--help']);
    expect(info.status).toBe(0);
    expect(info.stdout).toBe(
      'Show what a device is (product, software, serial, Webex status) and its E2EE identity status.\nUsage: e2ee-prov device info --target TARGET [--password-file PATH] [--json] [--verbose] [--accept-new-host-key]\n',
    );
    const blob = await run(['blob', 'inspect', '--accept-new-host-key']);
    expect(blob.status).toBe(2);
    expect(blob.stderr).toMatch(/^ERR_USAGE Unknown option '--accept-new-host-key'/);
  });

  it('a workflow command checks its own options after --target, before anything is opened', async () => {
    const noTarget = await run(['renew', '--cert', 'x.pem']);
    expect(noTarget.status).toBe(2);
    expect(noTarget.stderr).toBe(
      'ERR_USAGE --target is required. Usage: e2ee-prov renew --target TARGET --cert PATH [--key PATH] [--passphrase-file PATH] [--enc A128GCM|A256GCM] [--keep-old] [--wrap-long-lines] [--allow-new-name] [--password-file PATH] [--dry-run] [--json]\n',
    );
    const badEnc = await run(['renew', '--target', 'sim:', '--cert', 'x.pem', '--enc', 'A1']);
    expect(badEnc.status).toBe(2);
    expect(badEnc.stderr).toBe('ERR_USAGE --enc must be A128GCM or A256GCM, not "A1".\n');
  });
});
