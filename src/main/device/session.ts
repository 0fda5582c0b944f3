import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConsoleReader,
  DeviceError,
  Redactor,
  checkLineLength,
  parseJsonResponse,
  parseTerminalBlock,
  withResultId,
  type ReaderItem,
  type XapiResponse,
} from '../../core/xapi/index.js';
import { ConsoleLogin, type Banner, type LoginOptions } from './login.js';
import {
  commandTimeout,
  disconnected,
  loginDisconnected,
  noRoomOsAnswer,
  notRecognized,
  notRoomOs,
  silentConsole,
} from './session-errors.js';
import type { LineProbe, RawResult, RequestOptions, SessionOptions } from './session-types.js';
import type { Transcript } from './transcript.js';
import type { Transport } from './transport.js';

export type { Banner, LoginOptions } from './login.js';
export type { LineProbe, RawResult, RequestOptions, SessionOptions } from './session-types.js';

interface Pending {
  tag: string;
  resolve: (r: XapiResponse) => void;
  reject: (e: Error) => void;
  /** The bytes that make the device act (the last line ending) have been handed to the transport. */
  mayHaveRun: boolean;
  /** An `OK`/`ERROR` seen after the request went out, before its answer (xCommand: spec §2.1). */
  leading?: 'OK' | 'ERROR';
  /** A terminal answer without a status of its own, waiting for its `OK`/`ERROR` line. */
  awaitingStatus?: { res: XapiResponse; timer: NodeJS.Timeout };
  /** Raw mode: every line before the probe's answer. */
  collect?: string[];
  /** Raw mode: the line typed was unknown (that is its answer, not the probe's). */
  rawState?: { notRecognized: boolean };
  /** A lone `ERROR` with no answer block following it in time. */
  errorTimer?: NodeJS.Timeout;
  /** Line probe: an untagged answer means the line was cut before its tag. */
  probe?: boolean;
  /** The human description for errors (redacted). */
  what: string;
  /** Called on every byte received: restarts the silence timer. */
  heard?: () => void;
}

const STATUS_HEADER = /^\*r\s+\S+\s+\(status=/;
/** How long closing a serial console waits for the device's answer to `bye` (its login prompt). */
const BYE_ANSWER_MS = 250;

/**
 * One console session (spec §1-§3): login, set-up, then one request at a time, each tagged with
 * `| resultId="…"` and matched to its answer by that tag. Feedback and stray lines are set aside.
 * Both output grammars are read at all times, so a device without JSON output works unchanged.
 */
export class ConsoleSession extends EventEmitter {
  readonly transport: Transport;
  private readonly transcript: Transcript | undefined;
  private readonly reader = new ConsoleReader();
  private readonly decoder = new TextDecoder('utf-8');
  private readonly timeoutMs: number;
  private readonly maxAnswerMs: number | undefined;
  private maxLineBytes: number;
  /** Bytes received since the session began (a console that never sent one is silent, not slow). */
  private bytesIn = 0;
  /** The login ended on silence (no prompt, no banner): taken for a shell already logged in. */
  private loginByQuiet = false;
  private readonly statusGraceMs: number;
  private readonly tagPrefix: string;
  private counter = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  /** Completion lines still owed by answers that ended before their trailing `OK`. */
  private owedStatusLines = 0;
  /** The login under way: it takes the console's output until it ends. */
  private loggingIn: ConsoleLogin | null = null;
  private closedError: DeviceError | null = null;
  private readonly dataListener = (d: Buffer): void => this.onData(d);
  private readonly closeListener = (e?: Error): void => this.onClose(e);
  /** The grammar the device answers in: JSON after a successful `xpreferences outputmode json`. */
  mode: 'json' | 'terminal' = 'terminal';
  banner: Banner = { systemName: null, release: null, releaseDate: null, loggedInWithPrompt: false };
  /** `xStatus SystemUnit ProductId`, read while setting up. */
  productId: string | null = null;

  constructor(transport: Transport, options: SessionOptions = {}) {
    super();
    this.transport = transport;
    this.transcript = options.transcript;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAnswerMs = options.maxAnswerMs;
    this.maxLineBytes = options.maxLineBytes ?? Number.POSITIVE_INFINITY;
    this.statusGraceMs = options.statusGraceMs ?? 1500;
    this.tagPrefix = options.tagPrefix ?? 'e2p';
    transport.on('data', this.dataListener);
    transport.on('close', this.closeListener);
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  /** Logs in if asked to, reads the banner, turns echo off, asks for JSON output, checks the device answers. */
  async start(login: LoginOptions = {}): Promise<Banner> {
    const timeoutMs = login.timeoutMs ?? 30_000;
    try {
      await this.login(login, timeoutMs);
      const silentMs = Math.min(timeoutMs, this.timeoutMs, login.silentMs ?? 3000);
      if (this.loginByQuiet && login.wake) {
        // No prompt and no banner: a shell already logged in, or a console still collecting the body of
        // a multi-line command whose sender died (our wake-up CRs went into that body, silently). A lone
        // "." ends such a body at once (the device answers the unfinished command with an error); on a
        // plain shell it is an unknown command. A tagged probe right behind it says when its answer
        // (whatever it is, however slowly the line still trickles) has passed.
        this.transcript?.note('no login prompt: ending a multi-line command that may have been left open');
        try {
          await this.raw('.', { timeoutMs: silentMs });
        } catch (e) {
          if (!(e instanceof DeviceError && e.code === 'ERR_DEVICE_TIMEOUT')) throw e;
          if (this.bytesIn === 0) throw silentConsole(this.transport, login.wake === true, silentMs);
          // Something answered, but not the probe: the set-up below finds out what (and recovers once).
        }
      }
      await this.writeLines(['echo off'], 'echo off');
      let probeMs = Math.min(timeoutMs, this.timeoutMs);
      if (this.bytesIn === 0) probeMs = silentMs;
      try {
        this.mode = await this.setOutputMode('json', probeMs);
      } catch (e) {
        if (!(e instanceof DeviceError && e.code === 'ERR_DEVICE_TIMEOUT')) throw e;
        if (this.bytesIn === 0) throw silentConsole(this.transport, login.wake === true, probeMs);
        // A session left inside a multi-line command (a tool that died mid-body) takes every line as
        // body: a lone "." ends it, then the set-up is tried once more.
        this.transcript?.note('no answer; ending a multi-line command that may have been left open');
        await this.writeLines(['.'], '.');
        await sleep(Math.min(1000, this.statusGraceMs));
        await this.writeLines(['echo off'], 'echo off');
        this.mode = await this.setOutputMode('json', probeMs);
      }
    } catch (e) {
      // Nothing of the caller's has run yet, whatever was in flight.
      if (e instanceof DeviceError && e.code === 'ERR_DEVICE_DISCONNECTED') {
        throw loginDisconnected(this.transport.label, e);
      }
      if (e instanceof DeviceError) throw e;
      throw this.disconnectedError(false, e as Error);
    }
    return this.banner;
  }

  /**
   * Asks for an output grammar and returns the one the device now speaks: `xpreferences` carries no
   * result tag and prints no `OK` in JSON mode (spec §1.4), so a tagged probe settles it.
   */
  async setOutputMode(mode: 'json' | 'terminal', timeoutMs = this.timeoutMs): Promise<'json' | 'terminal'> {
    return this.enqueue(async () => {
      await this.writeLines([`xpreferences outputmode ${mode}`], `xpreferences outputmode ${mode}`);
      let res: XapiResponse;
      try {
        res = await this.send('xStatus SystemUnit ProductId', undefined, timeoutMs, undefined);
      } catch (e) {
        if (e instanceof DeviceError && e.code === 'ERR_DEVICE_NOT_RECOGNIZED') {
          throw notRoomOs(this.transport.label);
        }
        if (e instanceof DeviceError && e.code === 'ERR_DEVICE_TIMEOUT') {
          throw noRoomOsAnswer(this.transport, timeoutMs);
        }
        throw e;
      }
      this.mode = res.grammar;
      const pid = res.entries.find((x) => x.path.join(' ').toLowerCase() === 'systemunit productid');
      if (pid) this.productId = pid.value;
      this.owedStatusLines = 0;
      return this.mode;
    });
  }

  /** The longest line this session sends (a measured console limit); longer lines fail before sending. */
  get lineLimit(): number {
    return this.maxLineBytes;
  }

  set lineLimit(bytes: number) {
    this.maxLineBytes = bytes;
  }

  /**
   * A harmless probe of the console's line limit: `xStatus SystemUnit ProductId`, padded with spaces to
   * `bytes` bytes before its result tag. `whole` when the tagged answer comes back (the whole line
   * arrived); `cut` when the device answered without the tag or did not know the line (a console that
   * cut or split it); `silent` when nothing came within `timeoutMs`.
   */
  probeLine(bytes: number, timeoutMs = 4000): Promise<LineProbe> {
    return this.enqueue(async (): Promise<LineProbe> => {
      let res: XapiResponse;
      try {
        res = await this.send('xStatus SystemUnit ProductId', undefined, timeoutMs, undefined, bytes);
      } catch (e) {
        if (e instanceof DeviceError && e.code === 'ERR_DEVICE_TIMEOUT') return { result: 'silent', raw: [] };
        if (e instanceof DeviceError && e.code === 'ERR_DEVICE_NOT_RECOGNIZED')
          return { result: 'cut', raw: ['Command not recognized.'] };
        // A session that ends on an overlong line: the line did not arrive whole (jsxapi issue #65).
        if (e instanceof DeviceError && e.code === 'ERR_DEVICE_DISCONNECTED')
          return { result: 'cut', raw: [], disconnected: true };
        throw e;
      }
      if (res.status === 'Untagged') {
        // The rest of an untagged answer (its OK line) drains before the next request.
        await sleep(Math.min(300, this.statusGraceMs));
        this.owedStatusLines = 0;
        return { result: 'cut', raw: res.lines.slice(0, 8) };
      }
      return { result: 'whole', raw: [] };
    });
  }

  /**
   * Sends one tagged command and resolves with the device's answer, whatever its status (the caller
   * decides what an error means). Rejects on timeout, disconnection, `Command not recognized.`, or
   * a line too long for the console.
   */
  request(line: string, options: RequestOptions = {}): Promise<XapiResponse> {
    return this.enqueue(() => this.send(line, options.body, options.timeoutMs ?? this.timeoutMs, undefined));
  }

  /**
   * Sends a line as typed (untagged; any verb), then a tagged probe, and returns every line the
   * device printed before the probe's answer. For the interactive console.
   */
  raw(line: string, options: RequestOptions = {}): Promise<RawResult> {
    return this.enqueue(async () => {
      const collect: string[] = [];
      const lines = [line, ...(options.body ? [...options.body, '.'] : [])];
      for (const l of lines) checkLineLength(l, this.maxLineBytes);
      const state = { notRecognized: false };
      await this.send('xStatus SystemUnit ProductId', undefined, options.timeoutMs ?? this.timeoutMs, {
        before: lines,
        collect,
        state,
      });
      return { lines: collect, notRecognized: state.notRecognized };
    });
  }

  /**
   * Lets go of the transport without closing it, so that a new session can take it over (a serial
   * line that stays open while the device restarts). This session is closed afterwards.
   */
  detach(): void {
    this.transport.off('data', this.dataListener);
    this.transport.off('close', this.closeListener);
    this.closedError ??= new DeviceError(
      'ERR_DEVICE_CLOSED',
      'The console session was replaced by a new one.',
    );
    const p = this.pending;
    if (p) this.finish(p, this.disconnectedError(p.mayHaveRun));
  }

  /** Ends the session: `bye`, then closes the transport. */
  async close(): Promise<void> {
    if (!this.transport.closed && !this.closed) {
      try {
        // On a serial line the port is let go only once the device answered the bye (its login
        // prompt) or a moment passed: a pseudo-terminal drops what its far end has not read yet when
        // the port closes, and a device that never saw the bye keeps its shell logged in, which costs
        // the next connection its quiet-console wake-ups.
        const answered = this.transport.kind === 'serial' ? this.nextOutput(BYE_ANSWER_MS) : undefined;
        await this.writeLines(['bye'], 'bye');
        await answered;
      } catch {
        // closing anyway
      }
    }
    this.closedError ??= new DeviceError('ERR_DEVICE_CLOSED', 'The console session was closed.');
    await this.transport.close();
  }

  /** Resolves at the next bytes from the device, the end of the connection, or after `ms`. */
  private nextOutput(ms: number): Promise<void> {
    const transport = this.transport;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        transport.off('data', done);
        transport.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      transport.on('data', done);
      transport.on('close', done);
    });
  }

  // ---------------------------------------------------------------------------------------------

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private nextTag(): string {
    this.counter += 1;
    return `${this.tagPrefix}${this.counter}`;
  }

  private send(
    line: string,
    body: string[] | undefined,
    timeoutMs: number,
    raw: { before: string[]; collect: string[]; state: { notRecognized: boolean } } | undefined,
    padTo?: number,
  ): Promise<XapiResponse> {
    if (this.closedError) {
      const e = this.closedError;
      return Promise.reject(new DeviceError(e.code, e.message, { ...e.details, mayHaveRun: false }));
    }
    const tag = this.nextTag();
    const bare = withResultId(line, tag);
    const first =
      padTo !== undefined && padTo > bare.length
        ? withResultId(line + ' '.repeat(padTo - bare.length), tag)
        : bare;
    const lines = [...(raw?.before ?? []), first, ...(body ? [...body, '.'] : [])];
    try {
      for (const l of lines) checkLineLength(l, this.maxLineBytes, l === first ? 'command line' : 'line');
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const what = this.transcript ? this.transcript.redact(line) : new Redactor().redact(line);
    // Two clocks: silence (no byte for timeoutMs once the command is out: a dead or stuck console) and an
    // overall cap (a console that keeps talking but never finishes). A slow console that keeps sending,
    // even a byte per 10 ms, is never cut off by the first.
    const capMs = this.maxAnswerMs ?? Math.max(120_000, timeoutMs * 8);
    return new Promise<XapiResponse>((resolve, reject) => {
      const timeout = (kind: 'silence' | 'cap'): void =>
        this.finish(p, commandTimeout(what, kind, kind === 'silence' ? timeoutMs : capMs, p.mayHaveRun));
      let silence: NodeJS.Timeout | undefined;
      const armSilence = (): void => {
        clearTimeout(silence);
        silence = setTimeout(() => timeout('silence'), timeoutMs);
      };
      // Until the command is written, only the cap runs: a long body paced onto a slow line is our own time.
      const timer = setTimeout(() => timeout('cap'), capMs);
      const stop = (): void => {
        clearTimeout(timer);
        clearTimeout(silence);
      };
      const p: Pending = {
        tag,
        mayHaveRun: false,
        what,
        ...(padTo !== undefined ? { probe: true } : {}),
        collect: raw?.collect,
        resolve: (r) => {
          stop();
          resolve(r);
        },
        reject: (e) => {
          stop();
          reject(e);
        },
        heard: () => {
          if (silence !== undefined) armSilence();
        },
        ...(raw ? { rawState: raw.state } : {}),
      };
      this.pending = p;
      this.writeLines(lines, lines.join('\n'), () => {
        p.mayHaveRun = true;
      }).then(
        () => {
          if (this.pending === p) armSilence();
        },
        (e: unknown) =>
          this.finish(p, e instanceof DeviceError ? e : this.disconnectedError(p.mayHaveRun, e as Error)),
      );
    });
  }

  /** Settles `p` (once) and clears it from the session. */
  private finish(p: Pending, result: XapiResponse | Error): void {
    if (this.pending !== p) return;
    this.pending = null;
    if (p.awaitingStatus) clearTimeout(p.awaitingStatus.timer);
    clearTimeout(p.errorTimer);
    if (result instanceof Error) p.reject(result);
    else p.resolve(result);
  }

  /**
   * Writes lines paced for a console without flow control: chunks of `pacing.chunkBytes`, each
   * drained before the next, with a pause between. `beforeLast` runs before the chunk that holds the
   * final byte, from which point the device may act on it.
   */
  private async writeLines(lines: string[], transcriptText: string, beforeLast?: () => void): Promise<void> {
    const { chunkBytes, chunkDelayMs, lineEnding } = this.transport.pacing;
    const data = Buffer.from(lines.map((l) => l + lineEnding).join(''), 'utf8');
    this.transcript?.recordOut(transcriptText + '\n');
    for (let off = 0; off < data.length; off += chunkBytes) {
      const end = Math.min(off + chunkBytes, data.length);
      if (this.transport.closed) throw this.disconnectedError(false);
      if (end === data.length) beforeLast?.();
      try {
        await this.transport.write(data.subarray(off, end));
      } catch (e) {
        throw this.disconnectedError(end === data.length, e as Error);
      }
      if (end < data.length && chunkDelayMs > 0) await sleep(chunkDelayMs);
    }
  }

  private disconnectedError(mayHaveRun: boolean, cause?: Error): DeviceError {
    return disconnected(this.transport.label, mayHaveRun, cause);
  }

  private onClose(error?: Error): void {
    for (const item of this.reader.flush()) this.route(item);
    this.transcript?.note(`connection closed${error ? `: ${error.message}` : ''}`);
    this.closedError ??= this.disconnectedError(false, error);
    const p = this.pending;
    if (p) this.finish(p, this.disconnectedError(p.mayHaveRun, error));
    this.emit('close', error);
  }

  private onData(data: Buffer): void {
    this.bytesIn += data.length;
    this.pending?.heard?.();
    const text = this.decoder.decode(data, { stream: true });
    this.transcript?.recordIn(text);
    for (const item of this.reader.push(text)) this.take(item);
    const partial = this.reader.partial;
    if (partial) this.loggingIn?.feed({ type: 'partial', text: partial });
  }

  /** Gives one item to the login under way, or routes it. */
  private take(item: ReaderItem): void {
    if (this.loggingIn?.active) this.loggingIn.feed(item);
    else this.route(item);
  }

  /** Gives one item to the request in flight, or sets it aside as feedback or noise. */
  private route(item: ReaderItem): void {
    const p = this.pending;
    if (item.type === 'json') {
      const res = parseJsonResponse(item.value, item.lines);
      if (p && res && res.resultId === p.tag) {
        this.finish(p, res);
        return;
      }
      if (p?.probe && res && res.resultId === undefined) {
        this.finish(p, { ...res, status: 'Untagged' });
        return;
      }
      if (p?.collect) p.collect.push(...item.lines);
      else if (res && res.resultId === undefined) this.emit('feedback', res);
      return;
    }
    if (item.type === 'block') {
      const res = parseTerminalBlock(item.lines);
      if (p && res.resultId === p.tag && !p.awaitingStatus) {
        if (item.lines.some((l) => STATUS_HEADER.test(l.trim()))) {
          // xCommand: the status is in the block; its OK may come before or after it (spec §2.1).
          if (!p.leading) this.owedStatusLines = 1;
          this.finish(p, res);
        } else {
          // xStatus / xConfiguration: the status is the OK/ERROR line after `** end`.
          const timer = setTimeout(
            () => this.finish(p, withStatus(res, p.leading ?? 'OK')),
            this.statusGraceMs,
          );
          p.awaitingStatus = { res, timer };
        }
        return;
      }
      if (p?.probe && res.resultId === undefined && res.entries.length > 0) {
        this.finish(p, { ...res, status: 'Untagged' });
        return;
      }
      if (p?.collect) p.collect.push(...item.lines);
      else if (res.resultId === undefined) this.emit('feedback', res);
      return;
    }
    if (item.type === 'status') {
      if (p?.awaitingStatus) {
        this.finish(p, withStatus(p.awaitingStatus.res, item.word));
        return;
      }
      p?.collect?.push(item.line);
      if (this.owedStatusLines > 0) {
        this.owedStatusLines -= 1;
        return;
      }
      if (p) {
        p.leading = item.word;
        if (item.word === 'ERROR' && !p.collect && !p.errorTimer) {
          // Normally the error block follows; if none comes, the ERROR alone is the answer.
          p.errorTimer = setTimeout(
            () =>
              this.finish(p, {
                grammar: this.mode,
                kind: 'empty',
                status: 'Error',
                reason: 'The device answered ERROR without details.',
                resultId: p.tag,
                entries: [],
                lines: [item.line],
              }),
            this.statusGraceMs * 2,
          );
        }
      }
      return;
    }
    if (item.type === 'notRecognized') {
      p?.collect?.push(item.line);
      if (p) {
        if (p.rawState) p.rawState.notRecognized = true;
        else {
          this.finish(p, notRecognized(p.what));
        }
      }
      return;
    }
    // The blank line between a tagged answer's `** end` and its `OK` belongs to that answer.
    if (!p?.awaitingStatus) p?.collect?.push(item.line);
    this.emit('line', item.line);
  }

  // --- login ------------------------------------------------------------------------------------

  private async login(options: LoginOptions, timeoutMs: number): Promise<void> {
    const login = new ConsoleLogin(
      {
        label: this.transport.label,
        kind: this.transport.kind,
        write: (data) => this.transport.write(data),
        transcript: this.transcript,
        loggedIn: (outcome) => {
          this.loginByQuiet = outcome.byQuiet;
          // The `OK` after `*r Login successful` is not waited for: an owed completion line absorbs it.
          if (outcome.owesStatusLine) this.owedStatusLines = 1;
        },
      },
      this.banner,
      options,
    );
    const onClose = (): void => login.disconnected();
    this.loggingIn = login;
    this.on('close', onClose);
    try {
      await login.run(timeoutMs, this.reader.partial);
    } finally {
      this.off('close', onClose);
      if (this.loggingIn === login) this.loggingIn = null;
    }
  }
}

function withStatus(res: XapiResponse, word: 'OK' | 'ERROR'): XapiResponse {
  if (word === 'ERROR' && res.status.toUpperCase() === 'OK') return { ...res, status: 'Error' };
  return res;
}
