import { Writable } from 'node:stream';
import { isProvisionerError } from '../core/errors.js';
import { type CliIO, write } from './io.js';

/** The one line a failure is reported with: its code and sentence (as `runCli` prints it). */
export function errorLine(e: unknown): string {
  if (isProvisionerError(e)) return `${e.code} ${e.message.replace(/\s*\n\s*/g, ' ')}`;
  return `ERR_INTERNAL An unexpected error stopped the command: ${(e as Error)?.message ?? String(e)}. Please report it.`;
}

/**
 * Progress on stderr (stdout is the command's result: a secret, a report, JSON), under the contract
 * scripts rely on: on failure, the first line of stderr is the error. So, unless a person watches
 * (stderr is a terminal, where lines go out at once), the lines are held: `done` writes them on
 * success; on failure the error line goes first, then what was held, and the error line again last
 * (where a person reading the end of the output looks for it).
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

  /** A stream for writers that print whole lines (the narrators): each line becomes a progress line. */
  writable(): Writable {
    let partial = '';
    return new Writable({
      write: (chunk: Buffer | string, _enc, done) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) this.line(p);
        done();
      },
      final: (done) => {
        if (partial) this.line(partial);
        partial = '';
        done();
      },
    });
  }

  /** Success: writes what was held. */
  async done(): Promise<void> {
    await this.flush([]);
  }

  /** A failure the command throws (`runCli` then prints its line last): its line first, then what was held. */
  async failed(e: unknown): Promise<void> {
    if (this.held.length > 0) await this.flush([errorLine(e)]);
  }

  /** A failure the command reports itself with `line` (and then returns 1). */
  async failedWith(line: string): Promise<void> {
    if (this.held.length > 0) await this.flush([line], [line]);
    else await write(this.io.stderr, `${line}\n`);
  }

  private async flush(before: string[], after: string[] = []): Promise<void> {
    const lines = [...before, ...this.held, ...after];
    this.held = [];
    if (lines.length > 0) await write(this.io.stderr, lines.map((l) => `${l}\n`).join(''));
  }
}
