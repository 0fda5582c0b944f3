/**
 * Typed readings of an end-to-end encrypted meeting as a device sees it (the seed's Table 3, the public
 * schema's `Call[n] Encryption Type`, `Conference Call[n] SessionType`, `Conference ParticipantList Search`
 * and the `ParticipantAdded|Updated|Deleted` events), the verdict drawn from them, and the comparison of
 * several devices in one meeting. Pure.
 *
 * No public source gives the value spaces of `Conference Call[n] EndToEndEncryption …`, the roster's
 * `Status`, or the layout of the `CertInfo` JSON blob: they are read tolerantly (a value that is not
 * recognised is shown as the device gave it and never mapped to a guess; docs/simulator.md lists them).
 */
import { entriesUnder, groupByIndex, type XapiEntry, type XapiResponse } from './response.js';

/** One E2EE session type of the seed's Table 1: the Webex meeting site's session type ID and its public name. */
export interface SessionType {
  id: number;
  name: string;
  /** A second name the table prints next to this one. */
  alsoListed?: string;
}

/** The seed's Table 1 ("session type IDs for end-to-end encrypted meetings"). */
export const E2EE_SESSION_TYPES: readonly SessionType[] = Object.freeze([
  { id: 638, name: 'E2E Encryption+VoIP only' },
  { id: 652, name: 'Pro-End to End Encryption_VOIPonly' },
  { id: 660, name: 'Pro 3 Free-End to End Encryption_VOIPonly', alsoListed: 'E2E Encryption + Identity' },
  { id: 672, name: 'Pro 3 Free50-End to End Encryption_VOIPonly' },
  { id: 673, name: 'Education Instructor E2E Encryption_VOIPonly' },
  { id: 676, name: 'Broadworks Standard plus end-to-end encryption' },
  { id: 677, name: 'Broadworks Premium plus end-to-end encryption' },
  { id: 681, name: 'Schoology Free plus end-to-end encryption' },
]);

/** The Table 1 entry of a session type ID, or undefined. */
export function sessionTypeById(id: number): SessionType | undefined {
  return E2EE_SESSION_TYPES.find((t) => t.id === id);
}

/** `Conference Call[n] SessionType` as read: the value given, and what Table 1 says of it. */
export interface SessionTypeReading {
  /** As the device wrote it (the public schema lists `Call`, `Share`, `InstantMeeting`); null when absent. */
  raw: string | null;
  /** The session type ID when the value is one (digits only). */
  id: number | null;
  /** Table 1's name of that ID; null when the ID is not in Table 1 or there is no ID. */
  name: string | null;
  /** True: an ID of Table 1; false: an ID that is not; null: no ID to judge by. */
  e2eeType: boolean | null;
}

export function readSessionType(raw: string | null): SessionTypeReading {
  const v = raw?.trim() ?? '';
  if (!/^\d{1,9}$/.test(v)) return { raw, id: null, name: null, e2eeType: null };
  const id = Number(v);
  const t = sessionTypeById(id);
  return { raw, id, name: t?.name ?? null, e2eeType: t !== undefined };
}

/** A participant's certificate, from a `CertInfo` JSON blob. */
export interface CertInfo {
  /** The blob as given. */
  raw: string;
  /** Whether it was a JSON object this reader took fields from. */
  parsed: boolean;
  subject: string | null;
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  fingerprint: string | null;
  /** Every top-level field with a plain value, by name, as given. */
  fields: Record<string, string>;
  /** Why the blob could not be read, when it could not. */
  error?: string;
}

const CERTINFO_LIMIT = 65_536;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObj(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function norm(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function plain(v: Json | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObj(v)) {
    // A distinguished name as an object: {"CN":"a","O":"b"} → CN=a, O=b.
    const parts = Object.entries(v)
      .filter(([, x]) => typeof x === 'string' || typeof x === 'number')
      .map(([k, x]) => `${k}=${String(x)}`);
    return parts.length > 0 ? parts.join(', ') : JSON.stringify(v);
  }
  return JSON.stringify(v);
}

function pick(o: Record<string, Json>, names: readonly string[]): string | null {
  const byNorm = new Map(Object.entries(o).map(([k, v]) => [norm(k), v]));
  for (const n of names) {
    const v = plain(byNorm.get(n));
    if (v !== null && v.trim() !== '') return v;
  }
  return null;
}

const SUBJECT = ['subject', 'subjectname', 'subjectdn', 'commonname', 'cn', 'primaryname'];
const ISSUER = ['issuer', 'issuername', 'issuerdn', 'issuercommonname'];
const NOT_BEFORE = ['notbefore', 'validfrom', 'validitynotbefore', 'notvalidbefore', 'starts'];
const NOT_AFTER = ['notafter', 'validto', 'validuntil', 'validitynotafter', 'notvalidafter', 'expires'];
const FINGERPRINT = [
  'fingerprint',
  'fingerprintsha256',
  'sha256fingerprint',
  'sha256',
  'fingerprintsha1',
  'sha1fingerprint',
  'sha1',
  'thumbprint',
];

/**
 * Reads a `CertInfo` JSON blob. Its layout is not public: the fields are looked up by the usual names
 * (subject/issuer/notBefore/notAfter/fingerprint and their spellings), a `validity` object is looked into,
 * and an array or a `certificates`/`chain` list is read by its first (the participant's own) certificate.
 * What is not JSON is kept as given, with the reason.
 */
export function parseCertInfo(raw: string): CertInfo {
  const empty = (error?: string): CertInfo => ({
    raw,
    parsed: false,
    subject: null,
    issuer: null,
    notBefore: null,
    notAfter: null,
    fingerprint: null,
    fields: {},
    ...(error !== undefined ? { error } : {}),
  });
  if (raw.trim() === '') return empty();
  if (raw.length > CERTINFO_LIMIT) return empty(`longer than ${CERTINFO_LIMIT} characters`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return empty('not JSON');
  }
  let o: unknown = value;
  if (Array.isArray(o)) o = o[0];
  if (isObj(o)) {
    for (const k of Object.keys(o)) {
      const list = o[k];
      if (['certificates', 'chain', 'certificatechain', 'certs'].includes(norm(k)) && Array.isArray(list)) {
        if (isObj(list[0])) o = list[0];
        break;
      }
    }
  }
  if (!isObj(o)) return empty('not a JSON object');
  const validity = Object.entries(o).find(([k]) => norm(k) === 'validity')?.[1];
  const inner = isObj(validity) ? validity : {};
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = String(v);
  }
  const fp = pick(o, FINGERPRINT);
  return {
    raw,
    parsed: true,
    subject: pick(o, SUBJECT),
    issuer: pick(o, ISSUER),
    notBefore: pick(o, NOT_BEFORE) ?? pick(inner, NOT_BEFORE),
    notAfter: pick(o, NOT_AFTER) ?? pick(inner, NOT_AFTER),
    fingerprint:
      fp === null ? null : /^[0-9a-f:\s]+$/i.test(fp) ? fp.replace(/[:\s]/g, '').toLowerCase() : fp,
    fields,
  };
}

/**
 * How a participant's identity is verified, as far as the device's words say; `unreported` when the device
 * gives no verification for it at all (a path it does not report).
 */
export type Verification = 'webex' | 'external' | 'unverified' | 'unknown' | 'unreported';

/**
 * The device's verification words, classified: `WebexVerified`/`Webex verified` → webex;
 * `CAVerified`/`External`/`ExternallyVerified` → external; `Unverified`/`None`/`NotVerified`/empty →
 * unverified; anything else (`Verified` too: it does not say by whom) → unknown (shown as given); no
 * value at all (null) → unreported.
 */
export function classifyVerification(raw: string | null): Verification {
  if (raw === null) return 'unreported';
  const v = norm(raw);
  if (v === '' || v === 'none' || v === 'unverified' || v === 'notverified' || v === 'webexunverified')
    return 'unverified';
  if (v === 'webexverified' || v === 'webex' || v === 'verifiedwebex') return 'webex';
  if (['caverified', 'external', 'externalverified', 'externallyverified', 'verifiedexternal'].includes(v))
    return 'external';
  return 'unknown';
}

/** `Conference Call[n] EndToEndEncryption Status`, classified; null when the word is not one we know. */
export function classifyEncrypted(raw: string | null): boolean | null {
  const v = norm(raw ?? '');
  if (['on', 'encrypted', 'active', 'enabled', 'true', 'secure', 'e2ee'].includes(v)) return true;
  if (['', 'off', 'none', 'unencrypted', 'notencrypted', 'inactive', 'disabled', 'false'].includes(v))
    return false;
  return null;
}

/** One entry of `Conference Call[n] EndToEndEncryption Roster Participant[n]`. */
export interface RosterParticipant {
  index: number;
  /** The participant's WDM URL (seed). */
  id: string | null;
  status: string | null;
  verification: Verification;
  identity: string | null;
  displayName: string | null;
  certInfo: CertInfo | null;
}

/** One call of the device, with its E2EE state. */
export interface MeetingCall {
  callId: number;
  /** `Call[n] Status` (Connected …). */
  callStatus: string | null;
  /** `Call[n] DisplayName`: the far end's name. */
  displayName: string | null;
  sessionType: SessionTypeReading;
  e2ee: {
    status: string | null;
    encrypted: boolean | null;
    securityCode: string | null;
    mediaEncryption: string | null;
    groupEncryption: string | null;
  };
  /** `Call[n] ServerEncryption Type` (seed). */
  serverEncryption: string | null;
  /** `Call[n] Encryption Type` (schema). */
  callEncryption: string | null;
  roster: RosterParticipant[];
}

function at(entries: readonly XapiEntry[], path: readonly string[]): string | null {
  const p = path.map((s) => s.toLowerCase());
  const e = entries.find(
    (x) => x.path.length === p.length && p.every((s, i) => x.path[i]?.toLowerCase() === s),
  );
  return e ? e.value : null;
}

function certInfoOf(v: string | null): CertInfo | null {
  return v === null || v.trim() === '' ? null : parseCertInfo(v);
}

/** Reads `xStatus Conference Call` and `xStatus Call` (either may be null: no call, or not reported). */
export function parseMeetingCalls(conference: XapiResponse | null, call: XapiResponse | null): MeetingCall[] {
  const conf = groupByIndex(conference ? entriesUnder(conference, ['Conference', 'Call']) : []);
  const calls = groupByIndex(call ? entriesUnder(call, ['Call']) : []);
  const ids = [...new Set([...conf.keys(), ...calls.keys()])].sort((a, b) => a - b);
  return ids.map((callId) => {
    const c = conf.get(callId) ?? [];
    const k = calls.get(callId) ?? [];
    const e2 = entriesUnder({ entries: c }, ['EndToEndEncryption']);
    const status = at(e2, ['Status']);
    const roster = groupByIndex(entriesUnder({ entries: e2 }, ['Roster', 'Participant']));
    return {
      callId,
      callStatus: at(k, ['Status']),
      displayName: at(k, ['DisplayName']),
      sessionType: readSessionType(at(c, ['SessionType'])),
      e2ee: {
        status,
        encrypted: status === null ? null : classifyEncrypted(status),
        securityCode: at(e2, ['SecurityCode']),
        mediaEncryption: at(e2, ['MediaEncryption', 'Type']),
        groupEncryption: at(e2, ['GroupEncryption', 'Type']),
      },
      serverEncryption: at(k, ['ServerEncryption', 'Type']),
      callEncryption: at(k, ['Encryption', 'Type']),
      roster: [...roster.entries()].map(([index, es]) => {
        const st = at(es, ['Status']);
        return {
          index,
          id: at(es, ['Id']),
          status: st,
          verification: classifyVerification(st),
          identity: at(es, ['Identity']),
          displayName: at(es, ['DisplayName']),
          certInfo: certInfoOf(at(es, ['CertInfo'])),
        };
      }),
    };
  });
}

/**
 * One `Device[n]` of a participant in the published Search result and participant events:
 * `Device[n] {Id, EndToEndEncryption {Identity, Status, Verification, CertificateChain Certificate[n] …}}`.
 */
export interface ParticipantDevice {
  index: number;
  id: string | null;
  /** Whether the device gives an `EndToEndEncryption` node for it at all. */
  e2ee: boolean;
  identity: string | null;
  /** `EndToEndEncryption Status`, as given. */
  status: string | null;
  /** `EndToEndEncryption Verification`, as given. */
  verificationWord: string | null;
  verification: Verification;
  /** The first certificate of `CertificateChain` (the participant's own), read as a `CertInfo`. */
  certInfo: CertInfo | null;
}

/** A participant as `Conference ParticipantList Search` or a participant event gives it. */
export interface ListedParticipant {
  participantId: string | null;
  displayName: string | null;
  /** The participant's call status (`connected` …) as given. */
  status: string | null;
  isHost: boolean | null;
  /** `EndToEndEncryptionStatus` (seed), else the first E2EE device's `EndToEndEncryption Verification` (schema). */
  e2eeStatus: string | null;
  verification: Verification;
  /** `EndToEndEncryptionIdentity` (seed), else the first E2EE device's `EndToEndEncryption Identity` (schema). */
  identity: string | null;
  certInfo: CertInfo | null;
  /** Every `Device[n]` the device lists for the participant (schema), in index order. */
  devices: ParticipantDevice[];
}

/** A published `CertificateChain Certificate[n]` read as a `CertInfo` (the fields as given). */
function chainCertInfo(es: readonly XapiEntry[]): CertInfo | null {
  const certs = groupByIndex(entriesUnder({ entries: [...es] }, ['CertificateChain', 'Certificate']));
  const first = [...certs.values()][0];
  if (!first) return null;
  const fields: Record<string, string> = {};
  for (const e of first) fields[e.path.join(' ')] = e.value;
  const names = groupByIndex(entriesUnder({ entries: first }, ['Subject']));
  const subject = [...names.values()]
    .map((n) => at(n, ['Name']))
    .filter((n): n is string => n !== null && n !== '');
  const fp = at(first, ['Fingerprint']);
  return {
    raw: '',
    parsed: true,
    subject: at(first, ['PrimaryName']) ?? (subject.length > 0 ? subject.join(', ') : null),
    issuer: null,
    notBefore: at(first, ['NotBefore']),
    notAfter: at(first, ['NotAfter']),
    fingerprint: fp === null || fp === '' ? null : fp.replace(/[:\s]/g, '').toLowerCase(),
    fields,
  };
}

function participantDevices(es: readonly XapiEntry[]): ParticipantDevice[] {
  return [...groupByIndex(entriesUnder({ entries: [...es] }, ['Device'])).entries()].map(([index, d]) => {
    const e2 = entriesUnder({ entries: d }, ['EndToEndEncryption']);
    const word = at(e2, ['Verification']);
    return {
      index,
      id: at(d, ['Id']),
      e2ee: e2.length > 0,
      identity: at(e2, ['Identity']),
      status: at(e2, ['Status']),
      verificationWord: word,
      verification: classifyVerification(word),
      certInfo: chainCertInfo(e2),
    };
  });
}

function listed(es: readonly XapiEntry[]): ListedParticipant {
  const devices = participantDevices(es);
  const d1 = devices.find((d) => d.e2ee);
  const e2eeStatus = at(es, ['EndToEndEncryptionStatus']) ?? d1?.verificationWord ?? null;
  const host = at(es, ['IsHost']);
  const seedCert = certInfoOf(at(es, ['EndToEndEncryptionCertInfo']));
  return {
    participantId: at(es, ['ParticipantId']),
    displayName: at(es, ['DisplayName']),
    status: at(es, ['Status']),
    isHost: host === null ? null : /^true$/i.test(host),
    e2eeStatus,
    verification: classifyVerification(e2eeStatus),
    identity: at(es, ['EndToEndEncryptionIdentity']) ?? d1?.identity ?? null,
    certInfo: seedCert ?? d1?.certInfo ?? null,
    devices,
  };
}

/** Reads a `Conference ParticipantList Search` result: `Participant n <Field>` entries in either grammar. */
export function parseParticipantList(res: XapiResponse): ListedParticipant[] {
  return [...groupByIndex(entriesUnder(res, ['Participant'])).values()].map(listed);
}

export interface ParticipantEvent {
  change: 'added' | 'updated' | 'deleted';
  callId: number | null;
  participant: ListedParticipant;
}

const EVENT_NAMES: Record<string, ParticipantEvent['change']> = {
  participantadded: 'added',
  participantupdated: 'updated',
  participantdeleted: 'deleted',
};

/**
 * Reads an `xEvent Conference ParticipantList ParticipantAdded|Updated|Deleted` block (also written
 * `Participant Added` …); null for any other feedback.
 */
export function parseParticipantEvent(res: XapiResponse): ParticipantEvent | null {
  if (res.kind !== 'event') return null;
  const under = entriesUnder(res, ['Conference', 'ParticipantList']);
  const first = under[0]?.path;
  if (!first || first.length < 2) return null;
  let change = EVENT_NAMES[norm(first[0] ?? '')];
  let skip = 1;
  if (change === undefined && norm(first[0] ?? '') === 'participant') {
    change = EVENT_NAMES[`participant${norm(first[1] ?? '')}`];
    skip = 2;
  }
  if (change === undefined) return null;
  const head = first.slice(0, skip).map((s) => s.toLowerCase());
  const es = under
    .filter((e) => head.every((s, i) => e.path[i]?.toLowerCase() === s))
    .map((e) => ({ path: e.path.slice(skip), value: e.value }));
  const callId = at(es, ['CallId'])?.trim() ?? '';
  return { change, callId: /^\d{1,9}$/.test(callId) ? Number(callId) : null, participant: listed(es) };
}

/** Whether a status feedback block touches a call's E2EE state or the calls. */
export function isMeetingStatusFeedback(res: XapiResponse): boolean {
  if (res.kind !== 'status') return false;
  return res.entries.some(
    (e) =>
      (e.path[0]?.toLowerCase() === 'conference' && e.path[1]?.toLowerCase() === 'call') ||
      e.path[0]?.toLowerCase() === 'call',
  );
}
