import { safe } from '../../core/inert.js';
import { importEscrow } from '../../main/vault/escrow.js';
import { JSON_OPTION, optionsCommand } from '../command.js';
import { openVault } from '../context.js';
import { CliError } from '../errors.js';
import { secretFromFileOrPrompt, write } from '../io.js';
import { IMPORT_RESULT } from '../json-shapes.js';
import { shown } from '../shown.js';

const USAGE = 'e2ee-prov secret import FILE [--passphrase-file PATH] [--json]';

/** Reads an escrow file into the keychain; never overwrites a secret the keychain holds. */
export const secretImport = optionsCommand({
  path: ['secret', 'import'],
  summary: 'Import device secrets from an escrow file into the keychain (never overwriting one).',
  usage: USAGE,
  options: { 'passphrase-file': { type: 'string' }, ...JSON_OPTION },
  positionals: true,
  async run(v, io, positionals) {
    if (positionals.length !== 1) throw new CliError('ERR_USAGE', `Give one escrow FILE. Usage: ${USAGE}`);
    const file = positionals[0]!;
    const vault = await openVault(io);
    const passphrase = await secretFromFileOrPrompt(
      v['passphrase-file'],
      io,
      'Passphrase of the escrow file: ',
      'escrow passphrase',
    );
    const r = await importEscrow({ store: vault.secrets, journal: vault.journal, file, passphrase });
    if (v.json) {
      await write(io.stdout, JSON.stringify({ ok: true, ...(shown(r, IMPORT_RESULT) as object) }) + '\n');
      return 0;
    }
    const lines = [
      safe`Added to the keychain: ${r.added.length ? r.added.join(', ') : 'none'}.`,
      safe`Already in the keychain, the same: ${r.unchanged.length ? r.unchanged.join(', ') : 'none'}.`,
    ];
    if (r.toProbe.length) {
      lines.push(
        safe`The keychain holds a different secret for ${r.toProbe.join(', ')}: kept, and the file's secret stored as pending; the next connection to each device finds out which one it holds.`,
      );
    }
    if (r.skipped.length) {
      lines.push(
        safe`Not imported (a change is already pending; connect to settle it first): ${r.skipped.join(', ')}.`,
      );
    }
    await write(io.stdout, lines.join('\n') + '\n');
    return 0;
  },
});
