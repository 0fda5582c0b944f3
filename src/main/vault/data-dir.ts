import { mkdir, chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { JournalError } from './errors.js';

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
  if (env.E2EE_PROV_HOME) return env.E2EE_PROV_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : undefined;
  return join(xdg ?? join(home, '.local', 'share'), APP_DIR_NAME);
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
