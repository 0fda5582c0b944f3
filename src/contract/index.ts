/**
 * The one typed IPC contract between the renderer (through the preload) and the main process: every
 * channel, what it takes and what it returns. Main validates every input with the channel's `parse`
 * (inputs are `unknown` until it accepts them); the preload and renderer derive their types from here.
 */
import type { BlobInfo } from '../core/jwe/types.js';
import type { CheckResult } from '../core/pki/check.js';
import type { StrengthRating } from '../core/secret/strength.js';
import type { DeviceErrorCode } from '../core/xapi/errors.js';
import type { DeviceIdentity } from '../core/xapi/results.js';
import {
  FACTORY_RESET_KEEP_ITEMS,
  type FactoryResetKeepItem,
  type LinkKind,
} from '../core/xapi/vocabulary.js';
import type {
  ErrorInfo,
  Inventory,
  PortInfo,
  Said,
  StepPlan,
  StepResult,
  TranscriptEntry,
  VerifyReport,
  WorkflowEvent,
  MeetingReport,
  MeetingUpdate,
} from './shapes.js';

export type * from './shapes.js';

/**
 * What the window takes from core, through the contract only (the renderer imports nothing of core
 * itself; eslint.config.js): pure functions and the shapes of what main sends.
 */
export type { BlobInfo };
export { inert } from '../core/inert.js';
export { meetingCall } from '../core/xapi/meeting-verdict.js';
export type { Finding, MeetingReading, MeetingVerdict } from '../core/xapi/meeting-verdict.js';
export { sessionTypeById } from '../core/xapi/meeting.js';
export type { CertInfo, Verification } from '../core/xapi/meeting.js';

/** Expected failures travel as data; the renderer maps `code` to words in the user's language. */
export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export type { DeviceIdentity };

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

// --- what crosses to the renderer: status and facts, never a stored secret ---------------------------

/** Where a device's secret stands in the keychain: status only (DESIGN: "Secrets live in the main process"). */
export interface SecretPresence {
  hasSecret: boolean;
  hasPending: boolean;
  /** Where secrets are kept, for the person: "OS keychain", or the demo's memory store. */
  label: string;
}

export type { LinkKind };

/** The connected device, as the wizard and the rotation view show it. */
export interface DeviceSessionInfo {
  /** The target as text (never holds a password). */
  target: string;
  link: LinkKind;
  identity: DeviceIdentity;
  /** Null when the keychain could not be asked (its error is in `keychainError`). */
  secret: SecretPresence | null;
  keychainError?: { code: string; message: string };
}

/** A certificate or key file chosen in main's file dialog: the renderer sees its name, never reads it. */
export interface ChosenFile {
  role: FileRole;
  /** The file's name without its folder. */
  name: string;
}

export type FileRole = 'certificate' | 'key';

/** What the pki checks say of the chosen files (the private key is described, never sent). */
export type CredentialsCheck = CheckResult;

export type SecretChoice = { mode: 'generate' } | { mode: 'given'; value: string };

export type EncChoice = 'A128GCM' | 'A256GCM';

/** The wizard's options for one provisioning run. */
export interface ProvisionRequest {
  dryRun: boolean;
  secret: SecretChoice;
  enc: EncChoice;
  /** Back up the configuration to a file in the data folder first. */
  backup: boolean;
  /**
   * Factory reset first; `confirmed` is the person's explicit confirmation and must be true, and `serial`
   * the serial number they typed to confirm it: main refuses the run when it is not the connected
   * device's (a confirmation never carries over to another device). `keep`: what the reset keeps (the
   * schema's Keep items; none when absent).
   */
  factoryReset: { confirmed: boolean; serial: string; keep?: FactoryResetKeepItem[] } | null;
  /**
   * Register first (SecurityAction NoAction), then populate, add, activate and verify: for a device that
   * takes a client secret only once registered. Needs `activationCode`. Absent: the standard order.
   */
  registerFirst?: boolean;
  /** After activation, restore the device's name from the backup (needs `backup`). */
  restoreName: boolean;
  /** Register to Webex at the end with this code; null for none. */
  activationCode: string | null;
  /** Allow the plain first populate over SSH (the secret then travels in clear). */
  allowPlainOverNetwork: boolean;
  /**
   * Send a certificate longer than the console's line wrapped over several lines, once harmless probes
   * show that the device joins them. Absent or false: such a certificate is refused before any change.
   */
  wrapLongLines?: boolean;
}

/** What a factory reset can keep (the published schema's `Keep` value space; core/xapi/vocabulary.ts). */
export { FACTORY_RESET_KEEP_ITEMS };
export type { FactoryResetKeepItem };

/**
 * What a device capture asks: with `probeAddRefusals`, three certificate Adds that cannot change the device
 * (junk on one line, the same wrapped, a blob under a secret no device holds) show its refusal wording.
 */
export interface CaptureRequest {
  probeAddRefusals?: boolean;
}

/** A device capture written by main (`device.capture`): where, and what it found. */
export interface CaptureSummary {
  /** The file, in the app's data folder (main chose it; the renderer only shows it). */
  file: string;
  probes: number;
  failedProbes: string[];
  lineLimit: { probedUpTo: number; whole: number; cut: number | null };
}

/** The handover report without a secret in it. */
export interface HandoverFacts {
  serialNumber: string;
  productId: string;
  softwareVersion: string;
  identity: string;
  fingerprint: string;
  notAfter: string;
  enc: EncChoice;
  provisionedAt: string;
  registered: boolean;
}

/**
 * What a handover sheet says of a device: after a provisioning, its report; after a rotation, what the
 * session and the journal know (a fact nobody reported is written and shown as not known). Main's saved
 * sheet and the window's printed one both take this shape.
 */
export type SheetFacts = Pick<HandoverFacts, 'serialNumber'> & {
  productId: string | null;
  identity: string | null;
  fingerprint: string | null;
  notAfter: string | null;
} & Partial<Pick<HandoverFacts, 'softwareVersion' | 'enc' | 'provisionedAt' | 'registered'>>;

/** A provisioning run's outcome. A generated secret waits in main until the person asks (`secret.reveal`). */
export interface ProvisionSummary {
  runId: string;
  ok: boolean;
  dryRun: boolean;
  plan: StepPlan[];
  steps: StepResult[];
  warnings: { id: string; code: string; message: string }[];
  /** What the steps said along the way (a resume, a restart): main's words and their code. */
  notes: RunNote[];
  error?: ErrorInfo;
  report?: HandoverFacts;
  backupFile?: string;
  /** A generated secret is ready to be shown once. */
  secretToReveal: boolean;
}

/** A note a step gave: English text (the CLI's) and, for the window, a code with its values. */
export interface RunNote {
  text: string;
  said?: Said;
}

/** Progress of a running workflow, main → renderer on `WORKFLOW_EVENT_CHANNEL`. */
export interface WorkflowEventMessage {
  workflow: 'provision';
  runId: string;
  event: WorkflowEvent;
}

/** The one event channel main sends on (`webContents.send`); the preload's `onWorkflowEvent` listens. */
export const WORKFLOW_EVENT_CHANNEL = 'workflow.event';

export interface RotateRequestInput {
  newSecret: SecretChoice;
  /** Typed by the owner only when the keychain holds no secret for the device; null otherwise. */
  currentSecret: string | null;
  enc: EncChoice;
}

export interface RotateSummary {
  serial: string;
  generated: boolean;
  /** A generated secret is ready to be shown once. */
  secretToReveal: boolean;
  strength: { bits: number; rating: StrengthRating };
  warnings: string[];
  /** What an earlier, unfinished change turned out to be. */
  before: { state: 'clean' | 'settled'; holds?: 'new' | 'previous' };
}

/**
 * The fresh secret: main keeps it in memory (it is in the keychain too) until the person says it is
 * saved (`secret.acknowledge`), across stops, failures, resumes and other screens.
 */
export interface RevealedSecret {
  serial: string;
  source: 'provision' | 'rotate';
  secret: string;
}

/** A generated secret that waits to be acknowledged: its device and when it was made, never the secret. */
export interface PendingSecret {
  serial: string;
  source: RevealedSecret['source'];
  /** ISO 8601. */
  since: string;
  productId: string | null;
  /** The target it was made on (never holds a password). */
  target: string;
  /** Characters in the secret's last group, for the "type the last group" confirmation. */
  lastGroupLength: number;
}

/** What main thinks of a typed secret, before anything is sent to a device. */
export interface SecretJudgement {
  bits: number;
  rating: StrengthRating;
  /** Codes (WARN_SECRET_WEAK, …) the window translates. */
  warnings: string[];
  /** A refusal: the device would not take it, or the app will not send it (ERR_SECRET_WEAK). */
  refusal: { code: string; message: string } | null;
}

/** The window's language, for the few words main shows itself (native dialogs). */
export type AppLanguage = 'en' | 'ko';

/** Where the app stands, for the status bar: keychain and journal. Never a secret. */
export interface AppStatus {
  keychain: { ok: true; label: string } | { ok: false; code: string };
  journal: { records: number; ok: boolean; code: string | null };
  pendingSecrets: number;
}

/** The handover sheet written to a file the person chose (main's save dialog). */
export interface HandoverSaved {
  /** The file's name without its folder; null when the person cancelled. */
  name: string | null;
  withSecret: boolean;
}

export interface InventoryView extends Inventory {
  /** Keychain status per device (never the secrets); null when the keychain could not be asked. */
  keychain: { serial: string; hasSecret: boolean; hasPending: boolean }[] | null;
  keychainError?: { code: string; message: string };
}

export type ConsoleEntry = TranscriptEntry & { seq: number };

export interface ConsolePage {
  entries: ConsoleEntry[];
  /** Pass as `after` next time. */
  next: number;
  connected: boolean;
}

/** The meeting check as the window sees it: the last report, what was seen while watching. */
export interface MeetingView {
  report: MeetingReport | null;
  updates: MeetingUpdate[];
  watching: boolean;
  /** Why watching stopped by itself (a device lost), by code. */
  error: { code: string; message: string } | null;
  /**
   * The serial number of the connected device the report was read on (null with no report). A device
   * change (connect, disconnect) clears the report: it never outlives the device it was read on.
   */
  serial: string | null;
}

/** Another device to compare with the connected one (its login password, when it has one). */
export interface MeetingOtherDevice {
  target: string;
  password: string | null;
}

/** At most this many devices besides the connected one. */
export const MEETING_MAX_OTHERS = 7;

// --- input checks ------------------------------------------------------------------------------------

/**
 * The IPC layer's own refusals: an input no channel takes (a programming error in the renderer), a request
 * from a page that is not the app's own window.
 */
export const IPC_ERROR_CODES = ['ERR_IPC_BAD_INPUT', 'ERR_IPC_UNTRUSTED_SENDER'] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

/** The window's own refusals, made before anything is sent to main (the rotation form's checks). */
export const WINDOW_ERROR_CODES = ['ERR_APP_NO_SECRET_HERE', 'ERR_APP_SECRET_MISMATCH'] as const;
export type WindowErrorCode = (typeof WINDOW_ERROR_CODES)[number];

/** A refusal of a channel's input: a programming error in the renderer, never a user's mistake. */
export class ContractError extends TypeError {
  /** ERR_IPC_BAD_INPUT, or a more precise public code when the refusal is one a person can act on. */
  readonly code: IpcErrorCode | DeviceErrorCode;
  constructor(message: string, code: IpcErrorCode | DeviceErrorCode = 'ERR_IPC_BAD_INPUT') {
    super(message);
    this.code = code;
  }
}

/** The simulator options the window may give: none of them names a file. */
const RENDERER_SIM_OPTIONS = [
  'model',
  'software',
  'serial',
  'name',
  'login',
  'registered',
  'meeting',
  'sessiontype',
  'meetingshape',
  'meetingwords',
];

/**
 * A device target as the window may give it. The window never names a file: `sim:?state=PATH` would
 * let it read a file (its start came back in an error) or create one that later holds a client secret
 * in clear, so a `sim:` target takes only options that name no file (main keeps the training device's
 * state itself), and a `serial:` target names a device node (`/dev/…`, `COMn`), never another file.
 * The CLI, run by the person, still takes `sim:?state=` (src/main/device/target.ts).
 */
export function checkRendererTarget(target: string, channel: string): string {
  const t = target.trim();
  const refuse = (why: string): ContractError =>
    new ContractError(
      `${channel}: ${why}. Use serial:/dev/ttyACM0, ssh://admin@host, or sim: (with model, software, serial, name or login).`,
      'ERR_DEVICE_TARGET',
    );
  const q = t.indexOf('?');
  const head = q < 0 ? t : t.slice(0, q);
  if (/^sim:/i.test(t)) {
    const query = new URLSearchParams(q < 0 ? '' : t.slice(q + 1));
    for (const key of query.keys()) {
      if (!RENDERER_SIM_OPTIONS.includes(key))
        throw refuse(
          `the window may not give the simulator option ${JSON.stringify(key)} (it may name a file)`,
        );
    }
  } else if (/^serial:/i.test(t)) {
    const path = head.slice('serial:'.length).replace(/^\/\/(?=\/)/, '');
    const device =
      (/^\/dev\/[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/.test(path) && !/(^|\/)\.\.?(\/|$)/.test(path)) ||
      /^(\\\\\.\\)?COM\d{1,3}$/i.test(path);
    if (!device) throw refuse('a serial port is a device under /dev (or COMn on Windows), not another file');
  }
  return target;
}

function object(raw: unknown, channel: string, what = 'input'): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ContractError(`${channel}: ${what} must be an object`);
  return raw as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: readonly string[], channel: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length) throw new ContractError(`${channel}: unexpected input ${extra.join(', ')}`);
}

function string(o: Record<string, unknown>, key: string, channel: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ContractError(`${channel}: ${key} must be a string`);
  if (v.length > max) throw new ContractError(`${channel}: ${key} is longer than ${max} characters`);
  return v;
}

function optionalString(
  o: Record<string, unknown>,
  key: string,
  channel: string,
  max: number,
): string | null {
  return o[key] === null || o[key] === undefined ? null : string(o, key, channel, max);
}

function boolean(o: Record<string, unknown>, key: string, channel: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ContractError(`${channel}: ${key} must be true or false`);
  return v;
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  key: string,
  values: readonly T[],
  channel: string,
): T {
  const v = o[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw new ContractError(`${channel}: ${key} must be one of ${values.join(', ')}`);
  return v as T;
}

function empty(channel: string): (raw: unknown) => Record<string, never> {
  return (raw) => {
    only(object(raw, channel), [], channel);
    return {};
  };
}

/**
 * The longest text each field of the window may send, in characters: the window sets these as its inputs'
 * `maxLength` and says so when one is reached, so that main's refusal (`ERR_IPC_BAD_INPUT`) is never what
 * the person meets. The device takes at most 1024 characters of Secret parameter.
 */
export const FIELD_LIMITS = {
  target: 2048,
  password: 256,
  secret: 1024,
  passphrase: 1024,
  activationCode: 128,
  serial: 64,
  /** A pasted blob: a certificate and key sealed with their chain stay far below this. */
  blob: 65_536,
} as const;
const SECRET_MAX = FIELD_LIMITS.secret;

function secretChoice(raw: unknown, channel: string, key: string): SecretChoice {
  const o = object(raw, channel, key);
  const mode = oneOf(o, 'mode', ['generate', 'given'] as const, channel);
  if (mode === 'generate') {
    only(o, ['mode'], channel);
    return { mode };
  }
  only(o, ['mode', 'value'], channel);
  return { mode, value: string(o, 'value', channel, SECRET_MAX) };
}

interface ChannelSpec<I, O> {
  parse(raw: unknown): I;
  /** Phantom: the result type, for inference only. */
  readonly result?: O;
}

function channel<I, O>(parse: (raw: unknown) => I): ChannelSpec<I, O> {
  return { parse };
}

const ENCS = ['A128GCM', 'A256GCM'] as const;

export const CHANNELS = {
  'app.info': channel<Record<string, never>, AppInfo>(empty('app.info')),
  'blob.inspect': channel<{ blob: string }, BlobInfo>((raw) => {
    const o = object(raw, 'blob.inspect');
    only(o, ['blob'], 'blob.inspect');
    return { blob: string(o, 'blob', 'blob.inspect', FIELD_LIMITS.blob) };
  }),
  'ports.list': channel<Record<string, never>, PortInfo[]>(empty('ports.list')),
  'device.connect': channel<
    { target: string; password: string | null; hostKey?: string | null },
    DeviceSessionInfo
  >((raw) => {
    const c = 'device.connect';
    const o = object(raw, c);
    only(o, ['target', 'password', 'hostKey'], c);
    const hostKey = optionalString(o, 'hostKey', c, 128);
    if (hostKey !== null && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKey))
      throw new ContractError(`${c}: hostKey must be an SSH fingerprint (SHA256:…)`);
    return {
      target: checkRendererTarget(string(o, 'target', c, FIELD_LIMITS.target), c),
      password: optionalString(o, 'password', c, FIELD_LIMITS.password),
      ...(hostKey !== null ? { hostKey } : {}),
    };
  }),
  'device.identify': channel<Record<string, never>, DeviceSessionInfo>(empty('device.identify')),
  'device.disconnect': channel<Record<string, never>, null>(empty('device.disconnect')),
  'credentials.choose': channel<{ role: FileRole }, ChosenFile | null>((raw) => {
    const c = 'credentials.choose';
    const o = object(raw, c);
    only(o, ['role'], c);
    return { role: oneOf(o, 'role', ['certificate', 'key'] as const, c) };
  }),
  'credentials.inspect': channel<{ passphrase: string | null }, CredentialsCheck>((raw) => {
    const c = 'credentials.inspect';
    const o = object(raw, c);
    only(o, ['passphrase'], c);
    return { passphrase: optionalString(o, 'passphrase', c, FIELD_LIMITS.passphrase) };
  }),
  'provision.run': channel<ProvisionRequest, ProvisionSummary>((raw) => {
    const c = 'provision.run';
    const o = object(raw, c);
    only(
      o,
      [
        'dryRun',
        'secret',
        'enc',
        'backup',
        'factoryReset',
        'restoreName',
        'activationCode',
        'allowPlainOverNetwork',
        'registerFirst',
        'wrapLongLines',
      ],
      c,
    );
    let factoryReset: ProvisionRequest['factoryReset'] = null;
    if (o.factoryReset !== null) {
      const f = object(o.factoryReset, c, 'factoryReset');
      only(f, ['confirmed', 'keep', 'serial'], c);
      factoryReset = {
        confirmed: boolean(f, 'confirmed', c),
        serial: string(f, 'serial', c, FIELD_LIMITS.serial),
      };
      if (f.keep !== undefined) {
        if (!Array.isArray(f.keep) || f.keep.length > FACTORY_RESET_KEEP_ITEMS.length)
          throw new ContractError(`${c}: factoryReset.keep must be a list of Keep items`);
        const keep: FactoryResetKeepItem[] = [];
        for (const k of f.keep as unknown[]) {
          const item = FACTORY_RESET_KEEP_ITEMS.find((x) => x === k);
          if (!item || keep.includes(item))
            throw new ContractError(
              `${c}: factoryReset.keep takes ${FACTORY_RESET_KEEP_ITEMS.join(', ')}, once each`,
            );
          keep.push(item);
        }
        factoryReset.keep = keep;
      }
    }
    const activationCode = optionalString(o, 'activationCode', c, FIELD_LIMITS.activationCode);
    const registerFirst = o.registerFirst === undefined ? false : boolean(o, 'registerFirst', c);
    const wrapLongLines = o.wrapLongLines === undefined ? false : boolean(o, 'wrapLongLines', c);
    return {
      registerFirst,
      wrapLongLines,
      dryRun: boolean(o, 'dryRun', c),
      secret: secretChoice(o.secret, c, 'secret'),
      enc: oneOf(o, 'enc', ENCS, c),
      backup: boolean(o, 'backup', c),
      factoryReset,
      restoreName: boolean(o, 'restoreName', c),
      activationCode,
      allowPlainOverNetwork: boolean(o, 'allowPlainOverNetwork', c),
    };
  }),
  'device.capture': channel<CaptureRequest, CaptureSummary>((raw) => {
    const c = 'device.capture';
    const o = object(raw, c);
    only(o, ['probeAddRefusals'], c);
    return { probeAddRefusals: o.probeAddRefusals === undefined ? false : boolean(o, 'probeAddRefusals', c) };
  }),
  'provision.stop': channel<Record<string, never>, { stopping: boolean }>(empty('provision.stop')),
  'provision.resume': channel<Record<string, never>, ProvisionSummary>(empty('provision.resume')),
  'secret.rotate': channel<RotateRequestInput, RotateSummary>((raw) => {
    const c = 'secret.rotate';
    const o = object(raw, c);
    only(o, ['newSecret', 'currentSecret', 'enc'], c);
    return {
      newSecret: secretChoice(o.newSecret, c, 'newSecret'),
      currentSecret: optionalString(o, 'currentSecret', c, SECRET_MAX),
      enc: oneOf(o, 'enc', ENCS, c),
    };
  }),
  'secret.reveal': channel<{ source: RevealedSecret['source']; serial?: string }, RevealedSecret>((raw) => {
    const c = 'secret.reveal';
    const o = object(raw, c);
    only(o, ['source', 'serial'], c);
    const serial = optionalString(o, 'serial', c, 64);
    return {
      source: oneOf(o, 'source', ['provision', 'rotate'] as const, c),
      ...(serial !== null ? { serial } : {}),
    };
  }),
  'secret.pending': channel<Record<string, never>, PendingSecret[]>(empty('secret.pending')),
  'secret.acknowledge': channel<{ serial: string; lastGroup: string }, { acknowledged: true }>((raw) => {
    const c = 'secret.acknowledge';
    const o = object(raw, c);
    only(o, ['serial', 'lastGroup'], c);
    return { serial: string(o, 'serial', c, 64), lastGroup: string(o, 'lastGroup', c, SECRET_MAX) };
  }),
  'secret.judge': channel<{ value: string; route: 'plain' | 'blob' }, SecretJudgement>((raw) => {
    const c = 'secret.judge';
    const o = object(raw, c);
    only(o, ['value', 'route'], c);
    return {
      value: string(o, 'value', c, SECRET_MAX),
      route: oneOf(o, 'route', ['plain', 'blob'] as const, c),
    };
  }),
  'handover.save': channel<{ serial: string; withSecret: boolean }, HandoverSaved>((raw) => {
    const c = 'handover.save';
    const o = object(raw, c);
    only(o, ['serial', 'withSecret'], c);
    return { serial: string(o, 'serial', c, 64), withSecret: boolean(o, 'withSecret', c) };
  }),
  'app.status': channel<Record<string, never>, AppStatus>(empty('app.status')),
  'app.language': channel<{ lang: AppLanguage }, null>((raw) => {
    const c = 'app.language';
    const o = object(raw, c);
    only(o, ['lang'], c);
    return { lang: oneOf(o, 'lang', ['en', 'ko'] as const, c) };
  }),
  'inventory.export': channel<Record<string, never>, { name: string | null; rows: number }>(
    empty('inventory.export'),
  ),
  'secret.copy': channel<{ serial: string }, { clearAfterSeconds: number }>((raw) => {
    const c = 'secret.copy';
    const o = object(raw, c);
    only(o, ['serial'], c);
    return { serial: string(o, 'serial', c, 64) };
  }),
  'inventory.list': channel<Record<string, never>, InventoryView>(empty('inventory.list')),
  'journal.verify': channel<Record<string, never>, VerifyReport>(empty('journal.verify')),
  'meeting.start': channel<{ others: MeetingOtherDevice[]; serial: string | null }, MeetingView>((raw) => {
    const c = 'meeting.start';
    const o = object(raw, c);
    only(o, ['others', 'serial'], c);
    if (!Array.isArray(o.others) || o.others.length > MEETING_MAX_OTHERS)
      throw new ContractError(`${c}: others must be a list of at most ${MEETING_MAX_OTHERS} devices`);
    return {
      others: (o.others as unknown[]).map((x) => {
        const d = object(x, c, 'others[]');
        only(d, ['target', 'password'], c);
        return {
          target: checkRendererTarget(string(d, 'target', c, FIELD_LIMITS.target), c),
          password: optionalString(d, 'password', c, FIELD_LIMITS.password),
        };
      }),
      // The serial number of the device the person chose (an inventory row); main refuses another.
      serial: optionalString(o, 'serial', c, 64),
    };
  }),
  'meeting.read': channel<Record<string, never>, MeetingView>(empty('meeting.read')),
  'meeting.stop': channel<Record<string, never>, MeetingView>(empty('meeting.stop')),
  'console.read': channel<{ after: number }, ConsolePage>((raw) => {
    const c = 'console.read';
    const o = object(raw, c);
    only(o, ['after'], c);
    const after = o.after;
    if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)
      throw new ContractError(`${c}: after must be a whole number, 0 or more`);
    return { after };
  }),
} as const;

export type Channel = keyof typeof CHANNELS;
export type ChannelInput<C extends Channel> = ReturnType<(typeof CHANNELS)[C]['parse']>;
export type ChannelOutput<C extends Channel> = Exclude<(typeof CHANNELS)[C]['result'], undefined>;

/** The handlers main registers: one per channel, typed by the contract. */
export type Handlers = { [C in Channel]: (input: ChannelInput<C>) => Promise<ChannelOutput<C>> };
