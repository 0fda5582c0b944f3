/** The `cisco-action` values, each named after the device command that consumes the blob. */
export const ACTIONS = ['add', 'populate', 'activate', 'deactivate'] as const;
export type Action = (typeof ACTIONS)[number];

/** The two content encryptions the device accepts. */
export const ENCS = ['A128GCM', 'A256GCM'] as const;
export type Enc = (typeof ENCS)[number];

export function isAction(v: unknown): v is Action {
  return typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);
}

export function isEnc(v: unknown): v is Enc {
  return typeof v === 'string' && (ENCS as readonly string[]).includes(v);
}

/** What a blob says about itself, readable without the secret. */
export interface BlobInfo {
  alg: 'dir';
  enc: Enc;
  action: Action;
  kdf: { version: '1'; salt: string; saltBytes: number };
  ivBytes: 12;
  ciphertextBytes: number;
  tagBytes: 16;
  /** The header's members are exactly the documented ones, in the documented order, compact. */
  headerCanonical: boolean;
  /** Header members beyond alg, cisco-action, cisco-kdf and enc. */
  extraMembers: string[];
  /** Length of the compact blob in characters. */
  length: number;
}

/** The result of opening a blob with the right secret. */
export interface OpenedBlob {
  action: Action;
  enc: Enc;
  payload: Uint8Array;
}
