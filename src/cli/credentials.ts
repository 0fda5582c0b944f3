import { readCredentials, type Credentials } from '../core/pki/index.js';
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
