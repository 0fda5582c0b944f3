/**
 * Batch provisioning: a CSV of devices, provisioned one after another over serial (and the simulator),
 * or several at a time over SSH. One device's failure never stops the others. The result is one row
 * per device (CSV and JSON), and never holds a secret: generated secrets go to the keychain only.
 *
 * The CSV (RFC 4180; first line names the columns, in any order, case-insensitive):
 *
 * | column               | required | meaning                                                                 |
 * |----------------------|----------|-------------------------------------------------------------------------|
 * | target               | yes      | `serial:/dev/ttyUSB0`, `ssh://admin@host[:port]` or `sim:[?state=FILE…]` |
 * | cert                 | yes      | certificate file: PEM (may hold chain and key), DER or PKCS#12          |
 * | key                  | column   | private key PEM; may be empty when `cert` holds the key                 |
 * | passphrase_file      | no       | file holding the key's passphrase or the PKCS#12 password               |
 * | secret_file          | no       | file holding the ClientSecret to populate; empty: one is generated      |
 * | enc                  | no       | `A128GCM` (default) or `A256GCM`                                        |
 * | factory_reset        | no       | `yes` to factory reset first (this column is the explicit confirmation) |
 * | backup               | no       | file to write the configuration backup to (never overwritten)           |
 * | activation_code_file | no       | file holding a Webex activation code: register at the end               |
 * | password_file        | no       | file holding the device's admin password (default: none, the factory state) |
 * | wrap_long_lines      | no       | `true` to send an add blob longer than the console's line wrapped, once probes show the device joins it (default `false`: refused) |
 *
 * Relative paths are relative to the CSV file's folder. Values of secret-bearing columns are file
 * names, never secrets: a CSV is copied and mailed around.
 *
 * A CSV is a file a person is handed, so its paths are confined to its folder: a path that is absolute
 * or has a `..` part is refused (also a simulator target's `state=`), and a file reached through a
 * symbolic link that leads out of the folder is refused when it is read. `allowPathsOutside`
 * (`--allow-paths-outside`) lifts this for a CSV the person trusts.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { type Enc, isEnc } from '../../core/jwe/index.js';
import {
  type Credentials,
  checkCredentials,
  readCredentials,
  sha1Fingerprint,
} from '../../core/pki/index.js';
import { checkSecret, refuseWeak } from '../../core/secret/index.js';
import type { DeviceIdentity } from '../../core/xapi/results.js';
import { checkActivationCode } from '../../core/xapi/build.js';
import { TARGET_FORMS, connect, describeTarget, parseTarget, type Target } from '../device/index.js';
import { readInputFile, readSecretFile as readSecret } from '../input/read.js';
import type { Journal } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import { type CsvRecord, excerpt, parseCsv, toCsv } from './csv.js';
import { type WorkflowDevice, deviceOps } from './device-port.js';
import { type ErrorInfo, type WorkflowEvent, errorInfo } from './engine.js';
import { WorkflowError } from './errors.js';
import { provision } from './provision.js';
import './journal-kinds.js';

export const BATCH_COLUMNS = [
  'target',
  'cert',
  'key',
  'passphrase_file',
  'secret_file',
  'enc',
  'factory_reset',
  'backup',
  'activation_code_file',
  'password_file',
  'wrap_long_lines',
] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];
const REQUIRED: readonly BatchColumn[] = ['target', 'cert', 'key'];

/** One device of the batch, as the CSV gives it (paths resolved). */
export interface BatchRow {
  /** The CSV line the row starts on. */
  line: number;
  /** As written in the CSV. */
  target: string;
  cert: string;
  key?: string;
  passphraseFile?: string;
  secretFile?: string;
  enc?: Enc;
  factoryReset: boolean;
  /** `wrap_long_lines`: send a too-long add blob wrapped, once probes show the device joins it. */
  wrapLongLines?: boolean;
  backup?: string;
  activationCodeFile?: string;
  passwordFile?: string;
  /** The simulator's state file of a `sim:?state=` target, resolved against the CSV's folder. */
  simStateFile?: string;
  /** The folder every file of the row must stay in (the CSV's); absent with `allowPathsOutside`. */
  confinedTo?: string;
}

/** A path in a CSV that leaves the CSV's folder: absolute (any platform's form), `~`, or with a `..` part. */
export function leavesFolder(value: string): boolean {
  if (isAbsolute(value) || /^[A-Za-z]:/.test(value) || /^[\\/~]/.test(value)) return true;
  return value.split(/[\\/]/).some((part) => part === '..');
}

function fileError(line: number, message: string, file?: string): WorkflowError {
  return new WorkflowError(
    'ERR_WORKFLOW_BATCH_FILE',
    `${file ? `${file}, ` : ''}line ${line}: ${message}`,
    file ? { line, file } : { line },
  );
}

/** A device target (`serial:/dev/…`, `ssh://user@host:port`, `sim:?…`) is never longer. */
const MAX_TARGET_CHARS = 256;
const YES = /^(yes|y|true|1|on)$/i;
const NO = /^(no|n|false|0|off|)$/i;

/**
 * Reads a batch file: checks the columns, every value's form and that no device is listed twice. Throws
 * ERR_WORKFLOW_BATCH_FILE naming the line; nothing is connected to before the whole file is good.
 */
export function readBatchFile(
  input: string | Uint8Array,
  options: { file?: string; baseDir?: string; allowPathsOutside?: boolean } = {},
): BatchRow[] {
  const { file } = options;
  const confined = options.allowPathsOutside !== true;
  const baseDir = options.baseDir ?? (file ? dirname(resolve(file)) : process.cwd());
  const records: CsvRecord[] = parseCsv(input, file);
  const header = records[0];
  if (!header) {
    throw fileError(
      1,
      `the file is empty; its first line names the columns (${REQUIRED.join(',')} at least).`,
      file,
    );
  }
  const columns = header.fields.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  columns.forEach((c, i) => {
    if (!(BATCH_COLUMNS as readonly string[]).includes(c)) {
      throw fileError(
        header.line,
        // Named by its place, never its text: a file handed in by mistake (a secret) would be echoed.
        `column ${i + 1} is not a known column name; the columns are ${BATCH_COLUMNS.join(', ')}.`,
        file,
      );
    }
    if (columns.indexOf(c) !== i) throw fileError(header.line, `the column ${c} appears twice.`, file);
  });
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length) {
    throw fileError(
      header.line,
      `the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (key may be left empty in a row whose cert file holds the key).`,
      file,
    );
  }
  if (records.length === 1) throw fileError(header.line, 'the file lists no devices below its header.', file);

  const path = (v: string, column: string, line: number): string => {
    if (confined && leavesFolder(v)) {
      // Named by its column, never its text: the value is the file's, and the file is not trusted.
      throw new WorkflowError(
        'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
        `${file ? `${file}, ` : ''}line ${line}: the ${column} path leaves the batch file's folder (it is absolute or has a .. part). Put the file in the CSV's folder (or below it) and name it relative to it, or, for a CSV you trust, run with --allow-paths-outside.`,
        { line, column, ...(file ? { file } : {}) },
      );
    }
    return isAbsolute(v) ? v : resolve(baseDir, v);
  };
  const seen = new Map<string, number>();
  return records.slice(1).map((r) => {
    if (r.fields.length !== columns.length) {
      throw fileError(
        r.line,
        `${r.fields.length} values, and the header names ${columns.length} columns.`,
        file,
      );
    }
    const get = (c: BatchColumn): string => {
      const i = columns.indexOf(c);
      return i < 0 ? '' : r.fields[i]!;
    };
    const target = get('target');
    if (!target) throw fileError(r.line, 'the target is empty.', file);
    if (target.length > MAX_TARGET_CHARS)
      throw fileError(r.line, `the target ${excerpt(target)} is too long to be a device target.`, file);
    let parsed: Target;
    try {
      parsed = parseTarget(target);
    } catch {
      throw fileError(r.line, `the target is not a device target; use ${TARGET_FORMS}.`, file);
    }
    const key = describeTarget(parsed);
    const twice = seen.get(key);
    if (twice !== undefined) {
      throw fileError(
        r.line,
        `the device ${key} is listed already on line ${twice}; list each device once.`,
        file,
      );
    }
    seen.set(key, r.line);
    const cert = get('cert');
    if (!cert)
      throw fileError(r.line, 'the cert column is empty; every device needs its own certificate.', file);
    const enc = get('enc');
    if (enc && !isEnc(enc)) throw fileError(r.line, 'enc must be A128GCM or A256GCM (or empty).', file);
    const reset = get('factory_reset');
    if (!YES.test(reset) && !NO.test(reset)) {
      throw fileError(r.line, 'factory_reset must be yes or no (or empty).', file);
    }
    const wrap = get('wrap_long_lines');
    if (!/^(true|false|)$/i.test(wrap)) {
      throw fileError(r.line, 'wrap_long_lines must be true or false (or empty).', file);
    }
    const row: BatchRow = {
      line: r.line,
      target,
      cert: path(cert, 'cert', r.line),
      factoryReset: YES.test(reset),
      ...(/^true$/i.test(wrap) ? { wrapLongLines: true } : {}),
    };
    if (confined) row.confinedTo = baseDir;
    if (parsed.kind === 'sim' && parsed.options.stateFile !== undefined)
      row.simStateFile = path(parsed.options.stateFile, 'target state', r.line);
    const optional: Array<[BatchColumn, keyof BatchRow]> = [
      ['key', 'key'],
      ['passphrase_file', 'passphraseFile'],
      ['secret_file', 'secretFile'],
      ['backup', 'backup'],
      ['activation_code_file', 'activationCodeFile'],
      ['password_file', 'passwordFile'],
    ];
    for (const [column, field] of optional) {
      const v = get(column);
      if (v) (row as unknown as Record<string, string>)[field] = path(v, column, r.line);
    }
    if (enc && isEnc(enc)) row.enc = enc;
    return row;
  });
}

/** A device the batch works on: the workflow operations, and a way to let go of it. */
export type BatchDevice = WorkflowDevice & { close(): Promise<void> };

export interface BatchDeps {
  secrets: SecretStore;
  journal: Journal;
  /** Opens a row's device and logs in; default: `connect()` of main/device with the password given. */
  open?: (target: Target, password: string) => Promise<BatchDevice>;
}

export interface BatchOptions {
  /**
   * How many devices at once (default 1). Only SSH devices share the time: serial and simulator devices go
   * one at a time (a technician at one console), each taking one of the places while it runs.
   */
  parallel?: number;
  /** Allow the first populate (the secret in clear) over SSH; without it SSH rows of new devices fail. */
  allowPlainOverNetwork?: boolean;
  /** Take a secret_file's secret even when it is rated weak (default: that row fails before its device). */
  allowWeakSecret?: boolean;
  /** The moment certificate validity is judged at (default now). */
  now?: Date;
  registrationTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: BatchEvent) => void;
}

/** Which device an event belongs to. */
export interface BatchDeviceRef {
  line: number;
  target: string;
}

export type BatchEvent =
  | { type: 'batch-start'; devices: number; parallel: number }
  /** While every row's files are read and checked (before any device): at least once a second, and at the end. */
  | { type: 'validate-progress'; checked: number; total: number; failed: number; done: boolean }
  | { type: 'device-start'; device: BatchDeviceRef }
  | { type: 'progress'; device: BatchDeviceRef; event: WorkflowEvent }
  | { type: 'device-end'; device: BatchDeviceRef; result: BatchDeviceResult }
  | { type: 'batch-end'; succeeded: number; failed: number };

/** One device's outcome. Never a secret: `secret` says only where the device's secret came from. */
export interface BatchDeviceResult {
  line: number;
  target: string;
  serial: string | null;
  productId: string | null;
  status: 'ok' | 'failed';
  error: { code: string; message: string } | null;
  /** The step that failed (`connect` and `inputs` before the workflow). */
  failedStep: string | null;
  /** The certificate's CN, SHA-1 fingerprint and expiry (when its files could be read). */
  identity: string | null;
  fingerprint: string | null;
  notAfter: string | null;
  /** `given` (secret_file), `generated` (stored in the keychain), `existing` (the device had it already). */
  secret: 'given' | 'generated' | 'existing' | null;
  /** Warning codes, in order. */
  warnings: string[];
  startedAt: string;
  finishedAt: string;
}

export interface BatchResult {
  ok: boolean;
  succeeded: number;
  failed: number;
  /** Serial numbers whose secret this batch generated (kept in the keychain, to be exported). */
  generatedSecrets: string[];
  devices: BatchDeviceResult[];
}

interface Loaded {
  credentials: Credentials;
  secret?: string;
  activationCode?: string;
  password: string;
}

/** A file holding one secret (`readSecretFile`); `keepLineBreaks`: an activation code's own check names them. */
function readSecretFile(path: string, what: string, keepLineBreaks = false): Promise<string> {
  return readSecret(path, what, keepLineBreaks ? { lineBreaksInside: 'keep' } : {});
}

/**
 * A row's file, checked against the CSV's folder once more where it really is: a symbolic link inside
 * the folder that leads out of it is refused like a path that says so. The real path of the file's folder
 * is checked whether or not the file exists yet (a file to be written, such as a simulator's state or the
 * backup, is created there), and the file's own real path when it exists.
 */
async function confine(row: BatchRow, path: string, column: string): Promise<void> {
  if (row.confinedTo === undefined) return;
  const root = await realpath(row.confinedTo).catch(() => undefined);
  if (root === undefined) return; // the CSV's folder went away: its files' readers say so
  const folder = await realpath(dirname(path)).catch(() => undefined);
  const self = await realpath(path).catch(() => undefined);
  const outside = (real: string | undefined): boolean => {
    if (real === undefined) return false; // not there: its reader or writer reports it, with its path
    const rel = relative(root, real);
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  };
  if (outside(folder) || outside(self)) {
    throw new WorkflowError(
      'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
      `Line ${row.line}: the ${column} file is reached through a symbolic link that leaves the batch file's folder. Copy the file into the CSV's folder, or, for a CSV you trust, run with --allow-paths-outside.`,
      { line: row.line, column },
    );
  }
}

async function loadRow(row: BatchRow, allowWeakSecret: boolean): Promise<Loaded> {
  const files: Array<[string | undefined, string]> = [
    [row.cert, 'cert'],
    [row.key, 'key'],
    [row.passphraseFile, 'passphrase_file'],
    [row.secretFile, 'secret_file'],
    [row.activationCodeFile, 'activation_code_file'],
    [row.passwordFile, 'password_file'],
    [row.simStateFile, 'target state'],
  ];
  for (const [path, column] of files) if (path !== undefined) await confine(row, path, column);
  if (row.backup !== undefined) await confine(row, row.backup, 'backup');
  const certFile = await readInputFile(row.cert, 'certificate');
  const keyPem =
    row.key !== undefined ? (await readInputFile(row.key, 'private key')).toString('utf8') : undefined;
  const passphrase =
    row.passphraseFile !== undefined ? await readSecretFile(row.passphraseFile, 'passphrase') : undefined;
  const credentials = readCredentials({
    certFile: new Uint8Array(certFile),
    ...(keyPem !== undefined ? { keyPem } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  });
  const loaded: Loaded = {
    credentials,
    password: row.passwordFile !== undefined ? await readSecretFile(row.passwordFile, 'login password') : '',
  };
  if (row.secretFile !== undefined) {
    loaded.secret = await readSecretFile(row.secretFile, 'client secret');
    // Refused here, before the device is connected, by the policy every path applies; a weak one too,
    // unless the batch was told to take weak secrets.
    const check = checkSecret(loaded.secret, 'plain');
    if (!allowWeakSecret)
      refuseWeak(
        check,
        `Line ${row.line}: the secret in the secret_file`,
        'Put a longer one in the file, leave the column empty to have one generated, or run with --allow-weak-secret to take it anyway.',
        { line: row.line },
      );
  }
  if (row.activationCodeFile !== undefined)
    loaded.activationCode = checkActivationCode(
      await readSecretFile(row.activationCodeFile, 'activation code', true),
    );
  return loaded;
}

/** A row's device target, with a simulator's state file found from the CSV's folder. */
function targetOf(row: BatchRow): Target {
  const target = parseTarget(row.target);
  if (target.kind === 'sim' && row.simStateFile !== undefined)
    return { ...target, options: { ...target.options, stateFile: row.simStateFile } };
  return target;
}

/** How often the validation pass reports, ms. */
const VALIDATE_PROGRESS_MS = 1000;
/** Rows whose files are read at once during validation. */
const LOAD_CONCURRENCY = 8;

/** A first-come queue of `n` slots. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * The device's operations, noting who it says it is: the result names the serial even when the
 * workflow stops after the precheck, and a device reached twice in one batch is refused.
 */
function watched(device: BatchDevice, onIdentity: (id: DeviceIdentity) => void): WorkflowDevice {
  return deviceOps(device, {
    identify: async () => {
      const id = await device.identify();
      onIdentity(id);
      return id;
    },
  });
}

/** Whether the journal shows a finished provisioning with this certificate (on any device). */
const defaultOpen = async (target: Target, password: string): Promise<BatchDevice> =>
  connect(target, { password });

/**
 * Provisions every row of a batch. Never throws for a device's failure: each row gets a result, in the
 * CSV's order. Rows whose certificate is the same as an earlier row's fail without touching a device.
 */
export async function runBatch(
  rows: readonly BatchRow[],
  deps: BatchDeps,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const parallel = Math.max(1, Math.floor(options.parallel ?? 1));
  const emit = (e: BatchEvent): void => options.onEvent?.(e);
  const open = deps.open ?? defaultOpen;
  emit({ type: 'batch-start', devices: rows.length, parallel });

  // Read every row's files first, in one pass: a device whose files are wrong fails before anything is
  // connected. A few rows at a time (not 10,000 files open at once), with a progress event every second.
  type LoadResult = { ok: true; value: Loaded; sha1: string } | { ok: false; error: ErrorInfo };
  const loaded: LoadResult[] = new Array<LoadResult>(rows.length);
  let checked = 0;
  let failedInputs = 0;
  const progress = (done: boolean): void =>
    emit({ type: 'validate-progress', checked, total: rows.length, failed: failedInputs, done });
  const ticker = setInterval(() => progress(false), VALIDATE_PROGRESS_MS);
  try {
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < rows.length) {
        const i = next++;
        try {
          const value = await loadRow(rows[i]!, options.allowWeakSecret === true);
          // The fingerprint alone finds a certificate listed twice; the full check runs per device.
          loaded[i] = { ok: true, value, sha1: sha1Fingerprint(value.credentials.certificate) };
        } catch (e) {
          loaded[i] = { ok: false, error: errorInfo(e) };
          failedInputs++;
        }
        checked++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, rows.length) }, reader));
  } finally {
    clearInterval(ticker);
  }
  progress(true);
  // The same certificate on two rows: the later rows fail, whatever order the devices run in.
  const firstLine = new Map<string, number>();
  const sameAs = loaded.map((l, i) => {
    if (!l.ok) return undefined;
    const first = firstLine.get(l.sha1);
    if (first === undefined) firstLine.set(l.sha1, rows[i]!.line);
    return first;
  });
  const checks = new Map<string, ReturnType<typeof checkCredentials>>();
  const serials = new Map<string, number>();
  const slots = new Slots(parallel);
  const consoleLane = new Slots(1); // serial and simulator devices: one at a time
  const generated: string[] = [];

  const runRow = async (row: BatchRow, index: number): Promise<BatchDeviceResult> => {
    const kind = targetOf(row).kind;
    const local = kind !== 'ssh';
    if (local) await consoleLane.take();
    await slots.take();
    const ref: BatchDeviceRef = { line: row.line, target: row.target };
    const startedAt = new Date().toISOString();
    const result: BatchDeviceResult = {
      line: row.line,
      target: row.target,
      serial: null,
      productId: null,
      status: 'failed',
      error: null,
      failedStep: null,
      identity: null,
      fingerprint: null,
      notAfter: null,
      secret: null,
      warnings: [],
      startedAt,
      finishedAt: startedAt,
    };
    const fail = (step: string, error: ErrorInfo): void => {
      result.failedStep = step;
      result.error = { code: error.code, message: error.message };
    };
    emit({ type: 'device-start', device: ref });
    try {
      const input = loaded[index]!;
      if (!input.ok) {
        fail('inputs', input.error);
        return result;
      }
      // The certificate's facts for the result (computed once per certificate: rows listing the same
      // one again fail below, and need only its facts).
      let check = checks.get(input.sha1);
      if (!check) {
        check = checkCredentials(input.value.credentials, { now: options.now });
        checks.set(input.sha1, check);
      }
      result.identity = check.report.subject.cn ?? null;
      result.fingerprint = check.report.fingerprints.sha1;
      result.notAfter = check.report.notAfter;
      const first = sameAs[index];
      if (first !== undefined) {
        fail(
          'inputs',
          errorInfo(
            new WorkflowError(
              'ERR_WORKFLOW_CERT_IN_USE',
              `This certificate is the one of line ${first}. Every device needs its own certificate and key: sharing them is a security breach.`,
              { line: first },
            ),
          ),
        );
        return result;
      }
      if (options.signal?.aborted) {
        fail(
          'connect',
          errorInfo(new WorkflowError('ERR_WORKFLOW_CANCELLED', 'The batch was stopped before this device.')),
        );
        return result;
      }

      let device: BatchDevice;
      try {
        device = await open(targetOf(row), input.value.password);
      } catch (e) {
        fail('connect', errorInfo(e));
        return result;
      }
      try {
        const port = watched(device, (id) => {
          result.serial = id.serialNumber || null;
          result.productId = id.productId || null;
          const other = id.serialNumber ? serials.get(id.serialNumber) : undefined;
          if (other !== undefined && other !== row.line) {
            throw new WorkflowError(
              'ERR_WORKFLOW_DEVICE_CHANGED',
              `This target reaches device ${id.serialNumber}, the device of line ${other}; list each device once.`,
              { serial: id.serialNumber, line: other },
            );
          }
          if (id.serialNumber) serials.set(id.serialNumber, row.line);
        });
        const r = await provision(
          { device: port, secrets: deps.secrets, journal: deps.journal },
          {
            credentials: input.value.credentials,
            link: kind,
            ...(row.enc ? { enc: row.enc } : {}),
            ...(input.value.secret !== undefined ? { secret: input.value.secret } : {}),
            ...(row.factoryReset ? { factoryReset: { confirmed: true } } : {}),
            ...(row.wrapLongLines ? { wrapLongLines: true } : {}),
            ...(row.backup ? { backupFile: row.backup } : {}),
            ...(input.value.activationCode !== undefined
              ? { activationCode: input.value.activationCode }
              : {}),
            ...(options.allowPlainOverNetwork ? { allowPlainOverNetwork: true } : {}),
            ...(options.now ? { now: options.now } : {}),
            ...(options.registrationTimeoutMs !== undefined
              ? { registrationTimeoutMs: options.registrationTimeoutMs }
              : {}),
          },
          {
            ...(options.signal ? { signal: options.signal } : {}),
            onEvent: (event) => emit({ type: 'progress', device: ref, event }),
          },
        );
        result.warnings.push(...r.warnings.map((w) => w.code));
        const populate = r.steps.find((s) => s.id === 'populate-secret');
        if (populate?.status === 'done') result.secret = row.secretFile !== undefined ? 'given' : 'generated';
        else if (populate?.status === 'skipped') result.secret = 'existing';
        if (result.secret === 'generated' && result.serial) generated.push(result.serial);
        if (r.ok) result.status = 'ok';
        else fail(r.steps.find((s) => s.status === 'failed')?.id ?? 'precheck', r.error!);
      } finally {
        await device.close().catch(() => undefined);
      }
      return result;
    } catch (e) {
      fail(result.failedStep ?? 'internal', errorInfo(e));
      return result;
    } finally {
      result.finishedAt = new Date().toISOString();
      emit({ type: 'device-end', device: ref, result });
      slots.give();
      if (local) consoleLane.give();
    }
  };

  const devices = await Promise.all(rows.map((row, i) => runRow(row, i)));
  const succeeded = devices.filter((d) => d.status === 'ok').length;
  emit({ type: 'batch-end', succeeded, failed: devices.length - succeeded });
  return {
    ok: succeeded === devices.length,
    succeeded,
    failed: devices.length - succeeded,
    generatedSecrets: [...new Set(generated)].sort(),
    devices,
  };
}

/** The result CSV's columns, in order. */
export const RESULT_COLUMNS = [
  'line',
  'target',
  'serial',
  'product',
  'status',
  'error_code',
  'error_message',
  'failed_step',
  'identity',
  'fingerprint',
  'not_after',
  'secret',
  'warnings',
  'started_at',
  'finished_at',
] as const;

/** The result as CSV: a header, then one row per device in the input's order (RFC 4180, CRLF). */
export function batchResultCsv(result: BatchResult): string {
  return toCsv([[...RESULT_COLUMNS], ...result.devices.map(resultRow)]);
}

/** The result CSV's header line (CRLF), for a file written row by row as devices finish. */
export function batchResultCsvHeader(): string {
  return toCsv([[...RESULT_COLUMNS]]);
}

/** One device's result as a CSV line (CRLF). */
export function batchResultCsvRow(d: BatchDeviceResult): string {
  return toCsv([resultRow(d)]);
}

function resultRow(d: BatchDeviceResult): string[] {
  return [
    String(d.line),
    d.target,
    d.serial ?? '',
    d.productId ?? '',
    d.status,
    d.error?.code ?? '',
    d.error?.message ?? '',
    d.failedStep ?? '',
    d.identity ?? '',
    d.fingerprint ?? '',
    d.notAfter ?? '',
    d.secret ?? '',
    d.warnings.join(' '),
    d.startedAt,
    d.finishedAt,
  ];
}
