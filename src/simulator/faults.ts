/**
 * Faults a test switches on to exercise a console client's robustness. All are off by default.
 * Drop faults fire once and then clear themselves, so that the client's reconnection is not dropped again.
 */
export interface Faults {
  /** Drop the connection once the session has received this many bytes since the faults were set (or it began). */
  dropAfterBytesIn?: number;
  /** Drop the connection when a command line matching this arrives, before it runs (nothing changes). */
  dropOnCommand?: RegExp | string;
  /** Run the matching command (its state change happens), then drop before any of its answer is sent. */
  dropAfterCommand?: RegExp | string;
  /** Write output in pieces of at most this many bytes, one write each (e.g. 1 splits `O` and `K`). */
  splitWrites?: number;
  /** Hold output briefly and send it in one write, joining echo, answers and feedback. */
  coalesce?: boolean;
  /** Put a feedback block (`*s SystemUnit Uptime: …`) before every answer, and between `OK` and the `*r` block. */
  feedbackBetween?: boolean;
  /** Cut input lines longer than this many bytes, as a canonical-mode tty does (~4095). */
  truncateLineAt?: number;
  /** Wait this long between output pieces (slow serial pacing). */
  slowMsPerChunk?: number;
  /** Where `OK`/`ERROR` stands for xCommand: before the `*r` block (Cisco's documents, default) or after it. */
  okPosition?: 'before' | 'after';
  /** Line ending of all output; by default CRLF on serial and SSH with a PTY, LF on SSH without one. */
  lineEnding?: '\r\n' | '\n';
}

/** Whether a command line matches a drop fault: a RegExp is tested, a string is a case-insensitive substring. */
export function matchesFault(pattern: RegExp | string | undefined, line: string): boolean {
  if (pattern === undefined) return false;
  if (typeof pattern === 'string') return line.toLowerCase().includes(pattern.toLowerCase());
  pattern.lastIndex = 0;
  return pattern.test(line);
}

/** A printable form for the event log. */
export function describeFaults(f: Faults): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    out[k] = v instanceof RegExp ? String(v) : (v as string | number | boolean);
  }
  return out;
}
