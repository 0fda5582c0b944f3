import { realpathSync } from 'node:fs';
import { mkdir, chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DataDirError, JournalError } from './errors.js';

/** The directory name under the per-OS data location. */
export const APP_DIR_NAME = 'e2ee-provisioner';

/**
 * Where the tool keeps its records (the journal; never secrets): `E2EE_PROV_HOME` when set (tests, a
 * portable install), else `$XDG_DATA_HOME/e2ee-provisioner` (default `~/.local/share/...`) on Linux,
 * `~/Library/Application Support/e2ee-provisioner` on macOS, `%APPDATA%\e2ee-provisioner` on Windows.
 */
export function dataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.E2EE_PROV_HOME) return refuseKernelFolder(env.E2EE_PROV_HOME, 'E2EE_PROV_HOME');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : undefined;
  return refuseKernelFolder(join(xdg ?? join(home, '.local', 'share'), APP_DIR_NAME), 'XDG_DATA_HOME');
}

/** The kernel's own file systems: nothing can be kept there (and making a folder in one can hang). */
const KERNEL_FOLDERS = ['/proc', '/sys'];

/** The real path of `path`, or of its nearest folder that exists, with the rest appended. */
function realAsFarAsItExists(path: string): string {
  let head = resolve(path);
  let tail = '';
  for (;;) {
    try {
      return join(realpathSync(head), tail);
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(path);
      tail = join(head.slice(up.length).replace(/^[/\\]+/, ''), tail);
      head = up;
    }
  }
}

/**
 * Refuses a data folder under /proc or /sys (as written or through a link), with ERR_DATA_DIR_UNUSABLE,
 * before anything tries to make it; returns the path as given otherwise.
 */
function refuseKernelFolder(dir: string, variable: string): string {
  if (process.platform === 'win32') return dir;
  for (const where of [resolve(dir), realAsFarAsItExists(dir)]) {
    const under = KERNEL_FOLDERS.find((k) => {
      const rel = relative(k, where);
      return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
    });
    if (under !== undefined) {
      throw new DataDirError(
        'ERR_DATA_DIR_UNUSABLE',
        `The data folder ${dir} is under ${under}, the kernel's own file system, where nothing can be kept. Set ${variable} to a folder of your own (or unset it for the default place).`,
        { path: dir, under },
      );
    }
  }
  return dir;
}

/** Creates the data directory (owner-only, 0700) if needed and returns its path. */
export async function ensureDataDir(dir: string = dataDir()): Promise<string> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new JournalError(
      'ERR_JOURNAL_IO',
      `The data folder ${dir} (the journal's place) cannot be made: ${(e as Error).message}. Set E2EE_PROV_HOME to a folder you can write, or fix this one.`,
      { path: dir },
      { cause: e },
    );
  }
  if (process.platform !== 'win32') await chmod(dir, 0o700).catch(() => undefined);
  return dir;
}
