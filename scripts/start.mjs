// `npm start` (after the build): opens the workstation in Electron, or says plainly why it cannot and what
// to do. Electron's npm package holds no binary: the binary comes from Electron's release server on first
// use, which some networks cannot reach; `electron .` then ends in a download stack trace.
//
// Environment: ELECTRON_OVERRIDE_DIST_PATH (Electron's own: a folder holding an unpacked Electron) and
// E2EE_PROV_ELECTRON_PACKAGE (the folder of the electron npm package; default: the installed one).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ELECTRON_NODE = [22, 12];

/** Control characters of a text from elsewhere, shown escaped. */
function inert(text) {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function packageDir() {
  if (process.env.E2EE_PROV_ELECTRON_PACKAGE) return process.env.E2EE_PROV_ELECTRON_PACKAGE;
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** Where the binary is (or would be), without downloading anything. */
function binaryPath(pkg) {
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
  return name ? join(pkg, 'dist', name) : undefined;
}

function fail(lines) {
  process.stderr.write(lines.join('\n') + '\n');
  process.exit(1);
}

const WHAT_TO_DO = [
  'What to do:',
  '  - on a machine that reaches github.com: run `npx install-electron --no` (or delete node_modules/electron',
  '    and run `npm ci`), then `npm start` again;',
  '  - behind a mirror: set ELECTRON_MIRROR to it before `npm start`, or set ELECTRON_OVERRIDE_DIST_PATH to a',
  '    folder holding an unpacked Electron of the version in package.json;',
  '  - without the app: the CLI does all the app does (`npx e2ee-prov --help`), and `npm run demo` provisions',
  '    a simulated device from start to end.',
];

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < ELECTRON_NODE[0] || (major === ELECTRON_NODE[0] && minor < ELECTRON_NODE[1])) {
  process.stderr.write(
    `Note: the desktop app's tooling (Electron) asks for Node.js ${ELECTRON_NODE.join('.')} or later; this is Node.js ${process.versions.node}. The CLI and the tests run on Node.js 20.19 or later.\n`,
  );
}

const pkg = packageDir();
if (!pkg) {
  fail(['ERR_START_NO_ELECTRON The electron package is not installed (run `npm ci` first).', ...WHAT_TO_DO]);
}
let binary = binaryPath(pkg);
if (!binary || !existsSync(binary)) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    fail([
      `ERR_START_NO_ELECTRON ELECTRON_OVERRIDE_DIST_PATH names ${inert(process.env.ELECTRON_OVERRIDE_DIST_PATH)}, which holds no Electron binary (${inert(binary)} is missing).`,
      ...WHAT_TO_DO,
    ]);
  }
  process.stderr.write("Downloading Electron's binary (once) from Electron's release server…\n");
  const got = spawnSync(process.execPath, [join(pkg, 'install.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  });
  binary = binaryPath(pkg);
  if (got.status !== 0 || !binary || !existsSync(binary)) {
    const reason =
      `${got.stderr ?? ''}\n${got.stdout ?? ''}`
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /error/i.test(l)) ?? (got.error ? got.error.message : 'no reason given');
    fail([
      `ERR_START_NO_ELECTRON The Electron binary is not installed, and downloading it failed: ${inert(reason.slice(0, 300))}`,
      "Electron's npm package holds no binary; it is downloaded from Electron's release server (github.com), not from the npm registry.",
      ...WHAT_TO_DO,
    ]);
  }
}

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (e) =>
  fail([`ERR_START_NO_ELECTRON Cannot start ${inert(binary)}: ${inert(e.message)}`, ...WHAT_TO_DO]),
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
