import { ProvisionerError } from '../errors.js';

/** Stable codes for every refusal of the blob contract (`shared/spec/jwe-blobs.md`). */
export const JWE_ERROR_CODES = [
  'ERR_JWE_PARTS',
  'ERR_JWE_BASE64URL',
  'ERR_JWE_HEADER_NOT_JSON',
  'ERR_JWE_HEADER_ORDER',
  'ERR_JWE_ALG',
  'ERR_JWE_ENC',
  'ERR_JWE_ACTION',
  'ERR_JWE_ACTION_MISMATCH',
  'ERR_JWE_KDF',
  'ERR_JWE_KDF_VERSION',
  'ERR_JWE_SALT_TOO_SHORT',
  'ERR_JWE_ENCRYPTED_KEY_NOT_EMPTY',
  'ERR_JWE_IV_LENGTH',
  'ERR_JWE_TAG_LENGTH',
  'ERR_JWE_DECRYPTION_FAILED',
  'ERR_JWE_SECRET_EMPTY',
  'ERR_JWE_PAYLOAD_NOT_UTF8',
  'ERR_JWE_FINGERPRINT_INVALID',
  'ERR_JWE_ADD_PAYLOAD',
  'ERR_JWE_KDF_FAILED',
] as const;

export type JweErrorCode = (typeof JWE_ERROR_CODES)[number];

/** A blob, a header or a payload that the device would refuse, or a tag that does not verify. */
export class JweError extends ProvisionerError<JweErrorCode> {}
