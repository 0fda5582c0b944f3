/** One `Key: value` pair of a command line, as typed (key case preserved). */
export interface Param {
  key: string;
  value: string;
  quoted: boolean;
}

/** A console line taken apart: the verb, the path words, the parameters and the optional result tag. */
export interface ParsedLine {
  verb: string;
  /** Path words before the first parameter; `Network[1]` and `/Status/Audio` are split into words. */
  words: string[];
  params: Param[];
  resultId?: string;
  /** Set when the line cannot be tokenized (an unterminated quote). */
  error?: string;
}

const RESULT_ID = /\s*\|\s*resultid\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$/i;

/** Removes a trailing `| resultId="…"` (key case-insensitive, spaces around `|` optional). */
export function splitResultId(line: string): { line: string; resultId?: string } {
  const m = RESULT_ID.exec(line);
  if (!m) return { line };
  const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '');
  return { line: line.slice(0, m.index), resultId: raw };
}

interface Token {
  text: string;
  quoted: boolean;
  /** A bare token that ended with `:` (a parameter key). */
  key: boolean;
}

function tokenize(text: string): { tokens: Token[]; error?: string } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i];
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) return { tokens, error: 'Unterminated quoted string' };
      tokens.push({ text: value, quoted: true, key: false });
      continue;
    }
    // A value after a key runs to the next space (it may hold colons: URLs, fingerprints).
    const isValue = tokens.length > 0 && tokens[tokens.length - 1]!.key;
    let word = '';
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      const d = text[i];
      word += d;
      i++;
      if (isValue) continue;
      // `Key:value` and `Key:"value"`: a colon ends a key even without a space after it.
      if (d === ':') break;
    }
    tokens.push({ text: word, quoted: false, key: !isValue && word.endsWith(':') && word.length > 1 });
  }
  return { tokens };
}

/** Splits `Network[1]` into `Network 1` and `/Status/Audio` into `Status Audio`. */
function pathWords(token: string): string[] {
  return token
    .replace(/\[(\d+)\]/g, ' $1')
    .split(/[\s/]+/)
    .filter((w) => w.length > 0);
}

/** Parses one console line. Values keep their text; quoting is remembered for the validators. */
export function parseLine(input: string): ParsedLine {
  const { line, resultId } = splitResultId(input);
  const { tokens, error } = tokenize(line);
  const first = tokens.shift();
  const parsed: ParsedLine = { verb: first?.text ?? '', words: [], params: [] };
  if (resultId !== undefined) parsed.resultId = resultId;
  if (error !== undefined) parsed.error = error;
  let i = 0;
  while (i < tokens.length && !tokens[i]!.key) {
    parsed.words.push(...pathWords(tokens[i]!.text));
    i++;
  }
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (!t.key) {
      parsed.error ??= `Unexpected value ${JSON.stringify(t.text)}`;
      i++;
      continue;
    }
    const next = tokens[i + 1];
    if (next === undefined || next.key) {
      parsed.params.push({ key: t.text.slice(0, -1), value: '', quoted: false });
      i++;
      continue;
    }
    parsed.params.push({ key: t.text.slice(0, -1), value: next.text, quoted: next.quoted });
    i += 2;
  }
  return parsed;
}

/** Lower-cased path for comparisons (paths and verbs are case-insensitive on the device). */
export function lower(words: readonly (string | number)[]): string[] {
  return words.map((w) => String(w).toLowerCase());
}
