/**
 * Opening a device console: the connection options, the transport a target names (serial, SSH, the
 * simulator), a logged-in and set-up session on it, and opening one again after a drop or a restart.
 * The typed operations on an open console are `RoomOsDevice`'s (device.ts).
 */
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceError, isDeviceError } from '../../core/xapi/index.js';
import { reopenSerial, SerialTransport } from './serial.js';
import { ConsoleSession } from './session.js';
import { SshTransport, type HostKeyInfo, type HostKeyStore } from './ssh.js';
import { StreamTransport } from './sim-transport.js';
import { describeTarget, type SimTargetOptions, type Target } from './target.js';
import type { Transcript } from './transcript.js';
import type { Pacing, Transport } from './transport.js';

/** The part of the simulator (src/simulator) a connection needs. */
export interface SimulatorLike {
  openStream(kind?: 'serial' | 'ssh'): Duplex;
  close(): Promise<void>;
}

/** What the connection is doing, for a progress line or the UI. */
export interface ProgressEvent {
  stage:
    | 'opening'
    | 'host-key'
    | 'login'
    | 'ready'
    | 'command'
    | 'waiting-for-restart'
    | 'reconnecting'
    | 'reconnected';
  message: string;
  hostKey?: HostKeyInfo & { pinned: boolean };
}

export interface ConnectOptions {
  /** Login user, default `admin` (ssh:// targets name their own). */
  username?: string;
  /** Login password; a factory-reset device has none (the default, ''). Never logged. */
  password?: string;
  /** Time one command may take, ms (default 15 s; long commands get more). */
  timeoutMs?: number;
  /** Time to open and log in, ms (default 30 s). */
  loginTimeoutMs?: number;
  transcript?: Transcript;
  /** The simulator a `sim:` target talks to; without one, `createSimulator` makes one (closed with the device). */
  simulator?: SimulatorLike;
  /**
   * Starts the simulator of a `sim:` target given no `simulator` (src/main/open.ts's `openDevice` passes the
   * built-in one). Without either, a `sim:` target is refused (ERR_DEVICE_TARGET).
   */
  createSimulator?: (options: SimTargetOptions) => Promise<SimulatorLike>;
  /** Pinned SSH host keys (default: in memory only; the CLI passes the known-hosts file). */
  hostKeyStore?: HostKeyStore;
  /** Asked about an SSH host key seen for the first time; default: accept and pin it. */
  acceptNewHostKey?: (info: HostKeyInfo) => boolean | Promise<boolean>;
  onProgress?: (event: ProgressEvent) => void;
  /** Overrides of the write pacing (chunk size, pause, line ending). */
  pacing?: Partial<Pacing>;
  /** Longest line sent, bytes (default: no limit until one is measured with `lineFits`). */
  maxLineBytes?: number;
  /** How long a restart may take before the device must answer again, ms (default 15 min). */
  restartTimeoutMs?: number;
  /** Quiet time between wake-ups of a serial console, ms (default 1500). */
  wakeIntervalMs?: number;
  /**
   * Opens the byte pipe instead of the built-in transports (a test double, a transport of the
   * embedding app's own). Called again on every reconnection.
   */
  transportFactory?: (
    target: Target,
    context: { reconnect: boolean; password: string },
  ) => Promise<Transport>;
}

/** Pause between attempts to open a console again after a restart or a drop. */
const REOPEN_RETRY_MS = 250;

/** Opens the transport a target names. */
async function openTransport(
  target: Target,
  options: ConnectOptions,
  password: string,
  reconnect?: { until: number; usbSerialNumber?: string | null },
): Promise<Transport> {
  if (options.transportFactory)
    return options.transportFactory(target, { reconnect: reconnect !== undefined, password });
  switch (target.kind) {
    case 'serial': {
      const { path, serial } = target;
      return reconnect
        ? reopenSerial(path, serial, options.pacing ?? {}, {
            timeoutMs: Math.max(0, reconnect.until - Date.now()),
            usbSerialNumber: reconnect.usbSerialNumber ?? null,
          })
        : SerialTransport.open(path, serial, options.pacing ?? {});
    }
    case 'ssh':
      return SshTransport.open({
        host: target.host,
        port: target.port,
        username: target.username,
        password,
        ...(options.hostKeyStore ? { hostKeyStore: options.hostKeyStore } : {}),
        ...(options.acceptNewHostKey ? { acceptNewHostKey: options.acceptNewHostKey } : {}),
        onHostKey: (info) => {
          const message = info.pinned
            ? `SSH host key ${info.fingerprint} (${info.keyType}) checked against the pinned key.`
            : `SSH host key of ${info.host}:${info.port} seen for the first time: ${info.fingerprint} (${info.keyType}).`;
          options.transcript?.note(message);
          options.onProgress?.({ stage: 'host-key', message, hostKey: info });
        },
        ...(options.loginTimeoutMs ? { timeoutMs: options.loginTimeoutMs } : {}),
        ...(options.pacing ? { pacing: options.pacing } : {}),
      });
    case 'sim': {
      if (!options.simulator) throw new TypeError('a sim: target needs a simulator');
      return new StreamTransport(options.simulator.openStream('serial'), {
        label: 'the simulator',
        ...(options.pacing ? { pacing: options.pacing } : {}),
      });
    }
    case 'webex':
      throw new TypeError('a webex: target has no console (RoomOsDevice.open refuses it)');
  }
}

/** Opens a transport and a logged-in, set-up session on it. */
export async function openSession(
  target: Target,
  options: ConnectOptions,
  passwords: string[],
  reconnect?: { until: number; reuse?: Transport; usbSerialNumber?: string | null },
): Promise<ConsoleSession> {
  const where = describeTarget(target);
  options.onProgress?.({ stage: 'opening', message: `Opening ${where}.` });
  options.transcript?.note(`opening ${where}`);
  // SSH authenticates in the protocol: one connection per password.
  const sshPasswords = target.kind === 'ssh' ? passwords : [passwords[0] ?? ''];
  let lastError: unknown;
  for (const password of sshPasswords) {
    const transport = reconnect?.reuse ?? (await openTransport(target, options, password, reconnect));
    const session = new ConsoleSession(transport, {
      ...(options.transcript ? { transcript: options.transcript } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
    });
    try {
      options.onProgress?.({ stage: 'login', message: `Logging in to ${where}.` });
      await session.start({
        username: options.username ?? (target.kind === 'ssh' ? target.username : 'admin'),
        passwords: target.kind === 'ssh' ? [password] : passwords,
        wake: target.kind !== 'ssh',
        ...(options.loginTimeoutMs ? { timeoutMs: options.loginTimeoutMs } : {}),
        ...(options.wakeIntervalMs ? { wakeIntervalMs: options.wakeIntervalMs } : {}),
      });
      options.onProgress?.({
        stage: 'ready',
        message: `Connected to ${where}${session.productId ? ` (${session.productId})` : ''}.`,
      });
      return session;
    } catch (e) {
      lastError = e;
      if (reconnect?.reuse) session.detach();
      else await transport.close().catch(() => undefined);
      if (!isDeviceError(e, 'ERR_DEVICE_LOGIN_FAILED')) throw e;
    }
  }
  throw lastError;
}

/** What opening a console again needs of the device it belongs to. */
export interface ReopenContext {
  target: Target;
  options: ConnectOptions;
  /** The session being replaced (its serial port names the USB adapter to look for again). */
  previous: ConsoleSession;
  progress: (stage: ProgressEvent['stage'], message: string) => void;
  /** True once the device is being closed by this side: no further attempt is made. */
  closing: () => boolean;
}

/**
 * After a restart command: waits for the console to drop (or, on a serial line that stays open, for
 * the device to go quiet and prompt again), then opens a new session, trying `passwords` in turn.
 */
export async function sessionAfterRestart(ctx: ReopenContext, passwords: string[]): Promise<ConsoleSession> {
  const timeoutMs = ctx.options.restartTimeoutMs ?? 15 * 60_000;
  const until = Date.now() + timeoutMs;
  ctx.progress(
    'waiting-for-restart',
    `Waiting for ${describeTarget(ctx.target)} to restart (up to ${Math.round(timeoutMs / 60_000)} min).`,
  );
  const old = ctx.previous;
  // SSH, the in-process console and a USB maintenance port drop as the device goes down.
  await new Promise<void>((resolve) => {
    if (old.closed || old.transport.closed) return resolve();
    const t = setTimeout(resolve, Math.min(5000, timeoutMs / 4));
    old.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  // A serial line through an RS-232 adapter stays open: the same port is used again, and only a
  // fresh login (a prompt or a banner) proves the restart; a shell that needed none could be the old
  // one, so it is believed only after a while (LoginRequired Off leaves nothing else to go by).
  const reuse = !old.transport.closed && old.transport.kind === 'serial' ? old.transport : null;
  if (reuse) old.detach();
  const believeShellAfter = Date.now() + Math.min(90_000, timeoutMs / 2);
  return reopenSession(ctx, [...new Set(passwords)], until, timeoutMs, reuse, (session) => {
    const fresh = session.banner.loggedInWithPrompt || session.banner.release !== null;
    return fresh || reuse === null || Date.now() >= believeShellAfter;
  });
}

/** Tries to open a new session until `until`; a refusal that waiting cannot cure ends it at once. */
export async function reopenSession(
  ctx: ReopenContext,
  passwords: string[],
  until: number,
  timeoutMs: number,
  reuse: Transport | null,
  accept: (session: ConsoleSession) => boolean = () => true,
): Promise<ConsoleSession> {
  const { target, options } = ctx;
  let lastError: unknown;
  let attempt = 0;
  while (Date.now() < until && !ctx.closing()) {
    attempt += 1;
    try {
      ctx.progress('reconnecting', `Reconnecting to ${describeTarget(target)} (attempt ${attempt}).`);
      const previous = ctx.previous.transport;
      const session = await openSession(target, options, passwords, {
        until,
        usbSerialNumber: previous instanceof SerialTransport ? previous.usbSerialNumber : null,
        ...(reuse && !reuse.closed ? { reuse } : {}),
      });
      if (!accept(session)) {
        session.detach();
        await sleep(Math.min(2000, Math.max(0, until - Date.now())));
        continue;
      }
      return session;
    } catch (e) {
      lastError = e;
      if (
        isDeviceError(
          e,
          'ERR_DEVICE_LOGIN_FAILED',
          'ERR_DEVICE_HOST_KEY',
          'ERR_DEVICE_PORT_PERMISSION',
          'ERR_DEVICE_PORT_BUSY',
        )
      )
        throw e;
      // A refused connection or a missing port is cheap to ask again; a coarse interval adds half of
      // itself, on average, to every restart (and a batch waits for its slowest device).
      await sleep(Math.min(REOPEN_RETRY_MS, Math.max(0, until - Date.now())));
    }
  }
  throw new DeviceError(
    'ERR_DEVICE_TIMEOUT',
    `${describeTarget(target)} did not answer again within ${Math.round(timeoutMs / 1000)} s. Check that it is powered and finished starting and that the cable or network is connected, then connect again.`,
    { timeoutMs, mayHaveRun: false },
    lastError instanceof Error ? { cause: lastError } : undefined,
  );
}
