/**
 * The OAuth loopback on its own (src/main/cloud/oauth.ts): nobody answering within the hang guard is
 * ERR_CLOUD_OAUTH_TIMEOUT; a port in use is ERR_CLOUD_OAUTH_PORT; another path than /callback is 404 and the
 * sign-in keeps waiting; the authorize URL carries the S256 challenge of the verifier.
 */
import { createHash } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authorizeUrl, oauthSignIn, pkcePair } from '../../../src/main/cloud/oauth.js';
import { CloudError } from '../../../src/main/cloud/errors.js';

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
const portOf = (s: Server): number => {
  const a = s.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
};

describe('the OAuth loopback', () => {
  it('gives up with ERR_CLOUD_OAUTH_TIMEOUT when no answer comes back; another path is 404', async () => {
    const taken = await listen();
    const port = portOf(taken);
    await new Promise<void>((r) => taken.close(() => r()));
    let stray = 0;
    const e = await oauthSignIn({
      apiBase: 'http://127.0.0.1:9/v1',
      clientId: 'C1',
      port,
      timeoutMs: 300,
      onAuthorizeUrl: async () => {
        stray = (await fetch(`http://127.0.0.1:${port}/elsewhere?code=x&state=y`)).status;
      },
    }).catch((x: unknown) => x);
    expect(stray).toBe(404);
    expect(e).toBeInstanceOf(CloudError);
    expect((e as CloudError).code).toBe('ERR_CLOUD_OAUTH_TIMEOUT');
    expect((e as CloudError).message).toBe(
      `No answer came back from the browser within 1 s. Open the address again and sign in, or check that the integration's redirect URI is http://localhost:${port}/callback.`,
    );
  });

  it('refuses a port in use with ERR_CLOUD_OAUTH_PORT', async () => {
    const taken = await listen();
    const port = portOf(taken);
    try {
      const e = await oauthSignIn({
        apiBase: 'http://127.0.0.1:9/v1',
        clientId: 'C1',
        port,
        onAuthorizeUrl: () => undefined,
      }).catch((x: unknown) => x);
      expect((e as CloudError).code).toBe('ERR_CLOUD_OAUTH_PORT');
      expect((e as CloudError).details).toEqual({ port });
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });

  it('puts the S256 challenge of the verifier in the authorize URL', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(
      authorizeUrl({
        apiBase: 'https://webexapis.com/v1',
        clientId: 'C1',
        redirectUri: 'http://localhost:8921/callback',
        scopes: ['spark:xapi_commands', 'spark:xapi_statuses'],
        state: 'st',
        challenge: 'ch',
      }),
    ).toBe(
      'https://webexapis.com/v1/authorize?response_type=code&client_id=C1&redirect_uri=http%3A%2F%2Flocalhost%3A8921%2Fcallback&scope=spark%3Axapi_commands+spark%3Axapi_statuses&state=st&code_challenge=ch&code_challenge_method=S256',
    );
  });
});
