/**
 * Security item 2: the window named files through a target string. `device.connect` with
 * `sim:?state=/etc/passwd` sent the file's start back in an error; another path was created and, after
 * provisioning, held the client secret in clear. The window may not name a file: the contract refuses
 * `state` (however it is spelled) and serial paths outside /dev; main keeps the training device's state
 * under its own data directory.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRendererTarget } from '../../src/contract/index.js';
import { type Services } from '../../src/main/services.js';
import { type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { plainProvision } from '../helpers/requests.js';
import { type WindowCall, testServices, windowCalls } from '../helpers/services.js';

let dir: string;
let services: Services;
const made: SimulatorOptions[] = [];
let call: WindowCall;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-target-'));
  services = testServices(dir, {
    createSimulator: async (o) => {
      made.push(o);
      return createSimulator(o);
    },
  });
  call = windowCalls(services);
});
afterAll(async () => {
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the window cannot name files through a target', () => {
  it('sim:?state=<a secret file> is refused with ERR_DEVICE_TARGET; nothing of the file comes back', async () => {
    const secretFile = join(dir, 'private.txt');
    writeFileSync(secretFile, 'TOP-SECRET-CONTENT do not leak');
    for (const target of [
      `sim:?state=${secretFile}`,
      `sim:?serial=X&state=${secretFile}`,
      `sim:?st%61te=${encodeURIComponent(secretFile)}`,
      `SIM:?state=${secretFile}`,
      ` sim:?state=${secretFile}`,
      'sim:?state=/etc/passwd',
    ]) {
      const r = (await call('device.connect', { target, password: null })) as Record<string, unknown>;
      expect(r, target).toMatchObject({ ok: false, code: 'ERR_DEVICE_TARGET' });
      expect(JSON.stringify(r)).not.toContain('TOP-SECRET');
      expect(JSON.stringify(r)).not.toContain('root:');
    }
    expect(made).toEqual([]);
  });

  it('a new path named by the window is never created', async () => {
    const planted = join(dir, 'planted.json');
    const r = await call('device.connect', { target: `sim:?state=${planted}`, password: null });
    expect(r).toMatchObject({ ok: false, code: 'ERR_DEVICE_TARGET' });
    expect(existsSync(planted)).toBe(false);
  });

  it('serial: takes device nodes only from the window', async () => {
    for (const target of [
      'serial:/etc/passwd',
      `serial:${dir}/x`,
      'serial:/dev/../etc/shadow',
      'serial:relative',
    ]) {
      expect(await call('device.connect', { target, password: null }), target).toMatchObject({
        ok: false,
        code: 'ERR_DEVICE_TARGET',
      });
    }
    expect(() => checkRendererTarget('serial:/dev/ttyACM0', 'c')).not.toThrow();
    expect(() =>
      checkRendererTarget('serial:/dev/serial/by-id/usb-Cisco_1-if00?baud=9600', 'c'),
    ).not.toThrow();
    expect(() => checkRendererTarget('serial:COM3', 'c')).not.toThrow();
    expect(() => checkRendererTarget('ssh://admin@10.0.0.5', 'c')).not.toThrow();
  });

  it('the app’s training device keeps its state under the app’s data directory, chosen by main', async () => {
    const r = await call('device.connect', { target: 'sim:?serial=FOCSECT001&name=Lab', password: null });
    expect(r).toMatchObject({ ok: true, value: { identity: { serialNumber: 'FOCSECT001' } } });
    expect(made).toHaveLength(1);
    const stateFile = made[0]!.stateFile!;
    expect(stateFile.startsWith(join(dir, 'home', 'simulators') + '/')).toBe(true);
    expect(stateFile).toMatch(/\/sim-[0-9a-f]{24}\.json$/);
    expect(statSync(join(dir, 'home', 'simulators')).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['home', 'private.txt']);
  });
});

describe('the window’s activation code', () => {
  it('is checked on a dry run, before anything else (the wizard used to send "planned")', async () => {
    const base = plainProvision({ dryRun: true });
    for (const activationCode of ['planned', '1234\r\nxCommand SystemUnit Boot', '']) {
      const r = (await call('provision.run', { ...base, activationCode })) as Record<string, unknown>;
      expect(r, activationCode).toMatchObject({ ok: false, code: 'ERR_DEVICE_ACTIVATION_CODE' });
      expect(JSON.stringify(r)).not.toContain('xCommand');
    }
  });
});
