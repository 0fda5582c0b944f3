import { readCredentials, type Credentials } from '../core/pki/index.js';
import type { WeakSecretPolicy, WeakSecretWords } from '../main/workflows/secret-policy.js';
import { required } from './command.js';
import { type CliIO, readInput, readSecret } from './io.js';

/** Reads --cert (PEM, DER or PKCS#12, required), --key and --passphrase-file into credentials. */
export async function loadCredentials(
  io: CliIO,
  v: { cert?: string; key?: string; 'passphrase-file'?: string },
  usage: string,
): Promise<Credentials> {
  const certPath = required(v.cert, 'cert', usage);
  const keyPath = v.key;
  const passphraseFile = v['passphrase-file'];
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
 * `--allow-weak-secret` as the workflows' weak-secret policy: without it a typed secret rated weak is
 * refused before anything is sent, as the window refuses it.
 */
export function weakSecretPolicy(allowed: boolean): WeakSecretPolicy {
  return allowed ? 'allow' : 'refuse';
}

/** The CLI's words for that refusal; `leaveOut` names the option to leave out for a generated secret. */
export function weakSecretWords(leaveOut: string): WeakSecretWords {
  return {
    subject: `The ${leaveOut === '--secret-file' ? 'client' : 'new'} secret`,
    remedy: `Choose a longer one (four or more random words), leave out ${leaveOut} to have one generated, or give --allow-weak-secret to take it anyway.`,
  };
}
