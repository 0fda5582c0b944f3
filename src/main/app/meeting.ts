/**
 * The meeting session: the meeting check watched on the connected device (and the other devices it
 * compares with, connected for it: consoles, or `webex:SERIAL` devices of the Fleet list read through
 * the cloud), or on one Fleet device alone (`watchCloud`), and the last reading once the watch ends. A
 * cloud device gives no feedback: the same `MeetingWatch` as the CLI's reads it again every few seconds,
 * and its updates land in the same view. A device change forgets every reading: a result on screen
 * belongs to the device it names.
 */
import { MEETING_POLL_SECONDS, type MeetingOtherDevice, type MeetingView } from '../../contract/index.js';
import { isProvisionerError } from '../../core/errors.js';
import { checkConsoleValue } from '../../core/xapi/index.js';
import { type RoomOsDevice, describeTarget, parseTarget } from '../device/index.js';
import { openDevice } from '../open.js';
import {
  type MeetingDevice,
  type MeetingReport,
  type MeetingTarget,
  type MeetingUpdate,
  MeetingWatch,
  type MeetingWatchOptions,
  provisionedIdentity,
} from '../workflows/meeting.js';
import type { DeviceSession } from './device-session.js';
import { AppError } from './errors.js';
import type { AppVault } from './vault.js';

/** A device of the Fleet list opened through the cloud (FleetStore.cloudDevice): listed, online. */
export type OpenCloudDevice = (serial: string) => Promise<MeetingDevice & { readonly target: string }>;

/** The meeting check being watched: the other devices it connected, what it saw. */
interface Watching {
  watch: MeetingWatch;
  /** The connected device the check runs on (or the cloud device a Fleet watch reads). */
  serial: string;
  others: RoomOsDevice[];
  updates: MeetingUpdate[];
  report: MeetingReport;
}

export class MeetingSession {
  private meeting: Watching | null = null;
  private error: { code: string; message: string } | null = null;
  private last: MeetingReport | null = null;
  private lastUpdates: MeetingUpdate[] = [];
  private lastSerial: string | null = null;

  /** `session` is given later: the device session ends the meeting before it changes. */
  constructor(
    private readonly vault: AppVault,
    private readonly session: () => DeviceSession,
    /** Opens a Fleet device through the cloud (the Fleet store's, given later like the session). */
    private readonly cloud: OpenCloudDevice,
    /** The watch's timer and clock (tests inject ones that move only when they say so). */
    private readonly clock: Pick<MeetingWatchOptions, 'timer' | 'now'> = {},
  ) {}

  view(): MeetingView {
    const m = this.meeting;
    return m
      ? { report: m.report, updates: [...m.updates], watching: true, error: null, serial: m.serial }
      : {
          report: this.last,
          updates: this.lastUpdates,
          watching: false,
          error: this.error,
          serial: this.last ? this.lastSerial : null,
        };
  }

  /** A device change (connect, disconnect): no earlier meeting reading is kept, for any device. */
  forget(): void {
    this.last = null;
    this.lastUpdates = [];
    this.lastSerial = null;
    this.error = null;
  }

  /** Ends the watch and forgets its readings (before the device session changes). */
  async deviceChanged(): Promise<void> {
    await this.stop();
    this.forget();
  }

  /** The identity the journal last saw activated on a device, if any (a meeting check compares with it). */
  private async journalIdentity(serial: string): Promise<string | null> {
    try {
      return provisionedIdentity(await (await this.vault.records()).read(), serial);
    } catch {
      return null;
    }
  }

  /** Ends the meeting watch: feedback deregistered, the other devices' connections closed. */
  async stop(): Promise<void> {
    const m = this.meeting;
    this.meeting = null;
    if (!m) return;
    this.last = await m.watch.stop().catch(() => m.report);
    this.lastUpdates = m.updates;
    this.lastSerial = m.serial;
    for (const d of m.others) await d.close().catch(() => undefined);
  }

  /** Reads the connected device's meeting (and the others', compared) and watches it. */
  async start(
    others: MeetingOtherDevice[],
    serial: string | null,
    pollSeconds: number = MEETING_POLL_SECONDS.default,
  ): Promise<MeetingView> {
    const session = this.session();
    const s = session.require();
    // The check runs on the device the person chose, or not at all: never on another one.
    if (serial !== null && serial !== s.serial) {
      throw new AppError(
        'ERR_APP_MEETING_OTHER_DEVICE',
        `The connected device is ${s.productId ?? 'a device'} ${s.serial} (${describeTarget(s.target)}), not ${serial}: connect to ${serial}, then check again.`,
        { connected: s.serial, chosen: serial },
      );
    }
    await this.deviceChanged();
    const opened: RoomOsDevice[] = [];
    try {
      const devices: MeetingTarget[] = [
        {
          target: describeTarget(s.target),
          device: s.device,
          expectedIdentity: await this.journalIdentity(s.serial),
        },
      ];
      for (const o of others) {
        const target = parseTarget(o.target);
        if (target.kind === 'webex') {
          // A Fleet device: by serial number, in the last list, online (the Fleet screen's codes).
          const device = await this.cloud(target.ref);
          devices.push({
            target: device.target,
            device,
            expectedIdentity: await this.journalIdentity(target.ref),
          });
          continue;
        }
        checkConsoleValue(o.password ?? '', 'login password');
        const device = await openDevice(target, {
          password: o.password ?? '',
          env: this.vault.env,
          // A device to compare with is not where a new SSH host key is pinned: connect to it once first.
          acceptNewHostKey: () => false,
          ...(await session.simulatorFor(target)),
        });
        opened.push(device);
        devices.push({ target: describeTarget(target), device });
      }
      return await this.watch(devices, s.serial, opened, pollSeconds);
    } catch (e) {
      for (const d of opened) await d.close().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Watches one device of the Fleet list alone, through the cloud, read again every `pollSeconds` (the
   * Fleet screen's Watch). Any earlier watch ends first, and its readings are forgotten.
   */
  async watchCloud(serial: string, pollSeconds: number): Promise<MeetingView> {
    await this.stop();
    this.forget();
    const device = await this.cloud(serial);
    return this.watch(
      [{ target: device.target, device, expectedIdentity: await this.journalIdentity(serial) }],
      serial,
      [],
      pollSeconds,
    );
  }

  /** Reads each device once and watches them (a device without feedback polled every `pollSeconds`). */
  private async watch(
    devices: MeetingTarget[],
    serial: string,
    others: RoomOsDevice[],
    pollSeconds: number,
  ): Promise<MeetingView> {
    const updates: MeetingUpdate[] = [];
    const watch = new MeetingWatch(
      (u, report) => {
        if (!this.meeting) return;
        updates.push(u);
        this.meeting.report = report;
      },
      {
        pollMs: pollSeconds * 1000,
        ...this.clock,
        // A device lost while watching ends the watch; the window shows why, by code.
        onError: (e) => {
          this.error = isProvisionerError(e)
            ? { code: e.code, message: e.message }
            : { code: 'ERR_INTERNAL', message: 'The meeting watch stopped unexpectedly.' };
          void this.stop();
        },
      },
    );
    let report: MeetingReport;
    try {
      report = await watch.start(devices);
    } catch (e) {
      // A device refused its first read: the ones already watched stop too (no timer is left behind).
      await watch.stop().catch(() => undefined);
      throw e;
    }
    this.meeting = { watch, serial, others, updates, report };
    return this.view();
  }
}
