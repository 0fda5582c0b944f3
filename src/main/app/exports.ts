/**
 * Exports: the handover sheet (plain text, in the window's language, with the secret only when the
 * person asked for it) and the inventory CSV (never a secret; a device-sourced cell a spreadsheet would
 * run as a formula is written as text). Both are written where main's save dialog says.
 */
import { basename } from 'node:path';
import type { AppLanguage, HandoverFacts, HandoverSaved, SheetFacts } from '../../contract/index.js';
import { NATIVE_TEXT } from '../native-text.js';
import { writeFileAtomic } from '../vault/atomic-file.js';
import { deriveInventory } from '../vault/inventory.js';
import { spreadsheetSafe, toCsv } from '../workflows/csv.js';
import type { SecretCustody } from './custody.js';
import { AppError } from './errors.js';
import type { FileDialog } from './options.js';
import type { AppVault } from './vault.js';

export type { SheetFacts };

/** The handover sheet as plain text, in the window's language; the secret only when the person asked for it. */
export function handoverText(r: SheetFacts, secret: string | undefined, language: AppLanguage): string {
  const w = NATIVE_TEXT[language].sheet;
  const rows: [string, string | null | undefined][] = [
    [w.product, r.productId],
    [w.serial, r.serialNumber],
    [w.software, r.softwareVersion],
    [w.identity, r.identity],
    [w.fingerprint, r.fingerprint],
    [w.notAfter, r.notAfter],
    [w.enc, r.enc],
    [w.provisionedAt, r.provisionedAt],
    [w.registered, r.registered === undefined ? undefined : r.registered ? w.yes : w.no],
  ];
  const lines = [
    w.title,
    '',
    ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v ?? w.unknown}`),
  ];
  if (secret !== undefined) lines.push('', `${w.secret}: ${secret}`, '', w.keepSafe);
  return lines.join('\n') + '\n';
}

/** The inventory CSV's header, in order. */
export const INVENTORY_COLUMNS = [
  'serial',
  'product',
  'identity',
  'fingerprint',
  'valid_until',
  'state',
  'last_action',
  'last_result',
  'last_at',
] as const;

export class AppExports {
  /** The last handover facts per device, for the saved sheet. */
  private readonly handovers = new Map<string, HandoverFacts>();

  constructor(
    private readonly vault: AppVault,
    private readonly custody: SecretCustody,
    private readonly dialog: FileDialog,
  ) {}

  /** A provisioning's report (without its secret), for the device's sheet. */
  remember(facts: HandoverFacts): void {
    this.handovers.set(facts.serialNumber, facts);
  }

  /** A sheet for a device no provisioning here reported on (a rotation): the journal's certificate facts. */
  private async journalFacts(w: { serial: string; productId: string | null }): Promise<SheetFacts> {
    const known = deriveInventory(await (await this.vault.records()).read()).devices.find(
      (d) => d.serial === w.serial,
    );
    return {
      serialNumber: w.serial,
      productId: w.productId ?? known?.productId ?? null,
      identity: known?.certificate?.cn ?? null,
      fingerprint: known?.certificate?.fingerprint ?? null,
      notAfter: known?.certificate?.notAfter ?? null,
    };
  }

  /** Main's save dialog, then the device's sheet written there, with or without the secret in custody. */
  async saveHandover(serial: string, withSecret: boolean, language: AppLanguage): Promise<HandoverSaved> {
    const waiting = this.custody.get(serial);
    const facts: SheetFacts | undefined =
      this.handovers.get(serial) ?? (waiting ? await this.journalFacts(waiting) : undefined);
    if (!facts) {
      throw new AppError('ERR_APP_NO_REPORT', 'There is no handover sheet for this device in this window.');
    }
    const secret = withSecret ? waiting?.secret : undefined;
    if (withSecret && secret === undefined) {
      throw new AppError(
        'ERR_APP_NOTHING_TO_REVEAL',
        'The secret was acknowledged already and is no longer held by the app; save the sheet without it.',
      );
    }
    if (!this.dialog.saveFile) return { name: null, withSecret };
    const path = await this.dialog.saveFile({
      title: NATIVE_TEXT[language].saveHandover,
      defaultName: `handover-${serial}${withSecret ? '-with-secret' : ''}.txt`,
    });
    if (path === null) return { name: null, withSecret };
    await writeFileAtomic(path, handoverText(facts, secret, language), { mode: 0o600 });
    return { name: basename(path), withSecret };
  }

  /** Main's save dialog, then the inventory written there as CSV. */
  async exportInventory(): Promise<{ name: string | null; rows: number }> {
    const inventory = deriveInventory(await (await this.vault.records()).read());
    const rows = [
      [...INVENTORY_COLUMNS],
      ...inventory.devices.map((d) => [
        d.serial,
        d.productId ?? '',
        d.certificate?.cn ?? '',
        d.certificate?.fingerprint ?? '',
        d.certificate?.notAfter ?? '',
        d.state,
        d.lastAction?.action ?? '',
        d.lastAction?.result ?? '',
        d.lastAction?.at ?? '',
      ]),
    ].map((r) => r.map(spreadsheetSafe));
    if (!this.dialog.saveFile) return { name: null, rows: inventory.devices.length };
    const path = await this.dialog.saveFile({
      title: 'Export the inventory',
      defaultName: 'inventory.csv',
    });
    if (path === null) return { name: null, rows: inventory.devices.length };
    await writeFileAtomic(path, toCsv(rows), { mode: 0o600 });
    return { name: basename(path), rows: inventory.devices.length };
  }
}
