/**
 * Crash safety of the secret change, with real processes: the tool runs in a child process connected to
 * the simulator over a real pseudo-terminal serial line (the simulator lives on in this process, as a
 * device outlives a laptop), and is killed with SIGKILL at every step boundary, in the middle of writing
 * the populate line, and after the device ran it but before its answer was read. Each time, the next
 * connection must settle the change and end knowing the device's secret.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/main/device/index.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';
import { Journal, KeychainSecretStore, unsettledOps } from '../../../src/main/vault/index.js';
import { ROTATE_STEPS, type RotateStep, settleSecret } from '../../../src/main/workflows/rotate.js';
import { emptyKeychain } from '../../helpers/keychain.js';
import { type PtyDevice, ptyFor } from '../../helpers/pty.js';
import { systemHas } from '../../helpers/system.js';
import { holdsAfter } from './fixtures/rotate-steps.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CHILD = resolve(import.meta.dirname, 'fixtures/rotate-child.ts');
const SERVICE = `e2ee-prov-test-kill-${randomUUID()}`;
const OLD = 'old secret, populated in clear';
const NEW = 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS';

type Case =
  | { name: string; kind: 'step'; step: RotateStep; holds: 'old' | 'new' }
  | { name: string; kind: 'mid-write'; holds: 'old' }
  | { name: string; kind: 'device-ran'; holds: 'new' };

const CASES: Case[] = [
  ...ROTATE_STEPS.map((step): Case => ({
    name: `at ${step}`,
    kind: 'step',
    step,
    holds: holdsAfter(step),
  })),
  { name: 'in the middle of writing the populate line', kind: 'mid-write', holds: 'old' },
  { name: 'after the device ran it, before its answer was read', kind: 'device-ran', holds: 'new' },
];

function waitForLine(
  child: ChildProcess,
  want: (line: string) => boolean,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting; child said: ${buf}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      const lines = buf.split('\n');
      for (const l of lines) {
        if (want(l)) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolvePromise(l);
          return;
        }
      }
      if (/^(DONE|ERROR)/m.test(buf)) {
        clearTimeout(timer);
        reject(new Error(`the child ended before the fault point: ${buf}`));
      }
    };
    child.stdout!.on('data', onData);
  });
}

/** Waits for `f`; the limit only turns a thing that never happens into a failure (not a speed limit). */
async function until(f: () => boolean, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const store = new KeychainSecretStore({ service: SERVICE });
const results: Array<{ name: string; known: boolean }> = [];

describe.skipIf(!systemHas('keyring') || !systemHas('socat'))(
  'secret change: kill -9 at every step (real child processes)',
  () => {
    afterAll(async () => {
      await emptyKeychain(store);
      const known = results.filter((r) => r.known).length;
      if (results.length === 0) return;
      console.log(`[rotate kill -9] ${known} of ${results.length} cases ended knowing the device's secret`);
      expect(known).toBe(results.length);
    });

    CASES.forEach((c, i) => {
      it(`SIGKILL ${c.name}: the next connection knows the device's secret`, async () => {
        const dir = await mkdtemp(join(tmpdir(), 'e2ee-kill-'));
        const serial = `FOCKILL${String(i).padStart(2, '0')}`;
        const home = join(dir, 'home');
        let sim: RoomOsSimulator | undefined;
        let pty: PtyDevice | undefined;
        let child: ChildProcess | undefined;
        let known = false;
        try {
          sim = await createSimulator({
            stateFile: join(dir, 'device.json'),
            serialNumber: serial,
            loginRequired: false,
          });
          const first = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
          await first.populateSecretPlain(OLD);
          await first.close();
          await store.set(serial, OLD);
          await writeFile(join(dir, 'new-secret'), NEW);
          pty = await ptyFor(sim, 'tty', dir);

          const stopAt = c.kind === 'step' ? c.step : 'none';
          child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
            cwd: ROOT,
            stdio: ['ignore', 'pipe', 'inherit'],
            env: {
              ...process.env,
              TARGET: pty.target,
              STOP_AT: stopAt,
              NEW_SECRET_FILE: join(dir, 'new-secret'),
              E2EE_PROV_HOME: home,
              E2EE_PROV_KEYCHAIN_SERVICE: SERVICE,
              ...(c.kind === 'mid-write'
                ? { PACING: JSON.stringify({ chunkBytes: 16, chunkDelayMs: 100 }) }
                : {}),
            },
          });
          const exited = new Promise<void>((r) => child!.once('exit', () => r()));
          if (c.kind === 'step') {
            await waitForLine(child, (l) => l === `STEP ${c.step}`);
          } else if (c.kind === 'mid-write') {
            // The line is ~290 bytes in 16-byte pieces 100 ms apart: 0.5 s in, about a third has gone.
            await waitForLine(child, (l) => l === 'STEP pending-stored');
            await new Promise((r) => setTimeout(r, 500));
          } else {
            await waitForLine(child, (l) => l === 'STEP pending-stored');
            // Slow the device's answer to a trickle, and kill the tool the moment the device has changed.
            sim.setFaults({ splitWrites: 4, slowMsPerChunk: 200 });
            await until(() => sim!.events.some((e) => e.type === 'secret' && e.change === 'rotated'));
          }
          child.kill('SIGKILL');
          await exited;
          sim.setFaults({});

          if (c.kind === 'mid-write') {
            // Killed mid-line: the device never ran a populate that changed anything.
            expect(sim.events.some((e) => e.type === 'secret' && e.change === 'rotated')).toBe(false);
          }
          expect(sim.clientSecretIs(c.holds === 'new' ? NEW : OLD)).toBe(true);

          // The next connection, over the same serial line (which may hold half a line of the dead tool).
          const journal = new Journal(home);
          const next = await connect(pty.target, { timeoutMs: 20_000, wakeIntervalMs: 1000 });
          try {
            await settleSecret(next, serial, { store, journal });
          } finally {
            await next.close();
          }
          if (c.kind === 'mid-write') {
            // Proof that the kill cut the line: its first part reached the device, which ran it as a
            // broken, untagged populate when the next connection's wake-up ended the line. It changed nothing.
            const cut = sim.events.filter(
              (e) =>
                e.type === 'command' &&
                e.path === 'Security ClientSecret Populate' &&
                e.resultId === undefined,
            );
            expect(cut).toEqual([expect.objectContaining({ status: expect.not.stringMatching(/^OK$/) })]);
          }
          const current = await store.get(serial);
          expect(current).toBe(c.holds === 'new' ? NEW : OLD);
          expect(sim.clientSecretIs(current!)).toBe(true);
          expect(await store.getPending(serial)).toBeNull();
          const report = await journal.verify();
          expect(report.ok, JSON.stringify(report.problems)).toBe(true);
          expect(unsettledOps(await journal.read(), { serial })).toEqual([]);
          known = true;
        } finally {
          results.push({ name: c.name, known });
          if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await pty?.closePty().catch(() => undefined);
          await sim?.close();
          await rm(dir, { recursive: true, force: true });
        }
      });
    });
  },
);
