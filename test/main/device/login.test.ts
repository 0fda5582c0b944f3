/**
 * The console login on a clock the test turns by hand: a Linux-style getty on the far side (it
 * re-prompts on an empty line, echoes what is typed, says `Login incorrect`), and its output handed to
 * the login in the pieces and at the moments a loaded machine could read it. No wall clock is waited on.
 */
import { describe, expect, it } from 'vitest';
import { ConsoleReader, type DeviceError } from '../../../src/core/xapi/index.js';
import { ConsoleLogin, type Banner, type LoginOutcome } from '../../../src/main/device/login.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { roomOsBanner } from './scripted.js';

const BANNER =
  '\r\nWelcome to Lobby\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n';

/**
 * The device side: a getty (as the simulator's serial console and Linux behave) whose output queues
 * until the test hands it over, and the tool's side: the login reading through a real ConsoleReader,
 * item by item and then the unfinished line, as the session does.
 */
class Line {
  state: 'getty' | 'password' | 'shell' = 'getty';
  user = '';
  readonly logins: Array<{ user: string; ok: boolean }> = [];
  /** What the tool typed, as written. */
  readonly typed: string[] = [];
  private outbox = '';
  private typing = '';
  private readonly reader = new ConsoleReader();
  readonly clock = new ManualClock();
  readonly banner: Banner = { systemName: null, release: null, releaseDate: null, loggedInWithPrompt: false };
  login: ConsoleLogin;
  settled: { outcome?: LoginOutcome; error?: DeviceError } | null = null;

  constructor(
    leftOnTheLine: string,
    private readonly password = '',
  ) {
    this.outbox = leftOnTheLine;
    this.login = new ConsoleLogin(
      {
        label: '/dev/ttyACM0',
        kind: 'serial',
        write: async (data) => {
          const text = Buffer.from(data).toString('utf8');
          this.typed.push(text);
          this.receive(text);
        },
        transcript: undefined,
        loggedIn: () => undefined,
      },
      this.banner,
      { wake: true, wakeIntervalMs: 1500, clock: this.clock },
    );
  }

  start(timeoutMs = 30_000): void {
    this.login.run(timeoutMs).then(
      (outcome) => (this.settled = { outcome }),
      (error: DeviceError) => (this.settled = { error }),
    );
  }

  /** The 100 ms before the first wake-up pass, and the login's loop turns. */
  wakeUpDue(): void {
    this.clock.advance(100);
    this.clock.input();
  }

  /** The getty takes what was typed, line by line (CR ends a line). */
  private receive(text: string): void {
    for (const ch of text) {
      if (ch !== '\r') {
        this.typing += ch;
        if (this.state === 'getty') this.outbox += ch;
        continue;
      }
      const line = this.typing;
      this.typing = '';
      if (this.state === 'getty') {
        this.outbox += '\r\n';
        if (line.trim() === '') this.outbox += 'login: ';
        else {
          this.user = line.trim();
          this.state = 'password';
          this.outbox += 'Password: ';
        }
      } else if (this.state === 'password') {
        const ok = this.user === 'admin' && line === this.password;
        this.logins.push({ user: this.user, ok });
        if (ok) {
          this.state = 'shell';
          this.outbox += BANNER;
        } else {
          this.state = 'getty';
          this.outbox += '\r\nLogin incorrect\r\nlogin: ';
        }
      }
    }
  }

  /** Hands the tool the next `bytes` of the device's output (all of it without a count). */
  read(bytes?: number): void {
    const piece = this.outbox.slice(0, bytes ?? this.outbox.length);
    this.outbox = this.outbox.slice(piece.length);
    for (const item of this.reader.push(piece)) this.login.feed(item);
    const partial = this.reader.partial;
    if (partial) this.login.feed({ type: 'partial', text: partial });
  }

  /** The device prints something of its own. */
  say(text: string): void {
    this.outbox += text;
  }
}

/** Lets the login's promise settle (its callbacks are microtasks). */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ConsoleLogin on a serial console', () => {
  it('a prompt left on the line and read only after the wake-up CR went out is answered once', async () => {
    const line = new Line('login: ');
    line.start();
    // Loaded: the 100 ms pass and the loop turns before the waiting prompt is read.
    line.wakeUpDue();
    expect(line.typed).toEqual(['\r']);
    // The getty re-prompted for the empty line; the tool now reads the old prompt alone.
    line.read('login: '.length);
    expect(line.typed).toEqual(['\r', 'admin\r']);
    // Then the wake-up's own prompt, the echo of the name and the password prompt.
    line.read();
    line.read();
    await settle();
    expect(line.typed).toEqual(['\r', 'admin\r', '\r']);
    expect(line.logins).toEqual([{ user: 'admin', ok: true }]);
    expect(line.settled).toEqual({ outcome: { byQuiet: false, owesStatusLine: true } });
    expect(line.banner).toEqual(roomOsBanner('Lobby', true));
  });

  it('the same, read in one piece, and after two wake-ups on a console slower than the wake interval', async () => {
    for (const wakes of [1, 2]) {
      const line = new Line('login: ');
      line.start();
      line.wakeUpDue();
      if (wakes === 2) line.clock.advance(1500);
      expect(line.typed).toEqual(wakes === 2 ? ['\r', '\r'] : ['\r']);
      line.read();
      line.read();
      line.read();
      await settle();
      expect(line.logins).toEqual([{ user: 'admin', ok: true }]);
      expect(line.typed.filter((t) => t === 'admin\r')).toEqual(['admin\r']);
      expect(line.settled?.outcome).toEqual({ byQuiet: false, owesStatusLine: true });
    }
  });

  it('several prompts left on the line (Enter pressed before a terminal closed) draw the name once', async () => {
    for (const pieces of [[], [7], [7, 9]]) {
      const line = new Line('login: \r\nlogin: \r\nlogin: ');
      line.start();
      for (const n of pieces) line.read(n);
      line.read();
      line.read();
      line.read();
      line.wakeUpDue();
      line.read();
      await settle();
      expect(line.typed).toEqual(['admin\r', '\r']);
      expect(line.logins).toEqual([{ user: 'admin', ok: true }]);
      expect(line.settled?.outcome).toEqual({ byQuiet: false, owesStatusLine: true });
    }
  });

  it('a prompt read before the wake-up is answered without one', async () => {
    const line = new Line('login: ');
    line.start();
    line.read();
    line.wakeUpDue();
    line.read();
    line.read();
    await settle();
    expect(line.typed).toEqual(['admin\r', '\r']);
    expect(line.logins).toEqual([{ user: 'admin', ok: true }]);
  });

  it('the rest of a prompt whose start the previous session read does not stop the wake-up', async () => {
    // The previous session read "login" and let the port go; ": " waits on the line, the getty waits
    // for a name. That output is no prompt: the console is woken once it has been quiet.
    const line = new Line(': ');
    line.start();
    line.read();
    line.wakeUpDue();
    expect(line.typed).toEqual([]);
    line.clock.advance(1500);
    expect(line.typed).toEqual(['\r']);
    line.read();
    line.read();
    line.read();
    await settle();
    expect(line.typed).toEqual(['\r', 'admin\r', '\r']);
    expect(line.logins).toEqual([{ user: 'admin', ok: true }]);
    expect(line.settled?.outcome).toEqual({ byQuiet: false, owesStatusLine: true });
  });

  it('a console that stays quiet after two wake-ups is taken as already logged in', async () => {
    const line = new Line('');
    line.state = 'shell';
    line.start();
    line.wakeUpDue();
    line.clock.advance(1500);
    expect(line.typed).toEqual(['\r', '\r']);
    line.clock.advance(1500);
    await settle();
    expect(line.settled).toEqual({ outcome: { byQuiet: true, owesStatusLine: false } });
  });

  it('a wrong password is refused after the one try, with the code and the attempts', async () => {
    const line = new Line('', 's3cret');
    line.start();
    line.wakeUpDue();
    line.read();
    line.read();
    line.read();
    await settle();
    expect(line.logins).toEqual([{ user: 'admin', ok: false }]);
    expect(line.settled?.error?.code).toBe('ERR_DEVICE_LOGIN_FAILED');
    expect(line.settled?.error?.details).toEqual({ username: 'admin', attempts: 1 });
  });

  it('no login by the deadline is a timeout that names the port', async () => {
    // A device still starting: it prints a line now and then, never a prompt.
    const line = new Line('');
    line.state = 'shell';
    line.start(5000);
    for (let t = 0; t < 5000; t += 1000) {
      line.say(`[ ${t / 1000}.000000] starting services\r\n`);
      line.read();
      line.clock.advance(1000);
    }
    await settle();
    expect(line.settled?.error?.code).toBe('ERR_DEVICE_TIMEOUT');
    expect(line.settled?.error?.details).toEqual({ timeoutMs: 5000, mayHaveRun: false });
    expect(line.settled?.error?.message).toContain('/dev/ttyACM0');
  });
});
