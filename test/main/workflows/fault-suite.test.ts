/**
 * The fault-injection suite (docs/reliability.md, "The fault-injection suite"): provision, rotate, renew
 * and deactivate, each killed at every step boundary, with the cable pulled as and after the device gets
 * each device-changing command, and at seeded random points of the byte stream; plus real SIGKILLs of the
 * built CLI at seeded random moments. After each fault the killed run's device object is thrown away (as
 * a dead process's is), and on a new connection: the same workflow re-run succeeds, the device's secret
 * is the keychain's current one with nothing pending, `journal verify` is ok, the inventory shows the
 * device settled and right, and one more rotation works.
 *
 * Seeded and reproducible: the seed is printed; FAULT_SEED=<n> replays a run, FAULT_RUNS=<n> sets how
 * many in-process faults (default 100; the systematic cases come first, seeded random ones fill up),
 * FAULT_KILLS=<n> how many real SIGKILLs (default 8), FAULT_LANES=<n> how many cases run side by side
 * (default 3), FAULT_DEBUG=1 prints each case's phases with their times.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RoomOsDevice, connect } from '../../../src/main/device/index.js';
import { Journal, deriveInventory } from '../../../src/main/vault/index.js';
import { DEACTIVATE_STEPS, deactivate } from '../../../src/main/workflows/deactivate.js';
import type { WorkflowResult } from '../../../src/main/workflows/engine.js';
import { PROVISION_STEPS, provision } from '../../../src/main/workflows/provision.js';
import { RENEW_STEPS, renew } from '../../../src/main/workflows/renew.js';
import { ROTATE_STEPS, type RotateStep, rotateSecret } from '../../../src/main/workflows/rotate.js';
import type { Faults } from '../../../src/simulator/faults.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';
import { prng } from '../../helpers/prng.js';
import { systemHas } from '../../helpers/system.js';
import { type IssuedFiles, Rig, reconnect } from './rig.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/index.js');

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FAULT_RUNS ?? 100);
const KILLS = Number(process.env.FAULT_KILLS ?? 8);
const LANES = Number(process.env.FAULT_LANES ?? 3);
/**
 * The time budget comes from the work, not a fixed figure: each case (a faulted run, its re-run, the
 * checks and one more rotation) may take up to CASE_BUDGET_MS, and the lanes share the cases. A case
 * takes 2 to 5 s on an idle two-core machine; the budget leaves room for a machine kept busy by other
 * work (FAULT_CASE_BUDGET_MS=<ms> changes it). Nothing here asserts how long a case took.
 */
const CASE_BUDGET_MS = Number(process.env.FAULT_CASE_BUDGET_MS ?? 45_000);
/** Setting up the lanes and measuring a clean run of each workflow: a few cases' worth. */
const SETUP_BUDGET_MS = 8 * CASE_BUDGET_MS;
const IN_PROCESS_BUDGET_MS = SETUP_BUDGET_MS + Math.ceil(RUNS / LANES) * CASE_BUDGET_MS;
/** The kills run one after another, plus the first, unkilled run. */
const KILLS_BUDGET_MS = (KILLS + 1) * CASE_BUDGET_MS;

type Workflow = 'provision' | 'rotate' | 'renew' | 'deactivate';
const WORKFLOWS: readonly Workflow[] = ['provision', 'rotate', 'renew', 'deactivate'];

type Fault =
  /** Killed at a step boundary: the engine's AbortSignal, or (rotation) a throw from its step hook. */
  | { kind: 'step'; step: string }
  | { kind: 'dropOnCommand' | 'dropAfterCommand'; command: string }
  | { kind: 'dropAfterBytesIn'; bytes: number };

interface Case {
  workflow: Workflow;
  fault: Fault;
}

/** The commands that change the device, per workflow (as the simulator logs their paths). */
const CHANGING: Record<Workflow, string[]> = {
  provision: ['ClientSecret Populate', 'Services Add', 'Services Activate'],
  rotate: ['ClientSecret Populate'],
  renew: ['Services Add', 'Services Activate', 'Services Deactivate', 'Services Delete'],
  deactivate: ['Services Deactivate', 'Services Delete'],
};

/**
 * The boundaries a kill lands on. A workflow run by the engine is stopped after the named step (the
 * engine checks its signal before each step), so its last step is no boundary; rotation is killed at
 * each of its step hooks, the last one included (after it, only the return is left).
 */
const between = (steps: readonly { id: string }[]): string[] => steps.slice(0, -1).map((s) => s.id);
const BOUNDARIES: Record<Workflow, readonly string[]> = {
  provision: between(PROVISION_STEPS),
  rotate: ROTATE_STEPS,
  renew: between(RENEW_STEPS),
  deactivate: between(DEACTIVATE_STEPS),
};

/** Every step boundary and every changing command (as and after), then seeded random faults up to `runs`. */
function plan(runs: number, rand: () => number, bytesIn: Record<Workflow, number>): Case[] {
  const cases: Case[] = [];
  for (const workflow of WORKFLOWS) {
    for (const step of BOUNDARIES[workflow]) cases.push({ workflow, fault: { kind: 'step', step } });
    for (const command of CHANGING[workflow]) {
      cases.push({ workflow, fault: { kind: 'dropOnCommand', command } });
      cases.push({ workflow, fault: { kind: 'dropAfterCommand', command } });
    }
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  while (cases.length < runs) {
    const workflow = pick(WORKFLOWS);
    const r = rand();
    if (r < 0.6) {
      cases.push({
        workflow,
        fault: { kind: 'dropAfterBytesIn', bytes: 1 + Math.floor(rand() * bytesIn[workflow]) },
      });
    } else if (r < 0.8) {
      cases.push({ workflow, fault: { kind: 'step', step: pick(BOUNDARIES[workflow]) } });
    } else {
      const command = pick(CHANGING[workflow]);
      cases.push({
        workflow,
        fault: { kind: pick(['dropOnCommand', 'dropAfterCommand'] as const), command },
      });
    }
  }
  return cases.slice(0, runs);
}

/** An error's code, and the keychain's or device's reason when it gives one. */
function codeOf(e: unknown): string {
  const x = e as { code?: string; details?: { reason?: unknown } };
  const reason = typeof x.details?.reason === 'string' ? ` (${x.details.reason})` : '';
  return `${x.code ?? String(e)}${reason}`;
}

function describeFault(f: Fault): string {
  if (f.kind === 'step') return `killed at ${f.step}`;
  if (f.kind === 'dropAfterBytesIn') return `cable pulled after ${f.bytes} bytes in`;
  return `cable pulled ${f.kind === 'dropOnCommand' ? 'as' : 'after'} "${f.command}"`;
}

type Verdict = 'recovered' | 'lost' | 'stuck' | 'wrong';
interface Row {
  workflow: string;
  fault: string;
  fired: boolean;
  verdict: Verdict;
  why?: string;
  /** How long the case took, start to end. */
  ms?: number;
}

const rig = new Rig();
const rows: Row[] = [];
const started = Date.now();
let certA: IssuedFiles;
let certB: IssuedFiles;
let n = 0;
const SECRET = 'FAULT-SUITE-FIRST-SECRET-7Q2M';
const NEW = 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS';

function serial(): string {
  return `FOCFLT${String(++n).padStart(4, '0')}`;
}

/**
 * The faulted run waits 3 s for a silent device (a pulled cable is found quickly); the re-run, which must
 * succeed, gives a device slowed by a loaded machine longer before a silence counts as a failure.
 */
const FAULTED_RUN_TIMEOUT_MS = 3000;
const RERUN_TIMEOUT_MS = 20_000;

async function open(sim: RoomOsSimulator, timeoutMs = FAULTED_RUN_TIMEOUT_MS): Promise<RoomOsDevice> {
  return connect('sim:', { simulator: sim, timeoutMs, wakeIntervalMs: 1000 });
}

/**
 * A lane runs its cases one after another on one serial number; lanes run side by side (the work is
 * mostly scrypt, on the thread pool). Its template is a device provisioned with A, with the journal that
 * did it: each rotate, renew and deactivate case starts from copies of both.
 */
interface Lane {
  serial: string;
  dir: string;
  runs: number;
}

async function makeLane(dir: string): Promise<Lane> {
  const lane: Lane = { serial: serial(), dir, runs: 0 };
  await mkdir(dir, { recursive: true });
  const sim = await createSimulator({
    serialNumber: lane.serial,
    stateFile: join(dir, 'template.json'),
    rebootDelayMs: 50,
  });
  const device = await open(sim);
  try {
    const r = await provision(
      { device, secrets: rig.secrets, journal: new Journal(join(dir, 'template-home')) },
      { credentials: certA.credentials, secret: SECRET, link: 'sim' },
    );
    if (!r.ok) throw new Error(`setting up failed: ${r.error?.code} ${r.error?.message}`);
  } finally {
    await device.close();
    await sim.close();
  }
  return lane;
}

/** A device the workflow under test starts from: fresh for provision, provisioned with A otherwise. */
async function startingPoint(
  workflow: Workflow,
  lane: Lane,
): Promise<{ sim: RoomOsSimulator; journal: Journal }> {
  const run = ++lane.runs;
  const home = join(lane.dir, `home-${run}`);
  await rig.secrets.deletePending(lane.serial);
  if (workflow === 'provision') {
    await rig.secrets.delete(lane.serial);
    const sim = await createSimulator({ serialNumber: lane.serial, rebootDelayMs: 50 });
    return { sim, journal: new Journal(home) };
  }
  await cp(join(lane.dir, 'template-home'), home, { recursive: true });
  const stateFile = join(lane.dir, `device-${run}.json`);
  await copyFile(join(lane.dir, 'template.json'), stateFile);
  await rig.secrets.set(lane.serial, SECRET);
  const sim = await createSimulator({ serialNumber: lane.serial, stateFile, rebootDelayMs: 50 });
  return { sim, journal: new Journal(home) };
}

/** Runs the workflow under test once on `device`; `kill` is asked at each step boundary whether to die there. */
async function runOnce(
  workflow: Workflow,
  device: RoomOsDevice,
  journal: Journal,
  kill?: string,
): Promise<{ ok: boolean; code?: string }> {
  const deps = { device, secrets: rig.secrets, journal };
  if (workflow === 'rotate') {
    const onStep = (s: RotateStep): void => {
      if (s === kill) throw Object.assign(new Error(`killed at ${s}`), { code: 'KILLED' });
    };
    return rotateSecret(device, { newSecret: NEW }, { store: rig.secrets, journal, onStep }).then(
      () => ({ ok: true }),
      (e: unknown) => ({ ok: false, code: codeOf(e) }),
    );
  }
  const stop = new AbortController();
  const run = {
    signal: stop.signal,
    // Stop at the boundary after `kill`: the engine checks the signal before each step.
    onEvent: (e: { type: string; id?: string; status?: string }) => {
      if (e.type === 'step' && e.id === kill && (e.status === 'done' || e.status === 'skipped')) stop.abort();
    },
  };
  let r: WorkflowResult;
  if (workflow === 'provision') {
    r = await provision(deps, { credentials: certA.credentials, secret: SECRET, link: 'sim' }, run);
  } else if (workflow === 'renew') {
    r = await renew(deps, { credentials: certB.credentials, allowNewName: true }, run);
  } else {
    r = await deactivate(deps, { delete: true }, run);
  }
  return r.ok ? { ok: true } : { ok: false, code: r.error?.code };
}

/** What the device and the inventory must show once the workflow is done. */
function expected(workflow: Workflow): { state: string; active?: string } {
  if (workflow === 'deactivate') return { state: 'deactivated' };
  return { state: 'active', active: workflow === 'renew' ? certB.fingerprint : certA.fingerprint };
}

/** The checks after recovery; a string says what is wrong. */
async function settledAndRight(
  sim: RoomOsSimulator,
  serialNumber: string,
  journal: Journal,
  want: { state: string; active?: string },
): Promise<{ verdict: Verdict; why: string } | null> {
  const current = await rig.secrets.get(serialNumber);
  if (current === null || !sim.clientSecretIs(current)) {
    return { verdict: 'lost', why: 'the device holds a secret the keychain does not' };
  }
  if ((await rig.secrets.getPending(serialNumber)) !== null) {
    return { verdict: 'wrong', why: 'a pending entry is left' };
  }
  const report = await journal.verify();
  if (!report.ok) return { verdict: 'wrong', why: `journal verify: ${JSON.stringify(report.problems)}` };
  const records = await journal.read();
  const dev = deriveInventory(records).devices.find((d) => d.serial === serialNumber);
  if (!dev) return { verdict: 'wrong', why: 'not in the inventory' };
  if (dev.unsettled.length > 0 || dev.state !== want.state) {
    const open = records
      .filter((r) => r.kind !== 'event' && dev.unsettled.includes(r.op))
      .map((r) =>
        r.kind === 'outcome' ? `${r.action}:${r.result}` : r.kind === 'intent' ? `${r.action}:intent` : '',
      );
    return { verdict: 'wrong', why: `inventory: ${dev.state}, unsettled ${open.join(' ')}` };
  }
  const invActive = dev.certificate?.active ? dev.certificate.fingerprint : undefined;
  if (invActive !== want.active) {
    return { verdict: 'wrong', why: `inventory's active certificate ${invActive} is not ${want.active}` };
  }
  if (sim.state.webexIdentity !== want.active) {
    return {
      verdict: 'wrong',
      why: `device's WebexIdentity ${sim.state.webexIdentity} is not ${want.active}`,
    };
  }
  return null;
}

/** One faulted run and its recovery; returns the row for the table. */
async function faulted(c: Case, lane: Lane): Promise<Row> {
  const t0 = Date.now();
  const trace = (what: string) => {
    if (process.env.FAULT_DEBUG)
      console.log(`${c.workflow} ${describeFault(c.fault)}: ${what} ${Date.now() - t0}`);
  };
  const { sim, journal } = await startingPoint(c.workflow, lane);
  trace('set up');
  const serialNumber = lane.serial;
  const row: Row = {
    workflow: c.workflow,
    fault: describeFault(c.fault),
    fired: false,
    verdict: 'recovered',
  };
  try {
    const mark = sim.events.length;
    const device = await open(sim);
    if (c.fault.kind === 'dropAfterBytesIn') sim.setFaults({ dropAfterBytesIn: c.fault.bytes });
    else if (c.fault.kind !== 'step') sim.setFaults({ [c.fault.kind]: c.fault.command } as Faults);
    const first = await runOnce(
      c.workflow,
      device,
      journal,
      c.fault.kind === 'step' ? c.fault.step : undefined,
    );
    // The killed process's connection is gone with it; a fault that did not fire is switched off.
    await device.close().catch(() => undefined);
    sim.setFaults({});
    row.fired =
      c.fault.kind === 'step'
        ? first.code === 'KILLED' || first.code === 'ERR_WORKFLOW_CANCELLED'
        : sim.events.slice(mark).some((e) => e.type === 'fault');
    await sim.whenUp();
    trace(`faulted run: ${first.code}`);

    // Nothing lost at the moment of the kill: the device's secret is the keychain's current or pending one.
    if (sim.state.clientSecretSet) {
      const held = [await rig.secrets.get(serialNumber), await rig.secrets.getPending(serialNumber)];
      if (!held.some((s) => s !== null && sim.clientSecretIs(s))) {
        return { ...row, verdict: 'lost', why: 'after the kill the keychain holds neither secret' };
      }
    }

    // The re-run, on a new connection.
    const again = await open(sim, RERUN_TIMEOUT_MS);
    try {
      const second = await runOnce(c.workflow, again, journal);
      trace('re-run');
      if (!second.ok) return { ...row, verdict: 'stuck', why: `re-run: ${second.code}` };

      const want = expected(c.workflow);
      const v = await settledAndRight(sim, serialNumber, journal, want);
      if (v) return { ...row, ...v };
      trace('checked');
      // One more rotation works (on the re-run's connection), and leaves everything settled.
      try {
        const r = await rotateSecret(again, {}, { store: rig.secrets, journal });
        if (!sim.clientSecretIs(r.newSecret)) {
          return { ...row, verdict: 'wrong', why: 'the last rotation did not take' };
        }
      } catch (e) {
        return { ...row, verdict: 'wrong', why: `one more rotation: ${codeOf(e)}` };
      }
      trace('rotated');
      const after = await settledAndRight(sim, serialNumber, journal, want);
      return after ? { ...row, ...after } : row;
    } finally {
      await again.close().catch(() => undefined);
    }
  } catch (e) {
    // The code and the underlying reason too (a keychain refusal's reason is the only clue to its cause).
    const reason = (e as { details?: { reason?: unknown } }).details?.reason;
    const why = `threw: ${codeOf(e)}: ${(e as Error).message}${reason ? ` (${String(reason)})` : ''}`;
    return { ...row, verdict: 'stuck', why };
  } finally {
    await sim.close();
  }
}

/** Bytes the tool sends in a clean run of each workflow (the range of the random cable pulls). */
async function measureBytesIn(lane: Lane): Promise<Record<Workflow, number>> {
  const out = {} as Record<Workflow, number>;
  for (const workflow of WORKFLOWS) {
    const { sim, journal } = await startingPoint(workflow, lane);
    let bytes = 0;
    const counting = {
      openStream: (kind?: 'serial' | 'ssh') => {
        const s = sim.openStream(kind);
        const write = s.write.bind(s);
        s.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
          bytes += Buffer.byteLength(chunk);
          return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof s.write;
        return s;
      },
    } as unknown as RoomOsSimulator;
    const device = await connect('sim:', { simulator: counting, timeoutMs: 3000, wakeIntervalMs: 1000 });
    bytes = 0; // as dropAfterBytesIn counts: from when the fault is set, after the login
    const r = await runOnce(workflow, device, journal);
    await device.close();
    await sim.close();
    if (!r.ok) throw new Error(`a clean ${workflow} failed: ${r.code}`);
    out[workflow] = bytes;
  }
  return out;
}

function mean(list: Row[]): string {
  const ms = list.map((r) => r.ms).filter((x): x is number => x !== undefined);
  return ms.length ? (ms.reduce((a, b) => a + b, 0) / ms.length / 1000).toFixed(1) : '-';
}

function table(title: string, list: Row[]): string {
  const count = (w: string | undefined, v?: Verdict) =>
    list.filter((r) => (w === undefined || r.workflow === w) && (v === undefined || r.verdict === v)).length;
  const groups = [...new Set(list.map((r) => r.workflow))];
  const lines = [
    title,
    'workflow      runs  fired  recovered  lost  stuck  wrong  mean s',
    ...[...groups, undefined].map((w) =>
      [
        (w ?? 'total').padEnd(12),
        String(count(w)).padStart(6),
        String(list.filter((r) => (w === undefined || r.workflow === w) && r.fired).length).padStart(6),
        String(count(w, 'recovered')).padStart(10),
        String(count(w, 'lost')).padStart(5),
        String(count(w, 'stuck')).padStart(6),
        String(count(w, 'wrong')).padStart(6),
        mean(list.filter((r) => w === undefined || r.workflow === w)).padStart(7),
      ].join(' '),
    ),
  ];
  for (const r of list.filter((x) => x.verdict !== 'recovered')) {
    lines.push(`  ${r.verdict.toUpperCase()}: ${r.workflow}, ${r.fault}: ${r.why}`);
  }
  return lines.join('\n');
}

describe.skipIf(!systemHas('keyring'))('fault-injection suite (seeded)', () => {
  beforeAll(async () => {
    await rig.setUp('fault-suite');
    certA = await rig.issue('fault-a.example');
    certB = await rig.issue('fault-b.example');
    console.log(
      `[fault suite] seed ${SEED} (FAULT_SEED=${SEED} replays it), ${RUNS} in-process faults, ${KILLS} SIGKILLs`,
    );
  });
  afterAll(async () => {
    const total = [...rows];
    if (total.length > 0) {
      console.log(
        `${table(`[fault suite] seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s`, total)}`,
      );
    }
    await rig.tearDown();
  });

  it(
    `${RUNS} in-process kills and cable pulls: every re-run recovers, nothing lost, stuck or wrong`,
    async () => {
      const lanes = await Promise.all(
        Array.from({ length: LANES }, (_, i) => makeLane(rig.path(`lane-${i}`))),
      );
      const rand = prng(SEED);
      const bytesIn = await measureBytesIn(lanes[0]!);
      const cases = plan(RUNS, rand, bytesIn);
      // Results in the cases' order whatever lane ran them, so that a seed gives the same table.
      const results: Row[] = new Array<Row>(cases.length);
      let next = 0;
      await Promise.all(
        lanes.map(async (lane) => {
          for (let i = next++; i < cases.length; i = next++) {
            const t0 = Date.now();
            results[i] = { ...(await faulted(cases[i]!, lane)), ms: Date.now() - t0 };
          }
        }),
      );
      const mine = results;
      rows.push(...mine);
      console.log(
        table(`[fault suite] in-process (bytes in per clean run: ${JSON.stringify(bytesIn)})`, mine),
      );
      expect(mine.filter((r) => r.verdict === 'lost')).toEqual([]);
      expect(mine.filter((r) => r.verdict === 'stuck')).toEqual([]);
      expect(mine.filter((r) => r.verdict === 'wrong')).toEqual([]);
      expect(mine.length).toBe(RUNS);
    },
    IN_PROCESS_BUDGET_MS,
  );

  it.runIf(systemHas('socat') && existsSync(CLI))(
    `${KILLS} real SIGKILLs of the built CLI's secret rotate at seeded random moments`,
    async () => {
      const rand = prng(SEED ^ 0x5a5a5a5a);
      const home = rig.path('cli-home');
      const env = { ...process.env, E2EE_PROV_HOME: home, E2EE_PROV_KEYCHAIN_SERVICE: rig.service };
      const mine: Row[] = [];
      let spanMs: number | undefined;
      for (let k = 0; k <= KILLS; k++) {
        const serialNumber = serial();
        const sim = await createSimulator({ serialNumber });
        const journal = new Journal(home);
        const setup = await open(sim);
        await setup.populateSecretPlain(SECRET);
        await setup.close();
        await rig.secrets.set(serialNumber, SECRET);
        const secretFile = rig.path(`new-${k}`);
        await writeFile(secretFile, NEW);
        const target = await rig.pty(sim);
        const t0 = Date.now();
        const child: ChildProcess = spawn(
          process.execPath,
          [CLI, 'secret', 'rotate', '--target', target, '--new-secret-file', secretFile],
          { cwd: ROOT, stdio: 'ignore', env },
        );
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        // The first run is not killed: it measures how long a rotation takes, the span of the kills.
        // (Within the first 80% of it: the last part is the process exiting, past the last keychain write.)
        const delay = spanMs === undefined ? undefined : Math.floor(rand() * spanMs * 0.8);
        const row: Row = {
          workflow: 'rotate (CLI)',
          fault: delay === undefined ? 'clean run' : `SIGKILL after ${delay} ms`,
          fired: false,
          verdict: 'recovered',
        };
        try {
          if (delay !== undefined) {
            await Promise.race([exited, new Promise((r) => setTimeout(r, delay))]);
            row.fired = child.exitCode === null && child.signalCode === null;
            if (row.fired) child.kill('SIGKILL');
          }
          const code = await exited;
          if (delay === undefined) {
            expect(code).toBe(0);
            spanMs = Date.now() - t0;
          }
          const held = [await rig.secrets.get(serialNumber), await rig.secrets.getPending(serialNumber)];
          if (!held.some((s) => s !== null && sim.clientSecretIs(s))) {
            Object.assign(row, { verdict: 'lost', why: 'after the kill the keychain holds neither secret' });
            continue;
          }
          // The re-run, over the same serial line (which may hold half a line of the dead tool).
          const again = await reconnect(rig, target);
          try {
            await rotateSecret(again, { newSecret: NEW }, { store: rig.secrets, journal });
          } catch (e) {
            Object.assign(row, { verdict: 'stuck', why: `re-run: ${(e as { code?: string }).code ?? e}` });
            continue;
          } finally {
            await again.close().catch(() => undefined);
          }
          const v = await settledAndRight(sim, serialNumber, journal, { state: 'secret-set' });
          if (v) {
            Object.assign(row, v);
            continue;
          }
          const last = await reconnect(rig, target);
          try {
            const r = await rotateSecret(last, {}, { store: rig.secrets, journal });
            if (!sim.clientSecretIs(r.newSecret))
              Object.assign(row, { verdict: 'wrong', why: 'last rotation' });
          } catch (e) {
            Object.assign(row, {
              verdict: 'wrong',
              why: `one more rotation: ${(e as { code?: string }).code}`,
            });
          } finally {
            await last.close().catch(() => undefined);
          }
          if (row.verdict === 'recovered') {
            const after = await settledAndRight(sim, serialNumber, journal, { state: 'secret-set' });
            if (after) Object.assign(row, after);
          }
        } finally {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await rig.reset();
          await sim.close();
          if (delay !== undefined) {
            row.ms = Date.now() - t0;
            mine.push(row);
            rows.push(row);
          }
        }
      }
      console.log(table(`[fault suite] SIGKILL of the CLI (a clean rotation took ${spanMs} ms)`, mine));
      expect(mine.filter((r) => r.verdict !== 'recovered')).toEqual([]);
      expect(mine.length).toBe(KILLS);
    },
    KILLS_BUDGET_MS,
  );
});
