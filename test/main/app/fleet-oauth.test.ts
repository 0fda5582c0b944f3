/**
 * The Fleet screen's OAuth (PKCE) sign-in at the services level, against the cloud simulator: the injected
 * opener is the "browser" (it fetches the authorize address and follows the simulator's redirect to the
 * loopback), so the whole flow runs as in the app. A sign-in keeps the account (who, OAuth, expiry) and
 * lists the devices; an expired access token is renewed as the CLI's is; Cancel (or closing the app)
 * closes the loopback at once (the port is free again); a timeout, a wrong state, a denial, a port in use,
 * a refused grant, a bad client id and a refused opener end with their codes and keep nothing; no IPC answer holds a token, the code, the
 * verifier or the client secret.
 *
 * Run: npm run build && npx vitest run test/main/app/fleet-oauth.test.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src/contract/index.js';
import type { Services } from '../../../src/main/app/options.js';
import { isAllowedSignInUrl } from '../../../src/main/shell-policy.js';
import { Journal, MemorySecretStore } from '../../../src/main/vault/index.js';
import { type CloudSimulator, createCloudSimulator } from '../../../src/simulator/cloud/index.js';
import { freePort, portIsFree } from '../../helpers/loopback.js';
import { recordedWindowCalls, testServices } from '../../helpers/services.js';
import { type FleetWorld, fleetWorld, signedInAccount } from './fleet-world.js';

const CLIENT_ID = 'C7f3a9e21b4d5c6e7f8091a2b3c4d5e6f';
const CLIENT_SECRET = 'CnryAppOAuthClientSecret-Vb72Qm';
const ACCESS_S = 1_209_600;

/** What the "browser" does with the authorize address it is given. */
type Browser = (url: string) => Promise<void>;

/** Follows the sign-in as a person who approves: the redirect lands on the loopback. */
const approve: Browser = async (url) => {
  await (await fetch(url)).text();
};
/** Does nothing: the person has not answered yet. */
const idle: Browser = async () => undefined;
/** Comes back to the loopback with another state than the sign-in sent. */
const forgeState: Browser = async (url) => {
  const res = await fetch(url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  back.searchParams.set('state', 'not-the-state');
  await (await fetch(back)).text();
};

describe('the Fleet screen’s OAuth sign-in (services, cloud simulator)', () => {
  let dir: string;
  let world: FleetWorld;
  let denying: CloudSimulator;
  let services: Services;
  let call: (channel: string, input?: unknown) => Promise<unknown>;
  const results: { channel: string; result: unknown }[] = [];
  const events: unknown[] = [];
  const opened: string[] = [];
  let browser: Browser = approve;
  let browsing: Promise<void> = Promise.resolve();
  /** Resolves when the opener is next called. */
  let openedNext: () => void = () => undefined;
  const T0 = Date.now();
  const clock = { now: () => T0, sleep: async () => undefined };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-fleet-oauth-'));
    const secrets = new MemorySecretStore();
    world = await fleetWorld(
      [
        { serial: 'FOCOAU0001', name: 'Lobby', days: 200 },
        { serial: 'FOCOAU0002', name: 'Board room', days: 20 },
      ],
      secrets,
      new Journal(join(dir, 'home')),
      { oauthClient: { id: CLIENT_ID, secret: CLIENT_SECRET } },
    );
    denying = await createCloudSimulator({
      devices: [],
      token: 'unused-static-token',
      oauthClient: { id: CLIENT_ID, secret: CLIENT_SECRET },
      variants: { oauthConsent: 'deny' },
    });
    services = testServices(dir, {
      emit: (m) => events.push(m),
      openSecretStore: async () => secrets,
      cloud: { client: { clock } },
      openBrowser: async (url) => {
        opened.push(url);
        openedNext();
        // A browser goes on by itself: the opener does not wait for the person.
        browsing = browser(url).catch(() => undefined);
      },
    });
    call = recordedWindowCalls(services, results);
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    await world?.close();
    await denying?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (port: number, more: Record<string, unknown> = {}) => ({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    apiBase: world.cloud.url,
    redirectPort: port,
    ...more,
  });
  const opening = (): Promise<void> => new Promise<void>((r) => (openedNext = r));

  it('refuses bad inputs in the contract, and a client id that is not one word with its code', async () => {
    for (const bad of [
      { redirectPort: 0 },
      { redirectPort: 70000 },
      { redirectPort: '8921' },
      { clientId: 5 },
    ])
      expect(() => CHANNELS['cloud.oauthSignIn'].parse({ ...request(8921), ...bad })).toThrow(
        /cloud\.oauthSignIn/,
      );
    expect(() =>
      CHANNELS['cloud.oauthSignIn'].parse(request(8921, { clientSecret: 'x'.repeat(1025) })),
    ).toThrow(/cloud\.oauthSignIn/);
    expect(CHANNELS['cloud.oauthCancel'].parse({})).toEqual({});
    expect(await call('cloud.oauthSignIn', request(await freePort(), { clientId: 'two words' }))).toEqual({
      ok: false,
      code: 'ERR_APP_OAUTH_CLIENT_ID',
      message:
        "The client id must be the integration's client id: one word, as developer.webex.com shows it.",
      details: {},
    });
    expect(opened).toEqual([]);
  });

  it('Cancel ends a sign-in that waits for the browser and frees its port at once', async () => {
    browser = idle;
    const port = await freePort();
    const open = opening();
    const pending = call('cloud.oauthSignIn', request(port));
    await open;
    expect(await portIsFree(port)).toBe(false);
    // A second sign-in while one waits is refused.
    expect(await call('cloud.oauthSignIn', request(await freePort()))).toMatchObject({
      ok: false,
      code: 'ERR_APP_BUSY',
    });
    expect(await call('cloud.oauthCancel')).toEqual({ ok: true, value: { cancelled: true } });
    expect(await portIsFree(port)).toBe(true);
    expect(await pending).toMatchObject({ ok: false, code: 'ERR_CLOUD_OAUTH_CANCELLED' });
    expect(await call('cloud.oauthCancel')).toEqual({ ok: true, value: { cancelled: false } });
    expect(await call('cloud.whoami')).toEqual({ ok: true, value: null });
    expect(world.cloud.oauthGrants).toEqual([]);
  });

  it('closing the app cancels a sign-in that waits for the browser and frees its port', async () => {
    const port = await freePort();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const other = testServices(dir, { openBrowser: async () => opened() });
    const pending = recordedWindowCalls(other, [])('cloud.oauthSignIn', request(port));
    await open;
    expect(await portIsFree(port)).toBe(false);
    await other.dispose();
    expect(await portIsFree(port)).toBe(true);
    expect(await pending).toMatchObject({ ok: false, code: 'ERR_CLOUD_OAUTH_CANCELLED' });
  });

  it('gives up with ERR_CLOUD_OAUTH_TIMEOUT when the browser never answers, and frees the port', async () => {
    const port = await freePort();
    const other = testServices(dir, { openBrowser: async () => undefined, cloud: { oauthTimeoutMs: 1 } });
    try {
      expect(await recordedWindowCalls(other, [])('cloud.oauthSignIn', request(port))).toMatchObject({
        ok: false,
        code: 'ERR_CLOUD_OAUTH_TIMEOUT',
        details: { timeoutMs: 1 },
      });
      expect(await portIsFree(port)).toBe(true);
    } finally {
      await other.dispose();
    }
  });

  it('refuses an answer with another state, and a denied consent, keeping nothing', async () => {
    browser = forgeState;
    const port = await freePort();
    expect(await call('cloud.oauthSignIn', request(port))).toMatchObject({
      ok: false,
      code: 'ERR_CLOUD_OAUTH_STATE',
    });
    await browsing;
    expect(await portIsFree(port)).toBe(true);
    browser = approve;
    expect(await call('cloud.oauthSignIn', request(port, { apiBase: denying.url }))).toMatchObject({
      ok: false,
      code: 'ERR_CLOUD_OAUTH_DENIED',
      details: { error: 'access_denied' },
    });
    expect(await call('cloud.whoami')).toEqual({ ok: true, value: null });
    expect(world.cloud.oauthGrants).toEqual([]);
  });

  it('refuses a port in use, a wrong client secret and an opener that fails, with their codes', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const address = taken.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const before = opened.length;
    try {
      expect(await call('cloud.oauthSignIn', request(port))).toMatchObject({
        ok: false,
        code: 'ERR_CLOUD_OAUTH_PORT',
        details: { port },
      });
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
    expect(opened.length).toBe(before);
    const free = await freePort();
    expect(
      await call('cloud.oauthSignIn', request(free, { clientSecret: 'CnryWrongClientSecret-Hd20' })),
    ).toMatchObject({
      ok: false,
      code: 'ERR_CLOUD_OAUTH_GRANT',
      details: { status: 401, error: 'invalid_client' },
    });
    await browsing;
    // An opener that fails, and none at all: the sign-in ends with its code and the port is freed.
    const noOpen = await freePort();
    const failing = testServices(dir, { openBrowser: async () => Promise.reject(new Error('no browser')) });
    try {
      const r = await recordedWindowCalls(failing, [])('cloud.oauthSignIn', request(noOpen));
      expect(r).toMatchObject({ ok: false, code: 'ERR_APP_BROWSER_UNAVAILABLE' });
    } finally {
      await failing.dispose();
    }
    expect(await portIsFree(noOpen)).toBe(true);
    const none = testServices(dir);
    try {
      expect(await recordedWindowCalls(none, [])('cloud.oauthSignIn', request(noOpen))).toMatchObject({
        ok: false,
        code: 'ERR_APP_BROWSER_UNAVAILABLE',
      });
    } finally {
      await none.dispose();
    }
    expect(await call('cloud.whoami')).toEqual({ ok: true, value: null });
  });

  it('signs in through the browser: the account says OAuth and when the token expires; the devices list', async () => {
    browser = approve;
    const port = await freePort();
    const r = await call('cloud.oauthSignIn', request(port));
    const account = signedInAccount(world.cloud.url, {
      kind: 'oauth',
      clientId: CLIENT_ID,
      expiresAt: new Date(T0 + ACCESS_S * 1000).toISOString(),
    });
    expect(r).toEqual({ ok: true, value: account });
    expect(await portIsFree(port)).toBe(true);
    const url = new URL(opened.at(-1)!);
    expect(`${url.origin}${url.pathname}`).toBe(`${world.cloud.url}/authorize`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/callback`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(isAllowedSignInUrl(opened.at(-1), world.cloud.url)).toBe(true);
    const grants = world.cloud.oauthGrants;
    expect(grants.map((g) => [g.grantType, g.clientId, g.clientSecret])).toEqual([
      ['authorization_code', CLIENT_ID, CLIENT_SECRET],
    ]);
    expect(grants[0]!.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await call('cloud.whoami')).toEqual({ ok: true, value: account });
    const list = (await call('fleet.list', { tags: [] })) as { ok: true; value: { serial: string }[] };
    expect(list.value.map((d) => d.serial)).toEqual(['FOCOAU0002', 'FOCOAU0001']);
  });

  it('renews an expired access token with the refresh grant, as the CLI does, and keeps the new one', async () => {
    world.cloud.expireAccessTokens();
    const list = (await call('fleet.list', { tags: [] })) as { ok: true; value: { serial: string }[] };
    expect(list.value.map((d) => d.serial)).toEqual(['FOCOAU0002', 'FOCOAU0001']);
    const grants = world.cloud.oauthGrants;
    expect(grants.map((g) => [g.grantType, g.clientSecret])).toEqual([
      ['authorization_code', CLIENT_SECRET],
      ['refresh_token', CLIENT_SECRET],
    ]);
    // The renewed token is the one used from now on: no second renewal.
    expect(await call('cloud.whoami')).toMatchObject({ ok: true, value: { kind: 'oauth' } });
    expect(world.cloud.oauthGrants).toHaveLength(2);
  });

  it('sent no token, code, verifier or client secret to the window, in any answer or event', async () => {
    await browsing;
    const secrets = [CLIENT_SECRET, 'CnryWrongClientSecret-Hd20'];
    for (const g of world.cloud.oauthGrants)
      secrets.push(g.accessToken, g.refreshToken, g.codeVerifier ?? '');
    const text = JSON.stringify([results, events]);
    expect(results.length).toBeGreaterThan(10);
    expect(secrets.filter((s) => s !== '' && text.includes(s))).toEqual([]);
    expect(text).not.toMatch(/[?&]code=/);
  });

  it('the shell policy opens only the sign-in page of the API base in use', () => {
    const base = 'https://webexapis.com/v1';
    expect(isAllowedSignInUrl(`${base}/authorize?client_id=C1&state=s`, base)).toBe(true);
    for (const url of [
      'https://webexapis.com/v1/authorize/../people/me',
      'https://webexapis.com/v2/authorize?x=1',
      'https://evil.example/v1/authorize',
      'https://user@webexapis.com/v1/authorize',
      'http://webexapis.com/v1/authorize',
      'https://webexapis.com:8443/v1/authorize',
      'https://webexapis.com/v1/authorize#x',
      'file:///etc/passwd',
      42,
    ])
      expect(isAllowedSignInUrl(url, base), String(url)).toBe(false);
    expect(isAllowedSignInUrl('http://127.0.0.1:4000/v1/authorize?a=b', 'http://127.0.0.1:4000/v1')).toBe(
      true,
    );
    expect(isAllowedSignInUrl('http://example.com/v1/authorize', 'http://example.com/v1')).toBe(false);
  });
});
