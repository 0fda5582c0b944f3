/**
 * A simulator reached over each transport the tool has: in-process (`sim:`), a real pseudo-terminal
 * (socat, see `pty.ts`) and SSH on 127.0.0.1, with the target and the connect options for each.
 */
import { join } from 'node:path';
import { type ConnectOptions, JsonHostKeyStore } from '../../src/main/device/index.js';
import type { RoomOsSimulator } from '../../src/simulator/index.js';
import { ptyFor } from './pty.js';
import { systemHas } from './system.js';

export type Kind = 'stream' | 'pty' | 'ssh';

/** Each transport, and whether this machine has what it needs (a pty needs socat). */
export function transportKinds(): Array<[Kind, boolean]> {
  return [
    ['stream', true],
    ['pty', systemHas('socat')],
    ['ssh', true],
  ];
}

export interface Reached {
  sim: RoomOsSimulator;
  target: string;
  options: ConnectOptions;
  /** Closes the simulator (and what serves it). */
  close(): Promise<void>;
}

let n = 0;

/** `sim` reached over `kind`, with `base` options: its terminal or its host key file goes in `dir`. */
export async function reach(
  kind: Kind,
  sim: RoomOsSimulator,
  dir: string,
  base: ConnectOptions,
): Promise<Reached> {
  n += 1;
  const close = (): Promise<void> => sim.close();
  if (kind === 'stream') return { sim, target: 'sim:', options: { ...base, simulator: sim }, close };
  if (kind === 'pty')
    return { sim, target: (await ptyFor(sim, `tty-${n}`, dir)).target, options: base, close };
  const { port } = await sim.serveSsh();
  return {
    sim,
    target: `ssh://admin@127.0.0.1:${port}`,
    options: { ...base, hostKeyStore: new JsonHostKeyStore(join(dir, `known-${n}.json`)) },
    close,
  };
}
