/**
 * The Webex cloud sign-in: a token (checked with `GET /people/me`) and the API base, kept in the OS
 * keychain beside the devices' secrets under accounts no serial number can take. Never in a file, argv,
 * the journal or a log.
 */
import type { OwnAccount } from '../vault/secret-store.js';
import {
  CloudClient,
  type CloudClientOptions,
  type CloudPerson,
  DEFAULT_API_BASE,
  checkApiBase,
} from './client.js';
import { CloudError } from './errors.js';

/** What `cloud login` keeps. */
export interface CloudLogin {
  token: string;
  apiBase: string;
}

/** The keychain's entries of the tool's own (KeychainSecretStore has them). */
export interface OwnEntries {
  getOwn(account: OwnAccount): Promise<string | null>;
  setOwn(account: OwnAccount, value: string): Promise<void>;
  deleteOwn(account: OwnAccount): Promise<boolean>;
}

/** Longest token taken (Webex access tokens are about 100 to 200 characters). */
const TOKEN_LIMIT = 8192;

/**
 * A token as read from its file: one line (a final line break is dropped), printable ASCII without
 * spaces. Refused otherwise, without quoting it.
 */
export function checkToken(text: string): string {
  const t = text.replace(/\r?\n$/, '');
  const why =
    t.trim() === ''
      ? 'it is empty'
      : t.length > TOKEN_LIMIT
        ? `it is longer than ${TOKEN_LIMIT} characters`
        : /[^\x21-\x7e]/.test(t)
          ? 'it holds a space, a line break or a character a token never has'
          : null;
  if (why !== null)
    throw new CloudError(
      'ERR_CLOUD_TOKEN_INVALID',
      `The token file holds no usable access token: ${why}. Put the token alone on one line (from developer.webex.com, or an integration's OAuth answer).`,
      { length: t.length },
    );
  return t;
}

/** Checks the token against the API (`GET /people/me`), then keeps it and the API base in the keychain. */
export async function signIn(
  store: OwnEntries,
  token: string,
  apiBase: string = DEFAULT_API_BASE,
  client: Omit<CloudClientOptions, 'token' | 'apiBase'> = {},
): Promise<CloudPerson> {
  const login = { token: checkToken(token), apiBase: checkApiBase(apiBase) };
  const person = await new CloudClient({ ...client, ...login }).me();
  await store.setOwn('cloud:token', login.token);
  await store.setOwn('cloud:api-base', login.apiBase);
  return person;
}

/** The sign-in kept in the keychain; ERR_CLOUD_NOT_SIGNED_IN when there is none. */
export async function loadLogin(store: OwnEntries): Promise<CloudLogin> {
  const token = await store.getOwn('cloud:token');
  if (token === null)
    throw new CloudError(
      'ERR_CLOUD_NOT_SIGNED_IN',
      'The tool is not signed in to the Webex cloud. Sign in first: e2ee-prov cloud login --token-file FILE.',
    );
  const apiBase = (await store.getOwn('cloud:api-base')) ?? DEFAULT_API_BASE;
  return { token, apiBase: checkApiBase(apiBase) };
}

/** Forgets the sign-in; true when there was one. */
export async function signOut(store: OwnEntries): Promise<boolean> {
  const had = await store.deleteOwn('cloud:token');
  await store.deleteOwn('cloud:api-base');
  return had;
}

/** A client with the kept sign-in. */
export async function signedInClient(
  store: OwnEntries,
  options: Omit<CloudClientOptions, 'token' | 'apiBase'> = {},
): Promise<CloudClient> {
  return new CloudClient({ ...options, ...(await loadLogin(store)) });
}
