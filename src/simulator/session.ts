/**
 * A console session's lifecycle: start (a serial line at `login:`, SSH at the banner), login, the shell's
 * queue of lines run one at a time, `bye`, drops and close. Its line discipline (line.ts) turns bytes
 * into lines; its interpreter (interpreter.ts) answers them.
 */
import type { Aftermath } from './commands.js';
import { findCommand } from './commands.js';
import type { Device, DeviceChange } from './device.js';
import type { EventLog, SessionKind, Transport } from './events.js';
import { type Faults, matchesFault } from './faults.js';
import type { Answer, AnswerContext } from './format.js';
import { HELP, Interpreter, resolveVerb } from './interpreter.js';
import { LineDiscipline, type SessionLink, delay } from './line.js';
import { type ParsedLine, parseLine } from './parse.js';

export type { SessionLink } from './line.js';
export { FEEDBACK_LIMIT } from './interpreter.js';

/** What a session needs of the simulator around it. */
export interface SessionHost {
  readonly device: Device;
  readonly events: EventLog;
  faults(): Faults;
  /** Changes each time the faults are set, so that byte counts start again. */
  faultGeneration(): number;
  clearFault(name: keyof Faults): void;
  nextSessionId(): number;
  /** The banner variant: `legacy` puts a blank line before `OK` (CE 9 style). */
  readonly bannerVariant: 'current' | 'legacy';
  /** The input line limit (the `lineLimit` option), undefined for none. */
  readonly lineLimit: number | undefined;
  /** What an overlong line does: `cut` (bytes past the limit are dropped) or `drop` (the session ends). */
  readonly overlongLine: 'cut' | 'drop';
  /** A serial line's speed in bytes per second (baud / 10, 8N1), undefined for an unpaced line. */
  readonly lineBytesPerSecond: number | undefined;
  /** How long the device takes over each command line before it answers (0: at once). */
  readonly commandLatencyMs: number;
  /** Carries out a command's aftermath (factory reset, reboot, registration) once its answer is out. */
  aftermath(then: Aftermath): void;
  sessionClosed(session: Session): void;
}

type LoginState = 'down' | 'getty' | 'password' | 'shell' | 'closed';

type Item = { kind: 'line'; text: string } | { kind: 'framed'; text: string };

/**
 * One console session: its login state machine and its shell's queue of lines, on a line discipline
 * (line.ts: bytes, echo, CR/LF, faults on output) with an interpreter (interpreter.ts: the verbs).
 */
export class Session {
  readonly id: number;
  private login: LoginState = 'down';
  private echo = true;
  private readonly queue: Item[] = [];
  private pumping = false;
  private body: { parsed: ParsedLine; lines: string[]; raw: string } | undefined;
  private user = '';
  private readonly shell: Interpreter;
  private readonly lineIn: LineDiscipline;
  private readonly onChange = (c: DeviceChange): void => this.deliverFeedback(c);

  constructor(
    private readonly host: SessionHost,
    readonly kind: SessionKind,
    readonly transport: Transport,
    private readonly link: SessionLink,
    private readonly defaultEol: '\r\n' | '\n' = '\r\n',
  ) {
    this.id = host.nextSessionId();
    const rate = kind === 'serial' ? host.lineBytesPerSecond : undefined;
    this.shell = new Interpreter(host, this.id);
    this.lineIn = new LineDiscipline(
      {
        faults: () => host.faults(),
        faultGeneration: () => host.faultGeneration(),
        clearFault: (name) => host.clearFault(name),
        lineLimit: host.lineLimit,
        overlongLine: host.overlongLine,
        stats: host.device.stats,
      },
      link,
      rate,
      {
        open: () => this.login !== 'closed' && this.login !== 'down',
        echoing: () => this.login === 'getty' || (this.login === 'shell' && this.echo),
        eol: () => this.eol,
        line: (text) => this.lineDone(text),
        framed: (text) => this.enqueue({ kind: 'framed', text }),
        drop: (fault) => this.drop(fault),
      },
    );
    host.events.emit({ type: 'session-open', session: this.id, kind, transport });
    host.device.listeners.add(this.onChange);
  }

  get closed(): boolean {
    return this.login === 'closed';
  }

  private get eol(): string {
    return this.host.faults().lineEnding ?? this.defaultEol;
  }

  /** The device is up: a serial line waits at `login:` (or goes straight to the shell); SSH gets the banner. */
  start(): void {
    if (this.login !== 'down') return;
    this.resetShell();
    if (this.kind === 'ssh') {
      this.login = 'shell';
      this.banner();
    } else if (this.kind === 'cloud') {
      this.login = 'shell';
    } else if (this.host.device.loginRequired) {
      this.login = 'getty';
    } else {
      this.login = 'shell';
    }
  }

  private resetShell(): void {
    this.echo = true;
    this.shell.reset();
    this.body = undefined;
  }

  /** Bytes from the client (on a paced line, taken once they would have crossed it). */
  input(data: Buffer): void {
    this.lineIn.input(data);
  }

  /** Writes text with `\n` line ends converted to the session's line ending. */
  private write(text: string): void {
    this.lineIn.write(text);
  }

  private writeLines(lines: readonly string[]): void {
    this.lineIn.writeLines(lines);
  }

  /** A whole line from the line discipline: a user name, a password, or a shell line. */
  private lineDone(text: string): void {
    switch (this.login) {
      case 'getty':
        if (text.trim() === '') {
          this.write('login: ');
        } else {
          this.user = text.trim();
          this.login = 'password';
          this.write('Password: ');
        }
        return;
      case 'password': {
        // After `SecurityAction: Harden` every local user is deactivated: the login fails as a wrong password does.
        const ok = this.host.device.loginAllowed(this.user, text);
        this.host.events.emit({
          type: 'login',
          session: this.id,
          // A password typed at login: would be the user name: log only whether it was the account.
          user: this.user === 'admin' ? 'admin' : '?',
          ok,
          transport: this.transport,
        });
        if (ok) {
          this.login = 'shell';
          this.write('\n');
          this.banner();
        } else {
          this.login = 'getty';
          this.write('\nLogin incorrect\nlogin: ');
        }
        return;
      }
      case 'shell': {
        const m = /^\{(\d+)\} ?$/.exec(text);
        if (m && !this.body) {
          // jsxapi's multi-line framing: `{N} \n` then exactly N bytes of `<command>\n<body>\n`.
          this.lineIn.frame(Number.parseInt(m[1] ?? '0', 10));
          return;
        }
        this.enqueue({ kind: 'line', text });
        return;
      }
      default:
        return;
    }
  }

  private banner(): void {
    const d = this.host.device;
    this.writeLines([
      `Welcome to ${d.systemName}`,
      `Cisco Codec Release ${d.software.display}`,
      `SW Release Date: ${d.software.releaseDate}`,
      '*r Login successful',
      ...(this.host.bannerVariant === 'legacy' ? [''] : []),
      'OK',
      '',
    ]);
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.login === 'shell') {
        const item = this.queue.shift()!;
        await this.handle(item);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async handle(item: Item): Promise<void> {
    if (item.kind === 'framed') {
      const nl = item.text.indexOf('\n');
      const first = nl < 0 ? item.text : item.text.slice(0, nl);
      const body = nl < 0 ? '' : item.text.slice(nl + 1).replace(/\r?\n$/, '');
      await this.runLine(first.replace(/\r$/, ''), body);
      return;
    }
    if (this.body) {
      if (item.text.trim() === '.') {
        const b = this.body;
        this.body = undefined;
        await this.execute(b.parsed, b.raw, b.lines.join('\n'));
      } else {
        this.body.lines.push(item.text);
      }
      return;
    }
    await this.runLine(item.text);
  }

  private async runLine(text: string, framedBody?: string): Promise<void> {
    const raw = text.trim();
    if (raw === '') return;
    const faults = this.host.faults();
    if (matchesFault(faults.dropOnCommand, raw)) {
      this.host.clearFault('dropOnCommand');
      this.drop('dropOnCommand');
      return;
    }
    const parsed = parseLine(raw);
    const verb = resolveVerb(parsed.verb);
    if (verb === 'xcommand' && framedBody === undefined) {
      const def = findCommand(parsed.words, this.host.device);
      if (def?.multiline) {
        // Body lines follow until a line holding only `.` (spec §2, MX p.28).
        this.body = { parsed, lines: [], raw };
        return;
      }
    }
    await this.execute(parsed, raw, framedBody);
  }

  private async execute(parsed: ParsedLine, raw: string, body?: string): Promise<void> {
    const verb = resolveVerb(parsed.verb);
    if (verb !== 'bye') {
      this.host.device.stats.commands++;
      const latency = this.host.commandLatencyMs;
      if (latency > 0) {
        this.host.device.stats.delayMs += latency;
        await delay(latency);
        if (this.closed) return;
      }
    }
    const ctx: AnswerContext = { mode: this.shell.mode };
    if (parsed.resultId !== undefined) ctx.resultId = parsed.resultId;
    let answer: Answer | string | undefined;
    let then: Aftermath | undefined;
    switch (verb) {
      case undefined:
        answer = 'Command not recognized.\n';
        break;
      case 'xcommand': {
        const r = await this.shell.xcommand(parsed, ctx, body);
        answer = r.answer;
        then = r.then;
        break;
      }
      case 'xstatus':
        answer = this.shell.xstatus(parsed, ctx);
        break;
      case 'xconfiguration':
        answer = this.shell.xconfiguration(parsed, ctx);
        break;
      case 'xfeedback':
        answer = this.shell.xfeedback(parsed, ctx);
        break;
      case 'xpreferences':
        answer = this.shell.xpreferences(parsed);
        break;
      case 'echo': {
        const arg = (parsed.words[0] ?? '').toLowerCase();
        if (arg === 'off') {
          this.echo = false;
          answer = '\x1b[?1034h\nOK\n';
        } else {
          if (arg === 'on') this.echo = true;
          answer = 'OK\n';
        }
        break;
      }
      case 'help':
        answer = { block: HELP, word: 'OK' };
        break;
      case 'bye':
        this.bye();
        return;
      case 'xdocument':
        answer = this.shell.xdocument(parsed);
        break;
      default:
        // Recognized, not simulated: xEvent, xGetxml, xTransaction, log, systemtools.
        answer = 'OK\n';
    }
    if (matchesFault(this.host.faults().dropAfterCommand, raw)) {
      this.host.clearFault('dropAfterCommand');
      this.drop('dropAfterCommand');
      if (then) this.host.aftermath(then);
      return;
    }
    if (typeof answer === 'string') this.write(answer);
    else if (answer) this.emitAnswer(answer);
    if (then) {
      await this.lineIn.out.idle();
      this.host.aftermath(then);
    }
  }

  private emitAnswer(a: Answer): void {
    const faults = this.host.faults();
    const fb = faults.feedbackBetween ? this.shell.uptimeFeedback() : [];
    const lines: string[] = [...fb];
    if (a.word !== undefined && a.command) {
      if ((faults.okPosition ?? 'before') === 'before') lines.push(a.word, ...fb, ...a.block);
      else lines.push(...a.block, '', a.word);
    } else {
      lines.push(...a.block);
      if (a.word !== undefined) lines.push(a.word);
    }
    this.writeLines(lines);
  }

  private deliverFeedback(change: DeviceChange): void {
    if (this.login !== 'shell') return;
    for (const block of this.shell.feedbackBlocks(change)) this.writeLines(block);
  }

  private bye(): void {
    this.host.events.emit({
      type: 'command',
      session: this.id,
      verb: 'bye',
      path: '',
      params: [],
      status: 'OK',
    });
    if (this.kind !== 'serial') {
      void this.lineIn.out.idle().then(() => this.close('bye'));
      return;
    }
    // A serial line stays: the shell ends and getty asks again (or, LoginRequired Off, a new shell starts).
    this.resetShell();
    this.queue.length = 0;
    if (this.host.device.loginRequired) {
      this.login = 'getty';
      this.write('login: ');
    }
  }

  /** A drop fault: the connection goes, mid-whatever. */
  drop(fault: string): void {
    if (this.closed) return;
    this.host.events.emit({ type: 'fault', session: this.id, fault });
    this.close('dropped');
  }

  /** Ends the session from the device's side. */
  close(reason: 'bye' | 'dropped' | 'reboot' | 'simulator-closed'): void {
    if (this.closed) return;
    this.finish(reason);
    this.lineIn.out.stop();
    this.link.close();
  }

  /** The client went away (closed its end). */
  ended(): void {
    if (this.closed) return;
    this.finish('closed');
    this.lineIn.out.stop();
  }

  private finish(reason: 'bye' | 'dropped' | 'reboot' | 'simulator-closed' | 'closed'): void {
    this.login = 'closed';
    this.queue.length = 0;
    this.lineIn.stopInput();
    this.host.device.listeners.delete(this.onChange);
    this.host.events.emit({ type: 'session-close', session: this.id, reason });
    this.host.sessionClosed(this);
  }
}
