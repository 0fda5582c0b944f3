/**
 * The meeting check (the seed's test after registration, steps 1–13): read what each connected device
 * sees of its meeting (calls, E2EE state, roster, participant list, its own identity), watch the
 * participant-list events and the security code live (a console's feedback; a device without feedback,
 * one reached through the Webex cloud, is read again every few seconds and the changes derived), and
 * give the verdict and the comparison.
 */
import {
  type ListedParticipant,
  type MeetingCall,
  type MeetingReading,
  type ParticipantEvent,
  type XapiResponse,
  DeviceError,
  compareMeetings,
  isMeetingStatusFeedback,
  meetingCall,
  meetingVerdict,
  parseParticipantEvent,
} from '../../core/xapi/index.js';
import type { DeviceIdentity, E2eeStatus } from '../../core/xapi/index.js';
import type { MeetingReport, MeetingUpdate } from '../../contract/shapes.js';
import { MEETING_POLL_SECONDS } from '../../contract/types.js';
import { deriveInventory } from '../vault/inventory.js';
import type { JournalRecord } from '../vault/journal-types.js';

/** Everything one meeting reading needs, read at once. */
export interface MeetingState {
  identity: DeviceIdentity;
  e2ee: E2eeStatus;
  calls: MeetingCall[];
  participants: ListedParticipant[];
}

/**
 * What the check needs of a connected device (`RoomOsDevice` has it all; `CloudDevice` has no feedback,
 * so a watch polls it).
 */
export interface MeetingDevice {
  identify(): Promise<DeviceIdentity>;
  e2eeStatus(): Promise<E2eeStatus>;
  meeting(): Promise<{ calls: MeetingCall[]; participants: ListedParticipant[] }>;
  /** The identity, E2EE status and meeting in as few reads as the device allows; absent: the three above. */
  meetingState?(): Promise<MeetingState>;
  /** Feedback registration (a console); absent on a device without feedback, which a watch polls. */
  watchMeeting?(): Promise<void>;
  unwatchMeeting?(): Promise<void>;
  onFeedback?(listener: (r: XapiResponse) => void): () => void;
  /** Called when the console drops. */
  onClose?(listener: () => void): () => void;
}

/** The timer a watch waits on (tests inject one that moves only when they say so). */
export interface WatchTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const SYSTEM_TIMER: WatchTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout | undefined),
};

/** How often a device without feedback is read again while watching, by default (seconds). */
export const DEFAULT_POLL_SECONDS = MEETING_POLL_SECONDS.default;

/** The shortest poll interval (seconds): the CLI's `--poll` and the app's input refuse less. */
export const MIN_POLL_SECONDS = MEETING_POLL_SECONDS.min;

export type { MeetingReport, MeetingUpdate };

function nonEmpty(v: string | null): string | null {
  return v === null || v.trim() === '' ? null : v;
}

/** One read of a device's meeting (`expectedIdentity`: the identity the tool provisioned on it, if known). */
export async function readMeeting(
  device: MeetingDevice,
  target: string,
  expectedIdentity: string | null = null,
  now: () => Date = () => new Date(),
): Promise<MeetingReading> {
  let state: MeetingState;
  if (device.meetingState) state = await device.meetingState();
  else {
    const identity = await device.identify();
    const e2ee = await device.e2eeStatus();
    state = { identity, e2ee, ...(await device.meeting()) };
  }
  const { identity: id, e2ee, calls, participants } = state;
  return {
    target,
    readAt: now().toISOString(),
    device: {
      productId: id.productId,
      serialNumber: id.serialNumber,
      systemName: id.systemName,
      externalIdentity: nonEmpty(e2ee.external.identity),
      externalVerification: nonEmpty(e2ee.external.verification),
      internalIdentity: nonEmpty(e2ee.internal.identity),
      identityReported: e2ee.present,
      expectedIdentity,
    },
    calls,
    participants,
    codeHistory: [],
    lastJoin: null,
  };
}

/**
 * The identity the journal last saw activated on a device (its certificate's CN), or null: what the
 * meeting check expects the device to report when nobody names one.
 */
export function provisionedIdentity(records: readonly JournalRecord[], serial: string): string | null {
  const d = deriveInventory(records).devices.find((x) => x.serial === serial);
  return d?.certificate?.active ? d.certificate.cn : null;
}

/** A device to check, by the target it was reached at, with the identity provisioned on it when known. */
export interface MeetingTarget {
  target: string;
  device: MeetingDevice;
  expectedIdentity?: string | null;
}

/** The report of several readings: each verdict and the comparison. */
export function meetingReport(readings: readonly MeetingReading[]): MeetingReport {
  const verdicts = readings.map(meetingVerdict);
  return { readings: [...readings], verdicts, comparison: compareMeetings(verdicts) };
}

/** One read of each device, then the report. */
export async function checkMeetings(devices: readonly MeetingTarget[]): Promise<MeetingReport> {
  const readings: MeetingReading[] = [];
  for (const d of devices) readings.push(await readMeeting(d.device, d.target, d.expectedIdentity ?? null));
  return meetingReport(readings);
}

function codeOf(r: MeetingReading): string | null {
  return meetingCall(r)?.e2ee.securityCode ?? null;
}

interface Watched {
  target: string;
  device: MeetingDevice;
  expectedIdentity: string | null;
  reading: MeetingReading;
  pending: { at: string; event: ParticipantEvent }[];
  timer: unknown;
  busy: Promise<void>;
  off: () => void;
}

export interface MeetingWatchOptions {
  /** The quiet time after a feedback block before the meeting is read again (ms; default 150). */
  quietMs?: number;
  /** How often a device without feedback is read again (ms; default DEFAULT_POLL_SECONDS). */
  pollMs?: number;
  onError?: (e: unknown) => void;
  /** The timer and clock (tests inject fakes: no wall clock). */
  timer?: WatchTimer;
  now?: () => Date;
}

/** A participant's key between two readings: its ParticipantId, else its name. */
function participantKey(p: ListedParticipant): string {
  return p.participantId ?? `name:${p.displayName ?? ''}`;
}

/** What a reading shows of a participant that, changed, is an update. */
function participantFacts(p: ListedParticipant): string {
  return JSON.stringify([
    p.displayName,
    p.status,
    p.isHost,
    p.e2eeStatus,
    p.identity,
    p.certInfo?.fingerprint ?? null,
  ]);
}

/**
 * The participant changes between two readings of a device that gives no events (a polled one): who
 * joined, who left, whose name, status, verification or identity changed, in the later reading's order
 * (those who left last).
 */
export function participantChanges(
  before: readonly ListedParticipant[],
  after: readonly ListedParticipant[],
  callId: number | null,
): ParticipantEvent[] {
  const was = new Map(before.map((p) => [participantKey(p), p]));
  const is = new Set(after.map(participantKey));
  const out: ParticipantEvent[] = [];
  for (const p of after) {
    const old = was.get(participantKey(p));
    if (!old) out.push({ change: 'added', callId, participant: p });
    else if (participantFacts(old) !== participantFacts(p))
      out.push({ change: 'updated', callId, participant: p });
  }
  for (const p of before)
    if (!is.has(participantKey(p))) out.push({ change: 'deleted', callId, participant: p });
  return out;
}

/**
 * Watches devices' meetings. A device with feedback (a console): registers it, and on each participant
 * event or call status change reads the meeting again (a short quiet time first, so that an event and
 * the status it causes are read together). A device without (the Webex cloud): reads the meeting again
 * every `pollMs` (the next read once the last is done, so a read that waits out a 429 delays the next)
 * and derives the participant changes from the two lists. Either way it reports what changed, and
 * records each security code change with its time and the participant change before it.
 */
export class MeetingWatch {
  private readonly watched: Watched[] = [];
  private stopped = false;
  private readonly timer: WatchTimer;
  private readonly now: () => Date;

  constructor(
    private readonly onUpdate: (update: MeetingUpdate, report: MeetingReport) => void,
    private readonly options: MeetingWatchOptions = {},
  ) {
    this.timer = options.timer ?? SYSTEM_TIMER;
    this.now = options.now ?? (() => new Date());
  }

  /** Reads each device once and starts watching; returns the first report. */
  async start(devices: readonly MeetingTarget[]): Promise<MeetingReport> {
    for (const d of devices) {
      const w: Watched = {
        target: d.target,
        device: d.device,
        expectedIdentity: d.expectedIdentity ?? null,
        reading: await readMeeting(d.device, d.target, d.expectedIdentity ?? null, this.now),
        pending: [],
        timer: undefined,
        busy: Promise.resolve(),
        off: () => undefined,
      };
      this.watched.push(w);
      const device = d.device;
      if (!device.onFeedback) {
        this.schedulePoll(w);
        continue;
      }
      const offFeedback = device.onFeedback((r) => this.feedback(w, r));
      const offClose =
        device.onClose?.(() => {
          if (this.stopped) return;
          this.options.onError?.(
            new DeviceError(
              'ERR_DEVICE_DISCONNECTED',
              `The connection to ${d.target} was lost while watching the meeting: check the cable or the network, then check again.`,
              { target: d.target },
            ),
          );
        }) ?? (() => undefined);
      w.off = () => {
        offFeedback();
        offClose();
      };
      await device.watchMeeting?.();
    }
    return this.report();
  }

  report(): MeetingReport {
    return meetingReport(this.watched.map((w) => w.reading));
  }

  /** Stops watching (deregisters the feedback where the console is still open); returns the last report. */
  async stop(): Promise<MeetingReport> {
    this.stopped = true;
    for (const w of this.watched) {
      this.timer.clear(w.timer);
      w.off();
      await w.busy;
      await w.device.unwatchMeeting?.().catch(() => undefined);
    }
    return this.report();
  }

  private schedulePoll(w: Watched): void {
    if (this.stopped) return;
    w.timer = this.timer.set(
      () => {
        w.busy = w.busy
          .then(() => this.poll(w))
          .then(
            () => this.schedulePoll(w),
            (e: unknown) => {
              if (!this.stopped) this.options.onError?.(e);
            },
          );
      },
      this.options.pollMs ?? DEFAULT_POLL_SECONDS * 1000,
    );
  }

  private async poll(w: Watched): Promise<void> {
    if (this.stopped) return;
    const fresh = await readMeeting(w.device, w.target, w.expectedIdentity, this.now);
    if (this.stopped) return;
    const at = this.now().toISOString();
    const callId = meetingCall(fresh)?.callId ?? meetingCall(w.reading)?.callId ?? null;
    const events = participantChanges(w.reading.participants, fresh.participants, callId);
    this.apply(
      w,
      events.map((event) => ({ at, event })),
      fresh,
    );
  }

  private feedback(w: Watched, r: XapiResponse): void {
    if (this.stopped) return;
    const event = parseParticipantEvent(r);
    if (event) w.pending.push({ at: this.now().toISOString(), event });
    else if (!isMeetingStatusFeedback(r)) return;
    this.timer.clear(w.timer);
    w.timer = this.timer.set(() => {
      w.busy = w.busy.then(() => this.refresh(w)).catch((e: unknown) => this.options.onError?.(e));
    }, this.options.quietMs ?? 150);
  }

  private async refresh(w: Watched): Promise<void> {
    if (this.stopped) return;
    const events = w.pending.splice(0);
    const fresh = await readMeeting(w.device, w.target, w.expectedIdentity, this.now);
    this.apply(w, events, fresh);
  }

  /** Takes a new reading with the participant changes seen since the last; reports what changed. */
  private apply(w: Watched, events: { at: string; event: ParticipantEvent }[], fresh: MeetingReading): void {
    const before = w.reading;
    const previous = codeOf(before);
    const code = codeOf(fresh);
    const history = [...before.codeHistory];
    let lastJoin = before.lastJoin;
    const last = events[events.length - 1];
    const updates: MeetingUpdate[] = events.map(({ at, event }) => ({
      kind: 'participant',
      at,
      target: w.target,
      change: event.change,
      displayName: event.participant.displayName,
      identity: event.participant.identity,
      verification: event.participant.verification,
    }));
    const join = [...events].reverse().find((e) => e.event.change === 'added');
    if (join) {
      lastJoin = {
        at: join.at,
        displayName: join.event.participant.displayName,
        identity: join.event.participant.identity,
        codeBefore: previous,
        codeAfter: code,
        codeChanged: previous !== code,
      };
    }
    if (previous !== code) {
      const at = this.now().toISOString();
      const after = last
        ? {
            change: last.event.change,
            displayName: last.event.participant.displayName,
            identity: last.event.participant.identity,
          }
        : null;
      history.push({ at, previous, code, after });
      // A code that changes a moment after a join (no participant change between): the join's change.
      if (!join && lastJoin && !lastJoin.codeChanged && lastJoin.codeAfter === previous) {
        lastJoin = { ...lastJoin, codeAfter: code, codeChanged: true };
      }
      updates.push({ kind: 'security-code', at, target: w.target, previous, code, after });
    }
    // The reading first, so that each update goes out with the report that includes it.
    w.reading = { ...fresh, codeHistory: history, lastJoin };
    for (const u of updates) this.emit(u);
  }

  private emit(update: MeetingUpdate): void {
    this.onUpdate(update, this.report());
  }
}
