/**
 * A run cut off during a certificate add or activation (a kill between the intent and its outcome, or a
 * cable pulled after the device got the command) leaves the journal's record open. The re-run finds the
 * step done on the device and settles the record from that read-back, so that `inventory` agrees with the
 * device: settled, the certificate listed and active.
 */
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../src/core/xapi/index.js';
import { deriveInventory, unsettledOps } from '../../../src/main/vault/index.js';
import { deviceOps } from '../../../src/main/workflows/device-port.js';
import { provision } from '../../../src/main/workflows/provision.js';
import { Rig, ptyAndKeyring } from './rig.js';

const ready = ptyAndKeyring();
const rig = new Rig();
let n = 0;
const cut = () =>
  new DeviceError('ERR_DEVICE_DISCONNECTED', 'The connection ended during a command, which may have run.', {
    mayHaveRun: true,
  });

async function fresh() {
  const serial = `FOCSETTLE${String(++n).padStart(2, '0')}`;
  const sim = await rig.sim({ serialNumber: serial });
  return { sim, target: await rig.pty(sim), serial };
}

describe.runIf(ready)('a re-run settles what an interrupted run left open', () => {
  rig.suite('settle-rerun');

  for (const step of ['add', 'activate'] as const) {
    it(`a cable pulled just after the device took the ${step}: the re-run settles it as ok`, async () => {
      const { sim, target, serial } = await fresh();
      const cert = await rig.issue(`settle-${step}.example`);
      const device = await rig.connect(target);
      const pulled = deviceOps(device, {
        ...(step === 'add'
          ? {
              addCertificate: async (b: string, o?: { wrap?: number }) => {
                await device.addCertificate(b, o);
                throw cut();
              },
            }
          : {
              activate: async (b: string) => {
                await device.activate(b);
                throw cut();
              },
            }),
      });
      const first = await provision(rig.deps(pulled), { credentials: cert.credentials, link: 'serial' });
      expect(first.error?.code).toBe('ERR_DEVICE_DISCONNECTED');
      const action = step === 'add' ? 'cert.add' : 'cert.activate';
      expect(unsettledOps(await rig.journal.read(), { action, serial })).toHaveLength(1);

      const again = await provision(rig.deps(device), { credentials: cert.credentials, link: 'serial' });
      expect(again.error).toBeUndefined();
      const records = await rig.journal.read();
      expect(unsettledOps(records, { serial })).toEqual([]);
      const outcomes = records.filter(
        (r) => r.kind === 'outcome' && r.action === action && r.serial === serial,
      );
      expect(outcomes.map((r) => (r.kind === 'outcome' ? [r.result, r.settledBy] : []))).toEqual([
        ['unknown', 'response'],
        ['ok', 'probe'],
      ]);
      const inv = deriveInventory(records).devices.find((d) => d.serial === serial);
      expect(inv).toMatchObject({
        state: 'active',
        unsettled: [],
        certificate: { fingerprint: cert.fingerprint, active: true },
      });
      expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    });
  }

  it('a kill between the add intent and its outcome: the re-run settles it, the inventory shows it active', async () => {
    const { sim, target, serial } = await fresh();
    const cert = await rig.issue('settle-kill.example');
    const device = await rig.connect(target);
    // The process dies after the device took the add and before the outcome is written: a journal whose
    // cert.add outcome never arrives.
    const dying = new Proxy(rig.journal, {
      get(journal, prop) {
        if (prop === 'outcome')
          return async (action: string, ...rest: unknown[]) => {
            if (action === 'cert.add') throw Object.assign(new Error('killed'), { code: 'TEST_KILLED' });
            return (journal.outcome as (...a: unknown[]) => Promise<unknown>).call(journal, action, ...rest);
          };
        const v = Reflect.get(journal, prop, journal) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(journal) : v;
      },
    });
    const first = await provision(
      { device, secrets: rig.secrets, journal: dying },
      { credentials: cert.credentials, link: 'serial' },
    );
    expect(first.ok).toBe(false);
    const before = await rig.journal.read();
    expect(
      before.filter((r) => r.kind === 'outcome' && r.action === 'cert.add' && r.serial === serial),
    ).toEqual([]);
    expect(deriveInventory(before).devices.find((d) => d.serial === serial)?.state).toBe('unsettled');
    expect(sim.state.certificates.some((c) => c.fingerprint === cert.fingerprint)).toBe(true);

    const again = await provision(rig.deps(device), { credentials: cert.credentials, link: 'serial' });
    expect(again.error).toBeUndefined();
    expect(again.steps.find((x) => x.id === 'add-certificate')?.status).toBe('skipped');
    const records = await rig.journal.read();
    expect(unsettledOps(records, { serial }).map((o) => o.action)).toEqual([]);
    const inv = deriveInventory(records).devices.find((d) => d.serial === serial);
    expect(inv).toMatchObject({
      state: 'active',
      unsettled: [],
      certificate: { fingerprint: cert.fingerprint, active: true },
    });
  });
});
