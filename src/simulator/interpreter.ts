/**
 * A console session's command interpreter: the TShell verbs (matched whole or by a unique prefix), each
 * verb's answer from the device's state in the session's output mode, the session's feedback
 * registrations, and what the event log may hold of a command line (words the device knows, never a
 * value typed in the wrong place).
 */
import { type Aftermath, COMMANDS, findCommand, resultName, validateParams } from './commands.js';
import {
  CONFIG_DEFS,
  configUnder,
  findConfig,
  configKey,
  configLeaf,
  normalizeConfigValue,
} from './config.js';
import type { Device, DeviceChange } from './device.js';
import type { EventLog } from './events.js';
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
import { type ParsedLine, lower } from './parse.js';
import { schemaNode } from './document.js';

/** Every xCommand refusal of the `uniform` refusals variant. */
const UNIFORM_REFUSAL = 'Invalid input.';

export const VERBS = [
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
export type Verb = (typeof VERBS)[number];

/** `?` / `help` (spec §1.3, from ROS xAPI.md and the LAB transcript). */
export const HELP = [
  ' - User Commands -',
  'help            xcommand        xconfiguration  xdocument       xevent',
  'xfeedback       xgetxml         xpreferences    xstatus         xtransaction',
  'bye             echo            log             systemtools',
];

/** Feedback registrations per session (RoomOS 11 guide: up to 50). */
export const FEEDBACK_LIMIT = 50;

/** Verbs match whole, or by a unique prefix of at least 4 letters (`xpref`, `xconf`, `xstat`). */
export function resolveVerb(word: string): Verb | undefined {
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

/** A session's shell: its output mode and feedback registrations, and the verbs that read and change the device. */
export class Interpreter {
  mode: OutputMode = 'terminal';
  /** Registered expressions: lower-cased words for matching, and the text as given for `list`. */
  private readonly feedback: { words: string[]; text: string }[] = [];

  constructor(
    private readonly host: { readonly device: Device; readonly events: EventLog },
    /** The session's id, for the event log. */
    private readonly id: number,
  ) {}

  /** A new shell: terminal output, no feedback registered. */
  reset(): void {
    this.mode = 'terminal';
    this.feedback.length = 0;
  }

  /** `*s SystemUnit Uptime` as feedback (the `feedbackBetween` fault puts it between answers). */
  uptimeFeedback(): string[] {
    const leaf: Leaf = { path: ['SystemUnit', 'Uptime'], value: String(this.host.device.uptime), bare: true };
    return feedbackBlock('Status', [leaf], this.mode);
  }

  async xcommand(
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
  xdocument(parsed: ParsedLine): string {
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

  xstatus(parsed: ParsedLine, ctx: AnswerContext): Answer {
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

  xconfiguration(parsed: ParsedLine, ctx: AnswerContext): Answer {
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

  xfeedback(parsed: ParsedLine, ctx: AnswerContext): Answer {
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

  xpreferences(parsed: ParsedLine): Answer | string | undefined {
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

  /** The feedback blocks a device change gives this shell (events, then status, then configuration). */
  feedbackBlocks(change: DeviceChange): string[][] {
    if (this.feedback.length === 0) return [];
    const blocks: string[][] = [];
    const status = change.status.filter((l) =>
      this.feedback.some((f) => startsWith(['Status', ...l.path], f.words)),
    );
    const config = change.config.filter((l) =>
      this.feedback.some((f) => startsWith(['Configuration', ...l.path], f.words)),
    );
    for (const event of change.events ?? []) {
      if (this.feedback.some((f) => event.some((l) => startsWith(['Event', ...l.path], f.words))))
        blocks.push(feedbackBlock('Event', event, this.mode));
    }
    if (status.length > 0) blocks.push(feedbackBlock('Status', status, this.mode));
    if (config.length > 0) blocks.push(feedbackBlock('Configuration', config, this.mode));
    return blocks;
  }
}
