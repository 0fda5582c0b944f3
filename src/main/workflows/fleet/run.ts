/**
 * The fleet's run: renewals (certificates given as PEM text) and secret rotations (a generated secret,
 * kept in the keychain) over the Webex cloud, several devices at once. One device's failure never stops
 * the others. Each job's end is journaled under the run's id, so a re-run with the same id skips what
 * went through and does the rest. No secret in the result, the events or the journal.
 */
import { randomUUID } from 'node:crypto';
import { checkCredentials, readCredentials } from '../../../core/pki/index.js';
import type { FleetEvent, FleetRunRow, FleetWorkflow } from '../../../core/fleet.js';
import type { CloudClient } from '../../cloud/client.js';
import { CloudDevice } from '../../cloud/device.js';
import type { Journal } from '../../vault/journal.js';
import type { SecretStore } from '../../vault/secret-store.js';
import { errorInfo } from '../engine.js';
import { WorkflowError } from '../errors.js';
import { renew } from '../renew.js';
import { rotateSecret } from '../rotate.js';
import { concurrencyOf, mapLimited } from './list.js';
import './journal-kinds.js';

export type { FleetEvent, FleetRunRow, FleetWorkflow };

export type FleetJob =
  /** PEM texts, already read; `key` may be empty when `cert` holds the key. */
  | { workflow: 'renew'; serial: string; cert: string; key: string; passphrase?: string }
  /** A generated secret. */
  | { workflow: 'rotate'; serial: string };

export interface FleetRunOptions {
  /** Devices at once: default 4, at most 16. */
  concurrency?: number;
  /** Resumable: a job the journal shows done in this run is skipped on a re-run. */
  journal: Journal;
  /** The same id resumes. */
  runId?: string;
  /** Progress: started / step / done / failed per serial, then finished. */
  onEvent?: (e: FleetEvent) => void;
}

export interface FleetRunResult {
  runId: string;
  /** One per job, in the jobs' order. Rotated secrets stay in the keychain; never in this result. */
  rows: FleetRunRow[];
}

/** The jobs of `runId` the journal shows done, by workflow and serial, with their fingerprints. */
async function doneBefore(journal: Journal, runId: string): Promise<Map<string, string | null>> {
  const done = new Map<string, string | null>();
  for (const r of await journal.read())
    if (r.kind === 'event' && r.event === 'fleet.job' && r.runId === runId && r.outcome === 'done')
      done.set(`${r.workflow} ${r.serial ?? ''}`, r.fingerprint ?? null);
  return done;
}

/** Runs one job on its device; returns the new certificate's fingerprint for a renewal. */
async function runJob(
  client: CloudClient,
  store: SecretStore,
  journal: Journal,
  job: FleetJob,
  step: (step: string) => void,
): Promise<string | undefined> {
  if (job.workflow === 'renew') {
    // The certificate is read before the device is reached: a wrong file costs no call.
    const credentials = readCredentials({
      certPem: job.cert,
      ...(job.key !== '' ? { keyPem: job.key } : {}),
      ...(job.passphrase !== undefined ? { passphrase: job.passphrase } : {}),
    });
    const fingerprint = checkCredentials(credentials).report.fingerprints.sha1;
    const device = await CloudDevice.open(client, job.serial, { secrets: store });
    const r = await renew(
      { device, secrets: store, journal },
      { credentials },
      { onEvent: (e) => (e.type === 'step' && e.status === 'running' ? step(e.id) : undefined) },
    );
    if (!r.ok) throw new FleetJobFailed(r.error?.code ?? 'ERR_INTERNAL', r.error?.message ?? '');
    return fingerprint;
  }
  const device = await CloudDevice.open(client, job.serial, { secrets: store });
  await rotateSecret(device, {}, { store, journal, onStep: (s) => step(s) });
  return undefined;
}

/** A workflow's failure as its result gave it (code and message kept as they are). */
class FleetJobFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Renews and rotates over the cloud, `concurrency` devices at once. Never throws for a device's failure:
 * each job gets a row, in the jobs' order. A serial listed twice fails on its later jobs, untouched.
 */
export async function runFleet(
  client: CloudClient,
  store: SecretStore,
  jobs: readonly FleetJob[],
  options: FleetRunOptions,
): Promise<FleetRunResult> {
  const { journal } = options;
  const runId = options.runId ?? randomUUID();
  const emit = (e: FleetEvent): void => options.onEvent?.(e);
  const before = await doneBefore(journal, runId);
  const first = new Map<string, number>();
  jobs.forEach((j, i) => {
    if (!first.has(j.serial)) first.set(j.serial, i);
  });

  const rows = await mapLimited(jobs, concurrencyOf(options.concurrency), async (job, i) => {
    const { serial, workflow } = job;
    const row: FleetRunRow = {
      serial,
      workflow,
      outcome: 'failed',
      code: null,
      message: null,
      fingerprint: null,
    };
    const prior = before.get(`${workflow} ${serial}`);
    if (prior !== undefined) {
      row.outcome = 'skipped';
      row.fingerprint = prior;
      return row;
    }
    emit({ type: 'started', serial, workflow });
    try {
      if (first.get(serial) !== i)
        throw new WorkflowError(
          'ERR_WORKFLOW_DEVICE_CHANGED',
          `The device ${serial} is listed more than once in this run; list each device once. Nothing was done for this entry.`,
          { serial },
        );
      const fingerprint = await runJob(client, store, journal, job, (step) =>
        emit({ type: 'step', serial, step }),
      );
      row.outcome = 'done';
      row.fingerprint = fingerprint ?? null;
      await journal.append({
        kind: 'event',
        event: 'fleet.job',
        serial,
        runId,
        workflow,
        outcome: 'done',
        ...(fingerprint !== undefined ? { fingerprint } : {}),
      });
      emit({ type: 'done', serial, workflow, ...(fingerprint !== undefined ? { fingerprint } : {}) });
    } catch (e) {
      const info = e instanceof FleetJobFailed ? { code: e.code, message: e.message } : errorInfo(e);
      row.outcome = 'failed';
      row.code = info.code;
      row.message = info.message;
      await journal
        .append({
          kind: 'event',
          event: 'fleet.job',
          serial,
          runId,
          workflow,
          outcome: 'failed',
          code: info.code,
        })
        .catch(() => undefined);
      emit({ type: 'failed', serial, workflow, code: info.code, message: info.message });
    }
    return row;
  });
  const count = (o: FleetRunRow['outcome']): number => rows.filter((r) => r.outcome === o).length;
  emit({ type: 'finished', done: count('done'), failed: count('failed'), skipped: count('skipped') });
  return { runId, rows };
}
