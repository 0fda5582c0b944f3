/**
 * The contract's types: what each channel takes and returns, and the few constants both sides read
 * (the Keep items of a factory reset, the event channel's name, the meeting's size). Status and facts
 * cross to the renderer, never a stored secret.
 */
import type { CheckResult } from '../core/pki/check.js';
import type { FleetEventMessage } from './fleet.js';
import type { StrengthRating } from '../core/secret/strength.js';
import type { DeviceIdentity } from '../core/xapi/results.js';
import {
  FACTORY_RESET_KEEP_ITEMS,
  type FactoryResetKeepItem,
  type LinkKind,
} from '../core/xapi/vocabulary.js';
import type {
  ErrorInfo,
  Inventory,
  Said,
  StepPlan,
  StepResult,
  TranscriptEntry,
  WorkflowEvent,
  MeetingReport,
  MeetingUpdate,
} from './shapes.js';

export type * from './shapes.js';

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

/** What a factory reset can keep (the published schema's `Keep` value space). */
export { FACTORY_RESET_KEEP_ITEMS };
export type { FactoryResetKeepItem };

/**
 * What a device capture asks: with `probeAddRefusals`, three certificate Adds that cannot change the device
 * (junk on one line, the same wrapped, a blob under a secret no device holds) show its refusal wording.
 */
export interface CaptureRequest {
  probeAddRefusals?: boolean;
}

/** A device capture written by main (`device.capture`, `fleet.capture`): where, and what it found. */
export interface CaptureSummary {
  /** The file, in the app's data folder (main chose it; the renderer only shows it). */
  file: string;
  probes: number;
  failedProbes: string[];
  /** The console's line limit; null through the cloud (there is no console line). */
  lineLimit: { probedUpTo: number; whole: number; cut: number | null } | null;
  /** Set for a capture through the Webex cloud (`fleet.capture`); absent: at the device's console. */
  link?: 'webex';
  /** Through the cloud: the entries it cannot ask, listed in the file with the reason (not failures). */
  unavailableProbes?: string[];
}

/** What a capture through the cloud asks (`fleet.capture`): one listed device, and the Add refusals' choice. */
export interface FleetCaptureRequest extends CaptureRequest {
  serial: string;
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

/** Anything main sends on the event channel: a provisioning's progress, or a fleet run's. */
export type AppEventMessage = WorkflowEventMessage | FleetEventMessage;

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
   * The serial number of the connected device the report was read on (null with no report), or of the
   * cloud device a Fleet watch reads (`fleet.watchMeeting`). A device change (connect, disconnect)
   * clears the report: it never outlives the device it was read on.
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

/**
 * How often a device without feedback (one reached through the Webex cloud) is read again while
 * watching its meeting, in whole seconds: the CLI's `--poll` and the app's input share these.
 */
export const MEETING_POLL_SECONDS = { default: 5, min: 1, max: 3600 } as const;
