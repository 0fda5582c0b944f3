/** The device's JWE blobs (`shared/spec/jwe-blobs.md`): seal, open, inspect, cisco-kdf v1, payloads. */
export {
  seal,
  sealedLength,
  open,
  inspect,
  headerJson,
  DEFAULT_SALT_BYTES,
  MIN_SALT_BYTES,
  IV_BYTES,
  TAG_BYTES,
} from './blob.js';
export type { SealOptions, OpenOptions } from './blob.js';
export { deriveKey, CISCO_KDF_V1, KEY_BYTES } from './kdf.js';
export { populatePayload, fingerprintPayload, addPayload, normalizePem } from './payloads.js';
export type { AddPayloadInput } from './payloads.js';
export { JweError, JWE_ERROR_CODES } from './errors.js';
export type { JweErrorCode } from './errors.js';
export { ACTIONS, ENCS, isAction, isEnc } from './types.js';
export type { Action, Enc, BlobInfo, OpenedBlob } from './types.js';
export { b64u, unb64u } from './base64url.js';
