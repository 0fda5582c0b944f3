/**
 * A console slower than the wake-up interval: every CR sent to wake it draws its own `login:`, after
 * the user name went out. Those prompts must not be answered again (a second user name would be taken
 * as the password, and the login refused).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/main/device/index.js';
import { createSimulator, type RoomOsSimulator } from '../../../src/simulator/index.js';
import { systemHas } from '../../helpers/system.js';

describe.runIf(systemHas('socat'))('login on a slow serial console', () => {
  let dir: string;
  let sim: RoomOsSimulator;
  let link: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'e2ee-slow-login-'));
    sim = await createSimulator({ rebootDelayMs: 100 });
    link = join(dir, 'tty');
    close = (await sim.servePty(link)).close;
  });

  afterAll(async () => {
    await close?.();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([400, 700])('logs in once when each answer takes %i ms per piece', async (slow) => {
    sim.setFaults({ slowMsPerChunk: slow });
    const device = await connect(`serial:${link}`, {
      timeoutMs: 30_000,
      loginTimeoutMs: 60_000,
      wakeIntervalMs: 300,
    });
    try {
      sim.setFaults({});
      expect((await device.identify()).serialNumber).toBe('FOC2345X0AB');
      const logins = sim.events.filter((e) => e.type === 'login');
      expect(logins.at(-1)).toMatchObject({ user: 'admin', ok: true });
      expect(logins.filter((e) => e.type === 'login' && !e.ok)).toEqual([]);
    } finally {
      await device.close();
    }
  });
});
