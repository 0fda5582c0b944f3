/**
 * A slow console (answers within the wake-up interval, but slowly): a CR sent to wake it and a prompt
 * left in the buffer each draw a `login:`, some after the user name went out. Those prompts must not be answered again (a second user name would be taken
 * as the password, and the login refused).
 */
import { describe, expect, it } from 'vitest';
import { connect } from '../../../src/main/device/index.js';
import { usePtyDevice } from '../../helpers/pty.js';
import { systemHas } from '../../helpers/system.js';

describe.runIf(systemHas('socat'))('login on a slow serial console', () => {
  const pty = usePtyDevice('e2ee-slow-login', { rebootDelayMs: 100 });

  it.each([400, 700])('logs in once when each answer takes %i ms per piece', async (slow) => {
    // Slow only until the login is done: the login is what is under test, not the set-up after it.
    const before = pty.sim.events.length;
    pty.sim.setFaults({ slowMsPerChunk: slow });
    const fast = setInterval(() => {
      if (pty.sim.faults.slowMsPerChunk && pty.sim.events.slice(before).some((e) => e.type === 'login'))
        pty.sim.setFaults({});
    }, 20);
    try {
      const device = await connect(`serial:${pty.link}`, {
        timeoutMs: 30_000,
        loginTimeoutMs: 60_000,
      });
      try {
        expect((await device.identify()).serialNumber).toBe('FOC2345X0AB');
      } finally {
        await device.close();
      }
    } finally {
      clearInterval(fast);
      pty.sim.setFaults({});
    }
    const logins = pty.sim.events.slice(before).filter((e) => e.type === 'login');
    expect(logins.map((e) => (e.type === 'login' ? [e.user, e.ok] : []))).toEqual([['admin', true]]);
  });
});
