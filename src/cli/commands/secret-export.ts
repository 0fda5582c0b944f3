import { basename } from 'node:path';
import { exportEscrow } from '../../main/vault/escrow.js';
import { type Command, parse, required } from '../command.js';
import { openVault } from '../context.js';
import { CliError } from '../errors.js';
import { type CliIO, promptHidden, readSecret, write } from '../io.js';

const USAGE = 'e2ee-prov secret export --out FILE [--device SERIAL]... [--passphrase-file PATH] [--force]';

/** The escrow passphrase: from a file, or typed twice at a hidden prompt. */
export async function newPassphrase(path: string | undefined, io: CliIO): Promise<string> {
  if (path !== undefined) return readSecret(path, io, 'escrow passphrase');
  const first = await promptHidden(io, 'Passphrase for the escrow file: ');
  const again = await promptHidden(io, 'The same passphrase again: ');
  if (first !== again)
    throw new CliError('ERR_SECRET_SOURCE', 'The two passphrases differ; nothing was written.');
  return first;
}

/** Writes chosen device secrets from the keychain to an escrow file encrypted under a passphrase. */
export const secretExport: Command = {
  path: ['secret', 'export'],
  summary: 'Export device secrets from the keychain to an escrow file encrypted under a passphrase.',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v } = parse(
      args,
      {
        out: { type: 'string' },
        device: { type: 'string', multiple: true },
        'passphrase-file': { type: 'string' },
        force: { type: 'boolean', default: false },
      },
      USAGE,
    );
    const out = required(v.out, 'out', USAGE);
    if (out === '-')
      throw new CliError(
        'ERR_USAGE',
        '--out names a file; an escrow file is never written to standard output.',
      );
    const vault = await openVault(io);
    const passphrase = await newPassphrase(v['passphrase-file'], io);
    const log2N = io.env.E2EE_PROV_ESCROW_LOG2N ? Number(io.env.E2EE_PROV_ESCROW_LOG2N) : undefined;
    const { serials } = await exportEscrow({
      store: vault.secrets,
      journal: vault.journal,
      file: out,
      passphrase,
      serials: v.device ?? [],
      overwrite: v.force,
      ...(log2N !== undefined ? { log2N } : {}),
    });
    await write(
      io.stdout,
      `Exported the secrets of ${serials.length} device(s) to ${basename(out)}: ${serials.join(', ')}. Keep the file and its passphrase apart.\n`,
    );
    return 0;
  },
};
