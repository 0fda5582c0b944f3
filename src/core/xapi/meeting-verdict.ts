/**
 * The meeting check's verdict: from what one device reads of its meeting (and, watching, what changed),
 * whether the call is end-to-end encrypted and why not, how this device and every participant appear, the
 * security code and whether it changed on the last join; and, for several devices, whether they agree.
 * Each finding has a stable code and parameters (the app words it in its language) and English words
 * (the CLI's). Pure.
 */
import {
  E2EE_SESSION_TYPES,
  type ListedParticipant,
  type MeetingCall,
  type Verification,
} from './meeting.js';

/** A security code change seen while watching, with the participant change just before it. */
export interface CodeChange {
  at: string;
  previous: string | null;
  code: string | null;
  after: {
    change: 'added' | 'updated' | 'deleted';
    displayName: string | null;
    identity: string | null;
  } | null;
}

/** One participant joining, seen while watching, and whether the security code changed after it. */
export interface JoinSeen {
  at: string;
  displayName: string | null;
  identity: string | null;
  codeBefore: string | null;
  codeAfter: string | null;
  codeChanged: boolean;
}

/** What one device reads of its meeting. */
export interface MeetingReading {
  /** The target as described (`serial:/dev/ttyUSB0`). */
  target: string;
  readAt: string;
  device: {
    productId: string;
    serialNumber: string;
    systemName: string;
    /** `ExternalIdentity Identity`: the CN of the provisioned certificate; null when none. */
    externalIdentity: string | null;
    externalVerification: string | null;
    internalIdentity: string | null;
  };
  calls: MeetingCall[];
  /** `Conference ParticipantList Search` of the first call (empty when the device gives none). */
  participants: ListedParticipant[];
  /** Security code changes seen while watching (empty for one read). */
  codeHistory: CodeChange[];
  /** The last join seen while watching; null when none was seen. */
  lastJoin: JoinSeen | null;
}

export type FindingCode =
  | 'no-call'
  | 'encrypted'
  | 'not-encrypted'
  | 'encryption-unknown'
  | 'session-type'
  | 'wrong-session-type'
  | 'no-identity'
  | 'self'
  | 'self-missing'
  | 'participant'
  | 'security-code'
  | 'no-security-code'
  | 'code-changed'
  | 'code-unchanged'
  | 'join-not-seen'
  | 'codes-match'
  | 'codes-differ'
  | 'rosters-match'
  | 'rosters-differ';

export interface Finding {
  code: FindingCode;
  level: 'ok' | 'info' | 'warn' | 'fail';
  params: Record<string, string | number | null>;
  /** English words (the CLI's). */
  text: string;
}

/** A person or device in the meeting, from the roster (else the participant list). */
export interface MeetingPerson {
  displayName: string | null;
  identity: string | null;
  verification: Verification;
  /** The device's own word for it. */
  status: string | null;
  certInfo: ListedParticipant['certInfo'];
}

export interface MeetingVerdict {
  target: string;
  encrypted: boolean;
  callId: number | null;
  securityCode: string | null;
  sessionType: MeetingCall['sessionType'] | null;
  /** This device in the roster, when found by its identity. */
  self: MeetingPerson | null;
  people: MeetingPerson[];
  /** Whether the code changed when the last participant joined; null when no join was seen. */
  codeChangedOnLastJoin: boolean | null;
  findings: Finding[];
}

/** English words for a verification. */
export function verificationWords(v: Verification, raw: string | null): string {
  switch (v) {
    case 'webex':
      return 'Webex-verified';
    case 'external':
      return 'externally verified';
    case 'unverified':
      return 'unverified';
    default:
      return `verification "${raw ?? ''}"`;
  }
}

/** The call the check is about: the first with E2EE state, else the first. */
export function meetingCall(r: MeetingReading): MeetingCall | null {
  return r.calls.find((c) => c.e2ee.status !== null || c.roster.length > 0) ?? r.calls[0] ?? null;
}

/** The people in the meeting: the E2EE roster (from MLS) when there is one, else the participant list. */
export function meetingPeople(
  call: MeetingCall | null,
  participants: readonly ListedParticipant[],
): MeetingPerson[] {
  if (call && call.roster.length > 0) {
    return call.roster.map((p) => ({
      displayName: p.displayName,
      identity: p.identity,
      verification: p.verification,
      status: p.status,
      certInfo: p.certInfo,
    }));
  }
  return participants.map((p) => ({
    displayName: p.displayName,
    identity: p.identity,
    verification: p.verification,
    status: p.e2eeStatus,
    certInfo: p.certInfo,
  }));
}

function same(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase() && a.trim() !== '';
}

const TABLE_1 = E2EE_SESSION_TYPES.map((t) => t.id).join(', ');

/** The verdict on one device's reading. */
export function meetingVerdict(r: MeetingReading): MeetingVerdict {
  const findings: Finding[] = [];
  const add = (code: FindingCode, level: Finding['level'], params: Finding['params'], text: string): void => {
    findings.push({ code, level, params, text });
  };
  const call = meetingCall(r);
  const people = meetingPeople(call, r.participants);
  const ext = r.device.externalIdentity;
  const self =
    people.find((p) => same(p.identity, ext)) ??
    people.find((p) => same(p.identity, r.device.internalIdentity) && p.verification === 'webex') ??
    null;
  if (call === null) {
    add('no-call', 'fail', {}, 'The device is not in a call: join the meeting from it, then check again.');
    return {
      target: r.target,
      encrypted: false,
      callId: null,
      securityCode: null,
      sessionType: null,
      self: null,
      people,
      codeChangedOnLastJoin: null,
      findings,
    };
  }
  const st = call.sessionType;
  if (st.e2eeType === false) {
    add(
      'wrong-session-type',
      'fail',
      { id: st.id, raw: st.raw },
      `The meeting's session type ${st.id} is not an end-to-end encrypted session type (Table 1: ${TABLE_1}): schedule it as Pro-End to End Encryption_VOIPonly (652) or another type of Table 1.`,
    );
  } else if (st.e2eeType === true) {
    add(
      'session-type',
      'ok',
      { id: st.id, name: st.name, raw: st.raw },
      `Session type ${st.id}: ${st.name}.`,
    );
  } else if (st.raw !== null) {
    add(
      'session-type',
      'info',
      { id: null, name: null, raw: st.raw },
      `Session type as the device reports it: ${st.raw}.`,
    );
  }
  const e = call.e2ee;
  const encrypted = e.encrypted === true && st.e2eeType !== false;
  if (e.encrypted === true) {
    add(
      'encrypted',
      st.e2eeType === false ? 'warn' : 'ok',
      { status: e.status, media: e.mediaEncryption, group: e.groupEncryption },
      `The call is end-to-end encrypted (status ${e.status ?? '-'}, media ${e.mediaEncryption ?? '-'}, group ${e.groupEncryption ?? '-'}).`,
    );
  } else if (e.encrypted === null && e.status !== null) {
    add(
      'encryption-unknown',
      'warn',
      { status: e.status },
      `The device reports the end-to-end encryption status "${e.status}", which this tool does not know: check the lock icon on the device.`,
    );
  } else {
    const why =
      st.e2eeType === false
        ? `the session type ${st.id} is not an E2EE type`
        : ext === null && r.device.internalIdentity === null
          ? 'this device has no identity'
          : null;
    add(
      'not-encrypted',
      'fail',
      { status: e.status, why: st.e2eeType === false ? 'session-type' : why === null ? null : 'no-identity' },
      `The call is not end-to-end encrypted (status ${e.status ?? 'not reported'})${why ? `: ${why}` : ''}.`,
    );
  }
  if (ext === null) {
    add(
      'no-identity',
      'warn',
      {},
      'This device has no externally issued identity: provision its certificate, then check again.',
    );
  }
  if (self) {
    const level = self.verification === 'external' ? 'ok' : self.verification === 'webex' ? 'warn' : 'fail';
    add(
      'self',
      level,
      { identity: self.identity, verification: self.verification, status: self.status },
      `This device appears as ${self.identity ?? '-'}, ${verificationWords(self.verification, self.status)}.`,
    );
  } else if (ext !== null && people.length > 0) {
    add(
      'self-missing',
      'fail',
      { identity: ext },
      `This device's identity ${ext} is not among the participants' identities.`,
    );
  }
  for (const p of people) {
    add(
      'participant',
      p.verification === 'webex' || p.verification === 'external' ? 'ok' : 'warn',
      { name: p.displayName, identity: p.identity, verification: p.verification, status: p.status },
      `Participant ${p.displayName ?? '-'}: ${p.identity || 'no identity'}, ${verificationWords(p.verification, p.status)}.`,
    );
  }
  if (e.securityCode !== null && e.securityCode.trim() !== '') {
    add('security-code', 'info', { code: e.securityCode }, `Security code now: ${e.securityCode}.`);
  } else if (encrypted) {
    add('no-security-code', 'warn', {}, 'The device reports no security code for this encrypted call.');
  }
  const j = r.lastJoin;
  if (j) {
    add(
      j.codeChanged ? 'code-changed' : 'code-unchanged',
      j.codeChanged ? 'ok' : 'fail',
      { name: j.displayName, at: j.at, before: j.codeBefore, after: j.codeAfter },
      j.codeChanged
        ? `The security code changed when ${j.displayName ?? 'a participant'} joined (${j.at}): ${j.codeBefore ?? '-'} -> ${j.codeAfter ?? '-'}.`
        : `The security code did not change when ${j.displayName ?? 'a participant'} joined (${j.at}): it is still ${j.codeAfter ?? '-'}.`,
    );
  } else {
    add(
      'join-not-seen',
      'info',
      {},
      'No participant joined while the tool watched: watch (--watch) to see the code change on a join.',
    );
  }
  return {
    target: r.target,
    encrypted,
    callId: call.callId,
    securityCode: e.securityCode,
    sessionType: st,
    self,
    people,
    codeChangedOnLastJoin: j ? j.codeChanged : null,
    findings,
  };
}

export interface MeetingComparison {
  /** True when every device reports the same non-empty code; null with fewer than two devices. */
  sameSecurityCode: boolean | null;
  codes: { target: string; code: string | null }[];
  sameRoster: boolean | null;
  rosters: { target: string; identities: string[] }[];
  findings: Finding[];
}

/** Compares the security codes and rosters of several devices. */
export function compareMeetings(verdicts: readonly MeetingVerdict[]): MeetingComparison {
  const codes = verdicts.map((v) => ({ target: v.target, code: v.securityCode }));
  const rosters = verdicts.map((v) => ({
    target: v.target,
    identities: v.people.map((p) => p.identity || `(${p.displayName ?? '-'})`).sort(),
  }));
  if (verdicts.length < 2) return { sameSecurityCode: null, codes, sameRoster: null, rosters, findings: [] };
  const findings: Finding[] = [];
  const first = codes[0]?.code ?? null;
  const sameSecurityCode = first !== null && first !== '' && codes.every((c) => c.code === first);
  findings.push(
    sameSecurityCode
      ? {
          code: 'codes-match',
          level: 'ok',
          params: { code: first, count: codes.length },
          text: `All ${codes.length} devices show the same security code: ${first}.`,
        }
      : {
          code: 'codes-differ',
          level: 'fail',
          params: { count: codes.length },
          text: `The devices do not show the same security code: ${codes.map((c) => `${c.target} ${c.code ?? '-'}`).join('; ')}.`,
        },
  );
  const key = (ids: string[]): string => JSON.stringify(ids.map((s) => s.toLowerCase()));
  const sameRoster = rosters.every((r) => key(r.identities) === key(rosters[0]?.identities ?? []));
  findings.push(
    sameRoster
      ? {
          code: 'rosters-match',
          level: 'ok',
          params: { count: rosters[0]?.identities.length ?? 0 },
          text: `All devices list the same ${rosters[0]?.identities.length ?? 0} participants.`,
        }
      : {
          code: 'rosters-differ',
          level: 'fail',
          params: {},
          text: `The devices list different participants: ${rosters.map((r) => `${r.target} [${r.identities.join(', ')}]`).join('; ')}.`,
        },
  );
  return { sameSecurityCode, codes, sameRoster, rosters, findings };
}
