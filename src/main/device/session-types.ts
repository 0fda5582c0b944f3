/**
 * What a console session is given and gives back: its options, a request's options, a line probe's
 * finding and a raw console line's output. The session itself is session.ts.
 */
import type { Transcript } from './transcript.js';

export interface SessionOptions {
  transcript?: Transcript;
  /**
   * Default silence a command's answer may have, ms (default 15 s): the command times out when no byte
   * came for this long once it was sent, however long the whole answer takes on a slow console.
   */
  timeoutMs?: number;
  /** Overall cap on one answer, however steadily its bytes come, ms (default the larger of 2 min and 8 × timeoutMs). */
  maxAnswerMs?: number;
  /**
   * Longest line sent, in bytes. Default: no limit, since no public source gives the console's; a
   * limit measured with `probeLine` (or set by the caller) makes longer lines fail before sending.
   */
  maxLineBytes?: number;
  /** How long to wait for the `OK`/`ERROR` line after a terminal block that carries no status (default 1500 ms). */
  statusGraceMs?: number;
  /** Tag prefix for `| resultId="…"` (default `e2p`). */
  tagPrefix?: string;
}

export interface RequestOptions {
  /** Lines of a multi-line command's body; the `.` line is added. */
  body?: string[];
  /** Silence allowed once the command is sent (see SessionOptions.timeoutMs). */
  timeoutMs?: number;
}

/**
 * What a padded line probe found: `whole` (the tagged answer came back), `cut` (an untagged answer, an
 * unknown command, or the session ended: `disconnected`), `silent` (no answer in time). `raw` holds the
 * device's answer to a cut line as printed (at most 8 lines).
 */
export interface LineProbe {
  result: 'whole' | 'cut' | 'silent';
  raw: string[];
  disconnected?: boolean;
}

/** The untagged output of a raw console line (for the interactive console). */
export interface RawResult {
  lines: string[];
  notRecognized: boolean;
}
