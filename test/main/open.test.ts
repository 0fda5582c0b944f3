/**
 * The composition root (src/main/open.ts): main/device starts no simulator of its own, openDevice starts
 * the one its injected factory makes (with the target's options) and the device closes it, and a state
 * file that cannot be kept is refused before any simulator starts.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type SimTargetOptions } from '../../src/main/device/index.js';
import { openDevice, openJournal } from '../../src/main/open.js';
import { createSimulator } from '../../src/simulator/index.js';

const dir = await mkdtemp(join(tmpdir(), 'e2ee-open-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('opening a device', () => {
  it('main/device refuses a sim: target it is given no simulator for', async () => {
    await expect(connect('sim:?serial=FOCOPEN0001')).rejects.toMatchObject({
      code: 'ERR_DEVICE_TARGET',
      details: { target: 'sim:?serial=FOCOPEN0001' },
    });
  });

  it('openDevice starts the injected simulator with the target options, and the device closes it', async () => {
    const asked: SimTargetOptions[] = [];
    let closed = 0;
    const device = await openDevice('sim:?serial=FOCOPEN0002&name=Room%202', {
      simulatorFactory: async (options) => {
        asked.push(options);
        const sim = await createSimulator(options);
        return {
          openStream: (kind) => sim.openStream(kind),
          close: async () => {
            closed++;
            await sim.close();
          },
        };
      },
    });
    expect(asked).toEqual([{ serialNumber: 'FOCOPEN0002', systemName: 'Room 2' }]);
    expect((await device.identify()).serialNumber).toBe('FOCOPEN0002');
    expect(closed).toBe(0);
    await device.close();
    expect(closed).toBe(1);
  });

  it('a state file in a folder that does not exist is refused before a simulator starts', async () => {
    let started = 0;
    const missing = join(dir, 'no-such-folder', 'sim.json');
    await expect(
      openDevice(`sim:?state=${missing}`, {
        simulatorFactory: async (options) => {
          started++;
          return createSimulator(options);
        },
      }),
    ).rejects.toMatchObject({
      name: 'SimulatorError',
      code: 'ERR_SIM_STATE_FILE',
      details: { path: missing },
    });
    expect(started).toBe(0);
  });

  it('the journal opens in the data directory, made when new', async () => {
    const home = join(dir, 'home');
    const journal = await openJournal({ E2EE_PROV_HOME: home });
    expect((await stat(home)).isDirectory()).toBe(true);
    expect(await journal.read()).toEqual([]);
    expect(await readdir(home)).toEqual([]);
  });
});
