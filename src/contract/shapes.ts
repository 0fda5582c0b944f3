/**
 * The data shapes that cross IPC and that main produces: the contract owns them, and `main` imports
 * them from here, so that every import runs one way (main → contract, never contract → main).
 */

import type {
  CodeChange,
  ListedParticipant,
  MeetingComparison,
  MeetingReading,
  MeetingVerdict,
  ParticipantEvent,
} from '../core/xapi/index.js';

/** A serial port main found, for the Connect page's list. */
export interface PortInfo {
  path: string;
  manufacturer: string | null;
  serialNumber: string | null;
  /** USB vendor id, 4 lower-case hex digits. */
  vendorId: string | null;
  productId: string | null;
  /** Whether this is likely a RoomOS console: a Cisco USB device, or a common USB-serial adapter. */
  likelyConsole: boolean;
  /** Why (or why not), in a few words. */
  note: string;
}

/** One piece of console traffic: what the tool sent (`out`), what the device said (`in`), or a note. */
export interface TranscriptEntry {
  /** ms since the epoch */
  time: number;
  direction: 'in' | 'out' | 'note';
  /** Already redacted: safe to show and to save. */
  text: string;
}

// --- the inventory, as derived from the journal ---------------------------------------------------

/** How a journaled operation ended. */
export type OutcomeResult = 'ok' | 'failed' | 'unknown' | 'abandoned';

/** A certificate as the journal records it. */
export interface CertificateFacts {
  cn: string;
  /** SHA-1, 40 lowercase hex digits, as the device lists it. */
  fingerprint: string;
  /** ISO 8601. */
  notAfter: string;
}

/** Where a device stands, as far as the journal knows. */
export type DeviceState =
  | 'seen'
  | 'secret-set'
  | 'certificate-added'
  | 'active'
  | 'deactivated'
  | 'factory-reset'
  /** An operation's outcome is unknown: the next connection settles it. */
  | 'unsettled';

export interface InventoryDevice {
  serial: string;
  productId?: string;
  /** The certificate the journal last saw added (and whether it is active for WebexIdentity). */
  certificate?: CertificateFacts & { active: boolean };
  state: DeviceState;
  lastAction?: { action: string; result: OutcomeResult | 'started'; at: string; op: string };
  /** Ops with an intent and no settled outcome. */
  unsettled: string[];
}

export interface Inventory {
  devices: InventoryDevice[];
  /** Records the inventory was derived from. */
  records: number;
}

// --- the journal's own check ----------------------------------------------------------------------

/** One thing `verify` found. Errors make the journal untrustworthy; warnings are crash artifacts. */
export interface JournalProblem {
  code:
    'ERR_JOURNAL_TAMPERED' | 'ERR_JOURNAL_TRUNCATED' | 'WARN_JOURNAL_TORN_TAIL' | 'WARN_JOURNAL_HEAD_LAGS';
  /** 1-based line number in the journal file. */
  line: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  /** The last record's seq and hash, as anchored. */
  head: { seq: number; hash: string };
  problems: JournalProblem[];
}

// --- workflows ------------------------------------------------------------------------------------

export interface ErrorInfo {
  code: string;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

/**
 * Words for the person, by code: the renderer looks `code` up in its catalogues and fills in `params`;
 * `text` is the English sentence the CLI prints (and the fallback for a code the window does not know).
 */
export interface Said {
  code: string;
  params?: Readonly<Record<string, string | number>>;
}

export interface StepPlan {
  id: string;
  title: string;
  /** False when this run leaves the step out; `reason` says why. */
  included: boolean;
  reason?: string;
}

/** What a UI or the CLI watches. Never carries a secret. */
export type WorkflowEvent =
  | { type: 'plan'; workflow: string; runId: string; dryRun: boolean; steps: StepPlan[] }
  | { type: 'step'; id: string; status: 'running' }
  | { type: 'step'; id: string; status: 'done'; detail?: string; said?: Said }
  | { type: 'step'; id: string; status: 'skipped'; reason: string; said?: Said }
  | { type: 'step'; id: string; status: 'failed'; error: ErrorInfo }
  | { type: 'warning'; id: string; code: string; message: string }
  | { type: 'info'; id: string; message: string; said?: Said }
  | { type: 'finished'; workflow: string; runId: string; ok: boolean; error?: ErrorInfo };

export interface StepResult {
  id: string;
  title: string;
  status: 'done' | 'skipped' | 'failed' | 'not-run';
  detail?: string;
  reason?: string;
  /** The detail or reason as a code, for the window's catalogues. */
  said?: Said;
  error?: ErrorInfo;
}

/** A meeting check's reading of every device, the verdicts and the comparison. */
export interface MeetingReport {
  readings: MeetingReading[];
  verdicts: MeetingVerdict[];
  comparison: MeetingComparison;
}

/** Something seen while watching. */
export type MeetingUpdate =
  | {
      kind: 'participant';
      at: string;
      target: string;
      change: ParticipantEvent['change'];
      displayName: string | null;
      identity: string | null;
      verification: ListedParticipant['verification'];
    }
  | {
      kind: 'security-code';
      at: string;
      target: string;
      previous: string | null;
      code: string | null;
      after: CodeChange['after'];
    };
