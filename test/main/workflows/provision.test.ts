/**
 * The provisioning workflow against the simulator over a real pseudo-terminal (as over a USB console),
 * with the in-memory secret store (no keyring daemon) and a journal on disk: the whole procedure, every refusal, a cable pulled at
 * every device-changing command (before and after the device acted), and resume after each.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCredentials, type Credentials } from '../../../src/core/pki/index.js';
import { issueDeviceCert, makeDemoPki, type DemoPki } from '../../../src/main/demo/pki.js';
import { connect, type RoomOsDevice } from '../../../src/main/device/index.js';
import { Journal } from '../../../src/main/vault/journal.js';
import { MemorySecretStore } from '../../../src/main/vault/memory-store.js';
import { type WorkflowDevice, deviceOps } from '../../../src/main/workflows/device-port.js';
import type { WorkflowEvent } from '../../../src/main/workflows/engine.js';
import {
  type ProvisionOptions,
  type ProvisionResult,
  provision,
} from '../../../src/main/workflows/provision.js';
import {
  createSimulator,
  type RoomOsSimulator,
  type SimulatorOptions,
} from '../../../src/simulator/index.js';
import { ptyDevice, ptyFor } from '../../helpers/pty.js';
import { systemHas } from '../../helpers/system.js';

const ready = systemHas('socat');
const SERIAL = 'FOC2345X0AB';

describe.runIf(ready)('provision over a serial console', () => {
  let pki: DemoPki;
  let creds: Credentials;
  let cn: string;
  let dir: string;
  let secrets: MemorySecretStore;
  let journal: Journal;
  let sim: RoomOsSimulator;
  let link: string;
  let closePty: () => Promise<void>;
  const opened: RoomOsDevice[] = [];

  beforeAll(async () => {
    pki = await makeDemoPki('Test');
    cn = 'room-7.test.example';
    creds = readCredentials({ certPem: (await issueDeviceCert(pki, { cn, dns: [cn] })).bundlePem });
  });

  async function fresh(options: SimulatorOptions = {}): Promise<void> {
    const pty = await ptyDevice('e2ee-prov', {
      serialNumber: SERIAL,
      rebootDelayMs: 100,
      registrationDelayMs: 20,
      ...options,
    });
    ({ dir, sim, link, closePty } = pty);
    secrets = new MemorySecretStore();
    journal = new Journal(join(dir, 'data'));
  }

  afterEach(async () => {
    for (const d of opened.splice(0)) await d.close().catch(() => undefined);
    await closePty?.();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(() => undefined);

  async function run(
    options: Partial<ProvisionOptions> = {},
    events?: WorkflowEvent[],
    wrap: (d: RoomOsDevice) => WorkflowDevice = (d) => d,
  ): Promise<ProvisionResult> {
    const device = await connect(`serial:${link}`, { timeoutMs: 10_000, wakeIntervalMs: 1000 });
    opened.push(device);
    try {
      return await provision(
        { device: wrap(device), secrets, journal },
        { credentials: creds, link: 'serial', ...options },
        { onEvent: events ? (e) => events.push(e) : undefined },
      );
    } finally {
      await device.close().catch(() => undefined);
    }
  }

  const statuses = (r: ProvisionResult): Record<string, string> =>
    Object.fromEntries(r.steps.map((s) => [s.id, s.status]));

  it('provisions a factory-fresh device: secret, certificate, WebexIdentity, handover', async () => {
    await fresh();
    const events: WorkflowEvent[] = [];
    const handover = join(dir, 'handover.json');
    const r = await run({ handover: { file: handover } }, events);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(statuses(r)).toEqual({
      precheck: 'done',
      backup: 'skipped',
      'factory-reset': 'skipped',
      'populate-secret': 'done',
      'add-certificate': 'done',
      'match-fingerprint': 'done',
      activate: 'done',
      verify: 'done',
      restore: 'skipped',
      'register-first': 'skipped',
      register: 'skipped',
      'verify-registered': 'skipped',
      handover: 'done',
    });
    const fp = r.report!.fingerprint;
    expect(fp).toMatch(/^[0-9a-f]{40}$/);
    // The device holds the generated secret, and so does the keychain; nothing is pending.
    expect(r.newSecret).toMatch(/^([23456789A-HJ-NP-Z]{4}-){6}[23456789A-HJ-NP-Z]{4}$/);
    expect(sim.clientSecretIs(r.newSecret!)).toBe(true);
    expect(await secrets.get(SERIAL)).toBe(r.newSecret);
    expect(await secrets.getPending(SERIAL)).toBeNull();
    expect(sim.state.webexIdentity).toBe(fp);
    // The tool's one certificate; the device also lists its own preinstalled one (untouched) and the
    // chain certificate that came with ours, as an entry of its own.
    expect(
      sim.state.certificates
        .filter((c) => c.kind === 'service')
        .map((c) => [c.fingerprint, c.commonName, c.purposes, c.encrypted, c.chainLength]),
    ).toEqual([[fp, cn, ['WebexIdentity'], true, 1]]);
    expect(sim.state.certificates.map((c) => [c.kind, c.commonName])).toEqual([
      ['preinstalled', 'TemporaryDefaultCertificate'],
      ['service', cn],
      ['chain', 'Test Issuing CA 1'],
    ]);
    // The handover report says what was done, and holds no secret unless asked.
    const report = JSON.parse(readFileSync(handover, 'utf8')) as Record<string, unknown>;
    expect(report).toEqual({ ...r.report, provisionedAt: report.provisionedAt });
    expect(report).toMatchObject({
      serialNumber: SERIAL,
      productId: 'Cisco Room Kit',
      identity: cn,
      fingerprint: fp,
      enc: 'A128GCM',
      registered: false,
    });
    expect(report.clientSecret).toBeUndefined();
    // No event and no journal record carries the secret.
    expect(JSON.stringify(events)).not.toContain(r.newSecret);
    expect(readFileSync(journal.path, 'utf8')).not.toContain(r.newSecret);
    expect((await journal.verify()).ok).toBe(true);
  });

  it('registers with an activation code and verifies the identity the registered device reports', async () => {
    await fresh();
    const r = await run({ activationCode: '1234-5678-9012-3456', enc: 'A256GCM' });
    expect(r.ok).toBe(true);
    expect(r.steps.find((s) => s.id === 'verify-registered')).toMatchObject({
      status: 'done',
      detail: `external identity ${cn}: Valid`,
    });
    expect(sim.state.webexStatus).toBe('Registered');
    expect(r.report!.registered).toBe(true);
  });

  it('the activation code reaches the device as its 16 digits: the dashes and spaces typed are removed', async () => {
    await fresh();
    const sent: string[] = [];
    const r = await run({ activationCode: ' 1234 5678-9012-3456 ' }, undefined, (d) =>
      deviceOps(d, {
        registerWebex: (code, action, o) => {
          sent.push(code);
          return d.registerWebex(code, action, o);
        },
      }),
    );
    expect(r.error).toBeUndefined();
    expect(sent).toEqual(['1234567890123456']);
    // The simulated device registers only with the digits alone, as Cisco asks.
    expect(sim.state.webexStatus).toBe('Registered');
  });

  it('backs up, factory resets and restores the chosen configuration', async () => {
    await fresh({ systemName: 'Boardroom 7' });
    const pre = sim.state.preinstalledCertificate;
    const backup = join(dir, 'backup.json');
    const r = await run({
      backupFile: backup,
      factoryReset: { confirmed: true, keep: ['SerialPort'] },
      restore: { file: backup, paths: ['SystemUnit Name'] },
    });
    expect(r.ok).toBe(true);
    expect(statuses(r)).toMatchObject({ backup: 'done', 'factory-reset': 'done', restore: 'done' });
    expect(sim.state.bootCount).toBe(2);
    expect(sim.state.systemName).toBe('Boardroom 7');
    // The reset kept the device's own certificate; the tool's is the one service certificate.
    expect(sim.state.certificates.filter((c) => c.kind === 'preinstalled').map((c) => c.fingerprint)).toEqual(
      [pre],
    );
    expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      r.report!.fingerprint,
    ]);
    const saved = JSON.parse(readFileSync(backup, 'utf8')) as {
      device: { serialNumber: string };
      nodes: { path: string; value: string }[];
    };
    expect(saved.device.serialNumber).toBe(SERIAL);
    expect(saved.nodes.find((n) => n.path === 'SystemUnit Name')?.value).toBe('Boardroom 7');
  });

  it('run again with a factory reset, does not erase a device that already has it all', async () => {
    await fresh();
    const pre = sim.state.preinstalledCertificate;
    const first = await run({ factoryReset: { confirmed: true, keep: ['SerialPort'] } });
    expect(first.ok).toBe(true);
    expect(sim.state.bootCount).toBe(2);
    const again = await run({ factoryReset: { confirmed: true, keep: ['SerialPort'] } });
    expect(again.ok).toBe(true);
    expect(again.steps.find((s) => s.id === 'factory-reset')).toMatchObject({
      status: 'skipped',
      reason: 'the device is already provisioned with this certificate',
    });
    expect(again.warnings.map((w) => w.code)).toContain('WARN_RESET_SKIPPED');
    expect(again.newSecret).toBeUndefined();
    expect(sim.state.bootCount).toBe(2);
    expect(sim.clientSecretIs(first.newSecret!)).toBe(true);
    expect(sim.state.certificates.filter((c) => c.kind === 'preinstalled').map((c) => c.fingerprint)).toEqual(
      [pre],
    );
    expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      first.report!.fingerprint,
    ]);
  });

  it('a kill after the plain populate stored the secret but before its pending copy was cleared: the re-run settles it', async () => {
    await fresh();
    const secret = 'OWNER-SECRET-KILLED-BEFORE-CLEAR-1';
    // The process "dies" at the keychain call that clears the pending copy.
    const kill = vi.spyOn(secrets, 'deletePending').mockRejectedValueOnce(new Error('killed'));
    const first = await run({ secret });
    kill.mockRestore();
    expect(first.ok).toBe(false);
    expect(await secrets.get(SERIAL)).toBe(secret);
    expect(await secrets.getPending(SERIAL)).toBe(secret);
    const second = await run({ secret });
    expect(second.error).toBeUndefined();
    expect(second.steps.find((s) => s.id === 'populate-secret')).toMatchObject({
      status: 'skipped',
      reason:
        'the device already holds the secret stored for it; the pending copy an interrupted run left is settled',
    });
    expect(await secrets.getPending(SERIAL)).toBeNull();
    expect(await secrets.get(SERIAL)).toBe(secret);
    expect(sim.clientSecretIs(secret)).toBe(true);
    expect((await journal.verify()).ok).toBe(true);
  });

  it('refuses an unsupported model, and sends nothing', async () => {
    await fresh({ model: 'Cisco TelePresence MX300 G2', software: 'RoomOS 11.23.1.8 3963b07b5c5' });
    const r = await run();
    expect(r.error?.code).toBe('ERR_WORKFLOW_MODEL_UNSUPPORTED');
    expect(sim.state.clientSecretSet).toBe(false);
  });

  it('refuses software older than RoomOS 10.6.1', async () => {
    await fresh({ software: 'RoomOS 10.5.1.0 1a2b3c4d5e6' });
    const r = await run();
    expect(r.error?.code).toBe('ERR_WORKFLOW_SOFTWARE_TOO_OLD');
    expect(sim.state.clientSecretSet).toBe(false);
  });

  it('refuses an expired certificate before touching the device, then succeeds with a good one', async () => {
    await fresh();
    const expired = readCredentials({
      certPem: (await issueDeviceCert(pki, { cn: 'old.test.example', days: -1 })).bundlePem,
    });
    const r = await run({ credentials: expired });
    expect(r.error?.code).toBe('ERR_WORKFLOW_CERT_REJECTED');
    expect((r.error?.details as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual([
      'ERR_CERT_EXPIRED',
    ]);
    expect(sim.state.clientSecretSet).toBe(false);
    expect(sim.events.filter((e) => e.type === 'command' && /Security/.test(e.path))).toEqual([]);
    expect((await run()).ok).toBe(true);
  });

  it('refuses a factory reset that was not confirmed', async () => {
    await fresh();
    const r = await run({ factoryReset: { confirmed: false } });
    expect(r.error?.code).toBe('ERR_WORKFLOW_CONFIRMATION_REQUIRED');
    expect(sim.state.bootCount).toBe(1);
  });

  it('refuses a plain first populate over the network unless allowed', async () => {
    await fresh();
    const r = await run({ link: 'ssh' });
    expect(r.error?.code).toBe('ERR_WORKFLOW_PLAIN_SECRET_OVER_NETWORK');
    const allowed = await run({ link: 'ssh', allowPlainOverNetwork: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['WARN_DEVICE_ON_NETWORK', 'WARN_PLAIN_SECRET_OVER_NETWORK']),
    );
  });

  it('refuses a device whose secret the keychain does not hold, and changes nothing', async () => {
    await fresh();
    const pre = sim.state.preinstalledCertificate;
    const other = await connect(`serial:${link}`, { wakeIntervalMs: 1000 });
    await other.populateSecretPlain('somebody-elses-secret');
    await other.close();
    const r = await run();
    expect(r.error?.code).toBe('ERR_WORKFLOW_SECRET_HELD');
    expect(sim.clientSecretIs('somebody-elses-secret')).toBe(true);
    expect(await secrets.get(SERIAL)).toBeNull();
    expect(await secrets.getPending(SERIAL)).toBeNull();
    // A factory reset is the way out.
    const reset = await run({ factoryReset: { confirmed: true, keep: ['SerialPort'] } });
    expect(reset.ok).toBe(true);
    expect(sim.clientSecretIs(reset.newSecret!)).toBe(true);
    expect(sim.state.certificates.filter((c) => c.kind === 'preinstalled').map((c) => c.fingerprint)).toEqual(
      [pre],
    );
    expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      reset.report!.fingerprint,
    ]);
  });

  it('reports a blob the device rejects (damaged on the way) with its reason, and resumes', async () => {
    await fresh();
    // One character of the add blob's ciphertext changes between the tool and the device.
    const damage = (d: RoomOsDevice): WorkflowDevice =>
      Object.assign(Object.create(d) as RoomOsDevice, {
        addCertificate: (blob: string) => {
          const parts = blob.split('.');
          parts[3] = (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1);
          return d.addCertificate(parts.join('.'));
        },
      });
    const first = await run({ secret: 'OWNER-SECRET-FOR-REJECT-TEST' }, undefined, damage);
    expect(first.error?.code).toBe('ERR_DEVICE_COMMAND_FAILED');
    expect(first.steps.find((s) => s.id === 'add-certificate')?.status).toBe('failed');
    // Nothing was added; the preinstalled certificate is all the device lists.
    expect(sim.state.certificates.map((c) => [c.kind, c.commonName])).toEqual([
      ['preinstalled', 'TemporaryDefaultCertificate'],
    ]);
    const refusal = sim.events.find(
      (e) => e.type === 'command' && /Services Add/i.test(e.path) && e.status === 'Error',
    );
    expect(refusal).toMatchObject({ code: 'ERR_JWE_DECRYPTION_FAILED' });
    const records = await journal.read();
    expect(
      records
        .filter((r) => r.kind === 'outcome' && r.action === 'cert.add')
        .map((r) => (r as { result: string }).result),
    ).toEqual(['failed']);
    // The secret is kept; the next run adds the certificate without populating again.
    const second = await run({ secret: 'OWNER-SECRET-FOR-REJECT-TEST' });
    expect(second.ok).toBe(true);
    expect(second.steps.find((s) => s.id === 'populate-secret')).toMatchObject({
      status: 'skipped',
      reason: 'the device already holds the secret stored for it',
    });
    expect(sim.state.webexIdentity).toBe(second.report!.fingerprint);
  });

  it('refuses a certificate already put on another device', async () => {
    await fresh();
    expect((await run()).ok).toBe(true);
    await journal.append({ kind: 'event', event: 'device.identified', serial: 'FOC9999ZZZZ' });
    // Pretend the same certificate went on another device: its journal lines say so.
    const lines = readFileSync(journal.path, 'utf8');
    expect(lines).toContain('"event":"cert.key"');
    await closePty();
    await sim.close();
    sim = await createSimulator({ serialNumber: 'FOC9999ZZZZ', rebootDelayMs: 100 });
    ({ closePty } = await ptyFor(sim, 'tty', dir));
    const r = await run();
    expect(r.error?.code).toBe('ERR_WORKFLOW_CERT_IN_USE');
    expect(r.error?.details).toEqual({ serial: SERIAL });
    expect(sim.state.clientSecretSet).toBe(false);
    await secrets.delete('FOC9999ZZZZ');
  });

  // The cable pulled at each command that changes the device: before it runs, and after it ran.
  const cuts: [string, RegExp][] = [
    ['the first populate', /ClientSecret Populate/i],
    ['the certificate add', /Services Add/i],
    ['the activation', /Services Activate/i],
    ['the registration', /Registration Start/i],
  ];
  const outcomes: string[] = [];
  for (const [name, pattern] of cuts) {
    for (const when of ['dropOnCommand', 'dropAfterCommand'] as const) {
      it(`resumes after the cable is pulled ${when === 'dropOnCommand' ? 'before' : 'after'} ${name}`, async () => {
        await fresh();
        sim.setFaults({ [when]: pattern });
        const secret = 'CORRECT-HORSE-BATTERY-STAPLE-7';
        const first = await run({ secret, activationCode: '1111222233334444' });
        expect(first.ok).toBe(false);
        expect(['ERR_DEVICE_DISCONNECTED', 'ERR_DEVICE_TIMEOUT']).toContain(first.error?.code);
        // Whatever happened, the secret is not lost: it is current or pending in the keychain.
        const known = [await secrets.get(SERIAL), await secrets.getPending(SERIAL)];
        expect(known).toContain(secret);
        // The cable goes back in (the simulator's console reappears, as a USB port does after a replug).
        await vi.waitFor(() => expect(existsSync(link)).toBe(true), { timeout: 45_000, interval: 50 });
        await sim.whenUp();
        // The second run finishes, redoing nothing the device already has.
        const second = await run({ secret, activationCode: '1111222233334444' });
        expect(second.error).toBeUndefined();
        expect(second.ok).toBe(true);
        expect(sim.clientSecretIs(secret)).toBe(true);
        expect(await secrets.get(SERIAL)).toBe(secret);
        expect(await secrets.getPending(SERIAL)).toBeNull();
        expect(sim.state.webexIdentity).toBe(second.report!.fingerprint);
        expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
          second.report!.fingerprint,
        ]);
        expect(sim.state.certificates.filter((c) => c.kind === 'preinstalled')).toHaveLength(1);
        const ran = (path: RegExp): number =>
          sim.events.filter((e) => e.type === 'command' && e.status === 'OK' && path.test(e.path)).length;
        expect(ran(/Certificates Services Add/i)).toBe(1);
        expect(ran(/Certificates Services Activate/i)).toBe(1);
        expect((await journal.verify()).ok).toBe(true);
        outcomes.push(`${name} (${when})`);
      });
    }
  }

  afterAll(() => {
    if (outcomes.length) console.log(`cable pulls survived: ${outcomes.length} of ${cuts.length * 2}`);
  });
});
