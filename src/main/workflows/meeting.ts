/**
 * The meeting check (the seed's test after registration, steps 1–13): read what each connected device
 * sees of its meeting (calls, E2EE state, roster, participant list, its own identity), watch the
 * participant-list events and the security code live, and give the verdict and the comparison.
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
import { deriveInventory } from '../vault/inventory.js';
import type { JournalRecord } from '../vault/journal-types.js';

/** What the check needs of a connected device (`RoomOsDevice` has it). */
export interface MeetingDevice {
  identify(): Promise<DeviceIdentity>;
  e2eeStatus(): Promise<E2eeStatus>;
  meeting(): Promise<{ calls: MeetingCall[]; participants: ListedParticipant[] }>;
  watchMeeting(): Promise<void>;
  unwatchMeeting(): Promise<void>;
  onFeedback(listener: (r: XapiResponse) => void): () => void;
  /** Called when the console drops. */
  onClose?(listener: () => void): () => void;
}

export type { MeetingReport, MeetingUpdate };

function nonEmpty(v: string | null): string | null {
  return v === null || v.trim() === '' ? null : v;
}

/** One read of a device's meeting (`expectedIdentity`: the identity the tool provisioned on it, if known). */
export async function readMeeting(
  device: MeetingDevice,
  target: string,
  expectedIdentity: string | null = null,
): Promise<MeetingReading> {
  const id = await device.identify();
  const e2ee = await device.e2eeStatus();
  const { calls, participants } = await device.meeting();
  return {
    target,
    readAt: new Date().toISOString(),
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
  timer: NodeJS.Timeout | undefined;
  busy: Promise<void>;
  off: () => void;
}

/**
 * Watches devices' meetings: registers the feedback, and on each participant event or call status
 * change reads the meeting again (a short quiet time first, so that an event and the status it causes
 * are read together), reports what changed, and records each security code change with its time and
 * the participant change before it.
 */
export class MeetingWatch {
  private readonly watched: Watched[] = [];
  private stopped = false;

  constructor(
    private readonly onUpdate: (update: MeetingUpdate, report: MeetingReport) => void,
    private readonly options: { quietMs?: number; onError?: (e: unknown) => void } = {},
  ) {}

  /** Reads each device once and starts watching; returns the first report. */
  async start(devices: readonly MeetingTarget[]): Promise<MeetingReport> {
    for (const d of devices) {
      const w: Watched = {
        target: d.target,
        device: d.device,
        expectedIdentity: d.expectedIdentity ?? null,
        reading: await readMeeting(d.device, d.target, d.expectedIdentity ?? null),
        pending: [],
        timer: undefined,
        busy: Promise.resolve(),
        off: () => undefined,
      };
      const offFeedback = d.device.onFeedback((r) => this.feedback(w, r));
      const offClose =
        d.device.onClose?.(() => {
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
      this.watched.push(w);
      await d.device.watchMeeting();
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
      clearTimeout(w.timer);
      w.off();
      await w.busy;
      await w.device.unwatchMeeting().catch(() => undefined);
    }
    return this.report();
  }

  private feedback(w: Watched, r: XapiResponse): void {
    if (this.stopped) return;
    const event = parseParticipantEvent(r);
    if (event) w.pending.push({ at: new Date().toISOString(), event });
    else if (!isMeetingStatusFeedback(r)) return;
    clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      w.busy = w.busy.then(() => this.refresh(w)).catch((e: unknown) => this.options.onError?.(e));
    }, this.options.quietMs ?? 150);
  }

  private async refresh(w: Watched): Promise<void> {
    if (this.stopped) return;
    const events = w.pending.splice(0);
    const before = w.reading;
    const fresh = await readMeeting(w.device, w.target, w.expectedIdentity);
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
      const at = new Date().toISOString();
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
