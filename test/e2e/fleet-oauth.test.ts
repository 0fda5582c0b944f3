/**
 * "Sign in with Webex" on the Fleet screen in Chromium (main and preload real, the cloud simulator with an
 * integration, the real OS keychain): main opens the sign-in page through the shell's opener (recorded by
 * the Electron stand-in), the screen waits for the browser with a Cancel that frees the redirect port;
 * then the test, as the person's browser, fetches the page the opener got and follows the simulator's
 * redirect to the loopback, and the screen shows the OAuth sign-in and the devices. Neither the client
 * secret nor a token, the code or the verifier ever reaches the page.
 *
 * Run: bash scripts/with-keyring.sh npx vitest run test/e2e/fleet-oauth.test.ts   (after `npm run build`)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, portIsFree } from '../helpers/loopback.js';
import { systemHas } from '../helpers/system.js';
import { recorded } from './electron-main-shim.js';
import { type FleetApp, fleetApp } from './fleet-app.js';
import { reactStrings } from './harness.js';
import { checkScreen } from './screens.js';
import { eventually } from './wizard.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

const CLIENT_ID = 'C2b4d6f8a0c1e3f5a7b9d1c3e5f7a9b0c';
const CLIENT_SECRET = 'CnryE2eOAuthClientSecret-Pw58Yt';

describe.runIf(systemHas('chromium') && systemHas('keyring'))(
  'Sign in with Webex on the Fleet screen',
  () => {
    let fleet: FleetApp | undefined;

    beforeAll(async () => {
      fleet = await fleetApp(
        'fleet-oauth',
        [
          { serial: 'FOCE2EO001', name: 'Lobby', days: 300 },
          { serial: 'FOCE2EO002', name: 'Board room', days: 12 },
        ],
        { oauthClient: { id: CLIENT_ID, secret: CLIENT_SECRET } },
      );
    }, 180_000);

    afterAll(() => fleet?.close());

    it('waits for the browser with a Cancel, then signs in with OAuth and lists the devices', async () => {
      const { app, page, world, store } = fleet!;
      await page.getByRole('tab', { name: 'Fleet' }).click();
      const form = page.getByTestId('oauth-sign-in');
      await eventually(() => form.isVisible()).toBe(true);
      await checkScreen(page, '20-fleet-sign-in');
      const port = await freePort();
      const fill = async (): Promise<void> => {
        await form.locator('#oauth-client-id').fill(CLIENT_ID);
        await form.locator('#oauth-client-secret').fill(CLIENT_SECRET);
        if (!(await form.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)))
          await form.locator('summary').click();
        await form.locator('#oauth-api-base').fill(world.cloud.url);
        await form.locator('#oauth-redirect-port').fill(String(port));
      };

      // Cancel while main waits for the browser: the loopback is closed, the screen says so by its code.
      await fill();
      await form.getByRole('button', { name: 'Sign in with Webex' }).click();
      await eventually(() => recorded.openedExternally.length).toBe(1);
      const waiting = page.getByTestId('oauth-waiting');
      expect(await waiting.textContent()).toContain('Waiting for the browser');
      expect(await form.textContent()).toContain(`http://localhost:${port}/callback`);
      expect(await portIsFree(port)).toBe(false);
      await waiting.getByRole('button', { name: 'Cancel' }).click();
      await eventually(() => form.locator('[role=alert]').getAttribute('data-code')).toBe(
        'ERR_CLOUD_OAUTH_CANCELLED',
      );
      expect(await portIsFree(port)).toBe(true);
      expect(await page.getByTestId('oauth-waiting').count()).toBe(0);

      // Again, and this time the "browser" signs in: it fetches the page the opener got and follows the redirect.
      await fill();
      await form.getByRole('button', { name: 'Sign in with Webex' }).click();
      await eventually(() => recorded.openedExternally.length).toBe(2);
      const url = recorded.openedExternally[1]!;
      expect(url.startsWith(`${world.cloud.url}/authorize?`)).toBe(true);
      const landed = await fetch(url);
      expect(landed.status).toBe(200);
      expect(await landed.text()).toContain('<h1>Signed in</h1>');
      await eventually(() =>
        page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-serial'))),
      ).toEqual(['FOCE2EO002', 'FOCE2EO001']);
      const account = await page.getByTestId('cloud-account').textContent();
      expect(account).toContain(`Signed in with OAuth through the integration ${CLIENT_ID}`);
      expect(account).toContain(world.cloud.url);
      await checkScreen(page, '20-fleet-oauth-signed-in', { shot: false });
      expect(await portIsFree(port)).toBe(true);
      expect(await store.getOwn('cloud:client-id')).toBe(CLIENT_ID);

      // The client secret went to main once per sign-in, as input; nothing main answered or sent holds it,
      // nor a token, the code or the verifier; the page keeps none.
      const grants = world.cloud.oauthGrants;
      expect(grants.map((g) => g.grantType)).toEqual(['authorization_code']);
      const secrets = [
        CLIENT_SECRET,
        ...grants.flatMap((g) => [g.accessToken, g.refreshToken, g.codeVerifier!]),
      ];
      expect(
        app.calls.filter((c) => JSON.stringify(c.input).includes(CLIENT_SECRET)).map((c) => c.channel),
      ).toEqual(['cloud.oauthSignIn', 'cloud.oauthSignIn']);
      await app.delivered();
      const answered = JSON.stringify([app.calls.map((c) => c.result), recorded.sent]);
      expect(secrets.filter((s) => answered.includes(s))).toEqual([]);
      expect(answered).not.toMatch(/[?&]code=/);
      const held = await reactStrings(page);
      expect(held.filter((s) => secrets.some((x) => s.includes(x)))).toEqual([]);
      expect(app.pageErrors).toEqual([]);
    }, 180_000);
  },
);
