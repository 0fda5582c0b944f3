import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyPort,
  connect,
  DeviceError,
  JsonHostKeyStore,
  listPorts,
  listPortsFromSysfs,
  SerialTransport,
  type RoomOsDevice,
} from '../../../src/main/device/index.js';
import { createSimulator, type RoomOsSimulator } from '../../../src/simulator/index.js';
import { ciscoConsolePort } from '../../helpers/ports.js';
import { ptyFor } from '../../helpers/pty.js';
import { systemHas } from '../../helpers/system.js';
import { rejectionOf } from '../../helpers/rejection.js';

let dir: string;
let sim: RoomOsSimulator | undefined;
const devices: RoomOsDevice[] = [];
const hasSocat = systemHas('socat');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'device-transports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close().catch(() => undefined);
  await sim?.close();
  sim = undefined;
});

const rejection = rejectionOf(DeviceError);

describe('serial', () => {
  it('a missing port is ERR_DEVICE_PORT_MISSING, naming the path', async () => {
    const e = await rejection(connect(`serial:${join(dir, 'no-such-tty')}`));
    expect(e.code).toBe('ERR_DEVICE_PORT_MISSING');
    expect(e.details).toEqual({ path: join(dir, 'no-such-tty') });
  });

  it.runIf(hasSocat)('a port in use is ERR_DEVICE_PORT_BUSY', async () => {
    sim = await createSimulator();
    const { link } = await ptyFor(sim, 'busy', dir);
    const holder = await SerialTransport.open(link);
    try {
      const e = await rejection(SerialTransport.open(link));
      expect(e.code).toBe('ERR_DEVICE_PORT_BUSY');
    } finally {
      await holder.close();
    }
  });

  it.runIf(hasSocat)(
    'an unplugged cable ends the session; reconnect() waits for it to come back',
    async () => {
      sim = await createSimulator();
      const pty = await ptyFor(sim, 'unplug', dir);
      const { link } = pty;
      const dev = await connect(`serial:${link}`, { wakeIntervalMs: 300 });
      devices.push(dev);
      expect((await dev.identify()).productId).toBe('Cisco Room Kit');
      await pty.closePty(); // the node disappears, as a USB console's does
      expect(existsSync(link)).toBe(false);
      const e = await rejection(dev.identify());
      expect(e.code).toBe('ERR_DEVICE_DISCONNECTED');
      const back = dev.reconnect({ timeoutMs: 15_000 });
      await new Promise((ok) => setTimeout(ok, 700));
      await pty.replug(); // plugged back in
      await back;
      expect((await dev.identify()).serialNumber).toBe('FOC2345X0AB');
    },
  );

  it.runIf(hasSocat)(
    'an open serial session left logged in (and in JSON, echo off) is picked up again',
    async () => {
      sim = await createSimulator();
      const { link } = await ptyFor(sim, 'again', dir);
      const a = await connect(`serial:${link}`, { wakeIntervalMs: 300 });
      expect(a.banner.loggedInWithPrompt).toBe(true);
      // Close the port without `bye`, as a crashed tool would.
      await (
        a as unknown as { session: { transport: { close(): Promise<void> } } }
      ).session.transport.close();
      const b = await connect(`serial:${link}`, { wakeIntervalMs: 300 });
      devices.push(b);
      expect(b.banner.loggedInWithPrompt).toBe(false);
      expect((await b.identify()).productId).toBe('Cisco Room Kit');
    },
  );
});

describe('port discovery', () => {
  it('flags Cisco consoles and USB-serial adapters', () => {
    expect(
      classifyPort({ path: '/dev/ttyACM0', vendorId: '05A6', productId: '0009', serialNumber: 'FOC1' }),
    ).toEqual({
      path: '/dev/ttyACM0',
      manufacturer: null,
      serialNumber: 'FOC1',
      vendorId: '05a6',
      productId: '0009',
      likelyConsole: true,
      note: 'Cisco device console (USB maintenance port)',
    });
    expect(classifyPort({ path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001' }).likelyConsole).toBe(
      true,
    );
    expect(classifyPort({ path: '/dev/ttyS0' })).toMatchObject({
      likelyConsole: false,
      note: 'not a USB serial device',
    });
    expect(classifyPort({ path: '/dev/ttyACM3', vendorId: '2341' }).likelyConsole).toBe(false);
  });

  it('sorts likely consoles first', async () => {
    const ports = await listPorts(async () => [
      { path: '/dev/ttyS0' },
      { path: '/dev/ttyUSB1', vendorId: '067b', productId: '2303' },
      { path: '/dev/ttyACM0', vendorId: '05a6', manufacturer: 'Cisco' },
    ]);
    expect(ports.map((p) => p.path)).toEqual(['/dev/ttyACM0', '/dev/ttyUSB1', '/dev/ttyS0']);
  });

  it('does not fail where SerialPort.list() rejects (no udevadm): falls back to sysfs', async () => {
    const root = join(dir, 'sys-class-tty');
    const usb = join(dir, 'usb', '1-1');
    const { mkdirSync, symlinkSync } = await import('node:fs');
    mkdirSync(join(usb, '1-1:1.0'), { recursive: true });
    writeFileSync(join(usb, 'idVendor'), '05a6\n');
    writeFileSync(join(usb, 'idProduct'), '0009\n');
    writeFileSync(join(usb, 'serial'), 'FOC2345X0AB\n');
    writeFileSync(join(usb, 'manufacturer'), 'Cisco\n');
    mkdirSync(join(root, 'ttyACM0'), { recursive: true });
    symlinkSync(join(usb, '1-1:1.0'), join(root, 'ttyACM0', 'device'));
    mkdirSync(join(root, 'ttyS0'), { recursive: true });
    expect(await listPortsFromSysfs(root)).toEqual([
      ciscoConsolePort('Cisco device console (USB maintenance port)'),
    ]);
    const ports = await listPorts(() =>
      Promise.reject(new Error('Error listing ports udevadm exited with error code: 127')),
    );
    expect(Array.isArray(ports)).toBe(true);
  });
});

describe('ssh', () => {
  it('pins the host key on first use in the known-hosts file, and refuses a changed key', async () => {
    sim = await createSimulator({ stateFile: join(dir, 'ssh-state.json') });
    const served = await sim.serveSsh();
    const file = join(dir, 'known.json');
    const seen: Array<{ fingerprint: string; pinned: boolean }> = [];
    const dev = await connect(`ssh://admin@127.0.0.1:${served.port}`, {
      hostKeyStore: new JsonHostKeyStore(file),
      onProgress: (e) =>
        e.hostKey && seen.push({ fingerprint: e.hostKey.fingerprint, pinned: e.hostKey.pinned }),
    });
    devices.push(dev);
    expect(seen).toEqual([{ fingerprint: served.hostKeyFingerprint, pinned: false }]);
    const known = JSON.parse(readFileSync(file, 'utf8')) as {
      hosts: Record<string, { fingerprint: string }>;
    };
    expect(known.hosts[`127.0.0.1:${served.port}`]?.fingerprint).toBe(served.hostKeyFingerprint);

    const again = await connect(`ssh://admin@127.0.0.1:${served.port}`, {
      hostKeyStore: new JsonHostKeyStore(file),
      onProgress: (e) =>
        e.hostKey && seen.push({ fingerprint: e.hostKey.fingerprint, pinned: e.hostKey.pinned }),
    });
    devices.push(again);
    expect(seen[1]).toEqual({ fingerprint: served.hostKeyFingerprint, pinned: true });

    const forged = JSON.stringify({
      format: 'e2ee-prov-known-hosts',
      version: 1,
      hosts: {
        [`127.0.0.1:${served.port}`]: { fingerprint: 'SHA256:AAAA', keyType: 'ssh-ed25519', pinnedAt: '' },
      },
    });
    writeFileSync(file, forged);
    const e = await rejection(
      connect(`ssh://admin@127.0.0.1:${served.port}`, { hostKeyStore: new JsonHostKeyStore(file) }),
    );
    expect(e.code).toBe('ERR_DEVICE_HOST_KEY');
    expect(e.details).toMatchObject({ fingerprint: served.hostKeyFingerprint, pinned: 'SHA256:AAAA' });

    const refused = await rejection(
      connect(`ssh://admin@127.0.0.1:${served.port}`, {
        hostKeyStore: new JsonHostKeyStore(join(dir, 'other.json')),
        acceptNewHostKey: () => false,
      }),
    );
    expect(refused.code).toBe('ERR_DEVICE_HOST_KEY');
  });

  it('an unreachable host is ERR_DEVICE_UNREACHABLE', async () => {
    const net = await import('node:net');
    const srv = net.createServer();
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const port = (srv.address() as { port: number }).port;
    await new Promise((ok) => srv.close(ok));
    const e = await rejection(connect(`ssh://admin@127.0.0.1:${port}`));
    expect(e.code).toBe('ERR_DEVICE_UNREACHABLE');
    expect(e.details).toMatchObject({ reason: 'ECONNREFUSED' });
  });
});
