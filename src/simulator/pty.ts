import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SerialPort } from 'serialport';
import { SimulatorError } from './errors.js';
import { Session, type SessionHost } from './session.js';

/** Where socat is expected (Debian's package); PATH is searched when it is not there. */
const SOCAT = existsSync('/usr/bin/socat') ? '/usr/bin/socat' : 'socat';

/** What the pty server needs of the simulator: a session host that also reports power changes. */
export interface PtyHost extends SessionHost {
  isUp(): boolean;
  onPower(listener: (phase: 'up' | 'down') => void): () => void;
  track(session: Session): void;
}

/**
 * A serial console over a real pseudo-terminal pair made by socat: the tool's end is linked at
 * `linkPath` (it opens it with `serialport` as it would /dev/ttyACM0); the simulator holds the other
 * end. While the device is down (reboot, drop) socat is stopped and the link disappears, as a USB
 * console's device node does.
 */
export class PtyServer {
  readonly path: string;
  private readonly dir = mkdtempSync(join(tmpdir(), 'roomos-sim-'));
  private readonly simPath = join(this.dir, 'device');
  private socat: ChildProcess | undefined;
  private port: SerialPort | undefined;
  private session: Session | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly offPower: () => void;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: PtyHost,
    linkPath: string,
  ) {
    this.path = resolve(linkPath);
    this.offPower = host.onPower((phase) => {
      this.serialize(() => (phase === 'up' ? this.up() : this.down()));
    });
  }

  /** Starts socat (when the device is up) and waits until the link is there. */
  async start(): Promise<void> {
    this.host.events.emit({ type: 'transport', transport: 'pty', action: 'listening', path: this.path });
    if (this.host.isUp()) await this.serialize(() => this.up());
  }

  private serialize(fn: () => Promise<void>): Promise<void> {
    this.busy = this.busy.then(fn, fn);
    return this.busy;
  }

  private async up(): Promise<void> {
    if (this.stopped || this.socat || !this.host.isUp()) return;
    clearStale(this.path);
    clearStale(this.simPath);
    const child = spawn(
      SOCAT,
      ['-d', '-d', `pty,raw,echo=0,link=${this.path}`, `pty,raw,echo=0,link=${this.simPath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.socat = child;
    await new Promise<void>((ok, fail) => {
      let log = '';
      const timer = setTimeout(
        () => fail(new SimulatorError('ERR_SIM_SOCAT', `socat did not start: ${log.trim()}`)),
        5000,
      );
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('starting data transfer loop')) {
          clearTimeout(timer);
          ok();
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        fail(
          new SimulatorError(
            'ERR_SIM_SOCAT',
            `socat could not be started (${e.message}); install it (Debian: apt-get install socat).`,
          ),
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new SimulatorError('ERR_SIM_SOCAT', `socat exited (${code ?? 'signal'}): ${log.trim()}`));
      });
    });
    child.stderr?.removeAllListeners('data');
    child.stderr?.resume();
    child.once('exit', () => {
      if (this.socat === child) this.socat = undefined;
    });
    const port = new SerialPort({ path: this.simPath, baudRate: 115200 });
    await new Promise<void>((ok, fail) => {
      port.once('open', () => ok());
      port.once('error', (e) =>
        fail(
          new SimulatorError('ERR_SIM_PTY_LINK', `Cannot open the device end ${this.simPath}: ${e.message}`),
        ),
      );
    });
    port.on('error', () => {});
    this.port = port;
    const session = new Session(
      this.host,
      'serial',
      'pty',
      {
        write: (data) => {
          if (port.isOpen) port.write(data);
        },
        // The device hung up (a drop fault): the node goes away, and comes back shortly, as after a replug.
        close: () => {
          void this.serialize(async () => {
            await this.down();
            if (!this.stopped && this.host.isUp()) {
              this.restartTimer = setTimeout(() => void this.serialize(() => this.up()), 100);
            }
          });
        },
      },
      '\r\n',
    );
    port.on('data', (d: Buffer) => session.input(d));
    this.session = session;
    this.host.track(session);
    session.start();
  }

  private async down(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session && !session.closed) session.ended();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) {
      // Let the last answer (a factory reset's result) reach the tool before the node goes.
      await new Promise<void>((r) => port.drain(() => r()));
      await new Promise((r) => setTimeout(r, 50));
      await new Promise<void>((r) => port.close(() => r()));
    }
    const child = this.socat;
    this.socat = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
    }
    clearStale(this.path);
  }

  /** Stops serving: socat ends, both links go. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.offPower();
    await this.serialize(() => this.down());
    rmSync(this.dir, { recursive: true, force: true });
    this.host.events.emit({ type: 'transport', transport: 'pty', action: 'closed', path: this.path });
  }
}

/** Removes a stale symlink left by a killed socat; refuses to remove anything else. */
function clearStale(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSymbolicLink()) {
    throw new SimulatorError(
      'ERR_SIM_PTY_LINK',
      `${path} exists and is not a link; choose another --link path.`,
      { path },
    );
  }
  unlinkSync(path);
}
