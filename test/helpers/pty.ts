/**
 * A simulator served on a real pseudo-terminal (socat) in a folder of its own: the serial console the
 * tests connect to as `serial:<link>`. `close()` stops the terminal and the simulator and removes the
 * folder. Tests that need it check `systemHas('socat')` first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';

export interface PtyDevice {
  /** The folder the link is in (removed by `close()`). */
  dir: string;
  sim: RoomOsSimulator;
  /** The pseudo-terminal's path. */
  link: string;
  /** `serial:<link>`. */
  target: string;
  /** Stops serving the terminal (the simulator keeps running: `close()` ends both). */
  closePty(): Promise<void>;
  close(): Promise<void>;
}

/** A new simulator (`options`) on a new pseudo-terminal, in a new folder named after `name`. */
export async function ptyDevice(name: string, options: SimulatorOptions = {}): Promise<PtyDevice> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const sim = await createSimulator(options);
  const link = join(dir, 'tty');
  const served = await sim.servePty(link);
  return {
    dir,
    sim,
    link,
    target: `serial:${link}`,
    closePty: () => served.close(),
    async close() {
      await served.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
