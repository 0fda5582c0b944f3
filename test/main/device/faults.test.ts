/**
 * Every fault the simulator can inject (src/simulator/faults.ts), over each transport, in both output
 * grammars: the client must still get exact answers, or a typed error that says what happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { connect, DeviceError, type RoomOsDevice } from '../../../src/main/device/index.js';
import { createSimulator, type Faults, type RoomOsSimulator } from '../../../src/simulator/index.js';
import { closeAfterEach } from '../../helpers/closing.js';
import { systemHas } from '../../helpers/system.js';
import { type Kind, type Reached, reach, transportKinds } from '../../helpers/transport.js';
import { makeDeviceCert, type DeviceCert } from './fixtures.js';
import { rejectionOf } from '../../helpers/rejection.js';

let dir: string;
let cert: DeviceCert;
const hasOpenssl = systemHas('openssl');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'device-faults-'));
  if (hasOpenssl) cert = makeDeviceCert('faults.example.com');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rig(kind: Kind): Promise<Reached> {
  const sim = await createSimulator({ rebootDelayMs: 200 });
  return reach(kind, sim, dir, { timeoutMs: 8000, wakeIntervalMs: 1000 });
}

const rejection = rejectionOf(DeviceError);

/** A short provisioning in the current grammar; asserts exact results. */
async function exercise(dev: RoomOsDevice, sim: RoomOsSimulator, secret: string): Promise<void> {
  const id = await dev.identify();
  expect(id.productId).toBe('Cisco Room Kit');
  expect(id.serialNumber).toBe('FOC2345X0AB');
  if (!sim.state.clientSecretSet) await dev.populateSecretPlain(secret);
  expect(sim.clientSecretIs(secret)).toBe(true);
  for (const c of await dev.listCertificates()) await dev.deleteCertificate(c.fingerprint);
  await dev.addCertificate(await seal('add', cert.cert + cert.key, secret));
  const certs = await dev.listCertificates();
  expect(certs.map((c) => c.fingerprint)).toEqual([cert.sha1]);
  const bad = await rejection(dev.deleteCertificate('0'.repeat(40)));
  expect(bad.code).toBe('ERR_DEVICE_COMMAND_FAILED');
  expect(bad.details.reason).toBe('Certificate not found.');
}

const GOOD_FAULTS: Array<[string, Partial<Faults>]> = [
  ['split writes (one byte each)', { splitWrites: 1 }],
  ['coalesced writes', { coalesce: true }],
  ['feedback between answers', { feedbackBetween: true }],
  ['OK after the *r block', { okPosition: 'after' }],
  ['OK before the *r block', { okPosition: 'before' }],
  ['LF line endings', { lineEnding: '\n' }],
  ['slow output', { slowMsPerChunk: 2, splitWrites: 256 }],
  ['all at once', { splitWrites: 3, feedbackBetween: true, okPosition: 'after', lineEnding: '\n' }],
];

for (const [kind, available] of transportKinds()) {
  describe.runIf(available && hasOpenssl)(`faults over ${kind}`, () => {
    const closing = closeAfterEach();
    /** A simulator over this transport (with `faults` from the start), closed after the test. */
    const rigged = async (faults?: Partial<Faults>): Promise<Reached> => {
      const r = closing(await rig(kind));
      if (faults) r.sim.setFaults(faults);
      return r;
    };
    /** That, and a session on it, closed after the test. */
    const connected = async (faults?: Partial<Faults>): Promise<Reached & { dev: RoomOsDevice }> => {
      const r = await rigged(faults);
      return { ...r, dev: closing.quietly(await connect(r.target, r.options)) };
    };

    /**
     * A session whose line drops on (or just after) `ClientSecret Populate`: populating `secret` is
     * refused as disconnected, and may have run.
     */
    const droppedPopulate = async (
      fault: 'dropOnCommand' | 'dropAfterCommand',
      secret: string,
    ): Promise<Reached & { dev: RoomOsDevice }> => {
      const r = await connected();
      r.sim.setFaults({ [fault]: 'ClientSecret Populate' });
      const e = await rejection(r.dev.populateSecretPlain(secret));
      expect(e.code).toBe('ERR_DEVICE_DISCONNECTED');
      expect(e.details.mayHaveRun).toBe(true);
      return r;
    };

    for (const [name, faults] of GOOD_FAULTS) {
      it(`${name}: exact answers in JSON and terminal grammar`, async () => {
        const { sim, dev } = await connected(faults);
        expect(dev.outputMode).toBe('json');
        await exercise(dev, sim, 'fault secret');
        expect(await dev.setOutputMode('terminal')).toBe('terminal');
        await exercise(dev, sim, 'fault secret');
      });
    }

    it('lines over what the console takes: cut by the device, or refused before sending', async () => {
      const { sim, dev, ...r } = await connected();
      await dev.populateSecretPlain('s');
      const blob = await seal('add', cert.cert + cert.key, 's');
      expect(blob.length).toBeGreaterThan(600);
      sim.setFaults({ truncateLineAt: 500 });
      const cut = await rejection(dev.addCertificate(blob));
      expect(cut.code).toBe('ERR_DEVICE_COMMAND_FAILED');
      // Nothing was added: the device lists only its own certificate.
      expect((await dev.listCertificates()).map((c) => c.subjectName)).toEqual([
        '/CN=TemporaryDefaultCertificate',
      ]);
      await dev.close();

      const limited = closing.quietly(await connect(r.target, { ...r.options, maxLineBytes: 500 }));
      const before = sim.events.length;
      const refused = await rejection(limited.addCertificate(blob));
      expect(refused.code).toBe('ERR_DEVICE_LINE_TOO_LONG');
      expect(refused.details).toMatchObject({ limit: 500 });
      expect(sim.events.slice(before).filter((e) => JSON.stringify(e).includes('Services Add'))).toEqual([]);
    });

    it('a drop on the command: disconnected, may have run; reconnect finds it did not', async () => {
      const { sim, dev } = await droppedPopulate('dropOnCommand', 'dropped');
      expect(dev.connected).toBe(false);
      const after = await rejection(dev.identify());
      expect(after.code).toBe('ERR_DEVICE_DISCONNECTED');
      expect(after.details.mayHaveRun).toBe(false);
      await dev.reconnect({ timeoutMs: 20_000 });
      expect(sim.state.clientSecretSet).toBe(false);
      await dev.populateSecretPlain('dropped');
      expect(sim.clientSecretIs('dropped')).toBe(true);
    });

    it('a drop after the command ran: disconnected, may have run; reconnect finds it did', async () => {
      const { sim, dev } = await droppedPopulate('dropAfterCommand', 'ran');
      await dev.reconnect({ timeoutMs: 20_000 });
      expect(sim.clientSecretIs('ran')).toBe(true);
      expect((await dev.identify()).productId).toBe('Cisco Room Kit');
    });

    it('a drop while logging in is a disconnection; the next attempt works', async () => {
      const r = await rigged({ dropAfterBytesIn: 12 });
      const e = await rejection(connect(r.target, { ...r.options, loginTimeoutMs: 10_000 }));
      expect(['ERR_DEVICE_DISCONNECTED', 'ERR_DEVICE_TIMEOUT']).toContain(e.code);
      if (e.code === 'ERR_DEVICE_DISCONNECTED') expect(e.details.mayHaveRun).toBe(false);
      await new Promise((ok) => setTimeout(ok, 500));
      const dev = closing.quietly(await connect(r.target, r.options));
      expect((await dev.identify()).productId).toBe('Cisco Room Kit');
    });
  });
}
