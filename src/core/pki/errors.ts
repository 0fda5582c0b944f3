import { ProvisionerError } from '../errors.js';

/**
 * Stable codes for every refusal of a certificate, key, PKCS#12 bundle or CSR request. Public API: the CLI
 * prints them, the workflows send them across IPC, the renderer translates them.
 */
export const PKI_ERROR_CODES = [
  // Reading
  'ERR_CERT_MISSING',
  'ERR_CERT_PARSE',
  'ERR_KEY_PARSE',
  'ERR_KEY_MULTIPLE',
  'ERR_KEY_PASSPHRASE_REQUIRED',
  'ERR_KEY_PASSPHRASE_WRONG',
  'ERR_P12_PARSE',
  'ERR_P12_PASSWORD_REQUIRED',
  'ERR_P12_PASSWORD_WRONG',
  // Checking (what the device would refuse)
  'ERR_KEY_MISSING',
  'ERR_CERT_KEY_NOT_P256',
  'ERR_CERT_KEY_MISMATCH',
  'ERR_CERT_EXPIRED',
  'ERR_CERT_NOT_YET_VALID',
  // Generating
  'ERR_CSR_CN',
  'ERR_CSR_DNS',
  'ERR_CSR_EMAIL',
  'ERR_KEY_PASSPHRASE_EMPTY',
] as const;

export type PkiErrorCode = (typeof PKI_ERROR_CODES)[number];

/** Findings that do not stop provisioning but that a technician should see. */
export const PKI_WARNING_CODES = [
  'WARN_CERT_EXPIRING_SOON',
  'WARN_CERT_SELF_SIGNED',
  'WARN_CERT_NO_CN',
  'WARN_CERT_IS_CA',
  'WARN_CERT_KEY_USAGE',
  'WARN_CHAIN_BROKEN',
  'WARN_CHAIN_CERT_EXPIRED',
] as const;

export type PkiWarningCode = (typeof PKI_WARNING_CODES)[number];

/** One finding of a check: a stable code and a sentence for a technician. */
export interface PkiIssue<C extends string = PkiErrorCode | PkiWarningCode> {
  code: C;
  message: string;
}

/** A certificate, key or bundle the tool cannot use, or a CSR request it cannot make. */
export class PkiError extends ProvisionerError<PkiErrorCode> {}
