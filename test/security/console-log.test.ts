/**
 * Security item 7: `console --log` followed symlinks and kept an existing file's mode. A log is opened
 * with O_NOFOLLOW and mode 0600; an existing file is refused unless `--append` (and then made 0600).
 */
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-log-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (): Record<string, string> => ({ E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json') });
const INPUT = 'xStatus SystemUnit ProductId\nbye\n';

describe('console --log', () => {
  it('never follows a symlink: the file it points to is untouched', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'victim content\n');
    chmodSync(victim, 0o644);
    const link = join(dir, 'link.log');
    symlinkSync(victim, link);
    for (const extra of [[], ['--append']]) {
      const r = await runCli(['console', '--target', 'sim:', '--log', link, ...extra], INPUT, env());
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `ERR_DEVICE_LOG_FILE The log file ${link} was not written: it is a symbolic link, which a log never follows.\n`,
      );
      // Refused before the device was touched: nothing of the session on stdout.
      expect(r.stdout.toString()).toBe('');
    }
    expect(readFileSync(victim, 'utf8')).toBe('victim content\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses an existing file unless --append; appending makes it owner-only', async () => {
    const log = join(dir, 'old.log');
    writeFileSync(log, 'earlier session\n');
    chmodSync(log, 0o644);
    const refused = await runCli(['console', '--target', 'sim:', '--log', log], INPUT, env());
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `ERR_DEVICE_LOG_FILE The log file ${log} was not written: it exists already; give a new file, or --append to add to it.\n`,
    );
    expect(readFileSync(log, 'utf8')).toBe('earlier session\n');
    const appended = await runCli(['console', '--target', 'sim:', '--log', log, '--append'], INPUT, env());
    expect(appended.stderr).toBe('');
    expect(appended.status).toBe(0);
    const text = readFileSync(log, 'utf8');
    expect(text.startsWith('earlier session\n')).toBe(true);
    expect(text).toContain('> xStatus SystemUnit ProductId');
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });

  it('a new log is 0600 whatever the umask; --append needs --log', async () => {
    const log = join(dir, 'new.log');
    const r = await runCli(['console', '--target', 'sim:', '--log', log], INPUT, env());
    expect(r.status).toBe(0);
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const u = await runCli(['console', '--target', 'sim:', '--append'], INPUT, env());
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/^ERR_USAGE --append adds to the --log file/);
  });
});
