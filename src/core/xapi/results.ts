/**
 * Typed readings of the answers the provisioning tool needs (spec §5). Pure: they take normalized
 * answers (`XapiResponse`) and return plain data, whichever grammar the device spoke.
 */
import {
  entriesUnder,
  groupByIndex,
  unquoteValue,
  valueAt,
  type XapiEntry,
  type XapiResponse,
} from './response.js';

/** What the device says it is. */
export interface DeviceIdentity {
  productId: string;
  softwareVersion: string;
  softwareDisplayName: string;
  serialNumber: string;
  systemName: string;
  /** `Disabled`, `Error`, `Registered`, `Registering`, `Stopped`; null where the device has no such status. */
  webexStatus: string | null;
  /** `Software OptionKeys Encryption`: `True` or `False` as written; null when the device does not report it. */
  encryptionOptionKey: string | null;
}

/** Reads `xStatus SystemUnit`, `xConfiguration SystemUnit Name` and `xStatus Webex Status`. */
export function parseIdentity(
  systemUnit: XapiResponse,
  name: XapiResponse | null,
  webex: XapiResponse | null,
): DeviceIdentity {
  const su = (p: string[]): string => valueAt(systemUnit, ['SystemUnit', ...p]) ?? '';
  return {
    productId: su(['ProductId']),
    softwareVersion: su(['Software', 'Version']),
    softwareDisplayName: su(['Software', 'DisplayName']),
    serialNumber: su(['Hardware', 'Module', 'SerialNumber']) || su(['Hardware', 'SerialNumber']),
    systemName: (name && valueAt(name, ['SystemUnit', 'Name'])) ?? '',
    webexStatus: (webex && valueAt(webex, ['Webex', 'Status'])) ?? null,
    encryptionOptionKey: valueAt(systemUnit, ['SystemUnit', 'Software', 'OptionKeys', 'Encryption']) ?? null,
  };
}

/** One certificate of an identity's chain, as `xStatus Conference EndToEndEncryption … CertificateChain` lists it. */
export interface ChainCertificate {
  index: number;
  fingerprint: string | null;
  /** As the device wrote it, e.g. `2024-09-09T03:00:37.000000000+0000`. */
  notAfter: string | null;
  notBefore: string | null;
  /** The same instants in ISO 8601 (`2024-09-09T03:00:37.000Z`); null when absent or unreadable. */
  notAfterIso: string | null;
  notBeforeIso: string | null;
  primaryName: string | null;
  publicKeyAlgorithm: string | null;
  serialNumber: string | null;
  signatureAlgorithm: string | null;
  subjectNames: string[];
  validity: string | null;
}

export interface IdentityStatus {
  verification: string | null;
  identity: string | null;
  status: string | null;
  certificateChain: ChainCertificate[];
}

export interface E2eeStatus {
  /** False when the device has no `Conference EndToEndEncryption` status at all (spec §5.6: unregistered devices). */
  present: boolean;
  /** `Available` or `Unavailable`, as the device wrote it; null when absent. */
  availability: string | null;
  external: IdentityStatus;
  internal: IdentityStatus;
}

function field(entries: XapiEntry[], name: string): string | null {
  const e = entries.find((x) => x.path.length === 1 && x.path[0]?.toLowerCase() === name.toLowerCase());
  return e ? e.value : null;
}

function identityStatus(all: XapiResponse, which: 'ExternalIdentity' | 'InternalIdentity'): IdentityStatus {
  const base = entriesUnder(all, ['Conference', 'EndToEndEncryption', which]);
  const chain = groupByIndex(entriesUnder({ entries: base }, ['CertificateChain', 'Certificate']));
  return {
    verification: field(base, 'Verification'),
    identity: field(base, 'Identity'),
    status: field(base, 'Status'),
    certificateChain: [...chain.entries()].map(([index, es]) => ({
      index,
      fingerprint: nonEmpty(field(es, 'Fingerprint'))?.replace(/[:\s]/g, '').toLowerCase() ?? null,
      notAfter: field(es, 'NotAfter'),
      notBefore: field(es, 'NotBefore'),
      notAfterIso: statusTime(field(es, 'NotAfter')),
      notBeforeIso: statusTime(field(es, 'NotBefore')),
      primaryName: field(es, 'PrimaryName'),
      publicKeyAlgorithm: field(es, 'PublicKeyAlgorithm'),
      serialNumber: field(es, 'SerialNumber'),
      signatureAlgorithm: field(es, 'SignatureAlgorithm'),
      subjectNames: [...groupByIndex(entriesUnder({ entries: es }, ['Subject'])).values()]
        .map((s) => field(s, 'Name'))
        .filter((s): s is string => s !== null),
      validity: field(es, 'Validity'),
    })),
  };
}

function nonEmpty(v: string | null): string | null {
  return v === null || v.trim() === '' ? null : v;
}

/**
 * A time as the E2EE status writes it (`2024-09-09T03:00:37.000000000+0000`: nanoseconds, an offset
 * without colon), or any ISO 8601 form, as ISO 8601 UTC; null when empty or unreadable.
 */
export function statusTime(text: string | null): string | null {
  const t = (text ?? '').trim();
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m) return null;
  const ms = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = !m[4] || m[4].toUpperCase() === 'Z' ? 'Z' : m[4].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const d = new Date(`${m[1]}T${m[2]}.${ms}${zone}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Whether the identity status names an identity at all (a device with none shows empty strings). */
export function hasIdentity(s: IdentityStatus): boolean {
  return nonEmpty(s.identity) !== null;
}

/** Reads `xStatus Conference EndToEndEncryption` (null answer or an error: the node is absent). */
export function parseE2eeStatus(res: XapiResponse | null): E2eeStatus {
  const r: XapiResponse = res ?? { grammar: 'terminal', kind: 'empty', status: 'OK', entries: [], lines: [] };
  const base = entriesUnder(r, ['Conference', 'EndToEndEncryption']);
  return {
    present: base.length > 0,
    availability: field(base, 'Availability'),
    external: identityStatus(r, 'ExternalIdentity'),
    internal: identityStatus(r, 'InternalIdentity'),
  };
}

/** One certificate in the device's store (`Security Certificates Services Show`, spec §5.3). */
export interface DeviceCertificate {
  /** The index the device gave it (`Details n`). */
  index: number;
  /** SHA-1, 40 lower-case hex digits, no colons. */
  fingerprint: string;
  subjectName: string | null;
  issuerName: string | null;
  notBefore: string | null;
  notAfter: string | null;
  serialNumber: string | null;
  hashingAlgorithm: string | null;
  signatureAlgorithm: string | null;
  publicKeySize: string | null;
  version: string | null;
  /** `UsedFor` as written (`SIP, HTTPS server`), empty when unused. */
  usedFor: string;
  /** `UsedFor` split into purposes. */
  purposes: string[];
  /** Every field the device gave, by name. */
  fields: Record<string, string>;
}

/** Reads a `ServicesShowResult`: `Details n <Field>` entries in either grammar. */
export function parseCertificates(res: XapiResponse): DeviceCertificate[] {
  const groups = groupByIndex(entriesUnder(res, ['Details']));
  const out: DeviceCertificate[] = [];
  for (const [index, es] of groups) {
    const fields: Record<string, string> = {};
    for (const e of es) if (e.path.length >= 1) fields[e.path.join(' ')] = e.value;
    const usedFor = field(es, 'UsedFor') ?? '';
    out.push({
      index,
      fingerprint: (field(es, 'Fingerprint') ?? '').toLowerCase().replace(/:/g, ''),
      subjectName: field(es, 'SubjectName'),
      issuerName: field(es, 'IssuerName'),
      notBefore: field(es, 'notBefore'),
      notAfter: field(es, 'notAfter'),
      serialNumber: field(es, 'SerialNumber'),
      hashingAlgorithm: field(es, 'HashingAlgorithm'),
      signatureAlgorithm: field(es, 'SignatureAlgorithm'),
      publicKeySize: field(es, 'PublicKeySize'),
      version: field(es, 'Version'),
      usedFor,
      purposes: usedFor
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s.toLowerCase() !== 'none'),
      fields,
    });
  }
  return out;
}

/** One configuration node: `SystemUnit Name`, `Network 1 IPv4 Assignment`. */
export interface ConfigNode {
  /** Space-separated path below `xConfiguration`. */
  path: string;
  value: string;
  /** Whether the device printed the value in quotes (a string); unknown (undefined) from JSON. */
  quoted?: boolean;
}

/** A configuration backup: the device's own lines (when read in terminal grammar) and the nodes. */
export interface ConfigurationDump {
  /** `*c xConfiguration …` lines exactly as received (empty when read in JSON grammar). */
  lines: string[];
  nodes: ConfigNode[];
  /** The nodes as a map, path → value. */
  values: Record<string, string>;
}

/** Reads `xConfiguration` (the whole tree) in either grammar. */
export function parseConfigurationDump(res: XapiResponse): ConfigurationDump {
  if (res.grammar === 'json') {
    const jsonNodes = res.entries.map((e) => ({ path: e.path.join(' '), value: e.value }));
    return { lines: [], nodes: jsonNodes, values: valuesOf(jsonNodes) };
  }
  const lines: string[] = [];
  const nodes: ConfigNode[] = [];
  for (const line of res.lines) {
    const m = /^\*c\s+xConfiguration\s+([^:"]*?)\s*:(?:\s(.*)|)$/i.exec(line.trim());
    if (!m) continue;
    lines.push(line.trim());
    const raw = (m[2] ?? '').trim();
    nodes.push({
      path: (m[1] ?? '').trim().split(/\s+/).join(' '),
      value: unquoteValue(raw),
      quoted: raw.startsWith('"'),
    });
  }
  return { lines, nodes, values: valuesOf(nodes) };
}

function valuesOf(nodes: readonly ConfigNode[]): Record<string, string> {
  return Object.fromEntries(nodes.map((n) => [n.path, n.value]));
}
