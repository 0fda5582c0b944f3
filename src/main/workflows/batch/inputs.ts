/**
 * A batch row's inputs: its files confined to the CSV's folder (symbolic links included), read bounded,
 * the credentials parsed, the secrets, password and activation code read and checked, and its device
 * target; all before its device is connected.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { type Credentials, readCredentials } from '../../../core/pki/index.js';
import { checkSecret, refuseWeak } from '../../../core/secret/index.js';
import { checkActivationCode } from '../../../core/xapi/build.js';
import { parseTarget, type Target } from '../../device/index.js';
import { readInputFile, readSecretFile as readSecret } from '../../input/read.js';
import { WorkflowError } from '../errors.js';
import type { BatchRow } from './file.js';

export interface Loaded {
  credentials: Credentials;
  secret?: string;
  activationCode?: string;
  password: string;
}

/** A file holding one secret (`readSecretFile`); `keepLineBreaks`: the value's own check names them. */
function readSecretFile(path: string, what: string, keepLineBreaks = false): Promise<string> {
  return readSecret(path, what, keepLineBreaks ? { lineBreaksInside: 'keep' } : {});
}

/**
 * Whether `path` really lies outside the folder `confinedTo` (symbolic links followed): its folder's real
 * path, whether or not the file exists yet, and the file's own real path when it exists. False when the
 * folder or the file is not there (their readers and writers report it, with the path).
 */
export async function reachesOutside(confinedTo: string, path: string): Promise<boolean> {
  const root = await realpath(confinedTo).catch(() => undefined);
  if (root === undefined) return false;
  const outside = (real: string | undefined): boolean => {
    if (real === undefined) return false;
    const rel = relative(root, real);
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  };
  return (
    outside(await realpath(dirname(path)).catch(() => undefined)) ||
    outside(await realpath(path).catch(() => undefined))
  );
}

/**
 * A row's file, checked against the CSV's folder once more where it really is: a symbolic link inside
 * the folder that leads out of it is refused like a path that says so. The real path of the file's folder
 * is checked whether or not the file exists yet (a file to be written, such as a simulator's state or the
 * backup, is created there), and the file's own real path when it exists.
 */
async function confine(row: BatchRow, path: string, column: string): Promise<void> {
  if (row.confinedTo === undefined) return;
  if (await reachesOutside(row.confinedTo, path)) {
    throw new WorkflowError(
      'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
      `Line ${row.line}: the ${column} file is reached through a symbolic link that leaves the batch file's folder. Copy the file into the CSV's folder, or, for a CSV you trust, run with --allow-paths-outside.`,
      { line: row.line, column },
    );
  }
}

export async function loadRow(row: BatchRow, allowWeakSecret: boolean): Promise<Loaded> {
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
    password:
      row.passwordFile !== undefined ? await readSecretFile(row.passwordFile, 'login password', true) : '',
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
export function targetOf(row: BatchRow): Target {
  const target = parseTarget(row.target);
  if (target.kind === 'sim' && row.simStateFile !== undefined)
    return { ...target, options: { ...target.options, stateFile: row.simStateFile } };
  return target;
}
