/**
 * A simulator served on a real pseudo-terminal (socat): the serial console the tests connect to as
 * `serial:<link>`. The link is in a folder of its own (removed by `close()`), or in a folder the test
 * owns. `close()` stops the terminal and the simulator. Tests that need it check `systemHas('socat')` first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { perSuite } from './suite.js';

export interface PtyDevice {
  /** The folder the link is in (removed by `close()` when the fixture made it). */
  dir: string;
  sim: RoomOsSimulator;
  /** The pseudo-terminal's path, as the simulator says it serves it. */
  link: string;
  /** `serial:<link>`. */
  target: string;
  /** Stops serving the terminal (the simulator keeps running: `close()` ends both). */
  closePty(): Promise<void>;
  /** Serves the terminal again at the same link (a cable plugged back in), after `closePty()`. */
  replug(): Promise<void>;
  close(): Promise<void>;
}

/** A new simulator (`options`) on a new pseudo-terminal, in a new folder named after `name`. */
export async function ptyDevice(name: string, options: SimulatorOptions = {}): Promise<PtyDevice> {
  return ptyFor(await createSimulator(options), name);
}

/**
 * Serves `sim` on a new pseudo-terminal: the link `name` in `inDir` (a folder the test owns, left in
 * place), or without `inDir` the link `tty` in a new folder named after `name` (removed by `close()`).
 */
export async function ptyFor(sim: RoomOsSimulator, name: string, inDir?: string): Promise<PtyDevice> {
  const dir = inDir ?? mkdtempSync(join(tmpdir(), `${name}-`));
  let served = await sim.servePty(join(dir, inDir === undefined ? 'tty' : name)).catch((e: unknown) => {
    if (inDir === undefined) rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    dir,
    sim,
    link: served.path,
    target: `serial:${served.path}`,
    closePty: () => served.close(),
    async replug() {
      served = await sim.servePty(served.path);
    },
    async close() {
      await served.close();
      await sim.close();
      if (inDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A suite's simulator on a pseudo-terminal (call inside its `describe`): served before its first test,
 * closed after its last.
 */
export function usePtyDevice(name: string, options: SimulatorOptions = {}): PtyDevice {
  return perSuite(
    () => ptyDevice(name, options),
    (pty) => pty.close(),
  );
}
