/**
 * `e2ee-prov cloud login --oauth` through the built CLI against the simulated Webex cloud, with the real
 * keychain and a test "browser" that reads the authorize address from stderr and fetches it, following the
 * redirect to the tool's loopback: the tokens land in the keychain and `whoami` says how the sign-in is
 * kept; an expired access token (by its kept expiry, or answered 401) is renewed once and the call
 * succeeds; a refused renewal is ERR_CLOUD_AUTH; a wrong state and a denied consent are refused with their
 * codes and nothing is kept; tokens, the verifier and the client secret are in no output, argv or file.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN_ACCOUNTS, type KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { type CloudSimulator, createCloudSimulator } from '../../src/simulator/cloud/index.js';
import { CLI, HANG_MS } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { freePort } from '../helpers/loopback.js';
import { systemHas } from '../helpers/system.js';

const STATIC_TOKEN = 'CnryOAuthStaticToken-Tq83Lm2Vx';
const CLIENT_ID = 'C0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const CLIENT_SECRET = 'CnryOAuthClientSecret-Zr5Kp9Wd3Hs';
const SCOPES =
  'spark:xapi_commands spark:xapi_statuses spark-admin:devices_read spark-admin:devices_write identity:placeonetimepassword_create';
let store: KeychainSecretStore;
const outputs: string[] = [];
const argvs: string[] = [];
let dir: string;
let env: Record<string, string>;
let cloud: CloudSimulator;
let denying: CloudSimulator;
let port: number;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI; once its stderr shows the authorize address, `browser` is called with it (and the
 * child's argv, as the system sees it, is kept for the secrets check).
 */
function runWithBrowser(
  args: string[],
  input: string,
  browser: (authorizeUrl: string) => Promise<void>,
): Promise<Run & { browsed: Promise<void> | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    let browsed: Promise<void> | null = null;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const m = /^(http:\/\/\S+\/authorize\?\S+)$/m.exec(stderr);
      if (m && browsed === null) {
        browsed = readFile(`/proc/${child.pid}/cmdline`, 'utf8')
          .then((a) => void argvs.push(a))
          .catch(() => undefined)
          .then(() => browser(m[1]!));
        browsed.catch(() => undefined);
      }
    });
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr, browsed });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

async function cli(args: string[]): Promise<Run> {
  return runWithBrowser(args, '', () => Promise.resolve());
}

const loginArgs = (base: string): string[] => [
  'cloud',
  'login',
  '--oauth',
  '--client-id',
  CLIENT_ID,
  '--client-secret-file',
  '-',
  '--api-base',
  base,
  '--redirect-port',
  String(port),
  '--no-browser',
];

/** The browser of a person who signs in: follows the redirects to the loopback; returns the page. */
let page: { status: number; text: string } | null = null;
async function follow(url: string): Promise<void> {
  const res = await fetch(url);
  page = { status: res.status, text: await res.text() };
}

async function cloudEntries(): Promise<(string | null)[]> {
  return Promise.all(OWN_ACCOUNTS.map((a) => store.getOwn(a)));
}

async function filesUnder(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true, recursive: true }).catch(() => []);
  return Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'latin1')),
  );
}

const tail = (n: number) => cloud.requests.slice(-n).map((r) => `${r.method} ${r.path} ${r.status}`);

describe.skipIf(!systemHas('keyring'))(
  'cloud login --oauth (built CLI, simulated cloud, real keychain)',
  () => {
    const box = cliSandbox('e2ee-cli-oauth');
    beforeAll(async () => {
      ({ dir, env, store } = box);
      port = await freePort();
      const oauthClient = { id: CLIENT_ID, secret: CLIENT_SECRET };
      cloud = await createCloudSimulator({ devices: [], token: STATIC_TOKEN, oauthClient });
      denying = await createCloudSimulator({
        devices: [],
        token: STATIC_TOKEN,
        oauthClient,
        variants: { oauthConsent: 'deny' },
      });
    });
    afterAll(async () => {
      await cloud?.close();
      await denying?.close();
    });

    it('signs in through the browser: the tokens land in the keychain and whoami says it is OAuth', async () => {
      let asked: URL | null = null;
      const r = await runWithBrowser(
        loginArgs(cloud.url).concat('--json'),
        `${CLIENT_SECRET}\n`,
        async (u) => {
          asked = new URL(u);
          await follow(u);
        },
      );
      expect(r.stderr).toBe(
        `Open this address in a browser and sign in (the integration's redirect URI must be http://localhost:${port}/callback):\n${String(asked)}\nWaiting for the browser's answer (at most 5 minutes)...\n`,
      );
      expect(r.status).toBe(0);
      expect(page?.status).toBe(200);
      expect(page?.text).toContain('<h1>Signed in</h1>');

      const grants = cloud.oauthGrants;
      expect(grants.length).toBe(1);
      const g = grants[0]!;
      expect(g.grantType).toBe('authorization_code');
      expect(g.clientId).toBe(CLIENT_ID);
      expect(g.clientSecret).toBe(CLIENT_SECRET);
      expect(g.scopes.join(' ')).toBe(SCOPES);

      const q = asked!.searchParams;
      expect(`${asked!.origin}${asked!.pathname}`).toBe(`${cloud.url}/authorize`);
      expect([...q.keys()]).toEqual([
        'response_type',
        'client_id',
        'redirect_uri',
        'scope',
        'state',
        'code_challenge',
        'code_challenge_method',
      ]);
      expect(q.get('response_type')).toBe('code');
      expect(q.get('client_id')).toBe(CLIENT_ID);
      expect(q.get('redirect_uri')).toBe(`http://localhost:${port}/callback`);
      expect(q.get('scope')).toBe(SCOPES);
      expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(g.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('code_challenge')).toBe(createHash('sha256').update(g.codeVerifier!).digest('base64url'));

      const expires = await store.getOwn('cloud:expires');
      expect(JSON.parse(r.stdout)).toEqual({
        id: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS8wMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMGFkMDE',
        displayName: 'Simulated Administrator',
        emails: ['admin@example.com'],
        orgId: 'Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8wMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwZTE',
        apiBase: cloud.url,
        kind: 'oauth',
        clientId: CLIENT_ID,
        expiresAt: expires,
      });
      expect(await cloudEntries()).toEqual([
        g.accessToken,
        cloud.url,
        g.refreshToken,
        expires,
        CLIENT_ID,
        CLIENT_SECRET,
      ]);
      expect(tail(3)).toEqual([
        'GET /v1/authorize 302',
        'POST /v1/access_token 200',
        'GET /v1/people/me 200',
      ]);
      // The sign-in is no device.
      expect(await store.list()).toEqual([]);

      const who = await cli(['cloud', 'whoami']);
      expect(who.stderr).toBe('');
      expect(who.stdout).toBe(
        `Signed in as Simulated Administrator <admin@example.com>, organisation Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8wMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwZTE, at ${cloud.url}, with OAuth through the integration ${CLIENT_ID}; the access token expires at ${expires} and is renewed with the refresh token.\n`,
      );
      expect(cloud.oauthGrants.length).toBe(1);
    });

    it('an access token expired by its kept expiry is renewed before the call, once', async () => {
      const before = cloud.oauthGrants[0]!;
      await store.setOwn('cloud:expires', '2000-01-01T00:00:00.000Z');
      const who = await cli(['cloud', 'whoami', '--json']);
      expect(who.stderr).toBe('');
      expect(who.status).toBe(0);
      const grants = cloud.oauthGrants;
      expect(grants.length).toBe(2);
      expect(grants[1]!.grantType).toBe('refresh_token');
      expect(tail(2)).toEqual(['POST /v1/access_token 200', 'GET /v1/people/me 200']);
      expect(await store.getOwn('cloud:token')).toBe(grants[1]!.accessToken);
      expect(await store.getOwn('cloud:refresh-token')).toBe(before.refreshToken);
      const expires = await store.getOwn('cloud:expires');
      expect(expires).not.toBe('2000-01-01T00:00:00.000Z');
      expect(JSON.parse(who.stdout).expiresAt).toBe(expires);
    });

    it('an access token answered 401 is renewed once and the call is sent again', async () => {
      cloud.expireAccessTokens();
      const who = await cli(['cloud', 'whoami', '--json']);
      expect(who.stderr).toBe('');
      expect(who.status).toBe(0);
      expect(tail(3)).toEqual([
        'GET /v1/people/me 401',
        'POST /v1/access_token 200',
        'GET /v1/people/me 200',
      ]);
      const grants = cloud.oauthGrants;
      expect(grants.length).toBe(3);
      expect(await store.getOwn('cloud:token')).toBe(grants[2]!.accessToken);
    });

    it('a refused renewal is ERR_CLOUD_AUTH, saying to sign in again', async () => {
      cloud.revokeRefreshTokens();
      cloud.expireAccessTokens();
      const who = await cli(['cloud', 'whoami']);
      expect(who.status).toBe(1);
      expect(who.stdout).toBe('');
      expect(who.stderr).toBe(
        'ERR_CLOUD_AUTH The Webex API refused to renew the sign-in with its refresh token (HTTP 400 invalid_grant: "The refresh token is unknown, revoked or expired."): it is wrong, expired or revoked. Sign in again: e2ee-prov cloud login --oauth --client-id ID.\n',
      );
      expect(tail(2)).toEqual(['GET /v1/people/me 401', 'POST /v1/access_token 400']);
    });

    it('logout forgets every cloud entry', async () => {
      const out = await cli(['cloud', 'logout']);
      expect(out.stdout).toBe('Signed out of the Webex cloud: the sign-in is gone from the keychain.\n');
      expect(await cloudEntries()).toEqual([null, null, null, null, null, null]);
    });

    it('a redirect with another state is refused and nothing is kept', async () => {
      const grants = cloud.oauthGrants.length;
      const r = await runWithBrowser(loginArgs(cloud.url), `${CLIENT_SECRET}\n`, async (u) => {
        const res = await fetch(u, { redirect: 'manual' });
        const back = new URL(res.headers.get('location')!);
        expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]+$/);
        back.searchParams.set('state', 'forged-state');
        await follow(back.toString());
      });
      expect(r.status).toBe(1);
      expect(page?.status).toBe(400);
      expect(r.stderr.split('\n').at(-2)).toBe(
        'ERR_CLOUD_OAUTH_STATE The browser came back with an answer that does not belong to the sign-in the tool started (its state differs), so it was refused and nothing was kept. Sign in again.',
      );
      expect(tail(1)).toEqual(['GET /v1/authorize 302']);
      expect(cloud.oauthGrants.length).toBe(grants);
      expect(await cloudEntries()).toEqual([null, null, null, null, null, null]);
    });

    it('a denied consent is refused and nothing is kept', async () => {
      const r = await runWithBrowser(loginArgs(denying.url), `${CLIENT_SECRET}\n`, follow);
      expect(r.status).toBe(1);
      expect(page?.status).toBe(200);
      expect(page?.text).toContain('<h1>Sign-in refused</h1>');
      expect(r.stderr.split('\n').at(-2)).toBe(
        "ERR_CLOUD_OAUTH_DENIED Webex did not grant the sign-in (access_denied): the person declined, or is not allowed to grant the integration's scopes. Sign in as an organisation administrator and accept, or ask one to.",
      );
      expect(denying.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
        'GET /v1/authorize 302',
      ]);
      expect(denying.oauthGrants).toEqual([]);
      expect(await cloudEntries()).toEqual([null, null, null, null, null, null]);
    });

    it('the simulated token endpoint refuses a wrong PKCE verifier with invalid_grant', async () => {
      const challenge = createHash('sha256')
        .update('the-right-verifier-0123456789abcdefghijklmnop')
        .digest('base64url');
      const redirect = 'http://localhost:1/callback';
      const auth = await fetch(
        `${cloud.url}/authorize?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirect, scope: 'spark:xapi_statuses', state: 's1', code_challenge: challenge, code_challenge_method: 'S256' })}`,
        { redirect: 'manual' },
      );
      expect(auth.status).toBe(302);
      const back = new URL(auth.headers.get('location')!);
      expect(back.searchParams.get('state')).toBe('s1');
      const res = await fetch(`${cloud.url}/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: CLIENT_ID,
          code: back.searchParams.get('code')!,
          redirect_uri: redirect,
          code_verifier: 'a-wrong-verifier-0123456789abcdefghijklmnopq',
        }).toString(),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.error).toBe('invalid_grant');
      expect(body.error_description).toBe('The code_verifier does not match the code_challenge.');
    });

    it('tokens, the verifier and the client secret are in no output, argv or file', async () => {
      const secrets = [
        CLIENT_SECRET,
        ...cloud.oauthGrants.flatMap((g) => [g.accessToken, g.refreshToken, g.codeVerifier!]),
      ];
      expect(secrets.length).toBe(1 + 3 * 3);
      expect(argvs.length).toBe(3);
      const files = await filesUnder(dir);
      for (const s of secrets) {
        for (const text of [...outputs, ...argvs, ...files]) expect(text.includes(s)).toBe(false);
      }
    });
  },
);
