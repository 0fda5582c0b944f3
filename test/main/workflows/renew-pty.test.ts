/**
 * Renewal against the simulator over a real pseudo-terminal and the real keychain: the happy path, each
 * failure (unknown secret, a blob the device rejects, an expired certificate, an unsupported model, a
 * cable pulled before or after each device command, an identity that does not verify) and the resume
 * after it. After every failure the device still has a working identity.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { buildAddPayload } from '../../../src/core/pki/index.js';
import type { WorkflowDevice } from '../../../src/main/workflows/device-port.js';
import { renew } from '../../../src/main/workflows/renew.js';
import type { RoomOsSimulator } from '../../../src/simulator/index.js';
import {
  type IssuedFiles,
  Rig,
  ptyAndKeyring,
  bind,
  expectPreinstalledKept,
  provisionedOnPty,
  reconnect,
  serviceCerts,
  stepStatuses,
} from './rig.js';

const SECRET = 'renewal test secret 7QM-2XPD';
const ready = ptyAndKeyring();
const rig = new Rig();
let serialNo = 0;

/** A Room Kit on a pty, provisioned with `cert` (optionally registered, so that it reports E2EE status). */
async function provisioned(
  _cert: 'A',
  options: { register?: boolean } = {},
): Promise<{ sim: RoomOsSimulator; target: string; serial: string }> {
  // Fresh certificates for every device: the journal refuses one certificate on two devices.
  const serial = `FOCRENEW${String(++serialNo).padStart(3, '0')}`;
  const { sim, target, cert } = await provisionedOnPty(rig, serial, 'room-a.renew.example', SECRET, options);
  A = cert;
  B = await rig.issue('room-b.renew.example');
  return { sim, target, serial };
}

/** The device has an active WebexIdentity certificate, valid now: it has a working identity. */
function expectWorkingIdentity(sim: RoomOsSimulator, oneOf: string[]): void {
  const active = sim.state.webexIdentity;
  expect(oneOf).toContain(active);
  const cert = sim.state.certificates.find((c) => c.fingerprint === active)!;
  expect(new Date(cert.notAfter).getTime()).toBeGreaterThan(Date.now());
  expect(new Date(cert.notBefore).getTime()).toBeLessThan(Date.now());
}

/**
 * The chain entries (every test certificate chains to the rig's one intermediate, listed once however many
 * leaves it came with): SHA-1 and `UsedFor`, which shows the uses of the leaves still listed that chain it.
 */
function expectChainEntries(sim: RoomOsSimulator, usedFor: string): void {
  const intermediate = new X509Certificate(rig.pki.intermediatePem).fingerprint
    .replace(/:/g, '')
    .toLowerCase();
  expect(
    sim.state.certificates.filter((c) => c.kind === 'chain').map((c) => [c.fingerprint, c.usedFor]),
  ).toEqual([[intermediate, usedFor]]);
}

let A: IssuedFiles;
let B: IssuedFiles;

describe.runIf(ready)('renew over a real pseudo-terminal', () => {
  beforeAll(async () => {
    await rig.setUp('renew-pty');
    B = await rig.issue('room-b.renew.example');
  });
  afterEach(() => rig.reset());
  afterAll(() => rig.tearDown());

  it('a certificate for another name (room-a to room-b): refused before any change, asked, or allowed with a warning', async () => {
    const { sim, target } = await provisioned('A');
    const device = await rig.connect(target);
    const before = serviceCerts(sim);
    const refused = await renew(rig.deps(device), { credentials: B.credentials });
    expect(refused.error?.code).toBe('ERR_WORKFLOW_RENEW_NEW_NAME');
    expect(refused.error?.details).toEqual({ old: 'room-a.renew.example', new: 'room-b.renew.example' });
    expect(refused.error?.message).toContain('--allow-new-name');
    expect(serviceCerts(sim)).toEqual(before);
    const asked: Array<{ old: string; new: string }> = [];
    const declined = await renew(rig.deps(device), {
      credentials: B.credentials,
      confirmNewName: async (names) => {
        asked.push(names);
        return false;
      },
    });
    expect(declined.error?.code).toBe('ERR_WORKFLOW_RENEW_NEW_NAME');
    expect(asked).toEqual([{ old: 'room-a.renew.example', new: 'room-b.renew.example' }]);
    expect(serviceCerts(sim)).toEqual(before);
    const yes = await renew(rig.deps(device), {
      credentials: B.credentials,
      confirmNewName: async () => true,
    });
    expect(yes.error).toBeUndefined();
    expect(yes.warnings.map((w) => w.code)).toContain('WARN_RENEW_NEW_NAME');
    expect(sim.state.webexIdentity).toBe(B.fingerprint);
  });

  it('adds and activates the new certificate, then deletes the old; a second run does nothing again', async () => {
    const { sim, target } = await provisioned('A');
    const device = await rig.connect(target);
    const r = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(r.error).toBeUndefined();
    expect(stepStatuses(r)).toEqual({
      precheck: 'done',
      'add-certificate': 'done',
      activate: 'done',
      verify: 'done',
      'deactivate-old': 'skipped',
      'delete-old': 'done',
    });
    expect(r.steps[0]!.detail).toBe(`replacing ${A.fingerprint} with ${B.fingerprint}`);
    expect(r.steps[3]!.detail).toBe(`certificate ${B.fingerprint} is used for WebexIdentity`);
    expect(r.warnings.map((w) => w.code)).toEqual(['WARN_RENEW_NEW_NAME', 'WARN_E2EE_STATUS_UNAVAILABLE']);
    expect(serviceCerts(sim)).toEqual([[B.fingerprint, ['WebexIdentity']]]);
    // The old leaf is gone; the chain entry it came with stays, now showing B's use (B chains it too).
    expectChainEntries(sim, 'Webex identity');
    expectPreinstalledKept(sim);

    const again = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(again.ok).toBe(true);
    expect(again.steps.map((s) => [s.id, s.status, s.reason ?? s.detail])).toEqual([
      ['precheck', 'done', `the new certificate ${B.fingerprint} is active already`],
      ['add-certificate', 'skipped', 'the device already has the new certificate'],
      ['activate', 'skipped', 'the new certificate is already active'],
      ['verify', 'done', `certificate ${B.fingerprint} is used for WebexIdentity`],
      ['deactivate-old', 'skipped', 'no old certificate'],
      ['delete-old', 'skipped', 'no old certificate'],
    ]);
  });

  it('on a registered device verifies the E2EE status; --keep-old keeps the old one, deactivated', async () => {
    const { sim, target } = await provisioned('A', { register: true });
    const device = await rig.connect(target);
    const r = await renew(rig.deps(device), {
      credentials: B.credentials,
      allowNewName: true,
      keepOld: true,
      enc: 'A256GCM',
    });
    expect(r.error).toBeUndefined();
    expect(r.steps.find((s) => s.id === 'verify')!.detail).toBe(
      'external identity room-b.renew.example: Valid',
    );
    expect(stepStatuses(r)['delete-old']).toBe('skipped');
    expect(r.steps.find((s) => s.id === 'delete-old')!.reason).toBe('asked to keep it');
    expect(serviceCerts(sim)).toEqual([
      [A.fingerprint, []],
      [B.fingerprint, ['WebexIdentity']],
    ]);
    expectChainEntries(sim, 'Webex identity');
    expectPreinstalledKept(sim);
    expect((await device.e2eeStatus()).external).toMatchObject({
      identity: 'room-b.renew.example',
      status: 'Valid',
    });
  });

  it('a keychain secret the device does not hold: refused before anything is sent; resumes once imported', async () => {
    const { sim, target, serial } = await provisioned('A');
    await rig.secrets.set(serial, 'not the device secret');
    const device = await rig.connect(target);
    const r = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(r.error?.code).toBe('ERR_WORKFLOW_SECRET_UNKNOWN');
    expect(r.error?.message).toBe(
      `The device ${serial} does not accept the client secret the keychain holds for it. Import the right secret, or factory reset the device.`,
    );
    expect(stepStatuses(r).precheck).toBe('failed');
    expect(serviceCerts(sim)).toEqual([[A.fingerprint, ['WebexIdentity']]]);
    expectWorkingIdentity(sim, [A.fingerprint]);

    await rig.secrets.set(serial, SECRET);
    const resumed = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(resumed.error).toBeUndefined();
    expect(sim.state.webexIdentity).toBe(B.fingerprint);
    expect(serviceCerts(sim)).toEqual([[B.fingerprint, ['WebexIdentity']]]);
    expectPreinstalledKept(sim);
  });

  it('a blob the device rejects: the old identity stays; the next run adds it', async () => {
    const { sim, target } = await provisioned('A');
    const device = await rig.connect(target);
    // A device that cannot open the blob (as under another secret): the add is refused.
    const rejecting: WorkflowDevice = {
      ...bind(device),
      addCertificate: async () =>
        device.addCertificate(await seal('add', buildAddPayload(B.credentials).payload, 'another secret')),
    };
    const r = await renew(rig.deps(rejecting), { credentials: B.credentials, allowNewName: true });
    expect(r.error?.code).toBe('ERR_DEVICE_COMMAND_FAILED');
    expect(r.steps.find((s) => s.status === 'failed')!.id).toBe('add-certificate');
    expectWorkingIdentity(sim, [A.fingerprint]);
    expect(serviceCerts(sim)).toEqual([[A.fingerprint, ['WebexIdentity']]]);

    const resumed = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(resumed.error).toBeUndefined();
    expect(stepStatuses(resumed)['add-certificate']).toBe('done');
    expect(serviceCerts(sim)).toEqual([[B.fingerprint, ['WebexIdentity']]]);
    expectChainEntries(sim, 'Webex identity');
    expectPreinstalledKept(sim);
  });

  it('an expired certificate: refused locally; one the device finds expired: its activation is refused; the old stays', async () => {
    const { sim, target } = await provisioned('A');
    const expired = await rig.issue('room-old.renew.example', { days: -1 });
    const device = await rig.connect(target);
    const r = await renew(rig.deps(device), { credentials: expired.credentials });
    expect(r.error?.code).toBe('ERR_WORKFLOW_CERT_REJECTED');
    expect(stepStatuses(r).precheck).toBe('failed');
    expect(serviceCerts(sim)).toEqual([[A.fingerprint, ['WebexIdentity']]]);

    // Judged at a time it was valid, it goes to the device, which refuses to activate it.
    const then = new Date(Date.now() - 10 * 86_400_000);
    const r2 = await renew(rig.deps(device), {
      credentials: expired.credentials,
      now: then,
      allowNewName: true,
    });
    expect(r2.error?.code).toBe('ERR_DEVICE_COMMAND_FAILED');
    expect(r2.error?.details?.reason).toBe('Certificate has expired.');
    expect(r2.steps.find((s) => s.status === 'failed')!.id).toBe('activate');
    expectWorkingIdentity(sim, [A.fingerprint]);

    const resumed = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(resumed.error).toBeUndefined();
    expect(sim.state.webexIdentity).toBe(B.fingerprint);
    expect(serviceCerts(sim).sort()).toEqual(
      [
        [expired.fingerprint, []],
        [B.fingerprint, ['WebexIdentity']],
      ].sort(),
    );
    expectPreinstalledKept(sim);
  });

  it('an unsupported model: refused before any blob is sent', async () => {
    const sim = await rig.sim({ model: 'Cisco TelePresence MX300 G2', serialNumber: 'FOCMX300R01' });
    const device = await rig.connect(await rig.pty(sim));
    const before = sim.events.length;
    const r = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
    expect(r.error?.code).toBe('ERR_WORKFLOW_MODEL_UNSUPPORTED');
    expect(stepStatuses(r).precheck).toBe('failed');
    expect(
      sim.events
        .slice(before)
        .filter((e) => /ClientSecret|Certificates Services (Add|Activate)/.test(JSON.stringify(e))),
    ).toEqual([]);
  });

  it('an identity that does not verify: the old one is activated again', async () => {
    const { sim, target } = await provisioned('A', { register: true });
    const device = await rig.connect(target);
    const lying: WorkflowDevice = {
      ...bind(device),
      e2eeStatus: async () => {
        const s = await device.e2eeStatus();
        return { ...s, external: { ...s.external, identity: 'somebody-else.example' } };
      },
    };
    // The device never reports B's name: wait 3 s for it, not the default 60 s.
    const r = await renew(rig.deps(lying), {
      credentials: B.credentials,
      allowNewName: true,
      identitySettleMs: 3000,
    });
    expect(r.error?.code).toBe('ERR_WORKFLOW_VERIFY_FAILED');
    expect(r.error?.details?.rolledBack).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('WARN_ROLLED_BACK');
    expect(sim.state.webexIdentity).toBe(A.fingerprint);
    expectWorkingIdentity(sim, [A.fingerprint]);
    // The new certificate stays listed, inactive, for the next run; nothing else was touched.
    expect(serviceCerts(sim)).toEqual([
      [A.fingerprint, ['WebexIdentity']],
      [B.fingerprint, []],
    ]);
    expectPreinstalledKept(sim);
  });

  /** A cut: where, and how each step went on the run after it (add-certificate, activate, delete-old). */
  type Cut = ['dropOnCommand' | 'dropAfterCommand', string, string, [string, string, string]];
  const rows: Cut[] = [
    ['dropOnCommand', 'Services Add', 'add-certificate', ['done', 'done', 'done']],
    ['dropAfterCommand', 'Services Add', 'add-certificate', ['skipped', 'done', 'done']],
    ['dropOnCommand', 'Services Activate', 'activate', ['skipped', 'done', 'done']],
    ['dropAfterCommand', 'Services Activate', 'activate', ['skipped', 'skipped', 'done']],
    ['dropOnCommand', 'Services Delete', 'delete-old', ['skipped', 'skipped', 'done']],
    ['dropAfterCommand', 'Services Delete', 'delete-old', ['skipped', 'skipped', 'skipped']],
  ];
  const CUTS = rows.map(([fault, command, step, [add, activate, deleteOld]]) => ({
    fault,
    command,
    step,
    resumed: { 'add-certificate': add, activate, 'delete-old': deleteOld },
  }));
  for (const cut of CUTS) {
    it(`a cable pulled ${cut.fault === 'dropOnCommand' ? 'as' : 'after'} the device gets "${cut.command}": an identity stays active; the next run finishes`, async () => {
      const { sim, target } = await provisioned('A');
      const device = await rig.connect(target);
      sim.setFaults({ [cut.fault]: cut.command });
      const r = await renew(rig.deps(device), { credentials: B.credentials, allowNewName: true });
      expect(r.error?.code).toBe('ERR_DEVICE_DISCONNECTED');
      expect(r.steps.find((s) => s.status === 'failed')!.id).toBe(cut.step);
      expectWorkingIdentity(sim, [A.fingerprint, B.fingerprint]);

      sim.setFaults({});
      const again = await reconnect(rig, target);
      const resumed = await renew(rig.deps(again), { credentials: B.credentials, allowNewName: true });
      expect(resumed.error).toBeUndefined();
      const s = stepStatuses(resumed);
      expect({
        'add-certificate': s['add-certificate'],
        activate: s.activate,
        'delete-old': s['delete-old'],
      }).toEqual(cut.resumed);
      expect(serviceCerts(sim)).toEqual([[B.fingerprint, ['WebexIdentity']]]);
      expectChainEntries(sim, 'Webex identity');
      expectPreinstalledKept(sim);
    });
  }
});
