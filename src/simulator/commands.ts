import { JweError, open } from '../core/jwe/index.js';
import { X509Certificate } from 'node:crypto';
import { CertRefusal, certFacts, isP256, parseCertBody, showDate } from './certs.js';
import type { KeepItem } from './config.js';
import type { TrailingAction } from '../core/xapi/vocabulary.js';
import { type Device, type Purpose, type StoredCert } from './device.js';
import type { WebexStatus } from './events.js';
import type { CommandStatus, Leaf } from './format.js';
import type { Param } from './parse.js';
import { lower } from './parse.js';
import { type SchemaParam, XAPI_11_19_SUBSET } from './schema/xapi-11.19-subset.js';

/** A parameter's value space (from the public xAPI schema; `IsEncrypted` is hidden there and added by hand). */
export interface ParamDef {
  name: string;
  required?: boolean;
  type: 'String' | 'Literal' | 'Integer';
  values?: readonly string[] | ((d: Device) => readonly string[]);
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  /** A LiteralArray: the key may repeat (`Keep: Network Keep: SerialPort`). */
  multiple?: boolean;
  /** Not in the public schema (`IsEncrypted`, from the vendor's procedure). */
  hidden?: boolean;
}

/** What the device does once a command's answer is out. */
export type Aftermath =
  | {
      kind: 'factory-reset';
      keep: KeepItem[];
      trailingAction: TrailingAction;
    }
  | { kind: 'boot'; action: 'Restart' | 'Shutdown' }
  /** `AccountLinkMode: Asynchronous`: the answer is out, the registration goes on. */
  | { kind: 'register'; activationCode: string; harden: boolean };

export interface CommandOutcome {
  status: CommandStatus;
  leaves?: Leaf[];
  /** The Reason printed for an Error, or (not printed) why parameters were refused. */
  reason?: string;
  /** The JWE error code behind a blob refusal (for the event log). */
  code?: string;
  then?: Aftermath;
}

export interface Invocation {
  device: Device;
  params: Map<string, string[]>;
  body?: string;
}

export interface CommandDef {
  path: readonly string[];
  /** The schema subset's entry (`Security ClientSecret Populate`); undefined for a command not in the subset. */
  schema?: string;
  multiline?: boolean;
  params: readonly ParamDef[];
  /** Whether this device has the command at all (model, software). */
  available?: (d: Device) => boolean;
  run(inv: Invocation): Promise<CommandOutcome> | CommandOutcome;
}

/** The result name by the device's convention: the last two path elements + `Result` (spec §2). */
export function resultName(def: CommandDef): string {
  return `${def.path.slice(-2).join('')}Result`;
}

const NO_SECRET = 'No client secret has been populated.';
const NOT_FOUND = 'Certificate not found.';
const NOT_P256 = 'Key type not supported: the certificate key must be ECDSA P-256.';
const NO_KEY = 'No private key for this certificate.';
const NOT_REGISTERED = 'This command is only available on devices registered to the Webex cloud service.';
const REGISTRATION_FAILED = 'Registration failed.';
const REGISTRATION_INTERRUPTED = 'Registration was interrupted.';
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----/g;

function one(inv: Invocation, name: string): string | undefined {
  return inv.params.get(name)?.[0];
}

function ok(leaves: Leaf[] = []): CommandOutcome {
  return { status: 'OK', leaves };
}

function fail(reason: string, code?: string): CommandOutcome {
  return code === undefined ? { status: 'Error', reason } : { status: 'Error', reason, code };
}

/** Opens a blob under the device's secret (one key derivation, counted in `stats`). */
function openBlob(
  d: Device,
  blob: string,
  secret: string,
  action: 'populate' | 'add' | 'activate' | 'deactivate',
): ReturnType<typeof open> {
  d.stats.blobsOpened++;
  return open(blob, secret, { action });
}

/** The device's words for a blob it refuses; the JWE code goes to the event log. */
function jweFailure(e: unknown, expected: string): CommandOutcome {
  if (!(e instanceof JweError)) throw e;
  switch (e.code) {
    case 'ERR_JWE_DECRYPTION_FAILED':
      return fail('Decryption failed: wrong secret or corrupt data.', e.code);
    case 'ERR_JWE_ACTION_MISMATCH':
      return fail(`Wrong cisco-action in JWE header: expected ${expected}.`, e.code);
    case 'ERR_JWE_KDF_FAILED':
      return fail('Key derivation failed.', e.code);
    default:
      return fail('Invalid JWE blob.', e.code);
  }
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

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

async function servicesAdd(inv: Invocation): Promise<CommandOutcome> {
  const d = inv.device;
  const encrypted = one(inv, 'IsEncrypted') === 'True';
  let pem = inv.body ?? '';
  if (encrypted) {
    if (d.secret === undefined) return fail(NO_SECRET);
    // The body reaches the command with its line breaks (Cisco's "Multiline commands" notes): a JWE
    // wrapped over lines does not open. The `joined` variant removes whitespace first (not public).
    const blob = d.variant.bodyLineBreaks === 'joined' ? pem.replace(/\s+/g, '') : pem.trim();
    let payload: Uint8Array;
    try {
      payload = (await openBlob(d, blob, d.secret, 'add')).payload;
    } catch (e) {
      return jweFailure(e, 'add');
    }
    const text = utf8(payload);
    if (text === undefined) return fail('No certificate found in the input.');
    pem = text;
  }
  let parsed;
  try {
    parsed = parseCertBody(pem, one(inv, 'PrivateKeyPassword'));
  } catch (e) {
    if (e instanceof CertRefusal) return fail(e.message);
    throw e;
  }
  if (encrypted && !isP256(parsed.certificate)) return fail(NOT_P256);
  const cert: StoredCert = {
    kind: 'service',
    ...parsed,
    purposes: [],
    encrypted,
    facts: certFacts(parsed.certificate),
  };
  if (d.findCert(cert.facts.sha1)) return fail('Certificate already exists.');
  const chain = d.chainEntriesFor(cert);
  d.mutate(() => {
    d.certs.push(cert, ...chain);
  });
  d.events.emit({ type: 'certificate', change: 'added', fingerprint: cert.facts.sha1, kind: 'service' });
  for (const c of chain) {
    d.events.emit({ type: 'certificate', change: 'added', fingerprint: c.facts.sha1, kind: 'chain' });
  }
  return ok();
}

function servicesShow(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const filter = one(inv, 'Filter');
  const sha256 = one(inv, 'FingerprintAlgorithm') === 'SHA-256';
  const format = one(inv, 'Format') ?? 'Text';
  const leaves: Leaf[] = [];
  let n = 0;
  for (const c of d.certs) {
    // A chain entry of a certificate used for the purpose is returned too (a guess, see docs/simulator.md).
    if (filter !== undefined && !d.effectivePurposes(c).includes(filter as Purpose)) continue;
    n++;
    const f = c.facts;
    const l = (name: string, value: string, bare = false): Leaf => ({
      path: ['Details', n, name],
      value,
      bare,
    });
    leaves.push(
      l('Fingerprint', sha256 ? f.sha256 : f.sha1),
      l('HashingAlgorithm', f.hashingAlgorithm),
      l('IssuerName', f.issuerName),
      l('PublicKeySize', String(f.publicKeySize), true),
      l('SerialNumber', f.serialNumber),
      l('SignatureAlgorithm', f.publicKeyAlgorithm),
      l('SubjectName', f.subjectName),
      l('UsedFor', d.usedFor(c)),
      l('Version', '3', true),
      l('notAfter', showDate(f.notAfter)),
      l('notBefore', showDate(f.notBefore)),
    );
  }
  leaves.push({ path: ['Format'], value: format, bare: true });
  return ok(leaves);
}

async function activation(inv: Invocation, activate: boolean): Promise<CommandOutcome> {
  const d = inv.device;
  const purpose = (one(inv, 'Purpose') ?? '') as Purpose;
  const given = one(inv, 'Fingerprint') ?? '';
  let fingerprint = given;
  if (purpose === 'WebexIdentity') {
    // WebexIdentity takes the fingerprint only inside a JWE (spec §5.4).
    if (d.secret === undefined) return fail(NO_SECRET);
    const action = activate ? 'activate' : 'deactivate';
    let payload: Uint8Array;
    try {
      payload = (await openBlob(d, given, d.secret, action)).payload;
    } catch (e) {
      return jweFailure(e, action);
    }
    fingerprint = Buffer.from(payload).toString('latin1');
  }
  if (!/^([0-9a-fA-F]{2}:?){19}[0-9a-fA-F]{2}$|^[0-9a-fA-F]{64}$/.test(fingerprint)) {
    return fail('Invalid fingerprint.');
  }
  const cert = d.findCert(fingerprint);
  if (!cert) return fail(NOT_FOUND);
  if (activate) {
    // A chain entry came without a key: the device cannot serve with it (a guess).
    if (cert.kind === 'chain') return fail(NO_KEY);
    if (purpose === 'WebexIdentity') {
      if (!isP256(cert.certificate)) return fail(NOT_P256);
      if (cert.facts.notAfter.getTime() < Date.now()) return fail('Certificate has expired.');
    }
    if (cert.purposes.includes(purpose)) return ok();
    d.mutate(() => {
      // One certificate per purpose: activating another replaces the previous one (open question 6).
      for (const c of d.certs) c.purposes = c.purposes.filter((p) => p !== purpose);
      cert.purposes.push(purpose);
    });
    d.events.emit({
      type: 'certificate',
      change: 'activated',
      fingerprint: cert.facts.sha1,
      purpose,
      kind: cert.kind,
    });
    return ok();
  }
  // A chain entry shows its leaf's uses but is not itself active for them.
  if (!cert.purposes.includes(purpose)) return fail('Certificate is not active for this purpose.');
  d.mutate(() => {
    cert.purposes = cert.purposes.filter((p) => p !== purpose);
  });
  d.events.emit({
    type: 'certificate',
    change: 'deactivated',
    fingerprint: cert.facts.sha1,
    purpose,
    kind: cert.kind,
  });
  return ok();
}

/**
 * Deletes one entry: a leaf's chain entries stay (then used for nothing); a chain entry goes alone (its
 * leaf stays, with a shorter chain); the preinstalled certificate can be deleted and comes back with the
 * next factory reset. All guesses (docs/simulator.md).
 */
function servicesDelete(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const fp = one(inv, 'Fingerprint') ?? '';
  const cert = d.findCert(fp);
  if (!cert) return fail(NOT_FOUND);
  d.mutate(() => {
    d.certs = d.certs.filter((c) => c !== cert);
  });
  d.events.emit({ type: 'certificate', change: 'deleted', fingerprint: cert.facts.sha1, kind: cert.kind });
  return ok();
}

function caAdd(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const blocks = [...(inv.body ?? '').replace(/\r\n?/g, '\n').matchAll(CERT_BLOCK)].map((m) => `${m[0]}\n`);
  if (blocks.length === 0) return fail('No certificate found in the input.');
  for (const pem of blocks) {
    try {
      new X509Certificate(pem);
    } catch {
      return fail('Failed to parse the certificate.');
    }
  }
  d.mutate(() => {
    for (const pem of blocks) {
      const facts = certFacts(pem);
      if (d.caCerts.some((c) => c.facts.sha1 === facts.sha1)) continue;
      d.caCerts.push({ certificate: pem, facts });
    }
  });
  return ok();
}

function caShow(inv: Invocation): CommandOutcome {
  const leaves: Leaf[] = [];
  inv.device.caCerts.forEach((c, i) => {
    const f = c.facts;
    const l = (name: string, value: string): Leaf => ({ path: ['Details', i + 1, name], value });
    leaves.push(
      l('Fingerprint', f.sha1),
      l('IssuerName', f.issuerName),
      l('SubjectName', f.subjectName),
      l('notAfter', showDate(f.notAfter)),
      l('notBefore', showDate(f.notBefore)),
    );
  });
  leaves.push({ path: ['Format'], value: one(inv, 'Format') ?? 'Text', bare: true });
  return ok(leaves);
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
    found.flatMap(({ member, facts }, i) => d.participantLeaves(member, facts, ['Participant', i + 1])),
  );
}

/** The simulated xCommand tree. Parameters come from the public schema subset, `IsEncrypted` excepted. */
export const COMMANDS: readonly CommandDef[] = [
  {
    path: ['Conference', 'ParticipantList', 'Search'],
    schema: 'Conference ParticipantList Search',
    params: schemaParams('Conference ParticipantList Search'),
    run: participantSearch,
  },
  {
    path: ['Security', 'ClientSecret', 'Populate'],
    schema: 'Security ClientSecret Populate',
    params: schemaParams('Security ClientSecret Populate'),
    available: e2ee,
    run: populate,
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Add'],
    schema: 'Security Certificates Services Add',
    multiline: true,
    params: [IS_ENCRYPTED, ...schemaParams('Security Certificates Services Add')],
    run: servicesAdd,
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Show'],
    schema: 'Security Certificates Services Show',
    params: schemaParams('Security Certificates Services Show'),
    run: servicesShow,
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Activate'],
    schema: 'Security Certificates Services Activate',
    params: schemaParams('Security Certificates Services Activate'),
    run: (inv) => activation(inv, true),
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Deactivate'],
    schema: 'Security Certificates Services Deactivate',
    params: schemaParams('Security Certificates Services Deactivate'),
    run: (inv) => activation(inv, false),
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Delete'],
    schema: 'Security Certificates Services Delete',
    params: schemaParams('Security Certificates Services Delete'),
    run: servicesDelete,
  },
  {
    path: ['Security', 'Certificates', 'CA', 'Add'],
    schema: 'Security Certificates CA Add',
    multiline: true,
    params: schemaParams('Security Certificates CA Add'),
    run: caAdd,
  },
  {
    path: ['Security', 'Certificates', 'CA', 'Show'],
    schema: 'Security Certificates CA Show',
    params: schemaParams('Security Certificates CA Show'),
    run: caShow,
  },
  {
    path: ['SystemUnit', 'FactoryReset'],
    schema: 'SystemUnit FactoryReset',
    params: schemaParams('SystemUnit FactoryReset'),
    run: (inv) => ({
      status: 'OK',
      then: {
        kind: 'factory-reset',
        keep: (inv.params.get('Keep') ?? []) as KeepItem[],
        trailingAction: (one(inv, 'TrailingAction') ?? 'Restart') as TrailingAction,
      },
    }),
  },
  {
    path: ['SystemUnit', 'Boot'],
    schema: 'SystemUnit Boot',
    params: schemaParams('SystemUnit Boot'),
    run: (inv) => ({
      status: 'OK',
      then: { kind: 'boot', action: (one(inv, 'Action') ?? 'Restart') as 'Restart' | 'Shutdown' },
    }),
  },
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
  {
    path: ['UserManagement', 'User', 'Passphrase', 'Set'],
    schema: 'UserManagement User Passphrase Set',
    params: schemaParams('UserManagement User Passphrase Set'),
    run: passphraseSet,
  },
  {
    path: ['Webex', 'Registration', 'Start'],
    schema: 'Webex Registration Start',
    available: roomos,
    params: schemaParams('Webex Registration Start'),
    run: registrationStart,
  },
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
