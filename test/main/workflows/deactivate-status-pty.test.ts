/**
 * Deactivation, status and PreferredDomain against the simulator over a real pseudo-terminal and the real
 * keychain: each failure (unknown secret, a blob the device rejects, a cable pulled before or after each
 * command, an unsupported model) and the resume after it.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { Journal } from '../../../src/main/vault/index.js';
import type { WorkflowDevice } from '../../../src/main/workflows/device-port.js';
import { deactivate } from '../../../src/main/workflows/deactivate.js';
import { deviceStatus, setPreferredDomain } from '../../../src/main/workflows/status.js';
import type { RoomOsSimulator } from '../../../src/simulator/index.js';
import {
  Rig,
  ptyAndKeyring,
  bind,
  expectPreinstalledKept,
  provisionedOnPty,
  reconnect,
  serviceCerts,
  stepStatuses,
} from './rig.js';

const SECRET = 'deactivation test secret';
const ready = ptyAndKeyring();
const rig = new Rig();
let n = 0;
const serial = (): string => `FOCDEACT${String(++n).padStart(3, '0')}`;

/** SHA-1 of the rig's intermediate, which every test certificate chains to (listed as a chain entry). */
const intermediateSha1 = (): string =>
  new X509Certificate(rig.pki.intermediatePem).fingerprint.replace(/:/g, '').toLowerCase();

/** The chain entries the device lists: SHA-1 and `UsedFor` (the uses of the leaves still listed that chain it). */
function chainEntries(sim: RoomOsSimulator): string[][] {
  return sim.state.certificates.filter((c) => c.kind === 'chain').map((c) => [c.fingerprint, c.usedFor]);
}

describe.runIf(ready)('deactivate over a real pseudo-terminal', () => {
  rig.suite('deactivate-pty');

  it('deactivates the active certificate and keeps it; a second run finds it done', async () => {
    const { sim, target, cert } = await provisionedOnPty(rig, serial(), 'd1.deact.example', SECRET);
    const device = await rig.connect(target);
    const r = await deactivate(rig.deps(device));
    expect(r.error).toBeUndefined();
    expect(r.steps.map((s) => [s.id, s.status, s.detail ?? s.reason])).toEqual([
      ['precheck', 'done', `certificate ${cert.fingerprint}`],
      ['deactivate', 'done', undefined],
      ['delete', 'skipped', 'not asked for'],
    ]);
    expect(sim.state.webexIdentity).toBeUndefined();
    expect(serviceCerts(sim)).toEqual([[cert.fingerprint, []]]);
    // Its chain entry stays, showing the (now empty) uses of its leaf.
    expect(chainEntries(sim)).toEqual([[intermediateSha1(), '']]);
    expectPreinstalledKept(sim);

    const again = await deactivate(rig.deps(device));
    expect(again.steps.map((s) => [s.id, s.status, s.detail ?? s.reason])).toEqual([
      ['precheck', 'done', `certificate ${cert.fingerprint}`],
      ['deactivate', 'skipped', 'it is not active for WebexIdentity'],
      ['delete', 'skipped', 'not asked for'],
    ]);
    // A journal that never saw this device has nothing to go on.
    const fresh = await deactivate({ ...rig.deps(device), journal: new Journal(rig.path('other-home')) });
    expect(fresh.error?.code).toBe('ERR_WORKFLOW_NOTHING_TO_RESUME');
  });

  it('--delete with a fingerprint in another form deletes it; a second run finds it gone', async () => {
    const { sim, target, cert } = await provisionedOnPty(rig, serial(), 'd2.deact.example', SECRET);
    const device = await rig.connect(target);
    const colons = cert.fingerprint.toUpperCase().match(/../g)!.join(':');
    const r = await deactivate(rig.deps(device), { fingerprint: colons, delete: true, enc: 'A256GCM' });
    expect(r.error).toBeUndefined();
    expect(stepStatuses(r)).toEqual({ precheck: 'done', deactivate: 'done', delete: 'done' });
    expect(serviceCerts(sim)).toEqual([]);
    // Deleting a leaf leaves its chain entries, used for nothing (docs/simulator.md); the self-signed stays.
    expect(chainEntries(sim)).toEqual([[intermediateSha1(), '']]);
    expectPreinstalledKept(sim);
    const again = await deactivate(rig.deps(device), { fingerprint: colons, delete: true });
    expect(again.steps.map((s) => [s.id, s.status, s.detail ?? s.reason])).toEqual([
      ['precheck', 'done', `certificate ${cert.fingerprint}, deleted by an earlier run`],
      ['deactivate', 'skipped', 'it is not active for WebexIdentity'],
      ['delete', 'skipped', 'it is gone already'],
    ]);
    const unknown = await deactivate(rig.deps(device), { fingerprint: 'ab'.repeat(20) });
    expect(unknown.error?.code).toBe('ERR_WORKFLOW_FINGERPRINT_NOT_LISTED');
    expect(unknown.error?.message).toBe(
      `The device does not list a certificate with fingerprint ${'ab'.repeat(20)}.`,
    );
  });

  it('an unknown secret: refused before anything changes; resumes once the right one is stored', async () => {
    const s = serial();
    const { sim, target, cert } = await provisionedOnPty(rig, s, 'd3.deact.example', SECRET);
    await rig.secrets.set(s, 'wrong');
    const device = await rig.connect(target);
    const r = await deactivate(rig.deps(device));
    expect(r.error?.code).toBe('ERR_WORKFLOW_SECRET_UNKNOWN');
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    await rig.secrets.set(s, SECRET);
    expect((await deactivate(rig.deps(device))).ok).toBe(true);
    expect(sim.state.webexIdentity).toBeUndefined();
  });

  it('a blob the device rejects: still active; the next run deactivates', async () => {
    const { sim, target, cert } = await provisionedOnPty(rig, serial(), 'd4.deact.example', SECRET);
    const device = await rig.connect(target);
    const rejecting: WorkflowDevice = {
      ...bind(device),
      deactivate: async () => device.deactivate(await seal('deactivate', cert.fingerprint, 'not the secret')),
    };
    const r = await deactivate(rig.deps(rejecting));
    expect(r.error?.code).toBe('ERR_DEVICE_COMMAND_FAILED');
    expect(r.steps.find((s) => s.status === 'failed')!.id).toBe('deactivate');
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    const resumed = await deactivate(rig.deps(device));
    expect(stepStatuses(resumed)).toEqual({ precheck: 'done', deactivate: 'done', delete: 'skipped' });
  });

  it('an unsupported model: refused', async () => {
    const sim = await rig.sim({ model: 'Cisco TelePresence MX300 G2', serialNumber: 'FOCMX300D01' });
    const device = await rig.connect(await rig.pty(sim));
    const r = await deactivate(rig.deps(device));
    expect(r.error?.code).toBe('ERR_WORKFLOW_MODEL_UNSUPPORTED');
  });

  const CUTS = [
    { fault: 'dropOnCommand', command: 'Services Deactivate', step: 'deactivate', resumed: ['done', 'done'] },
    {
      fault: 'dropAfterCommand',
      command: 'Services Deactivate',
      step: 'deactivate',
      resumed: ['skipped', 'done'],
    },
    { fault: 'dropOnCommand', command: 'Services Delete', step: 'delete', resumed: ['skipped', 'done'] },
    {
      fault: 'dropAfterCommand',
      command: 'Services Delete',
      step: 'delete',
      resumed: ['skipped', 'skipped'],
    },
  ] as const;
  for (const cut of CUTS) {
    it(`a cable pulled ${cut.fault === 'dropOnCommand' ? 'as' : 'after'} the device gets "${cut.command}": the next run finishes`, async () => {
      const { sim, target, cert } = await provisionedOnPty(rig, serial(), 'd5.deact.example', SECRET);
      const device = await rig.connect(target);
      sim.setFaults({ [cut.fault]: cut.command });
      const r = await deactivate(rig.deps(device), { delete: true });
      expect(r.error?.code).toBe('ERR_DEVICE_DISCONNECTED');
      expect(r.steps.find((s) => s.status === 'failed')!.id).toBe(cut.step);
      sim.setFaults({});
      const again = await reconnect(rig, target);
      const resumed = await deactivate(rig.deps(again), { delete: true });
      expect(resumed.error).toBeUndefined();
      expect([stepStatuses(resumed).deactivate, stepStatuses(resumed).delete]).toEqual(cut.resumed);
      expect(sim.state.certificates.map((c) => c.fingerprint)).not.toContain(cert.fingerprint);
      expect(serviceCerts(sim)).toEqual([]);
      expect(sim.state.webexIdentity).toBeUndefined();
      expectPreinstalledKept(sim);
    });
  }
});

describe.runIf(ready)('status and PreferredDomain over a real pseudo-terminal', () => {
  rig.suite('status-pty');

  it('reports every E2EE node, the certificates and PreferredDomain; sets and reads back the domain', async () => {
    const s = serial();
    const { sim, target, cert } = await provisionedOnPty(rig, s, 'st.status.example', SECRET, {
      register: true,
    });
    const device = await rig.connect(target);
    const r = await deviceStatus(device);
    expect(r.device).toMatchObject({
      productId: 'Cisco Room Kit',
      serialNumber: s,
      webexStatus: 'Registered',
    });
    expect(r.e2ee.present).toBe(true);
    expect(r.e2ee.availability).toBe('Available');
    expect(r.e2ee.external).toMatchObject({
      verification: 'CAVerified',
      identity: 'st.status.example',
      status: 'Valid',
    });
    expect(r.e2ee.external.certificateChain.map((c) => [c.index, c.primaryName, c.validity])).toEqual([
      [1, 'st.status.example', 'Valid'],
      [2, 'Test Issuing CA 1', 'Valid'],
    ]);
    expect(r.e2ee.external.certificateChain[0]!.fingerprint).toBe(cert.fingerprint);
    expect(r.e2ee.internal).toMatchObject({
      verification: 'WebexVerified',
      identity: 'example.com',
      status: 'Valid',
    });
    // Everything Show lists: the preinstalled self-signed certificate, the leaf and its chain entry, which
    // shows the leaf's use; `UsedFor` holds the label, and purposes are its parts as written.
    expect(r.certificates.map((c) => [c.fingerprint, c.usedFor, c.purposes])).toEqual([
      [sim.state.preinstalledCertificate, '', []],
      [cert.fingerprint, 'Webex identity', ['Webex identity']],
      [intermediateSha1(), 'Webex identity', ['Webex identity']],
    ]);
    expect(r.preferredDomain).toBe('');

    expect(await setPreferredDomain(device, rig.journal, 'example.com')).toEqual({
      domain: 'example.com',
      ignored: true,
    });
    expect((await deviceStatus(device)).preferredDomain).toBe('example.com');
  });

  it('PreferredDomain on an unregistered device with an active external identity: ignored, and said so', async () => {
    const { target } = await provisionedOnPty(rig, serial(), 'pd.status.example', SECRET);
    const device = await rig.connect(target);
    expect((await deviceStatus(device)).e2ee.present).toBe(false);
    expect(await setPreferredDomain(device, rig.journal, 'example.org')).toEqual({
      domain: 'example.org',
      ignored: true,
    });
  });

  it('an unsupported model: status still reads (no E2EE node, only the preinstalled certificate)', async () => {
    const sim = await rig.sim({ model: 'Cisco TelePresence MX300 G2', serialNumber: 'FOCMX300S01' });
    const device = await rig.connect(await rig.pty(sim));
    const r = await deviceStatus(device);
    expect(r.device.productId).toBe('Cisco TelePresence MX300 G2');
    expect(r.e2ee.present).toBe(false);
    // Only the device's own self-signed certificate.
    expect(r.certificates.map((c) => [c.fingerprint, c.subjectName, c.usedFor])).toEqual([
      [sim.state.preinstalledCertificate, '/CN=TemporaryDefaultCertificate', ''],
    ]);
  });

  it('a cable pulled while reading or setting: a typed error; the next connection reads and sets', async () => {
    const s = serial();
    const sim = await rig.sim({ serialNumber: s });
    const target = await rig.pty(sim);
    const device = await rig.connect(target);
    sim.setFaults({ dropOnCommand: 'Services Show' });
    await expect(deviceStatus(device)).rejects.toMatchObject({ code: 'ERR_DEVICE_DISCONNECTED' });
    sim.setFaults({});
    const d2 = await reconnect(rig, target);
    expect((await deviceStatus(d2)).certificates.map((c) => c.fingerprint)).toEqual([
      sim.state.preinstalledCertificate,
    ]);
    sim.setFaults({ dropAfterCommand: 'PreferredDomain' });
    await expect(setPreferredDomain(d2, rig.journal, 'corp.example')).rejects.toMatchObject({
      code: 'ERR_DEVICE_DISCONNECTED',
    });
    sim.setFaults({});
    const d3 = await reconnect(rig, target);
    expect((await deviceStatus(d3)).preferredDomain).toBe('corp.example');
    expect(await setPreferredDomain(d3, rig.journal, 'corp.example')).toEqual({
      domain: 'corp.example',
      ignored: false,
    });
    const outcomes = (await rig.journal.read()).filter(
      (r) => r.kind === 'outcome' && r.action === 'config.preferred-domain' && r.serial === s,
    );
    expect(outcomes.map((o) => (o.kind === 'outcome' ? o.result : ''))).toEqual(['unknown', 'ok']);
  });
});
