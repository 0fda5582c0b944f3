/**
 * `e2ee-prov meeting check` over `webex:` targets through the built CLI, against the simulated Webex
 * cloud (signed in with `cloud login --api-base`) and the real keychain: a cloud device and a console
 * device (SSH) in one simulated E2EE meeting compared, in JSON and in words; `--watch --poll` reporting a
 * join and the code change it caused on the cloud device; an offline device's code; the `--poll` usage
 * errors.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingReport, MeetingUpdate } from '../../src/main/workflows/meeting.js';
import type { CloudSimulator } from '../../src/simulator/cloud/index.js';
import { type RoomOsSimulator, SimMeeting } from '../../src/simulator/index.js';
import { CLI, type CliResult, HANG_MS, cloudSignIn, runCli } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { cloudServing, roomInMeeting, uncertified, webexBoard } from '../helpers/meeting.js';
import { systemHas } from '../helpers/system.js';

const TOKEN = 'CnryMeetCloudToken-7Rq2Lx9Vw4';
const USAGE =
  'e2ee-prov meeting check --target TARGET [--target TARGET2 …] [--expect-identity CN …] [--watch [--duration SECONDS] [--until-changes N] [--poll SECONDS]] [--json] [--password-file PATH] [--verbose]';

/** A Webex-verified board with a certificate, in each meeting. */
const BOARD = webexBoard('cd');

describe.skipIf(!systemHas('keyring'))('meeting check over the Webex cloud (built CLI)', () => {
  const box = cliSandbox('e2ee-cli-meeting-cloud');
  const meeting = new SimMeeting('cloud-cli-meeting', 652, 'Cloud sync');
  meeting.shape = 'seed';
  const sims: RoomOsSimulator[] = [];
  let cloud: CloudSimulator;
  let ssh = '';
  const outputs: string[] = [];

  async function cli(args: string[], input = ''): Promise<CliResult> {
    const r = await runCli(args, input, box.env, HANG_MS);
    outputs.push(r.stdout.toString('utf8'), r.stderr);
    return r;
  }

  beforeAll(async () => {
    meeting.join(BOARD, { isHost: true });
    const a = await roomInMeeting(meeting, 'Room A', 'room-a.example.com', 'FOCCLOUDM01');
    const b = await roomInMeeting(meeting, 'Room B', 'room-b.example.com', 'FOCCLOUDM02');
    const off = await roomInMeeting(meeting, 'Room C', 'room-c.example.com', 'FOCCLOUDM03');
    sims.push(a.sim, b.sim, off.sim);
    cloud = await cloudServing([a.sim, off.sim], TOKEN, {
      each: (i) => (i === 1 ? { connectionStatus: 'offline_expired' } : {}),
    });
    ssh = `ssh://admin@127.0.0.1:${(await b.sim.serveSsh()).port}`;
    await cloudSignIn(cli, cloud.url, TOKEN);
  });

  afterAll(async () => {
    await cloud?.close();
    await Promise.all(sims.map((s) => s.close()));
    // The token is never printed.
    for (const o of outputs) expect(o).not.toContain(TOKEN);
  });

  it('a cloud device and a console device in one meeting, compared (--json)', async () => {
    const r = await cli([
      'meeting',
      'check',
      '--accept-new-host-key',
      '--target',
      'webex:FOCCLOUDM01',
      '--target',
      ssh,
      '--json',
    ]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as MeetingReport;
    const code = meeting.securityCode();
    expect(report.verdicts.map((v) => [v.target, v.encrypted, v.securityCode])).toEqual([
      ['webex:FOCCLOUDM01', true, code],
      [ssh, true, code],
    ]);
    expect(report.verdicts.map((v) => [v.self?.identity, v.self?.verification])).toEqual([
      ['room-a.example.com', 'external'],
      ['room-b.example.com', 'external'],
    ]);
    expect(report.readings[0]!.device).toEqual({
      productId: 'Cisco Room Kit',
      serialNumber: 'FOCCLOUDM01',
      systemName: 'Room A',
      externalIdentity: 'room-a.example.com',
      externalVerification: 'CAVerified',
      internalIdentity: 'example.com',
      identityReported: true,
      expectedIdentity: null,
    });
    expect(report.verdicts[0]!.people.map((p) => [p.displayName, p.identity, p.verification])).toEqual([
      ['Webex Board', 'board.example.com', 'webex'],
      ['Room A', 'room-a.example.com', 'external'],
      ['Room B', 'room-b.example.com', 'external'],
      ['Room C', 'room-c.example.com', 'external'],
    ]);
    expect(report.comparison.findings.map((f) => f.code)).toEqual(['codes-match', 'rosters-match']);
    const calls = cloud.requests.filter((q) => q.path.startsWith('/v1/xapi/'));
    expect(calls.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /v1/xapi/schema',
      'GET /v1/xapi/status',
      'POST /v1/xapi/command/Conference.ParticipantList.Search',
    ]);
  });

  it('in words, naming the cloud device', async () => {
    const r = await cli(['meeting', 'check', '--target', 'webex:FOCCLOUDM01']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout.toString();
    const code = meeting.securityCode();
    expect(out).toContain('Meeting check: webex:FOCCLOUDM01\n');
    expect(out).toContain('  Device:          Cisco Room Kit, serial FOCCLOUDM01, name Room A\n');
    expect(out).toContain('  Identity:        room-a.example.com (CAVerified)\n');
    expect(out).toContain('  Call 1:          Connected, Cloud sync\n');
    expect(out).toContain(`  Security code:   ${code}\n`);
    expect(out).toContain('    [ok] This device appears as room-a.example.com, externally verified.\n');
  });

  it('--watch --poll 1 --json: a join and the code change it caused, read by polling', async () => {
    const before = meeting.securityCode();
    const args = ['meeting', 'check', '--target', 'webex:FOCCLOUDM01', '--watch', '--poll', '1', '--json'];
    const child = spawn(process.execPath, [CLI, ...args, '--until-changes', '1', '--duration', '30'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...box.env },
    });
    const text = { stdout: '', stderr: '' };
    const exited = new Promise<number | null>((resolve) => child.on('close', (s) => resolve(s)));
    await new Promise<void>((resolve, reject) => {
      for (const name of ['stdout', 'stderr'] as const)
        child[name].on('data', (c: Buffer) => {
          text[name] += c.toString();
          if (name === 'stderr' && text.stderr.includes('Watching participants')) resolve();
        });
      child.on('close', () => reject(new Error(`ended before watching: ${text.stderr}`)));
    });
    expect(text.stderr).toBe(
      'Watching participants and the security code for 30 s, until 1 security code change(s) on each device; reading webex:FOCCLOUDM01 every 1 s (the Webex cloud sends no feedback) (Ctrl+C to stop)...\n',
    );
    const late = meeting.join(uncertified('Late Room', 'late.example.com', 'external'));
    const after = meeting.securityCode();
    expect(await exited).toBe(0);
    outputs.push(text.stdout, text.stderr);
    const report = JSON.parse(text.stdout) as MeetingReport & { updates: MeetingUpdate[] };
    expect(
      report.updates.map((u) =>
        u.kind === 'participant'
          ? [u.kind, u.target, u.change, u.displayName, u.identity, u.verification]
          : [u.kind, u.target, u.previous, u.code, u.after?.displayName],
      ),
    ).toEqual([
      ['participant', 'webex:FOCCLOUDM01', 'added', 'Late Room', 'late.example.com', 'external'],
      ['security-code', 'webex:FOCCLOUDM01', before, after, 'Late Room'],
    ]);
    expect(report.verdicts[0]!.codeChangedOnLastJoin).toBe(true);
    meeting.leave(late);
  });

  it('an offline device: ERR_CLOUD_DEVICE_UNREACHABLE, exit 1', async () => {
    const r = await cli(['meeting', 'check', '--target', 'webex:FOCCLOUDM03']);
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toBe(
      'ERR_CLOUD_DEVICE_UNREACHABLE The device FOCCLOUDM03 is offline_expired in the Webex cloud, so it cannot take a command now. Bring it online (Control Hub shows its status), then run the command again; nothing was sent.\n',
    );
  });

  it('--poll: a positive number of at least 1 second, with --watch and a webex: target', async () => {
    const cases: [string[], string][] = [
      [['--watch', '--poll', '0'], '--poll must be a positive number, not "0".'],
      [['--watch', '--poll', 'soon'], '--poll must be a positive number, not "soon".'],
      [['--watch', '--poll', '0.5'], '--poll must be at least 1 (seconds), not 0.5.'],
      [['--poll', '5'], '--poll goes with --watch.'],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(['meeting', 'check', '--target', 'webex:FOCCLOUDM01', ...extra]);
      expect([r.status, r.stderr]).toEqual([2, `ERR_USAGE ${message} Usage: ${USAGE}\n`]);
    }
    const consoleOnly = await cli(['meeting', 'check', '--target', ssh, '--watch', '--poll', '5']);
    expect([consoleOnly.status, consoleOnly.stderr]).toEqual([
      2,
      `ERR_USAGE --poll sets how often a webex: device is read while watching; a console device reports its changes itself. Usage: ${USAGE}\n`,
    ]);
  });
});
