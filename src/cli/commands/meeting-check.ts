import { safe } from '../../core/inert.js';
import {
  type CertInfo,
  type Finding,
  type MeetingReading,
  type MeetingVerdict,
  meetingCall,
  verificationWords,
} from '../../core/xapi/index.js';
import { CloudDevice } from '../../main/cloud/index.js';
import { describeTarget } from '../../main/device/index.js';
import { dataDir } from '../../main/vault/index.js';
import { Journal } from '../../main/vault/journal.js';
import {
  DEFAULT_POLL_SECONDS,
  MIN_POLL_SECONDS,
  type MeetingReport,
  type MeetingUpdate,
  MeetingWatch,
  checkMeetings,
  provisionedIdentity,
} from '../../main/workflows/meeting.js';
import { type Command, parse } from '../command.js';
import { type AnyDevice, openAnyDevice } from '../context.js';
import { CliError } from '../errors.js';
import { type CliIO, write } from '../io.js';
import { MEETING_REPORT, MEETING_UPDATE } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE =
  'e2ee-prov meeting check --target TARGET [--target TARGET2 …] [--expect-identity CN …] [--watch [--duration SECONDS] [--until-changes N] [--poll SECONDS]] [--json] [--password-file PATH] [--verbose]';

/** The meeting check: is the call end-to-end encrypted, who is in it and how verified, the security code. */
export const meetingCheck: Command = {
  path: ['meeting', 'check'],
  summary:
    "Check the device's meeting: end-to-end encryption, this device's identity as others see it, each participant's verification and the security code (several devices: compared); --watch follows joins and code changes.",
  usage: USAGE,
  connects: true,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse(
      args,
      {
        target: { type: 'string', multiple: true },
        'expect-identity': { type: 'string', multiple: true },
        watch: { type: 'boolean', default: false },
        duration: { type: 'string' },
        'until-changes': { type: 'string' },
        poll: { type: 'string' },
        json: { type: 'boolean', default: false },
        'password-file': { type: 'string' },
        verbose: { type: 'boolean', default: false },
      },
      USAGE,
    );
    const targets = values.target ?? [];
    if (targets.length === 0) throw new CliError('ERR_USAGE', `--target is required. Usage: ${USAGE}`);
    const expected = values['expect-identity'] ?? [];
    if (expected.length > targets.length)
      throw new CliError(
        'ERR_USAGE',
        `--expect-identity names the identity provisioned on each --target, in order: at most one per target. Usage: ${USAGE}`,
      );
    const duration = positive(values.duration, 'duration');
    const untilChanges = positive(values['until-changes'], 'until-changes');
    const poll = positive(values.poll, 'poll');
    if ((duration !== undefined || untilChanges !== undefined) && !values.watch) {
      throw new CliError('ERR_USAGE', `--duration and --until-changes go with --watch. Usage: ${USAGE}`);
    }
    if (poll !== undefined && !values.watch)
      throw new CliError('ERR_USAGE', `--poll goes with --watch. Usage: ${USAGE}`);
    if (poll !== undefined && poll < MIN_POLL_SECONDS)
      throw new CliError(
        'ERR_USAGE',
        `--poll must be at least ${MIN_POLL_SECONDS} (seconds), not ${values.poll}. Usage: ${USAGE}`,
      );
    // A console sends feedback and is never polled: --poll names how often webex: devices are read.
    if (poll !== undefined && !targets.some((t) => /^webex:/i.test(t.trim())))
      throw new CliError(
        'ERR_USAGE',
        `--poll sets how often a webex: device is read while watching; a console device reports its changes itself. Usage: ${USAGE}`,
      );
    const devices: { target: string; device: AnyDevice; expectedIdentity: string | null }[] = [];
    // Without --expect-identity, the identity this computer's journal last saw activated on the device.
    const records = await new Journal(dataDir(io.env)).read().catch(() => []);
    try {
      for (const t of targets) {
        const { device, target } = await openAnyDevice(
          t,
          { passwordFile: values['password-file'], verbose: values.verbose },
          io,
        );
        const named = expected[devices.length];
        const serial =
          device instanceof CloudDevice ? device.record.serial : (await device.identify()).serialNumber;
        devices.push({
          target: describeTarget(target),
          device,
          expectedIdentity: named ?? provisionedIdentity(records, serial),
        });
      }
      if (!values.watch) {
        const report = await checkMeetings(devices);
        await write(io.stdout, values.json ? jsonShown(report, MEETING_REPORT) : reportText(report));
        return failed(report) ? 1 : 0;
      }
      return await watch(devices, io, {
        json: values.json,
        duration,
        untilChanges,
        pollSeconds: poll ?? DEFAULT_POLL_SECONDS,
      });
    } finally {
      for (const d of devices) await d.device.close().catch(() => undefined);
    }
  },
};

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0))
    throw new CliError(
      'ERR_USAGE',
      `--${name} must be a positive number, not ${JSON.stringify(v)}. Usage: ${USAGE}`,
    );
  return n;
}

/** Exit 1: a finding that is a failure the device reported (warnings, however many, exit 0). */
function failed(report: MeetingReport): boolean {
  return [...report.verdicts.flatMap((v) => v.findings), ...report.comparison.findings].some(
    (f) => f.level === 'fail',
  );
}

async function watch(
  devices: { target: string; device: AnyDevice; expectedIdentity: string | null }[],
  io: CliIO,
  o: {
    json: boolean;
    duration: number | undefined;
    untilChanges: number | undefined;
    pollSeconds: number;
  },
): Promise<number> {
  const updates: MeetingUpdate[] = [];
  const changes = new Map<string, number>();
  let finish: () => void = () => undefined;
  let failure: unknown;
  const done = new Promise<void>((r) => (finish = r));
  const w = new MeetingWatch(
    (u) => {
      updates.push(u);
      if (!o.json) io.stdout.write(updateText(u));
      if (u.kind === 'security-code') {
        changes.set(u.target, (changes.get(u.target) ?? 0) + 1);
        if (
          o.untilChanges !== undefined &&
          devices.every((d) => (changes.get(d.target) ?? 0) >= (o.untilChanges ?? 0))
        )
          finish();
      }
    },
    {
      pollMs: o.pollSeconds * 1000,
      onError: (e) => {
        failure ??= e;
        finish();
      },
    },
  );
  const first = await w.start(devices);
  if (!o.json) await write(io.stdout, reportText(first));
  const how = [
    o.duration !== undefined ? `for ${o.duration} s` : '',
    o.untilChanges !== undefined ? `until ${o.untilChanges} security code change(s) on each device` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const polled = devices.filter((d) => d.device instanceof CloudDevice).map((d) => d.target);
  const polling =
    polled.length > 0
      ? `; reading ${polled.join(', ')} every ${o.pollSeconds} s (the Webex cloud sends no feedback)`
      : '';
  const notice = `Watching participants and the security code${how ? ` ${how}` : ''}${polling} (Ctrl+C to stop)...\n`;
  (o.json ? io.stderr : io.stdout).write(notice);
  const timer = o.duration !== undefined ? setTimeout(finish, o.duration * 1000) : undefined;
  const onSignal = (): void => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await done;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const last = await w.stop();
  // A device lost while watching: what was seen is printed, then the error (its code) ends the command.
  if (failure !== undefined) {
    if (!o.json) await write(io.stdout, `\nAfter watching:\n${verdictsText(last)}`);
    throw failure;
  }
  if (o.json)
    await write(io.stdout, jsonShown({ ...last, updates }, { ...MEETING_REPORT, updates: MEETING_UPDATE }));
  else await write(io.stdout, `\nAfter watching:\n${verdictsText(last)}`);
  return failed(last) ? 1 : 0;
}

function clock(at: string): string {
  return at.slice(11, 19) + 'Z';
}

/** One line for something seen while watching. */
export function updateText(u: MeetingUpdate): string {
  if (u.kind === 'participant') {
    const verb = u.change === 'added' ? 'joined' : u.change === 'deleted' ? 'left' : 'changed';
    return (
      safe`${clock(u.at)} ${u.target}: participant ${verb}: ${u.displayName ?? '-'} (${u.identity || 'no identity'}, ` +
      `${verificationWords(u.verification, null)})\n`
    );
  }
  const after = u.after
    ? safe` (after ${u.after.displayName ?? 'a participant'} ${u.after.change === 'added' ? 'joined' : u.after.change === 'deleted' ? 'left' : 'changed'})`
    : '';
  return (
    safe`${clock(u.at)} ${u.target}: security code changed: ${u.previous ?? '-'} -> ${u.code ?? '-'}` +
    `${after}\n`
  );
}

function certText(c: CertInfo): string {
  if (!c.parsed) return safe`certificate info (not read: ${c.error ?? 'empty'}): ${c.raw.slice(0, 200)}`;
  return safe`certificate: subject ${c.subject ?? '-'}; issuer ${c.issuer ?? '-'}; valid ${c.notBefore ?? '-'} to ${c.notAfter ?? '-'}; fingerprint ${c.fingerprint ?? '-'}`;
}

const NOT_REPORTED = 'not reported by this software';

function readingText(r: MeetingReading, v: MeetingVerdict): string[] {
  const d = r.device;
  const out = [
    safe`Meeting check: ${r.target}`,
    safe`  Device:          ${d.productId || '-'}, serial ${d.serialNumber || '-'}${d.systemName ? `, name ${d.systemName}` : ''}`,
    safe`  Identity:        ${!d.identityReported ? NOT_REPORTED : (d.externalIdentity ?? '(no external identity)')}${d.externalVerification ? ` (${d.externalVerification})` : ''}${d.expectedIdentity ? `; provisioned: ${d.expectedIdentity}` : ''}`,
  ];
  const call = meetingCall(r);
  if (!call) {
    out.push('  Call:            none');
  } else {
    const st = call.sessionType;
    out.push(
      safe`  Call ${call.callId}:          ${call.callStatus ?? '-'}${call.displayName ? `, ${call.displayName}` : ''}`,
      st.e2eeType === true
        ? safe`  Session type:    ${st.id} (${st.name})`
        : st.e2eeType === false
          ? safe`  Session type:    ${st.id} (not an E2EE session type)`
          : safe`  Session type:    ${st.raw ?? '-'}`,
      safe`  E2EE:            ${call.e2ee.status ?? NOT_REPORTED}, media ${call.e2ee.mediaEncryption ?? '-'}, group ${call.e2ee.groupEncryption ?? '-'}`,
      safe`  Encryption:      call ${call.callEncryption ?? NOT_REPORTED}, server ${call.serverEncryption ?? NOT_REPORTED}`,
      safe`  Security code:   ${call.e2ee.securityCode === null ? NOT_REPORTED : call.e2ee.securityCode || '-'}`,
    );
  }
  out.push(`  Participants (${v.people.length}):`);
  for (const p of v.people) {
    out.push(
      safe`    ${p.displayName ?? '-'}${p.deviceId ? ` (device ${p.deviceId})` : ''}: ${p.identity || 'no identity'}, ${verificationWords(p.verification, p.status)}${p.status ? ` [${p.status}]` : ''}`,
    );
    if (p.certInfo) out.push(`      ${certText(p.certInfo)}`);
  }
  for (const c of r.codeHistory) {
    out.push(safe`  Code change ${c.at}: ${c.previous ?? '-'} -> ${c.code ?? '-'}`);
  }
  return out;
}

function findingLine(f: Finding): string {
  return `    [${f.level}] ${safe`${f.text}`}`;
}

function encryptedWords(encrypted: boolean | null): string {
  return encrypted === null
    ? 'end-to-end encryption not reported'
    : encrypted
      ? 'end-to-end encrypted'
      : 'NOT end-to-end encrypted';
}

function verdictsText(report: MeetingReport): string {
  const out: string[] = [];
  for (const v of report.verdicts) {
    out.push(safe`  ${v.target}: ${encryptedWords(v.encrypted)}`);
    out.push(...v.findings.map(findingLine));
  }
  if (report.comparison.findings.length > 0) {
    out.push(`  Compared (${report.verdicts.length} devices):`);
    out.push(...report.comparison.findings.map(findingLine));
  }
  return out.join('\n') + '\n';
}

/** The human form: each device's reading, then the verdicts and the comparison. */
export function reportText(report: MeetingReport): string {
  const out: string[] = [];
  report.readings.forEach((r, i) => {
    const v = report.verdicts[i];
    if (v) out.push(...readingText(r, v), '');
  });
  return out.join('\n') + 'Verdict:\n' + verdictsText(report);
}
