/**
 * A console session's line discipline: bytes in (paced as a serial line carries them, the drop fault on
 * bytes received), line editing as a canonical-mode tty does it (CR/LF, Ctrl-C, backspace, the line
 * limit), jsxapi's `{N}` framing, echo, and bytes out with the write faults applied (src/simulator/session.ts
 * decides what a line means).
 */
import type { SimStats } from './device.js';
import type { Faults } from './faults.js';

/** The transport under a session: where output goes, and how the device hangs up. */
export interface SessionLink {
  write(data: Buffer): void;
  /** The device ends the connection (bye, a drop fault, a reboot). */
  close(): void;
}

/** What the line discipline needs of the simulator around it. */
export interface LineHost {
  faults(): Faults;
  /** Changes each time the faults are set, so that byte counts start again. */
  faultGeneration(): number;
  clearFault(name: keyof Faults): void;
  /** The input line limit (the `lineLimit` option), undefined for none. */
  readonly lineLimit: number | undefined;
  /** What an overlong line does: `cut` (bytes past the limit are dropped) or `drop` (the session ends). */
  readonly overlongLine: 'cut' | 'drop';
  readonly stats: SimStats;
}

/** What the line discipline asks of the session above it, and hands it. */
export interface LineUser {
  /** Whether the session takes bytes now (it is up and not closed). */
  open(): boolean;
  /** Whether typed bytes are echoed now. */
  echoing(): boolean;
  /** The line ending output uses. */
  eol(): string;
  /** A whole line (ended by CR, LF or CRLF). */
  line(text: string): void;
  /** The bytes of a `{N}` frame. */
  framed(text: string): void;
  /** A drop fault, or an overlong line with the `drop` variant: the session ends. */
  drop(fault: string): void;
}

const COALESCE_MS = 15;
const CR = 0x0d;
const LF = 0x0a;

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One session's line: what the tool types becomes lines for the session; what the session says goes out. */
export class LineDiscipline {
  private line: number[] = [];
  private lastCR = false;
  private framed: { remaining: number; bytes: number[]; skipLF: boolean } | undefined;
  private echoBuf: number[] = [];
  /** Bytes received since the faults were last set (or the session began, if later). */
  private bytesIn = 0;
  private bytesGeneration = -1;
  readonly out: Pacer;
  /** On a paced serial line: when the bytes received so far have fully arrived. */
  private readonly rx: LineClock | undefined;
  private readonly rxQueue: { data: Buffer; at: number }[] = [];
  private rxTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: LineHost,
    link: SessionLink,
    /** A serial line's speed in bytes per second, undefined for an unpaced line. */
    rate: number | undefined,
    private readonly user: LineUser,
  ) {
    this.out = new Pacer(link, () => host.faults(), rate, host.stats);
    this.rx = rate === undefined ? undefined : new LineClock(rate);
  }

  /** The next `n` bytes are a frame (jsxapi's `{N}`); an LF right after the header's CR is not part of it. */
  frame(n: number): void {
    this.framed = n === 0 ? undefined : { remaining: n, bytes: [], skipLF: this.lastCR };
  }

  /** Bytes still on their way in are forgotten (the session ended). */
  stopInput(): void {
    this.rxQueue.length = 0;
    clearTimeout(this.rxTimer);
  }

  /** Bytes from the client (on a paced line, taken once they would have crossed it). */
  input(data: Buffer): void {
    if (!this.user.open()) return;
    this.host.stats.bytesIn += data.length;
    if (this.rx) {
      this.rxQueue.push({ data, at: performance.now() + this.rx.take(data.length) });
      this.drainRx();
      return;
    }
    this.receive(data);
  }

  /** Takes the bytes that have crossed the paced line by now, in order; waits for the rest. */
  private drainRx(): void {
    if (this.rxTimer !== undefined) return;
    while (this.rxQueue.length > 0) {
      const head = this.rxQueue[0]!;
      const wait = head.at - performance.now();
      if (wait > 0.5) {
        this.rxTimer = setTimeout(() => {
          this.rxTimer = undefined;
          this.drainRx();
        }, Math.ceil(wait));
        return;
      }
      this.rxQueue.shift();
      this.receive(head.data);
    }
  }

  private receive(data: Buffer): void {
    if (!this.user.open()) return;
    let bytes = data;
    let drop = false;
    if (this.bytesGeneration !== this.host.faultGeneration()) {
      this.bytesGeneration = this.host.faultGeneration();
      this.bytesIn = 0;
    }
    const limit = this.host.faults().dropAfterBytesIn;
    if (limit !== undefined) {
      const room = Math.max(0, limit - this.bytesIn);
      if (bytes.length >= room) {
        bytes = bytes.subarray(0, room);
        drop = true;
      }
    }
    this.bytesIn += bytes.length;
    for (const b of bytes) {
      if (!this.user.open()) return;
      this.feed(b);
    }
    this.flushEcho();
    if (drop) {
      this.host.clearFault('dropAfterBytesIn');
      this.user.drop('dropAfterBytesIn');
    }
  }

  private feed(b: number): void {
    if (this.framed) {
      if (this.framed.skipLF && b === LF && this.framed.bytes.length === 0) {
        this.framed.skipLF = false;
        return;
      }
      this.framed.skipLF = false;
      this.framed.bytes.push(b);
      this.echoByte(b);
      if (--this.framed.remaining <= 0) {
        const text = Buffer.from(this.framed.bytes).toString('utf8');
        this.framed = undefined;
        this.user.framed(text);
      }
      return;
    }
    if (b === LF && this.lastCR) {
      this.lastCR = false;
      return;
    }
    this.lastCR = b === CR;
    if (b === CR || b === LF) {
      this.echoText('\n');
      const text = Buffer.from(this.line).toString('utf8');
      this.line = [];
      this.user.line(text);
      return;
    }
    if (b === 0x03) {
      // Ctrl-C discards the line being typed, as a tty's intr would.
      this.line = [];
      this.echoText('^C\n');
      return;
    }
    if (b === 0x7f || b === 0x08) {
      if (this.line.length > 0) {
        this.line.pop();
        this.echoText('\b \b');
      }
      return;
    }
    // A canonical-mode tty keeps the first `lineLimit` bytes of a line and drops the rest; the line end
    // still ends the line (the `truncateLineAt` fault does the same for one test).
    const max = this.host.faults().truncateLineAt ?? this.host.lineLimit;
    if (max !== undefined && this.line.length >= max) {
      // The `drop` variant ends the session on an overlong line instead (jsxapi issue #65).
      if (this.host.overlongLine === 'drop') this.user.drop('overlongLine');
      return;
    }
    this.line.push(b);
    this.echoByte(b);
  }

  private echoByte(b: number): void {
    if (this.user.echoing()) this.echoBuf.push(b);
  }

  private echoText(t: string): void {
    if (this.user.echoing())
      for (const b of Buffer.from(t.replace(/\n/g, this.user.eol()))) this.echoBuf.push(b);
  }

  flushEcho(): void {
    if (this.echoBuf.length === 0) return;
    const data = Buffer.from(this.echoBuf);
    this.echoBuf = [];
    this.host.stats.echoBytes += data.length;
    this.out.write(data);
  }

  /** Writes text with `\n` line ends converted to the session's line ending. */
  write(text: string): void {
    this.flushEcho();
    this.out.write(Buffer.from(text.replace(/\n/g, this.user.eol()), 'utf8'));
  }

  writeLines(lines: readonly string[]): void {
    this.write(lines.map((l) => `${l}\n`).join(''));
  }
}

/**
 * A serial line's clock: bytes cross it at `bytesPerSecond`, one after another. `take(n)` says how long
 * from now until `n` more bytes have crossed.
 */
class LineClock {
  private freeAt = 0;
  constructor(private readonly bytesPerSecond: number) {}

  take(bytes: number): number {
    const now = performance.now();
    this.freeAt = Math.max(now, this.freeAt) + (bytes * 1000) / this.bytesPerSecond;
    return this.freeAt - now;
  }
}

/**
 * Output with the write faults applied: split, coalesced, slow; on a paced serial line each piece goes
 * once the line has carried the ones before it. Without faults or pacing it writes at once.
 */
class Pacer {
  private readonly queue: Buffer[] = [];
  private running = false;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private readonly clock: LineClock | undefined;

  constructor(
    private readonly link: SessionLink,
    private readonly faults: () => Faults,
    bytesPerSecond: number | undefined,
    private readonly stats: SimStats,
  ) {
    this.clock = bytesPerSecond === undefined ? undefined : new LineClock(bytesPerSecond);
  }

  write(data: Buffer): void {
    if (this.stopped || data.length === 0) return;
    const f = this.faults();
    if (
      !this.running &&
      this.queue.length === 0 &&
      !f.coalesce &&
      !f.splitWrites &&
      !f.slowMsPerChunk &&
      !this.clock
    ) {
      this.send(data);
      return;
    }
    this.queue.push(data);
    if (!this.running) void this.run();
  }

  private send(data: Buffer): void {
    this.stats.bytesOut += data.length;
    this.link.write(data);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const f = this.faults();
        if (f.coalesce) await delay(COALESCE_MS);
        const data = Buffer.concat(this.queue.splice(0));
        const max = f.splitWrites !== undefined && f.splitWrites > 0 ? f.splitWrites : data.length;
        for (let i = 0; i < data.length; i += max) {
          if (this.stopped) return;
          const piece = data.subarray(i, i + max);
          if (this.clock) {
            const wait = this.clock.take(piece.length);
            if (wait > 0.5) await delay(Math.round(wait));
            if (this.stopped) return;
          }
          this.send(piece);
          if (f.slowMsPerChunk) await delay(f.slowMsPerChunk);
          else if (max < data.length) await delay(1);
        }
      }
    } finally {
      this.running = false;
      const w = this.waiters;
      this.waiters = [];
      for (const r of w) r();
    }
  }

  /** Resolves when everything written so far is out. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }
}
