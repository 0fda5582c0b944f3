/**
 * `device capture`: a fixed set of harmless, read-only probes whose raw answers a technician can send in,
 * so that what no public source settles (line limits, label wording, result texts, where `OK` falls) is
 * learnt from the first real device. Every probe reads; none changes the device. The answers are kept as
 * the device printed them, with identifying values (serial numbers, device id, names, addresses) replaced.
 */
import type { RoomOsDevice } from './device.js';

/** One probe: what was typed, in which grammar, and every line the device printed for it. */
export interface CaptureProbe {
  id: string;
  /** What the probe is for, in a sentence. */
  purpose: string;
  /** The line as typed (no result tag: the raw answer is wanted). */
  line: string;
  grammar: 'terminal' | 'json';
  /** Every line the device printed for it, redacted. */
  lines: string[];
  /** The device printed `Command not recognized.` */
  notRecognized: boolean;
  durationMs: number;
  /** Set when the probe itself failed (a timeout, say): the code, never a secret. */
  error?: string;
}

export interface DeviceCapture {
  format: 'e2ee-prov-device-capture';
  version: 1;
  takenAt: string;
  tool: { name: string; version: string };
  /** `serial`, `ssh` or `sim` (the address itself is not recorded). */
  link: string;
  banner: { release: string | null; releaseDate: string | null; loggedInWithPrompt: boolean; named: boolean };
  /** The longest line measured to arrive whole, and the shortest measured to be cut (null: none was). */
  lineLimit: { probedUpTo: number; whole: number; cut: number | null };
  probes: CaptureProbe[];
  /** What was replaced, by kind, and how many times (never the values). */
  redactions: Record<string, number>;
}

interface ProbeDef {
  id: string;
  purpose: string;
  line: string;
  grammar: 'terminal' | 'json';
}

/** The probes, in order. Each is read-only: xStatus, xConfiguration reads, `Services Show`, unknown words. */
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
    { kind: 'ipv4', pattern: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g, replace: '192.0.2.1' },
    { kind: 'mac', pattern: /\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, replace: '00:00:5e:00:53:00' },
    {
      kind: 'loginFrom',
      pattern: /(Last login from )(\S+)( at )/g,
      replace: (_m: string, a: string, _host: string, c: string) => `${a}HOST${c}`,
    },
  );
  return rules;
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

/**
 * Runs the probes on a connected, logged-in device and returns the capture. Read-only: the device is
 * asked, never told. `onProbe` reports progress (probe id) for a progress line or the app.
 */
export async function captureDevice(
  device: RoomOsDevice,
  options: { toolVersion: string; onProbe?: (id: string, index: number, total: number) => void },
): Promise<DeviceCapture> {
  const startMode = device.outputMode;
  const id = await device.identify();
  const deviceIdRes = await device.request('xStatus SystemUnit Hardware Module DeviceId');
  const deviceId =
    deviceIdRes.entries.find((e) => e.path.join(' ').toLowerCase().endsWith('deviceid'))?.value ?? '';
  const counts: Record<string, number> = {};
  const rules = redactionRules({ serial: id.serialNumber, name: id.systemName, deviceId });
  const probes: CaptureProbe[] = [];
  const total = CAPTURE_PROBES.length + 1;
  try {
    for (const [i, def] of CAPTURE_PROBES.entries()) {
      options.onProbe?.(def.id, i + 1, total);
      if (device.outputMode !== def.grammar) await device.setOutputMode(def.grammar);
      const started = Date.now();
      try {
        const out = await device.command(def.line, { timeoutMs: 30_000 });
        probes.push({
          id: def.id,
          purpose: def.purpose,
          line: def.line,
          grammar: def.grammar,
          lines: out.lines.map((l) => applyRules(device.transcript.redact(l), rules, counts)),
          notRecognized: out.notRecognized,
          durationMs: Date.now() - started,
        });
      } catch (e) {
        probes.push({
          id: def.id,
          purpose: def.purpose,
          line: def.line,
          grammar: def.grammar,
          lines: [],
          notRecognized: false,
          durationMs: Date.now() - started,
          error: (e as { code?: string }).code ?? 'ERR_INTERNAL',
        });
      }
    }
  } finally {
    if (device.connected && device.outputMode !== startMode) await device.setOutputMode(startMode);
  }
  options.onProbe?.('line-limit', total, total);
  const fit = await device.lineFits(CAPTURE_LINE_PROBE_BYTES);
  const limit = device.lineLimit;
  const banner = device.banner;
  return {
    format: 'e2ee-prov-device-capture',
    version: 1,
    takenAt: new Date().toISOString(),
    tool: { name: 'e2ee-prov', version: options.toolVersion },
    link: device.target.kind,
    banner: {
      release: banner.release,
      releaseDate: banner.releaseDate,
      loggedInWithPrompt: banner.loggedInWithPrompt,
      named: (banner.systemName ?? '') !== '',
    },
    lineLimit: {
      probedUpTo: CAPTURE_LINE_PROBE_BYTES,
      whole: fit.fits ? CAPTURE_LINE_PROBE_BYTES : limit.whole,
      cut: fit.fits ? null : limit.cut,
    },
    probes,
    redactions: counts,
  };
}
