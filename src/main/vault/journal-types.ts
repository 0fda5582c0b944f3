/**
 * The journal's record types. Each step that changes a device writes an intent before it acts and an
 * outcome after; other facts are events. Other modules add their own kinds by declaration merging:
 *
 * ```ts
 * declare module '../vault/journal-types.js' {
 *   interface JournalActions { 'config.backup': { intent: { target: string }; outcome: { file: string } } }
 * }
 * ```
 *
 * No field may hold a secret, a blob or a private key: records carry facts (serials, fingerprints,
 * certificate names, error codes). The journal refuses what looks otherwise (see journal.ts).
 */
import type { CertificateFacts, OutcomeResult } from '../../contract/shapes.js';

/** How an operation ended. `unknown`: the device may or may not have acted (timeout, cut cable). */
export type { CertificateFacts, OutcomeResult };

/** What settled an outcome: the device's answer, a probe on a later connection, or recovery logic. */
export type SettledBy = 'response' | 'probe' | 'recovery' | 'operator';

/** An error, by its stable code only (messages can quote input). */
export interface ErrorRef {
  code: string;
}

type Empty = Record<never, never>;

/** Certificate facts as the inventory shows them. */

/** Operations that change a device: `intent` and `outcome` are their extra fields. */
export interface JournalActions {
  /** The very first populate, in clear at the console (after a factory reset or on a new device). */
  'secret.populate-plain': { intent: Empty; outcome: Empty };
  /** A secret change: a populate blob of the new secret under the current one. */
  'secret.rotate': { intent: { enc: 'A128GCM' | 'A256GCM' }; outcome: Empty };
  'cert.add': { intent: CertificateFacts; outcome: Empty };
  'cert.activate': { intent: { fingerprint: string; purpose: string }; outcome: Empty };
  'cert.deactivate': { intent: { fingerprint: string; purpose: string }; outcome: Empty };
  /** `keep`: the schema's Keep items the reset was asked to keep (absent: none). */
  'device.factory-reset': { intent: { keep?: string[] }; outcome: Empty };
  'device.register': { intent: Empty; outcome: Empty };
  /** A whole guided procedure, wrapping the steps above. */
  'device.provision': { intent: Empty; outcome: Empty };
  'device.renew': { intent: Empty; outcome: Empty };
}

/** Facts that are not an operation. */
export interface JournalEvents {
  /** The first record of every journal. */
  'journal.created': { journalId: string };
  /** A record torn by a crash mid-write (never acknowledged) was cut off before appending. */
  'journal.repaired': { droppedBytes: number; line: number };
  'device.identified': { productId?: string; softwareVersion?: string };
  'secret.exported': { serials: string[]; file: string };
  'secret.imported': { serials: string[]; file: string; kept: string[] };
  /**
   * What a connection saw on the device (`status`, the app's connect): the certificate it uses as its
   * WebexIdentity, or null when it uses none. The inventory re-learns a device from it (after the journal
   * was moved aside, say); its facts are the device's, shown as given.
   */
  'device.observed': { webexIdentity: CertificateFacts | null; webexStatus?: string };
  /** A secret typed by a person or imported was stored for a device without an operation. */
  'secret.stored': { source: 'typed' | 'file' | 'generated' };
}

export type ActionName = keyof JournalActions;
export type EventName = keyof JournalEvents;

export type IntentOf<A extends ActionName> = {
  kind: 'intent';
  action: A;
  /** Pairs the intent with its outcomes. */
  op: string;
  serial?: string;
} & JournalActions[A]['intent'];

export type OutcomeOf<A extends ActionName> = {
  kind: 'outcome';
  action: A;
  op: string;
  serial?: string;
  result: OutcomeResult;
  settledBy: SettledBy;
  error?: ErrorRef;
} & Partial<JournalActions[A]['outcome']>;

export type EventOf<E extends EventName> = { kind: 'event'; event: E; serial?: string } & JournalEvents[E];

/** What a caller appends. */
export type JournalEntry =
  | { [A in ActionName]: IntentOf<A> }[ActionName]
  | { [A in ActionName]: OutcomeOf<A> }[ActionName]
  | { [E in EventName]: EventOf<E> }[EventName];

/** What the journal adds to every line: position, time, and the hash of the line before. */
export interface RecordEnvelope {
  /** 1 for the first line, then +1. */
  seq: number;
  /** ISO 8601, UTC. */
  at: string;
  /** SHA-256 (hex) of the previous line's bytes; 64 zeros for the first. */
  prev: string;
}

export type JournalRecord = RecordEnvelope & JournalEntry;
