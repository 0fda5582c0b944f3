import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../main/vault/atomic-file.js';
import { optionsCommand, required } from '../command.js';
import { CliError } from '../errors.js';
import { type CliIO, promptHidden, readSecret, write } from '../io.js';

const USAGE =
  'e2ee-prov cert csr --cn NAME [--dns NAME]... [--email ADDR]... --key-out PATH --csr-out PATH --passphrase-file PATH';

/**
 * Makes a new ECDSA P-256 key (written encrypted, PKCS#8, mode 0600) and a PKCS#10 CSR for a CA. Never
 * overwrites: an existing output file is refused before anything is generated, and each file is written to a
 * temporary name and linked into place only if the name is still free.
 */
export const certCsr = optionsCommand({
  path: ['cert', 'csr'],
  summary: 'Make a new P-256 key (encrypted) and a CSR with CN and SANs to send to a CA.',
  usage: USAGE,
  options: {
    cn: { type: 'string' },
    dns: { type: 'string', multiple: true, default: [] },
    email: { type: 'string', multiple: true, default: [] },
    'key-out': { type: 'string' },
    'csr-out': { type: 'string' },
    'passphrase-file': { type: 'string' },
  },
  async run(values, io) {
    const cn = required(values.cn, 'cn', USAGE);
    const keyOut = required(values['key-out'], 'key-out', USAGE);
    const csrOut = required(values['csr-out'], 'csr-out', USAGE);
    if (resolve(keyOut) === resolve(csrOut)) {
      throw new CliError('ERR_USAGE', '--key-out and --csr-out name the same file; give two paths.');
    }
    await refuseExisting(keyOut, 'key');
    await refuseExisting(csrOut, 'CSR');

    const passphrase =
      values['passphrase-file'] !== undefined
        ? await readSecret(values['passphrase-file'], io, 'passphrase')
        : await promptTwice(io);

    // Loaded on use: the certificate libraries take a while to load, and other commands do not need them.
    const { generateKeyAndCsr } = await import('../../core/pki/index.js');
    const made = await generateKeyAndCsr({ cn, dns: values.dns, email: values.email, passphrase });
    await writeNewFile(keyOut, made.keyPem, 0o600, 'key');
    await writeNewFile(csrOut, made.csrPem, 0o644, 'CSR');

    await write(
      io.stdout,
      [
        `Wrote the new private key (ECDSA P-256, encrypted PKCS#8, mode 0600) to ${keyOut}`,
        `Wrote the certificate request (PKCS#10) to ${csrOut}`,
        `  CN          ${made.subject.cn}`,
        `  SAN DNS     ${made.san.dns.join(', ') || '(none)'}`,
        `  SAN email   ${made.san.email.join(', ') || '(none)'}`,
        `  Public key  SHA-256 ${made.publicKeySha256}`,
        `Send the CSR to the CA. Keep the key file and its passphrase: the certificate is useless without them.`,
        '',
      ].join('\n'),
    );
    return 0;
  },
});

async function promptTwice(io: CliIO): Promise<string> {
  const first = await promptHidden(io, 'Passphrase for the new private key: ');
  const second = await promptHidden(io, 'The same passphrase again: ');
  if (first !== second)
    throw new CliError('ERR_SECRET_SOURCE', 'The two passphrases differ; nothing was written.');
  return first;
}

async function refuseExisting(path: string, what: string): Promise<void> {
  try {
    await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CliError(
      'ERR_OUTPUT_WRITE',
      `Cannot check the ${what} output ${path}: ${(e as Error).message}.`,
      {
        path,
      },
    );
  }
  throw exists(path, what);
}

function exists(path: string, what: string): CliError {
  return new CliError(
    'ERR_OUTPUT_WRITE',
    `The ${what} output ${path} already exists, and it is never overwritten. Choose another path, or move the old file away first.`,
    { path, reason: 'exists' },
  );
}

/** Writes a new file with the shared atomic writer, never replacing one (`exclusive`). */
async function writeNewFile(path: string, data: string, mode: number, what: string): Promise<void> {
  try {
    await writeFileAtomic(path, data, { mode, exclusive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path, what);
    throw new CliError('ERR_OUTPUT_WRITE', `Cannot write the ${what} to ${path}: ${(e as Error).message}.`, {
      path,
    });
  }
}
