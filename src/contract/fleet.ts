/**
 * The Fleet screen's part of the contract: the Webex cloud sign-in (a token the person pastes, or an
 * integration's OAuth sign-in in the browser, its client secret sent to main once; kept in the OS keychain
 * there), the devices the sign-in reaches with their certificate expiry, a renewal or rotation of a
 * selection and its progress, and an activation code for the registration step. The token never crosses back; a rotated secret stays in the keychain.
 */
import type { FleetDevice, FleetEvent, FleetRunRow, FleetWorkflow } from '../core/fleet.js';
import { ContractError } from './errors.js';
import type { MeetingReport } from './shapes.js';
import type { FileRole } from './types.js';
import { FIELD_LIMITS, type Reader, record, text } from './validate.js';

/** The longest text each cloud field of the window may send, in characters. */
export const CLOUD_FIELD_LIMITS = {
  token: 8192,
  apiBase: 512,
  workspaceId: 512,
  tag: 128,
  /** Tags filtering one list (the API takes several, all of which must match). */
  tags: 16,
  /** Devices in one renewal or rotation. */
  devices: 500,
  /** An integration's client id and client secret (OAuth sign-in). */
  clientId: 512,
  clientSecret: 1024,
} as const;

/** Who the kept sign-in belongs to (never the token). */
export interface CloudAccount {
  displayName: string;
  emails: string[];
  orgId: string;
  /** The API base the sign-in uses (https://webexapis.com/v1 unless the person gave another). */
  apiBase: string;
  /** `token`: a pasted access token; `oauth`: an integration's sign-in, renewed by main. */
  kind: 'token' | 'oauth';
  /** The integration's client id (OAuth; not a secret), else null. */
  clientId: string | null;
  /** When the access token expires (ISO 8601; OAuth, renewed before then), else null. */
  expiresAt: string | null;
}

/**
 * An OAuth sign-in the window asks for: the integration's client id, its client secret when it has one
 * (sent once, kept in the keychain by main, never sent back), the API base and the loopback port of the
 * integration's redirect URI (null: the defaults).
 */
export interface OAuthSignInRequest {
  clientId: string;
  clientSecret: string | null;
  apiBase: string | null;
  redirectPort: number | null;
}

/** One device the sign-in reaches, as the Fleet screen lists it. */
export type FleetDeviceRow = FleetDevice;

export type FleetWorkflowName = FleetWorkflow;

/** One device of a run: its serial number, and for a renewal the key's passphrase when it has one. */
export interface FleetRunDevice {
  serial: string;
  passphrase: string | null;
}

export interface FleetRunRequest {
  workflow: FleetWorkflowName;
  devices: FleetRunDevice[];
}

export type FleetRunRowView = FleetRunRow;

/** A run's outcome, one row per device. A rotated secret is in the keychain, never here. */
export interface FleetRunSummary {
  runId: string;
  rows: FleetRunRowView[];
}

/** A run's progress, per device, then its end. */
export type FleetProgress = FleetEvent;

/** What main sends on the event channel during a fleet run. */
export interface FleetEventMessage {
  workflow: 'fleet';
  runId: string;
  event: FleetProgress;
}

/**
 * One cloud device's meeting check (`fleet.meeting`): the device it was read on, by serial number and
 * target (`webex:SERIAL`), and the same report as the Meeting check screen's.
 */
export interface FleetMeetingView {
  serial: string;
  target: string;
  report: MeetingReport;
}

/** A device's file chosen for a renewal (main keeps the path; the window gets the name). */
export interface FleetChosenFile {
  serial: string;
  role: FileRole;
  name: string;
}

export interface ActivationCodeView {
  code: string;
  /** ISO 8601 as the cloud gives it ('' when it gives none). */
  expiryTime: string;
}

/** A loopback port for the OAuth redirect (1 to 65535), or null for the default. */
export const redirectPort: Reader<number | null> = (o, key, c) => {
  const p = o[key];
  if (p === null) return null;
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 1 || p > 65535)
    throw new ContractError(`${c}: ${key} must be a port number (1 to 65535) or null`);
  return p;
};

/** The tags filtering a list: each a non-empty text, at most CLOUD_FIELD_LIMITS.tags of them. */
export const tagList: Reader<string[]> = (o, key, c) => {
  const given = o[key];
  if (!Array.isArray(given) || given.length > CLOUD_FIELD_LIMITS.tags)
    throw new ContractError(`${c}: ${key} must be a list of at most ${CLOUD_FIELD_LIMITS.tags} tags`);
  return (given as unknown[]).map((t) => {
    const tag = text(CLOUD_FIELD_LIMITS.tag)({ t }, 't', c);
    if (tag.trim() === '') throw new ContractError(`${c}: a tag must not be empty`);
    return tag;
  });
};

/** The devices of a run: at least one, each serial once; a passphrase only for a renewal. */
export function runDevices(workflow: FleetWorkflowName): Reader<FleetRunDevice[]> {
  return (o, key, c) => {
    const given = o[key];
    if (!Array.isArray(given) || given.length === 0 || given.length > CLOUD_FIELD_LIMITS.devices)
      throw new ContractError(`${c}: ${key} must be a list of 1 to ${CLOUD_FIELD_LIMITS.devices} devices`);
    const seen = new Set<string>();
    return (given as unknown[]).map((x) => {
      const d = record(
        x,
        c,
        {
          serial: text(FIELD_LIMITS.serial),
          passphrase: (r, k, ch) => (r[k] === null ? null : text(FIELD_LIMITS.passphrase)(r, k, ch)),
        },
        `${key}[]`,
      );
      if (d.serial.trim() === '' || seen.has(d.serial))
        throw new ContractError(`${c}: each device's serial must be given, once`);
      if (workflow === 'rotate' && d.passphrase !== null)
        throw new ContractError(`${c}: a rotation takes no passphrase`);
      seen.add(d.serial);
      return d;
    });
  };
}
