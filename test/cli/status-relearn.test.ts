/**
 * After the journal is moved aside (what the tool tells a person to do with a damaged one), the new
 * journal knows nothing of what the device carries. `status` (and the app's connect) journal what they
 * observe, so that the inventory re-learns the device: one with an active identity is listed `active` with
 * its certificate, not `secret-set` with none.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/main/vault/memory-store.js';
import { connect } from '../../src/main/device/index.js';
import { type IpcEventLike, registerIpc } from '../../src/main/ipc/register.js';
import { type Services, createServices } from '../../src/main/services.js';
import { HEAD_FILE, JOURNAL_FILE, Journal, deriveInventory } from '../../src/main/vault/index.js';
import { provision } from '../../src/main/workflows/provision.js';
import { createSimulator } from '../../src/simulator/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { Rig, provisionedOnPty } from '../main/workflows/rig.js';

const rig = new Rig();
let env: Record<string, string>;
const cli = (args: string[]): Promise<CliResult> => runCli(args, '', env);

async function moveJournalAside(home: string): Promise<void> {
  const aside = join(home, 'aside');
  await mkdir(aside, { recursive: true });
  for (const f of [JOURNAL_FILE, HEAD_FILE]) await rename(join(home, f), join(aside, f));
}

interface InventoryRow {
  serial: string;
  state: string;
  certificate?: { cn: string; fingerprint: string; notAfter: string; active: boolean };
  unsettled: string[];
}

async function inventoryOf(serial: string): Promise<InventoryRow | undefined> {
  const r = await cli(['inventory', '--json']);
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout.toString('utf8')) as { devices: InventoryRow[] }).devices.find(
    (d) => d.serial === serial,
  );
}

describe.runIf(systemHas('socat') && systemHas('keyring'))('the inventory re-learns a device', () => {
  beforeAll(async () => {
    await rig.setUp('status-relearn');
    env = { E2EE_PROV_HOME: rig.path('home'), E2EE_PROV_KEYCHAIN_SERVICE: rig.service };
  });
  afterEach(() => rig.reset());
  afterAll(() => rig.tearDown());

  it('status, after the journal was moved aside and a rotation wrote the new one: active with its certificate', async () => {
    const serial = 'FOCRELEARN1';
    const { sim, target, cert } = await provisionedOnPty(
      rig,
      serial,
      'relearn.example',
      'relearn first secret',
    );
    await moveJournalAside(rig.path('home'));
    const rotated = await cli(['secret', 'rotate', '--target', target]);
    expect(rotated.status).toBe(0);
    // What the new journal alone says: a secret changed, no certificate known.
    expect(await inventoryOf(serial)).toMatchObject({ state: 'secret-set', unsettled: [] });
    expect((await inventoryOf(serial))?.certificate).toBeUndefined();

    const status = await cli(['status', '--target', target]);
    expect(status.status).toBe(0);
    expect(status.stderr).not.toContain('WARN_STATUS_NOT_RECORDED');
    expect(await inventoryOf(serial)).toEqual({
      serial,
      productId: 'Cisco Room Kit',
      state: 'active',
      certificate: {
        cn: 'relearn.example',
        fingerprint: cert.fingerprint,
        notAfter: cert.notAfter,
        active: true,
      },
      lastAction: expect.objectContaining({ action: 'secret.rotate', result: 'ok' }) as unknown,
      unsettled: [],
      keychain: 'secret',
    });
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
  });

  it('status with a journal that cannot take the record still prints the report, and says so', async () => {
    const serial = 'FOCRELEARN2';
    const { target } = await provisionedOnPty(rig, serial, 'relearn-2.example', 'relearn second secret');
    const home = rig.path('home-damaged');
    await mkdir(home, { recursive: true });
    // A journal with a line that is not a record: it refuses every append.
    await writeFile(join(home, JOURNAL_FILE), 'not a record\n');
    const r = await runCli(['status', '--target', target, '--json'], '', { ...env, E2EE_PROV_HOME: home });
    expect(r.status).toBe(0);
    expect(
      (JSON.parse(r.stdout.toString('utf8')) as { device: { serialNumber: string } }).device.serialNumber,
    ).toBe(serial);
    expect(r.stderr.split('\n')[0]).toMatch(/^WARN_STATUS_NOT_RECORDED .*\(ERR_JOURNAL_TAMPERED\)/);
    await rm(home, { recursive: true, force: true });
  });

  it('the app, connecting to a device its (new) journal does not know: listed active with its certificate', async () => {
    const serial = 'FOCRELEARN3';
    const cert = await rig.issue('relearn-3.example');
    const sim = await createSimulator({ serialNumber: serial, rebootDelayMs: 50 });
    const store = new MemorySecretStore();
    const earlier = await connect('sim:', { simulator: sim });
    const r = await provision(
      { device: earlier, secrets: store, journal: new Journal(rig.path('old-app-home')) },
      { credentials: cert.credentials, secret: 'relearn app secret', weakSecret: 'allow', link: 'sim' },
    );
    expect(r.ok).toBe(true);
    await earlier.close();

    const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
    const services: Services = createServices({
      version: '1.0.0',
      platform: 'linux',
      dialog: { openFile: async () => null },
      emit: () => undefined,
      env: { E2EE_PROV_HOME: rig.path('app-home'), E2EE_PROV_KNOWN_HOSTS: rig.path('hosts.json') },
      openSecretStore: async () => store,
      listPorts: async () => [],
      clipboard: { writeText: () => undefined, readText: () => '' },
      createSimulator: async () => sim,
    });
    const TRUSTED = 'file:///app/dist/renderer/';
    registerIpc(
      { handle: (channel, listener) => listeners.set(channel, listener) },
      services.handlers,
      (url) => url.startsWith(TRUSTED),
    );
    const call = (channel: string, input: unknown = {}): Promise<unknown> =>
      Promise.resolve(listeners.get(channel)!({ senderFrame: { url: `${TRUSTED}index.html` } }, input));
    try {
      expect(await call('device.connect', { target: `sim:?serial=${serial}`, password: null })).toMatchObject(
        {
          ok: true,
        },
      );
      const inventory = (await call('inventory.list')) as { ok: true; value: { devices: InventoryRow[] } };
      expect(inventory.value.devices).toEqual([
        expect.objectContaining({
          serial,
          state: 'active',
          certificate: { cn: cert.cn, fingerprint: cert.fingerprint, notAfter: cert.notAfter, active: true },
          unsettled: [],
        }),
      ]);
      const records = await new Journal(rig.path('app-home')).read();
      expect(deriveInventory(records).devices.map((d) => d.state)).toEqual(['active']);
    } finally {
      await services.dispose();
      await sim.close();
    }
  });
});
