import { readCredentials, type Credentials } from '../core/pki/index.js';
import { type SecretCheck, refuseWeak } from '../core/secret/index.js';
import { type CliIO, readInput, readSecret } from './io.js';

/** Reads --cert (PEM, DER or PKCS#12), --key and --passphrase-file into credentials. */
export async function loadCredentials(
  io: CliIO,
  certPath: string,
  keyPath?: string,
  passphraseFile?: string,
): Promise<Credentials> {
  const certFile = await readInput(certPath, io, 'certificate');
  const keyPem =
    keyPath !== undefined ? (await readInput(keyPath, io, 'private key')).toString('utf8') : undefined;
  const passphrase =
    passphraseFile !== undefined ? await readSecret(passphraseFile, io, 'passphrase') : undefined;
  return readCredentials({
    certFile: new Uint8Array(certFile),
    ...(keyPem !== undefined ? { keyPem } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  });
}

/**
 * A typed secret rated weak is refused before anything is sent, as the window refuses it; `--allow-weak-secret`
 * lets a person insist. `leaveOut` names the option to leave out for a generated secret.
 */
export function refuseWeakSecret(check: SecretCheck, allowed: boolean, leaveOut: string): void {
  if (allowed) return;
  refuseWeak(
    check,
    `The ${leaveOut === '--secret-file' ? 'client' : 'new'} secret`,
    `Choose a longer one (four or more random words), leave out ${leaveOut} to have one generated, or give --allow-weak-secret to take it anyway.`,
  );
}
