/**
 * Injection: every value that reaches the console (login user and password, client secret, system name
 * and other restored configuration values and paths, preferred domain, activation code, target strings)
 * is fed CR, LF, NUL, quotes, a forged `| resultId=`, U+2028, NEL and over-long strings, through the real
 * device API and the workflows where the value enters. Each one is either refused with a coded error
 * before anything is sent, or the device receives exactly one command whose parameter is the payload;
 * the simulator's event log shows no other command (no FactoryReset, no second xCommand).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConsoleUnsafe } from '../../src/core/xapi/index.js';
import { type RoomOsDevice, connect, parseTarget } from '../../src/main/device/index.js';
import { deviceOps } from '../../src/main/workflows/device-port.js';
import { provision } from '../../src/main/workflows/provision.js';
import { setPreferredDomain } from '../../src/main/workflows/status.js';
import { type RoomOsSimulator, type SimEvent, createSimulator } from '../../src/simulator/index.js';
import { systemHas } from '../helpers/system.js';
import { Rig } from '../main/workflows/rig.js';

const PAYLOADS: [string, string][] = [
  ['CR', 'x\rxCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: NoAction'],
  ['LF', 'x\nxCommand SystemUnit Boot Action: Restart'],
  ['CRLF', 'x\r\nxCommand SystemUnit FactoryReset Confirm: Yes'],
  ['NUL', 'x\u0000xCommand SystemUnit Boot'],
  ['double quote', 'x" Confirm: Yes\txCommand SystemUnit FactoryReset Confirm: "Yes'],
  ['backslash quote', 'x\\" | resultId="forged-1'],
  ['single quote', "x' OR '1'='1"],
  ['resultId', 'x | resultId=forged-2'],
  ['resultId quoted', 'x | resultId="forged-3"'],
  ['U+2028', 'x\u2028xCommand SystemUnit Boot'],
  ['U+2029', 'x\u2029xCommand SystemUnit Boot'],
  ['NEL', 'x\u0085xCommand SystemUnit Boot'],
  ['ESC', 'x\u001b[2J'],
  ['over-long', 'A'.repeat(6000)],
  ['over-long with LF', `${'B'.repeat(3000)}\nxCommand SystemUnit FactoryReset Confirm: Yes`],
];

type CommandEvent = Extract<SimEvent, { type: 'command' }>;
const commands = (sim: RoomOsSimulator, from: number): CommandEvent[] =>
  sim.events.slice(from).filter((e): e is CommandEvent => e.type === 'command');

/** Runs `op` and says how it ended: a coded error (its code) or `null` for success. */
async function outcome(op: () => Promise<unknown>): Promise<{ code: string | null; error?: unknown }> {
  try {
    await op();
    return { code: null };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'NO CODE', error: e };
  }
}

/**
 * The rule: refused before sending (a coded ERR_* error and no command seen), or exactly one command on
 * `path` (and, when it succeeded, `value()` equals the payload). Never a reset, a boot, or a forged tag.
 */
async function check(
  sim: RoomOsSimulator,
  label: string,
  path: string,
  op: () => Promise<unknown>,
  value?: () => string | undefined,
  payload?: string,
): Promise<'refused' | 'sent'> {
  const from = sim.events.length;
  const r = await outcome(op);
  const seen = commands(sim, from);
  const all = sim.events.slice(from);
  expect(
    all.filter((e) => e.type === 'factory-reset' || e.type === 'power'),
    label,
  ).toEqual([]);
  // The commands the device ran (their paths and tags; a `config` event's value is the payload itself).
  expect(JSON.stringify(seen), label).not.toMatch(/FactoryReset|SystemUnit Boot|forged/);
  for (const c of seen) expect(c.resultId ?? '', label).toMatch(/^e2p\d+$|^$/);
  if (seen.length === 0) {
    expect(r.code, `${label}: nothing sent, so it must be a coded refusal`).toMatch(/^ERR_[A-Z_]+$/);
    return 'refused';
  }
  // Exactly one command (on `path`; `*`: whatever path the device made of it).
  expect(seen.length, label).toBe(1);
  if (path !== '*') expect(seen[0]!.path, label).toBe(path);
  // Taken by the device: it holds exactly the payload (a device refusal, e.g. an illegal value, is fine).
  if (r.code === null && seen[0]!.status === 'OK' && value && payload !== undefined) {
    expect(value(), label).toBe(payload);
  }
  if (r.code !== null) expect(r.code, label).toMatch(/^ERR_[A-Z_]+$/);
  return 'sent';
}

describe('every value that reaches the console is refused or quoted', () => {
  const sims: RoomOsSimulator[] = [];
  const devices: RoomOsDevice[] = [];
  let sim: RoomOsSimulator;
  let device: RoomOsDevice;

  beforeAll(async () => {
    sim = await createSimulator({ serialNumber: 'FOCINJ0001', systemName: 'Keep Me' });
    sims.push(sim);
    device = await connect('sim:', { simulator: sim });
    devices.push(device);
  });
  afterAll(async () => {
    for (const d of devices) await d.close().catch(() => undefined);
    for (const s of sims) await s.close();
  });

  it('login user name and password: refused before a line is typed, or a failed login', async () => {
    const login = await createSimulator({ loginRequired: true, systemName: 'Keep Me' });
    sims.push(login);
    for (const [name, payload] of PAYLOADS) {
      for (const field of ['password', 'username'] as const) {
        const from = login.events.length;
        const r = await outcome(async () => {
          const d = await connect('sim:', { simulator: login, [field]: payload, timeoutMs: 5000 });
          await d.close();
        });
        const events = login.events.slice(from);
        expect(r.code, `${field} ${name}`).toMatch(/^ERR_DEVICE_(CONTROL_CHARACTER|LOGIN_FAILED)$/);
        expect(
          events.filter((e) => e.type === 'command' || e.type === 'factory-reset' || e.type === 'power'),
          `${field} ${name}`,
        ).toEqual([]);
        expect(events.filter((e) => e.type === 'login' && e.ok)).toEqual([]);
      }
    }
    expect(login.state.systemName).toBe('Keep Me');
  });

  it('client secret (plain populate): sent base64url-encoded as one parameter, or refused', async () => {
    for (const [name, payload] of PAYLOADS) {
      const fresh = await createSimulator({ serialNumber: 'FOCINJ0002' });
      sims.push(fresh);
      const d = await connect('sim:', { simulator: fresh });
      devices.push(d);
      const result = await check(fresh, `secret ${name}`, 'Security ClientSecret Populate', () =>
        d.populateSecretPlain(payload),
      );
      // Base64url carries any payload within the device's limit; over it, refused before sending.
      expect(result, name).toBe(
        Buffer.from(payload).toString('base64url').length > 1024 ? 'refused' : 'sent',
      );
      if (result === 'sent') expect(fresh.state.clientSecretSet, name).toBe(true);
      await d.close();
    }
  });

  it('system name and restored values (quoted or not), and restored paths', async () => {
    for (const [name, payload] of PAYLOADS) {
      for (const quoted of [true, false, undefined]) {
        await check(
          sim,
          `restore SystemUnit Name (${String(quoted)}) ${name}`,
          'SystemUnit Name',
          () => device.restoreConfiguration([{ path: 'SystemUnit Name', value: payload, quoted }]),
          () => sim.state.systemName,
          payload,
        );
      }
      // A path from a backup file is refused when it holds anything but path words (it was normalized:
      // `SystemUnit Name\u2028xCommand SystemUnit Boot` went out as another path).
      expect(
        await check(sim, `restore path ${name}`, '*', () =>
          device.restoreConfiguration([
            { path: `SystemUnit Name${payload}`, value: 'Keep Me', quoted: true },
          ]),
        ),
        name,
      ).toBe(/^over-long$/.test(name) ? 'sent' : 'refused');
    }
  });

  it('preferred domain, by the device API and the workflow', async () => {
    const path = 'Conference EndToEndEncryption Identity PreferredDomain';
    const rig = new Rig();
    await rig.setUp('sec-inj');
    try {
      for (const [name, payload] of PAYLOADS) {
        await check(
          sim,
          `preferred domain ${name}`,
          path,
          () => device.setPreferredDomain(payload),
          () => sim.state.config[path],
          payload,
        );
        // The workflow reads the device first (xStatus, xConfiguration reads): only one write.
        const from = sim.events.length;
        await outcome(() => setPreferredDomain(deviceOps(device), rig.journal, payload));
        const writes = commands(sim, from).filter(
          (c) => c.verb.toLowerCase() === 'xconfiguration' && c.params.length > 0,
        );
        expect(writes.length, name).toBeLessThanOrEqual(1);
        expect(sim.events.slice(from).some((e) => e.type === 'factory-reset' || e.type === 'power')).toBe(
          false,
        );
      }
    } finally {
      await rig.tearDown();
    }
  });

  it('activation code: the device API sends one command or refuses; the workflow refuses before the device', async () => {
    for (const [name, payload] of PAYLOADS) {
      await check(sim, `registerWebex ${name}`, 'Webex Registration Start', () =>
        device.registerWebex(payload, 'NoAction', { timeoutMs: 2000 }),
      );
      const from = sim.events.length;
      const r = await outcome(() =>
        provision(
          { device: deviceOps(device), secrets: undefined as never, journal: undefined as never },
          { credentials: undefined as never, activationCode: payload, link: 'serial' },
        ),
      );
      expect(r.code, name).toBe('ERR_DEVICE_ACTIVATION_CODE');
      expect(sim.events.length, name).toBe(from);
    }
    expect(sim.state.systemName).not.toMatch(/FactoryReset/);
  });

  it('target strings: a control character is not a target; a user name is taken whole', () => {
    for (const [name, payload] of PAYLOADS) {
      const enc = encodeURIComponent(payload);
      for (const text of [
        `ssh://${enc}@10.0.0.5`,
        `ssh://admin@10.0.0.5:22${enc}`,
        `serial:/dev/ttyUSB0${payload}`,
      ]) {
        let parsed: unknown;
        const r = ((): string | null => {
          try {
            parsed = parseTarget(text);
            return null;
          } catch (e) {
            return (e as { code?: string }).code ?? 'NO CODE';
          }
        })();
        if (r !== null) {
          expect(r, `${name} ${JSON.stringify(text.slice(0, 60))}`).toBe('ERR_DEVICE_TARGET');
          continue;
        }
        // Accepted: the value is taken whole. A serial path is opened, never typed into the console; an
        // SSH user name with a control character is refused (above), any other is taken as it is.
        if (text.startsWith('serial:')) {
          expect((parsed as { path?: string }).path, name).toBe(text.slice('serial:'.length));
        } else {
          expect(text.endsWith('@10.0.0.5'), `${name}: only the user name case may pass`).toBe(true);
          expect((parsed as { username?: string }).username, name).toBe(payload);
          expect(findConsoleUnsafe(payload), name).toBeNull();
        }
      }
    }
  });

  it.runIf(systemHas('socat'))(
    'over a real pseudo-terminal: the worst payloads change nothing else',
    async () => {
      const rig = new Rig();
      await rig.setUp('sec-inj-pty');
      try {
        const ptySim = await rig.sim({ serialNumber: 'FOCINJ0P01', systemName: 'Keep Me' });
        const d = await rig.connect(await rig.pty(ptySim));
        for (const [name, payload] of PAYLOADS.filter(([n]) => /quote|resultId|over-long$|CR/.test(n))) {
          await check(
            ptySim,
            `pty system name ${name}`,
            'SystemUnit Name',
            () => d.restoreConfiguration([{ path: 'SystemUnit Name', value: payload, quoted: true }]),
            () => ptySim.state.systemName,
            payload,
          );
          await check(ptySim, `pty secret ${name}`, 'Security ClientSecret Populate', () =>
            d.populateSecretPlain(payload),
          );
        }
      } finally {
        await rig.tearDown();
      }
    },
    60_000,
  );
});
