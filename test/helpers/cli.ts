import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';

/** The built CLI (`npm test` builds first). */
export const CLI = resolve(import.meta.dirname, '../../dist/cli/index.js');

export interface CliResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * How long a CLI command may run before it counts as hung (it is then killed, and its status is null):
 * far past any command's work, so that a busy machine's slowness is not taken for a hang.
 */
export const HANG_MS = 60_000;

/** Runs the built CLI as a separate process, as a user would, with `input` on its stdin. */
export function runCli(
  args: string[],
  input: string | Uint8Array = '',
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    // A command that hangs is killed (its status is then null), so that a test reports it instead of stalling.
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => clearTimeout(timer));
    child.on('close', (status) =>
      resolvePromise({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    // A command may stop before reading all its input (a refusal): that is not the test's error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** The arguments of `provision --target <target> --cert <cert>`, then `more`. */
export function provisionArgs(target: string, cert: string, ...more: string[]): string[] {
  return ['provision', '--target', target, '--cert', cert, ...more];
}

/** What a command printed on stdout, once it is seen to have ended with status 0 and nothing on stderr. */
export function succeeded(r: CliResult): string {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.toString();
}

/**
 * Signs the CLI in to the Webex API at `apiBase` with `token` (given on stdin, never in the arguments)
 * through `cli`, the test's runner; the sign-in must end with status 0.
 */
export async function cloudSignIn(
  cli: (args: string[], input: string) => Promise<CliResult>,
  apiBase: string,
  token: string,
): Promise<void> {
  const login = await cli(['cloud', 'login', '--token-file', '-', '--api-base', apiBase], `${token}\n`);
  expect(login.status).toBe(0);
}
