/**
 * A fleet run's result as CSV (RFC 4180, CRLF): one row per job in the jobs' order, from the result's
 * allow-listed fields, each cell written as text when a spreadsheet would run it as a formula.
 */
import { spreadsheetSafe, toCsv } from '../csv.js';
import type { FleetRunResult, FleetRunRow } from './run.js';

/** The result CSV's columns, in order. */
export const FLEET_RESULT_COLUMNS = [
  'run_id',
  'serial',
  'workflow',
  'outcome',
  'error_code',
  'error_message',
  'fingerprint',
] as const;

function row(runId: string, r: FleetRunRow): string[] {
  return [runId, r.serial, r.workflow, r.outcome, r.code ?? '', r.message ?? '', r.fingerprint ?? ''].map(
    spreadsheetSafe,
  );
}

/** The result as CSV: a header, then one row per job. */
export function fleetResultCsv(result: FleetRunResult): string {
  return toCsv([[...FLEET_RESULT_COLUMNS], ...result.rows.map((r) => row(result.runId, r))]);
}
