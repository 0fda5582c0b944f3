/**
 * A batch's run: every row's inputs read first (a few at a time, with progress), then the devices
 * provisioned one after another over serial (and the simulator) or several at a time over SSH. One
 * device's failure never stops the others; each row gets a result, in the CSV's order, never a secret.
 */
import { checkCredentials, sha1Fingerprint } from '../../../core/pki/index.js';
import type { DeviceIdentity } from '../../../core/xapi/results.js';
import { connect, type Target } from '../../device/index.js';
import type { Journal } from '../../vault/journal.js';
import type { SecretStore } from '../../vault/secret-store.js';
import { type WorkflowDevice, deviceOps } from '../device-port.js';
import { type ErrorInfo, type WorkflowEvent, errorInfo } from '../engine.js';
import { WorkflowError } from '../errors.js';
import { provision } from '../provision.js';
import { renew } from '../renew.js';
import type { WeakSecretPolicy } from '../secret-policy.js';
import type { BatchRow } from './file.js';
import { type Loaded, loadRow, targetOf } from './inputs.js';
import '../journal-kinds.js';

/** A device the batch works on: the workflow operations, and a way to let go of it. */
export type BatchDevice = WorkflowDevice & { close(): Promise<void> };

export interface BatchDeps {
  secrets: SecretStore;
  journal: Journal;
  /** Opens a row's device and logs in; default: `connect()` of main/device with the password given (no `sim:`). */
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
  /** A secret_file's weak secret: `refuse` (default: that row fails before its device) or `allow`. */
  weakSecret?: WeakSecretPolicy;
  /** The older spelling of `weakSecret: 'allow'`. */
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

/**
 * A row's device through main/device's `connect`: serial and SSH. A `sim:` row needs an `open` that starts
 * simulators (src/main/open.ts's `openDevice`, which the CLI passes).
 */
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
  const weakSecret = options.weakSecret ?? (options.allowWeakSecret === true ? 'allow' : 'refuse');
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
          const value = await loadRow(rows[i]!, weakSecret);
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
    // A console at hand goes one at a time; SSH and the Webex cloud share the places.
    const local = kind !== 'ssh' && kind !== 'webex';
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
        const onEvent = (event: WorkflowEvent): void => emit({ type: 'progress', device: ref, event });
        if (row.action === 'renew') {
          // As `renew --target …` runs it (through the cloud for a webex: row): the old identity stays
          // active until the new one is verified; a re-run finds the steps done and skips them.
          const r = await renew(
            { device: port, secrets: deps.secrets, journal: deps.journal },
            {
              credentials: input.value.credentials,
              ...(row.enc ? { enc: row.enc } : {}),
              ...(row.wrapLongLines ? { wrapLongLines: true } : {}),
              ...(options.now ? { now: options.now } : {}),
            },
            { ...(options.signal ? { signal: options.signal } : {}), onEvent },
          );
          result.warnings.push(...r.warnings.map((w) => w.code));
          if (r.ok) result.status = 'ok';
          else fail(r.steps.find((s) => s.status === 'failed')?.id ?? 'precheck', r.error!);
          return result;
        }
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
          { ...(options.signal ? { signal: options.signal } : {}), onEvent },
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
