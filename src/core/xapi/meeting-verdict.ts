/**
 * The meeting check's verdict: from what one device reads of its meeting (and, watching, what changed),
 * whether the call is end-to-end encrypted and why not, how this device and every participant appear, the
 * security code and whether it changed on the last join; and, for several devices, whether they agree.
 * Each finding has a stable code and parameters (the app words it in its language) and English words
 * (the CLI's). Pure.
 */
import {
  E2EE_SESSION_TYPES,
  classifyVerification,
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
    /**
     * Whether the device reports `Conference EndToEndEncryption` at all (published; only on a device
     * registered to Webex). False: its identity is not reported, which is not the same as absent.
     */
    identityReported: boolean;
    /**
     * The identity the tool provisioned on this device (its journal), when known: a device that reports
     * another is a failure.
     */
    expectedIdentity: string | null;
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
  | 'encryption-not-reported'
  | 'session-type'
  | 'wrong-session-type'
  | 'no-identity'
  | 'identity-not-reported'
  | 'identity-differs'
  | 'identity-unverified'
  | 'identity-word'
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
  | 'codes-not-reported'
  | 'rosters-match'
  | 'rosters-differ';

export interface Finding {
  code: FindingCode;
  level: 'ok' | 'info' | 'warn' | 'fail';
  params: Record<string, string | number | null>;
  /** English words (the CLI's). */
  text: string;
}

/** A person or device in the meeting, from the roster (else the participant list, one per E2EE device). */
export interface MeetingPerson {
  displayName: string | null;
  identity: string | null;
  verification: Verification;
  /** The device's own verification word for it, as given (null: not reported). */
  status: string | null;
  certInfo: ListedParticipant['certInfo'];
  /** The participant's `Device[n] Id` when the person is one of several devices of a participant. */
  deviceId?: string | null;
}

export interface MeetingVerdict {
  target: string;
  /**
   * True: the device says the call is end-to-end encrypted; false: it says it is not (or it is in no
   * call); null: it does not report it, or in a word the tool does not know.
   */
  encrypted: boolean | null;
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
    case 'unreported':
      return 'verification not reported by this software';
    default:
      return `verification "${raw ?? ''}"`;
  }
}

/** The call the check is about: the first with E2EE state, else the first. */
export function meetingCall(r: MeetingReading): MeetingCall | null {
  return r.calls.find((c) => c.e2ee.status !== null || c.roster.length > 0) ?? r.calls[0] ?? null;
}

/**
 * The people in the meeting: the E2EE roster (seed, from MLS) when there is one, else the participant
 * list: one person per participant, or one per `Device[n]` with an `EndToEndEncryption` node when a
 * participant has several.
 */
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
  return participants.flatMap((p): MeetingPerson[] => {
    const devices = p.devices.filter((d) => d.e2ee);
    if (devices.length > 1) {
      return devices.map((d) => ({
        displayName: p.displayName,
        identity: d.identity,
        verification: d.verification,
        status: d.verificationWord,
        certInfo: d.certInfo,
        deviceId: d.id,
      }));
    }
    return [
      {
        displayName: p.displayName,
        identity: p.identity,
        verification: p.verification,
        status: p.e2eeStatus,
        certInfo: p.certInfo,
      },
    ];
  });
}

function same(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase() && a.trim() !== '';
}

const TABLE_1 = E2EE_SESSION_TYPES.map((t) => t.id).join(', ');

/** Words that say the identity is not verified (`Unverified`, `None`, `NotVerified`, `Webex unverified`). */
function saysUnverified(word: string | null): boolean {
  return word !== null && word.trim() !== '' && classifyVerification(word) === 'unverified';
}

/**
 * The verdict on one device's reading. It judges only what the device reports: a failure is something
 * the device says (the call is not end-to-end encrypted; this device's identity is absent, unverified or
 * not the one provisioned; this device appears unverified); a path it does not report, or a word this
 * tool does not know, is a warning that shows what was given.
 */
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
    (ext === null
      ? (people.find((p) => same(p.identity, r.device.internalIdentity) && p.verification === 'webex') ??
        null)
      : null);
  identityFindings(r, add);
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
    // The session type ID is the seed's Table 1, not a published value: a warning; the device's own
    // E2EE status (when it reports one) is what fails.
    add(
      'wrong-session-type',
      'warn',
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
  let encrypted: boolean | null = e.encrypted;
  if (e.status === null) {
    encrypted = null;
    add(
      'encryption-not-reported',
      'warn',
      { encryption: call.callEncryption },
      `The call's end-to-end encryption status is not reported by this software (call encryption ${call.callEncryption ?? 'not reported'}): check the lock icon on the device's screen.`,
    );
  } else if (e.encrypted === true) {
    add(
      'encrypted',
      st.e2eeType === false ? 'warn' : 'ok',
      { status: e.status, media: e.mediaEncryption, group: e.groupEncryption },
      `The call is end-to-end encrypted (status ${e.status}, media ${e.mediaEncryption ?? '-'}, group ${e.groupEncryption ?? '-'}).`,
    );
  } else if (e.encrypted === null) {
    add(
      'encryption-unknown',
      'warn',
      { status: e.status },
      `The device reports the end-to-end encryption status "${e.status}", which this tool does not know: check the lock icon on the device.`,
    );
  } else {
    const why =
      st.e2eeType === false
        ? 'session-type'
        : r.device.identityReported && ext === null && r.device.internalIdentity === null
          ? 'no-identity'
          : null;
    add(
      'not-encrypted',
      'fail',
      { status: e.status, why },
      `The call is not end-to-end encrypted (status ${e.status})${why === 'session-type' ? `: the session type ${st.id} is not an E2EE type` : why === 'no-identity' ? ': this device has no identity' : ''}.`,
    );
  }
  if (self) {
    const level =
      self.verification === 'external'
        ? 'ok'
        : self.verification === 'unverified' && ext !== null
          ? 'fail'
          : 'warn';
    add(
      'self',
      level,
      { identity: self.identity, verification: self.verification, status: self.status },
      `This device appears as ${self.identity ?? '-'}, ${verificationWords(self.verification, self.status)}${self.verification === 'unknown' ? ' (a word this tool does not know)' : ''}.`,
    );
  } else if (ext !== null && people.length > 0) {
    // The seed's roster lists the MLS group, this device included: missing there, it appears as someone
    // else. The participant list's shape is not published to hold this device: a warning.
    add(
      'self-missing',
      call.roster.length > 0 ? 'fail' : 'warn',
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
  } else if (e.securityCode === null && encrypted !== false) {
    add(
      'no-security-code',
      'warn',
      { reported: 'no' },
      "The security code is not reported by this software: compare the code on the devices' screens.",
    );
  } else if (encrypted === true) {
    add(
      'no-security-code',
      'warn',
      { reported: 'empty' },
      'The device reports no security code for this encrypted call.',
    );
  }
  const j = r.lastJoin;
  if (j) {
    add(
      j.codeChanged ? 'code-changed' : 'code-unchanged',
      j.codeChanged ? 'ok' : 'warn',
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

/** This device's own identity, as `Conference EndToEndEncryption ExternalIdentity` reports it. */
function identityFindings(
  r: MeetingReading,
  add: (code: FindingCode, level: Finding['level'], params: Finding['params'], text: string) => void,
): void {
  const d = r.device;
  const ext = d.externalIdentity;
  if (!d.identityReported) {
    add(
      'identity-not-reported',
      'warn',
      {},
      "This device's end-to-end encryption identity is not reported (the device reports it only once registered to Webex).",
    );
    return;
  }
  if (ext === null) {
    add(
      'no-identity',
      'fail',
      {},
      'This device has no externally issued identity: provision its certificate, then check again.',
    );
    return;
  }
  if (d.expectedIdentity !== null && !same(ext, d.expectedIdentity)) {
    add(
      'identity-differs',
      'fail',
      { identity: ext, expected: d.expectedIdentity },
      `This device's identity is ${ext}, not ${d.expectedIdentity}, the identity provisioned on it: provision it again, then check again.`,
    );
  }
  const word = d.externalVerification;
  if (saysUnverified(word)) {
    add(
      'identity-unverified',
      'fail',
      { identity: ext, status: word },
      `This device's identity ${ext} reads as not verified ("${word ?? ''}"): check its certificate chain, then provision it again.`,
    );
  } else if (word !== null && classifyVerification(word) === 'unknown') {
    add(
      'identity-word',
      'warn',
      { identity: ext, status: word },
      `This device's identity ${ext} reads "${word}", a verification word this tool does not know.`,
    );
  }
}

export interface MeetingComparison {
  /**
   * True when every device reports the same code, false when two report different ones; null with fewer
   * than two devices, or when a device does not report one.
   */
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
  const unreported = codes.filter((c) => c.code === null || c.code.trim() === '');
  const sameSecurityCode = unreported.length > 0 ? null : codes.every((c) => c.code === first);
  findings.push(
    sameSecurityCode === null
      ? {
          code: 'codes-not-reported',
          level: 'warn',
          params: { count: unreported.length },
          text: `The security code is not reported by ${unreported.map((c) => c.target).join(', ')}: compare the codes on the devices' screens.`,
        }
      : sameSecurityCode
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
