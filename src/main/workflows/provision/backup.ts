/**
 * Provisioning's configuration backup files: read bounded, and refused with the position (never quoted:
 * a wrong file may hold a secret) when they are not a backup this tool made.
 */
import { describePosition, readJson } from '../../../core/json-text.js';
import { INPUT_LIMITS, InputError, readFileBounded } from '../../input/bounded.js';
import { WorkflowError } from '../errors.js';

/** A backup file's JSON; a file that is not one is named with the position, never quoted (it may be a secret). */
function backupJson(text: string, file: string): unknown {
  const read = readJson(text);
  if (read.ok && read.value !== null && typeof read.value === 'object') return read.value;
  throw new WorkflowError(
    'ERR_WORKFLOW_INPUT_READ',
    `${file} is not a configuration backup made by this tool${read.ok ? '' : ` (not JSON at ${describePosition(read)})`}; choose another file (a new name makes a new backup).`,
    { file, ...(read.ok ? {} : { line: read.line, column: read.column }) },
  );
}

/**
 * Reads a configuration backup (bounded: a wrong file such as /dev/zero is refused at once). A file that
 * is missing is null when `missingOk`; one that is not a backup is ERR_WORKFLOW_INPUT_READ.
 */
export async function readBackup<T>(file: string, missingOk: boolean): Promise<T | null> {
  let text: string;
  try {
    text = (await readFileBounded(file, INPUT_LIMITS.backup, 'configuration backup')).toString('utf8');
  } catch (e) {
    if (missingOk && (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (e instanceof InputError) throw e;
    throw new WorkflowError(
      'ERR_WORKFLOW_INPUT_READ',
      `Cannot read the backup ${file}: ${(e as Error).message}.`,
      {
        path: file,
      },
    );
  }
  return backupJson(text, file) as T;
}
