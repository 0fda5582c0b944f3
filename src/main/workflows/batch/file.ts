/**
 * A batch file: the CSV's columns, and its rows read and checked (targets parsed, paths resolved from
 * the CSV's folder and confined to it, yes/no values), each refusal naming its line.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Enc, isEnc } from '../../../core/jwe/index.js';
import { TARGET_FORMS, describeTarget, parseTarget, type Target } from '../../device/index.js';
import { type CsvRecord, excerpt, parseCsv } from '../csv.js';
import { WorkflowError } from '../errors.js';

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
  'action',
] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];
const REQUIRED: readonly BatchColumn[] = ['target', 'cert', 'key'];

/** What a row does to its device: `provision` (the default), or `renew` its identity certificate. */
export const BATCH_ACTIONS = ['provision', 'renew'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** Columns only a provisioning uses: a renew row that fills one is refused when the file is read. */
const PROVISION_ONLY: readonly BatchColumn[] = [
  'secret_file',
  'factory_reset',
  'backup',
  'activation_code_file',
];

/** One device of the batch, as the CSV gives it (paths resolved). */
export interface BatchRow {
  /** The CSV line the row starts on. */
  line: number;
  /** The `action` column: `renew`, or absent for a provisioning (the column empty, absent or `provision`). */
  action?: 'renew';
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

/** A row whose action cannot be done as the row asks (a `webex:` provision, a renew with provisioning columns). */
function actionError(line: number, column: string, message: string, file?: string): WorkflowError {
  return new WorkflowError(
    'ERR_WORKFLOW_BATCH_ACTION',
    `${file ? `${file}, ` : ''}line ${line}, column ${column}: ${message} Nothing was connected to or sent.`,
    { line, column, ...(file ? { file } : {}) },
  );
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
    const actionText = get('action').trim().toLowerCase();
    if (actionText !== '' && !(BATCH_ACTIONS as readonly string[]).includes(actionText))
      throw fileError(r.line, 'action must be provision or renew (or empty: provision).', file);
    const action: BatchAction = actionText === 'renew' ? 'renew' : 'provision';
    if (parsed.kind === 'webex' && action === 'provision')
      throw actionError(
        r.line,
        'target',
        'a device is never provisioned through the Webex cloud (its first client secret travels in clear); provision it at its console (serial: or ssh://), or give this row action renew.',
        file,
      );
    if (action === 'renew') {
      const filled = PROVISION_ONLY.find((c) => get(c) !== '' && !(c === 'factory_reset' && NO.test(get(c))));
      if (filled !== undefined)
        throw actionError(
          r.line,
          filled,
          `a renew row does not take ${filled}, which only a provisioning uses; leave it empty, or give this row action provision.`,
          file,
        );
    }
    if (parsed.kind === 'webex' && get('password_file') !== '')
      throw actionError(
        r.line,
        'password_file',
        'a webex: target has no console login (the kept Webex sign-in reaches it); leave password_file empty.',
        file,
      );
    const row: BatchRow = {
      line: r.line,
      ...(action === 'renew' ? { action } : {}),
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
