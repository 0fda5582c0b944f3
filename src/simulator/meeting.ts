/**
 * A simulated Webex meeting that simulated devices join (simulator only: a real device joins a meeting
 * from Webex, not from its console). Devices with the same meeting id in one process share one meeting:
 * the same roster and the same security code, which changes whenever someone joins or leaves. Other
 * participants (a Webex-verified device, an externally verified device, an unverified guest) are added
 * and removed through `join` and `leave`.
 *
 * Inferred (docs/simulator.md): where the meeting is reported (the schema's participant list by default,
 * the seed's Table 3 as a variant), the verification words, the `CertInfo` blob's layout, the E2EE
 * status words, the security code's form, and a session type ID in `Conference Call[n] SessionType`.
 */
import { createHash } from 'node:crypto';
import type { MeetingShape, VerificationWords } from '../core/simulator-options.js';

export type MemberVerification = 'webex' | 'external' | 'unverified';

/** What the roster shows of one participant. */
export interface MemberFacts {
  displayName: string;
  /** A domain (device) or an e-mail address (user); empty for an unverified guest. */
  identity: string;
  verification: MemberVerification;
  /** The `CertInfo` JSON blob; empty when the participant has no certificate. */
  certInfo: string;
}

export interface MeetingMember {
  /** `ParticipantId`, stable for the member. */
  participantId: string;
  /** The roster's `Id`: a WDM URL. */
  id: string;
  isHost: boolean;
  /** The facts now (a simulated device's follow its own identity). */
  facts(): MemberFacts;
}

export interface MeetingChange {
  change: 'added' | 'deleted' | 'updated';
  member: MeetingMember;
  facts: MemberFacts;
}

export type { MeetingShape, VerificationWords };

/** The roster word for a verification (inferred: see `VerificationWords`). */
export function rosterStatus(v: MemberVerification, words: VerificationWords = 'identity'): string {
  if (v === 'unverified') return 'Unverified';
  if (words === 'verified') return 'Verified';
  return v === 'webex' ? 'WebexVerified' : 'CAVerified';
}

/** The seed's Table 1 IDs (a meeting of another type is not end-to-end encrypted). */
const E2EE_TYPES = new Set([638, 652, 660, 672, 673, 676, 677, 681]);

export class SimMeeting {
  readonly members: MeetingMember[] = [];
  /**
   * What `Conference Call[n] SessionType` shows: `id`, the meeting's session type ID (inferred: no public
   * source shows where a device gives it), or `literal`, the schema's value space (`Call`).
   */
  sessionTypeField: 'id' | 'literal' = 'id';
  /** Where the devices in it report the meeting (`MeetingShape`): the published schema by default. */
  shape: MeetingShape = 'schema';
  /** The verification words the devices use (`VerificationWords`). */
  verificationWords: VerificationWords = 'identity';
  /** Changes of the membership; the security code follows it. */
  epoch = 0;
  private next = 1;
  private readonly listeners = new Set<(c: MeetingChange) => void>();

  constructor(
    readonly id: string,
    public sessionType: number,
    readonly title = `Meeting ${id}`,
  ) {}

  get e2ee(): boolean {
    return E2EE_TYPES.has(this.sessionType);
  }

  /** The meeting security code (inferred form: four groups of five digits), from the members and the epoch. */
  securityCode(): string {
    if (!this.e2ee) return '';
    const h = createHash('sha256')
      .update(`${this.id}:${this.epoch}:${this.members.map((m) => m.participantId).join(',')}`)
      .digest();
    const digits = Array.from(h.subarray(0, 20), (b) => String(b % 10)).join('');
    return digits.match(/.{5}/g)!.join(' ');
  }

  /** Adds a participant whose facts do not change. */
  join(facts: MemberFacts, options: { isHost?: boolean } = {}): MeetingMember {
    const frozen = { ...facts };
    return this.add(() => frozen, options.isHost ?? false);
  }

  /** Adds a participant whose facts are read each time (a simulated device). */
  add(facts: () => MemberFacts, isHost = false): MeetingMember {
    const n = this.next++;
    const participantId = `${this.id}-p${n}`;
    const member: MeetingMember = {
      participantId,
      id: `https://wdm.example.invalid/devices/${createHash('sha1').update(participantId).digest('hex').slice(0, 16)}`,
      isHost,
      facts,
    };
    this.members.push(member);
    this.epoch++;
    this.tell({ change: 'added', member, facts: member.facts() });
    return member;
  }

  /** Removes a participant (by member or ParticipantId); false when not there. */
  leave(who: MeetingMember | string): boolean {
    const i = this.members.findIndex((m) => (typeof who === 'string' ? m.participantId === who : m === who));
    if (i < 0) return false;
    const [member] = this.members.splice(i, 1);
    this.epoch++;
    this.tell({ change: 'deleted', member: member!, facts: member!.facts() });
    return true;
  }

  /** Tells the devices that a member's facts changed (a device got or lost its identity). */
  updated(member: MeetingMember): void {
    this.tell({ change: 'updated', member, facts: member.facts() });
  }

  on(listener: (c: MeetingChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(c: MeetingChange): void {
    for (const l of this.listeners) l(c);
  }
}

const MEETINGS = new Map<string, SimMeeting>();

/**
 * The meeting `id` of this process, made on first use (`sessionType` default 652, Pro-End to End
 * Encryption_VOIPonly); a later caller's `sessionType` changes it.
 */
export function simMeeting(
  id: string,
  options: { sessionType?: number; shape?: MeetingShape; verificationWords?: VerificationWords } = {},
): SimMeeting {
  let m = MEETINGS.get(id);
  if (!m) {
    m = new SimMeeting(id, options.sessionType ?? 652);
    MEETINGS.set(id, m);
  } else if (options.sessionType !== undefined) m.sessionType = options.sessionType;
  if (options.shape !== undefined) m.shape = options.shape;
  if (options.verificationWords !== undefined) m.verificationWords = options.verificationWords;
  return m;
}

/** Forgets a meeting (its members stay with whoever holds it). */
export function endSimMeeting(id: string): void {
  MEETINGS.delete(id);
}

/** A `CertInfo` blob (inferred layout) for a certificate's facts. */
export function certInfoBlob(c: {
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  sha256: string;
  serialNumber?: string;
}): string {
  return JSON.stringify({
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    fingerprint: c.sha256,
    ...(c.serialNumber !== undefined ? { serialNumber: c.serialNumber } : {}),
  });
}
