/**
 * A kill during the factory reset, or during the restart after it (docs/reliability.md, "A kill during a
 * factory reset"). A used device (provisioned with certificate A, its secret in the keychain) is
 * provisioned again with certificate B and `--factory-reset`, and the run is killed:
 *
 * - in-process: after the reset's intent and before the command (the device unchanged), as the device
 *   takes the reset command, while it is down restarting, and once it answered again but before the
 *   reset's outcome was journaled. From the kill on, the dead run's journal, keychain and connection
 *   refuse everything, as a dead process's would;
 * - a real SIGKILL of the built CLI (`provision` over a pseudo-terminal) as the device takes the reset
 *   command and while it is down.
 *
 * Then the same command runs again. The simulator's event log must show exactly one reset, the journal
 * verify and the inventory show the device settled and active with B, and the keychain hold the secret
 * the device holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FactoryResetKeep, type RoomOsDevice, connect } from '../../../src/main/device/index.js';
import {
  type AppendOptions,
  Journal,
  type JournalEntry,
  type JournalRecord,
  type SecretStore,
  deriveInventory,
} from '../../../src/main/vault/index.js';
import { type WorkflowDevice, deviceOps } from '../../../src/main/workflows/device-port.js';
import { type ProvisionResult, provision } from '../../../src/main/workflows/provision.js';
import { rotateSecret } from '../../../src/main/workflows/rotate.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';
import { systemHas } from '../../helpers/system.js';
import { type IssuedFiles, Rig, reconnect } from './rig.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/index.js');
const FIRST = 'RESET-KILL-FIRST-SECRET-4M7Q';
const SECOND = 'RESET-KILL-SECOND-SECRET-9T2W';

const rig = new Rig();
let certA: IssuedFiles;
let certB: IssuedFiles;
let n = 0;

/** A run's life: once killed, its journal, keychain and connection refuse everything. */
class Life {
  dead = false;
  device?: RoomOsDevice;
  kill(): Error {
    this.dead = true;
    void this.device?.close().catch(() => undefined);
    return Object.assign(new Error('killed'), { code: 'KILLED' });
  }
  check(): void {
    if (this.dead) throw Object.assign(new Error('killed'), { code: 'KILLED' });
  }
}

/** The journal of a run that can be killed; `killAt` kills it instead of writing a chosen record. */
class MortalJournal extends Journal {
  constructor(
    dir: string,
    private readonly life: Life,
    private readonly killAt?: (entry: JournalEntry) => boolean,
  ) {
    super(dir);
  }
  override async append(entry: JournalEntry, options?: AppendOptions): Promise<JournalRecord> {
    this.life.check();
    if (this.killAt?.(entry)) throw this.life.kill();
    return super.append(entry, options);
  }
}

function mortalStore(store: SecretStore, life: Life): SecretStore {
  const g =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      life.check();
      return f(...a);
    };
  return {
    check: g(() => store.check()),
    get: g((s: string) => store.get(s)),
    set: g((s: string, v: string) => store.set(s, v)),
    delete: g((s: string) => store.delete(s)),
    getPending: g((s: string) => store.getPending(s)),
    setPending: g((s: string, v: string) => store.setPending(s, v)),
    deletePending: g((s: string) => store.deletePending(s)),
    list: g(() => store.list()),
  };
}

const until = async (f: () => boolean): Promise<void> => {
  while (!f()) await new Promise((r) => setTimeout(r, 2));
};

const resets = (sim: RoomOsSimulator): number => sim.events.filter((e) => e.type === 'factory-reset').length;
const took = (sim: RoomOsSimulator): boolean =>
  sim.events.some((e) => e.type === 'command' && e.path === 'SystemUnit FactoryReset');
const down = (sim: RoomOsSimulator): boolean =>
  sim.events.some((e) => e.type === 'power' && e.phase === 'down');

/** A Room Kit provisioned with A and FIRST (journal in `home`, secret in the keychain). */
async function usedDevice(): Promise<{ sim: RoomOsSimulator; serial: string; home: string }> {
  const serial = `FOCRST${String(++n).padStart(4, '0')}`;
  const home = rig.path(`home-${n}`);
  const sim = await createSimulator({ serialNumber: serial, rebootDelayMs: 300 });
  const device = await open(sim);
  try {
    const r = await provision(
      { device, secrets: rig.secrets, journal: new Journal(home) },
      { credentials: certA.credentials, secret: FIRST, link: 'sim' },
    );
    if (!r.ok) throw new Error(`setting up: ${r.error?.code}`);
  } finally {
    await device.close();
  }
  return { sim, serial, home };
}

function open(sim: RoomOsSimulator): Promise<RoomOsDevice> {
  return connect('sim:', { simulator: sim, timeoutMs: 5000, wakeIntervalMs: 1000 });
}

function reprovision(
  device: WorkflowDevice,
  secrets: SecretStore,
  journal: Journal,
  keep: readonly FactoryResetKeep[] = [],
) {
  return provision(
    { device, secrets, journal },
    { credentials: certB.credentials, secret: SECOND, link: 'sim', factoryReset: { confirmed: true, keep } },
  );
}

/** Exactly one reset; the journal verifies; the inventory shows the device settled, active with B. */
async function settledWithB(sim: RoomOsSimulator, serial: string, home: string): Promise<JournalRecord[]> {
  expect(resets(sim)).toBe(1);
  const journal = new Journal(home);
  expect((await journal.verify()).ok).toBe(true);
  const records = await journal.read();
  const dev = deriveInventory(records).devices.find((d) => d.serial === serial)!;
  expect({ state: dev.state, unsettled: dev.unsettled, certificate: dev.certificate }).toEqual({
    state: 'active',
    unsettled: [],
    certificate: { cn: certB.cn, fingerprint: certB.fingerprint, notAfter: certB.notAfter, active: true },
  });
  expect(sim.state.webexIdentity).toBe(certB.fingerprint);
  expect(await rig.secrets.get(serial)).toBe(SECOND);
  expect(sim.clientSecretIs(SECOND)).toBe(true);
  expect(await rig.secrets.getPending(serial)).toBeNull();
  return records;
}

/** The reset ops' outcomes, in order: `result/settledBy`. */
function resetOutcomes(records: readonly JournalRecord[]): string[] {
  return records
    .filter((r) => r.kind === 'outcome' && r.action === 'device.factory-reset')
    .map((r) => (r.kind === 'outcome' ? `${r.result}/${r.settledBy}` : ''));
}

type KillPoint = 'before-command' | 'reset-command' | 'restarting' | 'before-outcome';

/** Runs the re-provisioning in-process and kills it at `point`. */
async function killedRun(
  sim: RoomOsSimulator,
  home: string,
  point: KillPoint,
  keep: readonly FactoryResetKeep[] = [],
): Promise<ProvisionResult> {
  const life = new Life();
  const device = await open(sim);
  life.device = device;
  const journal = new MortalJournal(
    home,
    life,
    point === 'before-outcome'
      ? (e) => e.kind === 'outcome' && e.action === 'device.factory-reset'
      : undefined,
  );
  const port = deviceOps(device, {
    factoryReset: async (o) => {
      if (point === 'before-command') throw life.kill();
      if (point === 'before-outcome') return device.factoryReset(o);
      const real = device.factoryReset(o);
      real.catch(() => undefined);
      await until(() => (point === 'reset-command' ? took(sim) : down(sim)));
      const e = life.kill();
      await real.catch(() => undefined);
      await device.close();
      throw e;
    },
  });
  const r = await reprovision(port, mortalStore(rig.secrets, life), journal, keep);
  await device.close().catch(() => undefined);
  return r;
}

describe.skipIf(!systemHas('keyring'))('a kill during the factory reset or the restart after it', () => {
  beforeAll(async () => {
    await rig.setUp('reset-kill');
    certA = await rig.issue('reset-a.example');
    certB = await rig.issue('reset-b.example');
  });
  afterEach(async () => {
    await rig.reset();
  });
  afterAll(async () => {
    await rig.tearDown();
  });

  for (const point of ['before-command', 'reset-command', 'restarting', 'before-outcome'] as const) {
    it(`killed ${point}: the re-run resets ${point === 'before-command' ? 'once (the device had not)' : 'no more (the device shows it took)'}, and everything is settled`, async () => {
      const { sim, serial, home } = await usedDevice();
      try {
        const first = await killedRun(sim, home, point);
        expect(first.ok).toBe(false);
        expect(first.steps.find((s) => s.id === 'factory-reset')?.status).toBe('failed');
        expect(resets(sim)).toBe(point === 'before-command' ? 0 : 1);
        await sim.whenUp();
        // The reset's intent is open: the inventory shows the device unsettled until a run settles it.
        const before = deriveInventory(await new Journal(home).read()).devices[0]!;
        expect(before.state).toBe('unsettled');

        const again = await open(sim);
        try {
          const r = await reprovision(again, rig.secrets, new Journal(home));
          expect(r.error).toBeUndefined();
          const step = r.steps.find((s) => s.id === 'factory-reset')!;
          if (point === 'before-command') expect(step.status).toBe('done');
          else expect([step.status, step.said?.code]).toEqual(['skipped', 'RESET_SETTLED']);
        } finally {
          await again.close();
        }
        const records = await settledWithB(sim, serial, home);
        expect(resetOutcomes(records)).toEqual(
          point === 'before-command' ? ['failed/probe', 'ok/response'] : ['ok/probe'],
        );
      } finally {
        await sim.close();
      }
    });
  }

  it('a reset that kept the certificates (killed while restarting): the secret probe tells, the re-run resets no more', async () => {
    const { sim, serial, home } = await usedDevice();
    try {
      await killedRun(sim, home, 'restarting', ['Certificates']);
      await sim.whenUp();
      // The device kept certificate A: only the secret it no longer holds shows the reset.
      expect(sim.state.certificates.some((c) => c.fingerprint === certA.fingerprint)).toBe(true);
      const again = await open(sim);
      try {
        const r = await reprovision(again, rig.secrets, new Journal(home), ['Certificates']);
        expect(r.error).toBeUndefined();
        const step = r.steps.find((s) => s.id === 'factory-reset')!;
        expect([step.status, step.said?.code]).toEqual(['skipped', 'RESET_SETTLED']);
      } finally {
        await again.close();
      }
      const records = await settledWithB(sim, serial, home);
      expect(resetOutcomes(records)).toEqual(['ok/probe']);
      const intent = records.find((r) => r.kind === 'intent' && r.action === 'device.factory-reset');
      expect(intent?.kind === 'intent' && intent.action === 'device.factory-reset' && intent.keep).toEqual([
        'Certificates',
      ]);
    } finally {
      await sim.close();
    }
  });

  it('a rotation after a kill during the restart settles the reset too (the device holds no secret to rotate); the provisioning then finishes with one reset', async () => {
    const { sim, serial, home } = await usedDevice();
    try {
      await killedRun(sim, home, 'restarting');
      await sim.whenUp();
      const device = await open(sim);
      try {
        const err = await rotateSecret(device, {}, { store: rig.secrets, journal: new Journal(home) }).then(
          () => null,
          (e: { code?: string }) => e.code,
        );
        expect(err).toBe('ERR_VAULT_NO_SECRET');
      } finally {
        await device.close();
      }
      const records = await new Journal(home).read();
      expect(resetOutcomes(records)).toEqual(['ok/probe']);
      // The keychain's secret of before the reset is gone: the device holds none (probed).
      expect(await rig.secrets.get(serial)).toBeNull();
      const dev = deriveInventory(records).devices[0]!;
      const open_ = records.filter((r) => r.kind === 'intent' && dev.unsettled.includes(r.op));
      // Only the provisioning itself is unfinished.
      expect(open_.map((r) => (r.kind === 'intent' ? r.action : ''))).toEqual(['device.provision']);

      const again = await open(sim);
      try {
        const r = await reprovision(again, rig.secrets, new Journal(home));
        expect(r.error).toBeUndefined();
      } finally {
        await again.close();
      }
      await settledWithB(sim, serial, home);
    } finally {
      await sim.close();
    }
  });

  it.runIf(systemHas('socat') && existsSync(CLI))(
    'a real SIGKILL of the CLI as the device takes the reset and while it restarts: the same command again resets no more',
    async () => {
      for (const point of ['reset-command', 'restarting'] as const) {
        const { sim, serial, home } = await usedDevice();
        try {
          const target = await rig.pty(sim);
          const secretFile = rig.path(`second-${serial}`);
          await writeFile(secretFile, SECOND);
          const args = [
            CLI,
            'provision',
            '--target',
            target,
            '--cert',
            certB.certPath,
            '--key',
            certB.keyPath,
            '--secret-file',
            secretFile,
            '--factory-reset',
          ];
          const env = { ...process.env, E2EE_PROV_HOME: home, E2EE_PROV_KEYCHAIN_SERVICE: rig.service };
          const run = (): { child: ChildProcess; exited: Promise<number | null> } => {
            const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore', env });
            return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
          };
          const first = run();
          await Promise.race([
            until(() => (point === 'reset-command' ? took(sim) : down(sim))),
            first.exited,
          ]);
          expect(first.child.exitCode).toBeNull();
          first.child.kill('SIGKILL');
          await first.exited;
          // The device took the command before the kill: it goes down and comes back, reset once.
          await until(() => down(sim));
          await sim.whenUp();
          expect(resets(sim)).toBe(1);
          // The same command again, over the same line, once the device is up (as a person would).
          await (await reconnect(rig, target)).close();
          const second = run();
          expect(await second.exited).toBe(0);
          const records = await settledWithB(sim, serial, home);
          expect(resetOutcomes(records)).toEqual(['ok/probe']);
        } finally {
          await rig.reset();
          await sim.close();
        }
      }
    },
  );
});
