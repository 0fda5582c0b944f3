/**
 * The cloud's reading of a device's JSON output: `{"Value": …}` leaves to plain values, the status
 * names of `GET /xapi/status` (`A.B.*`, `Call[1]`, `HDMI[2..3]`, `Port[*]`) parsed, matched against the
 * device's status tree, and the trees of several names merged.
 */
import { XAPI_11_19_SUBSET } from '../schema/xapi-11.19-subset.js';
import { type JsonObject, isObject } from './console.js';

/** One segment of a status name: a node name (may hold `*`) and, optionally, an index. */
export interface NameSegment {
  name: string;
  /** `[n]`, `[a..b]` or `[*]`. */
  index?: number | readonly [number, number] | '*';
}

/** Status values the published schema (and RoomOS) types as Integer: plain numbers in the cloud's answer. */
const INTEGER_STATUS = new Set(
  [
    'SystemUnit Uptime',
    ...Object.entries(XAPI_11_19_SUBSET.status)
      .filter(([, s]) => s.valuespace.type === 'Integer')
      .map(([k]) => k),
  ].map((k) => k.toLowerCase()),
);

/** Parses `A.B[1].C*` into segments; undefined when it is not a status name. */
export function parseName(name: string): NameSegment[] | undefined {
  const segs: NameSegment[] = [];
  const re = /([A-Za-z0-9*]+)(?:\[([^\]]*)\])?(?:\.|$)/y;
  let at = 0;
  while (at < name.length) {
    re.lastIndex = at;
    const m = re.exec(name);
    if (!m || m[0] === '') return undefined;
    at = re.lastIndex;
    const seg: NameSegment = { name: m[1] ?? '' };
    const ix = m[2];
    if (ix !== undefined) {
      const range = /^(\d+)\.\.(\d+)$/.exec(ix);
      if (ix === '*') seg.index = '*';
      else if (/^\d+$/.test(ix)) seg.index = Number(ix);
      else if (range) seg.index = [Number(range[1]), Number(range[2])];
      else return undefined;
    }
    segs.push(seg);
    if (at === name.length && name.endsWith('.')) return undefined;
  }
  return segs.length > 0 ? segs : undefined;
}

/** The console words of the longest plain prefix (`Conference Call 1`): what `xStatus` is asked for. */
export function consolePrefix(segs: readonly NameSegment[]): string[] {
  const words: string[] = [];
  for (const s of segs) {
    if (s.name.includes('*')) break;
    words.push(s.name);
    if (typeof s.index === 'number') words.push(String(s.index));
    else if (s.index !== undefined) break;
  }
  return words;
}

/**
 * The device's JSON (`{"Value": "…"}` leaves, items with a string `id`) as plain values: leaves as strings,
 * `id`s as numbers, and (with `path`, for statuses) the values the schema types as Integer as numbers.
 */
export function plainValues(node: unknown, path?: string[]): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => plainValues(item, path === undefined ? undefined : indexed(path)));
  }
  if (!isObject(node)) return node;
  const keys = Object.keys(node);
  if ('Value' in node && keys.every((k) => k === 'Value' || k === 'valueSpaceRef' || k === 'id')) {
    const v = node.Value;
    const leaf =
      typeof v === 'string' && path !== undefined && /^-?\d+$/.test(v) && isInteger(path) ? Number(v) : v;
    if (!('id' in node)) return leaf;
  }
  const out: JsonObject = {};
  for (const k of keys) {
    const v = node[k];
    if (k === 'id' && typeof v === 'string' && /^\d+$/.test(v)) out[k] = Number(v);
    else out[k] = plainValues(v, path === undefined ? undefined : [...path, k]);
  }
  return out;
}

function indexed(path: string[]): string[] {
  if (path.length === 0) return path;
  return [...path.slice(0, -1), `${path[path.length - 1]}[n]`];
}

function isInteger(path: readonly string[]): boolean {
  return INTEGER_STATUS.has(path.join(' ').toLowerCase());
}

function glob(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/\*/g, '.*')}$`, 'i');
  return re.test(name);
}

function inIndex(id: unknown, index: NameSegment['index']): boolean {
  if (index === undefined || index === '*') return true;
  const n = typeof id === 'number' ? id : Number(id);
  if (typeof index === 'number') return n === index;
  return n >= index[0] && n <= index[1];
}

/**
 * The part of a plain status tree a name selects, nested by path (undefined when nothing matches). A
 * segment `*` matches any node at any depth (one or more levels); `Vol*` matches names on one level.
 */
export function select(node: unknown, segs: readonly NameSegment[]): unknown {
  if (segs.length === 0) return node;
  if (!isObject(node)) return undefined;
  const [seg, ...rest] = segs as [NameSegment, ...NameSegment[]];
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(node)) {
    if (key === 'id' || key === 'ghost') continue;
    let r: unknown;
    if (seg.name === '*') {
      r = merge(selectChild(child, seg.index, rest), selectChild(child, undefined, segs));
    } else if (glob(seg.name, key)) {
      r = selectChild(child, seg.index, rest);
    }
    if (r !== undefined) out[key] = r;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function selectChild(child: unknown, index: NameSegment['index'], rest: readonly NameSegment[]): unknown {
  if (Array.isArray(child)) {
    const items: JsonObject[] = [];
    for (const item of child) {
      if (!isObject(item) || !inIndex(item.id, index)) continue;
      const r = select(item, rest);
      if (r === undefined) continue;
      items.push(isObject(r) ? { id: item.id, ...r } : { id: item.id });
    }
    return items.length > 0 ? items : undefined;
  }
  if (typeof index === 'number' || Array.isArray(index)) return undefined;
  return select(child, rest);
}

/** Merges two selections (objects key by key, item lists by `id`). */
export function merge(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: JsonObject[] = (a as JsonObject[]).map((x) => ({ ...x }));
    for (const item of b as JsonObject[]) {
      const i = out.findIndex((x) => x.id === item.id);
      if (i < 0) out.push(item);
      else out[i] = merge(out[i], item) as JsonObject;
    }
    return out.sort((x, y) => Number(x.id) - Number(y.id));
  }
  if (isObject(a) && isObject(b)) {
    const out: JsonObject = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
    return out;
  }
  return b;
}
