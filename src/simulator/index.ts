/**
 * The RoomOS device simulator: a Cisco video device's console (TShell over serial or SSH) with the state
 * the E2EE identity procedure touches. Faithful to `shared/spec/roomos-console.md` §7; choices where the
 * spec is inferred are listed in docs/simulator.md.
 */
import type { Duplex } from 'node:stream';
import { type Aftermath, findCommand, finishRegistration, registrationVerdict } from './commands.js';
import { Device, type Power, type SimStats } from './device.js';
import { joinMeeting, leaveMeeting } from './device-meeting.js';
import type { DeviceVariant } from './variant.js';
import { EventLog, type SessionKind, type SimEvent, type WebexStatus } from './events.js';
import { type Faults, describeFaults } from './faults.js';
import { DEFAULT_MODEL } from './models.js';
import { modelInfo } from './models.js';
import { PtyServer, type PtyHost } from './pty.js';
import { Session } from './session.js';
import { SshServer, generateHostKey, hostKeyFingerprint } from './ssh.js';
import { SimulatorError } from './errors.js';
import { ToolEnd } from './streams.js';
import type { SimulatorSettings } from '../core/simulator-options.js';
import { type SimMeeting, simMeeting } from './meeting.js';

export type { Faults } from './faults.js';
export type { SimEvent, SessionKind, Transport, WebexStatus } from './events.js';
export type { SimStats } from './device.js';
export { SimulatorError, SIMULATOR_ERROR_CODES } from './errors.js';
export type { SimulatorErrorCode } from './errors.js';
export { MODELS, DEFAULT_MODEL } from './models.js';
export { FEEDBACK_LIMIT } from './session.js';
export { SimMeeting, simMeeting, endSimMeeting, certInfoBlob, rosterStatus } from './meeting.js';
export type { SimulatorSettings } from '../core/simulator-options.js';
export type {
  MeetingMember,
  MemberFacts,
  MemberVerification,
  MeetingChange,
  MeetingShape,
  VerificationWords,
} from './meeting.js';

/**
 * The simulator's options: the plain settings every side shares (src/core/simulator-options.ts), and the
 * in-process extras: a meeting object to join instead of an id, and the faults to start with.
 */
export interface SimulatorOptions extends Omit<SimulatorSettings, 'meeting'> {
  /**
   * Join a simulated meeting (simulator only): its id (simulators of one process with the same id share
   * it) or the meeting itself. The device is then in call 1 of that meeting.
   */
  meeting?: string | SimMeeting;
  faults?: Partial<Faults>;
}

/** A certificate in the store, as a test sees it. */
export interface CertificateView {
  /** SHA-1, 40 lower-case hex digits (as `Services Show` lists it). */
  fingerprint: string;
  fingerprintSha256: string;
  subjectName: string;
  issuerName: string;
  commonName: string;
  /** ISO-8601. */
  notBefore: string;
  notAfter: string;
  /** Purposes it is active for, e.g. ['WebexIdentity']. */
  purposes: readonly string[];
  /** Added with `IsEncrypted: True` (a JWE body). */
  encrypted: boolean;
  /** Intermediate certificates stored with it. */
  chainLength: number;
  /** `service` (added with its key), `chain` (a chain certificate listed as its own entry), `preinstalled`. */
  kind: 'service' | 'chain' | 'preinstalled';
  /** What `Services Show` prints as `UsedFor`. */
  usedFor: string;
}

/** A read-only snapshot of the device for test assertions. It never holds the secret itself. */
export interface SimulatorStateView {
  productId: string;
  /** The banner's software string, e.g. 'RoomOS 11.23.1.8 3963b07b5c5'. */
  software: string;
  /** `xStatus SystemUnit Software Version`. */
  softwareVersion: string;
  serialNumber: string;
  systemName: string;
  /** Model and software can hold an external E2EE identity. */
  e2eeCapable: boolean;
  /** Whether a ClientSecret is populated. */
  clientSecretSet: boolean;
  certificates: readonly CertificateView[];
  /** SHA-1 of the certificate active for WebexIdentity. */
  webexIdentity: string | undefined;
  /** Configuration by path (`SystemUnit Name`, `SerialPort LoginRequired`, `Network 1 IPv4 Address`, …). */
  config: Readonly<Record<string, string>>;
  webexStatus: WebexStatus;
  /** `Webex Registration Start SecurityAction: Harden` succeeded: local users are deactivated, logins fail. */
  hardened: boolean;
  /** `xStatus SystemUnit Hardware Module DeviceId` (a UUID). */
  deviceId: string;
  /** SHA-1 of the preinstalled self-signed certificate, while it is in the store. */
  preinstalledCertificate: string | undefined;
  /** CA certificates (`Security Certificates CA Add`), SHA-1. */
  caCertificates: readonly string[];
  power: Power;
  rebooting: boolean;
  /** 1 at creation, +1 every time the device comes up again. */
  bootCount: number;
  adminPasswordSet: boolean;
  /** Open console sessions. */
  sessions: number;
}

/** A simulated device. Close it when done: it may hold socat processes and listening sockets. */
export interface RoomOsSimulator {
  /**
   * The tool's end of a new console session, in-process. `serial` (default) logs in at `login:`; `ssh`
   * starts with the banner; `cloud` (the Webex cloud's session, src/simulator/cloud/) starts with neither.
   */
  openStream(kind?: SessionKind): Duplex;
  /** A socat pseudo-terminal pair, the tool's end linked at `linkPath`. */
  servePty(linkPath: string): Promise<{ path: string; close(): Promise<void> }>;
  /** SSH on 127.0.0.1 (port 0 picks a free one). */
  serveSsh(options?: { port?: number; host?: '127.0.0.1' }): Promise<{
    port: number;
    hostKeyFingerprint: string;
    close(): Promise<void>;
  }>;
  /** Whether the device has the xCommand at `path` (e.g. `['Security', 'ClientSecret', 'Populate']`): its model and software offer it. */
  offersCommand(path: readonly string[]): boolean;
  /** Replaces the faults (an empty object switches all off). */
  setFaults(faults: Partial<Faults>): void;
  readonly faults: Readonly<Faults>;
  readonly state: SimulatorStateView;
  readonly events: readonly SimEvent[];
  /** What the device did so far (bytes each way, commands, blobs opened, delays spent): a copy. */
  readonly stats: Readonly<SimStats>;
  /** Whether the device's ClientSecret is `candidate` (constant-time; the secret itself is never exposed). */
  clientSecretIs(candidate: string): boolean;
  /** Powers the device on after a Shutdown (`TrailingAction: Shutdown`, `SystemUnit Boot Action: Shutdown`). */
  powerOn(): void;
  /** Resolves when the device is up (at once if it is). */
  whenUp(): Promise<void>;
  /** The simulated meeting the device is in (simulator only), to add and remove participants. */
  readonly meeting: SimMeeting | undefined;
  /** Puts the device in a simulated meeting (leaving the one it was in). */
  joinMeeting(meeting: SimMeeting): void;
  /** Takes the device out of its simulated meeting. */
  leaveMeeting(): void;
  close(): Promise<void>;
}

class Simulator implements PtyHost {
  readonly device: Device;
  readonly events: EventLog;
  readonly bannerVariant: 'current' | 'legacy';
  readonly lineLimit: number | undefined;
  readonly overlongLine: 'cut' | 'drop';
  readonly lineBytesPerSecond: number | undefined;
  readonly commandLatencyMs: number;
  private currentFaults: Faults;
  private readonly sessions = new Set<Session>();
  private readonly powerListeners = new Set<(phase: 'up' | 'down') => void>();
  private readonly servers = new Set<{ close(): Promise<void> }>();
  private sessionIds = 0;
  private faultGen = 0;
  private bootTimer: NodeJS.Timeout | undefined;
  private registrationTimer: NodeJS.Timeout | undefined;
  private readonly rebootDelayMs: number;
  private closed = false;

  constructor(options: SimulatorOptions) {
    if (options.lineLimit !== undefined && (!Number.isInteger(options.lineLimit) || options.lineLimit < 1)) {
      throw new SimulatorError('ERR_SIM_OPTIONS', `lineLimit must be a positive whole number of bytes.`, {
        lineLimit: options.lineLimit,
      });
    }
    for (const [name, v, allowed] of [
      ['overlongLine', options.overlongLine, ['cut', 'drop']],
      ['bodyLineBreaks', options.bodyLineBreaks, ['kept', 'joined']],
      ['refusals', options.refusals, ['worded', 'uniform']],
    ] as const) {
      if (v !== undefined && !(allowed as readonly string[]).includes(v)) {
        throw new SimulatorError('ERR_SIM_OPTIONS', `${name} must be one of ${allowed.join(', ')}.`, {
          [name]: v,
        });
      }
    }
    for (const [name, v, min] of [
      ['baudRate', options.baudRate, 1],
      ['commandLatencyMs', options.commandLatencyMs, 0],
      ['rebootDelayMs', options.rebootDelayMs, 0],
    ] as const) {
      if (v !== undefined && (!Number.isFinite(v) || v < min)) {
        throw new SimulatorError('ERR_SIM_OPTIONS', `${name} must be a number of at least ${min}.`, {
          [name]: v,
        });
      }
    }
    this.events = new EventLog(options.eventLog);
    const productId = options.model ?? DEFAULT_MODEL;
    this.device = new Device(
      {
        productId,
        software: options.software ?? modelInfo(productId).defaultSoftware,
        serialNumber: options.serialNumber ?? 'FOC2345X0AB',
        ...(options.systemName !== undefined ? { systemName: options.systemName } : {}),
        ...(options.loginRequired !== undefined ? { loginRequired: options.loginRequired } : {}),
        ...(options.adminPassword !== undefined ? { adminPassword: options.adminPassword } : {}),
      },
      this.events,
      options.stateFile,
      variantOf(options),
    );
    this.device.load({
      ...(options.model !== undefined ? { productId: options.model } : {}),
      ...(options.software !== undefined ? { software: options.software } : {}),
      ...(options.serialNumber !== undefined ? { serialNumber: options.serialNumber } : {}),
      ...(options.systemName !== undefined ? { systemName: options.systemName } : {}),
      ...(options.loginRequired !== undefined ? { loginRequired: options.loginRequired } : {}),
      ...(options.adminPassword !== undefined ? { adminPassword: options.adminPassword } : {}),
    });
    if (options.registered !== undefined) {
      this.device.webexStatus = options.registered ? 'Registered' : 'Stopped';
      this.device.registeredAt = options.registered ? new Date() : undefined;
    }
    this.device.save();
    if (options.meeting !== undefined) {
      joinMeeting(
        this.device,
        typeof options.meeting === 'string'
          ? simMeeting(options.meeting, {
              ...(options.meetingSessionType !== undefined
                ? { sessionType: options.meetingSessionType }
                : {}),
              ...(options.meetingShape !== undefined ? { shape: options.meetingShape } : {}),
              ...(options.meetingVerificationWords !== undefined
                ? { verificationWords: options.meetingVerificationWords }
                : {}),
            })
          : options.meeting,
      );
    }
    this.bannerVariant = options.banner ?? 'current';
    this.rebootDelayMs = options.rebootDelayMs ?? 1000;
    this.lineLimit = options.lineLimit;
    this.overlongLine = options.overlongLine ?? 'cut';
    this.lineBytesPerSecond = options.baudRate === undefined ? undefined : options.baudRate / 10;
    this.commandLatencyMs = options.commandLatencyMs ?? 0;
    this.currentFaults = { ...options.faults };
  }

  // --- SessionHost / PtyHost -------------------------------------------------------------------

  faults(): Faults {
    return this.currentFaults;
  }

  faultGeneration(): number {
    return this.faultGen;
  }

  clearFault(name: keyof Faults): void {
    const next = { ...this.currentFaults };
    delete next[name];
    this.currentFaults = next;
  }

  nextSessionId(): number {
    return ++this.sessionIds;
  }

  isUp(): boolean {
    return this.device.power === 'up' && !this.closed;
  }

  onPower(listener: (phase: 'up' | 'down') => void): () => void {
    this.powerListeners.add(listener);
    return () => this.powerListeners.delete(listener);
  }

  track(session: Session): void {
    this.sessions.add(session);
  }

  sessionClosed(session: Session): void {
    this.sessions.delete(session);
  }

  aftermath(then: Aftermath): void {
    switch (then.kind) {
      case 'factory-reset':
        this.events.emit({ type: 'factory-reset', keep: then.keep, trailingAction: then.trailingAction });
        clearTimeout(this.registrationTimer);
        this.device.factoryReset(then.keep);
        if (then.trailingAction === 'Shutdown') this.powerDown('factory-reset', false);
        else if (then.trailingAction !== 'NoAction') this.powerDown('factory-reset', true);
        return;
      case 'boot':
        this.powerDown(then.action === 'Shutdown' ? 'shutdown' : 'restart', then.action === 'Restart');
        return;
      case 'register': {
        // AccountLinkMode: Asynchronous: the answer is out; Registering until the verdict.
        const d = this.device;
        clearTimeout(this.registrationTimer);
        this.registrationTimer = setTimeout(() => {
          if (d.webexStatus !== 'Registering') return;
          finishRegistration(d, registrationVerdict(d, then.activationCode), then.harden);
        }, d.variant.registrationDelayMs);
        d.stats.delayMs += d.variant.registrationDelayMs;
        this.registrationTimer.unref();
        return;
      }
    }
  }

  private powerDown(reason: string, comeBack: boolean): void {
    if (this.device.power !== 'up') return;
    this.device.power = comeBack ? 'rebooting' : 'off';
    clearTimeout(this.registrationTimer);
    if (this.device.webexStatus === 'Registering') this.device.webexStatus = 'Stopped';
    this.events.emit({ type: 'power', phase: 'down', reason });
    for (const s of [...this.sessions]) s.close('reboot');
    for (const l of this.powerListeners) l('down');
    if (comeBack) {
      this.device.stats.reboots++;
      this.device.stats.delayMs += this.rebootDelayMs;
      this.bootTimer = setTimeout(() => this.powerUp(), this.rebootDelayMs);
    }
  }

  private powerUp(): void {
    if (this.closed || this.device.power === 'up') return;
    this.device.power = 'up';
    this.device.bootedAt = Date.now();
    this.device.bootCount++;
    this.events.emit({ type: 'power', phase: 'up', reason: 'boot' });
    for (const l of this.powerListeners) l('up');
    for (const s of this.sessions) s.start();
  }

  // --- RoomOsSimulator ---------------------------------------------------------------------------

  openStream(kind: SessionKind = 'serial'): Duplex {
    const end = new ToolEnd(
      (d) => session.input(d),
      () => session.ended(),
    );
    const session: Session = new Session(this, kind, 'stream', {
      write: (d) => end.deliver(d),
      close: () => end.hangUp(),
    });
    if (this.closed) {
      session.close('simulator-closed');
      return end;
    }
    this.sessions.add(session);
    if (this.isUp()) session.start();
    return end;
  }

  async servePty(linkPath: string): Promise<{ path: string; close(): Promise<void> }> {
    const server = new PtyServer(this, linkPath);
    this.servers.add(server);
    try {
      await server.start();
    } catch (e) {
      await server.close().catch(() => {});
      this.servers.delete(server);
      throw e;
    }
    return {
      path: server.path,
      close: async () => {
        this.servers.delete(server);
        await server.close();
      },
    };
  }

  async serveSsh(
    options: { port?: number; host?: '127.0.0.1' } = {},
  ): Promise<{ port: number; hostKeyFingerprint: string; close(): Promise<void> }> {
    if (this.device.hostKey === undefined) {
      this.device.hostKey = generateHostKey();
      this.device.save();
    }
    const server = new SshServer(this, this.device.hostKey, options.host ?? '127.0.0.1');
    this.servers.add(server);
    try {
      await server.listen(options.port ?? 0);
    } catch (e) {
      await server.close();
      this.servers.delete(server);
      throw e;
    }
    return {
      port: server.port,
      hostKeyFingerprint: hostKeyFingerprint(this.device.hostKey),
      close: async () => {
        this.servers.delete(server);
        await server.close();
      },
    };
  }

  setFaults(faults: Partial<Faults>): void {
    this.currentFaults = { ...faults };
    this.faultGen++;
    this.events.emit({ type: 'fault', session: 0, fault: `set ${JSON.stringify(describeFaults(faults))}` });
  }

  get state(): SimulatorStateView {
    const d = this.device;
    const active = d.certStore.active('WebexIdentity');
    return Object.freeze({
      productId: d.model.productId,
      software: d.software.display,
      softwareVersion: d.software.version,
      serialNumber: d.serialNumber,
      systemName: d.systemName,
      e2eeCapable: d.e2eeSupported,
      clientSecretSet: d.secret !== undefined,
      certificates: Object.freeze(
        d.certStore.certs.map((c) =>
          Object.freeze({
            fingerprint: c.facts.sha1,
            fingerprintSha256: c.facts.sha256,
            subjectName: c.facts.subjectName,
            issuerName: c.facts.issuerName,
            commonName: c.facts.commonName,
            notBefore: c.facts.notBefore.toISOString(),
            notAfter: c.facts.notAfter.toISOString(),
            purposes: Object.freeze([...c.purposes]),
            encrypted: c.encrypted,
            chainLength: c.chain.length,
            kind: c.kind,
            usedFor: d.certStore.usedFor(c),
          }),
        ),
      ),
      webexIdentity: active?.facts.sha1,
      config: Object.freeze(Object.fromEntries(d.config)),
      webexStatus: d.webexStatus,
      hardened: d.hardened,
      deviceId: d.deviceId,
      preinstalledCertificate: d.certStore.certs.find((c) => c.kind === 'preinstalled')?.facts.sha1,
      caCertificates: Object.freeze(d.certStore.caCerts.map((c) => c.facts.sha1)),
      power: d.power,
      rebooting: d.power === 'rebooting',
      bootCount: d.bootCount,
      adminPasswordSet: d.adminPassword !== '',
      sessions: [...this.sessions].filter((s) => !s.closed).length,
    });
  }

  clientSecretIs(candidate: string): boolean {
    return this.device.secretEquals(candidate);
  }

  powerOn(): void {
    clearTimeout(this.bootTimer);
    this.powerUp();
  }

  whenUp(): Promise<void> {
    if (this.isUp()) return Promise.resolve();
    return new Promise((r) => {
      const off = this.onPower((phase) => {
        if (phase === 'up') {
          off();
          r();
        }
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    leaveMeeting(this.device);
    clearTimeout(this.bootTimer);
    clearTimeout(this.registrationTimer);
    for (const s of [...this.sessions]) s.close('simulator-closed');
    await Promise.all([...this.servers].map((s) => s.close()));
    this.servers.clear();
  }
}

/** The options of `SimulatorOptions` whose values a variant `K` can take. */
type OptionFor<K extends keyof DeviceVariant> = {
  [O in keyof SimulatorOptions]-?: SimulatorOptions[O] extends DeviceVariant[K] | undefined ? O : never;
}[keyof SimulatorOptions];

/** The option that sets each variant (most have the variant's name). */
const VARIANT_OPTIONS: { [K in keyof DeviceVariant]: OptionFor<K> } = {
  usedFor: 'usedFor',
  webexIdentityLabel: 'webexIdentityLabel',
  chainEntries: 'chainEntries',
  selfSigned: 'selfSignedCertificate',
  encryptionOptionKey: 'encryptionOptionKey',
  populateNeedsRegistration: 'populateNeedsRegistration',
  registrationDelayMs: 'registrationDelayMs',
  rejectActivationCodes: 'rejectActivationCodes',
  registrationFails: 'registrationFails',
  orgDomain: 'orgDomain',
  externalStatus: 'externalIdentityStatus',
  externalVerification: 'externalIdentityVerification',
  bodyLineBreaks: 'bodyLineBreaks',
  refusals: 'refusals',
};

/** The device variants from the options (defaults: the public facts). */
function variantOf(o: SimulatorOptions): Partial<DeviceVariant> {
  const v: Partial<Record<keyof DeviceVariant, unknown>> = {};
  for (const [variant, option] of Object.entries(VARIANT_OPTIONS) as [
    keyof DeviceVariant,
    keyof SimulatorOptions,
  ][]) {
    const value = o[option];
    // An array is copied: the device must not change with the caller's list.
    if (value !== undefined) v[variant] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return v as Partial<DeviceVariant>;
}

/** Creates a simulated device (loading `stateFile` when it exists). */
export async function createSimulator(options: SimulatorOptions = {}): Promise<RoomOsSimulator> {
  const sim = new Simulator(options);
  return {
    openStream: (kind) => sim.openStream(kind),
    servePty: (linkPath) => sim.servePty(linkPath),
    serveSsh: (o) => sim.serveSsh(o),
    offersCommand: (path) => findCommand(path, sim.device) !== undefined,
    setFaults: (faults) => sim.setFaults(faults),
    get faults() {
      return sim.faults();
    },
    get state() {
      return sim.state;
    },
    get events() {
      return sim.events.list;
    },
    get stats() {
      return Object.freeze({ ...sim.device.stats });
    },
    clientSecretIs: (candidate) => sim.clientSecretIs(candidate),
    powerOn: () => sim.powerOn(),
    whenUp: () => sim.whenUp(),
    get meeting() {
      return sim.device.meeting?.meeting;
    },
    joinMeeting: (m) => joinMeeting(sim.device, m),
    leaveMeeting: () => leaveMeeting(sim.device),
    close: () => sim.close(),
  };
}
