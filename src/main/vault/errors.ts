import { ProvisionerError } from '../../core/errors.js';

/** The OS keychain: unreachable, locked, or without the secret asked for. */
export const VAULT_ERROR_CODES = [
  'ERR_VAULT_UNAVAILABLE',
  'ERR_VAULT_LOCKED',
  'ERR_VAULT_NO_SECRET',
  'ERR_VAULT_WRITE_LOST',
  'ERR_VAULT_BAD_SERIAL',
] as const;
export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];
export class VaultError extends ProvisionerError<VaultErrorCode> {}

/** The journal: edited, truncated, unreadable, or asked to hold what it must not. */
export const JOURNAL_ERROR_CODES = [
  'ERR_JOURNAL_TAMPERED',
  'ERR_JOURNAL_TRUNCATED',
  'ERR_JOURNAL_IO',
  'ERR_JOURNAL_LOCKED',
  'ERR_JOURNAL_SECRET_REFUSED',
  'ERR_JOURNAL_RECORD_INVALID',
] as const;
export type JournalErrorCode = (typeof JOURNAL_ERROR_CODES)[number];
export class JournalError extends ProvisionerError<JournalErrorCode> {}

/** The data folder named by E2EE_PROV_HOME (or the platform's place) cannot hold the tool's records. */
export const DATA_DIR_ERROR_CODES = ['ERR_DATA_DIR_UNUSABLE'] as const;
export type DataDirErrorCode = (typeof DATA_DIR_ERROR_CODES)[number];
export class DataDirError extends ProvisionerError<DataDirErrorCode> {}

/** Escrow files: wrong passphrase, damaged, of an unknown version, or not writable. */
export const ESCROW_ERROR_CODES = [
  'ERR_ESCROW_PASSPHRASE',
  'ERR_ESCROW_PASSPHRASE_WEAK',
  'ERR_ESCROW_CORRUPT',
  'ERR_ESCROW_FORMAT',
  'ERR_ESCROW_VERSION',
  'ERR_ESCROW_EXISTS',
  'ERR_ESCROW_IO',
  'ERR_ESCROW_EMPTY',
] as const;
export type EscrowErrorCode = (typeof ESCROW_ERROR_CODES)[number];
export class EscrowError extends ProvisionerError<EscrowErrorCode> {}
