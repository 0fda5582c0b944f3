/**
 * The one typed IPC contract between the renderer (through the preload) and the main process: every
 * channel, what it takes and what it returns. Main validates every input with the channel's `parse`
 * (inputs are `unknown` until it accepts them); the preload and renderer derive their types from here.
 */
import type { BlobInfo } from '../core/jwe/types.js';

/** Expected failures travel as data; the renderer maps `code` to words in the user's language. */
export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

/** A refusal of a channel's input: a programming error in the renderer, never a user's mistake. */
export class ContractError extends TypeError {
  readonly code = 'ERR_IPC_BAD_INPUT';
}

function object(raw: unknown, channel: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ContractError(`${channel}: input must be an object`);
  return raw as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: readonly string[], channel: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length) throw new ContractError(`${channel}: unexpected input ${extra.join(', ')}`);
}

function string(o: Record<string, unknown>, key: string, channel: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ContractError(`${channel}: ${key} must be a string`);
  if (v.length > max) throw new ContractError(`${channel}: ${key} is longer than ${max} characters`);
  return v;
}

interface ChannelSpec<I, O> {
  parse(raw: unknown): I;
  /** Phantom: the result type, for inference only. */
  readonly result?: O;
}

function channel<I, O>(parse: (raw: unknown) => I): ChannelSpec<I, O> {
  return { parse };
}

export const CHANNELS = {
  'app.info': channel<Record<string, never>, AppInfo>((raw) => {
    only(object(raw, 'app.info'), [], 'app.info');
    return {};
  }),
  'blob.inspect': channel<{ blob: string }, BlobInfo>((raw) => {
    const o = object(raw, 'blob.inspect');
    only(o, ['blob'], 'blob.inspect');
    return { blob: string(o, 'blob', 'blob.inspect', 1_000_000) };
  }),
} as const;

export type Channel = keyof typeof CHANNELS;
export type ChannelInput<C extends Channel> = ReturnType<(typeof CHANNELS)[C]['parse']>;
export type ChannelOutput<C extends Channel> = NonNullable<(typeof CHANNELS)[C]['result']>;

/** The handlers main registers: one per channel, typed by the contract. */
export type Handlers = { [C in Channel]: (input: ChannelInput<C>) => Promise<ChannelOutput<C>> };
