/**
 * `npm start` (scripts/start.mjs): starts the Electron binary when there is one, and otherwise says why it
 * cannot and what to do, instead of a download stack trace. Run with a stand-in electron package and a
 * stand-in binary, so that the result does not depend on this machine's network.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const START = resolve(import.meta.dirname, '../../scripts/start.mjs');
let dir: string;

function start(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, [START, ...args], {
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  // The Node.js version note is printed on Node 20 only; the rest must be exact on any version.
  const stderr = r.stderr.replace(/^Note: the desktop app's tooling .*\n/, '');
  return { status: r.status, stdout: r.stdout, stderr };
}

const WHAT_TO_DO = [
  'What to do:',
  '  - on a machine that reaches github.com: run `npx install-electron --no` (or delete node_modules/electron',
  '    and run `npm ci`), then `npm start` again;',
  '  - behind a mirror: set ELECTRON_MIRROR to it before `npm start`, or set ELECTRON_OVERRIDE_DIST_PATH to a',
  '    folder holding an unpacked Electron of the version in package.json;',
  '  - without the app: the CLI does all the app does (`npx e2ee-prov --help`), and `npm run demo` provisions',
  '    a simulated device from start to end.',
].join('\n');

describe('npm start', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-start-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('explains a binary that cannot be downloaded, quoting the download’s error inert', async () => {
    const pkg = join(dir, 'electron-unreachable');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'install.js'),
      "process.stderr.write('    at fetch (x.js:1)\\nHTTPError: Response code 403 (Forbidden) \\u001b]0;owned\\u0007\\n'); process.exit(1);\n",
    );
    const r = start({ E2EE_PROV_ELECTRON_PACKAGE: pkg });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        "Downloading Electron's binary (once) from Electron's release server…",
        'ERR_START_NO_ELECTRON The Electron binary is not installed, and downloading it failed: HTTPError: Response code 403 (Forbidden) \\x1b]0;owned\\x07',
        "Electron's npm package holds no binary; it is downloaded from Electron's release server (github.com), not from the npm registry.",
        WHAT_TO_DO,
        '',
      ].join('\n'),
    );
  });

  it('names an ELECTRON_OVERRIDE_DIST_PATH that holds no binary, without trying a download', async () => {
    const empty = join(dir, 'empty-dist');
    await mkdir(empty, { recursive: true });
    const pkg = join(dir, 'electron-never-download');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'install.js'), "require('fs').writeFileSync(process.argv[1] + '.ran', '');\n");
    const r = start({ E2EE_PROV_ELECTRON_PACKAGE: pkg, ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ERR_START_NO_ELECTRON ELECTRON_OVERRIDE_DIST_PATH names ${empty}, which holds no Electron binary (${join(empty, 'electron')} is missing).\n${WHAT_TO_DO}\n`,
    );
    expect(spawnSync('ls', [pkg], { encoding: 'utf8' }).stdout).toBe('install.js\n');
  });

  it('starts the binary with the app folder and passes its exit status on', async () => {
    const pkg = join(dir, 'electron-installed');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(join(pkg, 'path.txt'), 'electron');
    await writeFile(join(pkg, 'dist', 'electron'), '#!/bin/sh\necho "started with: $*"\nexit 3\n');
    await chmod(join(pkg, 'dist', 'electron'), 0o755);
    const r = start({ E2EE_PROV_ELECTRON_PACKAGE: pkg }, ['--lang=ko']);
    expect([r.status, r.stdout, r.stderr]).toEqual([3, 'started with: . --lang=ko\n', '']);
  });
});
