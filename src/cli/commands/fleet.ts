/**
 * `e2ee-prov fleet list|renew|rotate`: every device the Webex sign-in reaches, by certificate expiry;
 * renewals (a certificate per serial number from a folder) and secret rotations over the cloud, several
 * devices at once, resumable with `--run-id`. Rotated secrets stay in the keychain and are never printed.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { safe } from '../../core/inert.js';
import { signedInClient } from '../../main/cloud/index.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { readInputFile } from '../../main/input/read.js';
import { openSecretStore } from '../../main/vault/secret-store.js';
import {
  type FleetDevice,
  type FleetEvent,
  type FleetJob,
  type FleetRunResult,
  MAX_CONCURRENCY,
  fleetResultCsv,
  listFleet,
  runFleet,
} from '../../main/workflows/fleet/index.js';
import { writeFileAtomic } from '../../main/vault/atomic-file.js';
import { type Command, parse, required } from '../command.js';
import { openVault } from '../context.js';
import { CliError } from '../errors.js';
import { type CliIO, readSecret, write } from '../io.js';
import { FLEET_DEVICE, FLEET_RUN_RESULT } from '../json-shapes.js';
import { checkOutputPath } from '../paths.js';
import { HeldProgress } from '../progress.js';
import { jsonShown } from '../shown.js';

const LIST_USAGE = 'e2ee-prov fleet list [--tag TAG]... [--concurrency N] [--json]';
const RENEW_USAGE =
  'e2ee-prov fleet renew --certs DIR [--serial SERIAL]... [--passphrase-file PATH] [--concurrency N] [--run-id ID] [--out-csv PATH] [--json]';
const ROTATE_USAGE =
  'e2ee-prov fleet rotate (--serial SERIAL... | --tag TAG...) [--concurrency N] [--run-id ID] [--out-csv PATH] [--json]';

const RUN_OPTIONS = {
  concurrency: { type: 'string', default: '4' },
  'run-id': { type: 'string' },
  'out-csv': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** A serial number as a file name in the certificates' folder. */
const SERIAL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `--concurrency`: a whole number from 1 to MAX_CONCURRENCY. */
function concurrencyFlag(text: string, usage: string): number {
  if (!/^[1-9]\d*$/.test(text) || Number(text) > MAX_CONCURRENCY)
    throw new CliError(
      'ERR_USAGE',
      `--concurrency takes a whole number from 1 to ${MAX_CONCURRENCY}, not ${JSON.stringify(text)}. Usage: ${usage}`,
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

export const fleetList: Command = {
  path: ['fleet', 'list'],
  summary:
    'List every device the Webex sign-in reaches: its identity, certificate expiry (soonest first) and whether its secret is kept.',
  usage: LIST_USAGE,
  async run(args, io) {
    const { values: v } = parse(
      args,
      {
        tag: { type: 'string', multiple: true },
        concurrency: RUN_OPTIONS.concurrency,
        json: RUN_OPTIONS.json,
      },
      LIST_USAGE,
    );
    const concurrency = concurrencyFlag(v.concurrency, LIST_USAGE);
    const store = await openSecretStore({ env: io.env });
    const devices = await listFleet(await signedInClient(store), store, {
      ...(v.tag ? { tags: v.tag } : {}),
      concurrency,
    });
    await write(io.stdout, v.json ? jsonShown(devices, FLEET_DEVICE) : listText(devices));
    return 0;
  },
};

/** Narrates a run's events on the held progress (never a secret: the events hold none). */
function narrator(progress: HeldProgress, json: boolean): (e: FleetEvent) => void {
  return (e) => {
    if (json) return;
    if (e.type === 'started') progress.line(safe`${e.serial}: ${e.workflow} started`);
    if (e.type === 'done')
      progress.line(
        safe`${e.serial}: ${e.workflow} done${e.fingerprint ? `, fingerprint ${e.fingerprint}` : ''}`,
      );
    if (e.type === 'failed') progress.line(safe`${e.serial}: ${e.workflow} failed: ${e.code} ${e.message}`);
  };
}

/** Runs the jobs, writes the CSV when asked, prints the result; 1 when a job failed. */
async function runAndShow(
  io: CliIO,
  jobs: readonly FleetJob[],
  v: { concurrency: string; 'run-id'?: string; 'out-csv'?: string; json: boolean },
  usage: string,
  progress: HeldProgress,
): Promise<number> {
  const concurrency = concurrencyFlag(v.concurrency, usage);
  const runId = runIdFlag(v['run-id'], usage);
  const out = v['out-csv'];
  if (out !== undefined) await checkOutputPath(out, 'fleet result');
  const vault = await openVault(io);
  const result: FleetRunResult = await runFleet(await client(io), vault.secrets, jobs, {
    journal: vault.journal,
    concurrency,
    ...(runId !== undefined ? { runId } : {}),
    onEvent: narrator(progress, v.json),
  });
  if (out !== undefined) {
    try {
      await writeFileAtomic(out, fleetResultCsv(result), { mode: 0o644 });
    } catch (e) {
      throw new CliError('ERR_OUTPUT_WRITE', `Cannot write the fleet result: ${(e as Error).message}.`);
    }
  }
  const count = (o: string): number => result.rows.filter((r) => r.outcome === o).length;
  const failed = result.rows.filter((r) => r.outcome === 'failed');
  await write(
    io.stdout,
    v.json
      ? jsonShown(result, FLEET_RUN_RESULT)
      : `Run ${result.runId}: ${count('done')} done, ${failed.length} failed, ${count('skipped')} skipped (done in an earlier try of this run).${out !== undefined ? ` Result: ${out}.` : ''}\n`,
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
    .filter((n) => SERIAL_NAME.test(n))
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

export const fleetRenew: Command = {
  path: ['fleet', 'renew'],
  summary:
    'Renew many devices’ identity certificates through the Webex cloud: DIR/SERIAL.pem (and SERIAL.key) for each.',
  usage: RENEW_USAGE,
  async run(args, io) {
    const { values: v } = parse(
      args,
      {
        certs: { type: 'string' },
        serial: { type: 'string', multiple: true },
        'passphrase-file': { type: 'string' },
        ...RUN_OPTIONS,
      },
      RENEW_USAGE,
    );
    const dir = required(v.certs, 'certs', RENEW_USAGE);
    const progress = new HeldProgress(io);
    try {
      const serials = v.serial?.length ? [...new Set(v.serial)] : await serialsIn(dir);
      const odd = serials.find((x) => !SERIAL_NAME.test(x));
      if (odd !== undefined)
        throw new CliError(
          'ERR_USAGE',
          safe`${odd} is not a device serial number (letters, digits, - and _). Usage: ${RENEW_USAGE}`,
        );
      if (serials.length === 0)
        throw new CliError('ERR_USAGE', `The folder ${dir} holds no SERIAL.pem file. Usage: ${RENEW_USAGE}`);
      const passphrase =
        v['passphrase-file'] !== undefined
          ? await readSecret(v['passphrase-file'], io, 'passphrase')
          : undefined;
      const jobs: FleetJob[] = [];
      for (const serial of serials) jobs.push(await renewJob(dir, serial, passphrase));
      return await runAndShow(io, jobs, v, RENEW_USAGE, progress);
    } catch (e) {
      await progress.failed(e);
      throw e;
    }
  },
};

export const fleetRotate: Command = {
  path: ['fleet', 'rotate'],
  summary:
    'Change many devices’ ClientSecrets through the Webex cloud: generated secrets, kept in the keychain, never shown.',
  usage: ROTATE_USAGE,
  async run(args, io) {
    const { values: v } = parse(
      args,
      {
        serial: { type: 'string', multiple: true },
        tag: { type: 'string', multiple: true },
        ...RUN_OPTIONS,
      },
      ROTATE_USAGE,
    );
    if (!v.serial?.length === !v.tag?.length)
      throw new CliError(
        'ERR_USAGE',
        `Name the devices with --serial or with --tag (one of them). Usage: ${ROTATE_USAGE}`,
      );
    const progress = new HeldProgress(io);
    try {
      const serials = v.serial?.length
        ? [...new Set(v.serial)]
        : (await (await client(io)).listDevices({ tags: v.tag ?? [] }))
            .map((d) => d.serial)
            .filter((s) => s !== '')
            .sort();
      const jobs: FleetJob[] = serials.map((serial) => ({ workflow: 'rotate', serial }));
      return await runAndShow(io, jobs, v, ROTATE_USAGE, progress);
    } catch (e) {
      await progress.failed(e);
      throw e;
    }
  },
};
