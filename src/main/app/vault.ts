/**
 * The app's vault: the secret store (the OS keychain, opened on first use and again after a refusal, so
 * that the person may unlock it and try again) and the journal in the app's data folder.
 */
import type { AppStatus, DeviceSessionInfo, InventoryView, SecretPresence } from '../../contract/index.js';
import { isProvisionerError } from '../../core/errors.js';
import { dataDir, ensureDataDir } from '../vault/data-dir.js';
import { deriveInventory } from '../vault/inventory.js';
import type { Journal } from '../vault/journal.js';
import { openJournal } from '../open.js';
import { type SecretStore, openSecretStore } from '../vault/secret-store.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A store's own name for itself, or the keychain's. */
function storeLabel(s: SecretStore): string {
  const label = (s as { label?: unknown }).label;
  return typeof label === 'string' ? label : 'OS keychain';
}

export class AppVault {
  private store: Promise<SecretStore> | null = null;
  private journal: Promise<Journal> | null = null;
  private readonly open: () => Promise<SecretStore>;

  constructor(
    readonly env: Env,
    open?: () => Promise<SecretStore>,
  ) {
    this.open = open ?? (() => openSecretStore({ env }));
  }

  secrets(): Promise<SecretStore> {
    this.store ??= this.open().catch((e: unknown) => {
      this.store = null; // the person may unlock the keychain and try again
      throw e;
    });
    return this.store;
  }

  records(): Promise<Journal> {
    this.journal ??= openJournal(this.env);
    return this.journal;
  }

  /** The app's data folder (created owner-only when missing). */
  dataDir(): Promise<string> {
    return ensureDataDir(dataDir(this.env));
  }

  /** Where a device's secret stands in the keychain, or the keychain's refusal (by code). */
  async presence(serial: string): Promise<Pick<DeviceSessionInfo, 'secret' | 'keychainError'>> {
    try {
      const s = await this.secrets();
      const status = (await s.list()).find((x) => x.serial === serial);
      const secret: SecretPresence = {
        hasSecret: status?.hasSecret ?? false,
        hasPending: status?.hasPending ?? false,
        label: storeLabel(s),
      };
      return { secret };
    } catch (e) {
      if (!isProvisionerError(e)) throw e;
      return { secret: null, keychainError: { code: e.code, message: e.message } };
    }
  }

  /** The keychain's state for the status bar. */
  async keychainStatus(): Promise<AppStatus['keychain']> {
    try {
      return { ok: true, label: storeLabel(await this.secrets()) };
    } catch (e) {
      if (!isProvisionerError(e)) throw e;
      return { ok: false, code: e.code };
    }
  }

  /** Keychain and journal for the status bar, with how many generated secrets wait. Never a secret. */
  async status(pendingSecrets: number): Promise<AppStatus> {
    const keychain = await this.keychainStatus();
    const report = await (await this.records()).verify();
    return {
      keychain,
      journal: { records: report.records, ok: report.ok, code: report.problems[0]?.code ?? null },
      pendingSecrets,
    };
  }

  /** The inventory the journal gives, with the keychain's status per device (or its refusal). */
  async inventory(): Promise<InventoryView> {
    const inventory = deriveInventory(await (await this.records()).read());
    try {
      const list = await (await this.secrets()).list();
      return {
        ...inventory,
        keychain: list.map((x) => ({ serial: x.serial, hasSecret: x.hasSecret, hasPending: x.hasPending })),
      };
    } catch (e) {
      if (!isProvisionerError(e)) throw e;
      return { ...inventory, keychain: null, keychainError: { code: e.code, message: e.message } };
    }
  }
}
