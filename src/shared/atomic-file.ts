/**
 * The one way the tool writes a file (main, the CLI and the simulator alike): a temporary file beside the
 * target with a random name, created exclusively (`wx`: never an existing file, never through a planted
 * symbolic link), mode 0600, written and fsync'd, then renamed over the target and the folder fsync'd.
 * A crash leaves the old file or the new one, never a part; the temporary file is removed on failure.
 *
 * This folder holds only file writing that both main and the simulator need; the simulator imports
 * nothing else outside core, and core stays free of I/O.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The new file's mode, exactly (the umask does not apply; default 0600). */
  mode?: number;
  /** Do not replace an existing target (checked atomically, by a hard link, at the end). */
  exclusive?: boolean;
}

/** File systems without hard links: `exclusive` falls back to a rename after a last check. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

function existsError(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, '${path}'`), { code: 'EEXIST', path });
}

/** A temporary name beside `path` that nobody can guess in advance. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
}

/** fsyncs a directory so that a rename or a new file in it survives a power cut (no-op on Windows). */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function syncDirSync(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `path` all or nothing (see the file's comment). */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = temporaryName(path);
  const fh = await open(tmp, 'wx', options.mode ?? 0o600);
  let renamed = false;
  try {
    await fh.chmod(options.mode ?? 0o600);
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    if (options.exclusive) {
      // link() fails if the target exists, atomically; then the temporary name is dropped.
      try {
        await link(tmp, path);
      } catch (e) {
        if (!NO_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
        if (
          await lstat(path).then(
            () => true,
            () => false,
          )
        )
          throw existsError(path);
        await rename(tmp, path);
      }
      await unlink(tmp).catch(() => undefined);
    } else {
      await rename(tmp, path);
    }
    renamed = true;
    await syncDir(dir);
  } finally {
    if (!renamed) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

/** `writeFileAtomic` for a caller that cannot wait (the simulator saves its flash synchronously). */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const dir = dirname(path);
  const tmp = temporaryName(path);
  const fd = openSync(tmp, 'wx', options.mode ?? 0o600);
  let closed = false;
  let renamed = false;
  try {
    fchmodSync(fd, options.mode ?? 0o600);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    if (options.exclusive) {
      try {
        linkSync(tmp, path);
      } catch (e) {
        if (!NO_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
        if (lstatIfAny(path)) throw existsError(path);
        renameSync(tmp, path);
      }
      removeIfAny(tmp);
    } else {
      renameSync(tmp, path);
    }
    renamed = true;
    syncDirSync(dir);
  } finally {
    if (!closed) closeSync(fd);
    if (!renamed) removeIfAny(tmp);
  }
}

function lstatIfAny(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeIfAny(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Appends to a log-like file (a running batch's result rows, the simulator's event log), created when
 * missing with `mode`; a symbolic link at `path` is never followed (`O_NOFOLLOW`), and only a regular
 * file is written.
 */
export function appendFileNoFollow(path: string, data: string, mode = 0o600): void {
  const fd = openSync(
    path,
    // O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of waiting for one.
    constants.O_WRONLY |
      constants.O_APPEND |
      constants.O_CREAT |
      (constants.O_NOFOLLOW ?? 0) |
      (constants.O_NONBLOCK ?? 0),
    mode,
  );
  try {
    if (!fstatSync(fd).isFile())
      throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTFILE', path });
    const bytes = Buffer.from(data, 'utf8');
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}
