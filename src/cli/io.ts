import type { Readable, Writable } from 'node:stream';
import { inertText } from '../core/inert.js';
import { INPUT_LIMITS, readStreamBounded } from '../main/input/bounded.js';
import { readInputFile, secretText } from '../main/input/read.js';
import { CliError } from './errors.js';

/** The streams a command talks through; tests hand in their own. */
export interface CliIO {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  /** `--accept-new-host-key`: pin an SSH host key seen for the first time without asking. */
  acceptNewHostKey?: boolean;
}

let stdinConsumed = false;

/**
 * Reads all of stdin once, at most `limit` bytes (ERR_INPUT_TOO_LARGE beyond). A second reader (two `-`
 * sources) is a usage error.
 */
export async function readStdin(
  io: CliIO,
  limit: number = INPUT_LIMITS.blob,
  what = 'input',
): Promise<Buffer> {
  if (stdinConsumed && io.stdin === process.stdin) {
    throw new CliError('ERR_USAGE', 'Standard input can feed only one input; give the others as files.');
  }
  if (io.stdin === process.stdin) stdinConsumed = true;
  return readStreamBounded(io.stdin, limit, what);
}

/** Reads a file's bytes, or stdin for `-`, at most `limit` bytes (ERR_INPUT_TOO_LARGE beyond). */
export async function readInput(
  path: string,
  io: CliIO,
  what: string,
  limit: number = INPUT_LIMITS.credentials,
): Promise<Buffer> {
  if (path === '-') return readStdin(io, limit, what);
  return readInputFile(path, what, limit);
}

/** A secret from a file (or `-` for stdin), taken as `secretText` takes it (main/input/read.ts). */
export async function readSecret(
  path: string,
  io: CliIO,
  what = 'secret',
  options: { lineBreaksInside?: 'refuse' | 'keep' } = {},
): Promise<string> {
  const bytes = await readInput(path, io, what, INPUT_LIMITS.secret);
  return secretText(bytes, what, path === '-' ? 'standard input' : path, options);
}

/** Asks for a secret on the terminal without echoing it. Refuses when stdin is not a terminal. */
export async function promptHidden(io: CliIO, prompt: string): Promise<string> {
  const input = io.stdin;
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    throw new CliError(
      'ERR_SECRET_SOURCE',
      `${prompt.replace(/:\s*$/, '')} is needed, and standard input is not a terminal: give it with a file option (or - for stdin).`,
    );
  }
  io.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new CliError('ERR_SECRET_SOURCE', 'Cancelled at the prompt.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr.write('\n');
    };
    input.on('data', onData);
  });
}

/** A secret from `--x-file PATH` when given, else a hidden prompt. */
export async function secretFromFileOrPrompt(
  path: string | undefined,
  io: CliIO,
  prompt: string,
  what: string,
): Promise<string> {
  return path !== undefined ? readSecret(path, io, what) : promptHidden(io, prompt);
}

/** Writes and waits until the stream took it (so that piping into `head` or a file loses nothing). */
export function write(stream: Writable, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** Asks a question on the terminal and reads one line of answer (echoed). Refuses without a terminal. */
export async function promptLine(io: CliIO, prompt: string): Promise<string> {
  const input = io.stdin;
  if (!input.isTTY) throw new CliError('ERR_USAGE', 'A question needs a terminal.');
  io.stderr.write(prompt);
  input.resume();
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: Buffer | string): void => {
      value += chunk.toString();
      const nl = value.search(/[\r\n]/);
      if (nl < 0) return;
      input.off('data', onData);
      input.pause();
      resolve(value.slice(0, nl));
    };
    input.on('data', onData);
  });
}

const RAW = Symbol('raw stream');

/**
 * A stream whose text writes are made inert (`inertText`: line feeds and tabs kept, other controls shown
 * escaped); Buffers and byte arrays (a decrypted payload, say) pass unchanged.
 */
export function guardStream<S extends Writable>(stream: S): S {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === RAW) return target;
      if (prop === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...a: unknown[]) => boolean)(
            typeof chunk === 'string' ? inertText(chunk) : chunk,
            ...rest,
          );
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The stream under a guarded one, for readline's own line editing at a terminal (its cursor moves are
 * escape sequences of ours, not text from a device or a file).
 */
export function rawStream<S extends Writable>(stream: S): S {
  return ((stream as unknown as Record<symbol, unknown>)[RAW] as S | undefined) ?? stream;
}
