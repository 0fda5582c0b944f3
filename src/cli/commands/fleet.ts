/**
 * `e2ee-prov fleet list|renew|rotate`: every device the Webex sign-in reaches, by certificate expiry;
 * renewals (a certificate per serial number from a folder) and secret rotations over the cloud, several
 * devices at once, resumable with `--run-id`. Rotated secrets stay in the keychain and are never printed.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { safe } from '../../core/inert.js';
import type { CloudClient } from '../../main/cloud/client.js';
import { signedInClient } from '../../main/cloud/index.js';
import { checkEscrowPassphrase, exportEscrow } from '../../main/vault/escrow.js';
import { WorkflowError } from '../../main/workflows/errors.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { readInputFile } from '../../main/input/read.js';
import { openSecretStore } from '../../main/vault/secret-store.js';
import {
  type FleetDevice,
  type FleetEvent,
  type FleetJob,
  type FleetRunResult,
  DEFAULT_CONCURRENCY,
  FLEET_SERIAL,
  MAX_CONCURRENCY,
  fleetResultCsv,
  loadFleetCsv,
  readFleetCsv,
  listFleet,
  runFleet,
} from '../../main/workflows/fleet/index.js';
import { writeFileAtomic } from '../../main/vault/atomic-file.js';
import { optionsCommand } from '../command.js';
import { openVault } from '../context.js';
import { CliError } from '../errors.js';
import { type CliIO, promptLine, readInput, readSecret, write } from '../io.js';
import { FLEET_DEVICE, FLEET_RUN_RESULT_ESCROW } from '../json-shapes.js';
import { checkOutputPath } from '../paths.js';
import { HeldProgress } from '../progress.js';
import { TerminalProgressBar } from '../progress-bar.js';
import { newPassphrase } from './secret-export.js';
import { jsonShown } from '../shown.js';

const LIST_USAGE = 'e2ee-prov fleet list [--tag TAG]... [--parallel N] [--json]';
const RENEW_USAGE =
  'e2ee-prov fleet renew (--csv FILE [--allow-paths-outside] | --certs DIR [--serial SERIAL]... [--passphrase-file PATH]) [--parallel N] [--run-id ID] [--out-csv PATH] [--yes] [--json]';
const ROTATE_USAGE =
  'e2ee-prov fleet rotate (--tag TAG... | --serial SERIAL...) [--escrow FILE --escrow-passphrase-file PATH] [--parallel N] [--run-id ID] [--out-csv PATH] [--yes] [--json]';

/** `--parallel` (the batch's word) and `--concurrency` (the same) take no default here: 4 when neither. */
const PARALLEL_OPTIONS = {
  parallel: { type: 'string' },
  concurrency: { type: 'string' },
} as const;

const RUN_OPTIONS = {
  ...PARALLEL_OPTIONS,
  'run-id': { type: 'string' },
  'out-csv': { type: 'string' },
  yes: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

/** `--parallel N` (or `--concurrency N`): a whole number from 1 to MAX_CONCURRENCY; 4 when not given. */
function parallelFlag(v: { parallel?: string; concurrency?: string }, usage: string): number {
  if (v.parallel !== undefined && v.concurrency !== undefined && v.parallel !== v.concurrency)
    throw new CliError(
      'ERR_USAGE',
      `--parallel and --concurrency are the same option; give one. Usage: ${usage}`,
    );
  const text = v.parallel ?? v.concurrency ?? String(DEFAULT_CONCURRENCY);
  const flag =
    v.parallel !== undefined ? '--parallel' : v.concurrency !== undefined ? '--concurrency' : '--parallel';
  if (!/^[1-9]\d*$/.test(text) || Number(text) > MAX_CONCURRENCY)
    throw new CliError(
      'ERR_USAGE',
      `${flag} takes a whole number from 1 to ${MAX_CONCURRENCY}, not ${JSON.stringify(text)}. Usage: ${usage}`,
    );
  return Number(text);
}

/** `--run-id`: letters, digits and dashes, as a run id the tool printed. */
function runIdFlag(text: string | undefined, usage: string): string | undefined {
  if (text !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(text))
    throw new CliError(
      'ERR_USAGE',
      `--run-id takes the id a fleet run printed (letters, digits and dashes). Usage: ${usage}`,
    );
  return text;
}

/** The sign-in's client, from the keychain. */
async function client(io: CliIO) {
  return signedInClient(await openSecretStore({ env: io.env }));
}

/**
 * Names every device the run will act on (serial and name) before anything is sent: at a terminal the
 * person is asked; otherwise `--yes` is needed, and without it the refusal names the devices.
 */
async function confirmDevices(
  io: CliIO,
  cloud: CloudClient,
  what: string,
  serials: readonly string[],
  yes: boolean,
  usage: string,
): Promise<void> {
  const names = new Map((await cloud.listDevices()).map((d) => [d.serial, d.displayName]));
  const named = serials.map((s) => {
    const name = names.get(s);
    return name === undefined ? `${s} (not a device of this Webex organisation)` : `${s} (${name})`;
  });
  const list = `${serials.length} device${serials.length === 1 ? '' : 's'}: ${named.join(', ')}`;
  if (yes) return;
  if (!io.stdin.isTTY)
    throw new CliError(
      'ERR_USAGE',
      safe`fleet ${what} would act on ${list}. Nothing was sent: run it again with --yes to go ahead. Usage: ${usage}`,
    );
  const answer = await promptLine(io, safe`fleet ${what} will act on ${list}. Go ahead? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new WorkflowError('ERR_WORKFLOW_CANCELLED', 'Not confirmed: nothing was sent.');
}

function listText(devices: readonly FleetDevice[]): string {
  if (devices.length === 0) return 'The Webex sign-in reaches no device (with these tags).\n';
  const rows = devices.map((d) => [
    d.serial || d.deviceId,
    d.connectionStatus,
    d.identity ?? '-',
    d.certificateExpiry?.slice(0, 10) ?? '-',
    d.daysLeft === null ? '-' : String(d.daysLeft),
    d.secretInKeychain ? 'kept' : 'none',
    d.readProblem?.code ?? '',
  ]);
  const head = ['SERIAL', 'STATUS', 'IDENTITY', 'EXPIRES', 'DAYS', 'SECRET', 'PROBLEM'];
  const cells = [head, ...rows.map((r) => r.map((c) => safe`${c}`))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map(
      (r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('');
}

export const fleetList = optionsCommand({
  path: ['fleet', 'list'],
  summary:
    'List every device the Webex sign-in reaches: its identity, certificate expiry (soonest first) and whether its secret is kept.',
  usage: LIST_USAGE,
  options: {
    tag: { type: 'string', multiple: true },
    ...PARALLEL_OPTIONS,
    json: RUN_OPTIONS.json,
  },
  async run(v, io) {
    const concurrency = parallelFlag(v, LIST_USAGE);
    const store = await openSecretStore({ env: io.env });
    const devices = await listFleet(await signedInClient(store), store, {
      ...(v.tag ? { tags: v.tag } : {}),
      concurrency,
    });
    await write(io.stdout, v.json ? jsonShown(devices, FLEET_DEVICE) : listText(devices));
    return 0;
  },
});

/** Where a run's progress goes: a bar at a terminal, plain lines (held, as every command's) otherwise. */
interface RunProgress {
  held: HeldProgress;
  bar?: TerminalProgressBar;
}

/** Narrates a run's events (never a secret: the events hold none). */
function narrator(progress: RunProgress, json: boolean): (e: FleetEvent) => void {
  return (e) => {
    if (json) return;
    const line = (text: string): void => (progress.bar ? progress.bar.line(text) : progress.held.line(text));
    if (e.type === 'started' && !progress.bar) line(safe`${e.serial}: ${e.workflow} started`);
    if (e.type === 'done') {
      line(safe`${e.serial}: ${e.workflow} done${e.fingerprint ? `, fingerprint ${e.fingerprint}` : ''}`);
      progress.bar?.tick(false);
    }
    if (e.type === 'failed') {
      line(safe`${e.serial}: ${e.workflow} failed: ${e.code} ${e.message}`);
      progress.bar?.tick(true);
    }
    if (e.type === 'finished') progress.bar?.end();
  };
}

interface RunFlags {
  parallel?: string;
  concurrency?: string;
  'run-id'?: string;
  'out-csv'?: string;
  yes: boolean;
  json: boolean;
}

/** The escrow a rotation writes at its end: where, and under which passphrase. */
interface EscrowPlan {
  file: string;
  passphrase: string;
}

/**
 * Checks the flags and the output paths, names the devices and has the run confirmed, runs the jobs,
 * writes the result CSV (and the escrow) when asked, prints the result; 1 when a job failed.
 */
async function runAndShow(
  io: CliIO,
  what: 'renew' | 'rotate',
  jobs: readonly FleetJob[],
  v: RunFlags,
  usage: string,
  progress: HeldProgress,
  escrow?: EscrowPlan,
): Promise<number> {
  const concurrency = parallelFlag(v, usage);
  const runId = runIdFlag(v['run-id'], usage);
  const out = v['out-csv'];
  if (out !== undefined) await checkOutputPath(out, 'fleet result');
  const cloud = await client(io);
  await confirmDevices(
    io,
    cloud,
    what,
    jobs.map((j) => j.serial),
    v.yes,
    usage,
  );
  const vault = await openVault(io);
  const live = (io.stderr as { isTTY?: boolean }).isTTY === true && !v.json;
  const run: RunProgress = {
    held: progress,
    ...(live ? { bar: new TerminalProgressBar(io, jobs.length) } : {}),
  };
  const result: FleetRunResult = await runFleet(cloud, vault.secrets, jobs, {
    journal: vault.journal,
    concurrency,
    ...(runId !== undefined ? { runId } : {}),
    onEvent: narrator(run, v.json),
  });
  if (out !== undefined) {
    try {
      await writeFileAtomic(out, fleetResultCsv(result), { mode: 0o644 });
    } catch (e) {
      throw new CliError('ERR_OUTPUT_WRITE', `Cannot write the fleet result: ${(e as Error).message}.`);
    }
  }
  // The escrow holds every secret this run set (done now, or in an earlier try of the same run).
  const rotated = result.rows.filter((r) => r.outcome !== 'failed').map((r) => r.serial);
  let escrowed: { file: string; serials: string[] } | undefined;
  if (escrow !== undefined && rotated.length > 0) {
    const log2N = io.env.E2EE_PROV_ESCROW_LOG2N ? Number(io.env.E2EE_PROV_ESCROW_LOG2N) : undefined;
    const { serials } = await exportEscrow({
      store: vault.secrets,
      journal: vault.journal,
      file: escrow.file,
      passphrase: escrow.passphrase,
      serials: rotated,
      ...(log2N !== undefined ? { log2N } : {}),
    });
    escrowed = { file: escrow.file, serials };
  }
  const count = (o: string): number => result.rows.filter((r) => r.outcome === o).length;
  const failed = result.rows.filter((r) => r.outcome === 'failed');
  await write(
    io.stdout,
    v.json
      ? jsonShown({ ...result, ...(escrowed ? { escrow: escrowed } : {}) }, FLEET_RUN_RESULT_ESCROW)
      : `Run ${result.runId}: ${count('done')} done, ${failed.length} failed, ${count('skipped')} skipped (done in an earlier try of this run).${out !== undefined ? ` Result: ${out}.` : ''}\n` +
          (escrowed
            ? `Escrow: the secrets of ${escrowed.serials.length} device(s) (${escrowed.serials.join(', ')}) are in ${basename(escrowed.file)}. Keep the file and its passphrase apart.\n`
            : ''),
  );
  if (failed.length === 0) {
    await progress.done();
    return 0;
  }
  await progress.failedWith(
    safe`ERR_FLEET_INCOMPLETE ${failed.length} of ${result.rows.length} devices failed (${failed.map((r) => `${r.serial}: ${r.code}`).join('; ')}). Run it again with --run-id ${result.runId} to resume them: devices that are done are skipped.`,
  );
  return 1;
}

/**
 * Checks `--parallel`, then, with progress held (a failure's first stderr line is the error), has the jobs
 * (and the escrow plan) read and checked, and runs them.
 */
async function heldRun(
  io: CliIO,
  what: 'renew' | 'rotate',
  v: RunFlags,
  usage: string,
  prepare: () => Promise<{ jobs: readonly FleetJob[]; escrow?: EscrowPlan | undefined }>,
): Promise<number> {
  parallelFlag(v, usage);
  const progress = new HeldProgress(io);
  try {
    const { jobs, escrow } = await prepare();
    return await runAndShow(io, what, jobs, v, usage, progress, escrow);
  } catch (e) {
    await progress.failed(e);
    throw e;
  }
}

/** The serial numbers of `DIR/SERIAL.pem` files. */
async function serialsIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new CliError(
      'ERR_USAGE',
      `Cannot read the folder ${dir}: ${(e as Error).message}. Usage: ${RENEW_USAGE}`,
    );
  }
  return names
    .filter((n) => n.endsWith('.pem'))
    .map((n) => basename(n, '.pem'))
    .filter((n) => FLEET_SERIAL.test(n))
    .sort();
}

/** A serial's certificate (`SERIAL.pem`) and its key (`SERIAL.key` beside it, or in the same file). */
async function renewJob(dir: string, serial: string, passphrase: string | undefined): Promise<FleetJob> {
  const cert = (
    await readInputFile(join(dir, `${serial}.pem`), 'certificate', INPUT_LIMITS.credentials)
  ).toString('utf8');
  const keyPath = join(dir, `${serial}.key`);
  // No SERIAL.key: the key is in SERIAL.pem (a key file that is there but unreadable is an error).
  const hasKey = await stat(keyPath).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
  );
  const keyBytes = hasKey ? await readInputFile(keyPath, 'private key', INPUT_LIMITS.credentials) : null;
  return {
    workflow: 'renew',
    serial,
    cert,
    key: keyBytes === null ? '' : keyBytes.toString('utf8'),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}

/** The renewals a folder of `SERIAL.pem` files gives (`--certs DIR`). */
async function folderJobs(
  dir: string,
  v: { serial?: string[]; 'passphrase-file'?: string },
  io: CliIO,
): Promise<FleetJob[]> {
  const serials = v.serial?.length ? [...new Set(v.serial)] : await serialsIn(dir);
  const odd = serials.find((x) => !FLEET_SERIAL.test(x));
  if (odd !== undefined)
    throw new CliError(
      'ERR_USAGE',
      safe`${odd} is not a device serial number (letters, digits, - and _). Usage: ${RENEW_USAGE}`,
    );
  if (serials.length === 0)
    throw new CliError('ERR_USAGE', `The folder ${dir} holds no SERIAL.pem file. Usage: ${RENEW_USAGE}`);
  const passphrase =
    v['passphrase-file'] !== undefined ? await readSecret(v['passphrase-file'], io, 'passphrase') : undefined;
  const jobs: FleetJob[] = [];
  for (const serial of serials) jobs.push(await renewJob(dir, serial, passphrase));
  return jobs;
}

/** The renewals a CSV lists (`--csv FILE`): every path confined to its folder, every file read now. */
async function csvJobs(file: string, allowPathsOutside: boolean, io: CliIO): Promise<FleetJob[]> {
  if (file === '-')
    throw new CliError(
      'ERR_USAGE',
      `The CSV must be a file: relative paths in it are read from its folder. Usage: ${RENEW_USAGE}`,
    );
  const rows = readFleetCsv(await readInput(file, io, 'fleet CSV', INPUT_LIMITS.batch), {
    file,
    allowPathsOutside,
  });
  return loadFleetCsv(rows);
}

export const fleetRenew = optionsCommand({
  path: ['fleet', 'renew'],
  summary:
    'Renew many devices’ identity certificates through the Webex cloud, from a CSV (serial,cert,key,passphrase_file) or a folder of SERIAL.pem files.',
  usage: RENEW_USAGE,
  options: {
    csv: { type: 'string' },
    'allow-paths-outside': { type: 'boolean', default: false },
    certs: { type: 'string' },
    serial: { type: 'string', multiple: true },
    'passphrase-file': { type: 'string' },
    ...RUN_OPTIONS,
  },
  async run(v, io) {
    if ((v.csv === undefined) === (v.certs === undefined))
      throw new CliError(
        'ERR_USAGE',
        `Name the renewals with --csv FILE or with --certs DIR (one of them). Usage: ${RENEW_USAGE}`,
      );
    if (v.csv !== undefined && (v.serial !== undefined || v['passphrase-file'] !== undefined))
      throw new CliError(
        'ERR_USAGE',
        `With --csv, the CSV names the devices and their passphrase files (--serial and --passphrase-file go with --certs). Usage: ${RENEW_USAGE}`,
      );
    return heldRun(io, 'renew', v, RENEW_USAGE, async () => ({
      jobs:
        v.csv !== undefined
          ? await csvJobs(v.csv, v['allow-paths-outside'], io)
          : await folderJobs(v.certs ?? '', v, io),
    }));
  },
});

/** `--escrow FILE`: checked, and its passphrase read (from its file, or typed twice), before anything is sent. */
async function escrowPlan(
  file: string | undefined,
  passphraseFile: string | undefined,
  io: CliIO,
): Promise<EscrowPlan | undefined> {
  if (file === undefined) {
    if (passphraseFile !== undefined)
      throw new CliError(
        'ERR_USAGE',
        `--escrow-passphrase-file goes with --escrow FILE. Usage: ${ROTATE_USAGE}`,
      );
    return undefined;
  }
  if (file === '-')
    throw new CliError(
      'ERR_USAGE',
      '--escrow names a file; an escrow file is never written to standard output.',
    );
  await checkOutputPath(file, 'escrow file');
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    throw new CliError(
      'ERR_USAGE',
      `${file} exists already; choose another name for the escrow file (it may be an earlier escrow with other secrets). Nothing was sent.`,
    );
  if (passphraseFile === undefined && !io.stdin.isTTY)
    throw new CliError(
      'ERR_USAGE',
      `--escrow needs --escrow-passphrase-file PATH when no one is at a terminal to type the passphrase. Usage: ${ROTATE_USAGE}`,
    );
  const passphrase = await newPassphrase(passphraseFile, io);
  checkEscrowPassphrase(passphrase);
  return { file, passphrase };
}

export const fleetRotate = optionsCommand({
  path: ['fleet', 'rotate'],
  summary:
    'Change many devices’ ClientSecrets through the Webex cloud: generated secrets, kept in the keychain, never shown; an escrow file when asked.',
  usage: ROTATE_USAGE,
  options: {
    serial: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    escrow: { type: 'string' },
    'escrow-passphrase-file': { type: 'string' },
    ...RUN_OPTIONS,
  },
  async run(v, io) {
    if (!v.serial?.length === !v.tag?.length)
      throw new CliError(
        'ERR_USAGE',
        `Name the devices with --tag or with --serial (one of them). Usage: ${ROTATE_USAGE}`,
      );
    return heldRun(io, 'rotate', v, ROTATE_USAGE, async () => {
      const escrow = await escrowPlan(v.escrow, v['escrow-passphrase-file'], io);
      const serials = v.serial?.length
        ? [...new Set(v.serial)]
        : (await (await client(io)).listDevices({ tags: v.tag ?? [] }))
            .map((d) => d.serial)
            .filter((s) => s !== '')
            .sort();
      if (serials.length === 0)
        throw new CliError(
          'ERR_USAGE',
          safe`No device of the Webex organisation has the tags ${(v.tag ?? []).join(', ')}; nothing was sent.`,
        );
      const jobs: FleetJob[] = serials.map((serial) => ({ workflow: 'rotate', serial }));
      return { jobs, escrow };
    });
  },
});
