/**
 * The Fleet screen's OAuth sign-in: the same PKCE flow as `e2ee-prov cloud login --oauth` (cloud/oauth.ts,
 * then `signInOAuth` keeps the tokens in the keychain), with the authorize address opened in the person's
 * browser through the shell's opener once the shell policy allows it, one sign-in at a time, and a Cancel
 * that closes the loopback at once. The client secret arrives once from the window; no token, code,
 * verifier or client secret goes back: the window gets the account (who, how, until when) or a coded error.
 */
import type { OAuthSignInRequest } from '../../contract/index.js';
import {
  type CloudClientOptions,
  type CloudPerson,
  DEFAULT_API_BASE,
  checkApiBase,
} from '../cloud/client.js';
import { isCloudError } from '../cloud/errors.js';
import { type OwnEntries, signInOAuth } from '../cloud/login.js';
import { DEFAULT_REDIRECT_PORT, oauthSignIn } from '../cloud/oauth.js';
import { isAllowedSignInUrl } from '../shell-policy.js';
import { AppError } from './errors.js';

/** Opens a URL in the person's browser (the shell's `shell.openExternal`; a test's "browser"). */
export type OpenBrowser = (url: string) => Promise<void>;

/** What the sign-in is given. */
export interface OAuthSignInParts {
  openBrowser: OpenBrowser | undefined;
  client: Omit<CloudClientOptions, 'token' | 'apiBase'>;
  /** How long the browser may take (default: oauth.ts's). */
  timeoutMs?: number;
}

/** The one OAuth sign-in under way (its Cancel), or none. */
export class OAuthSignIns {
  private pending: { controller: AbortController; ended: Promise<boolean> } | null = null;

  constructor(private readonly parts: OAuthSignInParts) {}

  /** Runs the sign-in; the person and the API base it was kept with. */
  async run(own: OwnEntries, request: OAuthSignInRequest): Promise<{ person: CloudPerson; apiBase: string }> {
    if (this.pending !== null)
      throw new AppError(
        'ERR_APP_BUSY',
        'A sign-in is already waiting for the browser; finish it there or cancel it first.',
      );
    const clientId = request.clientId.trim();
    if (!/^[\x21-\x7e]{1,512}$/.test(clientId))
      throw new AppError(
        'ERR_APP_OAUTH_CLIENT_ID',
        "The client id must be the integration's client id: one word, as developer.webex.com shows it.",
      );
    const apiBase = checkApiBase(
      request.apiBase === null || request.apiBase.trim() === '' ? DEFAULT_API_BASE : request.apiBase,
    );
    const secret =
      request.clientSecret === null || request.clientSecret === '' ? undefined : request.clientSecret;
    const integration = { clientId, ...(secret !== undefined ? { clientSecret: secret } : {}) };
    const controller = new AbortController();
    const clock = this.parts.client.clock;
    const work = (async () => {
      const tokens = await oauthSignIn({
        apiBase,
        ...integration,
        port: request.redirectPort ?? DEFAULT_REDIRECT_PORT,
        signal: controller.signal,
        ...(clock ? { now: () => clock.now() } : {}),
        ...(this.parts.timeoutMs !== undefined ? { timeoutMs: this.parts.timeoutMs } : {}),
        onAuthorizeUrl: (url) => this.open(url, apiBase),
      });
      return { person: await signInOAuth(own, tokens, integration, apiBase, this.parts.client), apiBase };
    })();
    this.pending = {
      controller,
      ended: work.then(
        () => false,
        (e: unknown) => isCloudError(e, 'ERR_CLOUD_OAUTH_CANCELLED'),
      ),
    };
    try {
      return await work;
    } finally {
      this.pending = null;
    }
  }

  /** Cancels the sign-in under way; resolves once its loopback is closed. True when one was cancelled. */
  async cancel(): Promise<boolean> {
    const p = this.pending;
    if (p === null) return false;
    p.controller.abort();
    return p.ended;
  }

  /** The authorize address in the person's browser, when the shell policy allows it. */
  private async open(url: string, apiBase: string): Promise<void> {
    const open = this.parts.openBrowser;
    if (open === undefined || !isAllowedSignInUrl(url, apiBase))
      throw new AppError(
        'ERR_APP_BROWSER_UNAVAILABLE',
        'The app cannot open the sign-in page in a browser here. Sign in with an access token, or with e2ee-prov cloud login --oauth.',
      );
    try {
      await open(url);
    } catch {
      throw new AppError(
        'ERR_APP_BROWSER_UNAVAILABLE',
        'The system browser did not open the sign-in page. Check that a default browser is set, then sign in again.',
      );
    }
  }
}
