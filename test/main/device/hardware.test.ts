/**
 * Opt-in: the same API against a real device when TEST_DEVICE names a target
 * (`TEST_DEVICE=serial:/dev/ttyACM0`, `TEST_DEVICE=ssh://admin@10.0.0.5`). Read-only: nothing on the
 * device changes. The admin password, if any, comes from the file TEST_DEVICE_PASSWORD_FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { softwareSupported } from '../../../src/core/support.js';
import { describe, expect, it } from 'vitest';
import {
  captureDevice,
  connect,
  JsonHostKeyStore,
  Transcript,
  defaultKnownHostsPath,
} from '../../../src/main/device/index.js';

const target = process.env.TEST_DEVICE;
if (!target) console.warn('[skipped] TEST_DEVICE is not set; the real-hardware device tests are skipped.');

describe.runIf(Boolean(target))(`a real device at ${target ?? '(none)'}`, () => {
  it('identifies itself, reports E2EE status and certificates, and dumps its configuration', async () => {
    const passwordFile = process.env.TEST_DEVICE_PASSWORD_FILE;
    const password = passwordFile ? readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '') : '';
    const transcript = new Transcript();
    const dev = await connect(target ?? '', {
      password,
      transcript,
      hostKeyStore: new JsonHostKeyStore(defaultKnownHostsPath()),
      timeoutMs: 30_000,
    });
    try {
      const id = await dev.identify();
      console.log('device:', JSON.stringify(id), 'grammar:', dev.outputMode);
      expect(id.productId).toMatch(/Cisco/);
      expect(id.softwareVersion).not.toBe('');
      const e2ee = await dev.e2eeStatus();
      expect(typeof e2ee.present).toBe('boolean');
      for (const c of await dev.listCertificates()) expect(c.fingerprint).toMatch(/^[0-9a-f]{40}$/);
      // The documented filter answers (its entries are a subset of the whole list).
      const all = new Set((await dev.listCertificates()).map((c) => c.fingerprint));
      for (const c of await dev.listCertificates({ filter: 'WebexIdentity' }))
        expect(all.has(c.fingerprint)).toBe(true);
      // The release number is readable, whatever the prefix.
      expect(softwareSupported(id.softwareVersion, id.softwareDisplayName).supported).not.toBeUndefined();
      // Read-only probes, the line-limit probe among them; saved when TEST_DEVICE_CAPTURE names a new file.
      const capture = await captureDevice(dev, { toolVersion: 'hardware-test' });
      console.log('line limit:', JSON.stringify(capture.lineLimit));
      if (process.env.TEST_DEVICE_CAPTURE)
        writeFileSync(process.env.TEST_DEVICE_CAPTURE, JSON.stringify(capture, null, 2) + '\n', {
          flag: 'wx',
          mode: 0o600,
        });
      const dump = await dev.configurationDump();
      expect(dump.lines.length).toBeGreaterThan(10);
      expect(dump.nodes.length).toBe(dump.lines.length);
    } finally {
      await dev.close();
      if (password) expect(transcript.toText()).not.toContain(password);
    }
  }, 180_000);
});
