/**
 * Validation of what the window sends: every input is `unknown` until a channel's reader accepts it.
 * `record` takes a channel's fields once, as readers by key: an input with another key, a key of the
 * wrong type or a text over its limit is refused (ContractError, ERR_IPC_BAD_INPUT).
 */
import { ContractError } from './errors.js';
import type { SecretChoice } from './types.js';

/** Reads one field of an input object; refuses it with a ContractError naming the channel and key. */
export type Reader<T> = (o: Record<string, unknown>, key: string, channel: string) => T;

/** What a record of readers reads: each key's reader's type. */
export type Read<S extends Record<string, Reader<unknown>>> = { [K in keyof S]: ReturnType<S[K]> };

export function object(raw: unknown, channel: string, what = 'input'): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ContractError(`${channel}: ${what} must be an object`);
  return raw as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: readonly string[], channel: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length) throw new ContractError(`${channel}: unexpected input ${extra.join(', ')}`);
}

/**
 * An object with exactly the keys `spec` lists (none other), each read by its reader in the order
 * given. `what` names the object in a refusal (`input`, or the field it is the value of).
 */
export function record<S extends Record<string, Reader<unknown>>>(
  raw: unknown,
  channel: string,
  spec: S,
  what = 'input',
): Read<S> {
  const o = object(raw, channel, what);
  only(o, Object.keys(spec), channel);
  const out: Record<string, unknown> = {};
  for (const [key, read] of Object.entries(spec)) out[key] = read(o, key, channel);
  return out as Read<S>;
}

/** A channel's parser that reads `spec` as it is. */
export function fields<S extends Record<string, Reader<unknown>>>(
  channel: string,
  spec: S,
): (raw: unknown) => Read<S> {
  return (raw) => record(raw, channel, spec);
}

/** A channel that takes nothing (an empty object). */
export function empty(channel: string): (raw: unknown) => Record<string, never> {
  return (raw) => record(raw, channel, {}) as Record<string, never>;
}

/** Text of at most `max` characters. */
export function text(max: number): Reader<string> {
  return (o, key, channel) => {
    const v = o[key];
    if (typeof v !== 'string') throw new ContractError(`${channel}: ${key} must be a string`);
    if (v.length > max) throw new ContractError(`${channel}: ${key} is longer than ${max} characters`);
    return v;
  };
}

/** Text of at most `max` characters, or null (absent or null). */
export function optionalText(max: number): Reader<string | null> {
  const read = text(max);
  return (o, key, channel) => (o[key] === null || o[key] === undefined ? null : read(o, key, channel));
}

/** true or false. */
export const flag: Reader<boolean> = (o, key, channel) => {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ContractError(`${channel}: ${key} must be true or false`);
  return v;
};

/** true or false; absent is false. */
export const optionalFlag: Reader<boolean> = (o, key, channel) =>
  o[key] === undefined ? false : flag(o, key, channel);

/** One of `values`. */
export function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (o, key, channel) => {
    const v = o[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
      throw new ContractError(`${channel}: ${key} must be one of ${values.join(', ')}`);
    return v as T;
  };
}

/**
 * The longest text each field of the window may send, in characters: the window sets these as its inputs'
 * `maxLength` and says so when one is reached, so that main's refusal (`ERR_IPC_BAD_INPUT`) is never what
 * the person meets. The device takes at most 1024 characters of Secret parameter.
 */
export const FIELD_LIMITS = {
  target: 2048,
  password: 256,
  secret: 1024,
  passphrase: 1024,
  activationCode: 128,
  serial: 64,
  /** A pasted blob: a certificate and key sealed with their chain stay far below this. */
  blob: 65_536,
} as const;

/** A secret to generate, or one the person typed. */
export const secretChoice: Reader<SecretChoice> = (o, key, channel) => {
  const raw = o[key];
  const mode = oneOf(['generate', 'given'] as const)(object(raw, channel, key), 'mode', channel);
  if (mode === 'generate') return record(raw, channel, { mode: oneOf(['generate'] as const) }, key);
  return record(raw, channel, { mode: oneOf(['given'] as const), value: text(FIELD_LIMITS.secret) }, key);
};
