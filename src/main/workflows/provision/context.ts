/**
 * What the provisioning steps share: the options a caller gives, the result, the run's context (with its
 * defaults resolved once, when the run starts), and the small helpers every step uses.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { Enc } from '../../../core/jwe/index.js';
import type { CheckResult, Credentials } from '../../../core/pki/index.js';
import type { SecretCheck } from '../../../core/secret/index.js';
import type { DeviceIdentity } from '../../../core/xapi/results.js';
import type { Journal } from '../../vault/journal.js';
import type { SecretStore } from '../../vault/secret-store.js';
import type { FactoryResetKeep } from '../../device/device.js';
import type { LinkKind, SecurityAction, WorkflowDevice } from '../device-port.js';
import type { Detail, WorkflowResult } from '../engine.js';
import { WorkflowError } from '../errors.js';
import type { IdentityTarget } from '../identity.js';
import type { AdmittedSecret, WeakSecretPolicy, WeakSecretWords } from '../secret-policy.js';

export interface ProvisionOptions {
  credentials: Credentials;
  /**
   * The secret to populate; when absent one is generated and returned once in `newSecret`. Judged once,
   * before anything reaches the device or the keychain (`secret-policy.ts`); one admitted ahead by a caller
   * that refuses before it connects (`admitSecret`) is not judged again.
   */
  secret?: string | AdmittedSecret<'plain'>;
  /** A weak given secret: refused with ERR_SECRET_WEAK (the default), or taken with a warning. */
  weakSecret?: WeakSecretPolicy;
  /** How that refusal names the secret and what it says to do instead (the caller's words). */
  weakSecretWords?: WeakSecretWords;
  enc?: Enc;
  /** Factory reset first; `confirmed` must be true (an explicit confirmation by the person). */
  factoryReset?: { confirmed: boolean; keep?: readonly FactoryResetKeep[] };
  /** Write a configuration backup here before anything changes. */
  backupFile?: string;
  /** After activation, restore these configuration paths (prefixes, e.g. `SystemUnit Name`) from a backup file. */
  restore?: { file: string; paths: string[] };
  /** Register the device to Webex with this activation code at the end. */
  activationCode?: string;
  securityAction?: SecurityAction;
  /**
   * How long `Webex Registration Start` may take to answer (it answers once registration succeeded or
   * failed, and may time out with "failed"), and then how long the status may stay Registering
   * (default 5 minutes).
   */
  registrationTimeoutMs?: number;
  /**
   * `standard` (the vendor's order: populate, add, activate, verify, then register) or `register-first`
   * (register with SecurityAction NoAction first, then populate, add, activate, verify), for devices that
   * take a client secret only once registered (the schema says Populate "applies only to devices that
   * are registered"). Default `standard`.
   */
  order?: ProvisionOrder;
  /** How long a registered device may take to report the new external identity (default 60 s). */
  identitySettleMs?: number;
  /** The target as text (never a secret): recorded when a Harden registration closes the console to the tool. */
  targetLabel?: string;
  /** How the tool reaches the device. The plain first populate goes over the serial console only... */
  link: LinkKind;
  /** ...unless this is set (the secret then travels in clear over the network; a warning says so). */
  allowPlainOverNetwork?: boolean;
  /** Write the handover report here; it holds the secret only with `includeSecret`. */
  handover?: { file?: string; includeSecret?: boolean };
  /** The moment certificate validity is judged at (default now). */
  now?: Date;
  /**
   * Send an add blob longer than the console's measured line wrapped over body lines, once harmless
   * probes showed that the device joins them (`--wrap-long-lines`). Default: such a blob is refused in
   * the precheck, before anything changes.
   */
  wrapLongLines?: boolean;
}

export type ProvisionOrder = 'standard' | 'register-first';

/** How long registration may take by default: the command answers only when it succeeded or failed. */
export const REGISTRATION_TIMEOUT_MS = 5 * 60_000;

export interface ProvisionDeps {
  device: WorkflowDevice;
  secrets: SecretStore;
  journal: Journal;
}

/** What the technician hands over: device, identity, fingerprint, expiry. */
export interface HandoverReport {
  serialNumber: string;
  productId: string;
  softwareVersion: string;
  identity: string;
  fingerprint: string;
  notAfter: string;
  enc: Enc;
  provisionedAt: string;
  registered: boolean;
  /** Present only when the person asked for it. */
  clientSecret?: string;
}

export interface ProvisionResult extends WorkflowResult {
  report?: HandoverReport;
  /** The generated secret, to be shown once; absent when the person gave one or the device already had one. */
  newSecret?: string;
  /**
   * A generated secret the device holds or may hold (set, or sent when the run stopped or failed): the
   * window keeps offering it until the person says it is saved. Equal to `newSecret` after a success.
   */
  heldSecret?: string;
  /** The judgement of the given secret (bits, rating, warnings); absent when none was given. */
  secretCheck?: SecretCheck;
}

/** The options' defaults, resolved once when the run starts: every step reads these, never `?? default`. */
export interface ProvisionSettings {
  order: ProvisionOrder;
  securityAction: SecurityAction;
  /** How long registration may take (its answer, then the status). */
  registrationTimeoutMs: number;
}

/** Resolves the defaults of `options` (the order, the SecurityAction, the registration time-out). */
export function resolveSettings(options: ProvisionOptions): ProvisionSettings {
  return {
    order: options.order ?? 'standard',
    securityAction: options.securityAction ?? 'NoAction',
    registrationTimeoutMs: options.registrationTimeoutMs ?? REGISTRATION_TIMEOUT_MS,
  };
}

export interface Ctx {
  deps: ProvisionDeps;
  options: ProvisionOptions;
  settings: ProvisionSettings;
  enc: Enc;
  check: CheckResult;
  fingerprint: string;
  cn: string;
  identity?: DeviceIdentity;
  serial: string;
  /** The given secret, admitted by the weak-secret policy before the run started. */
  given?: AdmittedSecret<'plain'>;
  /** The device's ClientSecret once known: in memory only, never in an event or the journal. */
  secret?: string;
  generated?: string;
  /** A generated secret sent to the device (it holds it, or may): cleared when the device refused it. */
  sent?: string;
  /** The wrapped-body probe ran in the precheck and showed that the device joins wrapped lines. */
  wrapJoinsChecked?: boolean;
  provisionOp?: string;
  resumed: boolean;
  /** This run found a reset an interrupted run started done (settled by what the device shows). */
  resetSettled?: boolean;
  registered: boolean;
  report?: HandoverReport;
  /**
   * What this run read of the device's certificate store, while nothing since can have changed it:
   * whether it lists the certificate, whether it uses it for WebexIdentity. Undefined: not known, so the
   * step that needs it reads the device. Each step that changes the store says what it now knows.
   */
  knows: { listed?: boolean; active?: boolean };
}

export const PLAIN_OK: readonly LinkKind[] = ['serial', 'sim'];

export function spkiHash(credentials: Credentials): string {
  const der = createPublicKey(credentials.certificate).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** A detail in English (the CLI's words) with its code and values, for the window's catalogues. */
export function said(code: string, text: string, params?: Record<string, string | number>): Detail {
  return { text, said: { code, ...(params ? { params } : {}) } };
}

/** The device, its journal and secret, for the shared identity operations. */
export function target(ctx: Ctx): IdentityTarget {
  return {
    device: ctx.deps.device,
    journal: ctx.deps.journal,
    serial: ctx.serial,
    secret: requireSecret(ctx),
    enc: ctx.enc,
  };
}

export function requireSecret(ctx: Ctx): string {
  if (ctx.secret === undefined) {
    throw new WorkflowError(
      'ERR_WORKFLOW_SECRET_UNKNOWN',
      'The device’s client secret is not known to the tool, so no blob can be made for it. Import the secret, or factory reset the device.',
    );
  }
  return ctx.secret;
}
