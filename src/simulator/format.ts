/** A path segment: a node name, or an item index (printed bare in terminal mode, an `id` in JSON). */
export type Seg = string | number;

/** One value of a status, configuration or command-result tree. */
export interface Leaf {
  path: readonly Seg[];
  value: string;
  /** Printed without quotes in terminal mode (literals and integers). */
  bare?: boolean;
}

export type OutputMode = 'terminal' | 'json';

/** An answer to one console line, before faults and line endings are applied. */
export interface Answer {
  /** Terminal lines of the block, or the lines of the pretty-printed JSON object. */
  block: string[];
  /** The completion word (terminal mode only). */
  word?: 'OK' | 'ERROR';
  /** An xCommand answer: its word may stand before the `*r` block (the default) or after it. */
  command?: boolean;
}

export interface AnswerContext {
  mode: OutputMode;
  resultId?: string;
}

/** A terminal value: strings quoted (with `"` and `\` escaped), literals and integers bare. */
export function termValue(leaf: Leaf): string {
  return leaf.bare ? leaf.value : `"${leaf.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function pathText(path: readonly Seg[]): string {
  return path.map(String).join(' ');
}

type JsonNode = { [key: string]: JsonValue };
type JsonValue = string | JsonNode | JsonNode[];

/** Nests leaves as the device's JSON does: leaves `{"Value": "…"}`, indexed nodes arrays of objects with `id`. */
export function jsonTree(leaves: readonly Leaf[]): JsonNode {
  const root: JsonNode = {};
  for (const leaf of leaves) {
    let cur: JsonNode = root;
    const path = leaf.path;
    for (let i = 0; i < path.length; i++) {
      const seg = String(path[i]);
      const last = i === path.length - 1;
      const next = path[i + 1];
      if (last) {
        cur[seg] = { Value: leaf.value };
      } else if (typeof next === 'number') {
        const existing = cur[seg];
        const arr: JsonNode[] = Array.isArray(existing) ? existing : [];
        cur[seg] = arr;
        let item = arr.find((x) => x.id === String(next));
        if (!item) {
          item = { id: String(next) };
          arr.push(item);
        }
        cur = item;
        i++;
        if (i === path.length - 1) item.Value = leaf.value;
      } else {
        const existing = cur[seg];
        const obj: JsonNode =
          existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
        cur[seg] = obj;
        cur = obj;
      }
    }
  }
  return root;
}

function jsonLines(obj: JsonNode, resultId: string | undefined): string[] {
  const full: JsonNode = resultId === undefined ? obj : { ...obj, ResultId: resultId };
  return JSON.stringify(full, null, 2).split('\n');
}

function tag(ctx: AnswerContext): string[] {
  return ctx.resultId === undefined ? [] : [`** resultId: "${ctx.resultId}"`];
}

/** `xStatus <path>`: `*s` lines, `** end`, blank line, `OK`. */
export function statusAnswer(leaves: readonly Leaf[], ctx: AnswerContext): Answer {
  if (ctx.mode === 'json') return { block: jsonLines({ Status: jsonTree(leaves) }, ctx.resultId) };
  return {
    block: [...leaves.map((l) => `*s ${pathText(l.path)}: ${termValue(l)}`), ...tag(ctx), '** end', ''],
    word: 'OK',
  };
}

/** `xConfiguration [path]`: `*c xConfiguration` lines, `** end`, blank line, `OK`. */
export function configAnswer(leaves: readonly Leaf[], ctx: AnswerContext): Answer {
  if (ctx.mode === 'json') return { block: jsonLines({ Configuration: jsonTree(leaves) }, ctx.resultId) };
  return {
    block: [
      ...leaves.map((l) => `*c xConfiguration ${pathText(l.path)}: ${termValue(l)}`),
      ...tag(ctx),
      '** end',
      '',
    ],
    word: 'OK',
  };
}

/** A successful `xConfiguration <path>: <value>`, `xFeedback register …`: `** end`, blank, `OK`; JSON `{"ResultId":…}`. */
export function emptyAnswer(ctx: AnswerContext): Answer {
  if (ctx.mode === 'json') return { block: jsonLines({}, ctx.resultId) };
  return { block: [...tag(ctx), '** end', ''], word: 'OK' };
}

export type CommandStatus = 'OK' | 'Error' | 'ParameterError';

/** An xCommand result: `*r <Name> (status=…):`, one `*r <Name> <path>: <value>` line per leaf, `** end`. */
export function commandAnswer(
  name: string,
  status: CommandStatus,
  leaves: readonly Leaf[],
  ctx: AnswerContext,
): Answer {
  if (ctx.mode === 'json') {
    const body: JsonNode = { status, ...jsonTree(leaves) };
    return { block: jsonLines({ CommandResponse: { [name]: body } }, ctx.resultId) };
  }
  return {
    block: [
      `*r ${name} (status=${status}):`,
      ...leaves.map((l) => `*r ${name} ${pathText(l.path)}: ${termValue(l)}`),
      ...tag(ctx),
      '** end',
    ],
    word: status === 'OK' ? 'OK' : 'ERROR',
    command: true,
  };
}

/** The leaves of an error result: `Reason` and, for a path error, `XPath`. */
export function errorLeaves(reason: string, xpath?: string): Leaf[] {
  const leaves: Leaf[] = [{ path: ['Reason'], value: reason }];
  if (xpath !== undefined) leaves.push({ path: ['XPath'], value: xpath });
  return leaves;
}

/**
 * A path error: `*r <Kind> (status=Error):` block with its `Reason` and `XPath`, blank, `ERROR`; in JSON the
 * same leaves under `{"<Kind>":{"status":"Error",…}}`, and that object under `wrap` when given.
 */
function pathErrorAnswer(
  kind: 'Status' | 'Configuration',
  wrap: string | null,
  reason: string,
  xpath: string,
  ctx: AnswerContext,
): Answer {
  if (ctx.mode === 'json') {
    const body = { [kind]: { status: 'Error', ...jsonTree(errorLeaves(reason, xpath)) } };
    return { block: jsonLines(wrap === null ? body : { [wrap]: body }, ctx.resultId) };
  }
  return {
    block: [
      `*r ${kind} (status=Error):`,
      `*r ${kind} Reason: "${reason}"`,
      `*r ${kind} XPath: "${xpath}"`,
      ...tag(ctx),
      '** end',
      '',
    ],
    word: 'ERROR',
  };
}

/** An xStatus path that matches nothing: `*r Status (status=Error):` block, blank, `ERROR`; JSON (new format) `{"Status":{"status":"Error",…}}`. */
export function statusErrorAnswer(reason: string, xpath: string, ctx: AnswerContext): Answer {
  return pathErrorAnswer('Status', null, reason, xpath, ctx);
}

/** A configuration path or value the device refuses: `*r Configuration (status=Error):` block; JSON under `CommandResponse`. */
export function configErrorAnswer(reason: string, xpath: string, ctx: AnswerContext): Answer {
  return pathErrorAnswer('Configuration', 'CommandResponse', reason, xpath, ctx);
}

/** An unsolicited feedback block: `*s …`/`*c xConfiguration …` lines then `** end`; JSON without ResultId. */
export function feedbackBlock(
  kind: 'Status' | 'Configuration' | 'Event',
  leaves: readonly Leaf[],
  mode: OutputMode,
): string[] {
  if (mode === 'json') return jsonLines({ [kind]: jsonTree(leaves) }, undefined);
  const prefix = kind === 'Status' ? '*s' : kind === 'Event' ? '*e' : '*c xConfiguration';
  return [...leaves.map((l) => `${prefix} ${pathText(l.path)}: ${termValue(l)}`), '** end'];
}

function leafKey(l: Leaf): string {
  return l.path.map(String).join(' ');
}

/** Values by path, to tell later which leaves changed. */
export function leafSnapshot(leaves: Leaf[]): Map<string, string> {
  return new Map(leaves.map((l) => [leafKey(l), l.value]));
}

/** The leaves whose value differs from the snapshot (or that it did not hold). */
export function changedLeaves(before: Map<string, string>, after: Leaf[]): Leaf[] {
  return after.filter((l) => before.get(leafKey(l)) !== l.value);
}
