import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI (`npm test` builds first). */
export const CLI = resolve(import.meta.dirname, '../../dist/cli/index.js');

export interface CliResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the built CLI as a separate process, as a user would, with `input` on its stdin. */
export function runCli(
  args: string[],
  input: string | Uint8Array = '',
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (status) =>
      resolvePromise({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(input);
  });
}
