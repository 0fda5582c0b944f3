/**
 * The cloud simulator's OAuth endpoints (shared/reference/webex-cloud.md, "Sign-in"): `GET /authorize`
 * answers at once as an organisation admin who approves (a 302 to the `redirect_uri` with a `code` and the
 * same `state`; the `oauthConsent: 'deny'` variant sends `error=access_denied`), and `POST /access_token`
 * (form-encoded) takes the authorization code grant (the PKCE S256 verifier checked: a wrong one is 400
 * `invalid_grant`) and the refresh token grant. The access tokens it issues are accepted by the API until
 * they expire (`accessTokenLifetimeS`, default 14 days).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, type Reply, errorBody } from './http.js';
import { CLOUD_SCOPES, type CloudOAuthGrant, type CloudVariants } from './types.js';

/** The samples' lifetimes: 14 days for an access token, 90 days for a refresh token. */
const ACCESS_S = 1_209_600;
const REFRESH_S = 7_776_000;
const CODE_MS = 10 * 60_000;
const FORM_LIMIT = 65_536;

interface Code {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string | null;
  expires: number;
}

interface Issued {
  grant: CloudOAuthGrant;
  accessExpires: number;
}

/** An OAuth error answer: the standard `error` and `error_description` beside the Webex error body. */
function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description, ...errorBody(description) } };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new HttpError(415, 'The request body must be application/x-www-form-urlencoded.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT) throw new HttpError(413, 'The request body is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export class CloudOAuth {
  private readonly codes = new Map<string, Code>();
  private readonly issued: Issued[] = [];

  constructor(
    private readonly variants: () => CloudVariants,
    private readonly client: { id: string; secret?: string } | undefined,
  ) {}

  /** Every grant so far, oldest first (for tests: what must appear in no output or file). */
  get grants(): CloudOAuthGrant[] {
    return this.issued.map((i) => ({ ...i.grant, scopes: [...i.grant.scopes] }));
  }

  /** The scopes of an issued access token that has not expired; 'expired' or null otherwise. */
  accessScopes(token: string, now = Date.now()): readonly string[] | 'expired' | null {
    const i = this.issued.find((x) => x.grant.accessToken === token);
    if (i === undefined) return null;
    return now >= i.accessExpires ? 'expired' : i.grant.scopes;
  }

  /** Makes every access token issued so far expired (the refresh tokens still work). */
  expireAccessTokens(): void {
    for (const i of this.issued) i.accessExpires = 0;
  }

  async route(req: IncomingMessage, url: URL, rest: string): Promise<Reply> {
    if (rest === '/authorize') {
      if (req.method !== 'GET') throw new HttpError(405, `${req.method ?? ''} is not allowed here.`);
      return this.authorize(url.searchParams);
    }
    if (req.method !== 'POST') throw new HttpError(405, `${req.method ?? ''} is not allowed here.`);
    return this.token(await readForm(req));
  }

  private authorize(q: URLSearchParams): Reply {
    const redirect = q.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirect);
    } catch {
      throw new HttpError(400, 'redirect_uri is required and must be a URL.');
    }
    if (q.get('response_type') !== 'code') throw new HttpError(400, 'response_type must be code.');
    const clientId = q.get('client_id') ?? '';
    if (clientId === '' || (this.client !== undefined && clientId !== this.client.id))
      throw new HttpError(400, 'The client_id is not a known integration.');
    const challenge = q.get('code_challenge');
    if (challenge !== null && q.get('code_challenge_method') !== 'S256')
      throw new HttpError(400, 'code_challenge_method must be S256.');
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    if (this.variants().oauthConsent === 'deny') {
      target.searchParams.set('error', 'access_denied');
      return { status: 302, body: {}, headers: { Location: target.toString() } };
    }
    const scopes = (q.get('scope') ?? '').split(' ').filter((s) => s !== '');
    const unknown = scopes.filter(
      (s) => !(CLOUD_SCOPES as readonly string[]).includes(s) && s !== 'spark:people_read',
    );
    if (unknown.length > 0) {
      target.searchParams.set('error', 'invalid_scope');
      return { status: 302, body: {}, headers: { Location: target.toString() } };
    }
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      clientId,
      redirectUri: redirect,
      scopes,
      challenge,
      expires: Date.now() + CODE_MS,
    });
    target.searchParams.set('code', code);
    return { status: 302, body: {}, headers: { Location: target.toString() } };
  }

  private token(f: URLSearchParams): Reply {
    const clientId = f.get('client_id') ?? '';
    const secret = f.get('client_secret');
    if (clientId === '' || (this.client !== undefined && clientId !== this.client.id))
      return oauthError(401, 'invalid_client', 'The client_id is not a known integration.');
    if (secret !== null && this.client?.secret !== undefined && secret !== this.client.secret)
      return oauthError(401, 'invalid_client', 'The client_secret is wrong.');
    const grantType = f.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = this.codes.get(f.get('code') ?? '');
      // A code is used once, whatever the outcome.
      this.codes.delete(f.get('code') ?? '');
      if (code === undefined || code.expires < Date.now() || code.clientId !== clientId)
        return oauthError(400, 'invalid_grant', 'The authorization code is unknown, used or expired.');
      if (f.get('redirect_uri') !== code.redirectUri)
        return oauthError(400, 'invalid_grant', 'The redirect_uri differs from the authorization request.');
      const verifier = f.get('code_verifier');
      if (code.challenge !== null) {
        const s256 =
          verifier === null ? null : createHash('sha256').update(verifier, 'ascii').digest('base64url');
        if (s256 !== code.challenge)
          return oauthError(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
      } else if (secret === null)
        return oauthError(401, 'invalid_client', 'Without PKCE the client_secret is required.');
      return this.issue({
        clientId,
        scopes: code.scopes,
        codeVerifier: verifier,
        clientSecret: secret,
      });
    }
    if (grantType === 'refresh_token') {
      const refresh = f.get('refresh_token') ?? '';
      const i = this.issued.find(
        (x) => x.grant.refreshToken === refresh && x.grant.clientId === clientId && !x.grant.revoked,
      );
      if (i === undefined || Date.now() >= i.grant.refreshExpiresAt)
        return oauthError(400, 'invalid_grant', 'The refresh token is unknown, revoked or expired.');
      const lifetime = this.variants().accessTokenLifetimeS ?? ACCESS_S;
      const accessToken = randomBytes(32).toString('base64url');
      this.issued.push({
        grant: { ...i.grant, accessToken, scopes: [...i.grant.scopes], grantType: 'refresh_token' },
        accessExpires: Date.now() + lifetime * 1000,
      });
      return {
        status: 200,
        body: {
          access_token: accessToken,
          expires_in: lifetime,
          refresh_token: refresh,
          refresh_token_expires_in: Math.max(0, Math.floor((i.grant.refreshExpiresAt - Date.now()) / 1000)),
        },
      };
    }
    return oauthError(
      400,
      'unsupported_grant_type',
      'grant_type must be authorization_code or refresh_token.',
    );
  }

  private issue(o: {
    clientId: string;
    scopes: string[];
    codeVerifier: string | null;
    clientSecret: string | null;
  }): Reply {
    const lifetime = this.variants().accessTokenLifetimeS ?? ACCESS_S;
    const grant: CloudOAuthGrant = {
      grantType: 'authorization_code',
      clientId: o.clientId,
      scopes: o.scopes,
      accessToken: randomBytes(32).toString('base64url'),
      refreshToken: randomBytes(48).toString('base64url'),
      refreshExpiresAt: Date.now() + REFRESH_S * 1000,
      codeVerifier: o.codeVerifier,
      clientSecret: o.clientSecret,
      revoked: false,
    };
    this.issued.push({ grant, accessExpires: Date.now() + lifetime * 1000 });
    return {
      status: 200,
      body: {
        access_token: grant.accessToken,
        expires_in: lifetime,
        refresh_token: grant.refreshToken,
        refresh_token_expires_in: REFRESH_S,
      },
    };
  }

  /** Revokes every refresh token issued so far (a refresh is then 400 invalid_grant). */
  revokeRefreshTokens(): void {
    for (const i of this.issued) i.grant.revoked = true;
  }
}
