/**
 * `npm run bench`: every figure as a ratio to a floor measured side by side in the same run (these
 * machines are shared, and absolute times drift). Prints a table, writes bench/results.json and the
 * table in docs/performance.md. docs/performance.md says what each floor is.
 *
 * Usage: npm run bench [-- --quick] [-- --out FILE] [-- --no-docs] [-- --only seal,provision,…]
 *        npm run bench -- --docs-only   (the table in docs/performance.md again, from bench/results.json)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, scrypt as scryptCb } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build as esbuild } from 'esbuild';
import { chromium } from 'playwright-core';
import { CISCO_KDF_V1, open, seal, sealedLength } from '../src/core/jwe/index.js';
import {
  type Credentials,
  buildAddPayload,
  checkCredentials,
  readCredentials,
} from '../src/core/pki/index.js';
import { PROCEDURE_MINIMUM, type Procedure, cloudCalls } from '../src/core/xapi/procedure.js';
import { CloudClient, CloudDevice } from '../src/main/cloud/index.js';
import { type FleetJob, runFleet } from '../src/main/workflows/fleet/index.js';
import { type CloudSimulator, createCloudSimulator } from '../src/simulator/cloud/index.js';
import { MemorySecretStore } from '../src/main/vault/memory-store.js';
import { issueDeviceCert, makeDemoPki } from '../src/main/demo/pki.js';
import { MemoryHostKeyStore, connect } from '../src/main/device/index.js';
import { registerIpc } from '../src/main/ipc/register.js';
import { createServices } from '../src/main/services.js';
import { Journal } from '../src/main/vault/journal.js';
import { type BatchRow, runBatch } from '../src/main/workflows/batch.js';
import { provision } from '../src/main/workflows/provision.js';
import { renew } from '../src/main/workflows/renew.js';
import { rotateSecret } from '../src/main/workflows/rotate.js';
import { type RoomOsSimulator, type SimStats, createSimulator } from '../src/simulator/index.js';
import {
  type BenchResults,
  type Figure,
  type FigureKey,
  FIGURES,
  figure,
  formatTable,
  isBenchResults,
  markdownTable,
  median,
  minimumMarkdown,
  type PayloadBytes,
  type ProcedureFloor,
  cloudFloor,
  fleetFloor,
  procedureFloor,
} from './lib.js';

const scrypt = promisify(scryptCb) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: typeof CISCO_KDF_V1,
) => Promise<Buffer>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    'docs-only': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const QUICK = args.quick === true;
const only = new Set((args.only ?? FIGURES.join(',')).split(',').map((s) => s.trim()));
/** Where the results go: bench/results.json for a run of every figure; a part of them only with --out. */
const OUT = args.out ?? (args.only === undefined ? join(ROOT, 'bench', 'results.json') : undefined);

/**
 * The simulated device's own delays. A Room Kit takes minutes to restart after a factory reset; that is
 * scaled down (the floor counts whatever is configured, so the ratio keeps its meaning), command
 * latency is what a console answer takes, and the line is the maintenance port's 115,200 baud.
 */
const DEVICE = {
  baudRate: 115_200,
  commandLatencyMs: 40,
  rebootDelayMs: QUICK ? 1500 : 4000,
};
/**
 * The Webex cloud's round trip (the simulator's `latencyMs`, a bench knob): about 1 s per call is what
 * Cisco says of the real API; the quick mode scales it down to 100 ms, and its fleet to 8 devices, to
 * stay short (each device costs its key derivations whatever the latency; the floors count whatever is
 * configured). The full mode: a fleet of 20 devices, 4 at a time (fleet renew's default concurrency).
 */
const CLOUD = { latencyMs: QUICK ? 100 : 1000, fleetDevices: QUICK ? 8 : 20, concurrency: 4, runs: 1 };
/** Provisioning and rotation runs (the median is kept). */
const RUNS = 3;
const BYTES_PER_SECOND = DEVICE.baudRate / 10;
const SECRET = 'ossifrage-ossifrage-ossifrage';

const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** One bare cisco-kdf v1 derivation with node:crypto: the floor of anything that derives a key. */
async function bareKdf(): Promise<number> {
  const t0 = performance.now();
  await scrypt(Buffer.from(SECRET), randomBytes(16), 16, CISCO_KDF_V1);
  return performance.now() - t0;
}

/** Several bare derivations, one at a time; the median. */
async function kdfFloor(n: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await bareKdf());
  return median(xs);
}

// --- 1. seal and open --------------------------------------------------------------------------------

async function sealOpen(): Promise<{ seal: Figure; open: Figure }> {
  const rounds = QUICK ? 5 : 11;
  const payload = 'x'.repeat(2500);
  const blob = await seal('add', payload, SECRET);
  await bareKdf();
  await seal('add', payload, SECRET);
  const bare: number[] = [];
  const sealMs: number[] = [];
  const openMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    bare.push(await bareKdf());
    let t0 = performance.now();
    await seal('add', payload, SECRET);
    sealMs.push(performance.now() - t0);
    t0 = performance.now();
    await open(blob, SECRET, { action: 'add' });
    openMs.push(performance.now() - t0);
  }
  const floor = median(bare);
  const floorLabel = 'one bare node:crypto scrypt (N=32768, r=8, p=1), interleaved';
  return {
    seal: figure({
      label: "seal('add', 2.5 KB), median",
      unit: 'ms',
      value: median(sealMs),
      floor,
      floorLabel,
      details: { rounds },
    }),
    open: figure({
      label: 'open of that blob, median',
      unit: 'ms',
      value: median(openMs),
      floor,
      floorLabel,
      details: { rounds },
    }),
  };
}

// --- 2. event-loop delay -----------------------------------------------------------------------------

/** `e2ee-prov simulator` in a process of its own: the device's work stays out of the measured loop. */
async function simulatorProcess(args: string[]): Promise<{ where: string; stop(): Promise<void> }> {
  const p = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'index.js'), 'simulator', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const where = await new Promise<string>((ok, fail) => {
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) ok(out.trim());
    });
    p.once('error', fail);
    p.once('exit', (code) => fail(new Error(`the simulator exited (${code})`)));
  });
  return {
    where,
    stop: () =>
      new Promise<void>((r) => {
        if (p.exitCode !== null) return r();
        p.once('exit', () => r());
        p.kill('SIGTERM');
      }),
  };
}

async function eventLoop(dir: string): Promise<Figure> {
  const rounds = QUICK ? 4 : 8;
  const sim = await simulatorProcess(['--link', join(dir, 'tty-loop'), '--serial', 'FOCLOOP0001']);
  const device = await connect(`serial:${sim.where}`, { hostKeyStore: new MemoryHostKeyStore() });
  const measure = async (busy: boolean): Promise<{ p99: number; max: number }> => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    if (busy) {
      let consoleOn = true;
      const consoleLoop = (async () => {
        while (consoleOn) {
          await device.identify();
          await device.listCertificates();
        }
      })();
      await Promise.all([0, 1, 2].map(() => seal('add', 'x'.repeat(2500), SECRET)));
      consoleOn = false;
      await consoleLoop;
    } else {
      await new Promise((r) => setTimeout(r, 250));
    }
    h.disable();
    return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
  };
  const busy: { p99: number; max: number }[] = [];
  const idle: { p99: number; max: number }[] = [];
  await measure(true);
  for (let r = 0; r < rounds; r++) {
    busy.push(await measure(true));
    idle.push(await measure(false));
  }
  await device.close();
  await sim.stop();
  const p99 = median(busy.map((b) => b.p99));
  const idleP99 = median(idle.map((b) => b.p99));
  return figure({
    label: 'main-loop delay p99, 3 seals + a console session',
    unit: 'ms',
    value: p99,
    floor: idleP99,
    floorLabel: 'the same monitor (1 ms resolution) on an idle loop, interleaved',
    details: {
      p99Ms: round(p99),
      maxMs: round(Math.max(...busy.map((b) => b.max))),
      idleP99Ms: round(idleP99),
      idleMaxMs: round(Math.max(...idle.map((b) => b.max))),
      rounds,
    },
  });
}

// --- 3. provisioning and rotation over a paced pty ------------------------------------------------------

/** What a run made the device do (from its stats), next to the floor: the waste shows as the difference. */
interface Sent {
  commands: number;
  blobs: number;
  wireBytes: number;
}

function sentBetween(before: SimStats, after: SimStats): Sent {
  const d = (k: keyof SimStats): number => after[k] - before[k];
  return {
    commands: d('commands'),
    blobs: d('blobsOpened'),
    // Echo crosses the line while the tool's bytes arrive.
    wireBytes: d('bytesIn') + d('bytesOut') - d('echoBytes'),
  };
}

/**
 * The bytes of each payload a procedure's minimum carries, for these credentials and secrets: the blobs'
 * lengths (a blob's length does not depend on the key), the line probe padded to the add blob's, the
 * plain secret as base64url.
 */
function payloadBytes(credentials: Credentials, secret: string): PayloadBytes {
  const enc = 'A128GCM';
  const add = sealedLength('add', buildAddPayload(credentials).payload, { enc });
  const fingerprint = checkCredentials(credentials).report.fingerprints.sha1;
  return {
    'add-blob': add,
    'line-probe': add,
    'activate-blob': sealedLength('activate', fingerprint, { enc }),
    'deactivate-blob': sealedLength('deactivate', fingerprint, { enc }),
    'populate-blob': sealedLength('populate', secret, { enc }),
    'plain-secret': Buffer.byteLength(Buffer.from(secret, 'utf8').toString('base64url')),
  };
}

/** The floor of `procedure` at the bench's device delays. */
function floorOf(procedure: Procedure, bytes: PayloadBytes, kdfMs: number): ProcedureFloor {
  return procedureFloor(
    PROCEDURE_MINIMUM[procedure],
    {
      commandLatencyMs: DEVICE.commandLatencyMs,
      rebootDelayMs: DEVICE.rebootDelayMs,
      bytesPerSecond: BYTES_PER_SECOND,
    },
    bytes,
    kdfMs,
  );
}

interface Pki {
  dir: string;
  issue(cn: string): Promise<{ certPath: string; keyPath: string; bundlePem: string }>;
}

async function makePki(dir: string): Promise<Pki> {
  const pki = await makeDemoPki('Bench');
  let n = 0;
  return {
    dir,
    async issue(cn) {
      const c = await issueDeviceCert(pki, { cn, dns: [cn] });
      const id = ++n;
      const certPath = join(dir, `cert-${id}.pem`);
      const keyPath = join(dir, `key-${id}.pem`);
      await writeFile(certPath, `${c.certificatePem}\n${pki.intermediatePem}`);
      await writeFile(keyPath, c.keyPem);
      return { certPath, keyPath, bundlePem: c.bundlePem };
    },
  };
}

async function pacedSim(serial: string, dir: string): Promise<{ sim: RoomOsSimulator; target: string }> {
  const sim = await createSimulator({ serialNumber: serial, ...DEVICE });
  const link = join(dir, `tty-${serial}`);
  await sim.servePty(link);
  return { sim, target: `serial:${link}` };
}

interface Run {
  ms: number;
  floor: ProcedureFloor;
  sent: Sent;
}

async function provisionRotateRenew(pki: Pki): Promise<{ provision: Figure; rotate: Figure; renew: Figure }> {
  const runs = RUNS;
  const prov: Run[] = [];
  const rot: Run[] = [];
  const ren: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const serial = `FOCBENCH${String(i + 1).padStart(3, '0')}`;
    const { sim, target } = await pacedSim(serial, pki.dir);
    const secrets = new MemorySecretStore();
    const journal = new Journal(join(pki.dir, `home-${serial}`));
    const cn = `room-${i + 1}.bench.example`;
    const issued = await pki.issue(cn);
    const credentials = readCredentials({ certPem: issued.bundlePem });
    const kdfMs = await kdfFloor(3);
    const open = () => connect(target, { hostKeyStore: new MemoryHostKeyStore() });
    const note = (what: string, xs: Run[]): void => {
      const r = xs.at(-1)!;
      log(
        `  ${what} ${i + 1}/${runs}: ${r.ms.toFixed(0)} ms (floor ${r.floor.ms.toFixed(0)} ms; ${r.sent.commands} command lines sent, ${r.floor.commands} in the minimum)`,
      );
    };

    let before = sim.stats;
    let t0 = performance.now();
    const device = await open();
    const r = await provision(
      { device, secrets, journal },
      { credentials, link: 'serial', factoryReset: { confirmed: true } },
    );
    await device.close();
    let ms = performance.now() - t0;
    if (!r.ok) throw new Error(`provisioning failed: ${r.error?.code} ${r.error?.message}`);
    const first = r.newSecret!;
    prov.push({
      ms,
      floor: floorOf('provision-reset', payloadBytes(credentials, first), kdfMs),
      sent: sentBetween(before, sim.stats),
    });
    note('provision', prov);

    before = sim.stats;
    t0 = performance.now();
    const again = await open();
    const rotated = await rotateSecret(again, {}, { store: secrets, journal });
    await again.close();
    ms = performance.now() - t0;
    rot.push({
      ms,
      floor: floorOf('rotate', payloadBytes(credentials, rotated.newSecret), kdfMs),
      sent: sentBetween(before, sim.stats),
    });
    note('rotate', rot);

    const next = readCredentials({ certPem: (await pki.issue(cn)).bundlePem });
    before = sim.stats;
    t0 = performance.now();
    const third = await open();
    const renewed = await renew({ device: third, secrets, journal }, { credentials: next });
    await third.close();
    ms = performance.now() - t0;
    if (!renewed.ok) throw new Error(`renewal failed: ${renewed.error?.code} ${renewed.error?.message}`);
    ren.push({
      ms,
      floor: floorOf('renew', payloadBytes(next, rotated.newSecret), kdfMs),
      sent: sentBetween(before, sim.stats),
    });
    note('renew', ren);
    await sim.close();
  }
  const floorLabel =
    "the procedure's minimal command list × command latency + restarts × restart delay + its blobs at 115,200 baud + 2 KDFs per blob × one bare scrypt, same run";
  const fig = (label: string, procedure: Procedure, xs: Run[]): Figure => {
    const mid = [...xs].sort((a, b) => a.ms / a.floor.ms - b.ms / b.floor.ms)[Math.floor(xs.length / 2)]!;
    return figure({
      label,
      unit: 'ms',
      value: mid.ms,
      floor: mid.floor.ms,
      floorLabel,
      details: {
        procedure,
        deviceDelayMs: round(mid.floor.deviceDelayMs),
        wireMs: round(mid.floor.wireMs),
        wireBytes: mid.floor.wireBytes,
        commands: mid.floor.commands,
        reboots: mid.floor.reboots,
        kdfs: mid.floor.kdfs,
        kdfMs: round(mid.floor.kdfMs),
        commandsSent: mid.sent.commands,
        kdfsSent: 2 * mid.sent.blobs,
        wireBytesSent: mid.sent.wireBytes,
        runs: xs.length,
      },
    });
  };
  return {
    provision: fig('serial pty, factory reset to verified, median run', 'provision-reset', prov),
    rotate: fig('serial pty, secret rotation, median run', 'rotate', rot),
    renew: fig('serial pty, renewal (add, activate, verify, delete the old), median run', 'renew', ren),
  };
}

// --- 4. batch over SSH -----------------------------------------------------------------------------------

interface BatchRun {
  ms: number;
  cpuMs: number;
  /** Per device: the time of the two steps that derive keys (add, activate), summed; the median device. */
  kdfStepsMs: number;
  /** The share of the run the event loop was busy. */
  elu: number;
}

async function batchOnce(pki: Pki, n: number, tag: string): Promise<BatchRun> {
  const sims: RoomOsSimulator[] = [];
  const rows: BatchRow[] = [];
  for (let i = 0; i < n; i++) {
    const s = `FOCS${tag}${String(i + 1).padStart(2, '0')}`;
    const sim = await createSimulator({
      serialNumber: s,
      commandLatencyMs: DEVICE.commandLatencyMs,
      rebootDelayMs: DEVICE.rebootDelayMs,
    });
    sims.push(sim);
    const { port } = await sim.serveSsh();
    const c = await pki.issue(`ssh-${tag}-${i + 1}.bench.example`);
    rows.push({
      line: i + 2,
      target: `ssh://admin@127.0.0.1:${port}`,
      cert: c.certPath,
      key: c.keyPath,
      factoryReset: true,
    });
  }
  const journal = new Journal(join(pki.dir, `batch-${tag}`));
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const running = new Map<string, number>();
  const kdfSteps = new Map<number, number>();
  const r = await runBatch(
    rows,
    { secrets: new MemorySecretStore(), journal },
    {
      parallel: n,
      allowPlainOverNetwork: true,
      onEvent: (e) => {
        if (e.type !== 'progress' || e.event.type !== 'step') return;
        const { id, status } = e.event;
        if (id !== 'add-certificate' && id !== 'activate') return;
        const key = `${e.device.line}:${id}`;
        if (status === 'running') running.set(key, performance.now());
        else if (status === 'done' && running.has(key)) {
          const took = performance.now() - running.get(key)!;
          kdfSteps.set(e.device.line, (kdfSteps.get(e.device.line) ?? 0) + took);
        }
      },
    },
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  for (const s of sims) await s.close();
  const failed = r.devices.filter((d) => d.error);
  if (failed.length)
    throw new Error(`batch of ${n}: ${failed.length} failed: ${JSON.stringify(failed[0]!.error)}`);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, kdfStepsMs: median([...kdfSteps.values()]), elu };
}

/**
 * The batch's validation pass over many rows (every row's files read and checked, no device reached):
 * milliseconds per row, the median of `rounds`. A detail of the batch figure (the test counts rows and
 * reports; the speed is measured here).
 */
async function validatePass(pki: Pki, rounds: number): Promise<{ msPerRow: number; rows: number }> {
  const rows = 2000;
  const a = await pki.issue('validate-a.bench.example');
  const b = await pki.issue('validate-b.bench.example');
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const list: BatchRow[] = Array.from({ length: rows }, (_, i) => ({
      line: i + 2,
      target: `sim:?serial=FOCVAL${String(i).padStart(5, '0')}`,
      cert: i === 1 ? b.certPath : a.certPath,
      key: i === 1 ? b.keyPath : a.keyPath,
      factoryReset: false,
    }));
    const t0 = performance.now();
    let passMs = 0;
    await runBatch(
      list,
      {
        secrets: new MemorySecretStore(),
        journal: new Journal(join(pki.dir, `validate-home-${r}`)),
        open: () =>
          Promise.reject(Object.assign(new Error('no device'), { code: 'ERR_DEVICE_PORT_MISSING' })),
      },
      {
        onEvent: (e) => {
          if (e.type === 'validate-progress' && e.done) passMs = performance.now() - t0;
        },
      },
    );
    ms.push(passMs);
  }
  return { msPerRow: median(ms) / rows, rows };
}

async function batch(pki: Pki): Promise<Figure> {
  const ns = [1, 2, 4, 8];
  const rounds = QUICK ? 1 : 2;
  const runs: Record<number, BatchRun[]> = { 1: [], 2: [], 4: [], 8: [] };
  // Rounds of N = 1, 2, 4, 8, interleaved: a shared machine's drift falls on every N alike.
  for (let r = 0; r < rounds; r++) {
    for (const n of ns) {
      let run: BatchRun | undefined;
      for (let attempt = 1; !run; attempt++) {
        try {
          run = await batchOnce(pki, n, `${r}${n}${attempt}`);
        } catch (e) {
          // A device that failed makes the run no measurement: say why, and run it again (once).
          if (attempt >= 2) throw e;
          log(`  batch N=${n} again: ${(e as Error).message}`);
        }
      }
      runs[n]!.push(run);
      log(`  batch N=${n}: ${run.ms.toFixed(0)} ms, ${((n / run.ms) * 60_000).toFixed(1)} devices/min`);
    }
  }
  const rates: Record<number, number> = {};
  const validation = await validatePass(pki, rounds);
  log(`  batch validation: ${validation.msPerRow.toFixed(2)} ms a row (${validation.rows} rows)`);
  const details: Record<string, number> = {
    rounds,
    cores: cpus().length,
    validateMsPerRow: round(validation.msPerRow, 2),
    validateRows: validation.rows,
  };
  for (const n of ns) {
    rates[n] = (n / median(runs[n]!.map((x) => x.ms))) * 60_000;
    details[`perMinuteN${n}`] = round(rates[n]!);
    details[`scalingN${n}`] = round(rates[n]! / (n * rates[1]!), 3);
    // CPU of the whole process (the tool and the simulated devices, which derive keys too) per device.
    details[`cpuMsPerDeviceN${n}`] = round(median(runs[n]!.map((x) => x.cpuMs)) / n, 0);
    // The add and activate steps: where the tool and the device derive keys, all devices at once.
    details[`kdfStepsMsN${n}`] = round(median(runs[n]!.map((x) => x.kdfStepsMs)), 0);
    details[`eventLoopBusyN${n}`] = round(median(runs[n]!.map((x) => x.elu)), 3);
  }
  return figure({
    label: 'SSH, 4 devices in parallel, devices per minute',
    unit: '/min',
    value: rates[4]!,
    floor: 4 * rates[1]!,
    floorLabel: '4 × the single-device rate (N = 1) of the same run, interleaved rounds',
    higher: true,
    details,
  });
}

// --- 5. the cloud: one renewal, and a fleet's -----------------------------------------------------------

const CLOUD_TOKEN = 'bench-cloud-token-Qn4w';

/** `n` registered devices provisioned at their consoles (4 at a time), then served by a cloud at the latency. */
async function cloudWorld(
  pki: Pki,
  prefix: string,
  n: number,
): Promise<{
  cloud: CloudSimulator;
  sims: RoomOsSimulator[];
  secrets: MemorySecretStore;
  journal: Journal;
  cns: string[];
}> {
  const secrets = new MemorySecretStore();
  const journal = new Journal(join(pki.dir, `cloud-home-${prefix}`));
  const sims: RoomOsSimulator[] = [];
  const cns: string[] = [];
  for (let i = 0; i < n; i += 4) {
    await Promise.all(
      Array.from({ length: Math.min(4, n - i) }, async (_, k) => {
        const serial = `FOC${prefix}${String(i + k + 1).padStart(3, '0')}`;
        const cn = `room-${serial.toLowerCase()}.cloud.bench.example`;
        const sim = await createSimulator({ serialNumber: serial, registered: true });
        sims[i + k] = sim;
        cns[i + k] = cn;
        const device = await connect('sim:', { simulator: sim });
        const credentials = readCredentials({ certPem: (await pki.issue(cn)).bundlePem });
        const r = await provision({ device, secrets, journal }, { credentials, link: 'sim' });
        await device.close();
        if (!r.ok) throw new Error(`provisioning ${serial} at its console failed: ${r.error?.code}`);
      }),
    );
  }
  const cloud = await createCloudSimulator({
    devices: sims.map((simulator) => ({ simulator })),
    token: CLOUD_TOKEN,
    variants: { latencyMs: CLOUD.latencyMs },
  });
  return { cloud, sims, secrets, journal, cns };
}

async function cloudRenew(pki: Pki): Promise<Figure> {
  const w = await cloudWorld(pki, 'CLR', CLOUD.runs);
  const runs: { ms: number; floor: ReturnType<typeof cloudFloor>; sent: number }[] = [];
  try {
    for (let i = 0; i < CLOUD.runs; i++) {
      const kdfMs = await kdfFloor(3);
      const credentials = readCredentials({ certPem: (await pki.issue(w.cns[i]!)).bundlePem });
      const client = new CloudClient({ token: CLOUD_TOKEN, apiBase: w.cloud.url });
      const from = w.cloud.requests.length;
      const t0 = performance.now();
      const device = await CloudDevice.open(client, w.sims[i]!.state.serialNumber, { secrets: w.secrets });
      const r = await renew({ device, secrets: w.secrets, journal: w.journal }, { credentials });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`the cloud renewal failed: ${r.error?.code} ${r.error?.message}`);
      const run = {
        ms,
        floor: cloudFloor(cloudCalls('renew'), CLOUD.latencyMs, kdfMs),
        sent: w.cloud.requests.length - from,
      };
      runs.push(run);
      log(
        `  cloud renew ${i + 1}/${CLOUD.runs}: ${ms.toFixed(0)} ms (floor ${run.floor.ms.toFixed(0)} ms; ${run.sent} API calls sent, ${run.floor.calls} in the minimum)`,
      );
    }
  } finally {
    await w.cloud.close();
    await Promise.all(w.sims.map((s) => s.close()));
  }
  const mid = [...runs].sort((a, b) => a.ms / a.floor.ms - b.ms / b.floor.ms)[Math.floor(runs.length / 2)]!;
  return figure({
    label: `Webex cloud at ${CLOUD.latencyMs} ms a call, renewal, median run`,
    unit: 'ms',
    value: mid.ms,
    floor: mid.floor.ms,
    floorLabel:
      "the renewal's minimal cloud call list × the call latency + 2 KDFs per blob × one bare scrypt, same run",
    details: {
      latencyMs: CLOUD.latencyMs,
      calls: mid.floor.calls,
      callsSent: mid.sent,
      callRatio: round(mid.sent / mid.floor.calls, 3),
      callsMs: mid.floor.callsMs,
      kdfs: mid.floor.kdfs,
      kdfMs: round(mid.floor.kdfMs),
      runs: runs.length,
    },
  });
}

async function fleetRenew(pki: Pki): Promise<Figure> {
  const n = CLOUD.fleetDevices;
  // One device more: renewed alone first, the floor's unit, in the same run.
  const w = await cloudWorld(pki, 'FLT', n + 1);
  try {
    const client = new CloudClient({ token: CLOUD_TOKEN, apiBase: w.cloud.url });
    const jobs: FleetJob[] = [];
    for (let i = 0; i <= n; i++) {
      const c = await pki.issue(w.cns[i]!);
      jobs.push({ workflow: 'renew', serial: w.sims[i]!.state.serialNumber, cert: c.bundlePem, key: '' });
    }
    const timed = async (list: FleetJob[]): Promise<number> => {
      const t0 = performance.now();
      const r = await runFleet(client, w.secrets, list, {
        concurrency: CLOUD.concurrency,
        journal: w.journal,
      });
      const ms = performance.now() - t0;
      const failed = r.rows.find((x) => x.outcome !== 'done');
      if (failed)
        throw new Error(`fleet renew: ${failed.serial} ${failed.outcome} ${failed.code} ${failed.message}`);
      return ms;
    };
    const oneMs = await timed(jobs.slice(0, 1));
    log(`  fleet renew of 1: ${oneMs.toFixed(0)} ms`);
    const from = w.cloud.requests.length;
    const ms = await timed(jobs.slice(1));
    const sent = w.cloud.requests.length - from;
    log(`  fleet renew of ${n}, ${CLOUD.concurrency} at a time: ${ms.toFixed(0)} ms (${sent} API calls)`);
    return figure({
      label: `Webex cloud at ${CLOUD.latencyMs} ms a call, fleet renew of ${n}, ${CLOUD.concurrency} at a time`,
      unit: 'ms',
      value: ms,
      floor: fleetFloor(n, CLOUD.concurrency, oneMs),
      floorLabel: `(${n} / ${CLOUD.concurrency}) × one device's fleet renewal alone, same run`,
      details: {
        latencyMs: CLOUD.latencyMs,
        devices: n,
        concurrency: CLOUD.concurrency,
        oneDeviceMs: round(oneMs, 0),
        callsSent: sent,
        callsPerDevice: round(sent / n, 2),
        minimumCallsPerDevice: cloudCalls('renew').length,
      },
    });
  } finally {
    await w.cloud.close();
    await Promise.all(w.sims.map((s) => s.close()));
  }
}

// --- 6. the app in Chromium ------------------------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** Records when the first enabled button shows in #root (the first screen a person can act on). */
const INTERACTIVE_PROBE = `
  (() => {
    const seen = () => {
      const b = document.querySelector('#root button:not([disabled])');
      if (b && b.getClientRects().length > 0) { window.__interactiveAt = performance.now(); return true; }
      return false;
    };
    const start = () => {
      if (seen()) return;
      const o = new MutationObserver(() => { if (seen()) o.disconnect(); });
      o.observe(document, { childList: true, subtree: true, attributes: true });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
  })();
`;

async function renderer(): Promise<Figure> {
  const rendererDir = join(ROOT, 'dist', 'renderer');
  const assets = join(rendererDir, 'assets');
  let bundleBytes = 0;
  for (const f of await readdir(assets)) {
    if (f.endsWith('.js') || f.endsWith('.css')) bundleBytes += (await stat(join(assets, f))).size;
  }
  // The floor of the size: React and ReactDOM rendering one button, minified, what any React renderer ships.
  const tmp = await mkdtemp(join(tmpdir(), 'bench-react-'));
  const floorEntry = join(tmp, 'floor.tsx');
  await writeFile(
    floorEntry,
    `import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<button>go</button>);\n`,
  );
  const floorBuild = await esbuild({
    entryPoints: [floorEntry],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  const floorJs = floorBuild.outputFiles[0]!.text;
  const floorBytes = Buffer.byteLength(floorJs);

  // The real main handlers (the app's IPC), without Electron: as the app tests wire them.
  const handlers = new Map<string, (event: { senderFrame: { url: string } }, ...a: unknown[]) => unknown>();
  const services = createServices({
    version: '0.0.0-bench',
    platform: process.platform,
    dialog: { openFile: async () => null },
    emit: () => undefined,
    env: { ...process.env, XDG_DATA_HOME: tmp, HOME: tmp },
  });
  const prefix = pathToFileURL(rendererDir).href + '/';
  registerIpc({ handle: (c, l) => void handlers.set(c, l) }, services.handlers, (u) => u.startsWith(prefix));
  const preload = await esbuild({
    entryPoints: [join(ROOT, 'src/preload/index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    alias: { electron: join(ROOT, 'test/e2e/electron-renderer-shim.ts') },
    logLevel: 'silent',
  });

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const ORIGIN = 'http://app.test';
  const rounds = QUICK ? 3 : 7;
  const appMs: number[] = [];
  const blankMs: number[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1180, height: 800 } });
    await context.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/floor.html') {
        await route.fulfill({
          body: '<!doctype html><html><head><meta charset="utf-8"><title>floor</title><script type="module" src="./floor.js"></script></head><body><div id="root"></div></body></html>',
          contentType: 'text/html',
        });
        return;
      }
      if (path === '/floor.js') {
        await route.fulfill({ body: floorJs, contentType: 'text/javascript' });
        return;
      }
      const file = join(rendererDir, path === '/' ? 'index.html' : path);
      try {
        await route.fulfill({
          body: await readFile(file),
          contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        });
      } catch {
        await route.fulfill({ status: 404 });
      }
    });
    await context.exposeBinding('__ipcInvoke', async (source, channel: string, input: unknown) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`no handler for ${channel}`);
      const url = source.frame.url().replace(`${ORIGIN}/`, prefix);
      return handler({ senderFrame: { url } }, input);
    });
    await context.addInitScript({ content: preload.outputFiles[0]!.text });
    await context.addInitScript({ content: INTERACTIVE_PROBE });
    const load = async (path: string): Promise<number> => {
      const page = await context.newPage();
      await page.goto(`${ORIGIN}/${path}`);
      await page.waitForFunction(
        () => (window as { __interactiveAt?: number }).__interactiveAt !== undefined,
      );
      const at = await page.evaluate(
        () => (window as unknown as { __interactiveAt: number }).__interactiveAt,
      );
      await page.close();
      return at;
    };
    await load('index.html');
    await load('floor.html');
    for (let r = 0; r < rounds; r++) {
      appMs.push(await load('index.html'));
      blankMs.push(await load('floor.html'));
    }
  } finally {
    await browser.close();
    await services.dispose();
    await rm(tmp, { recursive: true, force: true });
  }
  return figure({
    label: 'Chromium: navigation to the first enabled button, median',
    unit: 'ms',
    value: median(appMs),
    floor: median(blankMs),
    floorLabel: 'a page with React rendering one button, served and probed the same way, interleaved',
    details: {
      bundleBytes,
      bundleFloorBytes: floorBytes,
      bundleRatio: round(bundleBytes / floorBytes, 3),
      rounds,
    },
  });
}

// --- 7. memory -------------------------------------------------------------------------------------------

/** Runs bench/rss-child.mjs with `what`; its peak RSS in MiB. */
function child(what: string): Promise<number> {
  return new Promise((ok, fail) => {
    const p = spawn(
      process.execPath,
      [join(ROOT, 'bench', 'rss-child.mjs'), what, String(DEVICE.rebootDelayMs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', fail);
    p.on('exit', (code) => {
      const m = /maxRssKiB=(\d+)/.exec(out);
      if (code !== 0 || !m) fail(new Error(`rss child ${what} exited ${code}: ${out.trim()}`));
      else ok(Number(m[1]) / 1024);
    });
  });
}

async function rss(): Promise<Figure> {
  const idle = await child('idle');
  const prov = await child('provision');
  const batch8 = await child('batch8');
  log(
    `  rss: idle ${idle.toFixed(0)} MiB, provision ${prov.toFixed(0)} MiB, batch of 8 ${batch8.toFixed(0)} MiB`,
  );
  return figure({
    label: 'peak RSS, batch of 8 over SSH',
    unit: 'MiB',
    value: batch8,
    floor: idle,
    floorLabel: 'peak RSS of the same process having loaded the same modules, doing nothing',
    details: {
      provisionMiB: round(prov),
      provisionRatio: round(prov / idle, 3),
      batch8MiB: round(batch8),
      idleMiB: round(idle),
    },
  });
}

// ---------------------------------------------------------------------------------------------------

function round(n: number, places = 2): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'e2ee-bench-'));
  const figures: Partial<Record<FigureKey, Figure>> = {};
  try {
    const pki = await makePki(dir);
    const step = async (keys: FigureKey[], fn: () => Promise<Partial<Record<FigureKey, Figure>>>) => {
      if (!keys.some((k) => only.has(k))) return;
      const t0 = performance.now();
      log(`${keys.join(', ')}…`);
      Object.assign(figures, await fn());
      log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    };
    await step(['seal', 'open'], sealOpen);
    await step(['eventLoop'], async () => ({ eventLoop: await eventLoop(dir) }));
    await step(['provision', 'rotate', 'renew'], () => provisionRotateRenew(pki));
    await step(['batch'], async () => ({ batch: await batch(pki) }));
    await step(['cloudRenew'], async () => ({ cloudRenew: await cloudRenew(pki) }));
    await step(['fleetRenew'], async () => ({ fleetRenew: await fleetRenew(pki) }));
    await step(['renderer'], async () => ({ renderer: await renderer() }));
    await step(['rss'], async () => ({ rss: await rss() }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const cpu = cpus();
  const commit = currentCommit();
  const results: BenchResults = {
    format: 'e2ee-prov-bench',
    version: 1,
    date: new Date().toISOString(),
    ...(commit ? { commit } : {}),
    quick: QUICK,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      memoryMiB: Math.round(totalmem() / 2 ** 20),
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
      uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
      loadAverage: { start: round(loadStart), end: round(loadavg()[0] ?? 0) },
    },
    device: { ...DEVICE, durationS: 0 },
    figures: figures as Record<FigureKey, Figure>,
  };
  results.device.durationS = round((performance.now() - started) / 1000, 1);
  console.log(formatTable(results));
  console.log(`(${results.device.durationS} s${QUICK ? ', quick' : ''})`);
  if (OUT) await writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);
  if (!args['no-docs'] && !QUICK && only.size === FIGURES.length) await updateDocs(results);
}

/** The short hash of HEAD, with `+` when the tree has changes; undefined outside a checkout. */
function currentCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT })
      .toString()
      .trim();
    return dirty ? `${head}+` : head;
  } catch {
    return undefined;
  }
}

/** Replaces the table between the markers in docs/performance.md. */
async function updateDocs(results: BenchResults): Promise<void> {
  const file = join(ROOT, 'docs', 'performance.md');
  const text = await readFile(file, 'utf8').catch(() => '');
  const begin = '<!-- bench:table -->';
  const end = '<!-- /bench:table -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  const m = results.machine;
  const table = [
    begin,
    '',
    `Measured ${results.date.slice(0, 10)}${results.commit ? ` at ${results.commit}` : ''} on ${m.cpus} × ${m.cpuModel}, ${m.memoryMiB} MiB, ${m.platform}, Node ${m.node}, load average ${m.loadAverage.start} at the start and ${m.loadAverage.end} at the end (${results.device.durationS} s):`,
    '',
    markdownTable(results),
    '',
    end,
  ].join('\n');
  let out = text.slice(0, a) + table + text.slice(b + end.length);
  // The minimal command lists, from their declaration (src/core/xapi/procedure.ts).
  const mBegin = '<!-- bench:minimum -->';
  const mEnd = '<!-- /bench:minimum -->';
  const c = out.indexOf(mBegin);
  const d = out.indexOf(mEnd);
  if (c >= 0 && d > c)
    out = out.slice(0, c) + [mBegin, '', minimumMarkdown(), '', mEnd].join('\n') + out.slice(d + mEnd.length);
  await writeFile(file, out);
}

if (args['docs-only']) {
  const file = args.out ?? join(ROOT, 'bench', 'results.json');
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isBenchResults(parsed)) throw new Error(`${file} is not a bench results file`);
  await updateDocs(parsed);
} else {
  await main();
}
