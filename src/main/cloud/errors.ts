/**
 * The Webex cloud transport's failures: the REST API's answers (401, 403, 404, 429, 5xx, others), the
 * network, and the steps the tool refuses to take through the cloud. Each message quotes the server's
 * `message` and `trackingId` when there is one and says what to do next; never the token.
 */
import { ProvisionerError } from '../../core/errors.js';

export const CLOUD_ERROR_CODES = [
  /** 401: the token is wrong or expired; sign in again. */
  'ERR_CLOUD_AUTH',
  /** 403: the token lacks a scope the call needs (named in `details.scopes`). */
  'ERR_CLOUD_FORBIDDEN',
  /** 404, or no device of the organisation has that serial number or id. */
  'ERR_CLOUD_NOT_FOUND',
  /** Several devices of the organisation have that serial number. */
  'ERR_CLOUD_DEVICE_AMBIGUOUS',
  /** 429 answers went on past the bounded wait. */
  'ERR_CLOUD_RATE_LIMITED',
  /** 502/503/504, or the device is not connected to the cloud (checked before any command). */
  'ERR_CLOUD_DEVICE_UNREACHABLE',
  /** Another non-2xx answer. */
  'ERR_CLOUD_HTTP',
  /** No answer at all: refused, no route, name not found, timed out. */
  'ERR_CLOUD_NETWORK',
  /** A 2xx answer that is not the JSON the API documents. */
  'ERR_CLOUD_BAD_ANSWER',
  /** The device does not offer a command through the cloud (its `/xapi/schema` lacks it). */
  'ERR_CLOUD_COMMAND_UNAVAILABLE',
  /** A plain ClientSecret never travels through the cloud: the first Populate happens at the console. */
  'ERR_CLOUD_PLAIN_SECRET_REFUSED',
  /** A factory reset is never sent through the cloud. */
  'ERR_CLOUD_FACTORY_RESET_REFUSED',
  /** A cloud device is registered already: no registration through the cloud. */
  'ERR_CLOUD_REGISTER_REFUSED',
  /** Provisioning (a plain secret, a reset, a registration) is a console's job. */
  'ERR_CLOUD_PROVISION_REFUSED',
  /** A configuration the cloud transport cannot read or write (no configuration endpoint is used). */
  'ERR_CLOUD_CONFIGURATION_UNAVAILABLE',
  /** The keychain holds no secret for the device: it was never provisioned by this tool at its console. */
  'ERR_CLOUD_NO_SECRET',
  /** No cloud sign-in in the keychain. */
  'ERR_CLOUD_NOT_SIGNED_IN',
  /** A token file that holds no usable token (empty, several lines, odd characters). */
  'ERR_CLOUD_TOKEN_INVALID',
  /** An API base that is not an https URL (or http on loopback). */
  'ERR_CLOUD_API_BASE',
  /** The OAuth redirect came back with another `state` than the sign-in sent: refused, nothing kept. */
  'ERR_CLOUD_OAUTH_STATE',
  /** The OAuth redirect came back with an error (`access_denied`) or without a code. */
  'ERR_CLOUD_OAUTH_DENIED',
  /** No OAuth redirect came back within the hang guard (5 minutes by default). */
  'ERR_CLOUD_OAUTH_TIMEOUT',
  /** The loopback port of the OAuth redirect is taken. */
  'ERR_CLOUD_OAUTH_PORT',
  /** The token endpoint refused the authorization code (a wrong client id, secret, redirect or verifier). */
  'ERR_CLOUD_OAUTH_GRANT',
  /** The person cancelled the OAuth sign-in (the app's Cancel) before the browser answered. */
  'ERR_CLOUD_OAUTH_CANCELLED',
] as const;
export type CloudErrorCode = (typeof CLOUD_ERROR_CODES)[number];

/** A failure of the Webex cloud transport. */
export class CloudError extends ProvisionerError<CloudErrorCode> {}

export function isCloudError(e: unknown, ...codes: CloudErrorCode[]): e is CloudError {
  return e instanceof CloudError && (codes.length === 0 || codes.includes(e.code));
}

/**
 * Provisioning is refused for a `webex:` target before anything is read, opened or sent: its first
 * secret travels in clear and its factory reset would erase the registration the cloud reaches it by.
 */
export function refuseProvisionOverCloud(targetText: string | undefined): void {
  const t = (targetText ?? '').trim();
  if (!/^webex:/i.test(t)) return;
  throw new CloudError(
    'ERR_CLOUD_PROVISION_REFUSED',
    `${t} is reached through the Webex cloud: provision it at its console first (serial: or ssh://). A first client secret travels in clear and a factory reset erases the registration, so neither is ever sent through the cloud; nothing was sent.`,
    { target: t.slice(0, 200) },
  );
}
