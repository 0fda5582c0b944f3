/** Secrets in the OS keychain (and in memory for the demo and tests), the journal (the record), the inventory derived from it, escrow files. */
export { dataDir, ensureDataDir, APP_DIR_NAME } from './data-dir.js';
export {
  KeychainSecretStore,
  openSecretStore,
  checkSerial,
  keychainError,
  DEFAULT_KEYCHAIN_SERVICE,
} from './secret-store.js';
export { MemorySecretStore } from './memory-store.js';
export type { SecretStore, SecretStatus, KeychainOptions } from './secret-store.js';
export { Journal, unsettledOps, lineHash, GENESIS, JOURNAL_FILE, HEAD_FILE } from './journal.js';
export type { AppendOptions, JournalOptions, JournalProblem, VerifyReport } from './journal.js';
export type * from './journal-types.js';
export { deriveInventory } from './inventory.js';
export type { Inventory, InventoryDevice, DeviceState } from './inventory.js';
export {
  sealEscrow,
  openEscrow,
  exportEscrow,
  importEscrow,
  ESCROW_FORMAT,
  ESCROW_VERSION,
  DEFAULT_LOG2N,
} from './escrow.js';
export type { EscrowEntry, ExportOptions, ImportResult } from './escrow.js';
export { writeFileAtomic } from './atomic-file.js';
export {
  VaultError,
  JournalError,
  EscrowError,
  VAULT_ERROR_CODES,
  JOURNAL_ERROR_CODES,
  ESCROW_ERROR_CODES,
} from './errors.js';
export type { VaultErrorCode, JournalErrorCode, EscrowErrorCode } from './errors.js';
