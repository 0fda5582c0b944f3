/**
 * Crash safety of the secret change when the connection is cut: at every step boundary, in the middle of
 * writing the populate line, when the device drops the line before or after running it, and in the
 * middle of its answer. Each time the next connection must settle the change and know the device's secret.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/main/device/index.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';
import { Journal, MemorySecretStore, unsettledOps } from '../../../src/main/vault/index.js';
import {
  ROTATE_STEPS,
  type RotateStep,
  rotateSecret,
  settleSecret,
} from '../../../src/main/workflows/rotate.js';
import { holdsAfter } from './fixtures/rotate-steps.js';

const OLD = 'old secret, populated in clear';
const NEW = 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS';

/**
 * A console cable the test can pull: sits between the device client and the simulator, counts bytes
 * both ways, and cuts now, after N more bytes from the tool, or after N more bytes from the device.
 */
class Cable {
  private links: Array<{ cut(): void; arm(dir: 'up' | 'down', bytes: number): void }> = [];
  constructor(private readonly sim: RoomOsSimulator) {}

  openStream(kind?: 'serial' | 'ssh'): Duplex {
    const device = this.sim.openStream(kind);
    let cut = false;
    let up: number | undefined;
    let down: number | undefined;
    const pull = () => {
      if (cut) return;
      cut = true;
      device.destroy();
      tool.push(null);
      tool.destroy();
    };
    const tool = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        if (cut) return cb(new Error('cable cut'));
        if (up !== undefined && chunk.length >= up) {
          device.write(chunk.subarray(0, up));
          setImmediate(pull);
          return cb();
        }
        if (up !== undefined) up -= chunk.length;
        device.write(chunk, cb);
      },
    });
    device.on('data', (d: Buffer) => {
      if (cut) return;
      if (down !== undefined && d.length >= down) {
        tool.push(d.subarray(0, down));
        pull();
        return;
      }
      if (down !== undefined) down -= d.length;
      tool.push(d);
    });
    device.on('close', pull);
    this.links.push({
      cut: pull,
      arm: (dir, bytes) => {
        if (dir === 'up') up = bytes;
        else down = bytes;
      },
    });
    return tool;
  }

  /** Pulls the cable of the latest connection now. */
  cut(): void {
    this.links.at(-1)?.cut();
  }
  /** Pulls it after `bytes` more bytes in direction `dir` (up: tool to device). */
  arm(dir: 'up' | 'down', bytes: number): void {
    this.links.at(-1)?.arm(dir, bytes);
  }
  async close(): Promise<void> {}
}

type Case = {
  name: string;
  holds: 'old' | 'new';
  at: RotateStep;
  fault: (cable: Cable, sim: RoomOsSimulator) => void;
};

const CASES: Case[] = [
  ...ROTATE_STEPS.map((step): Case => ({
    name: `cut at ${step}`,
    holds: holdsAfter(step),
    at: step,
    fault: (cable) => cable.cut(),
  })),
  {
    name: 'cut in the middle of writing the populate line (after 100 bytes)',
    holds: 'old',
    at: 'pending-stored',
    fault: (cable) => cable.arm('up', 100),
  },
  {
    name: 'the device drops the line as it arrives (not run)',
    holds: 'old',
    at: 'pending-stored',
    fault: (_c, sim) => sim.setFaults({ dropOnCommand: 'ClientSecret Populate' }),
  },
  {
    name: 'the device runs the line, then the connection drops before its answer',
    holds: 'new',
    at: 'pending-stored',
    fault: (_c, sim) => sim.setFaults({ dropAfterCommand: 'ClientSecret Populate' }),
  },
  {
    name: 'cut in the middle of the answer (after 3 bytes of it)',
    holds: 'new',
    at: 'pending-stored',
    fault: (cable, sim) => {
      // Skip the echo of the line: count only what comes after the device has changed the secret.
      const seen = sim.events.length;
      const timer = setInterval(() => {
        if (sim.events.slice(seen).some((e) => e.type === 'secret')) {
          clearInterval(timer);
          cable.arm('down', 3);
        }
      }, 0);
      sim.setFaults({ slowMsPerChunk: 20, splitWrites: 2 });
    },
  },
];

const store = new MemorySecretStore();
const results: Array<{ name: string; known: boolean }> = [];

describe('secret change: the connection cut at every step', () => {
  afterAll(() => {
    if (results.length === 0) return;
    const known = results.filter((r) => r.known).length;
    console.log(`[rotate cut] ${known} of ${results.length} cases ended knowing the device's secret`);
    expect(known).toBe(results.length);
  });

  CASES.forEach((c, i) => {
    it(`${c.name}: the next connection knows the device's secret`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'e2ee-cut-'));
      const serial = `FOCCUT${String(i).padStart(2, '0')}`;
      const journal = new Journal(join(dir, 'home'));
      const sim = await createSimulator({ serialNumber: serial, loginRequired: false });
      let known = false;
      try {
        const first = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
        await first.populateSecretPlain(OLD);
        await first.close();
        await store.set(serial, OLD);

        const cable = new Cable(sim);
        const device = await connect('sim:', { simulator: cable, timeoutMs: 3000, wakeIntervalMs: 1000 });
        const outcome = await rotateSecret(
          device,
          { newSecret: NEW },
          { store, journal, onStep: (s) => (s === c.at ? c.fault(cable, sim) : undefined) },
        ).then(
          () => 'done',
          (e: { code?: string }) => e.code ?? String(e),
        );
        await device.close().catch(() => undefined);
        sim.setFaults({});
        expect([
          'done',
          'ERR_ROTATE_OUTCOME_UNKNOWN',
          'ERR_DEVICE_DISCONNECTED',
          'ERR_DEVICE_CLOSED',
        ]).toContain(outcome);
        expect(sim.clientSecretIs(c.holds === 'new' ? NEW : OLD)).toBe(true);

        const next = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
        try {
          await settleSecret(next, serial, { store, journal });
        } finally {
          await next.close();
        }
        const current = await store.get(serial);
        expect(current).toBe(c.holds === 'new' ? NEW : OLD);
        expect(sim.clientSecretIs(current!)).toBe(true);
        expect(await store.getPending(serial)).toBeNull();
        expect((await journal.verify()).ok).toBe(true);
        expect(unsettledOps(await journal.read(), { serial })).toEqual([]);
        known = true;
      } finally {
        results.push({ name: c.name, known });
        await sim.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
