/**
 * The simulated device's options as one type: what a `sim:` target (src/main/device/target.ts), the
 * `e2ee-prov simulator` command's flags and `createSimulator` (src/simulator/index.ts) all describe. Plain
 * data only, so that every side may import it; the simulator adds the in-process extras (a meeting object,
 * faults). Defaults are the public facts; docs/simulator.md lists each option and every guess.
 */

/**
 * Where a device in a meeting reports it: `schema`, the published shapes only (no `EndToEndEncryption`
 * node under the call, no `ServerEncryption`; each participant's `Device[n] EndToEndEncryption …` in
 * `ParticipantList Search` and the participant events; no security code anywhere); `seed`, the vendor's
 * procedure's Table 3 (the call's `EndToEndEncryption` status, code and roster, and the participant
 * fields `EndToEndEncryptionStatus|Identity|CertInfo`).
 */
export type MeetingShape = 'schema' | 'seed';

/**
 * The verification words (none is published): `identity`, the words of `… Identity Verification`
 * (`WebexVerified`, `CAVerified`, `Unverified`); `verified`, a bare `Verified` for either kind.
 */
export type VerificationWords = 'identity' | 'verified';

/** The simulated device: its identity, its variants (where no public source settles a behaviour), its line. */
export interface SimulatorSettings {
  /** ProductId, e.g. 'Cisco Room Kit' (default), 'Cisco Desk Pro', 'Cisco Webex Board', 'Cisco TelePresence MX300 G2' (cannot join E2EE). */
  model?: string;
  /** As the banner prints it, e.g. 'RoomOS 11.23.1.8 3963b07b5c5'; older than 10.6.1 for precheck tests. */
  software?: string;
  /** e.g. 'FOC2345X0AB' (the default). */
  serialNumber?: string;
  /** `xConfiguration SystemUnit Name` (factory default: empty). */
  systemName?: string;
  /** `xConfiguration SerialPort LoginRequired` (default true). */
  loginRequired?: boolean;
  /** The `admin` password (default '', the factory state). */
  adminPassword?: string;
  /** Persist state (secret, certificates, configuration, registration, host key) as JSON; loaded if present. */
  stateFile?: string;
  /** JSON-lines event log path (the events are also kept in memory: `sim.events`). */
  eventLog?: string;
  /** After a factory reset or restart, how long until the device answers again (default 1000 ms). */
  rebootDelayMs?: number;
  /**
   * How long `Webex Registration Start` takes (default 100 ms). Without `AccountLinkMode: Asynchronous` the
   * command answers only after it (synchronous, as the schema says).
   */
  registrationDelayMs?: number;
  /** Start registered to Webex (the E2EE status exists only then). Default false: a factory-fresh device. */
  registered?: boolean;
  /** Activation codes the simulated cloud refuses (registration fails; any non-16-digit code fails too). */
  rejectActivationCodes?: string[];
  /** Every registration fails. */
  registrationFails?: boolean;
  /** The org's domain: `InternalIdentity Identity` once registered (default `example.com`). */
  orgDomain?: string;
  /** `UsedFor` wording: `labels` (default, as real devices: "SIP, HTTPS server") or `purposes` (the literals; old simulator). */
  usedFor?: 'labels' | 'purposes';
  /** The `UsedFor` label of WebexIdentity (default `Webex identity`: the real wording is not public). */
  webexIdentityLabel?: string;
  /** Chain certificates of an add become entries of their own (default true, as real devices); false: old simulator. */
  chainEntries?: boolean;
  /** A preinstalled self-signed certificate (`/CN=TemporaryDefaultCertificate`), default true. */
  selfSignedCertificate?: boolean;
  /** `SystemUnit Software OptionKeys Encryption` (default true). */
  encryptionOptionKey?: boolean;
  /** Refuse `Security ClientSecret Populate` on an unregistered device (schema: registeredOnly). Default false. */
  populateNeedsRegistration?: boolean;
  /** `ExternalIdentity Status` with an active external identity (default `Valid`; real wording unknown). */
  externalIdentityStatus?: string;
  /** `ExternalIdentity Verification` with an active external identity (default `CAVerified`; real wording unknown). */
  externalIdentityVerification?: string;
  /**
   * Input line limit in bytes, as a Linux canonical-mode tty (4095): bytes past it are dropped, the line end
   * still ends the line. Default: no limit (the real limit is unknown).
   */
  lineLimit?: number;
  /**
   * What a line longer than `lineLimit` does: `cut` (default: the bytes past it are dropped, as a
   * canonical-mode tty) or `drop` (the session ends, as jsxapi issue #65 reports for an overlong body).
   */
  overlongLine?: 'cut' | 'drop';
  /**
   * A multiline command's body: `kept` (default: it reaches the command with its line breaks, as Cisco's
   * "Multiline commands" notes say; a JWE wrapped over lines does not open) or `joined` (whitespace removed).
   */
  bodyLineBreaks?: 'kept' | 'joined';
  /** xCommand refusals: `worded` (default: each failure's Reason) or `uniform` (`Invalid input.` for all). */
  refusals?: 'worded' | 'uniform';
  /**
   * Join a simulated meeting (simulator only) by its id: simulators of one process with the same id share
   * it. The device is then in call 1 of that meeting.
   */
  meeting?: string;
  /** The session type ID of the meeting named by `meeting` (default 652; outside Table 1: not E2EE). */
  meetingSessionType?: number;
  /**
   * Where the meeting named by `meeting` is reported (default `schema`: the published participant list
   * and events only; `seed`: the vendor's procedure's Table 3 as well). docs/simulator.md, Meetings.
   */
  meetingShape?: MeetingShape;
  /** The verification words of that meeting (default `identity`: `WebexVerified`/`CAVerified`; `verified`: `Verified`). */
  meetingVerificationWords?: VerificationWords;
  /**
   * The serial line's speed: bytes each way cross it at `baudRate / 10` per second (8N1), as on the
   * maintenance port at 115200. Default: an unpaced line (a pseudo-terminal's speed). SSH is never paced.
   */
  baudRate?: number;
  /** How long the device takes over each command line before it answers (default 0 ms). */
  commandLatencyMs?: number;
  /** `legacy` prints the CE 9 banner (a blank line before `OK`). */
  banner?: 'current' | 'legacy';
}
