/**
 * What the cloud knows of a device's commands: `GET /xapi/schema` answers from the published schema
 * subset (src/simulator/schema/), without the commands the device does not offer (its model and
 * software, or the variant whose schema lacks the Security commands). Hidden parameters (`IsEncrypted`)
 * are not in the published schema, so not in the answer either.
 */
import { type SchemaCommand, type SchemaValueSpace, XAPI_11_19_SUBSET } from '../schema/xapi-11.19-subset.js';

/** A command of the published schema by its dotted key, any case: its canonical key and entry. */
export function publishedCommand(key: string): { key: string; entry: SchemaCommand } | undefined {
  const want = key.split('.').join(' ').toLowerCase();
  for (const [path, entry] of Object.entries(XAPI_11_19_SUBSET.commands)) {
    if (path.toLowerCase() === want) return { key: path.split(' ').join('.'), entry };
  }
  return undefined;
}

/** Whether a dotted command key names one of the Security commands. */
export function isSecurityCommand(key: string): boolean {
  return key.split('.')[0]?.toLowerCase() === 'security';
}

/** Whether a dotted command key names `Conference ParticipantList Search`. */
export function isParticipantList(key: string): boolean {
  return key.toLowerCase() === 'conference.participantlist.search';
}

/** A published value space as a JSON-schema-like description. */
function argumentSchema(v: SchemaValueSpace): Record<string, unknown> {
  const n = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  switch (v.type) {
    case 'Literal':
      return { type: 'string', enum: [...(v.Values ?? [])] };
    case 'LiteralArray':
      return { type: 'array', items: { type: 'string', enum: [...(v.Values ?? [])] } };
    case 'Integer': {
      const out: Record<string, unknown> = { type: 'integer' };
      if (v.Min !== undefined) out.minimum = n(v.Min);
      if (v.Max !== undefined) out.maximum = n(v.Max);
      return out;
    }
    default: {
      const out: Record<string, unknown> = { type: 'string' };
      if (v.MinLength !== undefined) out.minLength = n(v.MinLength);
      if (v.MaxLength !== undefined) out.maxLength = n(v.MaxLength);
      return out;
    }
  }
}

/** The schema answer's entry for one command: its arguments and, for a multiline command, its body. */
export function commandSchema(entry: SchemaCommand): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const p of entry.params) args[p.name] = { required: p.required, schema: argumentSchema(p.valuespace) };
  return entry.multiline ? { arguments: args, bodySchema: { type: 'string' } } : { arguments: args };
}
