/**
 * Security item 9: SSH trust on first use asked nobody. `device info`, `status`, `secret rotate`, `batch`
 * and the app pinned a new host key without showing it. Now: the CLI asks at a terminal (showing the
 * fingerprint), non-interactive runs need `--accept-new-host-key` or a pinned key, the window shows the
 * fingerprint and connects only with the very key the person accepted, and keys are pinned per resolved
 * address (`localhost` and `127.0.0.1` are one device).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIO } from '../../src/cli/io.js';
import { openDevice } from '../../src/cli/context.js';
import { type IpcEventLike, registerIpc } from '../../src/main/ipc/register.js';
import { type RoomOsSimulator, createSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { testServices } from '../helpers/services.js';

let dir: string;
let sim: RoomOsSimulator;
let port: number;
let fingerprint: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sec-hostkey-'));
  sim = await createSimulator({ serialNumber: 'FOCSECH001' });
  const served = await sim.serveSsh();
  port = served.port;
  fingerprint = served.hostKeyFingerprint;
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const pins = (file: string): Record<string, { fingerprint: string }> =>
  (JSON.parse(readFileSync(file, 'utf8')) as { hosts: Record<string, { fingerprint: string }> }).hosts;

describe('a new SSH host key is shown and asked about', () => {
  it('CLI without a terminal: refused with the fingerprint, nothing pinned; every connecting command', async () => {
    const known = join(dir, 'refuse.json');
    const target = `ssh://admin@127.0.0.1:${port}`;
    for (const args of [
      ['device', 'info', '--target', target],
      ['status', '--target', target],
      ['device', 'certs', '--target', target],
    ]) {
      const r = await runCli(args, '', { E2EE_PROV_KNOWN_HOSTS: known });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(
        `ERR_DEVICE_HOST_KEY The SSH host key of 127.0.0.1:${port} is not pinned: ${fingerprint} (ssh-ed25519). Nothing was sent. Compare it with the key the device shows, then accept it (at the prompt, with --accept-new-host-key, or in the window).\n`,
      );
      expect(r.stdout.toString()).toBe('');
    }
    expect(existsSync(known)).toBe(false);
    // A command that does not connect does not take the flag.
    const u = await runCli(['inventory', '--accept-new-host-key'], '', { E2EE_PROV_HOME: join(dir, 'h') });
    expect(u.status).toBe(2);
  });

  it('--accept-new-host-key pins per resolved address: localhost then uses the 127.0.0.1 pin', async () => {
    const known = join(dir, 'accept.json');
    const env = { E2EE_PROV_KNOWN_HOSTS: known };
    const a = await runCli(
      ['device', 'info', '--accept-new-host-key', '--target', `ssh://admin@127.0.0.1:${port}`],
      '',
      env,
    );
    expect(a.status).toBe(0);
    expect(a.stderr).toBe(
      `Pinned the new SSH host key of 127.0.0.1:${port}: ${fingerprint} (ssh-ed25519).\n`,
    );
    expect(Object.keys(pins(known))).toEqual([`127.0.0.1:${port}`]);
    const b = await runCli(['device', 'info', '--target', `ssh://admin@localhost:${port}`], '', env);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(Object.keys(pins(known))).toEqual([`127.0.0.1:${port}`]);
  });

  it('a pin made under the host name before still counts, and moves to the address', async () => {
    const known = join(dir, 'legacy.json');
    writeFileSync(
      known,
      JSON.stringify({
        format: 'e2ee-prov-known-hosts',
        version: 1,
        hosts: { [`localhost:${port}`]: { fingerprint, keyType: 'ssh-ed25519', pinnedAt: '' } },
      }),
    );
    const r = await runCli(['device', 'info', '--target', `ssh://admin@localhost:${port}`], '', {
      E2EE_PROV_KNOWN_HOSTS: known,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(pins(known)[`127.0.0.1:${port}`]?.fingerprint).toBe(fingerprint);
  });

  it('a malformed entry (no fingerprint) is named as such, never "the pinned undefined"; nothing is sent', async () => {
    for (const [name, entry] of [
      ['no-fingerprint', { keyType: 'ssh-ed25519', pinnedAt: '' }],
      ['a-string', 'SHA256:not-an-object'],
      ['empty-fingerprint', { fingerprint: '', keyType: 'ssh-ed25519' }],
    ] as const) {
      const known = join(dir, `malformed-${name}.json`);
      writeFileSync(
        known,
        JSON.stringify({
          format: 'e2ee-prov-known-hosts',
          version: 1,
          hosts: { [`127.0.0.1:${port}`]: entry },
        }),
      );
      const before = sim.events.filter((e) => e.type === 'login').length;
      const r = await runCli(['device', 'info', '--target', `ssh://admin@127.0.0.1:${port}`], '', {
        E2EE_PROV_KNOWN_HOSTS: known,
      });
      expect(r.status, name).toBe(1);
      expect(r.stderr, name).toBe(
        `ERR_DEVICE_HOST_KEY ${known} holds a malformed entry for 127.0.0.1:${port} (no SHA256 fingerprint), so the host key cannot be checked. Remove that entry (or move the file away), then connect again to be asked about the key.\n`,
      );
      expect(sim.events.filter((e) => e.type === 'login').length, name).toBe(before);
    }
  });

  it('CLI at a terminal: the fingerprint is shown and asked; "y" pins, anything else refuses', async () => {
    for (const [answer, ok] of [
      ['n\n', false],
      ['y\n', true],
    ] as const) {
      const known = join(dir, `tty-${ok}.json`);
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      let err = '';
      const io: CliIO = {
        stdin,
        stdout: new Writable({ write: (_c, _e, cb) => cb() }),
        stderr: new Writable({
          write: (c: Buffer, _e, cb) => {
            err += c.toString();
            if (err.includes('[y/N]')) stdin.write(answer);
            cb();
          },
        }),
        env: { E2EE_PROV_KNOWN_HOSTS: known },
      };
      const opened = openDevice(`ssh://admin@localhost:${port}`, {}, io).then(
        async ({ device }) => {
          await device.close();
          return 'ok';
        },
        (e: { code?: string }) => e.code,
      );
      expect(await opened).toBe(ok ? 'ok' : 'ERR_DEVICE_HOST_KEY');
      expect(err).toContain(
        `The SSH host key of localhost:${port} (127.0.0.1) is not known yet:\n  ${fingerprint} (ssh-ed25519)\n`,
      );
      if (ok) expect(pins(known)[`127.0.0.1:${port}`]?.fingerprint).toBe(fingerprint);
      else expect(existsSync(known)).toBe(false);
    }
  });

  it('the window: the fingerprint comes back as data; only that very key, accepted, connects', async () => {
    const known = join(dir, 'app.json');
    const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
    const services = testServices(dir, {
      env: { E2EE_PROV_HOME: join(dir, 'app-home'), E2EE_PROV_KNOWN_HOSTS: known },
    });
    registerIpc(
      { handle: (channel, listener) => listeners.set(channel, listener) },
      services.handlers,
      () => true,
    );
    const call = (input: unknown): Promise<unknown> =>
      Promise.resolve(listeners.get('device.connect')!({ senderFrame: { url: 'file:///app/' } }, input));
    try {
      const target = `ssh://admin@127.0.0.1:${port}`;
      expect(await call({ target, password: null })).toMatchObject({
        ok: false,
        code: 'ERR_DEVICE_HOST_KEY',
        details: { fingerprint, keyType: 'ssh-ed25519', host: '127.0.0.1', port, unknown: true },
      });
      expect(existsSync(known)).toBe(false);
      const other = `SHA256:${'A'.repeat(43)}`;
      expect(await call({ target, password: null, hostKey: other })).toMatchObject({
        code: 'ERR_DEVICE_HOST_KEY',
        details: { unknown: true },
      });
      expect(await call({ target, password: null, hostKey: 'not a key' })).toMatchObject({
        code: 'ERR_IPC_BAD_INPUT',
      });
      expect(await call({ target, password: null, hostKey: fingerprint })).toMatchObject({
        ok: true,
        value: { identity: { serialNumber: 'FOCSECH001' } },
      });
      expect(pins(known)[`127.0.0.1:${port}`]?.fingerprint).toBe(fingerprint);
    } finally {
      await services.dispose();
    }
  });
});
