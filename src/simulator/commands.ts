/**
 * The simulated xCommand tree: each command's path, its parameters from the published schema subset, and
 * what it does (ClientSecret, system unit, Webex registration, participants); the certificate store's
 * commands are in cert-commands.ts. `findCommand` and `validateParams` are the interpreter's way in.
 */
import type { TrailingAction } from '../core/xapi/vocabulary.js';
import type { KeepItem } from './config.js';
import type { Device } from './device.js';
import { participantLeaves } from './device-meeting.js';
import type { WebexStatus } from './events.js';
import type { Param } from './parse.js';
import {
  type CommandDef,
  type CommandOutcome,
  type Invocation,
  type ParamDef,
  NOT_REGISTERED,
  REGISTRATION_FAILED,
  REGISTRATION_INTERRUPTED,
  fail,
  jweFailure,
  ok,
  one,
  openBlob,
  utf8,
} from './command-kit.js';
import { activation, caAdd, caShow, servicesAdd, servicesDelete, servicesShow } from './cert-commands.js';

export type { Aftermath, CommandDef, CommandOutcome, Invocation, ParamDef } from './command-kit.js';
export { resultName } from './command-kit.js';
import { lower } from './parse.js';
import { type SchemaParam, XAPI_11_19_SUBSET } from './schema/xapi-11.19-subset.js';

function e2ee(d: Device): boolean {
  return d.e2eeSupported;
}

function roomos(d: Device): boolean {
  return (d.software.numbers[0] ?? 0) >= 10;
}

/** Software that cannot hold an external identity has no WebexIdentity purpose (older schemas). */
function purposes(values: readonly string[]): (d: Device) => readonly string[] {
  return (d) => (d.e2eeSupported ? values : values.filter((p) => p !== 'WebexIdentity'));
}

/** The public schema's parameters of a command, as value spaces the validator reads. */
export function schemaParams(key: string): ParamDef[] {
  const entry = XAPI_11_19_SUBSET.commands[key];
  if (entry === undefined) throw new Error(`No schema entry ${key}`);
  return entry.params.map((p) => paramFromSchema(p));
}

function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

function paramFromSchema(p: SchemaParam): ParamDef {
  const vs = p.valuespace;
  const def: ParamDef = { name: p.name, required: p.required, type: 'String' };
  if (vs.type === 'Literal' || vs.type === 'LiteralArray') {
    def.type = 'Literal';
    const values = vs.Values ?? [];
    def.values = values.includes('WebexIdentity') ? purposes(values) : values;
    if (vs.type === 'LiteralArray') def.multiple = true;
  } else if (vs.type === 'Integer') {
    def.type = 'Integer';
    const min = num(vs.Min);
    const max = num(vs.Max);
    if (min !== undefined) def.min = min;
    if (max !== undefined) def.max = max;
  } else {
    const min = num(vs.MinLength);
    const max = num(vs.MaxLength);
    if (min !== undefined) def.minLength = min;
    if (max !== undefined) def.maxLength = max;
  }
  return def;
}

async function populate(inv: Invocation): Promise<CommandOutcome> {
  const d = inv.device;
  if (d.variant.populateNeedsRegistration && d.webexStatus !== 'Registered') {
    // Schema: "applies only to devices that are registered to the Webex cloud service" (the Reason is a guess).
    return fail(NOT_REGISTERED);
  }
  const given = one(inv, 'Secret') ?? '';
  if (d.secret === undefined) {
    // First population: plain base64url (spec jwe-blobs.md "Payloads by action").
    const bytes = Buffer.from(given, 'base64url');
    if (!/^[A-Za-z0-9_-]+$/.test(given) || bytes.toString('base64url') !== given) {
      return fail('Invalid secret: expected a base64url encoded value.');
    }
    const text = utf8(bytes);
    if (text === undefined || text.length === 0)
      return fail('Invalid secret: expected a base64url encoded value.');
    d.mutate(() => {
      d.secret = text;
    });
    d.events.emit({ type: 'secret', change: 'populated' });
    return ok();
  }
  if (!given.includes('.')) {
    return fail(
      'A client secret is already set: supply a JWE blob encrypted with the current secret.',
      'ERR_JWE_PARTS',
    );
  }
  let payload: Uint8Array;
  try {
    payload = (await openBlob(d, given, d.secret, 'populate')).payload;
  } catch (e) {
    return jweFailure(e, 'populate');
  }
  const next = utf8(payload);
  if (next === undefined) return fail('Invalid secret: not UTF-8 text.', 'ERR_JWE_PAYLOAD_NOT_UTF8');
  if (next === '') {
    d.mutate(() => {
      d.secret = undefined;
    });
    d.events.emit({ type: 'secret', change: 'cleared' });
  } else if (d.secretEquals(next)) {
    d.events.emit({ type: 'secret', change: 'unchanged' });
  } else {
    d.mutate(() => {
      d.secret = next;
    });
    d.events.emit({ type: 'secret', change: 'rotated' });
  }
  return ok();
}

function passphraseSet(inv: Invocation): CommandOutcome {
  const d = inv.device;
  if (one(inv, 'Username') !== 'admin') return fail('User not found.');
  const yours = one(inv, 'YourPassphrase');
  if (d.adminPassword !== '' && yours !== d.adminPassword) return fail('Incorrect passphrase.');
  d.mutate(() => {
    d.adminPassword = one(inv, 'NewPassphrase') ?? '';
  });
  return ok();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * The simulated cloud's verdict on an activation code: 16 digits exactly (Cisco: "Be sure to remove any -
 * dashes in the code", so a code with dashes or spaces fails) not on the `rejectActivationCodes` list,
 * unless the `registrationFails` variant is on.
 */
export function registrationVerdict(d: Device, activationCode: string): WebexStatus {
  const code = activationCode;
  if (d.variant.registrationFails) return 'Error';
  if (d.variant.rejectActivationCodes.some((c) => c.replace(/[\s-]/g, '') === code)) return 'Error';
  return /^\d{16}$/.test(code) ? 'Registered' : 'Error';
}

/** Ends a registration: Registered (and, with Harden, the local users deactivated) or Error. */
export function finishRegistration(d: Device, status: WebexStatus, harden: boolean): void {
  d.mutate(() => {
    d.webexStatus = status;
    if (status === 'Registered') {
      d.registeredAt = new Date();
      // "Deactivate all existing local users and macros when registering" (schema): logins fail from now on.
      if (harden) d.hardened = true;
    }
  });
  d.events.emit({ type: 'webex', status });
}

async function registrationStart(inv: Invocation): Promise<CommandOutcome> {
  const d = inv.device;
  if (d.webexStatus === 'Registered') return fail('The device is already registered.');
  if (d.webexStatus === 'Registering') return fail('Registration is already in progress.');
  const code = one(inv, 'ActivationCode') ?? '';
  const harden = one(inv, 'SecurityAction') === 'Harden';
  d.mutate(() => {
    d.webexStatus = 'Registering';
  });
  d.events.emit({ type: 'webex', status: 'Registering' });
  if (one(inv, 'AccountLinkMode') === 'Asynchronous') {
    return { status: 'OK', then: { kind: 'register', activationCode: code, harden } };
  }
  // Synchronous (the default): the answer comes when registration has succeeded or failed (schema).
  const boot = d.bootCount;
  d.stats.delayMs += d.variant.registrationDelayMs;
  await sleep(d.variant.registrationDelayMs);
  if (d.power !== 'up' || d.bootCount !== boot || (d.webexStatus as WebexStatus) !== 'Registering') {
    return fail(REGISTRATION_INTERRUPTED);
  }
  const status = registrationVerdict(d, code);
  finishRegistration(d, status, harden);
  return status === 'Registered' ? ok() : fail(REGISTRATION_FAILED);
}

/** The hidden `IsEncrypted` of Services Add (the vendor's procedure; absent from the public schema). */
const IS_ENCRYPTED: ParamDef = {
  name: 'IsEncrypted',
  type: 'Literal',
  values: (d) => (d.e2eeSupported ? ['False', 'True'] : []),
  hidden: true,
};

/**
 * `Conference ParticipantList Search`: the simulated meeting's participants (`Participant n …`) with the
 * E2EE fields the seed adds. Not in a call: no participants (inferred). CallId 0 is the default (any call).
 */
function participantSearch(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const m = d.meeting?.meeting;
  const callId = Number(one(inv, 'CallId') ?? '0');
  if (!m || d.webexStatus !== 'Registered' || (callId !== 0 && callId !== 1)) return ok();
  const search = (one(inv, 'SearchString') ?? '').toLowerCase();
  const offset = Number(one(inv, 'Offset') ?? '0');
  const limit = Number(one(inv, 'Limit') ?? '1000');
  const found = m.members
    .map((member) => ({ member, facts: member.facts() }))
    .filter(({ facts }) => search === '' || facts.displayName.toLowerCase().includes(search))
    .slice(offset, offset + limit);
  return ok(
    found.flatMap(({ member, facts }, i) => participantLeaves(d, member, facts, ['Participant', i + 1])),
  );
}

/**
 * A command of the schema subset, by its key (`Security Certificates CA Show`): its path, parameters and
 * whether it takes a body all come from the subset's entry; `hidden` parameters (not in the public schema)
 * come first, and `available` says which devices have it.
 */
function fromSchema(
  schema: string,
  run: CommandDef['run'],
  more: { hidden?: readonly ParamDef[]; available?: (d: Device) => boolean } = {},
): CommandDef {
  const entry = XAPI_11_19_SUBSET.commands[schema];
  if (entry === undefined) throw new Error(`No schema entry ${schema}`);
  return {
    path: schema.split(' '),
    schema,
    ...(entry.multiline ? { multiline: true } : {}),
    params: [...(more.hidden ?? []), ...schemaParams(schema)],
    ...(more.available ? { available: more.available } : {}),
    run,
  };
}

/** The simulated xCommand tree. Parameters come from the public schema subset, `IsEncrypted` excepted. */
export const COMMANDS: readonly CommandDef[] = [
  fromSchema('Conference ParticipantList Search', participantSearch),
  fromSchema('Security ClientSecret Populate', populate, { available: e2ee }),
  fromSchema('Security Certificates Services Add', servicesAdd, { hidden: [IS_ENCRYPTED] }),
  fromSchema('Security Certificates Services Show', servicesShow),
  fromSchema('Security Certificates Services Activate', (inv) => activation(inv, true)),
  fromSchema('Security Certificates Services Deactivate', (inv) => activation(inv, false)),
  fromSchema('Security Certificates Services Delete', servicesDelete),
  fromSchema('Security Certificates CA Add', caAdd),
  fromSchema('Security Certificates CA Show', caShow),
  fromSchema('SystemUnit FactoryReset', (inv) => ({
    status: 'OK',
    then: {
      kind: 'factory-reset',
      keep: (inv.params.get('Keep') ?? []) as KeepItem[],
      trailingAction: (one(inv, 'TrailingAction') ?? 'Restart') as TrailingAction,
    },
  })),
  fromSchema('SystemUnit Boot', (inv) => ({
    status: 'OK',
    then: { kind: 'boot', action: (one(inv, 'Action') ?? 'Restart') as 'Restart' | 'Shutdown' },
  })),
  {
    // Not in the schema subset (docs/simulator.md).
    path: ['SystemUnit', 'SignInBanner', 'Set'],
    multiline: true,
    params: [],
    run: (inv) => {
      inv.device.mutate(() => {
        inv.device.signInBanner = inv.body ?? '';
      });
      return ok();
    },
  },
  {
    // Not in the schema subset (docs/simulator.md).
    path: ['SystemUnit', 'SignInBanner', 'Clear'],
    params: [],
    run: (inv) => {
      inv.device.mutate(() => {
        inv.device.signInBanner = '';
      });
      return ok();
    },
  },
  fromSchema('UserManagement User Passphrase Set', passphraseSet),
  fromSchema('Webex Registration Start', registrationStart, { available: roomos }),
];

/** The command at exactly this path, when the device has it. */
export function findCommand(words: readonly string[], d: Device): CommandDef | undefined {
  const want = lower(words).join(' ');
  return COMMANDS.find((c) => lower(c.path).join(' ') === want && (c.available?.(d) ?? true));
}

/**
 * Checks parameters against the value spaces (the public schema's): unknown parameter, repeated parameter
 * (unless a LiteralArray), literal outside the value space, integer out of range, string longer than
 * MaxLength or shorter than MinLength, missing required parameter. Returns canonical names and literal
 * spellings, or why not (the device prints no Reason for a ParameterError; the event log keeps it).
 */
export function validateParams(
  def: CommandDef,
  given: readonly Param[],
  d: Device,
): { ok: true; params: Map<string, string[]> } | { ok: false; reason: string } {
  const out = new Map<string, string[]>();
  for (const p of given) {
    const pd = def.params.find((x) => x.name.toLowerCase() === p.key.toLowerCase());
    if (!pd) return { ok: false, reason: 'Unknown parameter' };
    let value = p.value;
    if (pd.type === 'Literal') {
      const values = typeof pd.values === 'function' ? pd.values(d) : (pd.values ?? []);
      const canonical = values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (canonical === undefined) return { ok: false, reason: `Invalid value for ${pd.name}` };
      value = canonical;
    } else if (pd.type === 'Integer') {
      if (!/^-?\d+$/.test(value)) return { ok: false, reason: `Invalid value for ${pd.name}` };
      const n = Number.parseInt(value, 10);
      if ((pd.min !== undefined && n < pd.min) || (pd.max !== undefined && n > pd.max)) {
        return { ok: false, reason: `${pd.name} is out of range` };
      }
      value = String(n);
    } else {
      if (pd.maxLength !== undefined && value.length > pd.maxLength) {
        return { ok: false, reason: `${pd.name} is longer than ${pd.maxLength} characters` };
      }
      if (pd.minLength !== undefined && value.length < pd.minLength) {
        return { ok: false, reason: `${pd.name} is shorter than ${pd.minLength} characters` };
      }
    }
    const list = out.get(pd.name) ?? [];
    if (list.length > 0 && !pd.multiple) return { ok: false, reason: `Duplicate parameter: ${pd.name}` };
    list.push(value);
    out.set(pd.name, list);
  }
  for (const pd of def.params) {
    if (pd.required && !out.has(pd.name))
      return { ok: false, reason: `Missing required parameter: ${pd.name}` };
  }
  return { ok: true, params: out };
}
