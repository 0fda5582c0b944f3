/**
 * A progress bar on stderr for a person at a terminal: redrawn in place on the last line, with whole
 * lines (a device's outcome) printed above it. Never used when stderr is not a terminal.
 */
import type { CliIO } from './io.js';

/** The bar's text: `[#####-----] 5/10 (1 failed)`. */
export function progressBarText(finished: number, failed: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((finished / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${total}${failed > 0 ? ` (${failed} failed)` : ''}`;
}

const CLEAR_LINE = '\r\x1b[K';

export class TerminalProgressBar {
  private finished = 0;
  private failed = 0;

  constructor(
    private readonly io: CliIO,
    private readonly total: number,
  ) {
    this.draw();
  }

  /** A line above the bar. */
  line(text: string): void {
    this.io.stderr.write(`${CLEAR_LINE}${text}\n`);
    this.draw();
  }

  /** One job ended. */
  tick(failed: boolean): void {
    this.finished++;
    if (failed) this.failed++;
    this.draw();
  }

  /** Removes the bar (the summary follows). */
  end(): void {
    this.io.stderr.write(CLEAR_LINE);
  }

  private draw(): void {
    this.io.stderr.write(`${CLEAR_LINE}${progressBarText(this.finished, this.failed, this.total)}`);
  }
}
