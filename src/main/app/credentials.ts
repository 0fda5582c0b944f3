/**
 * The credentials selection: the certificate and key files the person chose in main's file dialog
 * (the window sees their names, never reads them), and what the last check of them said. A new choice
 * forgets the last check.
 */
import { basename } from 'node:path';
import type { ChosenFile, CredentialsCheck, FileRole } from '../../contract/index.js';
import {
  type Credentials,
  type CredentialsInput,
  inspectCredentials,
  readCredentials,
} from '../../core/pki/index.js';
import { INPUT_LIMITS, InputError, readFileBounded } from '../input/bounded.js';
import { type NativeText } from '../native-text.js';
import { WorkflowError } from '../workflows/errors.js';
import { AppError } from './errors.js';
import type { FileDialog, FileDialogRequest } from './options.js';

/** A file the person chose in main's dialog, read within the credentials' bound; a coded error names it. */
export async function readChosenFile(path: string): Promise<Buffer> {
  try {
    return await readFileBounded(path, INPUT_LIMITS.credentials, 'chosen file');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new WorkflowError(
      'ERR_WORKFLOW_INPUT_READ',
      `The file ${basename(path)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); choose it again.`,
      { file: basename(path) },
    );
  }
}

/** Main's file dialog for a role, in the window's language. */
export function dialogFor(role: FileRole, text: NativeText): Omit<FileDialogRequest, 'role'> {
  return role === 'certificate'
    ? {
        title: text.chooseCertificate,
        filters: [
          { name: text.certificates, extensions: ['pem', 'crt', 'cer', 'der', 'p12', 'pfx'] },
          { name: text.allFiles, extensions: ['*'] },
        ],
      }
    : {
        title: text.chooseKey,
        filters: [
          { name: text.privateKeys, extensions: ['pem', 'key'] },
          { name: text.allFiles, extensions: ['*'] },
        ],
      };
}

export class CredentialsSelection {
  private readonly files: Partial<Record<FileRole, string>> = {};
  private credentials: Credentials | null = null;
  private lastCheckOk = false;

  constructor(private readonly dialog: FileDialog) {}

  /** Main's file dialog for a role; the file's name, or null when the person cancelled. */
  async choose(role: FileRole, text: NativeText): Promise<ChosenFile | null> {
    const path = await this.dialog.openFile({ role, ...dialogFor(role, text) });
    if (path === null) return null;
    this.files[role] = path;
    this.credentials = null;
    this.lastCheckOk = false;
    return { role, name: basename(path) };
  }

  private async readChosen(role: FileRole): Promise<Uint8Array> {
    return new Uint8Array(await readChosenFile(this.files[role]!));
  }

  /** Reads the chosen files and checks them as the device would; the credentials are kept for a run. */
  async inspect(passphrase: string | null): Promise<CredentialsCheck> {
    if (!this.files.certificate) {
      throw new AppError('ERR_APP_NO_CERTIFICATE', 'Choose the device certificate file first.');
    }
    const input: CredentialsInput = {
      certFile: await this.readChosen('certificate'),
      ...(this.files.key ? { keyPem: Buffer.from(await this.readChosen('key')).toString('utf8') } : {}),
      ...(passphrase !== null && passphrase !== '' ? { passphrase } : {}),
    };
    this.credentials = null;
    this.lastCheckOk = false;
    const check = inspectCredentials(input);
    this.lastCheckOk = check.ok;
    try {
      this.credentials = readCredentials(input);
    } catch {
      this.credentials = null; // the check's errors say why (a key that cannot be read)
    }
    return check;
  }

  /** The checked credentials for a run; a real run also needs the check to have passed. */
  forRun(dryRun: boolean): Credentials {
    if (!this.credentials) {
      throw new AppError(
        'ERR_APP_CREDENTIALS_UNCHECKED',
        'Choose the certificate (and its key, when it is a separate file) and check them before provisioning.',
      );
    }
    if (!dryRun && !this.lastCheckOk) {
      throw new AppError(
        'ERR_APP_CREDENTIALS_REFUSED',
        'The certificate check says the device would refuse these files; fix what it lists, check again, then provision.',
      );
    }
    return this.credentials;
  }
}
