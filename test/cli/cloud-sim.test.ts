/**
 * The cloud end to end: devices provisioned at their consoles, then reached only through the simulated
 * Webex REST API by the built CLI (`--target webex:SERIAL`), with the real keychain. Renew makes the new
 * certificate the identity, rotate changes the secret, deactivate takes the
 * identity away; an offline device fails with a coded error and nothing changes on it; provision over the
 * cloud is refused with no Populate sent; after a 429 the next call to that device waits at least
 * Retry-After; the token is in no output or file.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/main/device/index.js';
import { provision } from '../../src/main/workflows/provision.js';
import { type CloudSimulator, createCloudSimulator } from '../../src/simulator/cloud/index.js';
import type { RoomOsSimulator } from '../../src/simulator/index.js';
import { type CliResult, HANG_MS, runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { type IssuedFiles, Rig } from '../main/workflows/rig.js';

const TOKEN = 'CnryCloudSimToken-7Qm2Xw9Lp4';
const SERIALS = ['FOC2700E001', 'FOC2700E002', 'FOC2700E003'] as const;
const rig = new Rig();
const sims: RoomOsSimulator[] = [];
const outputs: string[] = [];
let cloud: CloudSimulator;
let env: Record<string, string>;
let first: IssuedFiles;

async function cli(args: string[], input = ''): Promise<CliResult> {
  const r = await runCli(args, input, env, HANG_MS);
  outputs.push(r.stdout.toString('utf8'), r.stderr);
  return r;
}

/** Commands the cloud carried to `serial`'s device, in order. */
function commandsFor(serial: string): string[] {
  const id = cloud.devices.find((d) => d.serial === serial)!.id;
  return cloud.requests.filter((r) => r.deviceId === id && r.command).map((r) => r.command!);
}

describe.skipIf(!systemHas('keyring'))(
  'webex: targets over the simulated Webex cloud, through the built CLI',
  () => {
    beforeAll(async () => {
      await rig.setUp('cloud-sim');
      env = { E2EE_PROV_HOME: rig.path('home'), E2EE_PROV_KEYCHAIN_SERVICE: rig.service };
      // Each device is provisioned at its console first: the cloud never carries the first, plain Populate.
      for (const [i, serial] of SERIALS.entries()) {
        const sim = await rig.sim({ serialNumber: serial, registered: true, rebootDelayMs: 50 });
        const cert = await rig.issue(`room-${i + 1}.cloud.example`);
        if (i === 0) first = cert;
        const device = await connect('sim:', { simulator: sim });
        const r = await provision(
          { device, secrets: rig.secrets, journal: rig.journal },
          { credentials: cert.credentials, link: 'sim' },
        );
        await device.close();
        if (!r.ok) throw new Error(`provisioning ${serial} at its console failed: ${r.error?.code}`);
        sims.push(sim);
      }
      cloud = await createCloudSimulator({ devices: sims.map((simulator) => ({ simulator })), token: TOKEN });
      const login = await cli(
        ['cloud', 'login', '--token-file', '-', '--api-base', cloud.url, '--json'],
        TOKEN,
      );
      expect(login.status).toBe(0);
    });

    afterAll(async () => {
      await cloud?.close();
      await rig.tearDown();
    });

    it('renew over the cloud makes the new certificate the identity; the blob travels in the body', async () => {
      const next = await rig.issue('room-1-renewed.cloud.example');
      const r = await cli([
        'renew',
        '--target',
        `webex:${SERIALS[0]}`,
        '--cert',
        next.certPath,
        '--key',
        next.keyPath,
        '--allow-new-name',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(sims[0]!.state.webexIdentity).toBe(next.fingerprint);
      expect(sims[0]!.state.certificates.some((c) => c.fingerprint === first.fingerprint)).toBe(false);
      const commands = commandsFor(SERIALS[0]);
      expect(commands).toContain('Security.Certificates.Services.Add');
      expect(commands).toContain('Security.Certificates.Services.Activate');
    });

    it('secret rotate over the cloud changes the secret; the keychain holds the one the device has', async () => {
      const before = await rig.secrets.get(SERIALS[1]);
      const r = await cli(['secret', 'rotate', '--target', `webex:${SERIALS[1]}`, '--json']);
      expect(r.status).toBe(0);
      const now = await rig.secrets.get(SERIALS[1]);
      expect(now).not.toBe(before);
      expect(sims[1]!.clientSecretIs(now!)).toBe(true);
      expect(await rig.secrets.getPending(SERIALS[1])).toBeNull();
      expect(commandsFor(SERIALS[1])).toEqual(expect.arrayContaining(['Security.ClientSecret.Populate']));
    });

    it('an offline device fails with a coded error and nothing changes on it', async () => {
      cloud.setDevice(SERIALS[2], { connectionStatus: 'disconnected' });
      const secret = await rig.secrets.get(SERIALS[2]);
      const identity = sims[2]!.state.webexIdentity;
      const sent = commandsFor(SERIALS[2]).length;
      const r = await cli(['secret', 'rotate', '--target', `webex:${SERIALS[2]}`, '--json']);
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^ERR_CLOUD_DEVICE_UNREACHABLE\b/);
      expect(commandsFor(SERIALS[2]).length).toBe(sent);
      expect(await rig.secrets.get(SERIALS[2])).toBe(secret);
      expect(sims[2]!.clientSecretIs(secret!)).toBe(true);
      expect(sims[2]!.state.webexIdentity).toBe(identity);
      cloud.setDevice(SERIALS[2], { connectionStatus: 'connected' });
    });

    it('provision over the cloud is refused before anything is sent: no Populate reaches the device', async () => {
      const before = cloud.requests.length;
      const cert = await rig.issue('never.cloud.example');
      const r = await cli(['provision', '--target', `webex:${SERIALS[2]}`, '--cert', cert.bundlePath]);
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^ERR_CLOUD_PROVISION_REFUSED\b/);
      expect(cloud.requests.slice(before).filter((q) => q.method === 'POST')).toEqual([]);
    });

    it('deactivate over the cloud takes the identity away', async () => {
      const r = await cli(['deactivate', '--target', `webex:${SERIALS[2]}`, '--json']);
      expect(r.status).toBe(0);
      expect(sims[2]!.state.webexIdentity).toBeUndefined();
    });

    it('after a 429 the next call to that device waits at least Retry-After', async () => {
      cloud.setDevice(SERIALS[1], { rateLimit: { every: 3, retryAfterSeconds: 1 } });
      const r = await cli(['status', '--target', `webex:${SERIALS[1]}`, '--json']);
      cloud.setDevice(SERIALS[1], { rateLimit: null });
      expect(r.status).toBe(0);
      const view = cloud.devices.find((d) => d.serial === SERIALS[1])!;
      expect(view.rateLimitedAt.length).toBeGreaterThan(0);
      const id = view.id;
      // Every 429 was followed by another call to the device (the command went through), none sooner than 1 s.
      const waits = view.rateLimitedAt.map(
        (at) => cloud.requests.find((q) => q.deviceId === id && q.t > at)!.t - at,
      );
      expect(waits.length).toBe(view.rateLimitedAt.length);
      for (const w of waits) expect(w).toBeGreaterThanOrEqual(1000);
    });

    it('the token appears in no output and in no file of the data folder', async () => {
      for (const o of outputs) expect(o).not.toContain(TOKEN);
      const home = rig.path('home');
      for (const name of await readdir(home, { recursive: true })) {
        const text = await readFile(join(home, name)).catch(() => Buffer.alloc(0));
        expect(text.toString('latin1')).not.toContain(TOKEN);
      }
    });
  },
);
