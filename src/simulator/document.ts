/**
 * `xDocument Path: "…" Schema: True Format: JSON`: the device's own schema for a path, read-only (jsxapi's
 * `xapi.doc()`). The simulator answers from the published schema only: the command and status entries of
 * the subset (`schema/xapi-11.19-subset.ts`), the published meeting paths (`schema/meeting.ts`, source
 * `schema 11.19.1`) and the published children of the participant events. The layout of the answer (a
 * JSON object per node, `command`/`multiline`/`role` and `required`/`ValueSpace` as in Cisco's schema
 * files) is a guess: no public source prints a device's answer (docs/simulator.md).
 */
import { MEETING_STATUS, PARTICIPANT_EVENT } from './schema/meeting.js';
import { XAPI_11_19_SUBSET, type SchemaValueSpace } from './schema/xapi-11.19-subset.js';

type Node = { [key: string]: Node | string | readonly string[] };

function valueSpace(v: SchemaValueSpace): Node {
  const out: Node = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = x as string | readonly string[];
  return out;
}

/** Puts `leaf` at `words` (each `Name[n]` an element of its own, `[n]` dropped) under `root`. */
function place(root: Node, words: readonly string[], leaf: Node): void {
  let at = root;
  for (const [i, w] of words.entries()) {
    const name = w.replace(/\[n\]$/, '');
    if (i === words.length - 1) {
      at[name] = leaf;
      return;
    }
    const next = at[name];
    if (next === undefined || typeof next === 'string' || Array.isArray(next)) at[name] = {};
    at = at[name] as Node;
  }
}

/** The whole published tree the simulator knows: Command, Status and Event nodes. */
function publishedTree(): Node {
  const root: Node = { Command: {}, Status: {}, Event: {} };
  for (const [path, c] of Object.entries(XAPI_11_19_SUBSET.commands)) {
    const node: Node = {
      command: 'True',
      multiline: c.multiline ? 'True' : 'False',
      role: c.roles,
    };
    for (const p of c.params) {
      node[p.name] = {
        required: p.required ? 'True' : 'False',
        ValueSpace: valueSpace(p.valuespace),
        ...(p.default !== undefined ? { default: p.default } : {}),
      };
    }
    place(root.Command as Node, path.split(' '), node);
  }
  for (const [path, st] of Object.entries(XAPI_11_19_SUBSET.status)) {
    place(root.Status as Node, path.split(' '), { ValueSpace: valueSpace(st.valuespace) });
  }
  for (const e of MEETING_STATUS) {
    if (e.source !== 'schema 11.19.1') continue;
    place(
      root.Status as Node,
      e.path.split(' '),
      e.values ? { ValueSpace: { type: 'Literal', Value: e.values } } : { ValueSpace: { type: 'String' } },
    );
  }
  for (const ev of ['ParticipantAdded', 'ParticipantUpdated', 'ParticipantDeleted']) {
    for (const child of PARTICIPANT_EVENT) {
      place(root.Event as Node, ['Conference', 'ParticipantList', ev, ...child.split(' ')], {});
    }
  }
  return root;
}

/** The schema node at a `Status/Conference/Call` path (case-insensitive), or undefined when it has none. */
export function schemaNode(path: string): Node | undefined {
  let at: Node | string | readonly string[] | undefined = publishedTree();
  for (const w of path.split('/').filter((x) => x !== '')) {
    if (at === undefined || typeof at === 'string' || Array.isArray(at)) return undefined;
    const node: Node = at as Node;
    const key = Object.keys(node).find((k) => k.toLowerCase() === w.replace(/\[\d*\]$/, '').toLowerCase());
    at = key === undefined ? undefined : node[key];
  }
  return at === undefined || typeof at === 'string' || Array.isArray(at) ? undefined : (at as Node);
}
