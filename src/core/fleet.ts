/**
 * The shapes of the fleet (many Webex cloud devices at once) that main's workflow and the window's contract
 * share: one listed device, a run's workflow, a run's row and a run's progress. Types only.
 */

export interface FleetDevice {
  serial: string;
  deviceId: string;
  displayName: string;
  product: string;
  software: string;
  /** As the cloud gives it; a word the tool does not know is shown as given, never a failure. */
  connectionStatus: string;
  tags: string[];
  /** The external identity the device uses (from Conference.EndToEndEncryption.ExternalIdentity.*), null if none. */
  identity: string | null;
  /** The identity certificate's notAfter as ISO 8601, null when the device does not report it. */
  certificateExpiry: string | null;
  /** Whole days from `now` to the expiry (negative once expired), null when unknown. */
  daysLeft: number | null;
  /** Whether the OS keychain holds this device's client secret (renew/rotate need it). */
  secretInKeychain: boolean;
  /** Why the device's status could not be read (offline, refused, …), null when it was read. */
  readProblem: { code: string; message: string } | null;
}

export type FleetWorkflow = 'renew' | 'rotate';

/** One device's outcome in a run. */
export interface FleetRunRow {
  serial: string;
  workflow: FleetWorkflow;
  outcome: 'done' | 'failed' | 'skipped';
  code: string | null;
  message: string | null;
  fingerprint: string | null;
}

/** A run's progress, per device, then its end. */
export type FleetEvent =
  | { type: 'started'; serial: string; workflow: FleetWorkflow }
  | { type: 'step'; serial: string; step: string }
  | { type: 'done'; serial: string; workflow: FleetWorkflow; fingerprint?: string }
  | { type: 'failed'; serial: string; workflow: FleetWorkflow; code: string; message: string }
  | { type: 'finished'; done: number; failed: number; skipped: number };
