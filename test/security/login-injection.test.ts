/**
 * Security item 1: a login password (or user name) that holds a CR types the rest of itself into the
 * device's console as a command. The attack: a password file holding `\rxCommand SystemUnit FactoryReset …`
 * given to a read-only `device info`, and the same through the window's `device.connect`. The device
 * must never see the command: refused with ERR_DEVICE_CONTROL_CHARACTER before anything is opened.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, isDeviceError, parseTarget } from '../../src/main/device/index.js';
import { checkConsoleValue, quote, xConfigurationSet } from '../../src/core/xapi/index.js';
import { type RoomOsSimulator, createSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { ptyDevice } from '../helpers/pty.js';
import { testServices, windowCalls } from '../helpers/services.js';
import { systemHas } from '../helpers/system.js';

const ATTACK = '\rxCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: NoAction';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-login-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('a password cannot type commands into the console', () => {
  it('CLI: device info with a password file holding CR + FactoryReset is refused; the device keeps its state', async () => {
    const state = join(dir, 'cli.json');
    const before = await createSimulator({ stateFile: state, systemName: 'Keep Me', loginRequired: true });
    await before.close();
    const pw = join(dir, 'attack-pw');
    writeFileSync(pw, ATTACK + '\n');
    const r = await runCli(
      ['device', 'info', '--target', `sim:?state=${state}&login=on`, '--password-file', pw],
      '',
      { E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'), E2EE_PROV_HOME: join(dir, 'home') },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^ERR_DEVICE_CONTROL_CHARACTER The login password holds a control character \(U\+000D at character 1\)/,
    );
    expect(r.stderr).not.toContain('FactoryReset');
    const after = await createSimulator({ stateFile: state });
    try {
      expect(after.state.systemName).toBe('Keep Me');
    } finally {
      await after.close();
    }
  });

  it.runIf(systemHas('socat'))(
    'CLI over a real serial console (pty): the simulator’s event log shows no FactoryReset',
    async () => {
      const { sim, link, close } = await ptyDevice('sec-login-pty', {
        loginRequired: true,
        systemName: 'Keep Me',
      });
      try {
        const pw = join(dir, 'attack-pw-pty');
        writeFileSync(pw, ATTACK);
        const r = await runCli(['device', 'info', '--target', `serial:${link}`, '--password-file', pw], '', {
          E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'),
        });
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/^ERR_DEVICE_CONTROL_CHARACTER /);
        expect(sim.events.some((e) => e.type === 'factory-reset')).toBe(false);
        expect(sim.events.some((e) => JSON.stringify(e).includes('FactoryReset'))).toBe(false);
        expect(sim.state.systemName).toBe('Keep Me');
        // The same console with a good (empty) password works: the refusal was the password's.
        const ok = await runCli(['device', 'info', '--target', `serial:${link}`], '', {
          E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'),
        });
        expect(ok.stderr).toBe('');
        expect(ok.status).toBe(0);
      } finally {
        await close();
      }
    },
  );

  it('library: connect() refuses before the console is opened; the simulator logs no FactoryReset', async () => {
    const sim = await createSimulator({ loginRequired: true, systemName: 'Keep Me' });
    try {
      for (const password of [
        ATTACK,
        'a\nb',
        'a\u0000b',
        'a\u0085b',
        'a\u2028b',
        'a\u2029b',
        'a\u009bb',
        'a\u001b[2Jb',
      ]) {
        const err = await connect('sim:', { simulator: sim, password }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isDeviceError(err, 'ERR_DEVICE_CONTROL_CHARACTER'), JSON.stringify(password)).toBe(true);
      }
      const user = await connect('sim:', {
        simulator: sim,
        username: 'admin\rxCommand SystemUnit Boot',
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isDeviceError(user, 'ERR_DEVICE_CONTROL_CHARACTER')).toBe(true);
      expect(sim.events.filter((e) => e.type === 'factory-reset' || e.type === 'power')).toEqual([]);
      expect(sim.events.some((e) => JSON.stringify(e).includes('FactoryReset'))).toBe(false);
      expect(sim.state.systemName).toBe('Keep Me');
      // An ordinary password with spaces, quotes and non-ASCII letters still logs in.
      const ok = await connect('sim:', { simulator: sim, password: '' });
      await ok.close();
    } finally {
      await sim.close();
    }
  });

  it('services (IPC): device.connect with the attack password is refused as data; sim.events has no FactoryReset', async () => {
    const sims: RoomOsSimulator[] = [];
    const services = testServices(dir, {
      env: { E2EE_PROV_HOME: join(dir, 'svc-home'), E2EE_PROV_KNOWN_HOSTS: join(dir, 'svc-kh.json') },
      createSimulator: async (o) => {
        const sim = await createSimulator({ ...o, loginRequired: true, systemName: 'Keep Me' });
        sims.push(sim);
        return sim;
      },
    });
    const call = windowCalls(services);
    try {
      // First a good session, so that the refusal is seen to come before the old one is touched.
      expect(
        await call('device.connect', { target: 'sim:?serial=FOCSEC0001', password: null }),
      ).toMatchObject({
        ok: true,
      });
      const r = (await call('device.connect', { target: 'sim:?serial=FOCSEC0001', password: ATTACK })) as {
        ok: boolean;
        code: string;
        message: string;
      };
      expect(r).toMatchObject({ ok: false, code: 'ERR_DEVICE_CONTROL_CHARACTER' });
      expect(r.message).not.toContain('FactoryReset');
      expect(sims.length).toBe(1);
      expect(sims[0]!.events.some((e) => e.type === 'factory-reset')).toBe(false);
      expect(sims[0]!.state.systemName).toBe('Keep Me');
      expect(await call('device.identify', {})).toMatchObject({ ok: true });
    } finally {
      await services.dispose();
    }
  });

  it('an ssh:// user name with a control character is not a target', () => {
    expect(codeOf(() => parseTarget('ssh://admin%0DxCommand%20SystemUnit%20Boot@10.0.0.5'))).toBe(
      'ERR_DEVICE_TARGET',
    );
    expect(codeOf(() => parseTarget('ssh://ad%E2%80%A8min@10.0.0.5'))).toBe('ERR_DEVICE_TARGET');
    expect(codeOf(() => parseTarget('ssh://%ZZ@10.0.0.5'))).toBe('ERR_DEVICE_TARGET');
    expect(parseTarget('ssh://t%C3%A9ch@10.0.0.5')).toMatchObject({ username: 'téch' });
  });

  it('quoted parameters refuse C1 controls and the Unicode line separators too (they were let through)', () => {
    for (const v of ['a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u009bb', 'a\rb', 'a\u007fb']) {
      expect(
        codeOf(() => quote(v)),
        JSON.stringify(v),
      ).toBe('ERR_DEVICE_PARAMETER');
      expect(
        codeOf(() => xConfigurationSet('SystemUnit Name', v)),
        JSON.stringify(v),
      ).toBe('ERR_DEVICE_PARAMETER');
    }
    expect(quote('한국어 "x"')).toBe('"한국어 \\"x\\""');
    expect(codeOf(() => checkConsoleValue('ok password é', 'x'))).toBeUndefined();
  });
});
