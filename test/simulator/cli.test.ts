import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SerialPort } from 'serialport';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFromArgs } from '../../src/cli/commands/simulator.js';
import { parseTarget } from '../../src/main/device/target.js';
import { systemHas } from '../helpers/system.js';
import { RawClient, serialLogin } from './client.js';

const CHILD = resolve(import.meta.dirname, 'cli-child.ts');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startCli(args: string[]): {
  child: ChildProcess;
  firstLine: Promise<string>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const firstLine = new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) ok(out.slice(0, nl));
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, firstLine, exited };
}

function socatFor(link: string): string {
  try {
    return execFileSync('pgrep', ['-af', `link=${link}`]).toString();
  } catch {
    return '';
  }
}

describe('the simulator command line', () => {
  it('parses options and refuses bad ones', () => {
    expect(
      planFromArgs(['--link', '/tmp/x', '--login', 'off', '--model', 'Cisco Desk Pro', '--state', 's.json']),
    ).toEqual({
      link: '/tmp/x',
      options: { loginRequired: false, model: 'Cisco Desk Pro', stateFile: 's.json' },
    });
    expect(planFromArgs(['--ssh', '2222', '--software', 'RoomOS 10.5.1.0 abc'])).toEqual({
      sshPort: 2222,
      options: { software: 'RoomOS 10.5.1.0 abc' },
    });
    expect(() => planFromArgs([])).toThrow(/--link PATH or --ssh PORT/);
    expect(() => planFromArgs(['--link', 'a', '--ssh', '1'])).toThrow(/either/);
    expect(() => planFromArgs(['--link', 'a', '--login', 'maybe'])).toThrow(/on or off/);
    expect(() => planFromArgs(['--ssh', 'http'])).toThrow(/TCP port/);
    expect(() => planFromArgs(['--link', 'a', '--bogus'])).toThrow(/Unknown option/);
  });

  it('takes the device delays: a paced line and a command latency', () => {
    expect(planFromArgs(['--link', '/tmp/x', '--baud', '115200', '--command-latency', '40'])).toEqual({
      link: '/tmp/x',
      options: { baudRate: 115200, commandLatencyMs: 40 },
    });
    expect(() => planFromArgs(['--link', 'a', '--baud', '0'])).toThrow(
      /--baud takes a whole number \(at least 1\)/,
    );
    expect(() => planFromArgs(['--link', 'a', '--command-latency', 'soon'])).toThrow(
      /--command-latency takes a whole number \(at least 0\)/,
    );
  });

  it('exposes the simulator variants as flags and as sim: target options', () => {
    expect(
      planFromArgs([
        '--ssh',
        '0',
        '--registered',
        '--used-for',
        'purposes',
        '--webex-identity-label',
        'WebexIdentity',
        '--chain-entries',
        'off',
        '--self-signed',
        'off',
        '--encryption',
        'off',
        '--populate',
        'registered',
        '--line-limit',
        '4095',
        '--registration-delay',
        '2000',
        '--reject-code',
        '1111222233334444',
        '--reject-code',
        '5555666677778888',
        '--org',
        'example.org',
      ]),
    ).toEqual({
      sshPort: 0,
      options: {
        registered: true,
        usedFor: 'purposes',
        webexIdentityLabel: 'WebexIdentity',
        chainEntries: false,
        selfSignedCertificate: false,
        encryptionOptionKey: false,
        populateNeedsRegistration: true,
        lineLimit: 4095,
        registrationDelayMs: 2000,
        rejectActivationCodes: ['1111222233334444', '5555666677778888'],
        orgDomain: 'example.org',
      },
    });
    expect(() => planFromArgs(['--ssh', '0', '--line-limit', '0'])).toThrow(/--line-limit/);
    expect(() => planFromArgs(['--ssh', '0', '--used-for', 'words'])).toThrow(/labels or purposes/);
    expect(() => planFromArgs(['--ssh', '0', '--chain-entries', 'maybe'])).toThrow(/on or off/);
    expect(
      parseTarget(
        'sim:?registered=on&usedfor=purposes&label=Webex%20Identity&chain=off&selfsigned=off&encryption=off&populate=registered&linelimit=4095&regdelay=50&org=example.org',
      ),
    ).toMatchObject({
      kind: 'sim',
      options: {
        registered: true,
        usedFor: 'purposes',
        webexIdentityLabel: 'Webex Identity',
        chainEntries: false,
        selfSignedCertificate: false,
        encryptionOptionKey: false,
        populateNeedsRegistration: true,
        lineLimit: 4095,
        registrationDelayMs: 50,
        orgDomain: 'example.org',
      },
    });
    expect(() => parseTarget('sim:?linelimit=x')).toThrow(/linelimit/);
    expect(parseTarget('sim:?linelimit=4095&overlong=drop&bodylines=joined&refusals=uniform')).toMatchObject({
      options: { lineLimit: 4095, overlongLine: 'drop', bodyLineBreaks: 'joined', refusals: 'uniform' },
    });
    expect(() => parseTarget('sim:?bodylines=wrapped')).toThrow(/bodylines must be kept or joined/);
    expect(
      planFromArgs([
        '--ssh',
        '0',
        '--overlong-line',
        'drop',
        '--body-lines',
        'joined',
        '--refusals',
        'uniform',
      ]),
    ).toMatchObject({ options: { overlongLine: 'drop', bodyLineBreaks: 'joined', refusals: 'uniform' } });
    expect(() => planFromArgs(['--ssh', '0', '--refusals', 'terse'])).toThrow(
      /--refusals takes worded or uniform/,
    );
    expect(
      planFromArgs([
        '--ssh',
        '0',
        '--meeting',
        'weekly',
        '--session-type',
        '651',
        '--participant',
        'webex:ana@example.com:Ana: host',
        '--participant',
        'unverified::Guest',
      ]),
    ).toEqual({
      sshPort: 0,
      options: { meeting: 'weekly', meetingSessionType: 651 },
      participants: [
        { verification: 'webex', identity: 'ana@example.com', displayName: 'Ana: host', certInfo: '' },
        { verification: 'unverified', identity: '', displayName: 'Guest', certInfo: '' },
      ],
    });
    expect(() => planFromArgs(['--ssh', '0', '--participant', 'webex:a:b'])).toThrow(/go with --meeting/);
    expect(() => planFromArgs(['--ssh', '0', '--meeting', 'm', '--participant', 'trusted:a:b'])).toThrow(
      /--participant takes webex\|external\|unverified:IDENTITY:NAME/,
    );
    expect(parseTarget('sim:?meeting=weekly&sessiontype=652')).toMatchObject({
      kind: 'sim',
      options: { meeting: 'weekly', meetingSessionType: 652 },
    });
    expect(() => parseTarget('sim:?meeting=a/b')).toThrow(/meeting must be/);
    expect(() => parseTarget('sim:?sessiontype=x')).toThrow(/sessiontype must be/);
    // The meeting's shape and words: the seed's Table 3 and a bare "Verified" are variants.
    expect(
      planFromArgs([
        '--ssh',
        '0',
        '--meeting',
        'm',
        '--meeting-shape',
        'seed',
        '--meeting-words',
        'verified',
      ]),
    ).toEqual({
      sshPort: 0,
      options: { meeting: 'm', meetingShape: 'seed', meetingVerificationWords: 'verified' },
    });
    expect(() => planFromArgs(['--ssh', '0', '--meeting-shape', 'seed'])).toThrow(/go with --meeting/);
    expect(() => planFromArgs(['--ssh', '0', '--meeting', 'm', '--meeting-shape', 'table3'])).toThrow(
      /--meeting-shape takes schema or seed/,
    );
    expect(parseTarget('sim:?meeting=w&meetingshape=seed&meetingwords=verified')).toMatchObject({
      kind: 'sim',
      options: { meeting: 'w', meetingShape: 'seed', meetingVerificationWords: 'verified' },
    });
    expect(() => parseTarget('sim:?meetingshape=x')).toThrow(/meetingshape must be schema or seed/);
    expect(() => parseTarget('sim:?meetingwords=x')).toThrow(/meetingwords must be identity or verified/);
  });

  it.runIf(systemHas('socat'))(
    '--link serves a pseudo-terminal until SIGTERM, then leaves nothing behind',
    async () => {
      const link = join(dir, 'console');
      const cli = startCli(['--link', link, '--model', 'Cisco Desk Pro']);
      expect(await cli.firstLine).toBe(link);
      const port = new SerialPort({ path: link, baudRate: 115200 });
      await new Promise((r) => port.once('open', r));
      const c = new RawClient(port);
      await serialLogin(c);
      expect(await c.command('xStatus SystemUnit ProductId')).toContain('"Cisco Desk Pro"');
      await new Promise((r) => port.close(r));
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(existsSync(link)).toBe(false);
      expect(socatFor(link)).toBe('');
    },
  );

  it('--ssh serves SSH on 127.0.0.1 until SIGINT', async () => {
    const cli = startCli(['--ssh', '0', '--login', 'off']);
    const address = await cli.firstLine;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const client = new ssh2.Client();
    await new Promise<void>((ok, fail) => {
      client.once('ready', () => ok());
      client.once('error', fail);
      client.connect({
        host: '127.0.0.1',
        port: Number(address.split(':')[1]),
        username: 'admin',
        password: '',
      });
    });
    const stream = await new Promise<ssh2.ClientChannel>((ok, fail) =>
      client.shell(false, (err, s) => (err ? fail(err) : ok(s))),
    );
    await new RawClient(stream).until('*r Login successful\nOK\n\n');
    client.end();
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });
});
