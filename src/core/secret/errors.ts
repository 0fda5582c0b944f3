import { ProvisionerError } from '../errors.js';

/** Stable codes for a secret the device (or the tool) cannot take. */
export const SECRET_ERROR_CODES = [
  'ERR_SECRET_EMPTY',
  'ERR_SECRET_TOO_LONG',
  'ERR_SECRET_NOT_UTF8',
  'ERR_SECRET_CONTROL_CHARACTER',
  'ERR_SECRET_WEAK',
] as const;

export type SecretErrorCode = (typeof SECRET_ERROR_CODES)[number];

/** A ClientSecret that cannot be used as it is. Messages name the limit, never the secret. */
export class SecretError extends ProvisionerError<SecretErrorCode> {}
