import type { Duplex } from 'node:stream';
import {
  CERTIFICATE_PURPOSES,
  type CertificatePurpose,
  FACTORY_RESET_ALWAYS_ERASES,
  FACTORY_RESET_KEEP_ITEMS,
  FACTORY_RESET_KEEP_MEANS,
  type FactoryResetKeepItem,
  type TrailingAction,
  XAPI_PARAMETER_LIMITS,
} from '../../core/xapi/vocabulary.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect as inspectBlob, type Action } from '../../core/jwe/index.js';
import {
  DeviceError,
  checkConsoleValue,
  isDeviceError,
  lit,
  parseCertificates,
  parseConfigurationDump,
  parseE2eeStatus,
  parseIdentity,
  parseMeetingCalls,
  parseParticipantList,
  xCommand,
  xConfigurationGet,
  xConfigurationSet,
  xStatus,
  type ConfigNode,
  type ConfigurationDump,
  type DeviceCertificate,
  type DeviceIdentity,
  type E2eeStatus,
  type ListedParticipant,
  type MeetingCall,
  type Params,
  type ParamValue,
  type XapiResponse,
} from '../../core/xapi/index.js';
import { reopenSerial, SerialTransport } from './serial.js';
import { ConsoleSession, type Banner, type LineProbe, type RawResult } from './session.js';
import { SshTransport, type HostKeyInfo, type HostKeyStore } from './ssh.js';
import { StreamTransport } from './sim-transport.js';
import { describeTarget, parseTarget, type SimTargetOptions, type Target } from './target.js';
import { Transcript } from './transcript.js';
import type { Pacing, Transport } from './transport.js';

/** The feedback paths a meeting watch registers. */
const MEETING_FEEDBACK = [
  '/Event/Conference/ParticipantList',
  '/Status/Conference/Call',
  '/Status/Call',
] as const;

/** The part of the simulator (src/simulator) a connection needs. */
export interface SimulatorLike {
  openStream(kind?: 'serial' | 'ssh'): Duplex;
  close(): Promise<void>;
}

/** What the connection is doing, for a progress line or the UI. */
export interface ProgressEvent {
  stage:
    | 'opening'
    | 'host-key'
    | 'login'
    | 'ready'
    | 'command'
    | 'waiting-for-restart'
    | 'reconnecting'
    | 'reconnected';
  message: string;
  hostKey?: HostKeyInfo & { pinned: boolean };
}

export interface ConnectOptions {
  /** Login user, default `admin` (ssh:// targets name their own). */
  username?: string;
  /** Login password; a factory-reset device has none (the default, ''). Never logged. */
  password?: string;
  /** Time one command may take, ms (default 15 s; long commands get more). */
  timeoutMs?: number;
  /** Time to open and log in, ms (default 30 s). */
  loginTimeoutMs?: number;
  transcript?: Transcript;
  /** The simulator a `sim:` target talks to; without one, `createSimulator` makes one (closed with the device). */
  simulator?: SimulatorLike;
  /**
   * Starts the simulator of a `sim:` target given no `simulator` (src/main/open.ts's `openDevice` passes the
   * built-in one). Without either, a `sim:` target is refused (ERR_DEVICE_TARGET).
   */
  createSimulator?: (options: SimTargetOptions) => Promise<SimulatorLike>;
  /** Pinned SSH host keys (default: in memory only; the CLI passes the known-hosts file). */
  hostKeyStore?: HostKeyStore;
  /** Asked about an SSH host key seen for the first time; default: accept and pin it. */
  acceptNewHostKey?: (info: HostKeyInfo) => boolean | Promise<boolean>;
  onProgress?: (event: ProgressEvent) => void;
  /** Overrides of the write pacing (chunk size, pause, line ending). */
  pacing?: Partial<Pacing>;
  /** Longest line sent, bytes (default: no limit until one is measured with `lineFits`). */
  maxLineBytes?: number;
  /** How long a restart may take before the device must answer again, ms (default 15 min). */
  restartTimeoutMs?: number;
  /** Quiet time between wake-ups of a serial console, ms (default 1500). */
  wakeIntervalMs?: number;
  /**
   * Opens the byte pipe instead of the built-in transports (a test double, a transport of the
   * embedding app's own). Called again on every reconnection.
   */
  transportFactory?: (
    target: Target,
    context: { reconnect: boolean; password: string },
  ) => Promise<Transport>;
}

/** The result of one console line typed by a person: what the device printed. */
export type CommandOutput = RawResult;

/** What `SystemUnit FactoryReset` can keep (the schema's `Keep` values; core/xapi/vocabulary.ts owns the list). */
export const FACTORY_RESET_KEEP = FACTORY_RESET_KEEP_ITEMS;
export type FactoryResetKeep = FactoryResetKeepItem;
export { FACTORY_RESET_KEEP_MEANS, FACTORY_RESET_ALWAYS_ERASES, CERTIFICATE_PURPOSES };
export type { TrailingAction, CertificatePurpose };

export interface RestoreReport {
  applied: string[];
  failed: Array<{ path: string; reason: string; xpath?: string }>;
}

/** A value stored as text, sent back the way the device printed it. */
function restoreValue(node: ConfigNode): ParamValue {
  if (node.quoted === true) return node.value;
  if (/^-?\d+$/.test(node.value)) return Number(node.value);
  if (node.quoted === false && /^[A-Za-z0-9_./-]+$/.test(node.value)) return lit(node.value);
  return node.value;
}

/** Pause between attempts to open a console again after a restart or a drop. */
const REOPEN_RETRY_MS = 250;

/** Parameter limits from the public schema (spec §6). */
const LIMITS = XAPI_PARAMETER_LIMITS;

function tooLong(what: string, length: number, limit: number): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_PARAMETER',
    `The ${what} is ${length} characters long; the device takes at most ${limit}.`,
    {
      parameter: what,
      length,
      limit,
    },
  );
}

function checkBlob(blob: string, action: Action): string {
  const b = blob.trim();
  const info = inspectBlob(b); // a malformed blob is a JweError, nothing sent
  if (info.action !== action) {
    throw new DeviceError(
      'ERR_DEVICE_PARAMETER',
      `This blob was made for "${info.action}", and this step needs one made for "${action}". Make the blob again with the right action.`,
      { expected: action, actual: info.action },
    );
  }
  return b;
}

/**
 * A RoomOS device on a console, with typed operations (spec §5). Each method sends one or a few
 * commands, waits for the answers and returns parsed data; a device refusal is a DeviceError with
 * the device's Reason and XPath.
 */
export class RoomOsDevice {
  readonly target: Target;
  readonly transcript: Transcript;
  private session: ConsoleSession;
  private readonly options: ConnectOptions;
  private readonly ownSimulator: SimulatorLike | undefined;
  private readonly feedbackListeners = new Set<(r: XapiResponse) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closing = false;
  private lineKnown = { whole: 0, cut: Number.POSITIVE_INFINITY };
  private firstCut: { bytes: number; raw: string[]; disconnected: boolean } | null = null;

  private constructor(
    target: Target,
    session: ConsoleSession,
    options: ConnectOptions,
    ownSimulator?: SimulatorLike,
  ) {
    this.target = target;
    this.session = session;
    this.options = options;
    this.transcript = options.transcript ?? new Transcript();
    this.ownSimulator = ownSimulator;
    this.wire(session);
  }

  /** Opens the console at `target` and logs in. See `connect()`. */
  static async open(targetOrText: Target | string, options: ConnectOptions = {}): Promise<RoomOsDevice> {
    const target = typeof targetOrText === 'string' ? parseTarget(targetOrText) : targetOrText;
    // Refused before anything is opened: a CR in a password would type the rest into the console.
    checkConsoleValue(options.password ?? '', 'login password');
    if (options.username !== undefined) checkConsoleValue(options.username, 'login user name');
    const opts: ConnectOptions = { ...options, transcript: options.transcript ?? new Transcript() };
    let ownSimulator: SimulatorLike | undefined;
    if (target.kind === 'sim' && !opts.simulator) {
      if (!opts.createSimulator) {
        throw new DeviceError(
          'ERR_DEVICE_TARGET',
          `${target.text} names a simulator, and none was given: open it through openDevice() (src/main/open.ts), which starts one, or pass a simulator.`,
          { target: target.text },
        );
      }
      ownSimulator = await opts.createSimulator(target.options);
      opts.simulator = ownSimulator;
    }
    try {
      const session = await openSession(target, opts, [opts.password ?? '']);
      return new RoomOsDevice(target, session, opts, ownSimulator);
    } catch (e) {
      await ownSimulator?.close();
      throw e;
    }
  }

  /** What the device printed on login (name, release), when it printed a banner. */
  get banner(): Banner {
    return this.session.banner;
  }

  /** The grammar the device answers in. */
  get outputMode(): 'json' | 'terminal' {
    return this.session.mode;
  }

  get connected(): boolean {
    return !this.session.closed;
  }

  /** Feedback and event blocks the device sends on its own (`xFeedback register …`). */
  onFeedback(listener: (r: XapiResponse) => void): () => void {
    this.feedbackListeners.add(listener);
    return () => this.feedbackListeners.delete(listener);
  }

  /** Called when the console drops (not when this side closes it). */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  // --- low level -----------------------------------------------------------------------------------

  /** Sends a line as a person typed it and returns what the device printed (for the interactive console). */
  command(line: string, options: { body?: string[]; timeoutMs?: number } = {}): Promise<CommandOutput> {
    return this.session.raw(line, options);
  }

  /** Sends one tagged xCommand/xStatus/xConfiguration line and returns the parsed answer, error or not. */
  request(line: string, options: { body?: string[]; timeoutMs?: number } = {}): Promise<XapiResponse> {
    return this.session.request(line, options);
  }

  /** Asks for an output grammar; returns the one in force. */
  setOutputMode(mode: 'json' | 'terminal'): Promise<'json' | 'terminal'> {
    return this.session.setOutputMode(mode);
  }

  // --- typed operations ----------------------------------------------------------------------------

  /** ProductId, software version and name, serial number, system name, Webex status. */
  async identify(): Promise<DeviceIdentity> {
    const su = await this.run(xStatus('SystemUnit'), 'read the device identity');
    const name = await this.session.request(xConfigurationGet('SystemUnit Name'));
    const webex = await this.session.request(xStatus('Webex Status'));
    return parseIdentity(su, name.status === 'OK' ? name : null, webex.status === 'OK' ? webex : null);
  }

  /** `xStatus Conference EndToEndEncryption`: availability and both identities (absent on unregistered devices). */
  async e2eeStatus(): Promise<E2eeStatus> {
    const res = await this.session.request(xStatus('Conference EndToEndEncryption'));
    if (res.status.toUpperCase() !== 'OK') {
      if (/no match/i.test(res.reason ?? '') || res.xpath) return parseE2eeStatus(null);
      throw this.failure(res, 'read the E2EE status');
    }
    return parseE2eeStatus(res);
  }

  /**
   * The device's calls with their E2EE state (`xStatus Conference Call`, `xStatus Call`: the seed's
   * Table 3 and the schema) and the participant list of the first call (`Conference ParticipantList
   * Search`). No call: empty lists. A device without the participant list gives an empty one.
   */
  async meeting(): Promise<{ calls: MeetingCall[]; participants: ListedParticipant[] }> {
    const read = async (path: string): Promise<XapiResponse | null> => {
      const res = await this.session.request(xStatus(path));
      if (res.status.toUpperCase() === 'OK') return res;
      if (/no match/i.test(res.reason ?? '') || res.xpath) return null;
      throw this.failure(res, `read ${path}`);
    };
    const calls = parseMeetingCalls(await read('Conference Call'), await read('Call'));
    const first = calls[0];
    if (first === undefined) return { calls, participants: [] };
    const list = await this.session.request(
      xCommand('Conference ParticipantList Search', [['CallId', first.callId]]),
    );
    return { calls, participants: list.status.toUpperCase() === 'OK' ? parseParticipantList(list) : [] };
  }

  /**
   * Registers feedback for the meeting: the participant list's events (`ParticipantAdded|Updated|Deleted`)
   * and the calls' status (the security code, the roster). They arrive through `onFeedback`.
   */
  async watchMeeting(): Promise<void> {
    for (const path of MEETING_FEEDBACK) {
      await this.run(`xFeedback register ${path}`, `register for ${path}`);
    }
  }

  /** Ends what `watchMeeting` registered. */
  async unwatchMeeting(): Promise<void> {
    if (this.session.closed) return;
    for (const path of MEETING_FEEDBACK) await this.session.request(`xFeedback deregister ${path}`);
  }

  /**
   * The whole configuration (the backup): read in the terminal grammar, so that `lines` are the
   * device's own `*c xConfiguration …` lines, then the session goes back to JSON.
   */
  async configurationDump(): Promise<ConfigurationDump> {
    const wasJson = this.session.mode === 'json';
    if (wasJson) await this.session.setOutputMode('terminal');
    try {
      const res = await this.run(xConfigurationGet(), 'read the configuration', 120_000);
      return parseConfigurationDump(res);
    } finally {
      if (wasJson && !this.session.closed) await this.session.setOutputMode('json');
    }
  }

  /** Writes chosen configuration nodes back, one by one; returns which took and which the device refused. */
  async restoreConfiguration(nodes: readonly ConfigNode[]): Promise<RestoreReport> {
    const report: RestoreReport = { applied: [], failed: [] };
    for (const node of nodes) {
      const res = await this.session.request(xConfigurationSet(node.path, restoreValue(node)));
      if (res.status.toUpperCase() === 'OK') report.applied.push(node.path);
      else
        report.failed.push({
          path: node.path,
          reason: res.reason ?? res.status,
          ...(res.xpath ? { xpath: res.xpath } : {}),
        });
    }
    return report;
  }

  /**
   * `xCommand SystemUnit FactoryReset Confirm: Yes [Keep: …] [TrailingAction: …]`. With Restart (the
   * default) it waits for the device to go down and come back, logs in again (as `admin` with no
   * password, then the password given) and returns when the device answers.
   */
  async factoryReset(
    options: { keep?: readonly FactoryResetKeep[]; trailingAction?: TrailingAction } = {},
  ): Promise<void> {
    const keep = options.keep ?? [];
    const trailingAction = options.trailingAction ?? 'Restart';
    const params: Params = [
      ['Confirm', lit('Yes')],
      ...(keep.length ? ([['Keep', keep.map((k) => lit(k))]] as Params) : []),
      ['TrailingAction', lit(trailingAction)],
    ];
    const line = xCommand('SystemUnit FactoryReset', params);
    try {
      const res = await this.session.request(line, { timeoutMs: this.options.timeoutMs ?? 30_000 });
      if (res.status.toUpperCase() !== 'OK') throw this.failure(res, 'factory reset');
    } catch (e) {
      // The device may drop the console before its answer arrives: it is going down.
      if (!(isDeviceError(e, 'ERR_DEVICE_DISCONNECTED') && e.details.mayHaveRun === true)) throw e;
    }
    if (trailingAction !== 'Restart' && trailingAction !== 'WaitForUpgrade') return;
    await this.waitForRestart(['', this.options.password ?? '']);
  }

  /** The first ClientSecret, in plain text (sent as base64url of its UTF-8). Redacted everywhere. */
  async populateSecretPlain(secret: string): Promise<void> {
    if (secret.length === 0) {
      throw new DeviceError('ERR_DEVICE_PARAMETER', 'The ClientSecret is empty; choose a secret first.', {
        parameter: 'Secret',
      });
    }
    const encoded = Buffer.from(secret, 'utf8').toString('base64url');
    this.transcript.addSecret(secret);
    this.transcript.addSecret(encoded);
    if (encoded.length > LIMITS.secret)
      throw tooLong('ClientSecret (base64url)', encoded.length, LIMITS.secret);
    await this.runChecked(
      xCommand('Security ClientSecret Populate', [['Secret', encoded]]),
      'populate the ClientSecret',
    );
  }

  /** A new ClientSecret sealed under the current one (a `populate` blob). */
  async populateSecret(blob: string): Promise<void> {
    const b = checkBlob(blob, 'populate');
    if (b.length > LIMITS.secret) throw tooLong('populate blob', b.length, LIMITS.secret);
    await this.runChecked(
      xCommand('Security ClientSecret Populate', [['Secret', b]]),
      'change the ClientSecret',
    );
  }

  /**
   * The certificate and key (an `add` blob): the multi-line Add with `IsEncrypted: True`. With `wrap`,
   * the blob goes over body lines of that many characters (for a console whose line limit is shorter
   * than the blob, once `joinsWrappedBody` has shown that the device joins them).
   */
  async addCertificate(blob: string, options: { wrap?: number } = {}): Promise<void> {
    const b = checkBlob(blob, 'add');
    await this.runChecked(
      xCommand('Security Certificates Services Add', [['IsEncrypted', true]]),
      'add the certificate',
      { body: wrapLines(b, options.wrap), timeoutMs: Math.max(this.options.timeoutMs ?? 0, 60_000) },
    );
  }

  /**
   * What the console was measured to carry: the longest line known to arrive whole and the shortest
   * known to be cut (null until a probe found one). No public source gives the limit, so it is measured.
   */
  get lineLimit(): { whole: number; cut: number | null } {
    return {
      whole: this.lineKnown.whole,
      cut: Number.isFinite(this.lineKnown.cut) ? this.lineKnown.cut : null,
    };
  }

  /**
   * The device's answer to the first line found cut, as printed (empty when the session ended on it,
   * `disconnected`), and that line's length; null until a probe cut a line.
   */
  get firstCutLine(): { bytes: number; raw: string[]; disconnected: boolean } | null {
    return this.firstCut ? { ...this.firstCut, raw: [...this.firstCut.raw] } : null;
  }

  /**
   * Whether a line of `bytes` bytes reaches the device whole, found with harmless padded `xStatus`
   * probes (`ConsoleSession.probeLine`) and remembered for this device. When it does not, the limit is
   * narrowed down (a few more probes) and returned; the session then refuses longer lines before sending.
   * A session that ends during a probe counts as a cut line: the console is opened again and the limit is
   * measured upwards from small lines, so that the next probes end no more sessions than needed.
   */
  async lineFits(bytes: number): Promise<{ fits: boolean; limit: number | null }> {
    if (bytes <= this.lineKnown.whole) return { fits: true, limit: null };
    if (bytes < this.lineKnown.cut) {
      const first = await this.probeLineOnce(bytes);
      if (first.result === 'whole') {
        this.lineKnown.whole = bytes;
        return { fits: true, limit: null };
      }
      let lo = this.lineKnown.whole;
      let hi = bytes;
      if (first.disconnected) {
        // Upwards from small lines: each cut line may end the session again.
        for (const size of LINE_STEPS_UP) {
          if (size <= lo) continue;
          if (size >= hi) break;
          const r = await this.probeLineOnce(size);
          if (r.result === 'whole') lo = size;
          else {
            hi = size;
            break;
          }
        }
      }
      // A canonical-mode tty keeps 4,095 bytes of a line: try that first, then halve the interval.
      for (let i = 0; i < 10 && hi - lo > 16; i++) {
        const mid = i === 0 && lo < 4095 && hi > 4095 ? 4095 : Math.floor((lo + hi) / 2);
        const size = Math.max(mid, 64);
        const r = await this.probeLineOnce(size);
        if (r.result === 'whole') lo = size;
        else hi = size;
        if (hi <= 64) break;
      }
      this.lineKnown = { whole: lo, cut: hi };
      this.session.lineLimit = lo;
    }
    return { fits: false, limit: this.lineKnown.whole };
  }

  /** One line probe, noted; the first cut line's answer is kept, and a session it ended is opened again. */
  private async probeLineOnce(bytes: number): Promise<LineProbe> {
    const r = await this.session.probeLine(bytes);
    this.transcript.note(
      `line probe: ${bytes} bytes ${r.result}${r.disconnected ? ' (the session ended)' : ''}`,
    );
    if (r.result !== 'whole' && this.firstCut === null) {
      this.firstCut = {
        bytes,
        raw: r.raw.map((l) => this.transcript.redact(l)),
        disconnected: r.disconnected === true,
      };
    }
    if (r.disconnected) await this.reconnect({ timeoutMs: 60_000 });
    return r;
  }

  /**
   * Whether the device joins an `add` blob wrapped over several body lines. `probeBlob` is an add blob
   * sealed under the device's secret whose payload is no certificate, so nothing can be added. It is sent
   * on one line, then wrapped at `width`, then wrapped with its authentication tag corrupted (the control:
   * a blob no device can open). The device joins wrapped lines only when the wrapped blob is refused
   * exactly as on one line and differently from the control; a wrapped refusal unlike the one-line one
   * means it does not join; the same refusal for all three (a device that words every failure alike)
   * cannot tell. Decided on the device's own answers, never on their wording.
   */
  async wrappedBodyProbe(probeBlob: string, width: number): Promise<WrappedBodyProbe> {
    const b = checkBlob(probeBlob, 'add');
    const line = xCommand('Security Certificates Services Add', [['IsEncrypted', true]]);
    const answers: XapiResponse[] = [];
    for (const body of [[b], wrapLines(b, width), wrapLines(corruptTag(b), width)]) {
      const res = await this.session.request(line, { body });
      if (res.status.toUpperCase() === 'OK') {
        throw new DeviceError(
          'ERR_DEVICE_UNEXPECTED_OUTPUT',
          `The device accepted an add blob that holds no certificate (answer: ${JSON.stringify(res.lines.slice(0, 4).join(' '))}). Nothing is sent wrapped; report this answer.`,
          { status: res.status },
        );
      }
      answers.push(res);
    }
    const [oneLine, wrapped, control] = answers.map(describeRefusal) as [string, string, string];
    const verdict: WrappedBodyProbe['verdict'] =
      wrapped !== oneLine ? 'does-not-join' : wrapped !== control ? 'joins' : 'cannot-tell';
    this.transcript.note(
      `wrapped-body probe: ${verdict} (one line: ${oneLine}; wrapped: ${wrapped}; control: ${control})`,
    );
    return { verdict, oneLine, wrapped, control };
  }

  /**
   * The device's service certificates (`Security Certificates Services Show`); with `filter`, only those
   * the device uses for that purpose (`Filter: <Purpose>`, a documented parameter). A real device lists
   * each chain certificate of an Add as an entry of its own.
   */
  async listCertificates(options: { filter?: CertificatePurpose } = {}): Promise<DeviceCertificate[]> {
    const params: Params = options.filter ? [['Filter', lit(options.filter)]] : [];
    const res = await this.run(
      xCommand('Security Certificates Services Show', params),
      options.filter ? `list the certificates used for ${options.filter}` : 'list the certificates',
      30_000,
    );
    return parseCertificates(res);
  }

  /** Activates a certificate for WebexIdentity (an `activate` blob of its fingerprint). */
  async activate(blob: string): Promise<void> {
    const b = checkBlob(blob, 'activate');
    if (b.length > LIMITS.fingerprintBlob) throw tooLong('activate blob', b.length, LIMITS.fingerprintBlob);
    await this.runChecked(
      xCommand('Security Certificates Services Activate', [
        ['Purpose', lit('WebexIdentity')],
        ['Fingerprint', b],
      ]),
      'activate the certificate',
    );
  }

  /** Deactivates the WebexIdentity certificate (a `deactivate` blob of its fingerprint). */
  async deactivate(blob: string): Promise<void> {
    const b = checkBlob(blob, 'deactivate');
    if (b.length > LIMITS.fingerprintBlob) throw tooLong('deactivate blob', b.length, LIMITS.fingerprintBlob);
    await this.runChecked(
      xCommand('Security Certificates Services Deactivate', [
        ['Purpose', lit('WebexIdentity')],
        ['Fingerprint', b],
      ]),
      'deactivate the certificate',
    );
  }

  /** Deletes a certificate by its SHA-1 fingerprint (hex; colons and case do not matter). */
  async deleteCertificate(fingerprint: string): Promise<void> {
    const fp = fingerprint.replace(/[:\s]/g, '').toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(fp)) {
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `${JSON.stringify(fingerprint)} is not a SHA-1 fingerprint (40 hex digits, as the certificate list shows).`,
        { parameter: 'Fingerprint' },
      );
    }
    await this.runChecked(
      xCommand('Security Certificates Services Delete', [['Fingerprint', fp]]),
      'delete the certificate',
    );
  }

  /** `xConfiguration Conference EndToEndEncryption Identity PreferredDomain`. */
  async setPreferredDomain(domain: string): Promise<void> {
    if (domain.length > LIMITS.preferredDomain)
      throw tooLong('preferred domain', domain.length, LIMITS.preferredDomain);
    await this.runChecked(
      xConfigurationSet('Conference EndToEndEncryption Identity PreferredDomain', domain),
      'set the preferred domain',
    );
  }

  /** `xCommand Webex Registration Start` (the activation code is redacted). Returns the result's values. */
  async registerWebex(
    activationCode: string,
    securityAction: 'Harden' | 'NoAction',
    options: { timeoutMs?: number } = {},
  ): Promise<Record<string, string>> {
    if (activationCode.length === 0) {
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        'The activation code is empty; copy it from Control Hub.',
        { parameter: 'ActivationCode' },
      );
    }
    if (activationCode.length > LIMITS.activationCode)
      throw tooLong('activation code', activationCode.length, LIMITS.activationCode);
    if (securityAction !== 'Harden' && securityAction !== 'NoAction') {
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `SecurityAction must be Harden or NoAction, not ${JSON.stringify(securityAction)}.`,
        {
          parameter: 'SecurityAction',
        },
      );
    }
    this.transcript.addSecret(activationCode);
    const res = await this.runChecked(
      xCommand('Webex Registration Start', [
        ['ActivationCode', activationCode],
        ['SecurityAction', lit(securityAction)],
      ]),
      'register to Webex',
      // Without AccountLinkMode Asynchronous the answer comes when registration succeeded or failed.
      { timeoutMs: options.timeoutMs ?? 5 * 60_000 },
    );
    return Object.fromEntries(res.entries.map((e) => [e.path.join(' '), e.value]));
  }

  /**
   * Opens the console again after a disconnection (an unplugged cable, a dropped network): waits up to
   * `timeoutMs` (default 2 min) for the port or host to come back, then logs in and sets up as before.
   */
  async reconnect(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    if (!this.session.closed) await this.session.close().catch(() => undefined);
    await this.reopen([this.options.password ?? ''], Date.now() + timeoutMs, timeoutMs, null);
  }

  /** Ends the session (`bye`) and closes the connection (and a simulator this device started). */
  async close(): Promise<void> {
    this.closing = true;
    try {
      await this.session.close();
    } finally {
      await this.ownSimulator?.close();
    }
  }

  // -------------------------------------------------------------------------------------------------

  private wire(session: ConsoleSession): void {
    session.on('feedback', (r: XapiResponse) => {
      for (const l of this.feedbackListeners) l(r);
    });
    session.on('close', () => {
      if (this.closing) return;
      for (const l of this.closeListeners) l();
    });
  }

  private progress(stage: ProgressEvent['stage'], message: string): void {
    this.transcript.note(message);
    this.options.onProgress?.({ stage, message });
  }

  /** Sends a tagged line; any status but OK is a DeviceError. */
  private async run(line: string, what: string, timeoutMs?: number): Promise<XapiResponse> {
    const res = await this.session.request(line, timeoutMs !== undefined ? { timeoutMs } : {});
    if (res.status.toUpperCase() !== 'OK') throw this.failure(res, what);
    return res;
  }

  private async runChecked(
    line: string,
    what: string,
    options: { body?: string[]; timeoutMs?: number } = {},
  ): Promise<XapiResponse> {
    const res = await this.session.request(line, options);
    if (res.status.toUpperCase() !== 'OK') throw this.failure(res, what);
    return res;
  }

  private failure(res: XapiResponse, what: string): DeviceError {
    const reason = res.reason ? this.transcript.redact(res.reason) : undefined;
    const details = {
      status: res.status,
      reason: reason ?? null,
      xpath: res.xpath ?? null,
      resultName: res.resultName ?? null,
    };
    if (res.status === 'ParameterError') {
      return new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `The device refused the parameters to ${what}${reason ? `: ${reason}` : ''}. This software version may not support this step.`,
        details,
      );
    }
    return new DeviceError(
      'ERR_DEVICE_COMMAND_FAILED',
      `The device could not ${what}: ${reason ?? res.status}${res.xpath ? ` (${res.xpath})` : ''}.`,
      details,
    );
  }

  /**
   * After a restart command: wait for the console to drop (or, on a serial line that stays open, for
   * the device to go quiet and prompt again), then open a new session, trying `passwords` in turn.
   */
  private async waitForRestart(passwords: string[]): Promise<void> {
    const timeoutMs = this.options.restartTimeoutMs ?? 15 * 60_000;
    const until = Date.now() + timeoutMs;
    this.progress(
      'waiting-for-restart',
      `Waiting for ${describeTarget(this.target)} to restart (up to ${Math.round(timeoutMs / 60_000)} min).`,
    );
    const old = this.session;
    // SSH, the in-process console and a USB maintenance port drop as the device goes down.
    await new Promise<void>((resolve) => {
      if (old.closed || old.transport.closed) return resolve();
      const t = setTimeout(resolve, Math.min(5000, timeoutMs / 4));
      old.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
    // A serial line through an RS-232 adapter stays open: the same port is used again, and only a
    // fresh login (a prompt or a banner) proves the restart; a shell that needed none could be the old
    // one, so it is believed only after a while (LoginRequired Off leaves nothing else to go by).
    const reuse = !old.transport.closed && old.transport.kind === 'serial' ? old.transport : null;
    if (reuse) old.detach();
    const believeShellAfter = Date.now() + Math.min(90_000, timeoutMs / 2);
    await this.reopen(uniq(passwords), until, timeoutMs, reuse, (session) => {
      const fresh = session.banner.loggedInWithPrompt || session.banner.release !== null;
      return fresh || reuse === null || Date.now() >= believeShellAfter;
    });
  }

  /** Tries to open a new session until `until`; a refusal that waiting cannot cure ends it at once. */
  private async reopen(
    passwords: string[],
    until: number,
    timeoutMs: number,
    reuse: Transport | null,
    accept: (session: ConsoleSession) => boolean = () => true,
  ): Promise<void> {
    let lastError: unknown;
    let attempt = 0;
    while (Date.now() < until && !this.closing) {
      attempt += 1;
      try {
        this.progress('reconnecting', `Reconnecting to ${describeTarget(this.target)} (attempt ${attempt}).`);
        const previous = this.session.transport;
        const session = await openSession(this.target, this.options, passwords, {
          until,
          usbSerialNumber: previous instanceof SerialTransport ? previous.usbSerialNumber : null,
          ...(reuse && !reuse.closed ? { reuse } : {}),
        });
        if (!accept(session)) {
          session.detach();
          await sleep(Math.min(2000, Math.max(0, until - Date.now())));
          continue;
        }
        this.session = session;
        if (Number.isFinite(this.lineKnown.cut)) session.lineLimit = this.lineKnown.whole;
        this.wire(session);
        this.progress('reconnected', `${describeTarget(this.target)} answers again.`);
        return;
      } catch (e) {
        lastError = e;
        if (
          isDeviceError(
            e,
            'ERR_DEVICE_LOGIN_FAILED',
            'ERR_DEVICE_HOST_KEY',
            'ERR_DEVICE_PORT_PERMISSION',
            'ERR_DEVICE_PORT_BUSY',
          )
        )
          throw e;
        // A refused connection or a missing port is cheap to ask again; a coarse interval adds half of
        // itself, on average, to every restart (and a batch waits for its slowest device).
        await sleep(Math.min(REOPEN_RETRY_MS, Math.max(0, until - Date.now())));
      }
    }
    throw new DeviceError(
      'ERR_DEVICE_TIMEOUT',
      `${describeTarget(this.target)} did not answer again within ${Math.round(timeoutMs / 1000)} s. Check that it is powered and finished starting and that the cable or network is connected, then connect again.`,
      { timeoutMs, mayHaveRun: false },
      lastError instanceof Error ? { cause: lastError } : undefined,
    );
  }
}

/** Line lengths a probe tries upwards after a session ended on a cut line. */
const LINE_STEPS_UP = [256, 512, 1024, 2048, 4095, 8192, 16384];

/** What the wrapped-body probe found, with the device's three refusals (status, result name, reason). */
export interface WrappedBodyProbe {
  verdict: 'joins' | 'does-not-join' | 'cannot-tell';
  oneLine: string;
  wrapped: string;
  control: string;
}

/** A refusal as one comparable text: its status, result name and reason, as the device gave them. */
function describeRefusal(res: XapiResponse): string {
  return `${res.status}${res.resultName ? ` ${res.resultName}` : ''}${res.reason ? `: ${res.reason}` : ''}`;
}

/** The same compact JWE with the first character of its authentication tag changed: no device opens it. */
export function corruptTag(blob: string): string {
  const at = blob.lastIndexOf('.') + 1;
  const c = blob[at] === 'A' ? 'B' : 'A';
  return blob.slice(0, at) + c + blob.slice(at + 1);
}

/** A blob as body lines of at most `width` characters (one line without `width`). */
function wrapLines(blob: string, width?: number): string[] {
  if (width === undefined || blob.length <= width) return [blob];
  const out: string[] = [];
  for (let i = 0; i < blob.length; i += width) out.push(blob.slice(i, i + width));
  return out;
}

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

/** Opens the transport a target names. */
async function openTransport(
  target: Target,
  options: ConnectOptions,
  password: string,
  reconnect?: { until: number; usbSerialNumber?: string | null },
): Promise<Transport> {
  if (options.transportFactory)
    return options.transportFactory(target, { reconnect: reconnect !== undefined, password });
  switch (target.kind) {
    case 'serial': {
      const { path, serial } = target;
      return reconnect
        ? reopenSerial(path, serial, options.pacing ?? {}, {
            timeoutMs: Math.max(0, reconnect.until - Date.now()),
            usbSerialNumber: reconnect.usbSerialNumber ?? null,
          })
        : SerialTransport.open(path, serial, options.pacing ?? {});
    }
    case 'ssh':
      return SshTransport.open({
        host: target.host,
        port: target.port,
        username: target.username,
        password,
        ...(options.hostKeyStore ? { hostKeyStore: options.hostKeyStore } : {}),
        ...(options.acceptNewHostKey ? { acceptNewHostKey: options.acceptNewHostKey } : {}),
        onHostKey: (info) => {
          const message = info.pinned
            ? `SSH host key ${info.fingerprint} (${info.keyType}) checked against the pinned key.`
            : `SSH host key of ${info.host}:${info.port} seen for the first time: ${info.fingerprint} (${info.keyType}).`;
          options.transcript?.note(message);
          options.onProgress?.({ stage: 'host-key', message, hostKey: info });
        },
        ...(options.loginTimeoutMs ? { timeoutMs: options.loginTimeoutMs } : {}),
        ...(options.pacing ? { pacing: options.pacing } : {}),
      });
    case 'sim': {
      if (!options.simulator) throw new TypeError('a sim: target needs a simulator');
      return new StreamTransport(options.simulator.openStream('serial'), {
        label: 'the simulator',
        ...(options.pacing ? { pacing: options.pacing } : {}),
      });
    }
  }
}

/** Opens a transport and a logged-in, set-up session on it. */
async function openSession(
  target: Target,
  options: ConnectOptions,
  passwords: string[],
  reconnect?: { until: number; reuse?: Transport; usbSerialNumber?: string | null },
): Promise<ConsoleSession> {
  const where = describeTarget(target);
  options.onProgress?.({ stage: 'opening', message: `Opening ${where}.` });
  options.transcript?.note(`opening ${where}`);
  // SSH authenticates in the protocol: one connection per password.
  const sshPasswords = target.kind === 'ssh' ? passwords : [passwords[0] ?? ''];
  let lastError: unknown;
  for (const password of sshPasswords) {
    const transport = reconnect?.reuse ?? (await openTransport(target, options, password, reconnect));
    const session = new ConsoleSession(transport, {
      ...(options.transcript ? { transcript: options.transcript } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
    });
    try {
      options.onProgress?.({ stage: 'login', message: `Logging in to ${where}.` });
      await session.start({
        username: options.username ?? (target.kind === 'ssh' ? target.username : 'admin'),
        passwords: target.kind === 'ssh' ? [password] : passwords,
        wake: target.kind !== 'ssh',
        ...(options.loginTimeoutMs ? { timeoutMs: options.loginTimeoutMs } : {}),
        ...(options.wakeIntervalMs ? { wakeIntervalMs: options.wakeIntervalMs } : {}),
      });
      options.onProgress?.({
        stage: 'ready',
        message: `Connected to ${where}${session.productId ? ` (${session.productId})` : ''}.`,
      });
      return session;
    } catch (e) {
      lastError = e;
      if (reconnect?.reuse) session.detach();
      else await transport.close().catch(() => undefined);
      if (!isDeviceError(e, 'ERR_DEVICE_LOGIN_FAILED')) throw e;
    }
  }
  throw lastError;
}

/** Opens the console at `target`, logs in and sets the session up. */
export function connect(target: Target | string, options: ConnectOptions = {}): Promise<RoomOsDevice> {
  return RoomOsDevice.open(target, options);
}
