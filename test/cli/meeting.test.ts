/**
 * `e2ee-prov meeting check` over real pseudo-terminals: two simulated devices in one simulated E2EE
 * meeting with a Webex-verified device, an externally verified device and an unverified guest; the
 * same security code on both; a join seen live (the code changes, and it is said); a meeting of a
 * session type outside Table 1 named as such.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../src/main/vault/journal.js';
import type { MeetingReport, MeetingUpdate } from '../../src/main/workflows/meeting.js';
import { type RoomOsSimulator, SimMeeting } from '../../src/simulator/index.js';
import { CLI, HANG_MS, runCli } from '../helpers/cli.js';
import { roomInMeeting, uncertified, webexBoard } from '../helpers/meeting.js';
import { ptyFor } from '../helpers/pty.js';
import { systemHas } from '../helpers/system.js';

const ready = systemHas('socat') && systemHas('openssl');

/** A Webex-verified board with a certificate, in each meeting. */
const BOARD = webexBoard('ab');

describe.runIf(ready)('meeting check over a pty', () => {
  let dir: string;
  const sims: RoomOsSimulator[] = [];
  /** The seed's Table 3 shape: the call's E2EE status, code and roster (the default is the schema's). */
  const meeting = new SimMeeting('pty-meeting', 652, 'Weekly sync');
  meeting.shape = 'seed';
  let a = '';
  /** Room B is reached over SSH: serial and SSH devices in one check. */
  let b = '';
  const env = (): Record<string, string> => ({ E2EE_PROV_KNOWN_HOSTS: join(dir, 'known-hosts.json') });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-meeting-'));
    meeting.join(BOARD, { isHost: true });
    meeting.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    const roomA = await roomInMeeting(meeting, 'Room A', 'room-a.example.com', 'FOCMEET0001');
    const roomB = await roomInMeeting(meeting, 'Room B', 'room-b.example.com', 'FOCMEET0002');
    sims.push(roomA.sim, roomB.sim);
    a = (await ptyFor(roomA.sim, 'tty-a', dir)).link;
    const ssh = await roomB.sim.serveSsh();
    b = `ssh://admin@127.0.0.1:${ssh.port}`;
  });

  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * `meeting check --watch` on both rooms until one code change (at most 20 s), as a separate process;
   * resolves once it says it is watching (on `readyOn`), with the end of the run to await.
   */
  async function watching(
    extra: string[],
    readyOn: 'stdout' | 'stderr',
  ): Promise<{ out(): string; exited: Promise<{ status: number | null; out: string; err: string }> }> {
    const args = ['meeting', 'check', '--target', `serial:${a}`, '--target', b, '--watch', ...extra];
    const child = spawn(process.execPath, [CLI, ...args, '--until-changes', '1', '--duration', '20'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env() },
    });
    const text = { stdout: '', stderr: '' };
    const exited = new Promise<{ status: number | null; out: string; err: string }>((resolve) =>
      child.on('close', (status) => resolve({ status, out: text.stdout, err: text.stderr })),
    );
    await new Promise<void>((resolve, reject) => {
      for (const name of ['stdout', 'stderr'] as const)
        child[name].on('data', (c: Buffer) => {
          text[name] += c.toString();
          if (name === readyOn && text[name].includes('Watching participants')) resolve();
        });
      child.on('close', () => reject(new Error(`ended before watching: ${text.stderr}`)));
    });
    return { out: () => text.stdout, exited };
  }

  it('reports both identities, externally verified, and the same security code', async () => {
    const r = await runCli(
      ['meeting', 'check', '--accept-new-host-key', '--target', `serial:${a}`, '--target', b, '--json'],
      '',
      env(),
      HANG_MS,
    );
    expect(r.stderr).toMatch(
      /^Pinned the new SSH host key of 127\.0\.0\.1:\d+: SHA256:[A-Za-z0-9+/]{43} \(ssh-ed25519\)\.\n$/,
    );
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as MeetingReport;
    const code = meeting.securityCode();
    expect(code).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);
    expect(report.verdicts.map((v) => [v.target, v.encrypted, v.securityCode])).toEqual([
      [`serial:${a}`, true, code],
      [b, true, code],
    ]);
    expect(report.verdicts.map((v) => [v.self?.identity, v.self?.verification, v.self?.status])).toEqual([
      ['room-a.example.com', 'external', 'CAVerified'],
      ['room-b.example.com', 'external', 'CAVerified'],
    ]);
    expect(report.verdicts[0]!.people.map((p) => [p.displayName, p.identity, p.verification])).toEqual([
      ['Webex Board', 'board.example.com', 'webex'],
      ['Guest', '', 'unverified'],
      ['Room A', 'room-a.example.com', 'external'],
      ['Room B', 'room-b.example.com', 'external'],
    ]);
    const board = report.verdicts[0]!.people[0]!.certInfo!;
    expect([board.subject, board.issuer, board.notBefore, board.notAfter, board.fingerprint]).toEqual([
      'CN=board.example.com',
      'CN=Webex Identity CA',
      '2026-11-01T00:00:00.000Z',
      '2026-11-15T00:00:00.000Z',
      'ab'.repeat(32),
    ]);
    expect(report.readings[0]!.calls[0]!.sessionType).toEqual({
      raw: '652',
      id: 652,
      name: 'Pro-End to End Encryption_VOIPonly',
      e2eeType: true,
    });
    expect(report.comparison.sameSecurityCode).toBe(true);
    expect(report.comparison.sameRoster).toBe(true);
    expect(report.comparison.findings.map((f) => f.code)).toEqual(['codes-match', 'rosters-match']);
  });

  it('in words: this device as its CN, each participant, the code, the comparison', async () => {
    const r = await runCli(['meeting', 'check', '--target', `serial:${a}`, '--target', b], '', env(), 30_000);
    expect(r.status).toBe(0);
    const out = r.stdout.toString();
    const code = meeting.securityCode();
    expect(out).toContain(`Meeting check: ${b}\n`);
    expect(out).toContain('  Identity:        room-a.example.com (CAVerified)\n');
    expect(out).toContain('  Session type:    652 (Pro-End to End Encryption_VOIPonly)\n');
    expect(out).toContain(`  Security code:   ${code}\n`);
    expect(out).toContain('    [ok] This device appears as room-a.example.com, externally verified.\n');
    expect(out).toContain('    [ok] This device appears as room-b.example.com, externally verified.\n');
    expect(out).toContain('    [warn] Participant Guest: no identity, unverified.\n');
    expect(out).toContain('    [ok] Participant Webex Board: board.example.com, Webex-verified.\n');
    expect(out).toContain(`    [ok] All 2 devices show the same security code: ${code}.\n`);
  });

  it('--watch reports a join and the new security code on both devices, then ends', async () => {
    const before = meeting.securityCode();
    const w = await watching([], 'stdout');
    const late = meeting.join(uncertified('Late Room', 'late.example.com', 'external'));
    const { status, out, err } = await w.exited;
    const after = meeting.securityCode();
    expect(after).not.toBe(before);
    expect(err).toBe('');
    expect(status).toBe(0);
    for (const t of [`serial:${a}`, b].map((x) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))) {
      expect(out).toMatch(
        new RegExp(
          `\\d\\d:\\d\\d:\\d\\dZ ${t}: participant joined: Late Room \\(late\\.example\\.com, externally verified\\)\\n`,
        ),
      );
      expect(out).toMatch(
        new RegExp(
          `\\d\\d:\\d\\d:\\d\\dZ ${t}: security code changed: ${before} -> ${after} \\(after Late Room joined\\)\\n`,
        ),
      );
    }
    expect(out).toContain('After watching:\n');
    expect(out.split(`[ok] The security code changed when Late Room joined`).length - 1).toBe(2);
    expect(out).toContain(`[ok] All 2 devices show the same security code: ${after}.`);
    meeting.leave(late);
  });

  it('--watch --json: a leave changes the code too; the updates and the history are in the report', async () => {
    const visitor = meeting.join(uncertified('Visitor', 'v@example.com', 'webex'));
    const before = meeting.securityCode();
    const w = await watching(['--json'], 'stderr');
    expect(w.out()).toBe('');
    meeting.leave(visitor);
    const after = meeting.securityCode();
    const { status, out } = await w.exited;
    expect(status).toBe(0);
    const report = JSON.parse(out) as MeetingReport & { updates: MeetingUpdate[] };
    expect(
      report.updates
        .map((u) =>
          u.kind === 'participant'
            ? [u.kind, u.target, u.change, u.displayName]
            : [u.kind, u.target, u.previous, u.code, u.after?.change],
        )
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual([
      ['participant', `serial:${a}`, 'deleted', 'Visitor'],
      ['participant', b, 'deleted', 'Visitor'],
      ['security-code', `serial:${a}`, before, after, 'deleted'],
      ['security-code', b, before, after, 'deleted'],
    ]);
    expect(
      report.readings.map((r) => r.codeHistory.map((c) => [c.previous, c.code, c.after?.displayName])),
    ).toEqual([[[before, after, 'Visitor']], [[before, after, 'Visitor']]]);
    expect(report.verdicts.map((v) => [v.securityCode, v.codeChangedOnLastJoin])).toEqual([
      [after, null],
      [after, null],
    ]);
  });

  it('names a meeting of the wrong session type, and says the call is not encrypted', async () => {
    const wrong = new SimMeeting('wrong-type', 651, 'Ordinary meeting');
    wrong.shape = 'seed';
    const room = await roomInMeeting(wrong, 'Room C', 'room-c.example.com', 'FOCMEET0003');
    sims.push(room.sim);
    const c = (await ptyFor(room.sim, 'tty-c', dir)).link;
    const r = await runCli(['meeting', 'check', '--target', `serial:${c}`], '', {}, 30_000);
    expect(r.status).toBe(1);
    const out = r.stdout.toString();
    expect(out).toContain('  Session type:    651 (not an E2EE session type)\n');
    expect(out).toContain(`serial:${c}: NOT end-to-end encrypted\n`);
    expect(out).toContain(
      "    [warn] The meeting's session type 651 is not an end-to-end encrypted session type (Table 1: 638, 652, 660, 672, 673, 676, 677, 681): schedule it as Pro-End to End Encryption_VOIPonly (652) or another type of Table 1.\n",
    );
    expect(out).toContain(
      '    [fail] The call is not end-to-end encrypted (status Off): the session type 651 is not an E2EE type.\n',
    );
  });

  it('a meeting shaped as the published schema: --json exits 0 with each identity and verification word as given', async () => {
    const m = new SimMeeting('schema-shaped', 652, 'Schema sync');
    m.join(BOARD);
    m.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    const room = await roomInMeeting(m, 'Room D', 'room-d.example.com', 'FOCMEET0004');
    sims.push(room.sim);
    const d = (await ptyFor(room.sim, 'tty-d', dir)).link;
    const r = await runCli(['meeting', 'check', '--target', `serial:${d}`, '--json'], '', {}, 30_000);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as MeetingReport;
    const [v] = report.verdicts;
    expect(v!.encrypted).toBeNull();
    expect(v!.securityCode).toBeNull();
    expect(v!.people.map((p) => [p.displayName, p.identity, p.verification, p.status])).toEqual([
      ['Webex Board', 'board.example.com', 'webex', 'WebexVerified'],
      ['Guest', '', 'unverified', 'Unverified'],
      ['Room D', 'room-d.example.com', 'external', 'CAVerified'],
    ]);
    expect(v!.people[0]!.certInfo?.fingerprint).toBe('ab'.repeat(32));
    expect(v!.findings.filter((f) => f.level !== 'ok' && f.level !== 'info').map((f) => f.code)).toEqual([
      'encryption-not-reported',
      'participant',
      'no-security-code',
    ]);
    // In words: the warnings printed as such.
    const text = await runCli(['meeting', 'check', '--target', `serial:${d}`], '', {}, 30_000);
    expect(text.status).toBe(0);
    const out = text.stdout.toString();
    expect(out).toContain(`  serial:${d}: end-to-end encryption not reported\n`);
    expect(out).toContain(
      "    [warn] The call's end-to-end encryption status is not reported by this software (call encryption Aes-128): check the lock icon on the device's screen.\n",
    );
    expect(out).toContain('  Security code:   not reported by this software\n');
    expect(out).toContain('    [ok] This device appears as room-d.example.com, externally verified.\n');
    // The identity provisioned on it is another: a failure, exit 1.
    const other = await runCli(
      ['meeting', 'check', '--target', `serial:${d}`, '--expect-identity', 'room-9.example.com'],
      '',
      {},
      30_000,
    );
    expect(other.status).toBe(1);
    const differs =
      "    [fail] This device's identity is room-d.example.com, not room-9.example.com, the identity provisioned on it: provision it again, then check again.\n";
    expect(other.stdout.toString()).toContain(differs);
    // Without --expect-identity, this computer's journal names it: the certificate it saw activated.
    const home = join(dir, 'home-d');
    await mkdir(home, { recursive: true, mode: 0o700 });
    const journal = new Journal(home);
    const facts = {
      cn: 'room-9.example.com',
      fingerprint: 'ab'.repeat(20),
      notAfter: '2027-12-01T00:00:00.000Z',
    };
    await journal.outcome(
      'cert.add',
      await journal.intent('cert.add', 'FOCMEET0004', facts),
      'FOCMEET0004',
      'ok',
      'response',
    );
    const activate = { fingerprint: facts.fingerprint, purpose: 'WebexIdentity' };
    const op = await journal.intent('cert.activate', 'FOCMEET0004', activate);
    await journal.outcome('cert.activate', op, 'FOCMEET0004', 'ok', 'response');
    const fromJournal = await runCli(
      ['meeting', 'check', '--target', `serial:${d}`],
      '',
      { E2EE_PROV_HOME: home },
      30_000,
    );
    expect(fromJournal.status).toBe(1);
    expect(fromJournal.stdout.toString()).toContain(
      '  Identity:        room-d.example.com (CAVerified); provisioned: room-9.example.com\n',
    );
    expect(fromJournal.stdout.toString()).toContain(differs);
    // A name given on the command line comes first.
    const named = await runCli(
      ['meeting', 'check', '--target', `serial:${d}`, '--expect-identity', 'room-d.example.com'],
      '',
      { E2EE_PROV_HOME: home },
      30_000,
    );
    expect(named.status).toBe(0);
  });

  it('the seed-shaped meeting whose words read "Verified": exit 0, the word shown as given, with a warning', async () => {
    const m = new SimMeeting('seed-verified', 652, 'Seed sync');
    m.shape = 'seed';
    m.verificationWords = 'verified';
    const room = await roomInMeeting(m, 'Room E', 'room-e.example.com', 'FOCMEET0005');
    sims.push(room.sim);
    const e = (await ptyFor(room.sim, 'tty-e', dir)).link;
    const r = await runCli(['meeting', 'check', '--target', `serial:${e}`, '--json'], '', {}, 30_000);
    expect(r.status).toBe(0);
    const [v] = (JSON.parse(r.stdout.toString()) as MeetingReport).verdicts;
    expect(v!.encrypted).toBe(true);
    expect(v!.self).toMatchObject({
      identity: 'room-e.example.com',
      verification: 'unknown',
      status: 'Verified',
    });
    expect(v!.findings.find((f) => f.code === 'self')).toMatchObject({
      level: 'warn',
      text: 'This device appears as room-e.example.com, verification "Verified" (a word this tool does not know).',
    });
  });

  it('usage: no --target, --duration without --watch', async () => {
    const none = await runCli(['meeting', 'check'], '');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(
      /^ERR_USAGE --target is required\. Usage: e2ee-prov meeting check --target TARGET/,
    );
    const dur = await runCli(['meeting', 'check', '--target', `serial:${a}`, '--duration', '5'], '');
    expect(dur.status).toBe(2);
    expect(dur.stderr).toMatch(/^ERR_USAGE --duration and --until-changes go with --watch\./);
  });
});
