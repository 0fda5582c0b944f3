/**
 * What a simulated xCommand is (its definition, the invocation it gets, the outcome it gives and what the
 * device does after answering), with the words and helpers every command's handler shares.
 */
import type { TrailingAction } from '../core/xapi/vocabulary.js';
import { JweError, open } from '../core/jwe/index.js';
import type { KeepItem } from './config.js';
import type { Device } from './device.js';
import type { CommandStatus, Leaf } from './format.js';

/** A parameter's value space (from the public xAPI schema; `IsEncrypted` is hidden there and added by hand). */
export interface ParamDef {
  name: string;
  required?: boolean;
  type: 'String' | 'Literal' | 'Integer';
  values?: readonly string[] | ((d: Device) => readonly string[]);
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  /** A LiteralArray: the key may repeat (`Keep: Network Keep: SerialPort`). */
  multiple?: boolean;
  /** Not in the public schema (`IsEncrypted`, from the vendor's procedure). */
  hidden?: boolean;
}

/** What the device does once a command's answer is out. */
export type Aftermath =
  | {
      kind: 'factory-reset';
      keep: KeepItem[];
      trailingAction: TrailingAction;
    }
  | { kind: 'boot'; action: 'Restart' | 'Shutdown' }
  /** `AccountLinkMode: Asynchronous`: the answer is out, the registration goes on. */
  | { kind: 'register'; activationCode: string; harden: boolean };

export interface CommandOutcome {
  status: CommandStatus;
  leaves?: Leaf[];
  /** The Reason printed for an Error, or (not printed) why parameters were refused. */
  reason?: string;
  /** The JWE error code behind a blob refusal (for the event log). */
  code?: string;
  then?: Aftermath;
}

export interface Invocation {
  device: Device;
  params: Map<string, string[]>;
  body?: string;
}

export interface CommandDef {
  path: readonly string[];
  /** The schema subset's entry (`Security ClientSecret Populate`); undefined for a command not in the subset. */
  schema?: string;
  multiline?: boolean;
  params: readonly ParamDef[];
  /** Whether this device has the command at all (model, software). */
  available?: (d: Device) => boolean;
  run(inv: Invocation): Promise<CommandOutcome> | CommandOutcome;
}

/** The result name by the device's convention: the last two path elements + `Result` (spec §2). */
export function resultName(def: CommandDef): string {
  return `${def.path.slice(-2).join('')}Result`;
}

export const NO_SECRET = 'No client secret has been populated.';
export const NOT_FOUND = 'Certificate not found.';
export const NOT_P256 = 'Key type not supported: the certificate key must be ECDSA P-256.';
export const NO_KEY = 'No private key for this certificate.';
export const NOT_REGISTERED =
  'This command is only available on devices registered to the Webex cloud service.';
export const REGISTRATION_FAILED = 'Registration failed.';
export const REGISTRATION_INTERRUPTED = 'Registration was interrupted.';
export const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----/g;

export function one(inv: Invocation, name: string): string | undefined {
  return inv.params.get(name)?.[0];
}

export function ok(leaves: Leaf[] = []): CommandOutcome {
  return { status: 'OK', leaves };
}

export function fail(reason: string, code?: string): CommandOutcome {
  return code === undefined ? { status: 'Error', reason } : { status: 'Error', reason, code };
}

/** Opens a blob under the device's secret (one key derivation, counted in `stats`). */
export function openBlob(
  d: Device,
  blob: string,
  secret: string,
  action: 'populate' | 'add' | 'activate' | 'deactivate',
): ReturnType<typeof open> {
  d.stats.blobsOpened++;
  return open(blob, secret, { action });
}

/** The device's words for a blob it refuses; the JWE code goes to the event log. */
export function jweFailure(e: unknown, expected: string): CommandOutcome {
  if (!(e instanceof JweError)) throw e;
  switch (e.code) {
    case 'ERR_JWE_DECRYPTION_FAILED':
      return fail('Decryption failed: wrong secret or corrupt data.', e.code);
    case 'ERR_JWE_ACTION_MISMATCH':
      return fail(`Wrong cisco-action in JWE header: expected ${expected}.`, e.code);
    case 'ERR_JWE_KDF_FAILED':
      return fail('Key derivation failed.', e.code);
    default:
      return fail('Invalid JWE blob.', e.code);
  }
}

export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
