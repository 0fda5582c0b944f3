import { isProvisionerError } from '../core/errors.js';
import { type CliIO, write } from './io.js';

/** The one line a failure is reported with: its code and sentence (as `runCli` prints it). */
export function errorLine(e: unknown): string {
  if (isProvisionerError(e)) return `${e.code} ${e.message.replace(/\s*\n\s*/g, ' ')}`;
  return `ERR_INTERNAL An unexpected error stopped the command: ${(e as Error)?.message ?? String(e)}. Please report it.`;
}

/**
 * Progress of a command whose stdout is its result (a secret, say), so its progress must go to stderr.
 * The contract for scripts: on failure, the first line of stderr is the error. So, unless a person
 * watches (stderr is a terminal), the lines are held: `done` writes them on success, `failed` writes
 * the error line first and then them (the command then throws, and `runCli` ends with the error line).
 */
export class HeldProgress {
  private held: string[] = [];
  private readonly live: boolean;

  constructor(
    private readonly io: CliIO,
    live?: boolean,
  ) {
    this.live = live ?? (io.stderr as { isTTY?: boolean }).isTTY === true;
  }

  line(text: string): void {
    if (this.live) this.io.stderr.write(`${text}\n`);
    else this.held.push(text);
  }

  async done(): Promise<void> {
    const lines = this.held;
    this.held = [];
    if (lines.length > 0) await write(this.io.stderr, lines.map((l) => `${l}\n`).join(''));
  }

  async failed(e: unknown): Promise<void> {
    const lines = this.held;
    this.held = [];
    if (lines.length > 0) await write(this.io.stderr, [errorLine(e), ...lines].map((l) => `${l}\n`).join(''));
  }
}
