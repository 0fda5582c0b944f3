import { JweError, open } from '../core/jwe/index.js';
import { CertRefusal, certFacts, isP256, parseCertBody, showDate } from './certs.js';
import { type KeepItem, KEEP_VALUES } from './config.js';
import { type Device, type Purpose, PURPOSES } from './device.js';
import type { CommandStatus, Leaf } from './format.js';
import type { Param } from './parse.js';
import { lower } from './parse.js';

/** A parameter's value space (from the public xAPI schema; `IsEncrypted` is hidden there and added by hand). */
export interface ParamDef {
  name: string;
  required?: boolean;
  type: 'String' | 'Literal' | 'Integer';
  values?: readonly string[] | ((d: Device) => readonly string[]);
  minLength?: number;
  maxLength?: number;
  /** A LiteralArray: the key may repeat (`Keep: Network Keep: SerialPort`). */
  multiple?: boolean;
}

/** What the device does once a command's answer is out. */
export type Aftermath =
  | {
      kind: 'factory-reset';
      keep: KeepItem[];
      trailingAction: 'NoAction' | 'Restart' | 'Shutdown' | 'WaitForUpgrade';
    }
  | { kind: 'boot'; action: 'Restart' | 'Shutdown' }
  | { kind: 'register'; activationCode: string };

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

function one(inv: Invocation, name: string): string | undefined {
  return inv.params.get(name)?.[0];
}

function ok(leaves: Leaf[] = []): CommandOutcome {
  return { status: 'OK', leaves };
}

function fail(reason: string, code?: string): CommandOutcome {
  return code === undefined ? { status: 'Error', reason } : { status: 'Error', reason, code };
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

function purposes(d: Device): readonly string[] {
  return d.e2eeSupported ? PURPOSES : PURPOSES.filter((p) => p !== 'WebexIdentity');
}

/** Certificates are named by SHA-1 (40 hex) or SHA-256 (64 hex), any case, colons allowed. */
function findCert(d: Device, fingerprint: string): Device['certs'][number] | undefined {
  const fp = fingerprint.replace(/:/g, '').toLowerCase();
  return d.certs.find((c) => c.facts.sha1 === fp || c.facts.sha256 === fp);
}

async function populate(inv: Invocation): Promise<CommandOutcome> {
  const d = inv.device;
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
    payload = (await open(given, d.secret, { action: 'populate' })).payload;
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
    // A JWE has no whitespace; a body wrapped over several lines is joined (inferred, see docs/simulator.md).
    const blob = pem.replace(/\s+/g, '');
    let payload: Uint8Array;
    try {
      payload = (await open(blob, d.secret, { action: 'add' })).payload;
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
  const cert = { ...parsed, purposes: [] as Purpose[], encrypted, facts: certFacts(parsed.certificate) };
  if (findCert(d, cert.facts.sha1)) return fail('Certificate already exists.');
  d.mutate(() => {
    d.certs.push(cert);
  });
  d.events.emit({ type: 'certificate', change: 'added', fingerprint: cert.facts.sha1 });
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
    if (filter !== undefined && !c.purposes.includes(filter as Purpose)) continue;
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
      l('UsedFor', c.purposes.join(', ')),
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
      payload = (await open(given, d.secret, { action })).payload;
    } catch (e) {
      return jweFailure(e, action);
    }
    fingerprint = Buffer.from(payload).toString('latin1');
  }
  if (!/^([0-9a-fA-F]{2}:?){19}[0-9a-fA-F]{2}$|^[0-9a-fA-F]{64}$/.test(fingerprint)) {
    return fail('Invalid fingerprint.');
  }
  const cert = findCert(d, fingerprint);
  if (!cert) return fail(NOT_FOUND);
  if (activate) {
    if (purpose === 'WebexIdentity') {
      if (!isP256(cert.certificate)) return fail(NOT_P256);
      if (cert.facts.notAfter.getTime() < Date.now()) return fail('Certificate has expired.');
    }
    if (cert.purposes.includes(purpose)) return ok();
    d.mutate(() => {
      // One certificate per purpose: activating another replaces the previous one.
      for (const c of d.certs) c.purposes = c.purposes.filter((p) => p !== purpose);
      cert.purposes.push(purpose);
    });
    d.events.emit({ type: 'certificate', change: 'activated', fingerprint: cert.facts.sha1, purpose });
    return ok();
  }
  if (!cert.purposes.includes(purpose)) return fail('Certificate is not active for this purpose.');
  d.mutate(() => {
    cert.purposes = cert.purposes.filter((p) => p !== purpose);
  });
  d.events.emit({ type: 'certificate', change: 'deactivated', fingerprint: cert.facts.sha1, purpose });
  return ok();
}

function servicesDelete(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const fp = one(inv, 'Fingerprint') ?? '';
  const cert = findCert(d, fp);
  if (!cert) return fail(NOT_FOUND);
  d.mutate(() => {
    d.certs = d.certs.filter((c) => c !== cert);
  });
  d.events.emit({ type: 'certificate', change: 'deleted', fingerprint: cert.facts.sha1 });
  return ok();
}

/** The simulated xCommand tree. */
export const COMMANDS: readonly CommandDef[] = [
  {
    path: ['Security', 'ClientSecret', 'Populate'],
    params: [{ name: 'Secret', required: true, type: 'String', minLength: 0, maxLength: 1024 }],
    available: e2ee,
    run: populate,
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Add'],
    multiline: true,
    params: [
      { name: 'IsEncrypted', type: 'Literal', values: (d) => (d.e2eeSupported ? ['False', 'True'] : []) },
      { name: 'PrivateKeyPassword', type: 'String', minLength: 0, maxLength: 128 },
    ],
    run: servicesAdd,
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Show'],
    params: [
      { name: 'Filter', type: 'Literal', values: purposes },
      { name: 'FingerprintAlgorithm', type: 'Literal', values: ['SHA-1', 'SHA-256'] },
      { name: 'Format', type: 'Literal', values: ['PEM', 'Text'] },
    ],
    run: servicesShow,
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Activate'],
    params: [
      { name: 'Fingerprint', required: true, type: 'String', minLength: 0, maxLength: 1024 },
      { name: 'Purpose', required: true, type: 'Literal', values: purposes },
    ],
    run: (inv) => activation(inv, true),
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Deactivate'],
    params: [
      { name: 'Fingerprint', required: true, type: 'String', minLength: 0, maxLength: 1024 },
      { name: 'Purpose', required: true, type: 'Literal', values: purposes },
    ],
    run: (inv) => activation(inv, false),
  },
  {
    path: ['Security', 'Certificates', 'Services', 'Delete'],
    params: [{ name: 'Fingerprint', required: true, type: 'String', minLength: 0, maxLength: 128 }],
    run: servicesDelete,
  },
  {
    path: ['SystemUnit', 'FactoryReset'],
    params: [
      { name: 'Confirm', required: true, type: 'Literal', values: ['Yes'] },
      { name: 'Keep', type: 'Literal', values: KEEP_VALUES, multiple: true },
      {
        name: 'TrailingAction',
        type: 'Literal',
        values: ['NoAction', 'Restart', 'Shutdown', 'WaitForUpgrade'],
      },
    ],
    run: (inv) => ({
      status: 'OK',
      then: {
        kind: 'factory-reset',
        keep: (inv.params.get('Keep') ?? []) as KeepItem[],
        trailingAction: (one(inv, 'TrailingAction') ?? 'Restart') as
          'NoAction' | 'Restart' | 'Shutdown' | 'WaitForUpgrade',
      },
    }),
  },
  {
    path: ['SystemUnit', 'Boot'],
    params: [
      { name: 'Action', type: 'Literal', values: ['Restart', 'Shutdown'] },
      { name: 'Force', type: 'Literal', values: ['False', 'True'] },
    ],
    run: (inv) => ({
      status: 'OK',
      then: { kind: 'boot', action: (one(inv, 'Action') ?? 'Restart') as 'Restart' | 'Shutdown' },
    }),
  },
  {
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
    path: ['Webex', 'Registration', 'Start'],
    available: roomos,
    params: [
      { name: 'ActivationCode', required: true, type: 'String', minLength: 0, maxLength: 128 },
      { name: 'SecurityAction', required: true, type: 'Literal', values: ['Harden', 'NoAction'] },
      { name: 'AccountLinkMode', type: 'Literal', values: ['Synchronous', 'Asynchronous'] },
      { name: 'RegistrationType', type: 'Literal', values: ['Manual', 'Hotdesk', 'Personalization'] },
    ],
    run: (inv) => {
      const d = inv.device;
      if (d.webexStatus === 'Registered') return fail('The device is already registered.');
      if (d.webexStatus === 'Registering') return fail('Registration is already in progress.');
      d.mutate(() => {
        if (one(inv, 'SecurityAction') === 'Harden') d.hardened = true;
      });
      return { status: 'OK', then: { kind: 'register', activationCode: one(inv, 'ActivationCode') ?? '' } };
    },
  },
];

/** The command at exactly this path, when the device has it. */
export function findCommand(words: readonly string[], d: Device): CommandDef | undefined {
  const want = lower(words).join(' ');
  return COMMANDS.find((c) => lower(c.path).join(' ') === want && (c.available?.(d) ?? true));
}

/** Checks parameters against the value spaces: canonical names and literal spellings, or why not. */
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
