/**
 * What the workflow tests share: a throwaway PKI with device certificates on disk, simulators served over
 * a real pseudo-terminal (socat) or SSH, the real OS keychain under a unique service (or, for tests of
 * the workflows' logic, the in-memory secret store: no keyring daemon), a journal in a temporary folder.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seal } from '../../../src/core/jwe/index.js';
import {
  type Credentials,
  buildAddPayload,
  checkCredentials,
  readCredentials,
} from '../../../src/core/pki/index.js';
import { type DemoPki, issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { type RoomOsDevice, connect, MemoryHostKeyStore } from '../../../src/main/device/index.js';
import {
  Journal,
  KeychainSecretStore,
  MemorySecretStore,
  type SecretStore,
} from '../../../src/main/vault/index.js';
import { type WorkflowDevice, deviceOps } from '../../../src/main/workflows/device-port.js';
import type { WorkflowEvent } from '../../../src/main/workflows/engine.js';
import { provision } from '../../../src/main/workflows/provision.js';
import {
  type RoomOsSimulator,
  type SimulatorOptions,
  createSimulator,
} from '../../../src/simulator/index.js';
import { emptyKeychain } from '../../helpers/keychain.js';
import { ptyFor } from '../../helpers/pty.js';
import { systemHas } from '../../helpers/system.js';

export interface IssuedFiles {
  cn: string;
  certPath: string;
  keyPath: string;
  bundlePath: string;
  credentials: Credentials;
  fingerprint: string;
  /** ISO 8601, as the pki report gives it. */
  notAfter: string;
}

export interface RigOptions {
  /** `keychain` (default): the OS keychain, for the end-to-end suites; `memory`: for logic tests. */
  secrets?: 'keychain' | 'memory';
}

export class Rig {
  dir = '';
  pki!: DemoPki;
  readonly service = `e2ee-prov-test-${randomUUID()}`;
  secrets!: SecretStore;

  constructor(private readonly options: RigOptions = {}) {}

  journal!: Journal;
  private sims: RoomOsSimulator[] = [];
  private devices: RoomOsDevice[] = [];
  private n = 0;

  async setUp(name: string): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), `${name}-`));
    this.pki = await makeDemoPki('Test');
    this.secrets =
      this.options.secrets === 'memory'
        ? new MemorySecretStore()
        : new KeychainSecretStore({ service: this.service });
    this.journal = new Journal(join(this.dir, 'home'));
  }

  /** Closes devices and simulators (after each test). */
  async reset(): Promise<void> {
    for (const d of this.devices.splice(0)) await d.close().catch(() => undefined);
    for (const s of this.sims.splice(0)) await s.close();
  }

  async tearDown(): Promise<void> {
    await this.reset();
    await emptyKeychain(this.secrets);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A device certificate (P-256 unless said otherwise), written to files. */
  async issue(cn: string, options: { days?: number; key?: 'P-256' | 'RSA' } = {}): Promise<IssuedFiles> {
    const c = await issueDeviceCert(this.pki, { cn, dns: [cn], ...options });
    const id = ++this.n;
    const certPath = join(this.dir, `cert-${id}.pem`);
    const keyPath = join(this.dir, `key-${id}.pem`);
    const bundlePath = join(this.dir, `bundle-${id}.pem`);
    await writeFile(certPath, `${c.certificatePem}\n${this.pki.intermediatePem}`);
    await writeFile(keyPath, c.keyPem);
    await writeFile(bundlePath, c.bundlePem);
    const credentials = readCredentials({ certPem: c.bundlePem });
    const { report } = checkCredentials(credentials, { now: new Date(0) });
    const fingerprint = report.fingerprints.sha1;
    return { cn, certPath, keyPath, bundlePath, credentials, fingerprint, notAfter: report.notAfter };
  }

  async sim(options: SimulatorOptions = {}): Promise<RoomOsSimulator> {
    const sim = await createSimulator({ rebootDelayMs: 200, ...options });
    this.sims.push(sim);
    return sim;
  }

  /** A new simulator (`options`) with the serial number `<prefix><count>`, served on a new pty. */
  async simOnPty(
    prefix: string,
    count: number,
    options: SimulatorOptions = {},
  ): Promise<{ sim: RoomOsSimulator; target: string; serial: string }> {
    const serial = `${prefix}${String(count).padStart(3, '0')}`;
    const sim = await this.sim({ serialNumber: serial, ...options });
    return { sim, target: await this.pty(sim), serial };
  }

  /** The suite's hooks (call inside its `describe`): set up, devices closed after each test, torn down. */
  suite(name: string): void {
    beforeAll(() => this.setUp(name));
    afterEach(() => this.reset());
    afterAll(() => this.tearDown());
  }

  /** Serves `sim` on a new pseudo-terminal; returns its `serial:` target. */
  async pty(sim: RoomOsSimulator): Promise<string> {
    return (await ptyFor(sim, `tty-${++this.n}`, this.dir)).target;
  }

  /** Connects over the target (a real pty or ssh), as the CLI does: once, as a technician would. */
  async connect(target: string): Promise<RoomOsDevice> {
    const d = await connect(target, { timeoutMs: 8000, hostKeyStore: new MemoryHostKeyStore() });
    this.devices.push(d);
    return d;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** What a workflow runs with: `device`, and the rig's secret store and journal. */
  deps(device: WorkflowDevice): { device: WorkflowDevice; secrets: SecretStore; journal: Journal } {
    return { device, secrets: this.secrets, journal: this.journal };
  }
}

/** Whether this machine has what the suites over a real pty with the real keychain need. */
export function ptyAndKeyring(): boolean {
  return systemHas('socat') && systemHas('keyring');
}

/** Collects events, and the step ids by status. */
export function recorder(): { events: WorkflowEvent[]; onEvent: (e: WorkflowEvent) => void } {
  const events: WorkflowEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

export function stepStatuses(r: { steps: { id: string; status: string }[] }): Record<string, string> {
  return Object.fromEntries(r.steps.map((s) => [s.id, s.status]));
}

/**
 * A new connection once the console answers again (after a drop the pty comes back shortly). The limit
 * turns a console that never comes back into a failure; it is far past the moment it does.
 */
export async function reconnect(rig: Rig, target: string): Promise<RoomOsDevice> {
  const until = Date.now() + 45_000;
  for (;;) {
    try {
      return await rig.connect(target);
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The device's operations as a plain object (to replace one of them in a test double). */
export function bind(device: RoomOsDevice): WorkflowDevice {
  return deviceOps(device);
}

/** A Room Kit on a real pty, provisioned with a fresh certificate `cn` and `secret` (optionally registered). */
export async function provisionedOnPty(
  rig: Rig,
  serial: string,
  cn: string,
  secret: string,
  options: { register?: boolean } = {},
): Promise<{ sim: RoomOsSimulator; target: string; cert: IssuedFiles }> {
  const cert = await rig.issue(cn);
  const sim = await rig.sim({ serialNumber: serial });
  const target = await rig.pty(sim);
  const device = await rig.connect(target);
  const r = await provision(
    { device, secrets: rig.secrets, journal: rig.journal },
    {
      credentials: cert.credentials,
      secret,
      // A fixture's secret, not a person's: its strength is not what the tests using it are about.
      weakSecret: 'allow',
      link: 'serial',
      ...(options.register ? { activationCode: '0000-1111-2222-3333', registrationTimeoutMs: 5000 } : {}),
    },
  );
  if (!r.ok) throw new Error(`provisioning for the test failed: ${r.error?.code} ${r.error?.message}`);
  await device.close();
  return { sim, target, cert };
}

/** The tool's certificates on the device (service entries, with their key): SHA-1 and active purposes. */
export function serviceCerts(sim: RoomOsSimulator): Array<[string, readonly string[]]> {
  return sim.state.certificates.filter((c) => c.kind === 'service').map((c) => [c.fingerprint, c.purposes]);
}

/** The device's own self-signed certificate is still listed, unused: the tool never deletes it. */
export function expectPreinstalledKept(sim: RoomOsSimulator): void {
  const pre = sim.state.certificates.filter((c) => c.kind === 'preinstalled');
  expect(pre.map((c) => [c.fingerprint, c.subjectName, c.usedFor])).toEqual([
    [sim.state.preinstalledCertificate, '/CN=TemporaryDefaultCertificate', ''],
  ]);
}

/** A leaf with many names under an RSA-4096 intermediate: an add blob longer than 4,095 bytes. */
export async function longChain(
  cn: string,
): Promise<{ bundlePem: string; credentials: Credentials; fingerprint: string; blobBytes: number }> {
  const pki = await makeDemoPki('Long Chain', { intermediateBits: 4096 });
  const names = Array.from({ length: 12 }, (_, i) => `alias-${i}.${cn}`);
  const c = await issueDeviceCert(pki, { cn, dns: [cn, ...names] });
  const credentials = readCredentials({ certPem: c.bundlePem });
  const { report } = checkCredentials(credentials);
  const blob = await seal('add', buildAddPayload(credentials).payload, 'any secret');
  return {
    bundlePem: c.bundlePem,
    credentials,
    fingerprint: report.fingerprints.sha1,
    blobBytes: blob.length,
  };
}
