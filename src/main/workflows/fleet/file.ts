/**
 * A fleet renewal CSV (`serial,cert,key,passphrase_file`): its rows read and checked, every path confined
 * to the CSV's folder by the batch's rules (`leavesFolder`, symbolic links followed), and each row's files
 * read into a renewal job; all before any device is reached. A refusal names its line and column, never a
 * value of the file.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { INPUT_LIMITS } from '../../input/bounded.js';
import { readInputFile, readSecretFile } from '../../input/read.js';
import { leavesFolder } from '../batch/file.js';
import { reachesOutside } from '../batch/inputs.js';
import { parseCsv } from '../csv.js';
import { WorkflowError } from '../errors.js';
import type { FleetJob } from './run.js';

export const FLEET_CSV_COLUMNS = ['serial', 'cert', 'key', 'passphrase_file'] as const;
type FleetCsvColumn = (typeof FLEET_CSV_COLUMNS)[number];

/** A serial number as a fleet names a device. */
export const FLEET_SERIAL = /^[A-Za-z0-9_-]{1,64}$/;

/** One renewal of the CSV, its paths resolved from the CSV's folder. */
export interface FleetCsvRow {
  line: number;
  serial: string;
  cert: string;
  key?: string;
  passphraseFile?: string;
  /** The folder every file of the row must really be in (the CSV's); absent with `allowPathsOutside`. */
  confinedTo?: string;
}

function fileError(file: string | undefined, line: number, message: string): WorkflowError {
  return new WorkflowError(
    'ERR_WORKFLOW_BATCH_FILE',
    `${file ? `${file}, ` : ''}line ${line}: ${message}`,
    file ? { line, file } : { line },
  );
}

function outside(file: string | undefined, line: number, column: string, how: string): WorkflowError {
  return new WorkflowError(
    'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
    `${file ? `${file}, ` : ''}line ${line}: the ${column} path ${how} the CSV's folder. Put the file in the CSV's folder (or below it) and name it relative to it, or, for a CSV you trust, run with --allow-paths-outside. Nothing was sent.`,
    { line, column, ...(file ? { file } : {}) },
  );
}

/** Reads a fleet renewal CSV; throws ERR_WORKFLOW_BATCH_FILE or ERR_WORKFLOW_BATCH_PATH_OUTSIDE naming the line. */
export function readFleetCsv(
  input: string | Uint8Array,
  options: { file?: string; baseDir?: string; allowPathsOutside?: boolean } = {},
): FleetCsvRow[] {
  const { file } = options;
  const confined = options.allowPathsOutside !== true;
  const baseDir = options.baseDir ?? (file ? dirname(resolve(file)) : process.cwd());
  const records = parseCsv(input, file);
  const header = records[0];
  if (!header)
    throw fileError(
      file,
      1,
      `the file is empty; its first line names the columns (${FLEET_CSV_COLUMNS.join(',')}).`,
    );
  const columns = header.fields.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  columns.forEach((c, i) => {
    if (!(FLEET_CSV_COLUMNS as readonly string[]).includes(c))
      throw fileError(
        file,
        header.line,
        `column ${i + 1} is not a known column name; the columns are ${FLEET_CSV_COLUMNS.join(', ')}.`,
      );
    if (columns.indexOf(c) !== i) throw fileError(file, header.line, `the column ${c} appears twice.`);
  });
  for (const c of ['serial', 'cert'] as const)
    if (!columns.includes(c)) throw fileError(file, header.line, `the column ${c} is missing.`);
  if (records.length === 1) throw fileError(file, header.line, 'the file lists no devices below its header.');
  const seen = new Map<string, number>();
  return records.slice(1).map((r) => {
    if (r.fields.length !== columns.length)
      throw fileError(
        file,
        r.line,
        `${r.fields.length} values, and the header names ${columns.length} columns.`,
      );
    const get = (c: FleetCsvColumn): string => {
      const i = columns.indexOf(c);
      return i < 0 ? '' : r.fields[i]!.trim();
    };
    const serial = get('serial');
    if (!FLEET_SERIAL.test(serial))
      throw fileError(file, r.line, 'the serial is not a device serial number (letters, digits, - and _).');
    const twice = seen.get(serial);
    if (twice !== undefined)
      throw fileError(
        file,
        r.line,
        `the device ${serial} is listed already on line ${twice}; list each device once.`,
      );
    seen.set(serial, r.line);
    const path = (v: string, column: string): string => {
      if (confined && leavesFolder(v))
        throw outside(file, r.line, column, 'leaves (it is absolute or has a .. part)');
      return isAbsolute(v) ? v : resolve(baseDir, v);
    };
    const cert = get('cert');
    if (!cert)
      throw fileError(file, r.line, 'the cert column is empty; every device needs its own certificate.');
    const row: FleetCsvRow = { line: r.line, serial, cert: path(cert, 'cert') };
    const key = get('key');
    if (key) row.key = path(key, 'key');
    const passphraseFile = get('passphrase_file');
    if (passphraseFile) row.passphraseFile = path(passphraseFile, 'passphrase_file');
    if (confined) row.confinedTo = baseDir;
    return row;
  });
}

/**
 * The renewal jobs of the CSV's rows: each file checked where it really is (a symbolic link out of the
 * folder is refused like a path that says so) before any file is read, then read bounded.
 */
export async function loadFleetCsv(rows: readonly FleetCsvRow[]): Promise<FleetJob[]> {
  for (const row of rows) {
    if (row.confinedTo === undefined) continue;
    const files: Array<[string | undefined, string]> = [
      [row.cert, 'cert'],
      [row.key, 'key'],
      [row.passphraseFile, 'passphrase_file'],
    ];
    for (const [path, column] of files)
      if (path !== undefined && (await reachesOutside(row.confinedTo, path)))
        throw outside(undefined, row.line, column, 'is reached through a symbolic link that leaves');
  }
  const jobs: FleetJob[] = [];
  for (const row of rows) {
    const text = async (path: string | undefined, what: string): Promise<string> =>
      path === undefined ? '' : (await readInputFile(path, what, INPUT_LIMITS.credentials)).toString('utf8');
    const passphrase =
      row.passphraseFile !== undefined ? await readSecretFile(row.passphraseFile, 'passphrase') : undefined;
    jobs.push({
      workflow: 'renew',
      serial: row.serial,
      cert: await text(row.cert, 'certificate'),
      key: await text(row.key, 'private key'),
      ...(passphrase !== undefined ? { passphrase } : {}),
    });
  }
  return jobs;
}
