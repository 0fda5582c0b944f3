import { type Aftermath, COMMANDS, findCommand, resultName, validateParams } from './commands.js';
import {
  CONFIG_DEFS,
  configUnder,
  findConfig,
  configKey,
  configLeaf,
  normalizeConfigValue,
} from './config.js';
import type { Device, DeviceChange, SimStats } from './device.js';
import type { EventLog, SessionKind, Transport } from './events.js';
import { type Faults, matchesFault } from './faults.js';
import {
  type Answer,
  type AnswerContext,
  type Leaf,
  type OutputMode,
  commandAnswer,
  configAnswer,
  configErrorAnswer,
  emptyAnswer,
  errorLeaves,
  feedbackBlock,
  statusAnswer,
  statusErrorAnswer,
} from './format.js';
import { type ParsedLine, lower, parseLine } from './parse.js';
import { schemaNode } from './document.js';

/** The transport under a session: where output goes, and how the device hangs up. */
export interface SessionLink {
  write(data: Buffer): void;
  /** The device ends the connection (bye, a drop fault, a reboot). */
  close(): void;
}

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

/** Every xCommand refusal of the `uniform` refusals variant. */
const UNIFORM_REFUSAL = 'Invalid input.';

type LoginState = 'down' | 'getty' | 'password' | 'shell' | 'closed';

type Item = { kind: 'line'; text: string } | { kind: 'framed'; text: string };

const VERBS = [
  'xcommand',
  'xconfiguration',
  'xstatus',
  'xfeedback',
  'xpreferences',
  'xevent',
  'xdocument',
  'xgetxml',
  'xtransaction',
  'echo',
  'bye',
  'help',
  'log',
  'systemtools',
] as const;
type Verb = (typeof VERBS)[number];

/** `?` / `help` (spec §1.3, from ROS xAPI.md and the LAB transcript). */
const HELP = [
  ' - User Commands -',
  'help            xcommand        xconfiguration  xdocument       xevent',
  'xfeedback       xgetxml         xpreferences    xstatus         xtransaction',
  'bye             echo            log             systemtools',
];

/** Feedback registrations per session (RoomOS 11 guide: up to 50). */
export const FEEDBACK_LIMIT = 50;
const COALESCE_MS = 15;
const CR = 0x0d;
const LF = 0x0a;

/** Verbs match whole, or by a unique prefix of at least 4 letters (`xpref`, `xconf`, `xstat`). */
function resolveVerb(word: string): Verb | undefined {
  const w = word.toLowerCase();
  if (w === '?') return 'help';
  const exact = VERBS.find((v) => v === w);
  if (exact) return exact;
  if (w.length < 4) return undefined;
  const prefixed = VERBS.filter((v) => v.startsWith(w));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `Status/Conference/Call[1]/Foo` from path words (indices as `[n]`, as the device prints XPaths). */
function xpath(root: string, words: readonly string[]): string {
  let out = root;
  for (const w of words) out += /^\d+$/.test(w) ? `[${w}]` : `/${w}`;
  return out;
}

function startsWith(path: readonly (string | number)[], prefix: readonly string[]): boolean {
  const p = lower(path);
  return prefix.length <= p.length && prefix.every((w, i) => w === p[i]);
}

const KNOWN_WORDS = new Set(
  [
    ...COMMANDS.flatMap((c) => [...c.path, ...c.params.map((p) => p.name)]),
    ...CONFIG_DEFS.flatMap((d) => d.path.map(String)),
  ].map((w) => w.toLowerCase()),
);

/** Status node names, including those a device shows only when registered or with an identity. */
const STATUS_WORDS = new Set(
  [
    'SystemUnit',
    'Hardware',
    'Module',
    'DeviceId',
    'SerialNumber',
    'ProductId',
    'ProductPlatform',
    'ProductType',
    'Software',
    'DisplayName',
    'Name',
    'ReleaseDate',
    'OptionKeys',
    'Encryption',
    'Version',
    'Uptime',
    'Webex',
    'Status',
    'Conference',
    'EndToEndEncryption',
    'Availability',
    'ExternalIdentity',
    'InternalIdentity',
    'Verification',
    'Identity',
    'CertificateChain',
    'Certificate',
    'Fingerprint',
    'NotAfter',
    'NotBefore',
    'PrimaryName',
    'PublicKeyAlgorithm',
    'SignatureAlgorithm',
    'Subject',
    'Validity',
  ].map((w) => w.toLowerCase()),
);

/**
 * A path or parameter list as the event log may hold it: words the device knows, and numbers. Anything
 * else is `?`, since a value typed in the wrong place (a secret without its `Secret:` key, say) must not
 * reach the log.
 */
function loggable(words: readonly string[], extra: ReadonlySet<string> = new Set()): string[] {
  return words.map((w) =>
    KNOWN_WORDS.has(w.toLowerCase()) || extra.has(w.toLowerCase()) || /^\d+$/.test(w) ? w : '?',
  );
}

/** A trailing `*` asks for everything under the path. */
function withoutStar(words: readonly string[]): string[] {
  return words[words.length - 1] === '*' ? words.slice(0, -1) : [...words];
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * One console session: the serial line discipline (login, echo, CR/LF handling), the TShell command
 * interpreter and the output formatter, with the faults applied to its output.
 */
export class Session {
  readonly id: number;
  private login: LoginState = 'down';
  private echo = true;
  private mode: OutputMode = 'terminal';
  private line: number[] = [];
  private lastCR = false;
  private framed: { remaining: number; bytes: number[]; skipLF: boolean } | undefined;
  private echoBuf: number[] = [];
  private readonly queue: Item[] = [];
  private pumping = false;
  private body: { parsed: ParsedLine; lines: string[]; raw: string } | undefined;
  /** Bytes received since the faults were last set (or the session began, if later). */
  private bytesIn = 0;
  private bytesGeneration = -1;
  private user = '';
  /** Registered expressions: lower-cased words for matching, and the text as given for `list`. */
  private readonly feedback: { words: string[]; text: string }[] = [];
  private readonly out: Pacer;
  /** On a paced serial line: when the bytes received so far have fully arrived. */
  private readonly rx: LineClock | undefined;
  private readonly rxQueue: { data: Buffer; at: number }[] = [];
  private rxTimer: NodeJS.Timeout | undefined;
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
    this.out = new Pacer(link, () => host.faults(), rate, host.device.stats);
    this.rx = rate === undefined ? undefined : new LineClock(rate);
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
    } else if (this.host.device.loginRequired) {
      this.login = 'getty';
    } else {
      this.login = 'shell';
    }
  }

  private resetShell(): void {
    this.echo = true;
    this.mode = 'terminal';
    this.feedback.length = 0;
    this.body = undefined;
  }

  /** Bytes from the client (on a paced line, taken once they would have crossed it). */
  input(data: Buffer): void {
    if (this.login === 'closed' || this.login === 'down') return;
    this.host.device.stats.bytesIn += data.length;
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
    if (this.login === 'closed' || this.login === 'down') return;
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
      if (this.closed) return;
      this.feed(b);
    }
    this.flushEcho();
    if (drop) {
      this.host.clearFault('dropAfterBytesIn');
      this.drop('dropAfterBytesIn');
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
        this.enqueue({ kind: 'framed', text });
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
      this.lineDone();
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
      if (this.host.overlongLine === 'drop') this.drop('overlongLine');
      return;
    }
    this.line.push(b);
    this.echoByte(b);
  }

  private get echoing(): boolean {
    return this.login === 'getty' || (this.login === 'shell' && this.echo);
  }

  private echoByte(b: number): void {
    if (this.echoing) this.echoBuf.push(b);
  }

  private echoText(t: string): void {
    if (this.echoing) for (const b of Buffer.from(t.replace(/\n/g, this.eol))) this.echoBuf.push(b);
  }

  private flushEcho(): void {
    if (this.echoBuf.length === 0) return;
    const data = Buffer.from(this.echoBuf);
    this.echoBuf = [];
    this.host.device.stats.echoBytes += data.length;
    this.out.write(data);
  }

  /** Writes text with `\n` line ends converted to the session's line ending. */
  private write(text: string): void {
    this.flushEcho();
    this.out.write(Buffer.from(text.replace(/\n/g, this.eol), 'utf8'));
  }

  private writeLines(lines: readonly string[]): void {
    this.write(lines.map((l) => `${l}\n`).join(''));
  }

  private lineDone(): void {
    const text = Buffer.from(this.line).toString('utf8');
    this.line = [];
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
          this.framed = { remaining: Number.parseInt(m[1] ?? '0', 10), bytes: [], skipLF: this.lastCR };
          if (this.framed.remaining === 0) this.framed = undefined;
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
    const ctx: AnswerContext = { mode: this.mode };
    if (parsed.resultId !== undefined) ctx.resultId = parsed.resultId;
    let answer: Answer | string | undefined;
    let then: Aftermath | undefined;
    switch (verb) {
      case undefined:
        answer = 'Command not recognized.\n';
        break;
      case 'xcommand': {
        const r = await this.xcommand(parsed, ctx, body);
        answer = r.answer;
        then = r.then;
        break;
      }
      case 'xstatus':
        answer = this.xstatus(parsed, ctx);
        break;
      case 'xconfiguration':
        answer = this.xconfiguration(parsed, ctx);
        break;
      case 'xfeedback':
        answer = this.xfeedback(parsed, ctx);
        break;
      case 'xpreferences':
        answer = this.xpreferences(parsed);
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
        answer = this.xdocument(parsed);
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
      await this.out.idle();
      this.host.aftermath(then);
    }
  }

  private uptimeFeedback(): string[] {
    const leaf: Leaf = { path: ['SystemUnit', 'Uptime'], value: String(this.host.device.uptime), bare: true };
    return feedbackBlock('Status', [leaf], this.mode);
  }

  private emitAnswer(a: Answer): void {
    const faults = this.host.faults();
    const fb = faults.feedbackBetween ? this.uptimeFeedback() : [];
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

  private async xcommand(
    parsed: ParsedLine,
    ctx: AnswerContext,
    body: string | undefined,
  ): Promise<{ answer: Answer; then?: Aftermath }> {
    const d = this.host.device;
    const path = loggable(parsed.words).join(' ');
    const params = loggable(parsed.params.map((p) => p.key));
    const base = { type: 'command' as const, session: this.id, verb: 'xCommand', path, params };
    const tagged = parsed.resultId !== undefined ? { resultId: parsed.resultId } : {};
    const def = findCommand(parsed.words, d);
    if (!def || parsed.error !== undefined) {
      const reason = def ? (parsed.error ?? 'Invalid command') : 'Unknown command';
      this.host.events.emit({ ...base, ...tagged, status: 'Error', reason });
      return { answer: commandAnswer('Result', 'Error', errorLeaves(reason, xpath('', parsed.words)), ctx) };
    }
    const name = resultName(def);
    const canonicalPath = def.path.join(' ');
    // A body given to a command that is not multiline (jsxapi's `{N}` framing) is refused, as is a parameter
    // a device does not know (a guess for the former: docs/simulator.md).
    const v: ReturnType<typeof validateParams> =
      body !== undefined && !def.multiline
        ? { ok: false, reason: 'Not a multiline command' }
        : validateParams(def, parsed.params, d);
    if (!v.ok) {
      this.host.events.emit({
        ...base,
        ...tagged,
        path: canonicalPath,
        status: 'ParameterError',
        reason: v.reason,
      });
      return { answer: commandAnswer(name, 'ParameterError', [], ctx) };
    }
    const outcome = await def.run(
      body === undefined ? { device: d, params: v.params } : { device: d, params: v.params, body },
    );
    this.host.events.emit({
      ...base,
      ...tagged,
      path: canonicalPath,
      status: outcome.status,
      ...(outcome.reason !== undefined
        ? { reason: d.variant.refusals === 'uniform' ? UNIFORM_REFUSAL : outcome.reason }
        : {}),
      ...(outcome.code !== undefined ? { code: outcome.code } : {}),
    });
    const leaves =
      outcome.status === 'Error'
        ? errorLeaves(d.variant.refusals === 'uniform' ? UNIFORM_REFUSAL : (outcome.reason ?? 'Error'))
        : (outcome.leaves ?? []);
    const answer = commandAnswer(name, outcome.status, leaves, ctx);
    return outcome.then ? { answer, then: outcome.then } : { answer };
  }

  /**
   * `xDocument Path: "…" Schema: True [Format: JSON]`: the published schema's node at that path, read-only
   * (src/simulator/document.ts). Without `Schema: True`, or for a path the schema lacks, an error (guesses).
   */
  private xdocument(parsed: ParsedLine): string {
    const param = (name: string): string | undefined =>
      parsed.params.find((p) => p.key.toLowerCase() === name.toLowerCase())?.value;
    const path = param('Path') ?? '';
    const node = /^true$/i.test(param('Schema') ?? '') ? schemaNode(path) : undefined;
    this.host.events.emit({
      type: 'command',
      session: this.id,
      verb: 'xDocument',
      path: loggable(path.split('/').filter((w) => w !== '')).join(' '),
      params: loggable(parsed.params.map((p) => p.key)),
      status: node ? 'OK' : 'Error',
      ...(node ? {} : { reason: 'No match on Path argument' }),
      ...(parsed.resultId !== undefined ? { resultId: parsed.resultId } : {}),
    });
    if (!node)
      return '*r Result (status=Error):\n*r Result Reason: "No match on Path argument"\n** end\n\nERROR\n';
    return `${JSON.stringify(node, null, 2)}\n\nOK\n`;
  }

  private xstatus(parsed: ParsedLine, ctx: AnswerContext): Answer {
    const want = lower(withoutStar(parsed.words));
    const leaves = this.host.device.statusLeaves(true).filter((l) => startsWith(l.path, want));
    const status = leaves.length > 0 ? 'OK' : 'Error';
    this.host.events.emit({
      type: 'command',
      session: this.id,
      verb: 'xStatus',
      path: loggable(parsed.words, STATUS_WORDS).join(' '),
      params: [],
      status,
      ...(status === 'Error' ? { reason: 'No match on address expression.' } : {}),
      ...(parsed.resultId !== undefined ? { resultId: parsed.resultId } : {}),
    });
    if (leaves.length === 0)
      return statusErrorAnswer('No match on address expression.', xpath('Status', parsed.words), ctx);
    return statusAnswer(leaves, ctx);
  }

  private xconfiguration(parsed: ParsedLine, ctx: AnswerContext): Answer {
    const d = this.host.device;
    const emit = (path: string, status: 'OK' | 'Error', reason?: string): void =>
      this.host.events.emit({
        type: 'command',
        session: this.id,
        verb: 'xConfiguration',
        path,
        params: [],
        status,
        ...(reason !== undefined ? { reason } : {}),
        ...(parsed.resultId !== undefined ? { resultId: parsed.resultId } : {}),
      });
    if (parsed.params.length === 0) {
      // `xConfiguration *` (PLC, ACA) is the whole tree, as `xConfiguration` alone.
      const defs = configUnder(withoutStar(parsed.words));
      if (defs.length === 0) {
        emit(loggable(parsed.words).join(' '), 'Error', 'No match on address expression');
        return configErrorAnswer('No match on address expression', xpath('Configuration', parsed.words), ctx);
      }
      emit(loggable(parsed.words).join(' '), 'OK');
      return configAnswer(
        defs.map((def) => configLeaf(def, d.config.get(configKey(def.path)) ?? def.default)),
        ctx,
      );
    }
    const p = parsed.params[0]!;
    const words = [...parsed.words, p.key];
    if (parsed.error !== undefined) {
      // An unquoted value with spaces, or an unterminated quote: nothing is set.
      emit(loggable(words).join(' '), 'Error', 'Illegal value');
      return configErrorAnswer('Illegal value', xpath('Configuration', words), ctx);
    }
    const def = parsed.params.length === 1 ? findConfig(words) : undefined;
    if (!def) {
      emit(loggable(words).join(' '), 'Error', 'No match on address expression');
      return configErrorAnswer('No match on address expression', xpath('Configuration', words), ctx);
    }
    const key = configKey(def.path);
    const value = normalizeConfigValue(def, p.value);
    if (value === undefined) {
      emit(key, 'Error', 'Illegal value');
      return configErrorAnswer('Illegal value', xpath('Configuration', def.path.map(String)), ctx);
    }
    const previous = d.config.get(key) ?? def.default;
    d.mutate(() => d.config.set(key, value));
    emit(key, 'OK');
    if (previous !== value) d.events.emit({ type: 'config', path: key, value, previous });
    return emptyAnswer(ctx);
  }

  private xfeedback(parsed: ParsedLine, ctx: AnswerContext): Answer {
    const [sub, ...rest] = parsed.words;
    const expr = lower(rest);
    const key = expr.join('/');
    switch ((sub ?? '').toLowerCase()) {
      case 'register':
        if (expr.length === 0) return { block: [], word: 'ERROR' };
        if (this.feedback.length >= FEEDBACK_LIMIT) return { block: [], word: 'ERROR' };
        if (!this.feedback.some((f) => f.words.join('/') === key)) {
          this.feedback.push({ words: expr, text: `/${rest.join('/')}` });
        }
        return emptyAnswer(ctx);
      case 'deregister': {
        const i = this.feedback.findIndex((f) => f.words.join('/') === key);
        if (i >= 0) this.feedback.splice(i, 1);
        return emptyAnswer(ctx);
      }
      case 'deregisterall':
        this.feedback.length = 0;
        return emptyAnswer(ctx);
      case 'list':
        if (ctx.mode === 'json') return emptyAnswer(ctx);
        return {
          block: [
            ...this.feedback.map((f) => f.text),
            ...(ctx.resultId !== undefined ? [`** resultId: "${ctx.resultId}"`] : []),
            '** end',
          ],
          word: 'OK',
        };
      default:
        return { block: [], word: 'ERROR' };
    }
  }

  private xpreferences(parsed: ParsedLine): Answer | string | undefined {
    const [key, value] = lower(parsed.words);
    if (key === 'outputmode' && (value === 'terminal' || value === 'json')) {
      this.mode = value;
      // In JSON mode the device prints no trailing OK (jsxapi fetch-schemas.sh), so this prints nothing.
      return value === 'json' ? undefined : { block: [''], word: 'OK' };
    }
    if (key === 'accessmode') return this.mode === 'json' ? undefined : { block: [''], word: 'OK' };
    if (this.mode === 'json') return undefined;
    // XML output is not simulated: `outputmode xml` is refused after the usage text.
    const refused = key === 'outputmode' && value !== undefined;
    return {
      block: ['xpreferences usage:', '  xpreferences outputmode <terminal/xml/json>'],
      word: refused ? 'ERROR' : 'OK',
    };
  }

  private deliverFeedback(change: DeviceChange): void {
    if (this.login !== 'shell' || this.feedback.length === 0) return;
    const status = change.status.filter((l) =>
      this.feedback.some((f) => startsWith(['Status', ...l.path], f.words)),
    );
    const config = change.config.filter((l) =>
      this.feedback.some((f) => startsWith(['Configuration', ...l.path], f.words)),
    );
    for (const event of change.events ?? []) {
      if (this.feedback.some((f) => event.some((l) => startsWith(['Event', ...l.path], f.words))))
        this.writeLines(feedbackBlock('Event', event, this.mode));
    }
    if (status.length > 0) this.writeLines(feedbackBlock('Status', status, this.mode));
    if (config.length > 0) this.writeLines(feedbackBlock('Configuration', config, this.mode));
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
    if (this.kind === 'ssh') {
      void this.out.idle().then(() => this.close('bye'));
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
    this.out.stop();
    this.link.close();
  }

  /** The client went away (closed its end). */
  ended(): void {
    if (this.closed) return;
    this.finish('closed');
    this.out.stop();
  }

  private finish(reason: 'bye' | 'dropped' | 'reboot' | 'simulator-closed' | 'closed'): void {
    this.login = 'closed';
    this.queue.length = 0;
    this.rxQueue.length = 0;
    clearTimeout(this.rxTimer);
    this.host.device.listeners.delete(this.onChange);
    this.host.events.emit({ type: 'session-close', session: this.id, reason });
    this.host.sessionClosed(this);
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
