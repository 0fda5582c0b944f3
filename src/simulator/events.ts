import { appendFileNoFollow } from '../shared/atomic-file.js';

/** How a session reached the device. */
export type Transport = 'stream' | 'pty' | 'ssh';
/**
 * Serial sessions log in at `login:` when LoginRequired is On; SSH sessions are authenticated already;
 * `cloud` is the Webex cloud's own session (src/simulator/cloud/): authenticated, no banner, never paced.
 */
export type SessionKind = 'serial' | 'ssh' | 'cloud';
export type WebexStatus = 'Disabled' | 'Error' | 'Registered' | 'Registering' | 'Stopped';

/**
 * One entry of the event log: `t` is an ISO-8601 time, `type` says what happened. Secrets never appear:
 * commands are logged by path and parameter names, never values; a secret change only says what changed.
 */
export type SimEvent = { t: string } & (
  | { type: 'session-open'; session: number; kind: SessionKind; transport: Transport }
  | {
      type: 'session-close';
      session: number;
      reason: 'bye' | 'closed' | 'dropped' | 'reboot' | 'simulator-closed';
    }
  /** A login attempt at the serial `login:` prompt or over SSH; `user` is `admin` or `?`; no password. */
  | { type: 'login'; session: number; user: string; ok: boolean; transport: Transport }
  /**
   * A console line the device ran. `path` is the node path (`Security ClientSecret Populate`), `params` the
   * parameter names given, `status` the result (`OK`, `Error`, `ParameterError`), `reason` the Reason printed
   * (or, for a ParameterError, why), `code` the JWE error code behind a blob refusal.
   */
  | {
      type: 'command';
      session: number;
      verb: string;
      path: string;
      params: string[];
      status: 'OK' | 'Error' | 'ParameterError';
      reason?: string;
      code?: string;
      resultId?: string;
    }
  | { type: 'config'; path: string; value: string; previous: string }
  /** The ClientSecret: first populated, rotated to another, re-populated with itself, or cleared. */
  | { type: 'secret'; change: 'populated' | 'rotated' | 'unchanged' | 'cleared' }
  | {
      type: 'certificate';
      change: 'added' | 'deleted' | 'activated' | 'deactivated';
      fingerprint: string;
      purpose?: string;
      /** The entry's kind: `preinstalled` marks the device's own certificate (a client must never delete it). */
      kind?: 'service' | 'chain' | 'preinstalled';
    }
  | { type: 'webex'; status: WebexStatus }
  /** The device went down (reboot, shutdown) or came up. */
  | { type: 'power'; phase: 'down' | 'up'; reason: string }
  | { type: 'factory-reset'; keep: string[]; trailingAction: string }
  | { type: 'fault'; session: number; fault: string }
  | { type: 'transport'; transport: Transport; action: 'listening' | 'closed'; path?: string; port?: number }
);

/** Distributes `Omit` over the union, so that each member keeps its own fields. */
export type SimEventInput = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, 't'> : never) : never;

/** The in-memory event list, mirrored as JSON lines to a file when one is given. */
export class EventLog {
  readonly list: SimEvent[] = [];
  constructor(private readonly path?: string) {}

  emit(event: SimEventInput): void {
    const full = { t: new Date().toISOString(), ...event } as SimEvent;
    this.list.push(full);
    if (this.path !== undefined) appendFileNoFollow(this.path, `${JSON.stringify(full)}\n`);
  }
}
