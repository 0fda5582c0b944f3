import { randomBytes } from 'node:crypto';

/**
 * The characters of a generated secret: digits 2-9 and the capital letters without I and O. Exactly 32,
 * so each character carries exactly 5 bits; none of them can be mistaken for another when read aloud
 * or copied from paper (no 0/O, 1/I/l).
 */
export const SECRET_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Bits each character of a generated secret carries: log2(32). */
export const BITS_PER_CHARACTER = 5;

/** Default shape: 7 groups of 4 characters, separated by "-": 28 random characters, exactly 140 bits. */
export const DEFAULT_GROUPS = 7;
export const DEFAULT_GROUP_SIZE = 4;
export const MIN_GENERATED_BITS = 128;

export interface GenerateOptions {
  groups?: number;
  groupSize?: number;
}

export interface GeneratedSecret {
  /** e.g. `K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS`. The hyphens are part of the secret. */
  secret: string;
  /** Exactly the entropy of the random characters (hyphens carry none). */
  bits: number;
}

/**
 * A fresh random ClientSecret a person can read aloud and type: groups of unambiguous characters.
 * Uniform: a random byte masked to 5 bits is uniform over 32 symbols (256 is a multiple of 32).
 */
export function generateSecret(options: GenerateOptions = {}): GeneratedSecret {
  const groups = options.groups ?? DEFAULT_GROUPS;
  const groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
  if (!Number.isInteger(groups) || !Number.isInteger(groupSize) || groups < 1 || groupSize < 1) {
    throw new TypeError('groups and groupSize must be positive integers');
  }
  const count = groups * groupSize;
  const bits = count * BITS_PER_CHARACTER;
  if (bits < MIN_GENERATED_BITS) {
    throw new TypeError(`a generated secret needs at least ${MIN_GENERATED_BITS} bits; ${bits} asked`);
  }
  const bytes = randomBytes(count);
  let secret = '';
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % groupSize === 0) secret += '-';
    secret += SECRET_ALPHABET[bytes[i]! & 31];
  }
  bytes.fill(0);
  return { secret, bits };
}

const GENERATED_SHAPE = new RegExp(`^[${SECRET_ALPHABET}]+(?:-[${SECRET_ALPHABET}]+)*$`);

/**
 * The entropy of a secret that has the generator's shape (groups of the alphabet, equal sizes, the last
 * possibly shorter is not produced), or undefined. Used by the strength estimate: a secret of this shape
 * is credited with 5 bits per character only when the groups are of equal size, as the generator makes them.
 */
export function generatedShapeBits(secret: string): number | undefined {
  if (!GENERATED_SHAPE.test(secret)) return undefined;
  const groups = secret.split('-');
  const size = groups[0]!.length;
  if (groups.length < 2 || size < 3 || !groups.every((g) => g.length === size)) return undefined;
  return groups.length * size * BITS_PER_CHARACTER;
}
