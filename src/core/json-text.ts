/**
 * JSON from a file a person handed in (a backup, a known-hosts file, an escrow header, a simulator
 * state), read so that a failure never quotes the text. V8's own messages do ("Unexpected token 'r',
 * "root:x:0:0"... is not valid JSON"): a secret file given by mistake would be printed in the error, in
 * `--json` output and across IPC. The failure says where the text stops being JSON: line and column.
 */

/** Where a JSON text stops being valid (1-based line and column), or what it is when it is valid. */
export type JsonReading = { ok: true; value: unknown } | { ok: false; line: number; column: number };

/** Parses `text`; on failure gives the position of the first character that is not JSON, never the text. */
export function readJson(text: string): JsonReading {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const at = firstJsonError(text);
    return { ok: false, ...lineColumn(text, at) };
  }
}

/** "line 3, column 7": for messages. */
export function describePosition(r: { line: number; column: number }): string {
  return `line ${r.line}, column ${r.column}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** The offset of the first character where `text` stops being JSON (RFC 8259), by a small scanner. */
function firstJsonError(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = (): void => {
    if (text[i] !== '"') fail();
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
            i++;
          }
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail();
      }
      i++;
    }
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (/[1-9]/.test(text[i] ?? '')) while (/[0-9]/.test(text[i] ?? '')) i++;
    else fail();
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail();
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail();
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
  };
  /** An object's members or an array's elements, from its opening bracket: none, or each then `,` or `close`. */
  const members = (close: '}' | ']', member: () => void): void => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail();
    }
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      return members('}', () => {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value(depth + 1);
      });
    }
    if (c === '[') return members(']', () => value(depth + 1));
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : text.length;
  } catch (e) {
    if (e instanceof Stop) return i;
    throw e;
  }
}

/**
 * Removes the text V8 quotes in a JSON error ("Unexpected token 'r', "root:x:0:0"... is not valid
 * JSON"): a backstop where an error message is printed or sent whose parse we did not make ourselves.
 */
export function scrubParserText(message: string): string {
  return message
    .replace(/Unexpected token [\s\S]*? is not valid JSON/g, 'the text is not valid JSON')
    .replace(/"[\s\S]*?"(?:\.\.\.)? is not valid JSON/g, 'the text is not valid JSON');
}
