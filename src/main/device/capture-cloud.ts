/**
 * `device capture` through the Webex cloud (`webex:` targets): what can be read without a console, saved
 * as the cloud gave it (statuses from `GET /xapi/status`, the device record's allow-listed fields, the
 * schema answers of the Security commands, `Security Certificates Services Show` after its schema), with
 * identifying values replaced as in a console capture. Every console probe the cloud cannot ask (the
 * terminal grammar, configuration reads, `xDocument`, the banner, the line limit, the Add refusals) is
 * listed with the reason, never dropped and never a failure. Read-only: GETs and `Services Show` only.
 * The cloud device comes in through a structural port (main/device never imports main/cloud).
 */
import { isProvisionerError } from '../../core/errors.js';
import { inert } from '../../core/inert.js';
import {
  CAPTURE_PROBES,
  type CaptureProbe,
  type DeviceCapture,
  type ProbeDef,
  addRefusalProbes,
  captureRedactor,
} from './capture.js';

/** The read-only reads a cloud device offers a capture (`CloudDevice` of main/cloud has them). */
export interface CloudCaptureSource {
  readonly link: 'webex';
  readonly record: { id: string; serial: string; displayName: string };
  readStatus(names: readonly string[]): Promise<Record<string, unknown>>;
  readRecord(): Promise<{
    id: string;
    displayName: string;
    workspaceId: string | null;
    product: string;
    type: string | null;
    tags: readonly string[];
    serial: string;
    software: string;
    connectionStatus: string;
    capabilities: readonly string[];
    permissions: readonly string[];
  }>;
  readSchema(key: string): Promise<Record<string, unknown>>;
  /** `Services Show`'s answer (its result, or the device's refusal), saved as given. */
  showCertificatesAnswer(args?: { Filter?: string }): Promise<unknown>;
}

/** A capture through the cloud: a console capture's format, with no banner, line limit or cut line. */
export type CloudDeviceCapture = Omit<DeviceCapture, 'link' | 'lineLimit'> & {
  link: 'webex';
  lineLimit: null;
};

/** What one cloud probe reads. */
type CloudRead =
  | { kind: 'status'; names: readonly string[] }
  | { kind: 'record' }
  | { kind: 'schema'; key: string }
  | { kind: 'show'; filter?: string };

interface CloudProbeDef {
  id: string;
  purpose: string;
  read: CloudRead;
}

/** The Security commands whose cloud schema a capture asks for (does the device offer them there?). */
export const CLOUD_SECURITY_KEYS = [
  'Security.Certificates.Services.Show',
  'Security.Certificates.Services.Add',
  'Security.Certificates.Services.Activate',
  'Security.Certificates.Services.Deactivate',
  'Security.Certificates.Services.Delete',
  'Security.ClientSecret.Populate',
] as const;

/** The one command a cloud capture sends: it reads. */
export const CLOUD_CAPTURE_COMMANDS: readonly string[] = ['Security.Certificates.Services.Show'];

const schemaId = (key: string): string =>
  key === 'Security.ClientSecret.Populate'
    ? 'schema-populate'
    : key === 'Security.Certificates.Services.Add'
      ? 'schema-services-add'
      : `schema-services-${key.split('.').at(-1)!.toLowerCase()}`;

/** Console probes the cloud answers (by the console probe's id), read its way. */
const ANSWERED: Readonly<Record<string, CloudRead>> = {
  product: { kind: 'status', names: ['SystemUnit.*'] },
  software: { kind: 'status', names: ['SystemUnit.Software.*'] },
  'option-keys': { kind: 'status', names: ['SystemUnit.Software.OptionKeys.*'] },
  'webex-status': { kind: 'status', names: ['Webex.Status'] },
  'certificates-json': { kind: 'show' },
  'certificates-webexidentity-json': { kind: 'show', filter: 'WebexIdentity' },
  'e2ee-status': { kind: 'status', names: ['Conference.EndToEndEncryption.*'] },
  'error-status': { kind: 'status', names: ['NoSuchNode'] },
  'error-parameter-json': { kind: 'show', filter: 'NoSuchPurpose' },
  'schema-populate': { kind: 'schema', key: 'Security.ClientSecret.Populate' },
  'schema-services-add': { kind: 'schema', key: 'Security.Certificates.Services.Add' },
};

/** Why a console probe the cloud does not answer is not asked. */
function whyUnavailable(def: ProbeDef): string {
  if (def.line.startsWith('xConfiguration'))
    return 'not available through the cloud: a configuration read, and the tool uses no configuration endpoint';
  if (def.line.startsWith('xDocument'))
    return 'not available through the cloud: xDocument is a console command (the cloud schemas of the Security commands are the schema-services-* and schema-populate entries)';
  if (def.id === 'unknown-command')
    return 'not available through the cloud: the cloud takes xAPI keys, not console words';
  if (def.grammar === 'terminal')
    return 'not available through the cloud: the terminal grammar is the console’s (the cloud answers in JSON: see the -json entry)';
  return 'not available through the cloud';
}

/** The cloud-only reads, after the console probes. */
const CLOUD_ONLY: readonly CloudProbeDef[] = [
  {
    id: 'device-record',
    purpose: 'the device record of the Devices API (GET /devices/{id}, allow-listed fields)',
    read: { kind: 'record' },
  },
  ...CLOUD_SECURITY_KEYS.filter(
    (k) => !Object.values(ANSWERED).some((r) => r.kind === 'schema' && r.key === k),
  ).map((key): CloudProbeDef => ({
    id: schemaId(key),
    purpose: `whether the device offers ${key} through the cloud (its schema answer)`,
    read: { kind: 'schema', key },
  })),
];

/** Console-only entries that are no probe of CAPTURE_PROBES. */
const CONSOLE_ONLY: ReadonlyArray<readonly [string, string, string]> = [
  [
    'banner',
    'the console banner (release, release date, login prompt)',
    'not available through the cloud: there is no console login',
  ],
  [
    'line-limit',
    'the console’s line limit and the answer to the first cut line',
    'not available through the cloud: there is no console line (a blob travels in the command body)',
  ],
];

function lineOf(read: CloudRead): string {
  switch (read.kind) {
    case 'status':
      return `GET /xapi/status ${read.names.map((n) => `name=${n}`).join(' ')}`;
    case 'record':
      return 'GET /devices/{id}';
    case 'schema':
      return `GET /xapi/schema command=${read.key}`;
    case 'show':
      return `POST /xapi/command/Security.Certificates.Services.Show${read.filter ? ` Filter: ${read.filter}` : ''}`;
  }
}

/**
 * Captures what the cloud can read of `device`. Never throws for one read's failure (its code is kept);
 * `onProbe` reports progress as the console capture does.
 */
export async function captureCloudDevice(
  device: CloudCaptureSource,
  options: {
    toolVersion: string;
    probeAddRefusals?: boolean;
    onProbe?: (id: string, index: number, total: number) => void;
  },
): Promise<CloudDeviceCapture> {
  const known = device.record;
  const redactor = captureRedactor({ serial: known.serial, name: known.displayName, deviceId: known.id });
  const unavailable = (id: string, purpose: string, line: string, reason: string): CaptureProbe => ({
    id,
    purpose,
    line,
    grammar: 'json',
    lines: [],
    notRecognized: false,
    durationMs: 0,
    unavailable: reason,
  });
  type Planned = { def: CloudProbeDef } | { probe: CaptureProbe };
  const plan: Planned[] = [
    ...CAPTURE_PROBES.map((def): Planned => {
      const read = ANSWERED[def.id];
      return read
        ? { def: { id: def.id, purpose: def.purpose, read } }
        : { probe: unavailable(def.id, def.purpose, def.line, whyUnavailable(def)) };
    }),
    ...CLOUD_ONLY.map((def): Planned => ({ def })),
    ...CONSOLE_ONLY.map(([id, purpose, reason]): Planned => ({
      probe: unavailable(id, purpose, '', reason),
    })),
    ...(options.probeAddRefusals ? await addRefusalProbes() : []).map((def): Planned => ({
      probe: unavailable(
        def.id,
        def.purpose,
        def.line,
        'not sent through the cloud: a capture there sends no command but Services Show',
      ),
    })),
  ];
  const asked = plan.filter((p) => 'def' in p).length;
  const counts = redactor.counts;
  const probes: CaptureProbe[] = [];
  let index = 0;
  for (const p of plan) {
    if ('probe' in p) {
      probes.push(p.probe);
      continue;
    }
    const { def } = p;
    options.onProbe?.(def.id, ++index, asked);
    const started = Date.now();
    const typed = { id: def.id, purpose: def.purpose, line: lineOf(def.read), grammar: 'json' as const };
    try {
      const answer = await read(device, def.read, counts);
      probes.push({
        ...typed,
        lines: redactor.lines(JSON.stringify(answer, null, 2).split('\n')),
        notRecognized: false,
        durationMs: Date.now() - started,
      });
    } catch (e) {
      probes.push({
        ...typed,
        // The coded error's sentence shows how the cloud refused (its message and trackingId; never the token).
        lines: isProvisionerError(e) ? redactor.lines([e.message]) : [],
        notRecognized: false,
        durationMs: Date.now() - started,
        error: isProvisionerError(e) ? e.code : 'ERR_INTERNAL',
      });
    }
  }
  return {
    format: 'e2ee-prov-device-capture',
    version: 1,
    takenAt: new Date().toISOString(),
    tool: { name: 'e2ee-prov', version: options.toolVersion },
    link: 'webex',
    banner: { release: null, releaseDate: null, loggedInWithPrompt: false, named: known.displayName !== '' },
    lineLimit: null,
    firstCutLine: null,
    addRefusals: options.probeAddRefusals === true,
    probes,
    redactions: counts,
  };
}

/** One read, its answer as given (the device record cut to its allow-listed fields, the workspace replaced). */
async function read(
  device: CloudCaptureSource,
  r: CloudRead,
  counts: Record<string, number>,
): Promise<unknown> {
  switch (r.kind) {
    case 'status':
      return device.readStatus(r.names);
    case 'schema':
      return device.readSchema(r.key);
    case 'show':
      return device.showCertificatesAnswer(r.filter ? { Filter: r.filter } : {});
    case 'record': {
      const d = await device.readRecord();
      if (d.workspaceId) counts.workspaceId = (counts.workspaceId ?? 0) + 1;
      // Tags are an organisation's own words (room names, floors): counted, not kept.
      return {
        id: d.id,
        displayName: d.displayName,
        workspaceId: d.workspaceId ? 'WORKSPACE-ID' : null,
        product: inert(d.product),
        type: d.type,
        tags: d.tags.length,
        serial: d.serial,
        software: inert(d.software),
        connectionStatus: d.connectionStatus,
        capabilities: [...d.capabilities],
        permissions: [...d.permissions],
      };
    }
  }
}
