/**
 * Slow and silent consoles. A command times out on silence (no byte for `timeoutMs`), not on the whole
 * answer's duration: a 1,707-byte answer paced at 115,200 baud and at about 9,600 baud is read whole
 * with a silence timeout far shorter than the answer takes. A console that sends nothing at all is
 * reported as silent, saying what was tried and what to check.
 *
 * The paced answers run on a simulated clock (the console's pace and the session's timers alike), moved
 * on one tick at a time: no gap the machine's load makes can pass for the console's silence, and the
 * durations asserted are the clock's, exact.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  BaseTransport,
  ConsoleSession,
  DeviceError,
  type Pacing,
  connect,
} from '../../../src/main/device/index.js';
import { createSimulator } from '../../../src/simulator/index.js';

const tagOf = (line: string): string => /resultId="([^"]+)"/.exec(line)?.[1] ?? '';

/** The JSON answer of `xStatus Big`, padded to exactly `size` bytes (CRLF line ends). */
function bigAnswer(tag: string, size: number): string {
  const head = '{\r\n  "Status": {\r\n    "Big": {\r\n      "Value": "';
  const tail = `"\r\n    }\r\n  },\r\n  "ResultId": "${tag}"\r\n}\r\n`;
  return head + 'x'.repeat(size - head.length - tail.length) + tail;
}

/**
 * A console that answers the set-up at once and `xStatus Big` with 1,707 bytes, `bytesPerTick` bytes
 * every `tickMs` ms (a serial line's pace), or nothing at all when `silent`.
 */
class PacedConsole extends BaseTransport {
  readonly kind = 'serial' as const;
  readonly label = '/dev/paced';
  readonly pacing: Pacing = { chunkBytes: 4096, chunkDelayMs: 0, lineEnding: '\n' };
  readonly writes: string[] = [];
  private pending = '';

  constructor(
    private readonly bytesPerTick: number,
    private readonly tickMs: number,
    private readonly silent = false,
  ) {
    super();
  }

  private paced(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    const tick = (): void => {
      if (this.closed || off >= bytes.length) return;
      this.emitData(bytes.subarray(off, off + this.bytesPerTick));
      off += this.bytesPerTick;
      setTimeout(tick, this.tickMs);
    };
    setTimeout(tick, this.tickMs);
  }

  async write(data: Uint8Array): Promise<void> {
    const text = Buffer.from(data).toString('utf8');
    this.writes.push(text);
    if (this.silent) return;
    this.pending += text;
    let i: number;
    while ((i = this.pending.search(/[\r\n]/)) >= 0) {
      const line = this.pending.slice(0, i);
      this.pending = this.pending.slice(i + 1).replace(/^\n/, '');
      const tag = tagOf(line);
      if (line === 'echo off') setImmediate(() => this.emitData(Buffer.from('OK\r\n')));
      else if (line.startsWith('xStatus SystemUnit ProductId |'))
        setImmediate(() =>
          this.emitData(
            Buffer.from(
              `{\r\n  "Status": {\r\n    "SystemUnit": {\r\n      "ProductId": {\r\n        "Value": "Cisco Room Kit"\r\n      }\r\n    }\r\n  },\r\n  "ResultId": "${tag}"\r\n}\r\n`,
            ),
          ),
        );
      else if (line.startsWith('xStatus Big |')) this.paced(bigAnswer(tag, 1707));
    }
  }

  async close(): Promise<void> {
    this.markClosed();
  }
}

/**
 * Runs `f` on a simulated clock moved on by `stepMs` at a time until it settles; returns its outcome and
 * how long it took on that clock.
 */
async function onClock<T>(
  stepMs: number,
  f: () => Promise<T>,
): Promise<{ clockMs: number; value: T | unknown; ok: boolean }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    const t0 = Date.now();
    let settled = false;
    const run = f().then(
      (value) => ({ ok: true, value }),
      (value: unknown) => ({ ok: false, value }),
    );
    void run.then(() => (settled = true));
    while (!settled) await vi.advanceTimersByTimeAsync(stepMs);
    const out = await run;
    return { ...out, clockMs: Date.now() - t0 };
  } finally {
    vi.useRealTimers();
  }
}

async function readBig(
  bytesPerTick: number,
  tickMs: number,
  timeoutMs: number,
): Promise<{ clockMs: number; bytes: number }> {
  const t = new PacedConsole(bytesPerTick, tickMs);
  const s = new ConsoleSession(t, { timeoutMs: 2000 });
  await s.start({ wake: false, wakeIntervalMs: 20 });
  const r = await onClock(tickMs, () => s.request('xStatus Big', { timeoutMs }));
  await s.close();
  if (!r.ok) throw r.value;
  const lines = (r.value as { lines: string[] }).lines;
  return { clockMs: r.clockMs, bytes: Buffer.byteLength(lines.join('\r\n') + '\r\n') };
}

describe('slow consoles: time out on silence, not on total duration', () => {
  it('reads a 1,707-byte answer paced at 115,200 baud (about 12 bytes a millisecond) with a 100 ms silence timeout', async () => {
    const r = await readBig(12, 1, 100);
    expect(r.bytes).toBe(1707);
    // The answer took longer than the silence allowed: only a timeout on silence lets it through.
    expect(r.clockMs).toBeGreaterThan(100);
  });

  it('reads it paced at about 9,600 baud (a byte a millisecond) with a 300 ms silence timeout', async () => {
    const r = await readBig(1, 1, 300);
    expect(r.bytes).toBe(1707);
    expect(r.clockMs).toBeGreaterThan(1000);
  });

  it('still times out a console that stops in the middle of an answer', async () => {
    const t = new PacedConsole(1, 1);
    const s = new ConsoleSession(t, { timeoutMs: 2000 });
    await s.start({ wake: false, wakeIntervalMs: 20 });
    const pending = s.request('xStatus Big', { timeoutMs: 200 });
    setTimeout(() => t.close(), 300);
    const e = (await pending.catch((x: unknown) => x)) as DeviceError;
    expect(e).toBeInstanceOf(DeviceError);
    expect(['ERR_DEVICE_TIMEOUT', 'ERR_DEVICE_DISCONNECTED']).toContain(e.code);
  });

  it('an overall cap still ends an answer that never finishes', async () => {
    const t = new PacedConsole(1, 5);
    const s = new ConsoleSession(t, { timeoutMs: 2000, maxAnswerMs: 300 });
    await s.start({ wake: false, wakeIntervalMs: 20 });
    const r = await onClock(5, () => s.request('xStatus Big', { timeoutMs: 200 }));
    expect(r.ok).toBe(false);
    const e = r.value as DeviceError;
    expect(e.code).toBe('ERR_DEVICE_TIMEOUT');
    // Ended by the cap, on the clock: after 300 ms of an answer that takes 8.5 s, never on silence.
    expect(r.clockMs).toBeGreaterThanOrEqual(300);
    expect(r.clockMs).toBeLessThan(1707 * 5);
    expect(e.message).toMatch(/did not finish answering "xStatus Big" within 0 s/);
    await s.close();
  });

  it('the simulator slowed to about 9,600 baud (its slowMsPerChunk fault): an 833-byte status read whole with a 300 ms silence timeout', async () => {
    const sim = await createSimulator({ loginRequired: false });
    const device = await connect('sim:', { simulator: sim, wakeIntervalMs: 200 });
    try {
      sim.setFaults({ splitWrites: 1, slowMsPerChunk: 1 });
      const r = await onClock(1, () => device.request('xStatus SystemUnit', { timeoutMs: 300 }));
      expect(r.ok).toBe(true);
      expect(r.clockMs).toBeGreaterThan(300);
      expect((r.value as { entries: unknown[] }).entries.length).toBeGreaterThan(3);
    } finally {
      sim.setFaults({});
      await device.close();
      await sim.close();
    }
  });
});

describe('silent consoles', () => {
  it('a console that sends nothing is reported within a few seconds, naming what was tried and what to check', async () => {
    const t = new PacedConsole(1, 1, true);
    const s = new ConsoleSession(t, { timeoutMs: 15_000 });
    const r = await onClock(50, () => s.start({ wake: true, wakeIntervalMs: 300 }));
    expect(r.ok).toBe(false);
    const e = r.value as DeviceError;
    expect(e.code).toBe('ERR_DEVICE_TIMEOUT');
    // On the clock: the set-up probe's short wait (3 s), not the 15 s command timeout.
    expect(r.clockMs).toBeLessThan(15_000);
    expect(e.details).toMatchObject({
      silent: true,
      tried: ['CR', 'login prompt', '.', 'xStatus'],
      mayHaveRun: false,
    });
    expect(e.message).toMatch(/^Nothing at all came back from \/dev\/paced: it was woken twice with CR/);
    for (const what of ['console (maintenance) port', 'right port', '115200 baud', 'SerialPort Mode'])
      expect(e.message).toContain(what);
  });
});
