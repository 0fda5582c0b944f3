import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from './errors.js';

/**
 * Checks, before any work, that a file can be written at `path`: its folder exists and is a folder, and
 * the path is not a folder itself. Refused with ERR_OUTPUT_WRITE naming what to fix.
 */
export async function checkOutputPath(path: string, what: string): Promise<void> {
  const folder = dirname(resolve(path));
  const dir = await stat(folder).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new CliError(
      'ERR_OUTPUT_WRITE',
      `Cannot write the ${what} to ${path}: ${dir ? `${folder} is not a folder` : `the folder ${folder} does not exist`}.`,
      { path },
    );
  }
  const self = await stat(path).catch(() => undefined);
  if (self?.isDirectory())
    throw new CliError('ERR_OUTPUT_WRITE', `Cannot write the ${what} to ${path}: it is a folder.`, { path });
  if (self && !self.isFile())
    throw new CliError(
      'ERR_OUTPUT_WRITE',
      `Cannot write the ${what} to ${path}: it is not a file (a device?).`,
      {
        path,
      },
    );
}

/** An output that failed to be written, as a coded error (the file system's reason in words). */
export function outputError(e: unknown, path: string, what: string): CliError {
  return new CliError(
    'ERR_OUTPUT_WRITE',
    `Cannot write the ${what} to ${path}: ${(e as Error).message}.`,
    { path },
    { cause: e },
  );
}
