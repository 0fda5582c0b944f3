/**
 * One answer of the device, the same shape whichever grammar it came in (terminal, spec §2; JSON,
 * spec §3.3): a kind, a status, the device's Reason/XPath on failure, and the values as flat entries.
 */

/** One value: its path below the result (`['Details', '1', 'Fingerprint']`) and its text. */
export interface XapiEntry {
  path: string[];
  value: string;
}

export interface XapiResponse {
  grammar: 'terminal' | 'json';
  /** `command` (an `*r …Result` / `CommandResponse`), `status` (`*s`), `configuration` (`*c`), `event` (`*e`), `empty` (a bare `** end` or `{"ResultId":…}`). */
  kind: 'command' | 'status' | 'configuration' | 'event' | 'empty';
  /** The command result's name (`ServicesShowResult`, `Result`, `Status`), when there is one. */
  resultName?: string;
  /** `OK`, `Error`, `ParameterError` … as the device wrote it; `OK` when the answer carries none. */
  status: string;
  reason?: string;
  xpath?: string;
  resultId?: string;
  entries: XapiEntry[];
  /** The lines as received. */
  lines: string[];
}

/** Reads a terminal value: `"quoted \"text\""` → `quoted "text"`, bare values trimmed. */
export function unquoteValue(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return v;
}

/** Splits `A B C: value` into `['A','B','C']` and the raw value, or null when there is no `:`. */
function splitPathValue(text: string): { path: string[]; raw: string } | null {
  // What /^([^:"]*?)\s*:(?:\s(.*)|)$/ matched, by index: that regex is quadratic on a long run of
  // spaces without a colon (a second on 20,000). The path is the text before the first colon (no
  // quote in it); after the colon comes nothing, or one whitespace and a value without line breaks.
  const colon = text.indexOf(':');
  if (colon < 0 || text.lastIndexOf('"', colon) >= 0) return null;
  const after = text.slice(colon + 1);
  if (after !== '' && (!/^\s/.test(after) || /[\n\r\u2028\u2029]/.test(after.slice(1)))) return null;
  const path = text.slice(0, colon).trim().split(/\s+/).filter(Boolean);
  return { path, raw: after.slice(1) };
}

/**
 * The value of a `** resultId: "…"` line, or null. What /^\*\*\s*resultId:\s*"?(.*?)"?\s*$/i matched,
 * without its quadratic backtracking on a long run of spaces inside the value.
 */
function resultIdOf(t: string): string | null {
  const m = /^\*\*\s*resultId:/i.exec(t);
  if (!m) return null;
  let v = t.slice(m[0].length).trimStart();
  if (v.startsWith('"')) v = v.slice(1);
  v = v.trimEnd();
  if (v.endsWith('"')) v = v.slice(0, -1);
  return /[\n\r\u2028\u2029]/.test(v) ? null : v;
}

const RESULT_HEADER = /^\*r\s+(\S+)\s+\(status=([^)]*)\)\s*(?::\s*)?$/;

/** Parses a terminal block (spec §2): `*r`/`*s`/`*c`/`*e` lines, `** resultId:`, `** end`. */
export function parseTerminalBlock(lines: readonly string[]): XapiResponse {
  const res: XapiResponse = {
    grammar: 'terminal',
    kind: 'empty',
    status: 'OK',
    entries: [],
    lines: [...lines],
  };
  let headerSeen = false;
  const addEntry = (path: string[], value: string): void => {
    // Reason and XPath at the top of a result are the device's explanation, not data; an XPath
    // without a `(status=…)` header is a failed read (`*r Status XPath: "Status/…"`, spec §2.2).
    if (path.length === 1 && (res.kind === 'command' || res.kind === 'status')) {
      if (path[0] === 'Reason') {
        res.reason = value;
        return;
      }
      if (path[0] === 'XPath') {
        res.xpath = value;
        if (!headerSeen) res.status = 'Error';
        return;
      }
    }
    res.entries.push({ path, value });
  };
  for (const line of lines) {
    const t = line.trim();
    if (t === '' || t === '** end') continue;
    const resultId = resultIdOf(t);
    if (resultId !== null) {
      res.resultId = resultId;
      continue;
    }
    let m = RESULT_HEADER.exec(t);
    if (m) {
      headerSeen = true;
      res.kind = 'command';
      res.resultName = m[1];
      res.status = m[2] ?? 'OK';
      continue;
    }
    if (/^\*s\s.*\(ghost=True\):?\s*$/i.test(t)) {
      res.kind = res.kind === 'empty' ? 'status' : res.kind;
      continue;
    }
    // [\s\S]* rather than .*: a line terminator inside a (hostile) line must not make the match backtrack.
    m = /^\*r\s+(\S+)\s+([\s\S]*)$/.exec(t);
    if (m) {
      if (res.kind === 'empty') res.kind = 'command';
      res.resultName ??= m[1];
      const pv = splitPathValue(m[2] ?? '');
      if (pv) addEntry(pv.path, unquoteValue(pv.raw));
      continue;
    }
    m = /^\*c\s+xConfiguration\s+([\s\S]*)$/i.exec(t);
    if (m) {
      res.kind = 'configuration';
      const pv = splitPathValue(m[1] ?? '');
      if (pv) addEntry(pv.path, unquoteValue(pv.raw));
      continue;
    }
    m = /^\*([se])\s+([\s\S]*)$/.exec(t);
    if (m) {
      if (res.kind === 'empty') res.kind = m[1] === 's' ? 'status' : 'event';
      const pv = splitPathValue(m[2] ?? '');
      if (pv) addEntry(pv.path, unquoteValue(pv.raw));
      continue;
    }
    // Old style continuation (`LayoutId: 1`) belongs to the result above it.
    const pv = splitPathValue(t.replace(/^\*+\s*/, ''));
    if (pv) addEntry(pv.path, unquoteValue(pv.raw));
  }
  if (res.kind === 'status' && res.entries.length === 0 && res.status === 'OK') res.kind = 'empty';
  return res;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Metadata keys (spec §3.3: `status`, `id`, `ghost`, `error`, `valueSpaceRef`; XML-derived `item`,
 * `maxOccurrence`). Not every lower-case key: certificates carry `notBefore`/`notAfter` (spec §5.3).
 */
const META = new Set(['status', 'id', 'ghost', 'error', 'valueSpaceRef', 'item', 'maxOccurrence']);
function isMeta(key: string): boolean {
  return META.has(key);
}

function leafText(v: Json): string | undefined {
  if (isObject(v) && 'Value' in v) {
    const x = v.Value;
    return typeof x === 'string' ? x : JSON.stringify(x);
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * `true` or `"True"`: a flag as the device writes it. Never `String(v)` on an object: one holding
 * `{"toString":1}` (valid JSON) has no primitive form and would throw a TypeError.
 */
function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Flattens a JSON subtree to entries; arrays become index segments from each item's `id`. */
function flatten(node: Json, path: string[], out: XapiEntry[], errors: XapiEntry[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      const id =
        isObject(item) && (typeof item.id === 'string' || typeof item.id === 'number')
          ? String(item.id)
          : String(i + 1);
      if (isObject(item) && isTrue(item.ghost)) return;
      flatten(item, [...path, id], out, errors);
    });
    return;
  }
  const leaf = leafText(node);
  if (leaf !== undefined) {
    if (isObject(node) && isTrue(node.error)) errors.push({ path, value: leaf });
    else out.push({ path, value: leaf });
    return;
  }
  if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (isMeta(k)) continue;
      flatten(v, [...path, k], out, errors);
    }
  }
}

/**
 * Normalizes one top-level JSON answer (spec §3.3): `CommandResponse`, `Status`, `Configuration`,
 * `Event`, or a bare `{"ResultId":…}`. Returns null for a value that is none of these.
 */
export function parseJsonResponse(value: unknown, lines: readonly string[] = []): XapiResponse | null {
  if (!isObject(value)) return null;
  const res: XapiResponse = { grammar: 'json', kind: 'empty', status: 'OK', entries: [], lines: [...lines] };
  if (typeof value.ResultId === 'string') res.resultId = value.ResultId;
  const keys = Object.keys(value).filter((k) => k !== 'ResultId');
  if (keys.length === 0) return res.resultId !== undefined ? res : null;
  const errors: XapiEntry[] = [];
  for (const key of keys) {
    const node = value[key] as Json;
    if (key === 'CommandResponse' && isObject(node)) {
      res.kind = 'command';
      const [name, body] = Object.entries(node)[0] ?? [];
      if (name === undefined) continue;
      res.resultName = name;
      takeStatus(res, body);
      if (isObject(body)) {
        for (const [k, v] of Object.entries(body)) {
          if (isMeta(k) || k === 'Reason' || k === 'XPath') continue;
          flatten(v, [k], res.entries, errors);
        }
      }
    } else if (key === 'Status' || key === 'Configuration' || key === 'Event') {
      res.kind = key === 'Status' ? 'status' : key === 'Configuration' ? 'configuration' : 'event';
      if (isObject(node) && typeof node.status === 'string') {
        // "New JSON serialization format" for errors (spec §3.3): {"Status":{"status":"Error",…}}
        res.resultName = key;
        takeStatus(res, node);
      } else flatten(node, [], res.entries, errors);
    } else return null;
  }
  if (errors.length > 0) {
    const first = errors[0];
    res.status = 'Error';
    res.reason = first?.value;
    res.xpath = first
      ? [res.kind === 'configuration' ? 'Configuration' : 'Status', ...first.path].join('/')
      : undefined;
  }
  return res;
}

function takeStatus(res: XapiResponse, body: Json | undefined): void {
  if (!isObject(body)) return;
  if (typeof body.status === 'string') res.status = body.status;
  const reason = body.Reason === undefined ? undefined : leafText(body.Reason);
  const xpath = body.XPath === undefined ? undefined : leafText(body.XPath);
  if (reason !== undefined) res.reason = reason;
  if (xpath !== undefined) res.xpath = xpath;
}

/** True when the device reported success. */
export function isOk(res: XapiResponse): boolean {
  return res.status.toUpperCase() === 'OK';
}

/**
 * Entries grouped by their first segment, an index (`Call 3 …`, `Participant 12 …`), in index order and
 * with the index removed. A first segment that is not all digits is no index and is left out.
 */
export function groupByIndex(entries: readonly XapiEntry[]): Map<number, XapiEntry[]> {
  const groups = new Map<number, XapiEntry[]>();
  for (const e of entries) {
    const first = e.path[0] ?? '';
    if (!/^\d+$/.test(first)) continue;
    const n = Number(first);
    const list = groups.get(n) ?? [];
    list.push({ path: e.path.slice(1), value: e.value });
    groups.set(n, list);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

/** The entries under `prefix` (segments compared case-insensitively), with the prefix removed. */
export function entriesUnder(res: Pick<XapiResponse, 'entries'>, prefix: readonly string[]): XapiEntry[] {
  const p = prefix.map((s) => s.toLowerCase());
  return res.entries
    .filter((e) => e.path.length >= p.length && p.every((s, i) => e.path[i]?.toLowerCase() === s))
    .map((e) => ({ path: e.path.slice(p.length), value: e.value }));
}

/** The value at exactly `path` (case-insensitive), or undefined. */
export function valueAt(res: Pick<XapiResponse, 'entries'>, path: readonly string[]): string | undefined {
  return entriesUnder(res, path).find((e) => e.path.length === 0)?.value;
}
