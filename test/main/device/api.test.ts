/**
 * The whole typed API against the simulator, over each transport: in-process, a real pseudo-terminal
 * pair (socat, opened with serialport) and SSH on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { connect, DeviceError, Transcript } from '../../../src/main/device/index.js';
import { createSimulator, type SimulatorOptions } from '../../../src/simulator/index.js';
import { closeAfterEach } from '../../helpers/closing.js';
import { systemHas } from '../../helpers/system.js';
import { type Kind, type Reached, reach, transportKinds } from '../../helpers/transport.js';
import { makeDeviceCert, type DeviceCert } from './fixtures.js';
import { rejectionOf } from '../../helpers/rejection.js';

let dir: string;
let cert: DeviceCert;
const hasOpenssl = systemHas('openssl');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'device-api-'));
  if (hasOpenssl) cert = makeDeviceCert();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A simulator reached over `kind`, and the target and options to connect to it. */
async function rig(kind: Kind, simOptions: SimulatorOptions = {}): Promise<Reached> {
  const sim = await createSimulator({ rebootDelayMs: 300, registrationDelayMs: 50, ...simOptions });
  return reach(kind, sim, dir, { timeoutMs: 5000, restartTimeoutMs: 20_000, wakeIntervalMs: 1000 });
}

const rejection = rejectionOf(DeviceError);

for (const [kind, available] of transportKinds()) {
  describe.runIf(available && hasOpenssl)(`the device API over ${kind}`, () => {
    const closing = closeAfterEach();

    it('provisions end to end: identify, backup, secret, certificate, activate, register, reset', async () => {
      const r = closing(await rig(kind, { stateFile: join(dir, `state-${kind}.json`) }));
      const transcript = new Transcript();
      const dev = closing.quietly(await connect(r.target, { ...r.options, transcript }));
      expect(dev.outputMode).toBe('json');
      expect(dev.banner.release).toBe('RoomOS 11.23.1.8 3963b07b5c5');

      expect(await dev.identify()).toEqual({
        productId: 'Cisco Room Kit',
        softwareVersion: 'ce11.23.1.8.3963b07b5c5',
        softwareDisplayName: 'RoomOS 11.23.1.8 3963b07b5c5',
        serialNumber: 'FOC2345X0AB',
        systemName: '',
        webexStatus: 'Stopped',
        encryptionOptionKey: 'True',
      });
      expect((await dev.e2eeStatus()).present).toBe(false);

      const dump = await dev.configurationDump();
      expect(dev.outputMode).toBe('json');
      expect(dump.lines).toContain('*c xConfiguration SerialPort LoginRequired: On');
      expect(dump.lines).toContain('*c xConfiguration SystemUnit Name: ""');
      expect(dump.nodes).toContainEqual({ path: 'Network 1 IPv4 Assignment', value: 'DHCP', quoted: false });
      expect(dump.nodes.length).toBe(dump.lines.length);

      expect(
        await dev.restoreConfiguration([{ path: 'SystemUnit Name', value: 'Lobby "A"', quoted: true }]),
      ).toEqual({
        applied: ['SystemUnit Name'],
        failed: [],
      });
      expect(r.sim.state.systemName).toBe('Lobby "A"');
      const report = await dev.restoreConfiguration([{ path: 'No Such Node', value: 'x', quoted: true }]);
      expect(report.applied).toEqual([]);
      expect(report.failed[0]?.path).toBe('No Such Node');

      await dev.setPreferredDomain('example.com');
      expect(r.sim.state.config['Conference EndToEndEncryption Identity PreferredDomain']).toBe(
        'example.com',
      );

      await dev.populateSecretPlain('0123456789abcdef');
      expect(r.sim.clientSecretIs('0123456789abcdef')).toBe(true);
      // After the first, a plain populate is refused by the device.
      const again = await rejection(dev.populateSecretPlain('another one'));
      expect(again.code).toBe('ERR_DEVICE_COMMAND_FAILED');
      expect(r.sim.clientSecretIs('0123456789abcdef')).toBe(true);

      await dev.populateSecret(await seal('populate', 'the new secret', '0123456789abcdef'));
      expect(r.sim.clientSecretIs('the new secret')).toBe(true);
      const wrong = await rejection(dev.populateSecret(await seal('populate', 'x', 'not the secret')));
      expect(wrong.code).toBe('ERR_DEVICE_COMMAND_FAILED');
      expect(wrong.details.reason).toBe('Decryption failed: wrong secret or corrupt data.');

      await dev.addCertificate(await seal('add', cert.cert + cert.key, 'the new secret'));
      // The device lists its own self-signed certificate, and the one added.
      const certs = await dev.listCertificates();
      expect(certs.map((c) => c.subjectName)).toEqual([
        '/CN=TemporaryDefaultCertificate',
        expect.stringContaining('roomkit.example.com'),
      ]);
      const added = certs.find((c) => c.fingerprint === cert.sha1);
      expect(added).toMatchObject({ index: 2, fingerprint: cert.sha1, purposes: [], usedFor: '' });
      expect(added?.notAfter).toMatch(/GMT$/);
      expect(await dev.listCertificates({ filter: 'WebexIdentity' })).toEqual([]);

      await dev.activate(await seal('activate', cert.sha1, 'the new secret'));
      expect(r.sim.state.webexIdentity).toBe(cert.sha1);
      // UsedFor holds the device's label; Filter: WebexIdentity is what says it is the identity.
      expect((await dev.listCertificates()).find((c) => c.fingerprint === cert.sha1)?.usedFor).toBe(
        'Webex identity',
      );
      expect((await dev.listCertificates({ filter: 'WebexIdentity' })).map((c) => c.fingerprint)).toEqual([
        cert.sha1,
      ]);

      const reg = await dev.registerWebex('1234567890123456', 'NoAction');
      expect(typeof reg).toBe('object');
      for (let i = 0; i < 50 && (await dev.identify()).webexStatus !== 'Registered'; i++)
        await new Promise((ok) => setTimeout(ok, 50));
      expect((await dev.identify()).webexStatus).toBe('Registered');
      const e2ee = await dev.e2eeStatus();
      expect(e2ee.present).toBe(true);
      expect(e2ee.availability).toBe('Available');
      expect(e2ee.external.certificateChain[0]?.fingerprint).toBe(cert.sha1);

      await dev.deactivate(await seal('deactivate', cert.sha1, 'the new secret'));
      expect(r.sim.state.webexIdentity).toBeUndefined();
      await dev.deleteCertificate(cert.sha1.toUpperCase());
      expect((await dev.listCertificates()).map((c) => c.subjectName)).toEqual([
        '/CN=TemporaryDefaultCertificate',
      ]);
      const missing = await rejection(dev.deleteCertificate(cert.sha1));
      expect(missing.code).toBe('ERR_DEVICE_COMMAND_FAILED');

      const help = await dev.command('?');
      expect(help.lines).toContain('OK');

      await dev.factoryReset({ keep: ['Network'] });
      expect(dev.connected).toBe(true);
      expect(r.sim.state.bootCount).toBe(2);
      expect(r.sim.state.clientSecretSet).toBe(false);
      expect((await dev.identify()).systemName).toBe('');

      const log = transcript.toText();
      for (const secret of [
        '0123456789abcdef',
        'MDEyMzQ1Njc4OWFiY2RlZg',
        'the new secret',
        'another one',
        '1234567890123456',
      ])
        expect(log).not.toContain(secret);
      expect(log).toMatch(/Populate Secret: «redacted»/);
      expect(log).toMatch(/eyJhbGciOiJk…\(\d+ chars\)/);
    });

    it('refuses a wrong password with ERR_DEVICE_LOGIN_FAILED', async () => {
      const r = closing(await rig(kind, { adminPassword: 'right' }));
      const e = await rejection(
        connect(r.target, { ...r.options, password: 'wrong', loginTimeoutMs: 10_000 }),
      );
      expect(e.code).toBe('ERR_DEVICE_LOGIN_FAILED');
      const dev = closing.quietly(await connect(r.target, { ...r.options, password: 'right' }));
      expect((await dev.identify()).productId).toBe('Cisco Room Kit');
    });
  });
}

describe('session variants (in-process)', () => {
  const closing = closeAfterEach();

  it('the CE 9 banner (a blank line before OK)', async () => {
    const sim = closing(await createSimulator({ banner: 'legacy', systemName: 'Old Kit' }));
    const dev = closing.quietly(await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 }));
    expect(dev.banner).toMatchObject({ systemName: 'Old Kit', loggedInWithPrompt: true });
    expect((await dev.identify()).systemName).toBe('Old Kit');
  });

  it('a serial console without login (SerialPort LoginRequired Off)', async () => {
    const sim = closing(await createSimulator({ loginRequired: false }));
    const dev = closing.quietly(await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 }));
    expect(dev.banner).toEqual({
      systemName: null,
      release: null,
      releaseDate: null,
      loggedInWithPrompt: false,
    });
    expect((await dev.identify()).productId).toBe('Cisco Room Kit');
  });

  it('feedback the tool registers for arrives through onFeedback, apart from answers', async () => {
    const sim = closing(await createSimulator({ registrationDelayMs: 50 }));
    const dev = closing.quietly(await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 }));
    const seen: string[] = [];
    dev.onFeedback((r) => seen.push(...r.entries.map((e) => `${e.path.join(' ')}=${e.value}`)));
    const reg = await dev.request('xFeedback register /Status/Webex');
    expect(reg.status).toBe('OK');
    await dev.registerWebex('1234567890123456', 'Harden');
    for (let i = 0; i < 40 && !seen.includes('Webex Status=Registered'); i++)
      await new Promise((ok) => setTimeout(ok, 25));
    expect(seen).toContain('Webex Status=Registering');
    expect(seen).toContain('Webex Status=Registered');
    expect(sim.state.hardened).toBe(true);
  });

  it('refuses bad parameters before sending: wrong blob action, bad fingerprint, over-long values', async () => {
    const sim = closing(await createSimulator());
    const dev = closing.quietly(await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 }));
    const wrongAction = await rejection(dev.activate(await seal('add', 'x', 's')));
    expect(wrongAction.code).toBe('ERR_DEVICE_PARAMETER');
    expect(wrongAction.details).toEqual({ expected: 'activate', actual: 'add' });
    expect((await rejection(dev.deleteCertificate('abc'))).code).toBe('ERR_DEVICE_PARAMETER');
    expect((await rejection(dev.setPreferredDomain('d'.repeat(256)))).code).toBe('ERR_DEVICE_PARAMETER');
    expect((await rejection(dev.registerWebex('1'.repeat(129), 'NoAction'))).code).toBe(
      'ERR_DEVICE_PARAMETER',
    );
    expect((await rejection(dev.populateSecretPlain('s'.repeat(800)))).code).toBe('ERR_DEVICE_PARAMETER');
    expect((await rejection(dev.populateSecretPlain(''))).code).toBe('ERR_DEVICE_PARAMETER');
    expect(sim.state.clientSecretSet).toBe(false);
    // A garbled blob (the seed's misprint) is a JWE error, nothing sent.
    await expect(dev.populateSecret('eyJhbGciOiJkaXIifQ..9abc.def.ghi')).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_JWE_/),
    });
  });
});
