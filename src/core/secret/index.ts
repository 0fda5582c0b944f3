/** ClientSecrets: generation, the device's limits, a strength estimate. Pure: no I/O. */
export {
  generateSecret,
  generatedShapeBits,
  SECRET_ALPHABET,
  BITS_PER_CHARACTER,
  DEFAULT_GROUPS,
  DEFAULT_GROUP_SIZE,
  MIN_GENERATED_BITS,
} from './generate.js';
export type { GenerateOptions, GeneratedSecret } from './generate.js';
export {
  SECRET_PARAMETER_MAX_CHARS,
  MAX_PLAIN_SECRET_BYTES,
  MAX_BLOB_SECRET_BYTES,
  MAX_SECRET_FILE_BYTES,
  base64urlLength,
  plainPopulateLength,
  populateBlobLength,
} from './limits.js';
export { estimateStrength, WEAK_BELOW_BITS, STRONG_FROM_BITS } from './strength.js';
export type { StrengthEstimate, StrengthRating, StrengthFinding } from './strength.js';
export { checkSecret, describeWarning, oneLineSecret } from './check.js';
export type { PopulateRoute, SecretCheck, SecretWarning } from './check.js';
export { SecretError, SECRET_ERROR_CODES } from './errors.js';
export type { SecretErrorCode } from './errors.js';
