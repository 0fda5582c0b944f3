/**
 * A batch's result as CSV (RFC 4180, CRLF): one row per device in the input's order, written whole or
 * row by row as devices finish. Never a secret: the rows come from the result's allow-listed fields.
 */
import { spreadsheetSafe, toCsv } from '../csv.js';
import type { BatchDeviceResult, BatchResult } from './run.js';

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
  ].map(spreadsheetSafe);
}
