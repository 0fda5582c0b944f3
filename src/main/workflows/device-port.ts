/**
 * The device operations the workflows use: the typed RoomOS API of `main/device` satisfies it, and so
 * can a test double. Workflows depend on this, not on a transport.
 */
import type { CertificatePurpose, FactoryResetKeep, WrappedBodyProbe } from '../device/device.js';
import type {
  ConfigNode,
  ConfigurationDump,
  DeviceCertificate,
  DeviceIdentity,
  E2eeStatus,
} from '../../core/xapi/results.js';
import type { LinkKind, TrailingAction } from '../../core/xapi/vocabulary.js';

export type SecurityAction = 'Harden' | 'NoAction';

export interface FactoryResetOptions {
  keep?: readonly FactoryResetKeep[];
  trailingAction?: Exclude<TrailingAction, 'WaitForUpgrade'>;
}

export interface WorkflowDevice {
  identify(): Promise<DeviceIdentity>;
  /** The Webex registration alone (one read instead of the identity's three); absent: `identify` is used. */
  webexStatus?(): Promise<string | null>;
  e2eeStatus(): Promise<E2eeStatus>;
  configurationDump(): Promise<ConfigurationDump>;
  restoreConfiguration(nodes: ConfigNode[]): Promise<unknown>;
  factoryReset(options: FactoryResetOptions): Promise<unknown>;
  populateSecretPlain(secret: string): Promise<unknown>;
  populateSecret(blob: string): Promise<void>;
  addCertificate(blob: string, options?: { wrap?: number }): Promise<unknown>;
  /** Whether a line of `bytes` bytes reaches the device whole (measured); absent: not measurable. */
  lineFits?(bytes: number): Promise<{ fits: boolean; limit: number | null }>;
  /** Whether the device joins an add blob wrapped over body lines (harmless probes with a control case). */
  wrappedBodyProbe?(probeBlob: string, width: number): Promise<WrappedBodyProbe>;
  listCertificates(options?: { filter?: CertificatePurpose }): Promise<DeviceCertificate[]>;
  activate(blob: string): Promise<unknown>;
  deactivate(blob: string): Promise<unknown>;
  deleteCertificate(fingerprint: string): Promise<unknown>;
  setPreferredDomain(domain: string): Promise<unknown>;
  registerWebex(
    activationCode: string,
    securityAction: SecurityAction,
    options?: { timeoutMs?: number },
  ): Promise<Record<string, string>>;
}

/** The device's Webex registration status, with one read when the device offers it. */
export async function readWebexStatus(device: WorkflowDevice): Promise<string | null> {
  return device.webexStatus ? device.webexStatus() : (await device.identify()).webexStatus;
}

/** How the tool reaches the device: a plain secret may travel only over the physical console. */
export type { LinkKind };

/**
 * The device's operations as a plain object, each calling through to `device`, with `overrides` in
 * place of some (to watch or alter one operation, in the batch runner or a test double).
 */
export function deviceOps(device: WorkflowDevice, overrides: Partial<WorkflowDevice> = {}): WorkflowDevice {
  return {
    identify: () => device.identify(),
    ...(device.webexStatus ? { webexStatus: () => device.webexStatus!() } : {}),
    e2eeStatus: () => device.e2eeStatus(),
    configurationDump: () => device.configurationDump(),
    restoreConfiguration: (nodes) => device.restoreConfiguration(nodes),
    factoryReset: (o) => device.factoryReset(o),
    populateSecretPlain: (s) => device.populateSecretPlain(s),
    populateSecret: (b) => device.populateSecret(b),
    addCertificate: (b, o) => device.addCertificate(b, o),
    ...(device.lineFits ? { lineFits: (n: number) => device.lineFits!(n) } : {}),
    ...(device.wrappedBodyProbe
      ? { wrappedBodyProbe: (b: string, w: number) => device.wrappedBodyProbe!(b, w) }
      : {}),
    listCertificates: (o) => device.listCertificates(o),
    activate: (b) => device.activate(b),
    deactivate: (b) => device.deactivate(b),
    deleteCertificate: (f) => device.deleteCertificate(f),
    setPreferredDomain: (d) => device.setPreferredDomain(d),
    registerWebex: (c, a, o) => device.registerWebex(c, a, o),
    ...overrides,
  };
}
