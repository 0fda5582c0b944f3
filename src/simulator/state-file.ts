/**
 * The simulated device's state file: its flash (ClientSecret, keys, certificates, configuration,
 * registration, host key) as JSON, read without blocking and written atomically with the writer the app
 * uses too (src/shared/atomic-file.ts). Format version 2; version 1 files load.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../shared/atomic-file.js';
import { certFacts } from './certs.js';
import type { CertKind, Purpose, StoredCert } from './cert-store.js';
import { defaultConfig } from './config.js';
import type { Device, DeviceIdentity } from './device.js';
import { SimulatorError } from './errors.js';
import type { WebexStatus } from './events.js';
import { deviceIdFor, modelInfo, softwareInfo } from './models.js';

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

/** Loads the state file when it exists; explicit options given to the simulator win over it. */
export function loadState(d: Device, file: string, overrides: Partial<DeviceIdentity>): void {
  if (!existsSync(file)) return;
  let s: PersistedState;
  // Opened without blocking and checked first: a FIFO nobody writes would hold the simulator up forever.
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let text: string;
  try {
    if (!fstatSync(fd).isFile()) {
      throw new SimulatorError(
        'ERR_SIM_STATE_FILE',
        `The state file ${file} is not a regular file (a pipe, a socket or a device?). Name a file.`,
        { path: file },
      );
    }
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  try {
    s = JSON.parse(text) as PersistedState;
  } catch (e) {
    throw new SimulatorError(
      'ERR_SIM_STATE_FILE',
      `The state file ${file} is not JSON: ${(e as Error).message}.`,
      {
        path: file,
      },
    );
  }
  if (s.format !== 'e2ee-prov-simulator-state' || (s.version !== 1 && s.version !== 2)) {
    throw new SimulatorError(
      'ERR_SIM_STATE_FILE',
      `The file ${file} is not a simulator state file (format version 1 or 2).`,
      {
        path: file,
      },
    );
  }
  d.model = modelInfo(overrides.productId ?? s.device.productId);
  d.software = softwareInfo(overrides.software ?? s.device.software);
  d.serialNumber = overrides.serialNumber ?? s.device.serialNumber;
  // Version 1 files hold a MAC-like DeviceId: a real device's is a UUID.
  d.deviceId = UUID.test(s.device.deviceId) ? s.device.deviceId : deviceIdFor(d.serialNumber);
  d.adminPassword = overrides.adminPassword ?? s.adminPassword;
  d.secret = s.clientSecret ?? undefined;
  const loaded: StoredCert[] = [];
  for (const c of s.certificates) {
    const entry: StoredCert = { ...c, kind: c.kind ?? 'service', facts: certFacts(c.certificate) };
    loaded.push(entry);
    // Version 1 kept chain certificates inside the leaf only.
    if (s.version === 1) loaded.push(...d.certStore.chainEntriesFor(entry, loaded));
  }
  d.certStore.certs = loaded;
  if (s.version === 1) d.certStore.installSelfSigned(d.deviceId);
  d.certStore.caCerts = (s.caCertificates ?? []).map((pem) => ({ certificate: pem, facts: certFacts(pem) }));
  d.config = defaultConfig();
  for (const [k, v] of Object.entries(s.configuration)) if (d.config.has(k)) d.config.set(k, v);
  if (overrides.systemName !== undefined) d.config.set('SystemUnit Name', overrides.systemName);
  if (overrides.loginRequired !== undefined)
    d.config.set('SerialPort LoginRequired', overrides.loginRequired ? 'On' : 'Off');
  d.webexStatus = s.webex.status === 'Registering' ? 'Stopped' : s.webex.status;
  d.hardened = s.webex.hardened;
  d.registeredAt =
    s.webex.registeredAt !== undefined
      ? new Date(s.webex.registeredAt)
      : d.webexStatus === 'Registered'
        ? new Date()
        : undefined;
  d.signInBanner = s.signInBanner;
  d.hostKey = s.hostKey;
}

/**
 * Writes the state file atomically (a new temporary file with a random name, fsync, rename), as flash
 * survives a power cut.
 */
export function saveState(d: Device, file: string): void {
  const s: PersistedState = {
    format: 'e2ee-prov-simulator-state',
    version: 2,
    device: {
      productId: d.model.productId,
      software: d.software.display,
      serialNumber: d.serialNumber,
      deviceId: d.deviceId,
    },
    adminPassword: d.adminPassword,
    clientSecret: d.secret ?? null,
    certificates: d.certStore.certs.map(({ facts: _facts, ...c }) => c),
    caCertificates: d.certStore.caCerts.map((c) => c.certificate),
    configuration: Object.fromEntries(d.config),
    webex: {
      status: d.webexStatus,
      hardened: d.hardened,
      ...(d.registeredAt !== undefined ? { registeredAt: d.registeredAt.toISOString() } : {}),
    },
    signInBanner: d.signInBanner,
    ...(d.hostKey !== undefined ? { hostKey: d.hostKey } : {}),
  };
  // Never `${state}.${pid}.tmp` opened with 'w': a name anyone could plant a symbolic link at.
  writeFileAtomicSync(file, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}
