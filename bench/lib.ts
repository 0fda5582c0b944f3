/**
 * What `npm run bench` writes and `npm run bench:check` reads: one entry per figure, each a value, the
 * floor it is measured against (side by side, in the same run) and their ratio, plus the budgets and
 * the check of a results object against them, and the floor of a procedure from its minimal command
 * list. Pure: no I/O, so that the check and the floor are tested exactly.
 */
import {
  type Carries,
  type CloudCall,
  PROCEDURES,
  PROCEDURE_MINIMUM,
  type ProcedureCall,
  blobCount,
  describeCall,
} from '../src/core/xapi/procedure.js';

/** The figures, in the order the table prints them. */
export const FIGURES = [
  'seal',
  'open',
  'eventLoop',
  'provision',
  'rotate',
  'renew',
  'batch',
  'cloudRenew',
  'fleetRenew',
  'renderer',
  'rss',
] as const;
export type FigureKey = (typeof FIGURES)[number];

/**
 * One figure. `ratio` is `value / floor` for a cost (lower is better); for a rate (`higher: true`, the
 * batch's devices per minute) it is `value / floor` too, and higher is better.
 */
export interface Figure {
  /** What is measured, in a few words. */
  label: string;
  unit: string;
  value: number;
  /** What is measured against, in a few words. */
  floorLabel: string;
  floor: number;
  ratio: number;
  /** Higher ratios are better (a rate), instead of lower (a cost). */
  higher?: boolean;
  /** Further numbers behind the figure (per-N rates, p99 and max, bundle bytes…). */
  details?: Record<string, number | string>;
}

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryMiB: number;
  platform: string;
  node: string;
  uvThreadpoolSize: number;
  /** The system's 1-minute load average when the run began and when it ended (other work on the machine). */
  loadAverage: { start: number; end: number };
}

export interface BenchResults {
  format: 'e2ee-prov-bench';
  version: 1;
  /** ISO-8601. */
  date: string;
  /** The commit measured (short hash; `+` when the tree had changes), when known. */
  commit?: string;
  quick: boolean;
  machine: MachineFacts;
  /** The simulated device's delays the provisioning figures ran with. */
  device: Record<string, number>;
  figures: Record<FigureKey, Figure>;
}

/**
 * A budget for one ratio: `max` for a cost (the ratio must not pass it), `min` for a rate. `detail`
 * checks a number of `details` instead of the ratio (event-loop p99 and max, the batch at N = 4).
 */
export interface Budget {
  max?: number;
  min?: number;
  detail?: string;
}

export type BudgetSet = Partial<Record<FigureKey, Budget[]>>;

export interface BudgetFile {
  /** The targets the project aims at on a quiet machine. */
  target: BudgetSet;
  /** Loose budgets for shared CI machines, where absolute times are noise. */
  ci: BudgetSet;
}

export interface CheckLine {
  figure: FigureKey;
  /** `ratio` or the detail's name. */
  what: string;
  value: number | null;
  budget: string;
  ok: boolean;
}

/** The bytes each kind of payload takes on the line, in the run measured (the blobs' lengths, the secret's). */
export type PayloadBytes = Record<Carries, number>;

/** The simulated device's delays and line a floor counts. */
export interface DeviceDelays {
  commandLatencyMs: number;
  rebootDelayMs: number;
  /** The line rate, bytes a second (115,200 baud, 8N1: 11,520). */
  bytesPerSecond: number;
}

/** A procedure's floor and what it is made of. */
export interface ProcedureFloor {
  ms: number;
  /** Command lines of the minimum × the command latency, plus its restarts × the restart delay. */
  deviceDelayMs: number;
  /** The payload bytes of the minimum (blobs, the padded line probe, the plain secret) at the line rate. */
  wireMs: number;
  wireBytes: number;
  /** Two per blob: the tool seals it, the device opens it. */
  kdfs: number;
  kdfMs: number;
  commands: number;
  reboots: number;
}

/**
 * The floor of a procedure: what its minimal command list (src/core/xapi/procedure.ts) costs at the
 * configured delays, whatever the run sent: each line × the command latency, each restart × the restart
 * delay, its payloads at the line rate, and two key derivations per blob × one bare scrypt (`kdfMs`).
 */
export function procedureFloor(
  calls: readonly ProcedureCall[],
  device: DeviceDelays,
  bytes: PayloadBytes,
  kdfMs: number,
): ProcedureFloor {
  const commands = calls.length;
  const reboots = calls.filter((c) => c.command === 'xCommand SystemUnit FactoryReset').length;
  const wireBytes = calls.reduce((sum, c) => sum + (c.carries ? bytes[c.carries] : 0), 0);
  const kdfs = 2 * calls.filter((c) => c.carries?.endsWith('-blob')).length;
  const deviceDelayMs = commands * device.commandLatencyMs + reboots * device.rebootDelayMs;
  const wireMs = (wireBytes / device.bytesPerSecond) * 1000;
  return {
    ms: deviceDelayMs + wireMs + kdfs * kdfMs,
    deviceDelayMs,
    wireMs,
    wireBytes,
    kdfs,
    kdfMs,
    commands,
    reboots,
  };
}

/** A procedure's floor through the Webex cloud, and what it is made of. */
export interface CloudFloor {
  ms: number;
  /** API calls of the minimum × the latency of one call. */
  callsMs: number;
  calls: number;
  latencyMs: number;
  /** Two per blob: the tool seals it, the device opens it. */
  kdfs: number;
  kdfMs: number;
}

/**
 * The floor of a procedure through the Webex cloud: its minimal call list (`cloudCalls`) × the latency
 * of one call, plus two key derivations per blob × one bare scrypt, as the console floor counts them.
 */
export function cloudFloor(calls: readonly CloudCall[], latencyMs: number, kdfMs: number): CloudFloor {
  const kdfs = 2 * calls.filter((c) => c.carries?.endsWith('-blob')).length;
  const callsMs = calls.length * latencyMs;
  return { ms: callsMs + kdfs * kdfMs, callsMs, calls: calls.length, latencyMs, kdfs, kdfMs };
}

/**
 * The floor of a fleet's run: `devices` renewed `concurrency` at a time take at least as long as
 * `devices / concurrency` renewals of one device one after the other (`oneMs`, measured in the same run).
 */
export function fleetFloor(devices: number, concurrency: number, oneMs: number): number {
  return (devices / concurrency) * oneMs;
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A figure whose ratio is computed from value and floor (rounded to 3 places). */
export function figure(f: Omit<Figure, 'ratio'>): Figure {
  return { ...f, ratio: f.floor > 0 ? Math.round((f.value / f.floor) * 1000) / 1000 : Number.NaN };
}

/**
 * Checks `results` against `budgets`: one line per budget. A missing figure or detail fails its line (a
 * bench that stopped measuring something must not pass quietly).
 */
export function checkResults(results: BenchResults, budgets: BudgetSet): { ok: boolean; lines: CheckLine[] } {
  const lines: CheckLine[] = [];
  for (const key of FIGURES) {
    for (const b of budgets[key] ?? []) {
      const f = results.figures[key] as Figure | undefined;
      const raw = f === undefined ? undefined : b.detail === undefined ? f.ratio : f.details?.[b.detail];
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      const okMax = b.max === undefined || (value !== null && value <= b.max);
      const okMin = b.min === undefined || (value !== null && value >= b.min);
      const budget = [b.min !== undefined ? `>= ${b.min}` : '', b.max !== undefined ? `<= ${b.max}` : '']
        .filter(Boolean)
        .join(' and ');
      lines.push({
        figure: key,
        what: b.detail ?? 'ratio',
        value,
        budget,
        ok: value !== null && okMax && okMin,
      });
    }
  }
  return { ok: lines.every((l) => l.ok), lines };
}

/** Whether `x` has the shape of a results file (the figures' numbers are checked by `checkResults`). */
export function isBenchResults(x: unknown): x is BenchResults {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<BenchResults>;
  return (
    r.format === 'e2ee-prov-bench' && r.version === 1 && typeof r.figures === 'object' && r.figures !== null
  );
}

/** The table `npm run bench` prints and docs/performance.md shows. */
export function formatTable(results: BenchResults): string {
  const rows: string[][] = [['figure', 'measured', 'floor', 'ratio', 'what the floor is']];
  for (const key of FIGURES) {
    const f = results.figures[key];
    if (!f) continue;
    rows.push([
      `${key} (${f.label})`,
      `${fmt(f.value)} ${f.unit}`,
      `${fmt(f.floor)} ${f.unit}`,
      `${f.ratio.toFixed(2)}×${f.higher ? ' (higher is better)' : ''}`,
      f.floorLabel,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  const details = FIGURES.filter((k) => results.figures[k]?.details).map(
    (k) => `${k}: ${detailText(results.figures[k]!)}`,
  );
  return [...table, '', ...details].join('\n');
}

function detailText(f: Figure): string {
  return Object.entries(f.details ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** The same table in Markdown. */
export function markdownTable(results: BenchResults): string {
  const out = ['| figure | measured | floor | ratio | the floor |', '|---|---:|---:|---:|---|'];
  for (const key of FIGURES) {
    const f = results.figures[key];
    if (!f) continue;
    out.push(
      `| \`${key}\` ${f.label} | ${fmt(f.value)} ${f.unit} | ${fmt(f.floor)} ${f.unit} | ${f.ratio.toFixed(2)}×${f.higher ? ' ↑' : ''} | ${f.floorLabel} |`,
    );
  }
  out.push('', '| figure | the numbers behind it |', '|---|---|');
  for (const key of FIGURES) {
    const f = results.figures[key];
    if (f?.details) out.push(`| \`${key}\` | ${detailText(f)} |`);
  }
  return out.join('\n');
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Each procedure's minimal command list in Markdown, as docs/performance.md shows it. */
export function minimumMarkdown(): string {
  const out: string[] = [];
  for (const p of PROCEDURES) {
    const calls = PROCEDURE_MINIMUM[p];
    const cloud = calls.filter((c) => c.console === undefined).length;
    out.push(
      `**\`${p}\`**: ${calls.length} console lines (${cloud} device calls without the console's own), ${blobCount(p)} blob${blobCount(p) === 1 ? '' : 's'}.`,
      '',
      ...calls.map(
        (c, i) => `${i + 1}. \`${describeCall(c)}\`${c.console ? ` (console ${c.console})` : ''}: ${c.why}`,
      ),
      '',
    );
  }
  return out.join('\n').trimEnd();
}
