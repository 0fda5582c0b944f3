import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CertFacts,
  certFacts,
  e2eeDate,
  e2eeKeyAlgorithm,
  e2eeSignatureAlgorithm,
  makeSelfSigned,
} from './certs.js';
import { type KeepItem, CONFIG_DEFS, configKey, configLeaf, defaultConfig } from './config.js';
import { SimulatorError } from './errors.js';
import { CERTIFICATE_PURPOSES, type CertificatePurpose } from '../core/xapi/vocabulary.js';
import type { EventLog, WebexStatus } from './events.js';
import type { Leaf } from './format.js';
import {
  type MeetingMember,
  type MemberFacts,
  type SimMeeting,
  certInfoBlob,
  rosterStatus,
} from './meeting.js';
import {
  type ModelInfo,
  type SoftwareInfo,
  modelInfo,
  softwareInfo,
  softwareSupportsE2ee,
} from './models.js';

/** Purposes a service certificate can be activated for (`Services Activate Purpose:`; core/xapi/vocabulary.ts). */
export const PURPOSES = CERTIFICATE_PURPOSES;
export type Purpose = CertificatePurpose;

/**
 * `UsedFor` labels by purpose. `SIP` and `HTTPS server` are captured (ALD); the others are guesses, and the
 * WebexIdentity label is in no public source (open question 2): it is the `webexIdentityLabel` option.
 */
export const USED_FOR_LABELS: Readonly<Record<Purpose, string>> = {
  '802.1X': '802.1X',
  HTTPS: 'HTTPS server',
  Audit: 'Audit',
  SIP: 'SIP',
  Pairing: 'Pairing',
  WebexIdentity: 'Webex identity',
  HttpClient: 'HTTP client',
  HttpProxy: 'HTTP proxy',
};

/**
 * What a store entry is: a certificate added with its key (`service`), a chain certificate that came with
 * one and is listed as an entry of its own (`chain`, ALD), or the device's own preinstalled self-signed
 * certificate (`preinstalled`).
 */
export type CertKind = 'service' | 'chain' | 'preinstalled';

/** A certificate in the device's service store. */
export interface StoredCert {
  kind: CertKind;
  certificate: string;
  /** Chain certificates added with it (PEM), for a `service` entry; empty otherwise. */
  chain: string[];
  /** Empty for a `chain` entry: the device has no key for it. */
  privateKey: string;
  purposes: Purpose[];
  /** Added with `IsEncrypted: True` (a JWE body). */
  encrypted: boolean;
  facts: CertFacts;
}

/** A CA certificate (`Security Certificates CA Add`). */
export interface StoredCa {
  certificate: string;
  facts: CertFacts;
}

/**
 * Variants: behaviours that differ from the public facts (older simulator behaviour), and values no public
 * source settles. Defaults are in `DEFAULT_VARIANT`.
 */
export interface DeviceVariant {
  /** `labels` (default, ALD): `UsedFor: "SIP, HTTPS server"`; `purposes`: the Purpose literals (old simulator). */
  usedFor: 'labels' | 'purposes';
  /** The `UsedFor` label of WebexIdentity (default `Webex identity`, a guess: open question 2). */
  webexIdentityLabel: string;
  /** Chain certificates of an add become entries of their own (default true, ALD); false: old simulator. */
  chainEntries: boolean;
  /** A factory-fresh device holds its own self-signed certificate (default true). */
  selfSigned: boolean;
  /** `SystemUnit Software OptionKeys Encryption` (default True, RKM). */
  encryptionOptionKey: boolean;
  /** Refuse `ClientSecret Populate` on an unregistered device (schema registeredOnly). Default false (seed). */
  populateNeedsRegistration: boolean;
  /** How long a registration takes (default 100 ms). */
  registrationDelayMs: number;
  /** Activation codes (digits only) the simulated cloud refuses. */
  rejectActivationCodes: readonly string[];
  /** Every registration fails. */
  registrationFails: boolean;
  /** The org's domain: `InternalIdentity Identity` once registered (RKM shows the org's domain). */
  orgDomain: string;
  /** `ExternalIdentity Status` with an active external certificate (default `Valid`, a guess: open question 5). */
  externalStatus: string;
  /** `ExternalIdentity Verification` with an active external certificate (default `CAVerified`, a guess). */
  externalVerification: string;
  /**
   * A multiline body as the command receives it: `kept` (default: the body reaches the command with its
   * line breaks, Cisco's "Multiline commands" notes), so a JWE wrapped over lines does not open; `joined`:
   * whitespace is removed before the blob is opened (a device that joins wrapped lines; not public).
   */
  bodyLineBreaks: 'kept' | 'joined';
  /**
   * How an xCommand refusal reads: `worded` (default: the Reason of each failure) or `uniform` (every
   * failure reads `Invalid input.`, a device that resists guessing: open question 4).
   */
  refusals: 'worded' | 'uniform';
}

export const DEFAULT_VARIANT: Readonly<DeviceVariant> = Object.freeze({
  usedFor: 'labels',
  webexIdentityLabel: 'Webex identity',
  chainEntries: true,
  selfSigned: true,
  encryptionOptionKey: true,
  populateNeedsRegistration: false,
  registrationDelayMs: 100,
  rejectActivationCodes: [],
  registrationFails: false,
  orgDomain: 'example.com',
  externalStatus: 'Valid',
  externalVerification: 'CAVerified',
  bodyLineBreaks: 'kept',
  refusals: 'worded',
});

interface PersistedCert {
  kind?: CertKind;
  certificate: string;
  chain: string[];
  privateKey: string;
  purposes: Purpose[];
  encrypted: boolean;
}

/** The state file's shape (format version 2; version 1 files load). It holds the secret and keys: it is the device's flash. */
interface PersistedState {
  format: 'e2ee-prov-simulator-state';
  version: 1 | 2;
  device: { productId: string; software: string; serialNumber: string; deviceId: string };
  adminPassword: string;
  clientSecret: string | null;
  certificates: PersistedCert[];
  caCertificates?: string[];
  configuration: Record<string, string>;
  webex: { status: WebexStatus; hardened: boolean; registeredAt?: string };
  signInBanner: string;
  hostKey?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEVICE_ID_NAMESPACE = 'e2ee-prov-simulator:';

/**
 * A UUID (RKM: `373a93cd-5f65-572a-81d8-95d0b15ebad4`, a version-5 UUID) derived from the serial number,
 * so that a simulated device keeps its DeviceId with or without a state file (where it is also kept).
 */
export function deviceIdFor(serialNumber: string): string {
  const h = createHash('sha1')
    .update(DEVICE_ID_NAMESPACE + serialNumber)
    .digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface DeviceIdentity {
  productId: string;
  software: string;
  serialNumber: string;
  systemName?: string;
  loginRequired?: boolean;
  adminPassword?: string;
}

export type Power = 'up' | 'rebooting' | 'off';

/** What the device did so far: bytes each way, commands, blobs it opened, the delays it spent. */
export interface SimStats {
  /** Bytes received from the tool on all sessions. */
  bytesIn: number;
  /** Bytes sent to the tool on all sessions, echo included. */
  bytesOut: number;
  /** Of `bytesOut`, the echo of what the tool typed (on a serial line it travels while the tool's bytes arrive). */
  echoBytes: number;
  /** Command lines run (any verb but `bye`). */
  commands: number;
  /** Encrypted blobs the device opened (each one key derivation). */
  blobsOpened: number;
  /** Times the device went down and came back up. */
  reboots: number;
  /** Time spent on the configured device delays: command latency, reboots, registrations. */
  delayMs: number;
}

/** What changed, for feedback to sessions that registered for it. */
export interface DeviceChange {
  status: Leaf[];
  config: Leaf[];
  /** Event blocks (`*e …`), each a list of leaves. */
  events?: Leaf[][];
}

/**
 * The device's state: identity, configuration, ClientSecret, certificate store, Webex registration and
 * power. Every mutation goes through `mutate`, which persists the state and tells listeners what changed.
 */
export class Device {
  model: ModelInfo;
  software: SoftwareInfo;
  serialNumber: string;
  deviceId: string;
  config: Map<string, string>;
  /** The ClientSecret; undefined until the first populate (and after a factory reset). */
  secret: string | undefined;
  certs: StoredCert[] = [];
  caCerts: StoredCa[] = [];
  webexStatus: WebexStatus = 'Stopped';
  /** `SecurityAction: Harden` deactivated the local users: logins fail until a factory reset. */
  hardened = false;
  /** When the registration succeeded (dates of the internal identity). */
  registeredAt: Date | undefined;
  readonly variant: DeviceVariant;
  adminPassword: string;
  signInBanner = '';
  hostKey: string | undefined;
  power: Power = 'up';
  bootedAt = Date.now();
  bootCount = 1;
  readonly stats: SimStats = {
    bytesIn: 0,
    bytesOut: 0,
    echoBytes: 0,
    commands: 0,
    blobsOpened: 0,
    reboots: 0,
    delayMs: 0,
  };
  readonly listeners = new Set<(change: DeviceChange) => void>();
  /** The simulated meeting this device is in (simulator only), and its place in it. */
  meeting: { meeting: SimMeeting; member: MeetingMember; off: () => void } | undefined;
  private meetingSnapshot = new Map<string, string>();

  constructor(
    identity: DeviceIdentity,
    readonly events: EventLog,
    private readonly stateFile?: string,
    variant: Partial<DeviceVariant> = {},
  ) {
    this.variant = { ...DEFAULT_VARIANT, ...variant };
    this.model = modelInfo(identity.productId);
    this.software = softwareInfo(identity.software);
    this.serialNumber = identity.serialNumber;
    this.deviceId = deviceIdFor(this.serialNumber);
    this.installSelfSigned();
    this.adminPassword = identity.adminPassword ?? '';
    this.config = defaultConfig();
    if (identity.systemName !== undefined) this.config.set('SystemUnit Name', identity.systemName);
    if (identity.loginRequired !== undefined)
      this.config.set('SerialPort LoginRequired', identity.loginRequired ? 'On' : 'Off');
  }

  /** Loads the state file when it exists; explicit options given to the simulator win over it. */
  load(overrides: Partial<DeviceIdentity>): void {
    if (this.stateFile === undefined || !existsSync(this.stateFile)) return;
    let s: PersistedState;
    try {
      s = JSON.parse(readFileSync(this.stateFile, 'utf8')) as PersistedState;
    } catch (e) {
      throw new SimulatorError(
        'ERR_SIM_STATE_FILE',
        `The state file ${this.stateFile} is not JSON: ${(e as Error).message}.`,
        {
          path: this.stateFile,
        },
      );
    }
    if (s.format !== 'e2ee-prov-simulator-state' || (s.version !== 1 && s.version !== 2)) {
      throw new SimulatorError(
        'ERR_SIM_STATE_FILE',
        `The file ${this.stateFile} is not a simulator state file (format version 1 or 2).`,
        {
          path: this.stateFile,
        },
      );
    }
    this.model = modelInfo(overrides.productId ?? s.device.productId);
    this.software = softwareInfo(overrides.software ?? s.device.software);
    this.serialNumber = overrides.serialNumber ?? s.device.serialNumber;
    // Version 1 files hold a MAC-like DeviceId: a real device's is a UUID.
    this.deviceId = UUID.test(s.device.deviceId) ? s.device.deviceId : deviceIdFor(this.serialNumber);
    this.adminPassword = overrides.adminPassword ?? s.adminPassword;
    this.secret = s.clientSecret ?? undefined;
    const loaded: StoredCert[] = [];
    for (const c of s.certificates) {
      const entry: StoredCert = { ...c, kind: c.kind ?? 'service', facts: certFacts(c.certificate) };
      loaded.push(entry);
      // Version 1 kept chain certificates inside the leaf only.
      if (s.version === 1) loaded.push(...this.chainEntriesFor(entry, loaded));
    }
    this.certs = loaded;
    if (s.version === 1) this.installSelfSigned();
    this.caCerts = (s.caCertificates ?? []).map((pem) => ({ certificate: pem, facts: certFacts(pem) }));
    this.config = defaultConfig();
    for (const [k, v] of Object.entries(s.configuration)) if (this.config.has(k)) this.config.set(k, v);
    if (overrides.systemName !== undefined) this.config.set('SystemUnit Name', overrides.systemName);
    if (overrides.loginRequired !== undefined)
      this.config.set('SerialPort LoginRequired', overrides.loginRequired ? 'On' : 'Off');
    this.webexStatus = s.webex.status === 'Registering' ? 'Stopped' : s.webex.status;
    this.hardened = s.webex.hardened;
    this.registeredAt =
      s.webex.registeredAt !== undefined
        ? new Date(s.webex.registeredAt)
        : this.webexStatus === 'Registered'
          ? new Date()
          : undefined;
    this.signInBanner = s.signInBanner;
    this.hostKey = s.hostKey;
  }

  /** Writes the state file atomically (temporary file, fsync, rename), as flash survives a power cut. */
  save(): void {
    if (this.stateFile === undefined) return;
    const s: PersistedState = {
      format: 'e2ee-prov-simulator-state',
      version: 2,
      device: {
        productId: this.model.productId,
        software: this.software.display,
        serialNumber: this.serialNumber,
        deviceId: this.deviceId,
      },
      adminPassword: this.adminPassword,
      clientSecret: this.secret ?? null,
      certificates: this.certs.map(({ facts: _facts, ...c }) => c),
      caCertificates: this.caCerts.map((c) => c.certificate),
      configuration: Object.fromEntries(this.config),
      webex: {
        status: this.webexStatus,
        hardened: this.hardened,
        ...(this.registeredAt !== undefined ? { registeredAt: this.registeredAt.toISOString() } : {}),
      },
      signInBanner: this.signInBanner,
      ...(this.hostKey !== undefined ? { hostKey: this.hostKey } : {}),
    };
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(s, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.stateFile);
  }

  /** Whether this device can hold an external E2EE identity at all (model and software). */
  get e2eeSupported(): boolean {
    return this.model.e2eeCapable && softwareSupportsE2ee(this.software);
  }

  get loginRequired(): boolean {
    return this.config.get('SerialPort LoginRequired') !== 'Off';
  }

  get systemName(): string {
    return this.config.get('SystemUnit Name') ?? '';
  }

  /** The certificate active for a purpose. */
  active(purpose: Purpose): StoredCert | undefined {
    return this.certs.find((c) => c.purposes.includes(purpose));
  }

  /** The entry with this SHA-1 or SHA-256 (40 or 64 hex digits, any case, colons allowed). */
  findCert(fingerprint: string): StoredCert | undefined {
    const fp = fingerprint.replace(/:/g, '').toLowerCase();
    return this.certs.find((c) => c.facts.sha1 === fp || c.facts.sha256 === fp);
  }

  /** The device's own certificate, made when the device is (and kept by every factory reset). */
  private installSelfSigned(): void {
    if (!this.variant.selfSigned || this.certs.some((c) => c.kind === 'preinstalled')) return;
    const serial = createHash('sha1').update(`self-signed:${this.deviceId}`).digest('hex').slice(0, 16);
    const made = makeSelfSigned(`0${serial.slice(1)}`);
    this.certs.unshift({
      kind: 'preinstalled',
      certificate: made.certificate,
      chain: [],
      privateKey: made.privateKey,
      purposes: [],
      encrypted: false,
      facts: certFacts(made.certificate),
    });
  }

  /**
   * The entries a service certificate's chain adds (ALD: an added intermediate becomes its own entry); one
   * already in the store (or in `pending`) is not added twice. None with the `chainEntries: false` variant.
   */
  chainEntriesFor(leaf: StoredCert, pending: readonly StoredCert[] = []): StoredCert[] {
    if (!this.variant.chainEntries) return [];
    const out: StoredCert[] = [];
    for (const pem of leaf.chain) {
      const facts = certFacts(pem);
      const known = [...this.certs, ...pending, ...out].some((c) => c.facts.sha1 === facts.sha1);
      if (known) continue;
      out.push({
        kind: 'chain',
        certificate: pem,
        chain: [],
        privateKey: '',
        purposes: [],
        encrypted: false,
        facts,
      });
    }
    return out;
  }

  /** The service certificates whose chain holds this entry. */
  chainedBy(entry: StoredCert): StoredCert[] {
    return this.certs.filter(
      (c) => c.kind !== 'chain' && c.chain.some((pem) => certFacts(pem).sha1 === entry.facts.sha1),
    );
  }

  /**
   * What an entry shows as used for: its own purposes; a chain entry shows those of the certificates it
   * chains (ALD: the intermediate shows the leaf's uses although only the leaf was activated).
   */
  effectivePurposes(entry: StoredCert): Purpose[] {
    if (entry.kind !== 'chain') return [...entry.purposes];
    const out: Purpose[] = [];
    for (const leaf of this.chainedBy(entry))
      for (const p of leaf.purposes) if (!out.includes(p)) out.push(p);
    return out;
  }

  /** The `UsedFor` text: labels (or, with the `purposes` variant, the literals) joined by `, `. */
  usedFor(entry: StoredCert): string {
    const v = this.variant;
    return this.effectivePurposes(entry)
      .map((p) =>
        v.usedFor === 'purposes' ? p : p === 'WebexIdentity' ? v.webexIdentityLabel : USED_FOR_LABELS[p],
      )
      .join(', ');
  }

  /** The chain an external identity presents: the leaf and its chain certificates still in the store. */
  identityChain(leaf: StoredCert): CertFacts[] {
    const chain = leaf.chain.map((pem) => certFacts(pem));
    if (!this.variant.chainEntries) return [leaf.facts, ...chain];
    return [leaf.facts, ...chain.filter((f) => this.certs.some((c) => c.facts.sha1 === f.sha1))];
  }

  /** Whether a login as `user` with `password` succeeds: only `admin`, and not after `SecurityAction: Harden`. */
  loginAllowed(user: string, password: string): boolean {
    return user === 'admin' && password === this.adminPassword && !this.hardened;
  }

  /** Runs a change, persists it and tells listeners which status and configuration values changed. */
  mutate<T>(fn: () => T): T {
    const beforeStatus = snapshot(this.statusLeaves());
    const beforeConfig = snapshot(this.configLeaves());
    const result = fn();
    this.save();
    const status = changed(beforeStatus, this.statusLeaves());
    const config = changed(beforeConfig, this.configLeaves());
    if (status.length > 0 || config.length > 0) for (const l of this.listeners) l({ status, config });
    return result;
  }

  configLeaves(): Leaf[] {
    return CONFIG_DEFS.map((d) => configLeaf(d, this.config.get(configKey(d.path)) ?? d.default));
  }

  /** Seconds since the last boot. */
  get uptime(): number {
    return Math.floor((Date.now() - this.bootedAt) / 1000);
  }

  /** Whether `xStatus Conference EndToEndEncryption` exists: E2EE-capable, and registered to Webex (schema registeredOnly). */
  get e2eeStatusVisible(): boolean {
    return this.e2eeSupported && this.webexStatus === 'Registered';
  }

  /** The status tree (`xStatus`), in print order. Uptime is left out of change detection by `mutate`. */
  statusLeaves(withUptime = false): Leaf[] {
    const s = (path: (string | number)[], value: string, bare = false): Leaf => ({ path, value, bare });
    const leaves: Leaf[] = [...this.callLeaves()];
    if (this.e2eeStatusVisible) leaves.push(...this.e2eeLeaves());
    leaves.push(
      s(['SystemUnit', 'Hardware', 'Module', 'DeviceId'], this.deviceId),
      s(['SystemUnit', 'Hardware', 'Module', 'SerialNumber'], this.serialNumber),
      s(['SystemUnit', 'ProductId'], this.model.productId),
      s(['SystemUnit', 'ProductPlatform'], this.model.productPlatform),
      s(['SystemUnit', 'ProductType'], 'Cisco Codec'),
      s(['SystemUnit', 'Software', 'DisplayName'], this.software.displayName),
      s(['SystemUnit', 'Software', 'Name'], 's53200'),
      s(
        ['SystemUnit', 'Software', 'OptionKeys', 'Encryption'],
        this.variant.encryptionOptionKey ? 'True' : 'False',
        true,
      ),
      s(['SystemUnit', 'Software', 'ReleaseDate'], this.software.releaseDate),
      s(['SystemUnit', 'Software', 'Version'], this.software.version),
    );
    if (withUptime) leaves.push(s(['SystemUnit', 'Uptime'], String(this.uptime), true));
    if ((this.software.numbers[0] ?? 0) >= 10) leaves.push(s(['Webex', 'Status'], this.webexStatus, true));
    return leaves;
  }

  /** In a simulated meeting of an E2EE session type, and able to take part in E2EE. */
  get inE2eeMeeting(): boolean {
    return this.meeting !== undefined && this.meeting.meeting.e2ee && this.e2eeSupported;
  }

  /** Joins the simulated meeting as a participant whose facts follow this device's identity. */
  joinMeeting(meeting: SimMeeting): void {
    this.leaveMeeting();
    const off = meeting.on((c) => this.meetingChanged(c.change, c.facts, c.member));
    this.meetingSnapshot = snapshot(this.callLeaves());
    const member = meeting.add(() => this.meetingFacts());
    this.meeting = { meeting, member, off };
    this.meetingChanged('added', member.facts(), member);
  }

  /** Leaves the simulated meeting (the others see the participant go). */
  leaveMeeting(): void {
    const m = this.meeting;
    if (!m) return;
    m.off();
    this.meeting = undefined;
    m.meeting.leave(m.member);
    this.meetingSnapshot = new Map();
  }

  /** How this device appears in a meeting: its external identity when one is active, else its Webex one. */
  meetingFacts(): MemberFacts {
    const displayName = this.config.get('SystemUnit Name') || this.model.productId;
    const ext = this.active('WebexIdentity');
    if (ext) {
      const f = ext.facts;
      return {
        displayName,
        identity: f.commonName,
        verification: 'external',
        certInfo: certInfoBlob({
          subject: f.subjectName,
          issuer: f.issuerName,
          notBefore: f.notBefore,
          notAfter: f.notAfter,
          sha256: f.sha256,
          serialNumber: f.serialNumber,
        }),
      };
    }
    const at = this.registeredAt ?? new Date(this.bootedAt);
    const seed = createHash('sha256').update(`internal:${this.deviceId}:${at.toISOString()}`).digest('hex');
    return {
      displayName,
      identity: this.variant.orgDomain,
      verification: 'webex',
      certInfo: certInfoBlob({
        subject: `CN=${this.variant.orgDomain}`,
        issuer: 'CN=Webex Identity CA (simulated)',
        notBefore: at,
        notAfter: new Date(Math.floor(at.getTime() / 1000) * 1000 + 14 * 86_400_000),
        sha256: seed,
      }),
    };
  }

  /**
   * `Call 1 …` and `Conference Call 1 …` while in a simulated meeting: the seed's Table 3 and the
   * schema's `Call[n] Encryption Type`, `Conference Call[n] SessionType` (here the meeting's session type
   * ID: inferred). A meeting of a type outside Table 1 is not end-to-end encrypted: no code, no roster.
   */
  callLeaves(): Leaf[] {
    const m = this.meeting?.meeting;
    // A device joins a Webex meeting only once registered (no call before); one that cannot hold an E2EE
    // identity is never in the E2EE part of it.
    if (!m || this.power !== 'up' || this.webexStatus !== 'Registered') return [];
    const s = (path: (string | number)[], value: string, bare = false): Leaf => ({ path, value, bare });
    const cc = (path: (string | number)[], value: string, bare = false): Leaf =>
      s(['Conference', 'Call', 1, ...path], value, bare);
    const e = (path: (string | number)[], value: string, bare = false): Leaf =>
      cc(['EndToEndEncryption', ...path], value, bare);
    const seed = m.shape === 'seed';
    const leaves: Leaf[] = [
      s(['Call', 1, 'DisplayName'], m.title),
      s(['Call', 1, 'Encryption', 'Type'], 'Aes-128'),
      ...(seed ? [s(['Call', 1, 'ServerEncryption', 'Type'], 'TLS1.3 AES-256-GCM')] : []),
      s(['Call', 1, 'Status'], 'Connected', true),
      cc(['SessionType'], m.sessionTypeField === 'id' ? String(m.sessionType) : 'Call', true),
    ];
    // The published schema has no E2EE node under the call: only the seed's Table 3 shape shows one.
    if (!seed) return leaves;
    if (!this.inE2eeMeeting) {
      leaves.push(
        e(['GroupEncryption', 'Type'], 'None'),
        e(['MediaEncryption', 'Type'], 'None'),
        e(['SecurityCode'], ''),
        e(['Status'], 'Off', true),
      );
      return leaves;
    }
    leaves.push(
      e(['GroupEncryption', 'Type'], 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256'),
      e(['MediaEncryption', 'Type'], 'AES-256-GCM'),
    );
    m.members.forEach((member, i) => {
      const f = member.facts();
      const r = (field: string, value: string): Leaf => e(['Roster', 'Participant', i + 1, field], value);
      leaves.push(
        r('CertInfo', f.certInfo),
        r('DisplayName', f.displayName),
        r('Id', member.id),
        r('Identity', f.identity),
        r('Status', rosterStatus(f.verification, m.verificationWords)),
      );
    });
    leaves.push(e(['SecurityCode'], m.securityCode()), e(['Status'], 'On', true));
    return leaves;
  }

  /**
   * The participant fields of the participant list and its events: the schema's `Device 1 {Id,
   * EndToEndEncryption {CertificateChain Certificate 1 …, Identity, Status, Verification}}` (the E2EE
   * node only in an E2EE meeting), or, in the seed's shape, the three `EndToEndEncryption…` fields.
   */
  participantLeaves(member: MeetingMember, facts: MemberFacts, under: (string | number)[]): Leaf[] {
    const l = (field: (string | number)[], value: string, bare = false): Leaf => ({
      path: [...under, ...field],
      value,
      bare,
    });
    const m = this.meeting?.meeting;
    const words = m?.verificationWords ?? 'identity';
    const leaves = [
      l(['CallId'], '1', true),
      l(['DisplayName'], facts.displayName),
      l(['IsHost'], member.isHost ? 'True' : 'False', true),
      l(['ParticipantId'], member.participantId),
      l(['Status'], 'connected', true),
    ];
    if (m?.shape === 'seed') {
      if (this.inE2eeMeeting) {
        leaves.push(
          l(['EndToEndEncryptionCertInfo'], facts.certInfo),
          l(['EndToEndEncryptionIdentity'], facts.identity),
          l(['EndToEndEncryptionStatus'], rosterStatus(facts.verification, words), true),
        );
      }
      return leaves;
    }
    const dev = (field: (string | number)[], value: string, bare = false): Leaf =>
      l(['Device', 1, ...field], value, bare);
    const e2 = (field: (string | number)[], value: string, bare = false): Leaf =>
      dev(['EndToEndEncryption', ...field], value, bare);
    if (this.inE2eeMeeting) {
      const cert = certFields(facts);
      if (cert) {
        const c = (field: (string | number)[], value: string): Leaf =>
          e2(['CertificateChain', 'Certificate', 1, ...field], value);
        leaves.push(
          c(['Fingerprint'], cert.fingerprint),
          c(['NotAfter'], cert.notAfter),
          c(['NotBefore'], cert.notBefore),
          c(['PrimaryName'], facts.identity),
          c(['SerialNumber'], cert.serialNumber),
          c(['Subject', 1, 'Name'], facts.identity),
          c(['Validity'], 'Valid'),
        );
      }
      leaves.push(
        e2(['Identity'], facts.identity),
        e2(['Status'], facts.verification === 'unverified' ? '' : 'Valid'),
        e2(['Verification'], rosterStatus(facts.verification, words)),
      );
    }
    leaves.push(dev(['Id'], member.id));
    return leaves;
  }

  /** A meeting change: the participant event, and the call status that changed with it. */
  private meetingChanged(
    change: 'added' | 'deleted' | 'updated',
    facts: MemberFacts,
    member: MeetingMember,
  ): void {
    if (!this.meeting) return;
    const name =
      change === 'added'
        ? 'ParticipantAdded'
        : change === 'deleted'
          ? 'ParticipantDeleted'
          : 'ParticipantUpdated';
    const event = this.participantLeaves(member, facts, ['Conference', 'ParticipantList', name]);
    const now = this.callLeaves();
    const status = changed(this.meetingSnapshot, now);
    this.meetingSnapshot = snapshot(now);
    for (const l of this.listeners) l({ status, config: [], events: [event] });
  }

  private e2eeLeaves(): Leaf[] {
    const base = ['Conference', 'EndToEndEncryption'];
    const s = (path: (string | number)[], value: string, bare = false): Leaf => ({
      path: [...base, ...path],
      value,
      bare,
    });
    const leaves: Leaf[] = [s(['Availability'], 'Available', true)];
    const ext = this.active('WebexIdentity');
    const now = Date.now();
    const validity = (f: CertFacts): string =>
      f.notAfter.getTime() < now ? 'Expired' : f.notBefore.getTime() > now ? 'NotYetValid' : 'Valid';
    if (ext) {
      const chain = this.identityChain(ext);
      chain.forEach((cf, i) => {
        const c = (field: (string | number)[], value: string): Leaf =>
          s(['ExternalIdentity', 'CertificateChain', 'Certificate', i + 1, ...field], value);
        const names = [cf.commonName, ...sanDnsNames(cf.subjectAltName)].filter(
          (n, j, all) => n !== '' && all.indexOf(n) === j,
        );
        leaves.push(
          c(['Fingerprint'], cf.sha1),
          c(['NotAfter'], e2eeDate(cf.notAfter)),
          c(['NotBefore'], e2eeDate(cf.notBefore)),
          c(['PrimaryName'], cf.commonName),
          c(['PublicKeyAlgorithm'], e2eeKeyAlgorithm(cf)),
          c(['SerialNumber'], cf.serialNumber),
          c(
            ['SignatureAlgorithm'],
            e2eeSignatureAlgorithm(cf, chain[i + 1] ?? (cf.issuerName === cf.subjectName ? cf : undefined)),
          ),
          ...names.map((n, j) => c(['Subject', j + 1, 'Name'], n)),
          c(['Validity'], validity(cf)),
        );
      });
      const valid = validity(ext.facts) === 'Valid';
      leaves.push(
        s(['ExternalIdentity', 'Identity'], ext.facts.commonName),
        s(['ExternalIdentity', 'Status'], valid ? this.variant.externalStatus : validity(ext.facts)),
        s(['ExternalIdentity', 'Verification'], this.variant.externalVerification),
      );
    } else {
      // RKM: a registered device with no external identity shows the three as empty strings.
      leaves.push(
        s(['ExternalIdentity', 'Identity'], ''),
        s(['ExternalIdentity', 'Status'], ''),
        s(['ExternalIdentity', 'Verification'], ''),
      );
    }
    // The Webex-issued internal identity (RKM): a short-lived P-256 certificate under a P-384 CA.
    const at = this.registeredAt ?? new Date(this.bootedAt);
    const seed = createHash('sha256').update(`internal:${this.deviceId}:${at.toISOString()}`).digest('hex');
    const c = (field: (string | number)[], value: string): Leaf =>
      s(['InternalIdentity', 'CertificateChain', 'Certificate', 1, ...field], value);
    leaves.push(
      c(['Fingerprint'], seed.slice(0, 40)),
      c(['NotAfter'], e2eeDate(new Date(Math.floor(at.getTime() / 1000) * 1000 + 14 * 86_400_000))),
      c(['PublicKeyAlgorithm'], 'ECDSA P256 SHA-256'),
      c(['SerialNumber'], seed.slice(40, 58).toUpperCase()),
      c(['SignatureAlgorithm'], 'ECDSA P384 SHA-384'),
      c(['Subject', 1, 'Name'], `machine:${this.deviceId}`),
      c(['Subject', 2, 'Name'], this.variant.orgDomain),
      c(['Validity'], 'Valid'),
      s(['InternalIdentity', 'Identity'], this.variant.orgDomain),
      s(['InternalIdentity', 'Status'], 'Valid'),
      s(['InternalIdentity', 'Verification'], 'WebexVerified'),
    );
    return leaves;
  }

  /**
   * Factory defaults, except what `keep` names (the schema's list, real-devices.md "Commands"). The
   * ClientSecret, users and passwords, the system name and the registration are never kept; the
   * preinstalled self-signed certificate always is.
   */
  factoryReset(keep: readonly KeepItem[]): void {
    this.mutate(() => {
      const fresh = defaultConfig();
      for (const d of CONFIG_DEFS) {
        const k = configKey(d.path);
        if (d.keep === undefined || !keep.includes(d.keep)) this.config.set(k, fresh.get(k) ?? d.default);
      }
      this.secret = undefined;
      if (!keep.includes('Certificates')) {
        this.certs = this.certs.filter((c) => c.kind === 'preinstalled');
        this.caCerts = [];
      }
      this.installSelfSigned();
      this.webexStatus = 'Stopped';
      this.registeredAt = undefined;
      this.hardened = false;
      this.adminPassword = '';
      this.signInBanner = '';
    });
  }

  /** A constant-time comparison of `candidate` with the current secret, for tests. */
  secretEquals(candidate: string): boolean {
    if (this.secret === undefined) return false;
    const a = Buffer.from(this.secret, 'utf8');
    const b = Buffer.from(candidate, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** DNS names of a subjectAltName as Node prints it (`DNS:a.example, DNS:b.example`). */
function sanDnsNames(san: string): string[] {
  return san
    .split(/,\s*/)
    .filter((p) => p.startsWith('DNS:'))
    .map((p) => p.slice(4));
}

function leafKey(l: Leaf): string {
  return l.path.map(String).join(' ');
}

/**
 * A member's certificate as the published `CertificateChain Certificate[n]` gives it, from the simulated
 * `CertInfo` blob (fingerprint, validity, serial number); null when the member has none.
 */
function certFields(
  facts: MemberFacts,
): { fingerprint: string; notAfter: string; notBefore: string; serialNumber: string } | null {
  if (facts.certInfo === '') return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(facts.certInfo) as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
  const date = (k: string): string => {
    const d = new Date(text(k));
    return Number.isNaN(d.getTime()) ? text(k) : e2eeDate(d);
  };
  return {
    fingerprint: text('fingerprint'),
    notAfter: date('notAfter'),
    notBefore: date('notBefore'),
    serialNumber: text('serialNumber'),
  };
}

function snapshot(leaves: Leaf[]): Map<string, string> {
  return new Map(leaves.map((l) => [leafKey(l), l.value]));
}

function changed(before: Map<string, string>, after: Leaf[]): Leaf[] {
  return after.filter((l) => before.get(leafKey(l)) !== l.value);
}
