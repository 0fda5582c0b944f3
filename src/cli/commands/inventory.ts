import { inert } from '../../core/inert.js';
import { dataDir } from '../../main/vault/data-dir.js';
import { type InventoryDevice, deriveInventory } from '../../main/vault/inventory.js';
import { Journal } from '../../main/vault/journal.js';
import { openSecretStore, type SecretStatus } from '../../main/vault/secret-store.js';
import { isProvisionerError } from '../../core/errors.js';
import { type Command, parse } from '../command.js';
import { type CliIO, write } from '../io.js';
import { INVENTORY_DEVICE } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov inventory [--json]';

type Row = InventoryDevice & { keychain: 'secret' | 'secret+pending' | 'pending' | 'none' | 'unknown' };

function keychainState(s: SecretStatus | undefined, known: boolean): Row['keychain'] {
  if (!known) return 'unknown';
  if (!s) return 'none';
  if (s.hasSecret && s.hasPending) return 'secret+pending';
  return s.hasSecret ? 'secret' : 'pending';
}

/** The devices the journal knows: certificate, state, last action; and whether the keychain holds a secret. */
export const inventoryCommand: Command = {
  path: ['inventory'],
  summary: 'List the devices the journal knows: certificate CN, fingerprint and expiry, state, last action.',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v } = parse(args, { json: { type: 'boolean', default: false } }, USAGE);
    const journal = new Journal(dataDir(io.env));
    const inventory = deriveInventory(await journal.read());
    // The keychain column is a convenience: without a keychain the journal's inventory still shows.
    let statuses: SecretStatus[] = [];
    let keychainKnown = true;
    try {
      statuses = await (await openSecretStore({ env: io.env })).list();
    } catch (e) {
      if (!isProvisionerError(e)) throw e;
      keychainKnown = false;
      if (!v.json) io.stderr.write(`note: ${e.code} the keychain column is unknown.\n`);
    }
    const rows: Row[] = inventory.devices.map((d) => ({
      ...d,
      keychain: keychainState(
        statuses.find((s) => s.serial === d.serial),
        keychainKnown,
      ),
    }));
    if (v.json) {
      await write(
        io.stdout,
        jsonShown(
          { devices: rows, records: inventory.records },
          { devices: { ...INVENTORY_DEVICE, keychain: true }, records: true },
        ),
      );
      return 0;
    }
    if (rows.length === 0) {
      await write(io.stdout, 'The journal knows no devices yet.\n');
      return 0;
    }
    const table = [
      ['SERIAL', 'STATE', 'CERTIFICATE CN', 'SHA-1', 'NOT AFTER', 'KEYCHAIN', 'LAST ACTION'],
      // Every cell is shown inert: a CN from a certificate file may hold escapes and line breaks.
      ...rows.map((r) =>
        [
          r.serial,
          r.state,
          r.certificate ? `${r.certificate.cn}${r.certificate.active ? '' : ' (inactive)'}` : '-',
          r.certificate ? r.certificate.fingerprint : '-',
          r.certificate ? r.certificate.notAfter.slice(0, 10) : '-',
          r.keychain,
          r.lastAction
            ? `${r.lastAction.action} ${r.lastAction.result} ${r.lastAction.at.slice(0, 16).replace('T', ' ')}`
            : '-',
        ].map(inert),
      ),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    await write(
      io.stdout,
      table
        .map((row) =>
          row
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        )
        .join('\n') + '\n',
    );
    return 0;
  },
};
