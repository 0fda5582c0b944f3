import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type CertFacts, certFacts, showDate } from './certs.js';
import { type KeepItem, CONFIG_DEFS, configKey, configLeaf, defaultConfig } from './config.js';
import { SimulatorError } from './errors.js';
import type { EventLog, WebexStatus } from './events.js';
import type { Leaf } from './format.js';
import {
  type ModelInfo,
  type SoftwareInfo,
  modelInfo,
  softwareInfo,
  softwareSupportsE2ee,
} from './models.js';

/** Purposes a service certificate can be activated for (`Services Activate Purpose:`). */
export const PURPOSES = [
  '802.1X',
  'HTTPS',
  'Audit',
  'SIP',
  'Pairing',
  'WebexIdentity',
  'HttpClient',
  'HttpProxy',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** A certificate in the device's service store. */
export interface StoredCert {
  certificate: string;
  chain: string[];
  privateKey: string;
  purposes: Purpose[];
  /** Added with `IsEncrypted: True` (a JWE body). */
  encrypted: boolean;
  facts: CertFacts;
}

/** The state file's shape (format version 1). It holds the secret and keys: it is the device's flash. */
interface PersistedState {
  format: 'e2ee-prov-simulator-state';
  version: 1;
  device: { productId: string; software: string; serialNumber: string; deviceId: string };
  adminPassword: string;
  clientSecret: string | null;
  certificates: {
    certificate: string;
    chain: string[];
    privateKey: string;
    purposes: Purpose[];
    encrypted: boolean;
  }[];
  configuration: Record<string, string>;
  webex: { status: WebexStatus; hardened: boolean };
  signInBanner: string;
  hostKey?: string;
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

/** What changed, for feedback to sessions that registered for it. */
export interface DeviceChange {
  status: Leaf[];
  config: Leaf[];
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
  webexStatus: WebexStatus = 'Stopped';
  hardened = false;
  adminPassword: string;
  signInBanner = '';
  hostKey: string | undefined;
  power: Power = 'up';
  bootedAt = Date.now();
  bootCount = 1;
  readonly listeners = new Set<(change: DeviceChange) => void>();

  constructor(
    identity: DeviceIdentity,
    readonly events: EventLog,
    private readonly stateFile?: string,
  ) {
    this.model = modelInfo(identity.productId);
    this.software = softwareInfo(identity.software);
    this.serialNumber = identity.serialNumber;
    this.deviceId = randomBytes(6)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1:');
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
    if (s.format !== 'e2ee-prov-simulator-state' || s.version !== 1) {
      throw new SimulatorError(
        'ERR_SIM_STATE_FILE',
        `The file ${this.stateFile} is not a simulator state file (format version 1).`,
        {
          path: this.stateFile,
        },
      );
    }
    this.model = modelInfo(overrides.productId ?? s.device.productId);
    this.software = softwareInfo(overrides.software ?? s.device.software);
    this.serialNumber = overrides.serialNumber ?? s.device.serialNumber;
    this.deviceId = s.device.deviceId;
    this.adminPassword = overrides.adminPassword ?? s.adminPassword;
    this.secret = s.clientSecret ?? undefined;
    this.certs = s.certificates.map((c) => ({ ...c, facts: certFacts(c.certificate) }));
    this.config = defaultConfig();
    for (const [k, v] of Object.entries(s.configuration)) if (this.config.has(k)) this.config.set(k, v);
    if (overrides.systemName !== undefined) this.config.set('SystemUnit Name', overrides.systemName);
    if (overrides.loginRequired !== undefined)
      this.config.set('SerialPort LoginRequired', overrides.loginRequired ? 'On' : 'Off');
    this.webexStatus = s.webex.status === 'Registering' ? 'Stopped' : s.webex.status;
    this.hardened = s.webex.hardened;
    this.signInBanner = s.signInBanner;
    this.hostKey = s.hostKey;
  }

  /** Writes the state file atomically (temporary file, fsync, rename), as flash survives a power cut. */
  save(): void {
    if (this.stateFile === undefined) return;
    const s: PersistedState = {
      format: 'e2ee-prov-simulator-state',
      version: 1,
      device: {
        productId: this.model.productId,
        software: this.software.display,
        serialNumber: this.serialNumber,
        deviceId: this.deviceId,
      },
      adminPassword: this.adminPassword,
      clientSecret: this.secret ?? null,
      certificates: this.certs.map(({ facts: _facts, ...c }) => c),
      configuration: Object.fromEntries(this.config),
      webex: { status: this.webexStatus, hardened: this.hardened },
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

  /** Whether `xStatus Conference EndToEndEncryption` exists: E2EE-capable, and registered to Webex. */
  get e2eeStatusVisible(): boolean {
    return this.e2eeSupported && this.webexStatus === 'Registered';
  }

  /** The status tree (`xStatus`), in print order. Uptime is left out of change detection by `mutate`. */
  statusLeaves(withUptime = false): Leaf[] {
    const s = (path: (string | number)[], value: string, bare = false): Leaf => ({ path, value, bare });
    const leaves: Leaf[] = [];
    if (this.e2eeStatusVisible) leaves.push(...this.e2eeLeaves());
    leaves.push(
      s(['SystemUnit', 'Hardware', 'Module', 'DeviceId'], this.deviceId),
      s(['SystemUnit', 'Hardware', 'Module', 'SerialNumber'], this.serialNumber),
      s(['SystemUnit', 'ProductId'], this.model.productId),
      s(['SystemUnit', 'ProductPlatform'], this.model.productPlatform),
      s(['SystemUnit', 'ProductType'], 'Cisco Codec'),
      s(['SystemUnit', 'Software', 'DisplayName'], this.software.display),
      s(['SystemUnit', 'Software', 'Name'], 's53200'),
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
    const ext = this.active('WebexIdentity');
    const now = Date.now();
    if (ext) {
      const f = ext.facts;
      const valid = f.notBefore.getTime() <= now && now <= f.notAfter.getTime();
      leaves.push(
        s(['ExternalIdentity', 'Verification'], 'External'),
        s(['ExternalIdentity', 'Identity'], f.commonName),
        s(['ExternalIdentity', 'Status'], valid ? 'Valid' : 'Error'),
      );
      const chain = [ext.certificate, ...ext.chain];
      chain.forEach((pem, i) => {
        const cf = i === 0 ? f : certFacts(pem);
        const c = (field: (string | number)[], value: string): Leaf =>
          s(['ExternalIdentity', 'CertificateChain', 'Certificate', i + 1, ...field], value);
        leaves.push(
          c(['Fingerprint'], cf.sha1),
          c(['NotAfter'], showDate(cf.notAfter)),
          c(['NotBefore'], showDate(cf.notBefore)),
          c(['PrimaryName'], cf.commonName),
          c(
            ['PublicKeyAlgorithm'],
            cf.publicKeyAlgorithm === 'id-ecPublicKey'
              ? `ECDSA P-${cf.publicKeySize}`
              : `RSA ${cf.publicKeySize}`,
          ),
          c(['SerialNumber'], cf.serialNumber),
          c(['SignatureAlgorithm'], cf.hashingAlgorithm),
          c(['Subject', 1, 'Name'], cf.subjectName),
          c(['Validity'], cf.notAfter.getTime() < now ? 'Expired' : 'Valid'),
        );
      });
    } else {
      leaves.push(
        s(['ExternalIdentity', 'Verification'], 'None'),
        s(['ExternalIdentity', 'Identity'], ''),
        s(['ExternalIdentity', 'Status'], 'Unknown'),
      );
    }
    const name = this.systemName || this.serialNumber;
    leaves.push(
      s(['InternalIdentity', 'Verification'], 'Webex verified'),
      s(['InternalIdentity', 'Identity'], name),
      s(['InternalIdentity', 'Status'], 'Valid'),
    );
    return leaves;
  }

  /** Factory defaults, except what `keep` names. The ClientSecret is always cleared. */
  factoryReset(keep: readonly KeepItem[]): void {
    this.mutate(() => {
      const fresh = defaultConfig();
      for (const d of CONFIG_DEFS) {
        const k = configKey(d.path);
        if (d.keep === undefined || !keep.includes(d.keep)) this.config.set(k, fresh.get(k) ?? d.default);
      }
      this.secret = undefined;
      if (!keep.includes('Certificates')) this.certs = [];
      if (!keep.includes('Webex')) {
        this.webexStatus = 'Stopped';
        this.hardened = false;
      }
      if (!keep.includes('LocalSetup')) this.adminPassword = '';
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

function leafKey(l: Leaf): string {
  return l.path.map(String).join(' ');
}

function snapshot(leaves: Leaf[]): Map<string, string> {
  return new Map(leaves.map((l) => [leafKey(l), l.value]));
}

function changed(before: Map<string, string>, after: Leaf[]): Leaf[] {
  return after.filter((l) => before.get(leafKey(l)) !== l.value);
}
