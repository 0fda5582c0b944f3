/**
 * The cloud simulator's options, variants and views (docs/simulator.md, "The Webex cloud"). Defaults are
 * the public facts of shared/reference/webex-cloud.md; each variant covers an answer nobody publishes.
 */
import { WEBEX_SCOPES } from '../../core/xapi/vocabulary.js';
import type { RoomOsSimulator } from '../index.js';
import type { CloudConsole } from './console.js';

/** The Devices API's connection states (the published value space). */
export const CONNECTION_STATUSES = [
  'connected',
  'disconnected',
  'connected_with_issues',
  'offline_expired',
  'activating',
  'unknown',
  'offline_deep_sleep',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** The scopes the simulator checks (the published ones of the endpoints it serves). */
export const CLOUD_SCOPES = WEBEX_SCOPES;

/** 429s: every `every`th xAPI call to a device (command, status, schema) is refused. */
export interface RateLimit {
  every: number;
  /** `Retry-After` in seconds (default 1); null sends the 429 without the header. */
  retryAfterSeconds?: number | null;
}

/** One device of the simulated organisation, backed by a simulated RoomOS device. */
export interface CloudDeviceOptions {
  simulator: RoomOsSimulator;
  /** Default: derived from the device's DeviceId, as a Webex id (base64url of `ciscospark://us/DEVICE/<uuid>`). */
  id?: string;
  /** Default: the device's SystemUnit Name, or its product and serial when it has none. */
  displayName?: string;
  /** Default: a workspace of its own, derived from the device's id. */
  workspaceId?: string;
  tags?: readonly string[];
  /**
   * Default `connected` (`disconnected` while the backing device is down). Any other state than
   * `connected` and `connected_with_issues` is offline: its commands and statuses do not reach it.
   */
  connectionStatus?: ConnectionStatus;
  /** false: the device's schema lacks the Security commands (the cloud neither lists nor runs them). */
  securityCommands?: boolean;
  /**
   * false: the device's schema lacks `Conference ParticipantList Search` (the cloud neither lists nor
   * runs it), as a model or release that does not offer it through the cloud might (not published).
   */
  participantList?: boolean;
  /** This device's 429s (overrides the variants' `rateLimit`). */
  rateLimit?: RateLimit | null;
}

export interface CloudVariants {
  /**
   * How a command the device refuses comes back (not published): `http` (default) HTTP 400 with the
   * device's Reason as `message`; `result` HTTP 200 with `"result": {"status": "Error", "Reason": …}`.
   */
  refusal?: 'http' | 'result';
  /** What an offline device's command or status answers (not published): 504 (default) or 502. */
  offlineStatus?: 502 | 504;
  /** 429s for every device (each device's own `rateLimit` wins). */
  rateLimit?: RateLimit;
  /** The token expires after this many authorised calls (0: from the start); then every call is 401. */
  tokenExpiresAfter?: number;
  /** The token's scopes (default: all of `CLOUD_SCOPES`); a call that needs another is 403. */
  scopes?: readonly string[];
  /**
   * A command's `result` values: `plain` (default: strings, `id`s as numbers, as the status answer) or
   * `device` (the device's JSON as printed: `{"Value": "…"}` leaves, string `id`s). Not published.
   */
  resultValues?: 'plain' | 'device';
  /**
   * A status name that matches nothing on the device (not published): `error` (default) HTTP 400 with the
   * device's Reason; `empty` leaves it out of `result` (200).
   */
  missingStatus?: 'error' | 'empty';
  /** How long the device may take over one line before the cloud gives up (a hang guard; default 60 s). */
  deviceTimeoutMs?: number;
  /**
   * A plain delay before each answer, in ms (default 0): a bench knob for the cloud's round trip, not a
   * fact of the Webex API (whose latency depends on the network and the device).
   */
  latencyMs?: number;
  /** What `/authorize` answers: `approve` (default: an org admin who approves at once) or `deny` (`error=access_denied`). */
  oauthConsent?: 'approve' | 'deny';
  /** The `expires_in` of the access tokens `/access_token` issues (seconds; default 1,209,600, 14 days). */
  accessTokenLifetimeS?: number;
}

/** One grant of `/access_token`, as a test sees it (what must appear in no output or file). */
export interface CloudOAuthGrant {
  grantType: 'authorization_code' | 'refresh_token';
  clientId: string;
  scopes: string[];
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  refreshExpiresAt: number;
  /** The PKCE verifier the tool sent, or null. */
  codeVerifier: string | null;
  /** The client secret the tool sent, or null. */
  clientSecret: string | null;
  revoked: boolean;
}

export interface CloudSimulatorOptions {
  devices: readonly CloudDeviceOptions[];
  /** The bearer token every request must carry. */
  token: string;
  variants?: CloudVariants;
  /** TCP port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** The integration `/authorize` and `/access_token` know (default: any client id, any secret). */
  oauthClient?: { id: string; secret?: string };
  /** `GET /people/me` (default: a simulated administrator of `example.com`). */
  person?: { id: string; displayName: string; emails: readonly string[]; orgId: string };
}

/** One request as the log holds it: never the token, never a body. */
export interface CloudRequest {
  /** Epoch milliseconds when it arrived. */
  t: number;
  method: string;
  /** The path without the query (`/v1/xapi/command/Security.Certificates.Services.Add`). */
  path: string;
  deviceId?: string;
  /** The command's dotted key (`POST /xapi/command/…`). */
  command?: string;
  /** The HTTP status answered. */
  status: number;
}

/** A device as a test sees it. */
export interface CloudDeviceView {
  id: string;
  serial: string;
  displayName: string;
  workspaceId: string;
  tags: readonly string[];
  /** As `GET /devices` reports it now. */
  connectionStatus: ConnectionStatus;
  securityCommands: boolean;
  simulator: RoomOsSimulator;
  /** xAPI calls that reached the cloud for this device (command, status, schema), 429s included. */
  xapiCalls: number;
  /** When each 429 was answered for it (epoch ms), oldest first. */
  rateLimitedAt: readonly number[];
  /** The last of `rateLimitedAt`. */
  last429At: number | undefined;
}

/** What `setDevice` may change. */
export type CloudDevicePatch = Partial<
  Pick<
    CloudDeviceOptions,
    'displayName' | 'workspaceId' | 'tags' | 'connectionStatus' | 'securityCommands' | 'rateLimit'
  >
>;

export interface CloudSimulator {
  /** The API base, `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  readonly devices: readonly CloudDeviceView[];
  /** Every request so far, oldest first (a copy). */
  readonly requests: readonly CloudRequest[];
  /** Changes a device by its serial number. */
  setDevice(serial: string, patch: CloudDevicePatch): void;
  /** The OAuth grants so far, oldest first (copies). */
  readonly oauthGrants: readonly CloudOAuthGrant[];
  /** Makes every OAuth access token issued so far expired (a call with one is then 401). */
  expireAccessTokens(): void;
  /** Revokes every refresh token issued so far (a refresh is then 400 `invalid_grant`). */
  revokeRefreshTokens(): void;
  /** Stops listening and ends the cloud's console sessions (not the simulated devices). */
  close(): Promise<void>;
}

/** The cloud's record of one device. */
export interface CloudDevice {
  simulator: RoomOsSimulator;
  console: CloudConsole;
  id: string;
  serial: string;
  displayName: string;
  workspaceId: string;
  tags: string[];
  connectionStatus: ConnectionStatus | undefined;
  securityCommands: boolean;
  participantList: boolean;
  rateLimit: RateLimit | null | undefined;
  xapiCalls: number;
  rateLimitedAt: number[];
}
