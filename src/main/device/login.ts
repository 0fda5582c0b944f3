/**
 * Logging in on a device console (spec §1.1-§1.2): waking a quiet serial console, answering its
 * `login:` and `Password:` prompts, reading the banner, and telling a shell already logged in from a
 * console still starting. A state machine fed the console's output item by item, on an injected clock,
 * so that every timing it depends on can be replayed exactly.
 */
import { DeviceError, checkConsoleValue, type ReaderItem } from '../../core/xapi/index.js';
import { loginDisconnected } from './session-errors.js';
import type { Transcript } from './transcript.js';
import type { Transport } from './transport.js';

/** What the device printed when the session opened (spec §1.1). */
export interface Banner {
  /** `Welcome to <name>`: the SystemUnit Name ('' when empty), null when no banner came. */
  systemName: string | null;
  /** `Cisco Codec Release <…>`, e.g. `RoomOS 11.23.1.8 3963b07b5c5`. */
  release: string | null;
  releaseDate: string | null;
  /** Whether the tool answered a `login:` prompt (serial). */
  loggedInWithPrompt: boolean;
}

/** The timers a login runs on: the system's, or a test's own (fake timers). */
export interface LoginClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs `fn` once the input already received has been handled (after the loop's I/O). */
  afterInput(fn: () => void): void;
}

/** The system's timers; a pending login does not keep the process alive by its wake-up alone. */
export const SYSTEM_CLOCK: LoginClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  afterInput: (fn) => void setImmediate(fn),
};

export interface LoginOptions {
  /** Default `admin` (spec §1.1: a factory-reset device has `admin` with no password). */
  username?: string;
  /** Passwords to try in turn at the serial `Password:` prompt; default `['']`. */
  passwords?: string[];
  /** Whether to send `\r` to wake a serial console (spec §1.2); SSH and in-process need not. */
  wake?: boolean;
  /** Overall deadline for login and set-up, ms (default 30 s). */
  timeoutMs?: number;
  /** Quiet time before the console is woken again (and, after two wakes without a prompt, taken as already logged in), ms (default 1500). */
  wakeIntervalMs?: number;
  /**
   * A console that has sent no byte at all by the end of the login is given this long to answer the
   * set-up probe before it is reported as silent (default 3 s), instead of the whole command timeout.
   */
  silentMs?: number;
  /** The timers the login runs on (default the system's). */
  clock?: LoginClock;
}

/** One piece of console output as the login sees it: a reader item, or the unfinished line so far. */
export type LoginItem = ReaderItem | { type: 'partial'; text: string };

/** What the login needs of the console: where it writes, what it is called, where it records. */
export interface LoginConsole {
  readonly label: string;
  readonly kind: Transport['kind'];
  write(data: Buffer): Promise<void>;
  readonly transcript: Transcript | undefined;
  /** Told at once (before any further output is read) when the login succeeded. */
  loggedIn(outcome: LoginOutcome): void;
}

/** How the login ended. */
export interface LoginOutcome {
  /** No prompt and no banner came: taken for a shell already logged in (the set-up probe will tell). */
  byQuiet: boolean;
  /** `*r Login successful` ended it: the `OK` that follows is still to come. */
  owesStatusLine: boolean;
}

/**
 * Where the login stands: `waiting` for a prompt or a banner, `user-sent` (the user name answered a
 * `login:`), `password-sent`, `welcomed` (a banner began), then `done`.
 */
export type LoginState = 'waiting' | 'user-sent' | 'password-sent' | 'welcomed' | 'done';

/** How long a serial login waits for a prompt already in the buffer before waking the console. */
export const LOGIN_PROMPT_WAIT_MS = 100;

/**
 * One login on one console. `run()` starts it and settles once; the session hands it every item of
 * output (`feed`) and tells it when the connection ends (`disconnected`).
 */
export class ConsoleLogin {
  state: LoginState = 'waiting';
  private readonly username: string;
  private readonly passwords: string[];
  private readonly wake: boolean;
  private readonly wakeIntervalMs: number;
  private readonly clock: LoginClock;
  private attempts = 0;
  /** The prompt last answered while it was still an unfinished line (its echo is not a new prompt). */
  private answered: string | null = null;
  private wakes = 0;
  /**
   * Every CR sent to wake the console draws its own `login:` (and a prompt may wait in the buffer from
   * before it was opened): those extra prompts come after the user name and are not new ones.
   */
  private crsSent = 0;
  private loginPromptsSeen = 0;
  private extraPrompts = 0;
  /**
   * The getty echoed the user name sent (on the line of the prompt it was showing): prompts before that
   * echo were printed before the name arrived, however many were left on the line.
   */
  private nameEchoed = false;
  private sawOutput = false;
  private quietTimer: unknown;
  private deadline: unknown;
  private settle: ((error: Error | null, outcome?: LoginOutcome) => void) | null = null;

  constructor(
    private readonly console: LoginConsole,
    private readonly banner: Banner,
    options: LoginOptions = {},
  ) {
    this.username = options.username ?? 'admin';
    this.passwords = options.passwords && options.passwords.length > 0 ? options.passwords : [''];
    this.wake = options.wake ?? false;
    this.wakeIntervalMs = options.wakeIntervalMs ?? 1500;
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** True until the login settled. */
  get active(): boolean {
    return this.settle !== null;
  }

  /**
   * Starts the login; `partial` is an unfinished line already received (a prompt waiting when the
   * console was taken over). Resolves when logged in (or taken to be), rejects with a DeviceError.
   */
  run(timeoutMs: number, partial = ''): Promise<LoginOutcome> {
    for (const pw of this.passwords) this.console.transcript?.addSecret(pw);
    // Each is typed at a prompt and ended with CR: a CR or LF inside would type the rest as a command.
    try {
      checkConsoleValue(this.username, 'login user name');
      for (const pw of this.passwords) checkConsoleValue(pw, 'login password');
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise<LoginOutcome>((resolve, reject) => {
      this.settle = (error, outcome) => {
        this.settle = null;
        this.state = 'done';
        this.clock.clearTimeout(this.deadline);
        this.clock.clearTimeout(this.quietTimer);
        if (error) reject(error);
        else resolve(outcome ?? { byQuiet: false, owesStatusLine: false });
      };
      this.deadline = this.clock.setTimeout(() => this.fail(this.timeoutError(timeoutMs)), timeoutMs);
      if (this.wake) {
        // A prompt may already be waiting in the buffer: give it a moment before waking the console,
        // so that the wake-up does not draw a second prompt. Buffered bytes arrive within a USB
        // adapter's latency timer (16 ms) of the open; 100 ms is ample, and the wake-up waits once
        // more for input already received, so that a loop that was busy does not send it ahead of a
        // prompt that is there.
        this.wakes = 1;
        this.clock.setTimeout(
          () =>
            this.clock.afterInput(() => {
              if (this.sawOutput || !this.active) return;
              this.sendWake();
            }),
          Math.min(LOGIN_PROMPT_WAIT_MS, this.wakeIntervalMs),
        );
      } else this.armQuiet();
      if (partial) this.feed({ type: 'partial', text: partial });
    });
  }

  /** The connection ended before the login did. */
  disconnected(): void {
    this.fail(loginDisconnected(this.console.label));
  }

  /** One item of the console's output. */
  feed(item: LoginItem): void {
    if (!this.active) return;
    const text =
      item.type === 'partial'
        ? item.text
        : item.type === 'json'
          ? ''
          : 'line' in item
            ? item.line
            : item.lines.join('\n');
    this.sawOutput = true;
    const t = text.trim();
    if (this.state === 'user-sent' && item.type !== 'json' && t.endsWith(this.username)) {
      this.nameEchoed = true;
    }
    // A prompt answered while partial comes back as a whole line (with the echo): not a new one.
    const repeat =
      this.answered !== null && (item.type === 'partial' ? t === this.answered : t.startsWith(this.answered));
    if (item.type !== 'partial') this.answered = null;
    if (repeat) return;
    const welcomed = this.state === 'welcomed';
    if (/login:$/i.test(t) && !welcomed) return this.onLoginPrompt(t, item.type === 'partial');
    if (/password:$/i.test(t) && !welcomed) return this.onPasswordPrompt(t, item.type === 'partial');
    if (item.type === 'partial') {
      // An unfinished line that is no prompt (the rest of a prompt the previous session read the start
      // of, a stray byte) still counts as output: without a quiet timer nothing would wake the console.
      if (this.state === 'waiting') this.armQuiet();
      return;
    }
    if (/^Login incorrect/i.test(t)) {
      this.extraPrompts = 0;
      if (this.attempts >= this.passwords.length) this.fail(this.loginFailed());
      return;
    }
    let m = /^Welcome to ?(.*)$/.exec(t);
    if (m) {
      this.state = 'welcomed';
      this.banner.systemName = m[1] ?? '';
      return;
    }
    m = /^Cisco Codec Release\s+(.*)$/.exec(t);
    if (m) {
      this.banner.release = m[1] ?? null;
      return;
    }
    m = /^SW Release Date:\s*(.*)$/.exec(t);
    if (m) {
      this.banner.releaseDate = m[1] ?? null;
      return;
    }
    if (/^\*r Login successful/i.test(t)) {
      this.state = 'welcomed';
      // The `OK` that follows is not waited for: an owed completion line absorbs it.
      this.succeed({ byQuiet: false, owesStatusLine: true });
      return;
    }
    if (this.state === 'waiting') this.armQuiet();
  }

  private onLoginPrompt(t: string, partial: boolean): void {
    if (partial) this.answered = t;
    this.loginPromptsSeen += 1;
    // A prompt after the user name went out, before the getty echoed it, was printed before the name
    // arrived (drawn by our wake-up CRs, or left on the line, however many): the getty has the name
    // already, however slow it is. Typing the name again would give it as the password. A console that
    // echoes nothing is covered by the count of prompts still owed to our CRs and one left over.
    if (this.state === 'user-sent' && (this.extraPrompts > 0 || !this.nameEchoed)) {
      this.extraPrompts = Math.max(0, this.extraPrompts - 1);
      return;
    }
    if (this.attempts >= this.passwords.length) {
      this.fail(this.loginFailed());
      return;
    }
    this.state = 'user-sent';
    this.banner.loggedInWithPrompt = true;
    this.nameEchoed = false;
    this.send(`${this.username}\r`, `${this.username}\n`);
    this.extraPrompts = Math.max(0, this.crsSent + 1 - this.loginPromptsSeen);
    this.armQuiet();
  }

  private onPasswordPrompt(t: string, partial: boolean): void {
    if (partial) this.answered = t;
    const pw = this.passwords[this.attempts] ?? '';
    this.attempts += 1;
    this.state = 'password-sent';
    this.send(`${pw}\r`, '«password»\n');
    // Linux delays `Login incorrect` by a few seconds: wait longer before taking silence as success.
    this.armQuiet(Math.max(6000, this.wakeIntervalMs * 3));
  }

  /** One CR to wake a quiet console (it draws a `login:` where one is wanted). */
  private sendWake(): void {
    this.crsSent += 1;
    this.send('\r', '\n');
    this.armQuiet();
  }

  /**
   * A quiet console is woken with CR; two wakes without a prompt mean a shell already logged in
   * (LoginRequired Off, or a session left open): the set-up probe will tell.
   */
  private armQuiet(ms = this.wakeIntervalMs): void {
    this.clock.clearTimeout(this.quietTimer);
    this.quietTimer = this.clock.setTimeout(() => this.onQuiet(), ms);
  }

  private onQuiet(): void {
    if (!this.active) return;
    // A serial login may print no banner (spec §1.2 [I]): quiet after the password means in.
    if (this.state === 'password-sent') {
      this.succeed({ byQuiet: false, owesStatusLine: false });
      return;
    }
    if (this.state !== 'waiting') return;
    if (this.wakes >= 2 || !this.wake) {
      this.succeed({ byQuiet: true, owesStatusLine: false });
      return;
    }
    this.wakes += 1;
    this.sendWake();
  }

  private send(text: string, shown: string): void {
    this.console.transcript?.recordOut(shown);
    this.console.write(Buffer.from(text, 'utf8')).catch((e: unknown) => this.fail(e as Error));
  }

  private succeed(outcome: LoginOutcome): void {
    if (!this.active) return;
    this.console.loggedIn(outcome);
    this.settle?.(null, outcome);
  }

  private fail(error: Error): void {
    this.settle?.(error);
  }

  private loginFailed(): DeviceError {
    return new DeviceError(
      'ERR_DEVICE_LOGIN_FAILED',
      `The device refused the login as "${this.username}". A factory-reset device takes "admin" with an empty password; otherwise give the device's admin password (--password-file).`,
      { username: this.username, attempts: this.attempts },
    );
  }

  private timeoutError(timeoutMs: number): DeviceError {
    return new DeviceError(
      'ERR_DEVICE_TIMEOUT',
      `No login from ${this.console.label} within ${Math.round(timeoutMs / 1000)} s. Check that the device is on and finished starting${this.console.kind === 'serial' ? ', and that the cable is in its console (maintenance) port' : ''}.`,
      { timeoutMs, mayHaveRun: false },
    );
  }
}
