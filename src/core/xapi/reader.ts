/**
 * A streaming reader of console output: bytes in (as decoded text, in any chunking), items out.
 * It reads both grammars at once (spec §2 terminal, §3.3 JSON), so that a session never has to
 * guess which output mode the device is in: a line holding only `{` starts a JSON value, a line
 * starting with `*` starts a terminal block, which `** end` closes.
 */

/** One thing the device said. */
export type ReaderItem =
  /** A complete top-level JSON value, with the lines it came in. */
  | { type: 'json'; value: unknown; lines: string[] }
  /** A terminal block: from its first `*` line through `** end` (or cut short, `ended: false`). */
  | { type: 'block'; lines: string[]; ended: boolean }
  /** A completion line: `OK` or `ERROR` alone on a line. */
  | { type: 'status'; word: 'OK' | 'ERROR'; line: string }
  /** `Command not recognized.` */
  | { type: 'notRecognized'; line: string }
  /** Anything else: banner, echo, blank lines, help text, prompts that ended with a line break. */
  | { type: 'line'; line: string };

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-B]|[=>])/g;

/** A stray control byte a console may print before a line (BEL, NUL, …): never part of an answer. */
function strayAtStart(code: number): boolean {
  return code === 13 || (code < 32 && code !== 9) || code === 127;
}

/**
 * Strips terminal escape sequences (`\e[?1034h` after `echo off`, spec §1.4), stray control bytes before
 * the line (a BEL ahead of an answer) and a trailing CR. Control characters inside the line are kept.
 */
export function cleanLine(raw: string): string {
  const s = raw.replace(ANSI, '');
  // By index, not /\r+$/: that regex is quadratic on a long run of CRs that does not end the line.
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 13) end--;
  let start = 0;
  while (start < end && strayAtStart(s.charCodeAt(start))) start++;
  return s.slice(start, end);
}

/** The JSON brace depth change of a line, ignoring braces inside strings. */
function braceDelta(line: string, state: { inString: boolean; escaped: boolean }): number {
  let d = 0;
  for (const ch of line) {
    if (state.inString) {
      if (state.escaped) state.escaped = false;
      else if (ch === '\\') state.escaped = true;
      else if (ch === '"') state.inString = false;
    } else if (ch === '"') state.inString = true;
    else if (ch === '{' || ch === '[') d++;
    else if (ch === '}' || ch === ']') d--;
  }
  return d;
}

export class ConsoleReader {
  private partialLine = '';
  private block: string[] | null = null;
  private json: { lines: string[]; depth: number; str: { inString: boolean; escaped: boolean } } | null =
    null;
  /** Longest JSON value or block, in lines, before it is given up as garbage. */
  private readonly maxLines: number;

  constructor(options: { maxLines?: number } = {}) {
    this.maxLines = options.maxLines ?? 200_000;
  }

  /** The current unfinished line (a prompt such as `login:` or `Password:` ends without a line break). */
  get partial(): string {
    return cleanLine(this.partialLine);
  }

  /** Feeds decoded text; returns the items it completed. */
  push(text: string): ReaderItem[] {
    const out: ReaderItem[] = [];
    const parts = (this.partialLine + text).split('\n');
    this.partialLine = parts.pop() ?? '';
    for (const raw of parts) this.line(cleanLine(raw), out);
    return out;
  }

  /** Ends the stream: whatever is open is returned as it is. */
  flush(): ReaderItem[] {
    const out: ReaderItem[] = [];
    if (this.partialLine) {
      this.line(cleanLine(this.partialLine), out);
      this.partialLine = '';
    }
    if (this.json) {
      for (const l of this.json.lines) out.push({ type: 'line', line: l });
      this.json = null;
    }
    if (this.block) {
      out.push({ type: 'block', lines: this.block, ended: false });
      this.block = null;
    }
    return out;
  }

  private line(line: string, out: ReaderItem[]): void {
    if (this.json) {
      this.json.lines.push(line);
      this.json.depth += braceDelta(line, this.json.str);
      if (this.json.depth <= 0) this.finishJson(out);
      else if (this.json.lines.length > this.maxLines) {
        for (const l of this.json.lines) out.push({ type: 'line', line: l });
        this.json = null;
      }
      return;
    }
    const trimmed = line.trim();
    if (trimmed === 'OK' || trimmed === 'ERROR') {
      // A completion line never sits inside a block: one that is open was cut short.
      this.closeBlock(out, false);
      out.push({ type: 'status', word: trimmed, line });
      return;
    }
    if (trimmed === 'Command not recognized.') {
      this.closeBlock(out, false);
      out.push({ type: 'notRecognized', line });
      return;
    }
    if (this.block === null && trimmed.startsWith('{')) {
      const str = { inString: false, escaped: false };
      this.json = { lines: [line], depth: braceDelta(line, str), str };
      if (this.json.depth <= 0) this.finishJson(out);
      return;
    }
    if (/^\*r Login successful/i.test(trimmed)) {
      // The login block has no `** end` (spec §1.1).
      out.push({ type: 'line', line });
      return;
    }
    if (trimmed === '** end') {
      if (this.block) {
        this.block.push(line);
        this.closeBlock(out, true);
      } else out.push({ type: 'block', lines: [line], ended: true });
      return;
    }
    if (trimmed.startsWith('*')) {
      (this.block ??= []).push(line);
      if (this.block.length > this.maxLines) this.closeBlock(out, false);
      return;
    }
    if (this.block) {
      // Old-style result lines without the `*r` prefix (spec §2.1 tagged example: `LayoutId: 1`).
      this.block.push(line);
      return;
    }
    out.push({ type: 'line', line });
  }

  private closeBlock(out: ReaderItem[], ended: boolean): void {
    if (!this.block) return;
    out.push({ type: 'block', lines: this.block, ended });
    this.block = null;
  }

  private finishJson(out: ReaderItem[]): void {
    const lines = this.json?.lines ?? [];
    this.json = null;
    try {
      out.push({ type: 'json', value: JSON.parse(lines.join('\n')) as unknown, lines });
    } catch {
      for (const l of lines) out.push({ type: 'line', line: l });
    }
  }
}
