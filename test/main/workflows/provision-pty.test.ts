/**
 * Provisioning (what a batch runs per device) against the simulator over a real pseudo-terminal and the
 * real keychain: each failure (a secret the keychain does not hold, a blob the device rejects, a cable
 * pulled before or after each command, an expired certificate, an unsupported model) and the resume.
 */
import { describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { buildAddPayload } from '../../../src/core/pki/index.js';
import type { WorkflowDevice } from '../../../src/main/workflows/device-port.js';
import { type ProvisionOptions, provision } from '../../../src/main/workflows/provision.js';
import type { RoomOsSimulator } from '../../../src/simulator/index.js';
import { Rig, ptyAndKeyring, bind, reconnect, stepStatuses } from './rig.js';

const ready = ptyAndKeyring();
const rig = new Rig();
let n = 0;

async function fresh(
  options: { model?: string } = {},
): Promise<{ sim: RoomOsSimulator; target: string; serial: string }> {
  return rig.simOnPty('FOCPROV', ++n, options);
}

describe.runIf(ready)('provision over a real pseudo-terminal', () => {
  rig.suite('provision-pty');

  it('backs up, resets, populates a generated secret, adds, activates; a second run redoes nothing', async () => {
    const { sim, target, serial } = await fresh();
    const pre = sim.state.preinstalledCertificate;
    const cert = await rig.issue('p1.prov.example');
    const device = await rig.connect(target);
    const options: ProvisionOptions = {
      credentials: cert.credentials,
      link: 'serial',
      factoryReset: { confirmed: true },
      backupFile: rig.path(`backup-${serial}.json`),
    };
    const r = await provision(rig.deps(device), options);
    expect(r.error).toBeUndefined();
    expect(stepStatuses(r)).toMatchObject({
      precheck: 'done',
      backup: 'done',
      'factory-reset': 'done',
      'populate-secret': 'done',
      'add-certificate': 'done',
      'match-fingerprint': 'done',
      activate: 'done',
      verify: 'done',
      handover: 'done',
    });
    expect(sim.state.bootCount).toBe(2);
    expect(sim.clientSecretIs(r.newSecret!)).toBe(true);
    expect(await rig.secrets.get(serial)).toBe(r.newSecret);
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    // The reset kept the device's own certificate; the tool's is the one service certificate.
    expect(sim.state.certificates.filter((c) => c.kind === 'preinstalled').map((c) => c.fingerprint)).toEqual(
      [pre],
    );
    expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      cert.fingerprint,
    ]);

    await device.close();
    // (With the reset asked for again, a finished device would be reset again: that is what it asks for.
    // The batch leaves the reset out for a device the journal shows finished.)
    const { factoryReset: _reset, ...again0 } = options;
    const again = await provision(rig.deps(await reconnect(rig, target)), again0);
    expect(again.error).toBeUndefined();
    expect(again.newSecret).toBeUndefined();
    expect(stepStatuses(again)).toMatchObject({
      backup: 'skipped',
      'factory-reset': 'skipped',
      'match-fingerprint': 'done',
      verify: 'done',
      'populate-secret': 'skipped',
      'add-certificate': 'skipped',
      activate: 'skipped',
    });
    expect(sim.state.bootCount).toBe(2);
  });

  it('a device holding a secret the keychain does not know: refused; resumes with a confirmed reset', async () => {
    const { sim, target, serial } = await fresh();
    const pre = sim.state.preinstalledCertificate;
    const cert = await rig.issue('p2.prov.example');
    const first = await rig.connect(target);
    await first.populateSecretPlain('somebody else’s secret');
    await rig.secrets.set(serial, 'a wrong secret');
    const r = await provision(rig.deps(first), {
      credentials: cert.credentials,
      link: 'serial',
      secret: 'mine',
      weakSecret: 'allow',
    });
    expect(r.error?.code).toBe('ERR_WORKFLOW_SECRET_HELD');
    expect(r.steps.find((s) => s.status === 'failed')!.id).toBe('populate-secret');
    expect(await rig.secrets.getPending(serial)).toBeNull();
    // Nothing was added: the device lists only its own preinstalled certificate.
    expect(sim.state.certificates.map((c) => [c.kind, c.commonName])).toEqual([
      ['preinstalled', 'TemporaryDefaultCertificate'],
    ]);

    const resumed = await provision(rig.deps(first), {
      credentials: cert.credentials,
      link: 'serial',
      secret: 'mine',
      weakSecret: 'allow',
      factoryReset: { confirmed: true },
    });
    expect(resumed.error).toBeUndefined();
    expect(sim.clientSecretIs('mine')).toBe(true);
    expect(await rig.secrets.get(serial)).toBe('mine');
    expect(sim.state.certificates.filter((c) => c.kind === 'preinstalled').map((c) => c.fingerprint)).toEqual(
      [pre],
    );
    expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      cert.fingerprint,
    ]);
  });

  it('a blob the device rejects: the add fails; the next run keeps the secret and adds', async () => {
    const { sim, target } = await fresh();
    const cert = await rig.issue('p3.prov.example');
    const device = await rig.connect(target);
    const rejecting: WorkflowDevice = {
      ...bind(device),
      addCertificate: async () =>
        device.addCertificate(await seal('add', buildAddPayload(cert.credentials).payload, 'not it')),
    };
    const options: ProvisionOptions = {
      credentials: cert.credentials,
      link: 'serial',
      secret: 'p3 secret',
      weakSecret: 'allow',
    };
    const r = await provision(rig.deps(rejecting), options);
    expect(r.error?.code).toBe('ERR_DEVICE_COMMAND_FAILED');
    expect(r.steps.find((s) => s.status === 'failed')!.id).toBe('add-certificate');
    const resumed = await provision(rig.deps(device), options);
    expect(resumed.error).toBeUndefined();
    expect(stepStatuses(resumed)['populate-secret']).toBe('skipped');
    expect(stepStatuses(resumed)['add-certificate']).toBe('done');
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
  });

  it('an expired certificate or an unsupported model: refused before anything is sent', async () => {
    const { sim, target } = await fresh();
    const expired = await rig.issue('p4.prov.example', { days: -1 });
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), { credentials: expired.credentials, link: 'serial' });
    expect(r.error?.code).toBe('ERR_WORKFLOW_CERT_REJECTED');
    expect(sim.state.clientSecretSet).toBe(false);
    const good = await rig.issue('p4b.prov.example');
    expect((await provision(rig.deps(device), { credentials: good.credentials, link: 'serial' })).ok).toBe(
      true,
    );

    const mx = await fresh({ model: 'Cisco TelePresence MX300 G2' });
    const m = await provision(rig.deps(await rig.connect(mx.target)), {
      credentials: (await rig.issue('p5.prov.example')).credentials,
      link: 'serial',
    });
    expect(m.error?.code).toBe('ERR_WORKFLOW_MODEL_UNSUPPORTED');
    expect(mx.sim.state.clientSecretSet).toBe(false);
  });

  const CUTS = [
    {
      fault: 'dropOnCommand',
      command: 'ClientSecret Populate',
      step: 'populate-secret',
      populate: 'done',
      add: 'done',
    },
    {
      fault: 'dropAfterCommand',
      command: 'ClientSecret Populate',
      step: 'populate-secret',
      populate: 'skipped',
      add: 'done',
    },
    {
      fault: 'dropOnCommand',
      command: 'Services Add',
      step: 'add-certificate',
      populate: 'skipped',
      add: 'done',
    },
    {
      fault: 'dropAfterCommand',
      command: 'Services Add',
      step: 'add-certificate',
      populate: 'skipped',
      add: 'skipped',
    },
    {
      fault: 'dropAfterCommand',
      command: 'Services Activate',
      step: 'activate',
      populate: 'skipped',
      add: 'skipped',
    },
  ] as const;
  for (const cut of CUTS) {
    it(`a cable pulled ${cut.fault === 'dropOnCommand' ? 'as' : 'after'} the device gets "${cut.command}": the next run finishes with the same secret`, async () => {
      const { sim, target, serial } = await fresh();
      const cert = await rig.issue(`cut${n}.prov.example`);
      const device = await rig.connect(target);
      sim.setFaults({ [cut.fault]: cut.command });
      const options: ProvisionOptions = { credentials: cert.credentials, link: 'serial' };
      const r = await provision(rig.deps(device), options);
      expect(r.error?.code).toBe('ERR_DEVICE_DISCONNECTED');
      expect(r.steps.find((s) => s.status === 'failed')!.id).toBe(cut.step);
      sim.setFaults({});
      const resumed = await provision(rig.deps(await reconnect(rig, target)), options);
      expect(resumed.error).toBeUndefined();
      expect([stepStatuses(resumed)['populate-secret'], stepStatuses(resumed)['add-certificate']]).toEqual([
        cut.populate,
        cut.add,
      ]);
      const stored = await rig.secrets.get(serial);
      expect(sim.clientSecretIs(stored!)).toBe(true);
      expect(await rig.secrets.getPending(serial)).toBeNull();
      expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    });
  }
});
