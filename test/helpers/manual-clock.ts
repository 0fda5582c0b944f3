/**
 * A clock for the console login that a test turns by hand (the login takes its timers from an injected
 * `LoginClock`): timers fire only when the test advances it, so no test waits on, or races, the wall clock.
 */
import type { LoginClock } from '../../src/main/device/login.js';

/** Timers that fire only when the test advances the clock; `afterInput` waits for `input()`. */
export class ManualClock implements LoginClock {
  now = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private readonly afterInputs: (() => void)[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  afterInput(fn: () => void): void {
    this.afterInputs.push(fn);
  }

  /** The loop's turn after the input read so far: what waited for it runs. */
  input(): void {
    for (const fn of this.afterInputs.splice(0)) fn();
  }

  /** Moves the clock on by `ms`, firing the timers due on the way, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

/**
 * Waits for `promise` while turning `clock`: each turn lets the pending input in (one pass of the event
 * loop), runs what waited for it, then moves the clock on by `stepMs`. Login time passes only between
 * answers, never while one is on its way.
 */
export async function drive<T>(clock: ManualClock, promise: Promise<T>, stepMs = 50): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    clock.input();
    if (!settled) clock.advance(stepMs);
  }
  return promise;
}
