/**
 * The Webex OAuth sign-in of an integration (shared/reference/webex-cloud.md, "Sign-in"): the authorization
 * code flow with PKCE (S256) and a loopback redirect (`http://localhost:PORT/callback`, which the integration
 * must have registered), a random `state` checked on the way back, the code exchanged at
 * `{apiBase}/access_token`, and the refresh grant. The verifier, the code, the tokens and the client secret
 * are never in a URL the tool prints (the challenge and the state are), an error, a detail or a log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { WEBEX_SCOPES } from '../../core/xapi/vocabulary.js';
import { checkApiBase, scrubToken } from './client.js';
import { CloudError } from './errors.js';

/** The loopback port the redirect comes back to unless told otherwise. */
export const DEFAULT_REDIRECT_PORT = 8921;
/** How long the person may take in the browser before the tool gives up (a hang guard). */
export const DEFAULT_OAUTH_TIMEOUT_MS = 5 * 60_000;
/** The scopes the tool needs (docs/cloud.md). */
export const DEFAULT_SCOPES: readonly string[] = WEBEX_SCOPES;

/** What the token endpoint gives. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (epoch ms). */
  expiresAt: number;
}

/** The integration. */
export interface OAuthClientIdentity {
  clientId: string;
  /** Sent when given (Cisco's PKCE sample sends it too). */
  clientSecret?: string;
}

export interface OAuthSignInOptions extends OAuthClientIdentity {
  apiBase: string;
  scopes?: readonly string[];
  /** Default DEFAULT_REDIRECT_PORT. */
  port?: number;
  /** Default DEFAULT_OAUTH_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Told the authorize URL (and the redirect URI) once the loopback listens: show it, open a browser. */
  onAuthorizeUrl: (url: string, redirectUri: string) => void | Promise<void>;
  now?: () => number;
  /** Aborted: the loopback closes at once and the sign-in ends with ERR_CLOUD_OAUTH_CANCELLED. */
  signal?: AbortSignal;
}

/** The sign-in was cancelled by the person (the app's Cancel): nothing was kept. */
function cancelled(): CloudError {
  return new CloudError(
    'ERR_CLOUD_OAUTH_CANCELLED',
    'The sign-in was cancelled before the browser answered; nothing was kept. Sign in again when you are ready.',
  );
}

/** A PKCE verifier (43 characters of base64url) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

export const redirectUriFor = (port: number): string => `http://localhost:${port}/callback`;

/** The authorize URL: `{apiBase}/authorize?response_type=code&client_id&redirect_uri&scope&state&code_challenge…`. */
export function authorizeUrl(o: {
  apiBase: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  challenge: string;
}): string {
  const url = new URL(`${checkApiBase(o.apiBase)}/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('redirect_uri', o.redirectUri);
  url.searchParams.set('scope', o.scopes.join(' '));
  url.searchParams.set('state', o.state);
  url.searchParams.set('code_challenge', o.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Runs the whole flow: the loopback, the browser's redirect, the code exchanged for tokens. */
export async function oauthSignIn(o: OAuthSignInOptions): Promise<OAuthTokens> {
  const port = o.port ?? DEFAULT_REDIRECT_PORT;
  const redirectUri = redirectUriFor(port);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  if (o.signal?.aborted) throw cancelled();
  const loop = await Loopback.listen(port, state);
  const abort = (): void => loop.cancel();
  o.signal?.addEventListener('abort', abort, { once: true });
  let code: string;
  try {
    await o.onAuthorizeUrl(
      authorizeUrl({
        apiBase: o.apiBase,
        clientId: o.clientId,
        redirectUri,
        scopes: o.scopes ?? DEFAULT_SCOPES,
        state,
        challenge,
      }),
      redirectUri,
    );
    if (o.signal?.aborted) throw cancelled();
    code = await loop.result(o.timeoutMs ?? DEFAULT_OAUTH_TIMEOUT_MS);
  } finally {
    o.signal?.removeEventListener('abort', abort);
    await loop.close(o.signal?.aborted === true);
  }
  return tokenRequest(
    o.apiBase,
    {
      grant_type: 'authorization_code',
      client_id: o.clientId,
      ...(o.clientSecret !== undefined ? { client_secret: o.clientSecret } : {}),
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    },
    o.now ?? Date.now,
    [code, verifier, o.clientSecret ?? ''],
    undefined,
    o.signal,
  );
}

/** The refresh grant; a refusal is ERR_CLOUD_AUTH (sign in again). */
export async function refreshTokens(
  apiBase: string,
  client: OAuthClientIdentity,
  refreshToken: string,
  now: () => number = Date.now,
): Promise<OAuthTokens> {
  try {
    return await tokenRequest(
      apiBase,
      {
        grant_type: 'refresh_token',
        client_id: client.clientId,
        ...(client.clientSecret !== undefined ? { client_secret: client.clientSecret } : {}),
        refresh_token: refreshToken,
      },
      now,
      [refreshToken, client.clientSecret ?? ''],
      refreshToken,
    );
  } catch (e) {
    if (e instanceof CloudError && e.code === 'ERR_CLOUD_OAUTH_GRANT')
      throw new CloudError(
        'ERR_CLOUD_AUTH',
        `The Webex API refused to renew the sign-in with its refresh token (${String(e.details.reason ?? 'refused')}): it is wrong, expired or revoked. Sign in again: e2ee-prov cloud login --oauth --client-id ID.`,
        e.details,
      );
    throw e;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

async function tokenRequest(
  apiBase: string,
  form: Record<string, string>,
  now: () => number,
  secrets: readonly string[],
  keepRefresh?: string,
  signal?: AbortSignal,
): Promise<OAuthTokens> {
  const base = checkApiBase(apiBase);
  const scrub = (text: string): string => secrets.reduce((t, s) => scrubToken(t, s), text);
  let res: Response;
  try {
    res = await fetch(`${base}/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(120_000)]) : AbortSignal.timeout(120_000),
    });
  } catch (e) {
    if (signal?.aborted) throw cancelled();
    const cause = (e as { cause?: { code?: unknown } }).cause;
    const reason = typeof cause?.code === 'string' ? cause.code : 'failed';
    throw new CloudError(
      'ERR_CLOUD_NETWORK',
      `The Webex API at ${base} did not answer when the tool asked for an access token (${reason}). Check the network connection (and a proxy), then try again.`,
      { apiBase: base, reason },
    );
  }
  const text = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const j = isObject(json) ? json : {};
  const field = (k: string): string => (typeof j[k] === 'string' ? scrub(j[k]).slice(0, 300) : '');
  if (res.status < 200 || res.status >= 300) {
    const error = field('error');
    const said = field('error_description') || field('message');
    const reason = `HTTP ${res.status}${error ? ` ${error}` : ''}${said ? `: ${JSON.stringify(said)}` : ''}`;
    throw new CloudError(
      'ERR_CLOUD_OAUTH_GRANT',
      `The Webex API refused to give an access token for the sign-in (${reason}). Check the client id (and the client secret), that the integration's redirect URI is the one the tool used, then sign in again.`,
      { status: res.status, error, reason, trackingId: field('trackingId') || null },
    );
  }
  const access = j.access_token;
  const refresh = typeof j.refresh_token === 'string' ? j.refresh_token : keepRefresh;
  const expires = j.expires_in;
  if (
    typeof access !== 'string' ||
    !/^[\x21-\x7e]{1,8192}$/.test(access) ||
    typeof refresh !== 'string' ||
    !/^[\x21-\x7e]{1,8192}$/.test(refresh) ||
    typeof expires !== 'number' ||
    !Number.isFinite(expires) ||
    expires < 0
  )
    throw new CloudError(
      'ERR_CLOUD_BAD_ANSWER',
      'The answer to POST /access_token is not what the Webex API documents: it lacks a usable access_token, refresh_token or expires_in. Check --api-base; try again later.',
      { request: 'POST /access_token' },
    );
  return { accessToken: access, refreshToken: refresh, expiresAt: now() + expires * 1000 };
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/** The loopback that takes the browser's redirect: one answer, then closed. */
class Loopback {
  private settle: { resolve: (code: string) => void; reject: (e: unknown) => void } | null = null;
  private outcome: { code: string } | { error: unknown } | null = null;

  private constructor(
    private readonly servers: Server[],
    private readonly state: string,
    private readonly port: number,
  ) {
    for (const s of servers) s.on('request', (req, res) => this.handle(req, res));
  }

  static async listen(port: number, state: string): Promise<Loopback> {
    const listen = (host: string): Promise<Server> =>
      new Promise((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(port, host, () => resolve(s));
      });
    let v4: Server;
    try {
      v4 = await listen('127.0.0.1');
    } catch (e) {
      throw new CloudError(
        'ERR_CLOUD_OAUTH_PORT',
        `The tool cannot take the browser's redirect on 127.0.0.1:${port} (${(e as { code?: string }).code ?? 'failed'}): another program uses that port. Close it, or give the port your integration's redirect URI names with --redirect-port P.`,
        { port },
      );
    }
    // "localhost" may resolve to ::1 first: listen there too when the system has it.
    const servers = [v4];
    await listen('::1').then(
      (s) => servers.push(s),
      () => undefined,
    );
    return new Loopback(servers, state, port);
  }

  private finish(o: { code: string } | { error: unknown }): void {
    if (this.outcome !== null) return;
    this.outcome = o;
    if (this.settle) {
      if ('code' in o) this.settle.resolve(o.code);
      else this.settle.reject(o.error);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://localhost:${this.port}`);
    const answer = (status: number, title: string, text: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(PAGE(title, text));
    };
    if (url.pathname !== '/callback' || req.method !== 'GET') {
      answer(404, 'Not found', 'This address only takes the Webex sign-in redirect.');
      return;
    }
    if (this.outcome !== null) {
      answer(409, 'Already answered', 'The sign-in has already been answered. You may close this window.');
      return;
    }
    const q = url.searchParams;
    if (q.get('state') !== this.state) {
      answer(
        400,
        'Sign-in refused',
        'The answer does not belong to the sign-in the tool started. Nothing was kept.',
      );
      this.finish({
        error: new CloudError(
          'ERR_CLOUD_OAUTH_STATE',
          'The browser came back with an answer that does not belong to the sign-in the tool started (its state differs), so it was refused and nothing was kept. Sign in again.',
        ),
      });
      return;
    }
    const error = q.get('error');
    if (error !== null) {
      const name = /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error : 'error';
      answer(
        200,
        'Sign-in refused',
        'Webex did not grant the sign-in. Nothing was kept. You may close this window.',
      );
      this.finish({
        error: new CloudError(
          'ERR_CLOUD_OAUTH_DENIED',
          `Webex did not grant the sign-in (${name}): the person declined, or is not allowed to grant the integration's scopes. Sign in as an organisation administrator and accept, or ask one to.`,
          { error: name },
        ),
      });
      return;
    }
    const code = q.get('code');
    if (code === null || !/^[\x21-\x7e]{1,4096}$/.test(code)) {
      answer(400, 'Sign-in refused', 'The answer holds no authorization code. Nothing was kept.');
      this.finish({
        error: new CloudError(
          'ERR_CLOUD_OAUTH_DENIED',
          'Webex came back without an authorization code. Sign in again.',
          { error: 'no_code' },
        ),
      });
      return;
    }
    answer(200, 'Signed in', 'The tool has the answer. You may close this window and return to the tool.');
    this.finish({ code });
  }

  result(timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.finish({
            error: new CloudError(
              'ERR_CLOUD_OAUTH_TIMEOUT',
              `No answer came back from the browser within ${Math.ceil(timeoutMs / 1000)} s. Open the address again and sign in, or check that the integration's redirect URI is ${redirectUriFor(this.port)}.`,
              { timeoutMs },
            ),
          }),
        timeoutMs,
      );
      this.settle = {
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (this.outcome !== null) {
        const o = this.outcome;
        this.outcome = null;
        this.finish(o);
      }
    });
  }

  /** The person cancelled: the waiting sign-in ends with ERR_CLOUD_OAUTH_CANCELLED. */
  cancel(): void {
    this.finish({ error: cancelled() });
  }

  /** Stops listening; `now`: every connection is cut at once (a cancel), not only the idle ones. */
  async close(now = false): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            if (now) s.closeAllConnections();
            s.closeIdleConnections();
            // A browser that keeps a request open is not waited for.
            setTimeout(() => s.closeAllConnections(), 1000).unref();
          }),
      ),
    );
  }
}
