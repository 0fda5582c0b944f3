/**
 * `device capture`: a fixed set of harmless, read-only probes whose raw answers a technician can send in,
 * so that what no public source settles (line limits, label wording, result texts, where `OK` falls) is
 * learnt from the first real device. Every probe reads; none changes the device. The answers are kept as
 * the device printed them, with identifying values (serial numbers, device id, names, addresses) replaced.
 */
import { randomBytes } from 'node:crypto';
import { isProvisionerError } from '../../core/errors.js';
import { inert } from '../../core/inert.js';
import { seal } from '../../core/jwe/index.js';
import type { RoomOsDevice } from './device.js';

/** One probe: what was typed, in which grammar, and every line the device printed for it. */
export interface CaptureProbe {
  id: string;
  /** What the probe is for, in a sentence. */
  purpose: string;
  /** The line as typed (no result tag: the raw answer is wanted). */
  line: string;
  /** Body lines typed after it (a multiline command), when any; the `.` that ends them is not listed. */
  body?: string[];
  grammar: 'terminal' | 'json';
  /** Every line the device printed for it, redacted. */
  lines: string[];
  /** The device printed `Command not recognized.` */
  notRecognized: boolean;
  durationMs: number;
  /** Set when the probe itself failed (a timeout, say): the code, never a secret. */
  error?: string;
  /** Set when the probe was not asked because its link cannot ask it (`webex`: no console): why. */
  unavailable?: string;
}

export interface DeviceCapture {
  format: 'e2ee-prov-device-capture';
  version: 1;
  takenAt: string;
  tool: { name: string; version: string };
  /** `serial`, `ssh`, `sim` or `webex` (through the Webex cloud; the address itself is not recorded). */
  link: string;
  banner: { release: string | null; releaseDate: string | null; loggedInWithPrompt: boolean; named: boolean };
  /** The longest line measured to arrive whole, and the shortest measured to be cut (null: none was). */
  lineLimit: { probedUpTo: number; whole: number; cut: number | null };
  /**
   * The device's answer to the first line probe that was cut, as printed (redacted), and that line's
   * length; `disconnected` when the session ended on it. Null when no line was cut.
   */
  firstCutLine: { bytes: number; raw: string[]; disconnected: boolean } | null;
  /** Whether the three harmless Add refusals were asked for (`--probe-add-refusals`). */
  addRefusals: boolean;
  probes: CaptureProbe[];
  /** What was replaced, by kind, and how many times (never the values). */
  redactions: Record<string, number>;
}

export interface ProbeDef {
  id: string;
  purpose: string;
  line: string;
  body?: string[];
  grammar: 'terminal' | 'json';
}

/**
 * The device's own schema for the paths the open questions turn on (`xDocument … Schema: True`, read-only):
 * where an E2EE call reports itself, whether Populate is multiline, the Add's parameters, and what a
 * participant event carries.
 */
const SCHEMA_READS: ReadonlyArray<readonly [string, string, string]> = [
  [
    'schema-conference-call',
    'Status/Conference/Call',
    'which call status paths the device has (an E2EE node or not)',
  ],
  [
    'schema-populate',
    'Command/Security/ClientSecret/Populate',
    'whether ClientSecret Populate is multiline, and its parameters',
  ],
  ['schema-services-add', 'Command/Security/Certificates/Services/Add', "the certificate Add's parameters"],
  [
    'schema-participant-added',
    'Event/Conference/ParticipantList/ParticipantAdded',
    "what a participant event carries (a device's EndToEndEncryption node)",
  ],
];

/** The probes, in order. Each is read-only: xStatus, xConfiguration and xDocument reads, `Services Show`, unknown words. */
export const CAPTURE_PROBES: readonly ProbeDef[] = [
  { id: 'product', purpose: 'ProductId, platform and type', line: 'xStatus SystemUnit', grammar: 'terminal' },
  {
    id: 'software',
    purpose: 'software version as printed',
    line: 'xStatus SystemUnit Software',
    grammar: 'json',
  },
  {
    id: 'option-keys',
    purpose: 'the Encryption option key',
    line: 'xStatus SystemUnit Software OptionKeys',
    grammar: 'terminal',
  },
  {
    id: 'serial-settings',
    purpose: 'the serial port settings',
    line: 'xConfiguration SerialPort',
    grammar: 'terminal',
  },
  {
    id: 'webex-status',
    purpose: 'Webex registration status',
    line: 'xStatus Webex Status',
    grammar: 'terminal',
  },
  {
    id: 'certificates-text',
    purpose: 'the certificate list: entries, chain entries, UsedFor labels, where OK falls for an xCommand',
    line: 'xCommand Security Certificates Services Show',
    grammar: 'terminal',
  },
  {
    id: 'certificates-json',
    purpose: 'the certificate list in JSON',
    line: 'xCommand Security Certificates Services Show',
    grammar: 'json',
  },
  {
    id: 'certificates-webexidentity',
    purpose: 'the certificates used for WebexIdentity (Filter), chain entries included or not',
    line: 'xCommand Security Certificates Services Show Filter: WebexIdentity',
    grammar: 'terminal',
  },
  {
    id: 'certificates-webexidentity-json',
    purpose: 'the same in JSON',
    line: 'xCommand Security Certificates Services Show Filter: WebexIdentity',
    grammar: 'json',
  },
  {
    id: 'e2ee-status',
    purpose: 'the E2EE identity status (registered devices only)',
    line: 'xStatus Conference EndToEndEncryption',
    grammar: 'terminal',
  },
  {
    id: 'error-status',
    purpose: 'how an error reads: a status path that does not exist',
    line: 'xStatus NoSuchNode',
    grammar: 'terminal',
  },
  {
    id: 'error-parameter',
    purpose: 'how a refused parameter reads: a Filter value outside the value space',
    line: 'xCommand Security Certificates Services Show Filter: NoSuchPurpose',
    grammar: 'terminal',
  },
  {
    id: 'error-parameter-json',
    purpose: 'the same in JSON',
    line: 'xCommand Security Certificates Services Show Filter: NoSuchPurpose',
    grammar: 'json',
  },
  {
    id: 'unknown-command',
    purpose: 'how an unknown command reads',
    line: 'xNoSuchVerb',
    grammar: 'terminal',
  },
  {
    id: 'configuration-read',
    purpose: 'where OK falls for an xConfiguration read',
    line: 'xConfiguration SystemUnit Name',
    grammar: 'terminal',
  },
  ...SCHEMA_READS.map(([id, path, purpose]): ProbeDef => ({
    id,
    purpose,
    line: `xDocument Path: "${path}" Schema: True Format: JSON`,
    grammar: 'terminal',
  })),
];

/** Identifying values replaced in a capture: the pattern, and what it becomes. */
interface Rule {
  kind: string;
  pattern: RegExp;
  replace: string | ((m: string, ...groups: string[]) => string);
}

function redactionRules(known: { serial: string; name: string; deviceId: string }): Rule[] {
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rules: Rule[] = [];
  if (known.serial)
    rules.push({ kind: 'serial', pattern: new RegExp(escape(known.serial), 'g'), replace: 'SERIAL' });
  if (known.deviceId)
    rules.push({ kind: 'deviceId', pattern: new RegExp(escape(known.deviceId), 'gi'), replace: 'DEVICE-ID' });
  if (known.name.length >= 2)
    rules.push({ kind: 'systemName', pattern: new RegExp(escape(known.name), 'g'), replace: 'SYSTEM-NAME' });
  rules.push(
    {
      kind: 'uuid',
      pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
      replace: '00000000-0000-0000-0000-000000000000',
    },
    { kind: 'mac', pattern: /\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, replace: '00:00:5e:00:53:00' },
    {
      kind: 'loginFrom',
      pattern: /(Last login from )(\S+)( at )/g,
      replace: (_m: string, a: string, _host: string, c: string) => `${a}HOST${c}`,
    },
  );
  return rules;
}

/** IPv4 addresses: replaced only in a value the device names as an address (never in a release number). */
const IPV4: Rule = { kind: 'ipv4', pattern: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g, replace: '192.0.2.1' };
/** Keys whose values are addresses or host names: `Network 1 IPv4 Address`, `Gateway`, `DNS Server 1 Address` … */
const ADDRESS_KEY = /(address|gateway|server|host|proxy|dns|ntp|ipv4|ipv6|subnet|mask|url|uri)\b/i;
/** Keys of a certificate subject or issuer (a distinguished name). */
const DN_KEY = /(subject|issuer)name$/i;
/** Keys whose values may be a host name: the E2EE identity, a certificate's primary and subject names. */
const HOST_KEY = /(primaryname|identity|name)$/i;
const HOST_NAME = /^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i;

/** Placeholders for organisation and host names, the same name always the same placeholder. */
class NamePlaceholders {
  private readonly names = new Map<string, string>();
  private readonly counts = { ORG: 0, HOST: 0, NAME: 0 };
  constructor(private readonly tally: Record<string, number>) {}

  of(kind: 'ORG' | 'HOST' | 'NAME', name: string): string {
    const key = `${kind}\u0000${name.toLowerCase()}`;
    let p = this.names.get(key);
    if (p === undefined) {
      p = `${kind}-${++this.counts[kind]}`;
      this.names.set(key, p);
    }
    const tally = kind === 'ORG' ? 'organisation' : kind === 'HOST' ? 'hostName' : 'name';
    this.tally[tally] = (this.tally[tally] ?? 0) + 1;
    return p;
  }

  /** A distinguished name with its O, OU, CN, DC, L, ST, street and e-mail values replaced; C and the structure kept. */
  dn(value: string): string {
    return value.replace(
      /\b(O|OU|CN|DC|L|ST|street|emailAddress)=([^/,"]+)/g,
      (_m, attr: string, v: string) => {
        const a = attr.toUpperCase();
        if (a === 'CN' && !/[.\s@]/.test(v)) return `${attr}=${v}`; // `R3`, `TemporaryDefaultCertificate`: no one's name
        const kind =
          a === 'O' || a === 'OU'
            ? 'ORG'
            : (a === 'CN' || a === 'DC') && HOST_NAME.test(v.trim())
              ? 'HOST'
              : 'NAME';
        return `${attr}=${this.of(kind, v.trim())}`;
      },
    );
  }
}

/** The key a captured line gives a value for: a terminal `*s A B: v` path, or a JSON key (`"Value"` takes its object's). */
function lineKey(line: string, json: { open: string | null }): string | null {
  const t = /^\*[scre] (.+?):\s/.exec(line);
  if (t) return t[1]!;
  const j = /^\s*"([^"]+)"\s*:\s*(.*)$/.exec(line);
  if (!j) return null;
  if (/^\{\s*$/.test(j[2]!)) {
    json.open = j[1]!;
    return null;
  }
  return j[1] === 'Value' ? json.open : j[1]!;
}

/** One captured line redacted: identifiers, addresses where the device names an address, names in certificates. */
function redactLine(
  line: string,
  rules: readonly Rule[],
  counts: Record<string, number>,
  names: NamePlaceholders,
  json: { open: string | null },
): string {
  let out = applyRules(line, rules, counts);
  const key = lineKey(out, json);
  if (key !== null) {
    const at = out.indexOf(':', out.indexOf(key.split(' ').at(-1) ?? key) + 1);
    const head = out.slice(0, at + 1);
    let value = out.slice(at + 1);
    if (ADDRESS_KEY.test(key)) value = applyRules(value, [IPV4], counts);
    if (DN_KEY.test(key)) value = names.dn(value);
    else if (HOST_KEY.test(key)) {
      value = value.replace(/"([^"]*)"|(\S+)/g, (m: string, q?: string, bare?: string) => {
        const v = q ?? bare ?? '';
        if (!HOST_NAME.test(v) || /^[\d.]+$/.test(v)) return m;
        const p = names.of('HOST', v.replace(/\.$/, ''));
        return q !== undefined ? `"${p}"` : p;
      });
    }
    out = head + value;
  }
  // Control characters a device string may hold (U+009B, DEL, U+202E …) are written escaped.
  return inert(out);
}

/**
 * A redactor for one capture: each probe's lines (`lines`, a fresh JSON context per probe) lose the
 * identifying values `known` names and the others the rules find; `counts` tallies the replacements.
 */
export function captureRedactor(known: { serial: string; name: string; deviceId: string }): {
  lines: (lines: readonly string[]) => string[];
  counts: Record<string, number>;
} {
  const counts: Record<string, number> = {};
  const names = new NamePlaceholders(counts);
  const rules = redactionRules(known);
  return {
    counts,
    lines: (lines) => {
      const json = { open: null as string | null };
      return lines.map((l) => redactLine(l, rules, counts, names, json));
    },
  };
}

function applyRules(text: string, rules: readonly Rule[], counts: Record<string, number>): string {
  let out = text;
  for (const r of rules) {
    out = out.replace(r.pattern, (...args: unknown[]) => {
      counts[r.kind] = (counts[r.kind] ?? 0) + 1;
      if (typeof r.replace === 'string') return r.replace;
      return r.replace(...(args.slice(0, -2) as [string, ...string[]]));
    });
  }
  return out;
}

/** The line length the capture probes up to: far above any add blob for a realistic chain. */
export const CAPTURE_LINE_PROBE_BYTES = 8192;

/** The certificate Add, as every harmless refusal probe types it. */
const ADD_LINE = 'xCommand Security Certificates Services Add IsEncrypted: True';

/**
 * With `--probe-add-refusals`: three Add attempts that cannot change the device, so that the refusal
 * wording shows whether the wrapped-body probe can be trusted on this model: a one-line junk body, the
 * same junk wrapped over two lines, and a well-formed add blob sealed under a random secret (no device
 * holds it, so it cannot be opened; its payload is no certificate either).
 */
export async function addRefusalProbes(): Promise<ProbeDef[]> {
  const junk = 'not-a-jwe.probe-of-the-add-refusal.wording.capture.0';
  const wrongSecret = randomBytes(24).toString('base64url');
  const blob = await seal('add', 'not a certificate: a capture probe', wrongSecret);
  return [
    {
      id: 'add-refusal-junk',
      purpose: 'how the Add refuses a junk body on one line',
      line: ADD_LINE,
      body: [junk],
      grammar: 'terminal',
    },
    {
      id: 'add-refusal-junk-wrapped',
      purpose:
        'how it refuses the same junk wrapped over two lines (the same answer: wrapping is not what it tells apart)',
      line: ADD_LINE,
      body: [junk.slice(0, 26), junk.slice(26)],
      grammar: 'terminal',
    },
    {
      id: 'add-refusal-wrong-secret',
      purpose:
        'how it refuses a well-formed blob under a secret it does not hold (unlike junk: its refusals can be told apart)',
      line: ADD_LINE,
      body: [blob],
      grammar: 'terminal',
    },
  ];
}

/**
 * Runs the probes on a connected, logged-in device and returns the capture. Read-only: the device is
 * asked, never told (the Add refusals of `probeAddRefusals` cannot be taken: junk, or a blob under a
 * secret no device holds). `onProbe` reports progress (probe id) for a progress line or the app.
 */
export async function captureDevice(
  device: RoomOsDevice,
  options: {
    toolVersion: string;
    probeAddRefusals?: boolean;
    onProbe?: (id: string, index: number, total: number) => void;
  },
): Promise<DeviceCapture> {
  const startMode = device.outputMode;
  const id = await device.identify();
  const deviceIdRes = await device.request('xStatus SystemUnit Hardware Module DeviceId');
  const deviceId =
    deviceIdRes.entries.find((e) => e.path.join(' ').toLowerCase().endsWith('deviceid'))?.value ?? '';
  const redactor = captureRedactor({ serial: id.serialNumber, name: id.systemName, deviceId });
  const probes: CaptureProbe[] = [];
  const defs = [...CAPTURE_PROBES, ...(options.probeAddRefusals ? await addRefusalProbes() : [])];
  const total = defs.length + 1;
  try {
    for (const [i, def] of defs.entries()) {
      options.onProbe?.(def.id, i + 1, total);
      if (device.outputMode !== def.grammar) await device.setOutputMode(def.grammar);
      const started = Date.now();
      const typed = {
        id: def.id,
        purpose: def.purpose,
        line: def.line,
        ...(def.body ? { body: [...def.body] } : {}),
        grammar: def.grammar,
      };
      try {
        const out = await device.command(def.line, {
          timeoutMs: 30_000,
          ...(def.body ? { body: def.body } : {}),
        });
        probes.push({
          ...typed,
          lines: redactor.lines(out.lines.map((l) => device.transcript.redact(l))),
          notRecognized: out.notRecognized,
          durationMs: Date.now() - started,
        });
      } catch (e) {
        probes.push({
          ...typed,
          lines: [],
          notRecognized: false,
          durationMs: Date.now() - started,
          error: isProvisionerError(e) ? e.code : 'ERR_INTERNAL',
        });
      }
    }
  } finally {
    if (device.connected && device.outputMode !== startMode) await device.setOutputMode(startMode);
  }
  options.onProbe?.('line-limit', total, total);
  const fit = await device.lineFits(CAPTURE_LINE_PROBE_BYTES);
  const limit = device.lineLimit;
  const cut = device.firstCutLine;
  const banner = device.banner;
  return {
    format: 'e2ee-prov-device-capture',
    version: 1,
    takenAt: new Date().toISOString(),
    tool: { name: 'e2ee-prov', version: options.toolVersion },
    link: device.target.kind,
    banner: {
      release: banner.release === null ? null : inert(banner.release),
      releaseDate: banner.releaseDate === null ? null : inert(banner.releaseDate),
      loggedInWithPrompt: banner.loggedInWithPrompt,
      named: (banner.systemName ?? '') !== '',
    },
    lineLimit: {
      probedUpTo: CAPTURE_LINE_PROBE_BYTES,
      whole: fit.fits ? CAPTURE_LINE_PROBE_BYTES : limit.whole,
      cut: fit.fits ? null : limit.cut,
    },
    firstCutLine: cut
      ? {
          bytes: cut.bytes,
          raw: redactor.lines(cut.raw),
          disconnected: cut.disconnected,
        }
      : null,
    addRefusals: options.probeAddRefusals === true,
    probes,
    redactions: redactor.counts,
  };
}
