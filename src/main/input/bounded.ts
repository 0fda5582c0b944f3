/**
 * Every input the tool reads has a size limit, and is read with that bound: a wrong file (`/dev/zero`,
 * `/dev/urandom`, a disk image) is refused with ERR_INPUT_TOO_LARGE after reading at most limit + 1
 * bytes, instead of filling memory. The limits are documented in docs/reliability.md.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ProvisionerError } from '../../core/errors.js';
import { MAX_SECRET_FILE_BYTES } from '../../core/secret/index.js';

export const INPUT_ERROR_CODES = ['ERR_INPUT_TOO_LARGE', 'ERR_INPUT_NOT_FILE', 'ERR_INPUT_READ'] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];
/**
 * An input beyond its documented size limit, one that is not a file (a FIFO, a socket), or one that
 * cannot be read (read.ts).
 */
export class InputError extends ProvisionerError<InputErrorCode> {}

const MiB = 1024 * 1024;

/** The size limits, in bytes. */
export const INPUT_LIMITS = {
  /** A file holding one secret: ClientSecret, login password, passphrase, activation code. */
  secret: MAX_SECRET_FILE_BYTES,
  /** A certificate, chain, private key or PKCS#12 file. */
  credentials: 1 * MiB,
  /** A blob (stdin of `blob inspect|open`). */
  blob: 1 * MiB,
  /** A payload to seal (`blob seal`). */
  payload: 1 * MiB,
  /** A batch CSV (about 100,000 rows of ordinary length). */
  batch: 32 * MiB,
  /** An escrow file of exported secrets. */
  escrow: 16 * MiB,
  /** A configuration backup. */
  backup: 16 * MiB,
} as const;

function tooLarge(what: string, where: string, limit: number): InputError {
  const size = limit >= MiB ? `${limit / MiB} MiB` : `${limit} bytes`;
  return new InputError(
    'ERR_INPUT_TOO_LARGE',
    `The ${what} in ${where} is larger than ${size}, the most it can be: it is not a ${what} (was the wrong file given?). Nothing more was read.`,
    { limit, what },
  );
}

function notFile(what: string, where: string, kind: string): InputError {
  return new InputError(
    'ERR_INPUT_NOT_FILE',
    `The ${what} in ${where} is not a file but ${kind}: nothing was read from it. Give a regular file (at the command line, - reads standard input).`,
    { what, kind },
  );
}

/** Opened without blocking: a FIFO nobody writes, or a terminal, never holds the tool up. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * Reads a file, at most `limit` bytes; throws ERR_INPUT_TOO_LARGE beyond. The file is opened without
 * blocking and checked before anything is read: a FIFO or a socket is refused with ERR_INPUT_NOT_FILE
 * (a FIFO nobody writes would wait forever), and so is a device with nothing to read at once (a terminal);
 * a device that always has bytes (`/dev/zero`) meets the size limit. File system errors (ENOENT, EISDIR,
 * EACCES) are thrown as they come, for the caller to word.
 */
export async function readFileBounded(path: string, limit: number, what: string): Promise<Buffer> {
  const fh = await open(path, READ_FLAGS);
  try {
    const st = await fh.stat();
    if (st.isFIFO()) throw notFile(what, path, 'a pipe (FIFO)');
    if (st.isSocket()) throw notFile(what, path, 'a socket');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1 - total));
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, 0, buf.length, null));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK')
          throw notFile(what, path, 'a device with nothing to read');
        throw e;
      }
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(what, path, limit);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** Reads a stream to its end, at most `limit` bytes; beyond, stops reading it and throws ERR_INPUT_TOO_LARGE. */
export async function readStreamBounded(
  stream: Readable,
  limit: number,
  what: string,
  where = 'standard input',
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(b);
    total += b.length;
    if (total > limit) {
      // Leaving the loop destroys the stream: nothing more is read.
      stream.destroy();
      throw tooLarge(what, where, limit);
    }
  }
  return Buffer.concat(chunks, total);
}
