/**
 * The app's one device session: the connected device and its target, one action at a time on it
 * (`exclusive`), the console ring buffer the window reads, the training simulators (`sim:` targets) kept
 * while the app runs, and the read-only capture.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptureSummary, ConsoleEntry, ConsolePage, DeviceSessionInfo } from '../../contract/index.js';
import { checkConsoleValue } from '../../core/xapi/index.js';
import type { RoomOsSimulator } from '../../simulator/index.js';
import {
  type RoomOsDevice,
  type Target,
  Transcript,
  captureDevice,
  describeTarget,
  parseTarget,
} from '../device/index.js';
import { openDevice, startBuiltInSimulator } from '../open.js';
import { addedByTool } from '../workflows/identity.js';
import { observeIdentity } from '../workflows/status.js';
import { capturesDir, saveCapture } from './capture-file.js';
import { AppError } from './errors.js';
import type { ServiceOptions } from './options.js';
import type { AppVault } from './vault.js';

/** The connected device, and what the app learnt of it. */
export interface Session {
  device: RoomOsDevice;
  target: Target;
  serial: string;
  productId: string | null;
  unsubscribe: () => void;
}

const CONSOLE_KEEP = 5000;

/** The console lines the window reads: the last 5,000, numbered so that a reader asks only for newer ones. */
export class ConsoleRing {
  private readonly entries: ConsoleEntry[] = [];
  private seq = 0;

  push(e: { time: number; direction: ConsoleEntry['direction']; text: string }): void {
    this.entries.push({ ...e, seq: ++this.seq });
    if (this.entries.length > CONSOLE_KEEP) this.entries.splice(0, this.entries.length - CONSOLE_KEEP);
  }

  /** A note of the app's own (reconnecting, disconnected). */
  note(text: string): void {
    this.push({ time: Date.now(), direction: 'note', text });
  }

  read(after: number, connected: boolean): ConsolePage {
    return { entries: this.entries.filter((e) => e.seq > after), next: this.seq, connected };
  }
}

export type SessionOptions = Pick<ServiceOptions, 'version' | 'simRebootDelayMs' | 'createSimulator'>;

export class DeviceSession {
  private session: Session | null = null;
  private busy = false;
  private readonly sims = new Map<string, Promise<RoomOsSimulator>>();
  readonly console = new ConsoleRing();

  /** `beforeChange` runs before the session closes or another opens (the meeting watch ends there). */
  constructor(
    private readonly vault: AppVault,
    private readonly options: SessionOptions,
    private readonly beforeChange: () => Promise<void>,
  ) {}

  /** The session, when it is there and still connected (a resume reconnects a cut one). */
  get current(): Session | null {
    return this.session;
  }

  require(): Session {
    const s = this.session;
    if (!s || !s.device.connected) {
      throw new AppError('ERR_APP_NOT_CONNECTED', 'No device is connected: connect to one first.');
    }
    return s;
  }

  /** One action at a time on the device: another is refused (ERR_APP_BUSY), never queued. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy) {
      throw new AppError(
        'ERR_APP_BUSY',
        'Another action is still running on the device; wait for it to finish, or stop it.',
      );
    }
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  /**
   * Where a training device keeps its state: a fixed place under the app's data directory, named by a
   * hash of the target (never by a path or a name the window gave). It holds the simulated device's
   * client secret, as a device would: owner-only folder.
   */
  private async simStateFile(target: Target & { kind: 'sim' }): Promise<string> {
    const dir = join(await this.vault.dataDir(), 'simulators');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const id = createHash('sha256').update(target.text).digest('hex').slice(0, 24);
    return join(dir, `sim-${id}.json`);
  }

  /** A training simulator per `sim:` target, kept while the app runs so that reconnecting finds the same device. */
  trainingSim(target: Target & { kind: 'sim' }): Promise<RoomOsSimulator> {
    let sim = this.sims.get(target.text);
    if (!sim) {
      const make = this.options.createSimulator ?? startBuiltInSimulator;
      // The window never names a file (the contract refuses `state`); main decides where the state lives.
      const { stateFile: _fromWindow, ...given } = target.options;
      sim = this.simStateFile(target).then((stateFile) =>
        make({ ...given, stateFile, rebootDelayMs: this.options.simRebootDelayMs ?? 800 }),
      );
      sim.catch(() => this.sims.delete(target.text));
      this.sims.set(target.text, sim);
    }
    return sim;
  }

  /** The simulator a target needs, as `connect` options (none for a real device). */
  async simulatorFor(target: Target): Promise<{ simulator?: RoomOsSimulator }> {
    return target.kind === 'sim' ? { simulator: await this.trainingSim(target) } : {};
  }

  /** The device's identity, asked again, with where its secret stands in the keychain. */
  async info(s: Session): Promise<DeviceSessionInfo> {
    const identity = await s.device.identify();
    s.serial = identity.serialNumber;
    s.productId = identity.productId || null;
    return {
      target: describeTarget(s.target),
      link: s.target.kind,
      identity,
      ...(await this.vault.presence(identity.serialNumber)),
    };
  }

  /** Closes the current session (if any) and connects to `text`; the new session's info. */
  async connect(
    text: string,
    password: string | null,
    hostKey: string | null | undefined,
  ): Promise<DeviceSessionInfo> {
    const target = parseTarget(text);
    // Before the current session is closed or anything opened: a CR in the password would type
    // the rest of it into the device's console as a command.
    checkConsoleValue(password ?? '', 'login password');
    await this.close();
    const transcript = new Transcript();
    const unsubscribe = transcript.subscribe((e) => this.console.push(e));
    let opened: Session;
    try {
      const device = await openDevice(target, {
        password: password ?? '',
        transcript,
        env: this.vault.env,
        // A new SSH host key is pinned only when the person was shown it and accepted that very key
        // (ERR_DEVICE_HOST_KEY with details.unknown carries the fingerprint for the window to show).
        acceptNewHostKey: (info) => hostKey !== undefined && info.fingerprint === hostKey,
        ...(await this.simulatorFor(target)),
      });
      opened = { device, target, serial: '', productId: null, unsubscribe };
      this.session = opened;
    } catch (e) {
      unsubscribe();
      throw e;
    }
    // What the device shows is journaled, so that the inventory re-learns it (a new journal, say).
    // Connecting does not depend on it: a journal that cannot take it shows in the status bar.
    await this.vault
      .records()
      .then(async (j) => observeIdentity(opened.device, j, await addedByTool(j)))
      .catch(() => undefined);
    return this.info(opened);
  }

  /** Ends the session (the meeting watch first); a note on the console says so. */
  async close(): Promise<void> {
    await this.beforeChange();
    const s = this.session;
    this.session = null;
    if (!s) return;
    await s.device.close().catch(() => undefined);
    s.unsubscribe();
    this.console.note(`disconnected from ${describeTarget(s.target)}`);
  }

  /** Read-only probes of the connected device, written to a file in the data folder (capture-file.ts). */
  async capture(probeAddRefusals: boolean): Promise<CaptureSummary> {
    const s = this.require();
    const dir = await capturesDir(this.vault);
    const capture = await captureDevice(s.device, {
      toolVersion: this.options.version,
      probeAddRefusals,
    });
    return saveCapture(dir, s.serial, capture);
  }

  readConsole(after: number): ConsolePage {
    return this.console.read(after, this.session?.device.connected ?? false);
  }

  /** Closes the session and the training simulators. */
  async dispose(): Promise<void> {
    await this.close();
    for (const sim of this.sims.values()) await (await sim.catch(() => null))?.close();
    this.sims.clear();
  }
}
