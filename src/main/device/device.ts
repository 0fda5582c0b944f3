/**
 * A RoomOS device on an open console, with its typed operations (spec §5): identity, E2EE status, the
 * meeting, configuration backup and restore, factory reset, the client secret, certificates, Webex
 * registration. Opening and reopening the console is connect.ts's; the line limit is line-limit.ts's.
 */
import {
  CERTIFICATE_PURPOSES,
  type CertificatePurpose,
  FACTORY_RESET_ALWAYS_ERASES,
  FACTORY_RESET_KEEP_ITEMS,
  FACTORY_RESET_KEEP_MEANS,
  type FactoryResetKeepItem,
  type TrailingAction,
} from '../../core/xapi/vocabulary.js';
import {
  DeviceError,
  checkConsoleValue,
  isDeviceError,
  isOk,
  lit,
  parseCertificates,
  parseConfigurationDump,
  parseE2eeStatus,
  parseIdentity,
  parseMeetingCalls,
  parseParticipantList,
  valueAt,
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
  type XapiResponse,
} from '../../core/xapi/index.js';
import {
  openSession,
  reopenSession,
  sessionAfterRestart,
  type ConnectOptions,
  type ProgressEvent,
  type ReopenContext,
  type SimulatorLike,
} from './connect.js';
import {
  LineLimit,
  probeWrappedBody,
  wrapLines,
  type FirstCutLine,
  type WrappedBodyProbe,
} from './line-limit.js';
import { checkBlob, LIMITS, restoreValue, tooLong } from './parameters.js';
import type { Banner, ConsoleSession, RawResult, RequestOptions } from './session.js';
import { describeTarget, parseTarget, type Target } from './target.js';
import { Transcript } from './transcript.js';

export type { ConnectOptions, ProgressEvent, SimulatorLike } from './connect.js';
export type { FirstCutLine, WrappedBodyProbe } from './line-limit.js';
export { corruptTag } from './line-limit.js';

/** The feedback paths a meeting watch registers. */
const MEETING_FEEDBACK = [
  '/Event/Conference/ParticipantList',
  '/Status/Conference/Call',
  '/Status/Call',
] as const;

/** The result of one console line typed by a person: what the device printed. */
export type CommandOutput = RawResult;

/** What `SystemUnit FactoryReset` can keep, what each keeps and what a reset always erases (core/xapi/vocabulary.ts). */
export const FACTORY_RESET_KEEP = FACTORY_RESET_KEEP_ITEMS;
export type FactoryResetKeep = FactoryResetKeepItem;
export { FACTORY_RESET_KEEP_MEANS, FACTORY_RESET_ALWAYS_ERASES, CERTIFICATE_PURPOSES };
export type { TrailingAction, CertificatePurpose };

export interface RestoreReport {
  applied: string[];
  failed: Array<{ path: string; reason: string; xpath?: string }>;
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
  private readonly lines = new LineLimit({
    session: () => this.session,
    transcript: () => this.transcript,
    reconnect: (options) => this.reconnect(options),
  });

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
    if (target.kind === 'webex') {
      throw new DeviceError(
        'ERR_DEVICE_TARGET',
        `${target.text} is reached through the Webex cloud, which has no console: this step needs serial:, ssh:// or sim:.`,
        { target: target.text },
      );
    }
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

  /**
   * `xStatus Webex Status` alone (`Registered`, `Registering`, …; null when the device does not report
   * it): the registration read back, without the rest of the identity.
   */
  async webexStatus(): Promise<string | null> {
    const webex = await this.session.request(xStatus('Webex Status'));
    return webex.status === 'OK' ? (valueAt(webex, ['Webex', 'Status']) ?? null) : null;
  }

  /** `xStatus Conference EndToEndEncryption`: availability and both identities (absent on unregistered devices). */
  async e2eeStatus(): Promise<E2eeStatus> {
    const res = await this.session.request(xStatus('Conference EndToEndEncryption'));
    if (!isOk(res)) {
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
      if (isOk(res)) return res;
      if (/no match/i.test(res.reason ?? '') || res.xpath) return null;
      throw this.failure(res, `read ${path}`);
    };
    const calls = parseMeetingCalls(await read('Conference Call'), await read('Call'));
    const first = calls[0];
    if (first === undefined) return { calls, participants: [] };
    const list = await this.session.request(
      xCommand('Conference ParticipantList Search', [['CallId', first.callId]]),
    );
    return { calls, participants: isOk(list) ? parseParticipantList(list) : [] };
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
      const res = await this.run(xConfigurationGet(), 'read the configuration', { timeoutMs: 120_000 });
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
      if (isOk(res)) report.applied.push(node.path);
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
      await this.run(line, 'factory reset', { timeoutMs: this.options.timeoutMs ?? 30_000 });
    } catch (e) {
      // The device may drop the console before its answer arrives: it is going down.
      if (!(isDeviceError(e, 'ERR_DEVICE_DISCONNECTED') && e.details.mayHaveRun === true)) throw e;
    }
    if (trailingAction !== 'Restart' && trailingAction !== 'WaitForUpgrade') return;
    this.adopt(await sessionAfterRestart(this.reopenContext(), ['', this.options.password ?? '']));
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
    await this.run(
      xCommand('Security ClientSecret Populate', [['Secret', encoded]]),
      'populate the ClientSecret',
    );
  }

  /** A new ClientSecret sealed under the current one (a `populate` blob). */
  async populateSecret(blob: string): Promise<void> {
    const b = checkBlob(blob, 'populate');
    if (b.length > LIMITS.secret) throw tooLong('populate blob', b.length, LIMITS.secret);
    await this.run(xCommand('Security ClientSecret Populate', [['Secret', b]]), 'change the ClientSecret');
  }

  /**
   * The certificate and key (an `add` blob): the multi-line Add with `IsEncrypted: True`. With `wrap`,
   * the blob goes over body lines of that many characters (for a console whose line limit is shorter
   * than the blob, once `joinsWrappedBody` has shown that the device joins them).
   */
  async addCertificate(blob: string, options: { wrap?: number } = {}): Promise<void> {
    const b = checkBlob(blob, 'add');
    await this.run(
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
    return this.lines.limit;
  }

  /**
   * The device's answer to the first line found cut, as printed (empty when the session ended on it,
   * `disconnected`), and that line's length; null until a probe cut a line.
   */
  get firstCutLine(): FirstCutLine | null {
    return this.lines.firstCutLine;
  }

  /**
   * Whether a line of `bytes` bytes reaches the device whole, measured with harmless padded probes and
   * remembered for this device; when it does not, the limit found (see `LineLimit.fits`).
   */
  lineFits(bytes: number): Promise<{ fits: boolean; limit: number | null }> {
    return this.lines.fits(bytes);
  }

  /**
   * Whether the device joins an `add` blob wrapped over several body lines at `width`, decided on its
   * refusals of a probe blob (an add blob whose payload is no certificate) against a corrupted control
   * (see `probeWrappedBody`).
   */
  async wrappedBodyProbe(probeBlob: string, width: number): Promise<WrappedBodyProbe> {
    return probeWrappedBody(this.session, this.transcript, checkBlob(probeBlob, 'add'), width);
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
      { timeoutMs: 30_000 },
    );
    return parseCertificates(res);
  }

  /** Activates a certificate for WebexIdentity (an `activate` blob of its fingerprint). */
  async activate(blob: string): Promise<void> {
    await this.identityBlob('activate', 'Activate', blob);
  }

  /** Deactivates the WebexIdentity certificate (a `deactivate` blob of its fingerprint). */
  async deactivate(blob: string): Promise<void> {
    await this.identityBlob('deactivate', 'Deactivate', blob);
  }

  /** `Security Certificates Services Activate|Deactivate` for WebexIdentity, with a fingerprint blob. */
  private async identityBlob(
    action: 'activate' | 'deactivate',
    command: 'Activate' | 'Deactivate',
    blob: string,
  ): Promise<void> {
    const b = checkBlob(blob, action);
    if (b.length > LIMITS.fingerprintBlob) throw tooLong(`${action} blob`, b.length, LIMITS.fingerprintBlob);
    await this.run(
      xCommand(`Security Certificates Services ${command}`, [
        ['Purpose', lit('WebexIdentity')],
        ['Fingerprint', b],
      ]),
      `${action} the certificate`,
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
    await this.run(
      xCommand('Security Certificates Services Delete', [['Fingerprint', fp]]),
      'delete the certificate',
    );
  }

  /** `xConfiguration Conference EndToEndEncryption Identity PreferredDomain`. */
  async setPreferredDomain(domain: string): Promise<void> {
    if (domain.length > LIMITS.preferredDomain)
      throw tooLong('preferred domain', domain.length, LIMITS.preferredDomain);
    await this.run(
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
    const res = await this.run(
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
    const until = Date.now() + timeoutMs;
    const passwords = [this.options.password ?? ''];
    this.adopt(await reopenSession(this.reopenContext(), passwords, until, timeoutMs, null));
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
  private async run(line: string, what: string, options: RequestOptions = {}): Promise<XapiResponse> {
    const res = await this.session.request(line, options);
    if (!isOk(res)) throw this.failure(res, what);
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

  /** What connect.ts needs to open this device's console again. */
  private reopenContext(): ReopenContext {
    return {
      target: this.target,
      options: this.options,
      previous: this.session,
      progress: (stage, message) => this.progress(stage, message),
      closing: () => this.closing,
    };
  }

  /** Takes over a session opened again: the measured line limit, the listeners, a progress line. */
  private adopt(session: ConsoleSession): void {
    this.session = session;
    this.lines.applyTo(session);
    this.wire(session);
    this.progress('reconnected', `${describeTarget(this.target)} answers again.`);
  }
}

/** Opens the console at `target`, logs in and sets the session up. */
export function connect(target: Target | string, options: ConnectOptions = {}): Promise<RoomOsDevice> {
  return RoomOsDevice.open(target, options);
}
