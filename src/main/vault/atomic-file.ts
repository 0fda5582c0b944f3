import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/**
 * Writes `data` to `path` all or nothing: a temporary file beside it (created exclusively, mode 0600),
 * written and fsync'd, then renamed over the target and the directory fsync'd. A crash leaves either
 * the old file or the new one, never a part; the temporary file is removed on failure.
 * With `exclusive`, an existing target is not replaced (checked just before the rename).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; exclusive?: boolean } = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', options.mode ?? 0o600);
  let renamed = false;
  try {
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    if (options.exclusive) {
      // link() fails if the target exists, atomically; then the temporary name is dropped.
      await link(tmp, path);
      await unlink(tmp);
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
