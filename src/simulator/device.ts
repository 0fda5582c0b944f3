/**
 * The simulated device: identity, configuration, ClientSecret, Webex registration, power and the status
 * tree. Its certificate store (cert-store.ts), state file (state-file.ts) and meeting (device-meeting.ts)
 * live in rooms of their own.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type CertFacts, e2eeDate, e2eeKeyAlgorithm, e2eeSignatureAlgorithm } from './certs.js';
import { CertStore } from './cert-store.js';
import { type KeepItem, CONFIG_DEFS, configKey, configLeaf, defaultConfig } from './config.js';
import { callLeaves } from './device-meeting.js';
import type { EventLog, WebexStatus } from './events.js';
import { type Leaf, changedLeaves, leafSnapshot } from './format.js';
import type { MeetingMember, SimMeeting } from './meeting.js';
import {
  type ModelInfo,
  type SoftwareInfo,
  deviceIdFor,
  modelInfo,
  softwareInfo,
  softwareSupportsE2ee,
} from './models.js';
import { loadState, saveState } from './state-file.js';
import { type DeviceVariant, DEFAULT_VARIANT } from './variant.js';

export type { CertKind, Purpose, StoredCa, StoredCert } from './cert-store.js';
export { PURPOSES, USED_FOR_LABELS } from './cert-store.js';
export type { DeviceVariant } from './variant.js';

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
  /** The certificate store (src/simulator/cert-store.ts). */
  readonly certStore: CertStore;
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
  /** The call status as the meeting's participants last saw it (src/simulator/device-meeting.ts). */
  meetingSnapshot = new Map<string, string>();

  constructor(
    identity: DeviceIdentity,
    readonly events: EventLog,
    private readonly stateFile?: string,
    variant: Partial<DeviceVariant> = {},
  ) {
    this.variant = { ...DEFAULT_VARIANT, ...variant };
    this.certStore = new CertStore(this.variant);
    this.model = modelInfo(identity.productId);
    this.software = softwareInfo(identity.software);
    this.serialNumber = identity.serialNumber;
    this.deviceId = deviceIdFor(this.serialNumber);
    this.certStore.installSelfSigned(this.deviceId);
    this.adminPassword = identity.adminPassword ?? '';
    this.config = defaultConfig();
    if (identity.systemName !== undefined) this.config.set('SystemUnit Name', identity.systemName);
    if (identity.loginRequired !== undefined)
      this.config.set('SerialPort LoginRequired', identity.loginRequired ? 'On' : 'Off');
  }

  /** Loads the state file when it exists (src/simulator/state-file.ts); explicit options win over it. */
  load(overrides: Partial<DeviceIdentity>): void {
    if (this.stateFile !== undefined) loadState(this, this.stateFile, overrides);
  }

  /** Writes the state file atomically, as flash survives a power cut. */
  save(): void {
    if (this.stateFile !== undefined) saveState(this, this.stateFile);
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

  /** Whether a login as `user` with `password` succeeds: only `admin`, and not after `SecurityAction: Harden`. */
  loginAllowed(user: string, password: string): boolean {
    return user === 'admin' && password === this.adminPassword && !this.hardened;
  }

  /** Runs a change, persists it and tells listeners which status and configuration values changed. */
  mutate<T>(fn: () => T): T {
    const beforeStatus = leafSnapshot(this.statusLeaves());
    const beforeConfig = leafSnapshot(this.configLeaves());
    const result = fn();
    this.save();
    const status = changedLeaves(beforeStatus, this.statusLeaves());
    const config = changedLeaves(beforeConfig, this.configLeaves());
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
    const leaves: Leaf[] = [...callLeaves(this)];
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

  private e2eeLeaves(): Leaf[] {
    const base = ['Conference', 'EndToEndEncryption'];
    const s = (path: (string | number)[], value: string, bare = false): Leaf => ({
      path: [...base, ...path],
      value,
      bare,
    });
    const leaves: Leaf[] = [s(['Availability'], 'Available', true)];
    const ext = this.certStore.active('WebexIdentity');
    const now = Date.now();
    const validity = (f: CertFacts): string =>
      f.notAfter.getTime() < now ? 'Expired' : f.notBefore.getTime() > now ? 'NotYetValid' : 'Valid';
    if (ext) {
      const chain = this.certStore.identityChain(ext);
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
        this.certStore.certs = this.certStore.certs.filter((c) => c.kind === 'preinstalled');
        this.certStore.caCerts = [];
      }
      this.certStore.installSelfSigned(this.deviceId);
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
