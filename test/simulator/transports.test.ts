import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { type PtyDevice, ptyDevice } from '../helpers/pty.js';
import { systemHas } from '../helpers/system.js';
import { RawClient, serialLogin } from './client.js';

let sim: RoomOsSimulator | undefined;
let pty: PtyDevice | undefined;
const opened: SerialPort[] = [];

afterEach(async () => {
  for (const p of opened.splice(0)) if (p.isOpen) await new Promise((r) => p.close(r));
  await pty?.close();
  await sim?.close();
  sim = undefined;
  pty = undefined;
});

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200 });
  await new Promise<void>((ok, fail) => {
    port.once('open', () => ok());
    port.once('error', fail);
  });
  port.on('error', () => {});
  opened.push(port);
  return port;
}

describe.runIf(systemHas('socat'))('over a real pseudo-terminal (socat)', () => {
  it('logs in, answers, keeps the session across reopen, and the link goes with close()', async () => {
    pty = await ptyDevice('sim-transport', { systemName: 'PTY Kit' });
    const { link } = pty;
    expect(link).toBe(join(pty.dir, 'tty'));
    expect(existsSync(link)).toBe(true);

    const c = new RawClient(await openPort(link));
    const banner = await serialLogin(c);
    expect(banner).toBe(
      '\r\nWelcome to PTY Kit\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n',
    );
    expect(await c.command('xStatus SystemUnit ProductId')).toBe(
      'xStatus SystemUnit ProductId\r\n*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n',
    );
    await new Promise((r) => (c.stream as SerialPort).close(r));

    // A serial line does not log out when the laptop closes the port.
    const c2 = new RawClient(await openPort(link));
    expect(await c2.command('xStatus SystemUnit ProductId')).toContain(
      '*s SystemUnit ProductId: "Cisco Room Kit"',
    );
    await pty.closePty();
    expect(existsSync(link)).toBe(false);
  });

  it('on factory reset the node disappears, and the device answers at login: again after the reboot delay', async () => {
    pty = await ptyDevice('sim-transport', { rebootDelayMs: 300 });
    const { sim, link } = pty;
    const c = new RawClient(await openPort(link));
    await serialLogin(c);
    c.send('xCommand SystemUnit FactoryReset Confirm: Yes\r');
    expect(await c.until('** end\r\n')).toBe(
      'xCommand SystemUnit FactoryReset Confirm: Yes\r\nOK\r\n*r SystemUnitFactoryResetResult (status=OK):\r\n** end\r\n',
    );
    expect(sim.state.rebooting).toBe(true);
    // The node goes away; on Linux serialport notices at the next write (EIO), as after a USB unplug.
    for (let i = 0; i < 100 && existsSync(link); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(link)).toBe(false);
    c.send('\r');
    await c.closed();
    await sim.whenUp();
    for (let i = 0; i < 100 && !existsSync(link); i++) await new Promise((r) => setTimeout(r, 20));
    const c2 = new RawClient(await openPort(link));
    c2.send('\r');
    expect(await c2.until('login: ')).toBe('\r\nlogin: ');
    expect(sim.state.bootCount).toBe(2);
  });
});

describe('over SSH (ssh2 client)', () => {
  async function connect(
    port: number,
    auth: { password?: string; keyboard?: string },
    pty: boolean,
  ): Promise<{ client: ssh2.Client; stream: ssh2.ClientChannel; fingerprint: string }> {
    const client = new ssh2.Client();
    let fingerprint = '';
    await new Promise<void>((ok, fail) => {
      client.once('ready', () => ok());
      client.once('error', fail);
      if (auth.keyboard !== undefined) {
        client.on('keyboard-interactive', (_n, _i, _l, _p, finish) => finish([auth.keyboard ?? '']));
      }
      client.connect({
        host: '127.0.0.1',
        port,
        username: 'admin',
        ...(auth.password !== undefined ? { password: auth.password } : {}),
        tryKeyboard: auth.keyboard !== undefined,
        hostVerifier: (key: Buffer) => {
          fingerprint = key.toString('base64');
          return true;
        },
      });
    });
    const stream = await new Promise<ssh2.ClientChannel>((ok, fail) => {
      const cb = (err: Error | undefined, s: ssh2.ClientChannel): void => (err ? fail(err) : ok(s));
      if (pty) client.shell({ term: 'vt100' }, cb);
      else client.shell(false, cb);
    });
    return { client, stream, fingerprint };
  }

  /**
   * A simulator made with `options` (closed after the test), served over SSH, and a session on it past
   * the banner: admin, no password, no PTY.
   */
  async function loggedInOverSsh(options: SimulatorOptions) {
    const device = await createSimulator(options);
    sim = device;
    const served = await device.serveSsh();
    const { client, stream } = await connect(served.port, { password: '' }, false);
    const c = new RawClient(stream);
    await c.until('OK\n\n');
    return { device, served, client, c };
  }

  it('with keyboard-interactive and no PTY: the banner with LF line ends (as jsxapi expects)', async () => {
    sim = await createSimulator({ systemName: 'SSH Kit' });
    const served = await sim.serveSsh();
    expect(served.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const { client, stream } = await connect(served.port, { keyboard: '' }, false);
    const c = new RawClient(stream);
    expect(await c.until('OK\n\n')).toBe(
      'Welcome to SSH Kit\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\nSW Release Date: 2024-12-12\n*r Login successful\nOK\n\n',
    );
    c.send('echo off\n');
    expect(await c.until('OK\n')).toBe('echo off\n\x1b[?1034h\nOK\n');
    c.send('xpreferences outputmode json\n');
    c.send('xStatus SystemUnit ProductId | resultId="request-1"\n');
    expect(JSON.parse(await c.until(/\n}\n/))).toEqual({
      Status: { SystemUnit: { ProductId: { Value: 'Cisco Room Kit' } } },
      ResultId: 'request-1',
    });
    c.send('bye\n');
    await c.closed();
    client.end();
    await served.close();
  });

  it('with a password and a PTY: CRLF; a wrong password is refused', async () => {
    sim = await createSimulator({ adminPassword: 's3cret' });
    const served = await sim.serveSsh();
    await expect(connect(served.port, { password: 'nope' }, true)).rejects.toThrow();
    const { client, stream } = await connect(served.port, { password: 's3cret' }, true);
    const c = new RawClient(stream);
    expect(await c.until('OK\r\n\r\n')).toContain('*r Login successful\r\nOK\r\n\r\n');
    client.end();
    await served.close();
    const logins = sim.events.filter((e) => e.type === 'login');
    expect(logins.map((e) => e.type === 'login' && e.ok)).toEqual([false, true]);
    expect(JSON.stringify(sim.events)).not.toContain('s3cret');
  });

  it('refuses connections while rebooting and listens again after', async () => {
    const { device, served, client, c } = await loggedInOverSsh({ rebootDelayMs: 200 });
    c.send('xCommand SystemUnit Boot\n');
    await c.until('** end\n');
    await c.closed();
    client.end();
    await expect(connect(served.port, { password: '' }, false)).rejects.toThrow(/ECONNREFUSED/);
    await device.whenUp();
    const again = await connect(served.port, { password: '' }, false);
    await new RawClient(again.stream).until('*r Login successful\nOK\n\n');
    again.client.end();
    await served.close();
  });

  it('after SecurityAction: Harden refuses every login, admin included', async () => {
    const { device, served, client, c } = await loggedInOverSsh({ registrationDelayMs: 10 });
    c.send('xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: Harden\n');
    expect(await c.until('** end\n')).toContain('*r RegistrationStartResult (status=OK):');
    expect(device.state.hardened).toBe(true);
    await expect(connect(served.port, { password: '' }, false)).rejects.toThrow();
    await expect(connect(served.port, { keyboard: '' }, false)).rejects.toThrow();
    const logins = device.events.filter((e) => e.type === 'login');
    expect(logins.at(-1)).toMatchObject({ user: 'admin', ok: false, transport: 'ssh' });
    client.end();
    await served.close();
  });
});
