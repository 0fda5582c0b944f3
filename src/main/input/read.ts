/**
 * The one reader of the files a person names (a certificate, a key, a file holding a secret), for the
 * CLI, batch and the app alike: bounded (see bounded.ts), and every failure is of one code family,
 * ERR_INPUT_*: a file that cannot be read (missing, a folder, no permission) or a secret that is not
 * UTF-8 text is ERR_INPUT_READ, one too large ERR_INPUT_TOO_LARGE, one that is not a file
 * ERR_INPUT_NOT_FILE.
 */
import { oneLineSecret } from '../../core/secret/index.js';
import { INPUT_LIMITS, InputError, readFileBounded } from './bounded.js';

/** Reads a file's bytes, at most `limit` bytes; a file that cannot be read is ERR_INPUT_READ naming it. */
export async function readInputFile(
  path: string,
  what: string,
  limit: number = INPUT_LIMITS.credentials,
): Promise<Buffer> {
  try {
    return await readFileBounded(path, limit, what);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as Error).message;
    throw new InputError('ERR_INPUT_READ', `Cannot read the ${what} from ${path}: ${reason}.`, { path });
  }
}

/** How a secret's line breaks are taken (see `secretText`). */
export interface SecretTextOptions {
  /** `keep`: a value whose own check names a control character more precisely (an activation code). */
  lineBreaksInside?: 'refuse' | 'keep';
}

/**
 * A secret from the bytes of a file (`where` names it: a path, or standard input). One trailing line
 * break is dropped, since editors and `echo` add one; a line break anywhere else is refused
 * (`oneLineSecret`), as at a prompt, unless the value's own check refuses it with its code
 * (`lineBreaksInside: 'keep'`); the rest is the secret, byte for byte.
 */
export function secretText(
  bytes: Uint8Array,
  what: string,
  where: string,
  options: SecretTextOptions = {},
): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('ERR_INPUT_READ', `The ${what} in ${where} is not UTF-8 text.`, { path: where });
  }
  if (options.lineBreaksInside === 'keep') return text.replace(/\r?\n$/, '');
  return oneLineSecret(text, what, where);
}

/** A secret from a file, read with the secret's size limit (see `secretText`). */
export async function readSecretFile(
  path: string,
  what: string,
  options: SecretTextOptions = {},
): Promise<string> {
  return secretText(await readInputFile(path, what, INPUT_LIMITS.secret), what, path, options);
}
