import { isProvisionerError } from '../core/errors.js';
import { inert } from '../core/inert.js';
import { scrubParserText } from '../core/json-text.js';
import type { Command } from './command.js';
import { COMMANDS } from './commands.js';
import { type CliIO, guardStream } from './io.js';

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'e2ee-prov: provision E2EE identity certificates onto RoomOS devices.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    "e2ee-prov COMMAND --help shows a command's usage. Secrets are never taken from the command line.",
    '',
  ].join('\n');
}

/** Finds the command whose words start argv, the longest match first. */
function resolve(argv: string[]): { command?: Command; rest: string[] } {
  const sorted = [...COMMANDS].sort((a, b) => b.path.length - a.path.length);
  for (const command of sorted) {
    if (command.path.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(command.path.length) };
  }
  return { rest: argv };
}

/**
 * Runs the CLI and returns the exit status: 0 done, 1 an expected failure (one stderr line: the error
 * code, then a sentence), 2 a usage error, 70 an internal error. The commands that connect to a device
 * (`connects`) take `--accept-new-host-key`: without it, an SSH host key seen for the first time is shown
 * and asked about at a terminal, and refused otherwise.
 */
export async function runCli(argv: string[], raw: CliIO): Promise<number> {
  // The last guard: no text this tool writes can carry a terminal control sequence (bytes pass as they are).
  const io: CliIO = { ...raw, stdout: guardStream(raw.stdout), stderr: guardStream(raw.stderr) };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText(COMMANDS));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    io.stdout.write('0.1.0\n');
    return 0;
  }
  const { command, rest } = resolve(argv);
  if (!command) {
    const near = COMMANDS.filter((c) => c.path[0] === argv[0]).map((c) => c.path.join(' '));
    io.stderr.write(
      `ERR_USAGE Unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}.${near.length ? ` Did you mean: ${near.join(', ')}?` : ' Run e2ee-prov --help for the list.'}\n`,
    );
    return 2;
  }
  const connects = command.connects === true;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(
      `${command.summary}\nUsage: ${command.usage}${connects ? ' [--accept-new-host-key]' : ''}\n`,
    );
    return 0;
  }
  let args = rest;
  if (connects && args.includes('--accept-new-host-key')) {
    args = args.filter((a) => a !== '--accept-new-host-key');
    io.acceptNewHostKey = true;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (isProvisionerError(e)) {
      io.stderr.write(`${e.code} ${inert(scrubParserText(e.message).replace(/\s*\n\s*/g, ' '))}\n`);
      return e.code === 'ERR_USAGE' ? 2 : 1;
    }
    io.stderr.write(
      `ERR_INTERNAL An unexpected error stopped the command: ${scrubParserText((e as Error)?.message ?? String(e))}. Please report it.\n`,
    );
    if (io.env.E2EE_DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return 70;
  }
}
