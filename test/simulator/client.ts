import type { Duplex } from 'node:stream';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';

/**
 * A raw console client for tests: bytes in, bytes out. `until` waits for text to appear after the read
 * mark and returns everything up to and including it, moving the mark past it.
 */
/** How long a wait for the device may last before it counts as a hang (not a speed limit). */
const HANG_MS = 45_000;

export class RawClient {
  private buf = Buffer.alloc(0);
  private mark = 0;
  /** Every chunk as it arrived (to assert on split and coalesced writes). */
  readonly chunks: Buffer[] = [];
  ended = false;
  private waiters: (() => void)[] = [];

  constructor(readonly stream: Duplex) {
    stream.on('data', (d: Buffer | string) => {
      const b = typeof d === 'string' ? Buffer.from(d) : d;
      this.chunks.push(b);
      this.buf = Buffer.concat([this.buf, b]);
      this.wake();
    });
    const onEnd = (): void => {
      this.ended = true;
      this.wake();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  /** All output so far, as text. */
  get all(): string {
    return this.buf.toString('utf8');
  }

  /** Output after the mark, not consumed. */
  get rest(): string {
    return this.buf.subarray(this.mark).toString('utf8');
  }

  send(text: string | Buffer): void {
    this.stream.write(text);
  }

  /**
   * Waits for `what` after the mark; returns the text up to and including it (as soon as it came). The
   * limit only turns a device that never answers into a failure: far past any answer's time, so that a
   * busy machine's slowness is not taken for it.
   */
  async until(what: string | RegExp, timeoutMs = HANG_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.rest;
      let end = -1;
      if (typeof what === 'string') {
        const i = text.indexOf(what);
        if (i >= 0) end = i + what.length;
      } else {
        const m = what.exec(text);
        if (m) end = m.index + m[0].length;
      }
      if (end >= 0) {
        const consumed = text.slice(0, end);
        this.mark += Buffer.byteLength(consumed, 'utf8');
        return consumed;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        throw new Error(`Timed out waiting for ${JSON.stringify(String(what))}; got ${JSON.stringify(text)}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits until the stream ends (the device hung up); the limit as `until`'s. */
  async closed(timeoutMs = HANG_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('Timed out waiting for the connection to close');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends a line and waits for the answer's end marker. */
  async command(
    line: string,
    end: string | RegExp = /\r?\nOK\r?\n|\r?\nERROR\r?\n|Command not recognized\.\r?\n/,
  ): Promise<string> {
    this.send(`${line}\r`);
    return this.until(end);
  }
}

/** Logs in on a serial session (admin, empty password) and consumes the banner. */
export async function serialLogin(c: RawClient, password = ''): Promise<string> {
  c.send('\r');
  await c.until('login: ');
  c.send('admin\r');
  await c.until('Password: ');
  c.send(`${password}\r`);
  return c.until('OK\r\n\r\n');
}

/**
 * A fresh device (no login, quick reboot and registration, then `options`) and an echo-off terminal
 * session on it; the caller closes the simulator.
 */
export async function echoOffSession(
  options: SimulatorOptions = {},
): Promise<{ s: RoomOsSimulator; c: RawClient }> {
  const s = await createSimulator({
    loginRequired: false,
    rebootDelayMs: 50,
    registrationDelayMs: 20,
    ...options,
  });
  return { s, c: await echoOff(s) };
}

/** A new terminal session on `s`, echo turned off. */
export async function echoOff(s: RoomOsSimulator): Promise<RawClient> {
  const c = new RawClient(s.openStream());
  c.send('echo off\r');
  await c.until('OK\r\n');
  return c;
}

/** Sends an xCommand and returns its answer up to `** end`. */
export async function xcommand(c: RawClient, line: string): Promise<string> {
  c.send(`${line}\r`);
  return c.until('** end\r\n');
}
