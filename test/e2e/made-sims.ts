/**
 * The training simulators main makes, by serial number, so that a browser test can pull a device's cable
 * (`setFaults`). A test file routes main's simulator module through `recordingSimulators`:
 *
 *   vi.mock('../../src/simulator/index.js', async (real) =>
 *     (await import('./made-sims.js')).recordingSimulators(await real()));
 */
import type * as Simulator from '../../src/simulator/index.js';
import type { RoomOsSimulator, SimulatorOptions } from '../../src/simulator/index.js';

export const madeSims = new Map<string, RoomOsSimulator>();

/** The simulator module with `createSimulator` recording each device it makes. */
export function recordingSimulators(real: typeof Simulator): typeof Simulator {
  return {
    ...real,
    createSimulator: async (o?: SimulatorOptions) => {
      const sim = await real.createSimulator(o);
      madeSims.set(o?.serialNumber ?? '', sim);
      return sim;
    },
  };
}
