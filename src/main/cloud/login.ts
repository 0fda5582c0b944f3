/**
 * The Webex cloud sign-in: a token (checked with `GET /people/me`) and the API base, or an OAuth
 * sign-in (its access and refresh tokens, expiry and integration; renewed when expired or refused), kept
 * in the OS keychain beside the devices' secrets under accounts no serial number can take. Never in a
 * file, argv, the journal or a log.
 */
import { OWN_ACCOUNTS, type OwnAccount } from '../vault/secret-store.js';
import {
  CloudClient,
  type CloudClientOptions,
  type CloudPerson,
  DEFAULT_API_BASE,
  checkApiBase,
} from './client.js';
import { CloudError } from './errors.js';
import { type OAuthClientIdentity, type OAuthTokens, refreshTokens } from './oauth.js';

/** What `cloud login` keeps. */
export interface CloudLogin {
  token: string;
  apiBase: string;
  /** `token`: an access token from a file; `oauth`: an integration's sign-in, renewed by the tool. */
  kind: 'token' | 'oauth';
  /** When the access token expires (epoch ms), when known (OAuth). */
  expiresAt: number | null;
  /** The integration's client id (OAuth). */
  clientId: string | null;
}

/** The keychain's entries of the tool's own (KeychainSecretStore has them). */
export interface OwnEntries {
  getOwn(account: OwnAccount): Promise<string | null>;
  setOwn(account: OwnAccount, value: string): Promise<void>;
  deleteOwn(account: OwnAccount): Promise<boolean>;
}

/**
 * A sign-in kept in memory: the app's for this session only when its secret store has no entries of
 * the tool's own, and the tests' where the keychain is not the point.
 */
export class MemoryEntries implements OwnEntries {
  private readonly entries = new Map<OwnAccount, string>();
  async getOwn(account: OwnAccount): Promise<string | null> {
    return this.entries.get(account) ?? null;
  }
  async setOwn(account: OwnAccount, value: string): Promise<void> {
    this.entries.set(account, value);
  }
  async deleteOwn(account: OwnAccount): Promise<boolean> {
    return this.entries.delete(account);
  }
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
  await signOut(store);
  await store.setOwn('cloud:token', login.token);
  await store.setOwn('cloud:api-base', login.apiBase);
  return person;
}

/**
 * Keeps an OAuth sign-in (tokens, expiry, integration; the client secret only when given), checks it with
 * `GET /people/me`, and forgets it again when the API refuses it.
 */
export async function signInOAuth(
  store: OwnEntries,
  tokens: OAuthTokens,
  integration: OAuthClientIdentity,
  apiBase: string = DEFAULT_API_BASE,
  client: Omit<CloudClientOptions, 'token' | 'apiBase'> = {},
): Promise<CloudPerson> {
  const base = checkApiBase(apiBase);
  checkToken(tokens.accessToken);
  await signOut(store);
  await store.setOwn('cloud:api-base', base);
  await store.setOwn('cloud:client-id', integration.clientId);
  if (integration.clientSecret !== undefined)
    await store.setOwn('cloud:client-secret', integration.clientSecret);
  await keepTokens(store, tokens);
  try {
    return await (await signedInClient(store, client)).me();
  } catch (e) {
    await signOut(store);
    throw e;
  }
}

async function keepTokens(store: OwnEntries, tokens: OAuthTokens): Promise<void> {
  await store.setOwn('cloud:token', tokens.accessToken);
  await store.setOwn('cloud:refresh-token', tokens.refreshToken);
  await store.setOwn('cloud:expires', new Date(tokens.expiresAt).toISOString());
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
  const clientId = await store.getOwn('cloud:client-id');
  const expires = await store.getOwn('cloud:expires');
  const at = expires === null ? NaN : Date.parse(expires);
  return {
    token,
    apiBase: checkApiBase(apiBase),
    kind: clientId === null ? 'token' : 'oauth',
    // An unreadable expiry counts as expired: the token is renewed before it is used.
    expiresAt: clientId === null ? null : Number.isNaN(at) ? 0 : at,
    clientId,
  };
}

/** Forgets the sign-in (every cloud account of the keychain); true when there was one. */
export async function signOut(store: OwnEntries): Promise<boolean> {
  let had = false;
  for (const account of OWN_ACCOUNTS)
    if (account.startsWith('cloud:') && (await store.deleteOwn(account)) && account === 'cloud:token')
      had = true;
  return had;
}

/** A client with the kept sign-in; an OAuth one renews its access token and keeps the new tokens. */
export async function signedInClient(
  store: OwnEntries,
  options: Omit<CloudClientOptions, 'token' | 'apiBase' | 'renew'> = {},
): Promise<CloudClient> {
  const login = await loadLogin(store);
  const { clientId } = login;
  if (clientId === null) return new CloudClient({ ...options, token: login.token, apiBase: login.apiBase });
  const clock = options.clock;
  const now = clock ? () => clock.now() : Date.now;
  return new CloudClient({
    ...options,
    token: login.token,
    apiBase: login.apiBase,
    renew: {
      expiresAt: login.expiresAt,
      async refresh() {
        const refresh = await store.getOwn('cloud:refresh-token');
        if (refresh === null)
          throw new CloudError(
            'ERR_CLOUD_AUTH',
            'The access token has expired and the keychain holds no refresh token to renew it. Sign in again: e2ee-prov cloud login --oauth --client-id ID.',
          );
        const secret = await store.getOwn('cloud:client-secret');
        const tokens = await refreshTokens(
          login.apiBase,
          { clientId, ...(secret !== null ? { clientSecret: secret } : {}) },
          refresh,
          now,
        );
        await keepTokens(store, tokens);
        return { token: tokens.accessToken, expiresAt: tokens.expiresAt };
      },
    },
  });
}
