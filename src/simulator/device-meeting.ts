/**
 * A device's side of a simulated meeting (simulator only): joining and leaving, how it appears to the
 * others, its call status (`Call 1 …`, `Conference Call 1 …`) and the participant fields of the list and
 * its events, in the published schema's shape or the seed's Table 3.
 */
import { createHash } from 'node:crypto';
import { e2eeDate } from './certs.js';
import type { Device } from './device.js';
import { type Leaf, changedLeaves, leafSnapshot } from './format.js';
import {
  type MeetingMember,
  type MemberFacts,
  type SimMeeting,
  certInfoBlob,
  rosterStatus,
} from './meeting.js';

/** In a simulated meeting of an E2EE session type, and able to take part in E2EE. */
export function inE2eeMeeting(d: Device): boolean {
  return d.meeting !== undefined && d.meeting.meeting.e2ee && d.e2eeSupported;
}

/** Joins the simulated meeting as a participant whose facts follow d device's identity. */
export function joinMeeting(d: Device, meeting: SimMeeting): void {
  leaveMeeting(d);
  const off = meeting.on((c) => meetingChanged(d, c.change, c.facts, c.member));
  d.meetingSnapshot = leafSnapshot(callLeaves(d));
  const member = meeting.add(() => meetingFacts(d));
  d.meeting = { meeting, member, off };
  meetingChanged(d, 'added', member.facts(), member);
}

/** Leaves the simulated meeting (the others see the participant go). */
export function leaveMeeting(d: Device): void {
  const m = d.meeting;
  if (!m) return;
  m.off();
  d.meeting = undefined;
  m.meeting.leave(m.member);
  d.meetingSnapshot = new Map();
}

/** How d device appears in a meeting: its external identity when one is active, else its Webex one. */
export function meetingFacts(d: Device): MemberFacts {
  const displayName = d.config.get('SystemUnit Name') || d.model.productId;
  const ext = d.certStore.active('WebexIdentity');
  if (ext) {
    const f = ext.facts;
    return {
      displayName,
      identity: f.commonName,
      verification: 'external',
      certInfo: certInfoBlob({
        subject: f.subjectName,
        issuer: f.issuerName,
        notBefore: f.notBefore,
        notAfter: f.notAfter,
        sha256: f.sha256,
        serialNumber: f.serialNumber,
      }),
    };
  }
  const at = d.registeredAt ?? new Date(d.bootedAt);
  const seed = createHash('sha256').update(`internal:${d.deviceId}:${at.toISOString()}`).digest('hex');
  return {
    displayName,
    identity: d.variant.orgDomain,
    verification: 'webex',
    certInfo: certInfoBlob({
      subject: `CN=${d.variant.orgDomain}`,
      issuer: 'CN=Webex Identity CA (simulated)',
      notBefore: at,
      notAfter: new Date(Math.floor(at.getTime() / 1000) * 1000 + 14 * 86_400_000),
      sha256: seed,
    }),
  };
}

/**
 * `Call 1 …` and `Conference Call 1 …` while in a simulated meeting: the seed's Table 3 and the
 * schema's `Call[n] Encryption Type`, `Conference Call[n] SessionType` (here the meeting's session type
 * ID: inferred). A meeting of a type outside Table 1 is not end-to-end encrypted: no code, no roster.
 */
export function callLeaves(d: Device): Leaf[] {
  const m = d.meeting?.meeting;
  // A device joins a Webex meeting only once registered (no call before); one that cannot hold an E2EE
  // identity is never in the E2EE part of it.
  if (!m || d.power !== 'up' || d.webexStatus !== 'Registered') return [];
  const s = (path: (string | number)[], value: string, bare = false): Leaf => ({ path, value, bare });
  const cc = (path: (string | number)[], value: string, bare = false): Leaf =>
    s(['Conference', 'Call', 1, ...path], value, bare);
  const e = (path: (string | number)[], value: string, bare = false): Leaf =>
    cc(['EndToEndEncryption', ...path], value, bare);
  const seed = m.shape === 'seed';
  const leaves: Leaf[] = [
    s(['Call', 1, 'DisplayName'], m.title),
    s(['Call', 1, 'Encryption', 'Type'], 'Aes-128'),
    ...(seed ? [s(['Call', 1, 'ServerEncryption', 'Type'], 'TLS1.3 AES-256-GCM')] : []),
    s(['Call', 1, 'Status'], 'Connected', true),
    cc(['SessionType'], m.sessionTypeField === 'id' ? String(m.sessionType) : 'Call', true),
  ];
  // The published schema has no E2EE node under the call: only the seed's Table 3 shape shows one.
  if (!seed) return leaves;
  if (!inE2eeMeeting(d)) {
    leaves.push(
      e(['GroupEncryption', 'Type'], 'None'),
      e(['MediaEncryption', 'Type'], 'None'),
      e(['SecurityCode'], ''),
      e(['Status'], 'Off', true),
    );
    return leaves;
  }
  leaves.push(
    e(['GroupEncryption', 'Type'], 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256'),
    e(['MediaEncryption', 'Type'], 'AES-256-GCM'),
  );
  m.members.forEach((member, i) => {
    const f = member.facts();
    const r = (field: string, value: string): Leaf => e(['Roster', 'Participant', i + 1, field], value);
    leaves.push(
      r('CertInfo', f.certInfo),
      r('DisplayName', f.displayName),
      r('Id', member.id),
      r('Identity', f.identity),
      r('Status', rosterStatus(f.verification, m.verificationWords)),
    );
  });
  leaves.push(e(['SecurityCode'], m.securityCode()), e(['Status'], 'On', true));
  return leaves;
}

/**
 * The participant fields of the participant list and its events: the schema's `Device 1 {Id,
 * EndToEndEncryption {CertificateChain Certificate 1 …, Identity, Status, Verification}}` (the E2EE
 * node only in an E2EE meeting), or, in the seed's shape, the three `EndToEndEncryption…` fields.
 */
export function participantLeaves(
  d: Device,
  member: MeetingMember,
  facts: MemberFacts,
  under: (string | number)[],
): Leaf[] {
  const l = (field: (string | number)[], value: string, bare = false): Leaf => ({
    path: [...under, ...field],
    value,
    bare,
  });
  const m = d.meeting?.meeting;
  const words = m?.verificationWords ?? 'identity';
  const leaves = [
    l(['CallId'], '1', true),
    l(['DisplayName'], facts.displayName),
    l(['IsHost'], member.isHost ? 'True' : 'False', true),
    l(['ParticipantId'], member.participantId),
    l(['Status'], 'connected', true),
  ];
  if (m?.shape === 'seed') {
    if (inE2eeMeeting(d)) {
      leaves.push(
        l(['EndToEndEncryptionCertInfo'], facts.certInfo),
        l(['EndToEndEncryptionIdentity'], facts.identity),
        l(['EndToEndEncryptionStatus'], rosterStatus(facts.verification, words), true),
      );
    }
    return leaves;
  }
  const dev = (field: (string | number)[], value: string, bare = false): Leaf =>
    l(['Device', 1, ...field], value, bare);
  const e2 = (field: (string | number)[], value: string, bare = false): Leaf =>
    dev(['EndToEndEncryption', ...field], value, bare);
  if (inE2eeMeeting(d)) {
    const cert = certFields(facts);
    if (cert) {
      const c = (field: (string | number)[], value: string): Leaf =>
        e2(['CertificateChain', 'Certificate', 1, ...field], value);
      leaves.push(
        c(['Fingerprint'], cert.fingerprint),
        c(['NotAfter'], cert.notAfter),
        c(['NotBefore'], cert.notBefore),
        c(['PrimaryName'], facts.identity),
        c(['SerialNumber'], cert.serialNumber),
        c(['Subject', 1, 'Name'], facts.identity),
        c(['Validity'], 'Valid'),
      );
    }
    leaves.push(
      e2(['Identity'], facts.identity),
      e2(['Status'], facts.verification === 'unverified' ? '' : 'Valid'),
      e2(['Verification'], rosterStatus(facts.verification, words)),
    );
  }
  leaves.push(dev(['Id'], member.id));
  return leaves;
}

/** A meeting change: the participant event, and the call status that changed with it. */
function meetingChanged(
  d: Device,
  change: 'added' | 'deleted' | 'updated',
  facts: MemberFacts,
  member: MeetingMember,
): void {
  if (!d.meeting) return;
  const name =
    change === 'added'
      ? 'ParticipantAdded'
      : change === 'deleted'
        ? 'ParticipantDeleted'
        : 'ParticipantUpdated';
  const event = participantLeaves(d, member, facts, ['Conference', 'ParticipantList', name]);
  const now = callLeaves(d);
  const status = changedLeaves(d.meetingSnapshot, now);
  d.meetingSnapshot = leafSnapshot(now);
  for (const l of d.listeners) l({ status, config: [], events: [event] });
}

/**
 * A member's certificate as the published `CertificateChain Certificate[n]` gives it, from the simulated
 * `CertInfo` blob (fingerprint, validity, serial number); null when the member has none.
 */
function certFields(
  facts: MemberFacts,
): { fingerprint: string; notAfter: string; notBefore: string; serialNumber: string } | null {
  if (facts.certInfo === '') return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(facts.certInfo) as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
  const date = (k: string): string => {
    const d = new Date(text(k));
    return Number.isNaN(d.getTime()) ? text(k) : e2eeDate(d);
  };
  return {
    fingerprint: text('fingerprint'),
    notAfter: date('notAfter'),
    notBefore: date('notBefore'),
    serialNumber: text('serialNumber'),
  };
}
