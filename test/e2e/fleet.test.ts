/**
 * The Fleet screen in Chromium (main and preload real, the cloud simulator, the real OS keychain): the
 * person signs in with a pasted token, sees the devices sorted by certificate expiry, and renews one
 * after a confirmation naming it, then checks one device's meeting through the cloud and watches it (a
 * join seen at a later poll, then stopped), and captures the device there, the result naming it. The token
 * never comes back to the page.
 *
 * Run: bash scripts/with-keyring.sh npx vitest run test/e2e/fleet.test.ts   (after `npm run build`)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimMeeting } from '../../src/simulator/index.js';
import { systemHas } from '../helpers/system.js';
import { CLOUD_TOKEN } from '../main/app/fleet-world.js';
import { recorded } from './electron-main-shim.js';
import { type FleetApp, fleetApp } from './fleet-app.js';
import { reactStrings } from './harness.js';
import { checkScreen } from './screens.js';
import { eventually } from './wizard.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

describe.runIf(systemHas('chromium') && systemHas('keyring'))('the Fleet screen in Chromium', () => {
  let fleet: FleetApp | undefined;

  beforeAll(async () => {
    fleet = await fleetApp('fleet', [
      { serial: 'FOCE2EF001', name: 'Lobby', days: 300 },
      { serial: 'FOCE2EF002', name: 'Board room', days: 12 },
      { serial: 'FOCE2EF003', name: 'Studio', days: 90 },
    ]);
  }, 180_000);

  afterAll(() => fleet?.close());

  it('signs in, lists by expiry and renews one device after a confirmation naming it', async () => {
    const { app, page, dir, world } = fleet!;
    await page.getByRole('tab', { name: 'Fleet' }).click();
    await page.locator('#cloud-token').fill(CLOUD_TOKEN);
    await page.locator('#panel-fleet form:has(#cloud-token) summary').click();
    await page.locator('#cloud-api-base').fill(world.cloud.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await eventually(() =>
      page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-serial'))),
    ).toEqual(['FOCE2EF002', 'FOCE2EF003', 'FOCE2EF001']);
    expect(await page.getByTestId('cloud-account').textContent()).toContain(world.cloud.url);
    await checkScreen(page, '19-fleet');

    await page.getByRole('checkbox', { name: 'Select FOCE2EF002 (Board room)' }).check();
    await page.getByRole('button', { name: 'Renew selected' }).click();
    const files = await world.issue(dir, 'foce2ef002.fleet.example', 400);
    recorded.dialogAnswers.push(files.cert, files.key);
    const rows = page.getByTestId('files-FOCE2EF002');
    // The row's first button chooses the certificate, its second the key; each choice is shown by name.
    for (const [nth, kind, name] of [
      [0, 'certificate', 'foce2ef002.fleet.example.crt.pem'],
      [1, 'key', 'foce2ef002.fleet.example.key.pem'],
    ] as const) {
      await rows
        .getByRole('button', { name: /\(FOCE2EF002\)$/ })
        .nth(nth)
        .click();
      await eventually(() => page.getByTestId(`chosen-FOCE2EF002-${kind}`).textContent()).toContain(name);
    }
    await page.getByTestId('fleet-action').getByRole('button', { name: 'Renew selected' }).click();
    const confirm = page.getByTestId('fleet-confirm');
    expect(await confirm.getByRole('heading').textContent()).toBe('Renew the certificate of 1 devices?');
    expect(await page.getByTestId('fleet-confirm-devices').locator('li').allTextContents()).toEqual([
      'FOCE2EF002 — Board room',
    ]);
    expect(app.calls.filter((c) => c.channel === 'fleet.run')).toEqual([]);
    await confirm.getByRole('button', { name: 'Renew these devices' }).click();
    await eventually(
      () =>
        page.getByTestId('fleet-progress').locator('li[data-serial="FOCE2EF002"]').getAttribute('data-state'),
      60_000,
    ).toBe('done');
    expect(await page.getByTestId('fleet-progress').textContent()).toContain(files.sha1);
    // After the renewal the list is read again: the renewed device now expires last.
    await eventually(() =>
      page.locator('tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-serial'))),
    ).toEqual(['FOCE2EF003', 'FOCE2EF001', 'FOCE2EF002']);

    // Check meeting: one selected connected device, its meeting read through the cloud, the report naming it.
    const meeting = new SimMeeting('e2e-fleet-meeting', 652, 'Fleet sync');
    meeting.shape = 'seed';
    meeting.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    world.sims[2]!.joinMeeting(meeting);
    const check = page.getByTestId('fleet-check-meeting');
    expect(await check.isDisabled()).toBe(false);
    await page.getByRole('checkbox', { name: 'Select FOCE2EF003 (Studio)' }).check();
    expect(await check.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select FOCE2EF002 (Board room)' }).uncheck();
    await check.click();
    const shown = page.getByTestId('fleet-meeting');
    await eventually(() => shown.getByTestId('meeting-device').count(), 30_000).toBe(1);
    expect(await shown.getByRole('heading', { level: 3 }).first().textContent()).toBe(
      'Meeting check: FOCE2EF003 (Studio)',
    );
    const row = shown.getByTestId('meeting-device');
    expect([await row.getAttribute('data-target'), await row.getAttribute('data-serial')]).toEqual([
      'webex:FOCE2EF003',
      'FOCE2EF003',
    ]);
    expect(await row.getByTestId('meeting-encrypted').getAttribute('data-encrypted')).toBe('true');
    expect(app.calls.filter((c) => c.channel === 'fleet.meeting').map((c) => c.input)).toEqual([
      { serial: 'FOCE2EF003' },
    ]);
    await checkScreen(page, '20-fleet-meeting');

    // Watch: the same device read again through the cloud every second (typed, checked); a join shows up.
    const watch = shown.getByTestId('fleet-meeting-watch');
    const poll = shown.getByTestId('fleet-meeting-poll');
    expect(await poll.inputValue()).toBe('5');
    await poll.fill('0');
    expect(await shown.getByTestId('fleet-meeting-watch-start').isDisabled()).toBe(true);
    expect(await shown.getByTestId('fleet-meeting-poll-invalid').textContent()).toBe(
      'Give a whole number of seconds from 1 to 3600.',
    );
    await poll.fill('1');
    await shown.getByTestId('fleet-meeting-watch-start').click();
    await eventually(() => watch.getAttribute('data-watching'), 30_000).toBe('true');
    expect(await shown.getByTestId('fleet-meeting-watching').textContent()).toBe(
      'Watching FOCE2EF003 (Studio): its meeting is read through the Webex cloud every 1 s; joins and security code changes appear below.',
    );
    const before = meeting.securityCode();
    meeting.join({
      displayName: 'Late Board',
      identity: 'late.example.com',
      verification: 'webex',
      certInfo: '',
    });
    const updates = shown.getByTestId('meeting-updates').locator('li');
    await eventually(() => updates.count(), 60_000).toBe(2);
    expect(await updates.evaluateAll((li) => li.map((x) => x.getAttribute('data-kind')))).toEqual([
      'participant',
      'security-code',
    ]);
    const texts = await updates.allTextContents();
    expect(texts.every((x) => x.includes('webex:FOCE2EF003: '))).toBe(true);
    expect(texts[0]).toContain('Late Board');
    expect(texts[1]).toContain(meeting.securityCode());
    expect(texts[1]).toContain(before);
    expect(await shown.getByTestId('meeting-code').textContent()).toBe(meeting.securityCode());
    await checkScreen(page, '20-fleet-meeting-watch');
    await shown.getByTestId('fleet-meeting-watch-stop').click();
    await eventually(() => watch.getAttribute('data-watching')).toBe('false');
    expect(app.calls.filter((c) => c.channel === 'fleet.watchMeeting').map((c) => c.input)).toEqual([
      { serial: 'FOCE2EF003', pollSeconds: 1 },
    ]);
    expect(app.calls.filter((c) => c.channel === 'meeting.stop')).toHaveLength(1);
    // Capture: the same one selected, connected device read through the cloud; the result names it.
    const capture = page.getByTestId('fleet-capture');
    expect(await capture.isDisabled()).toBe(false);
    await capture.click();
    const result = page.getByTestId('fleet-capture-result');
    const summary = result.getByTestId('fleet-capture-summary');
    await eventually(() => summary.count(), 60_000).toBe(1);
    expect(await result.getAttribute('data-serial')).toBe('FOCE2EF003');
    expect(await result.getByRole('heading', { level: 3 }).textContent()).toBe(
      'Capture: FOCE2EF003 (Studio)',
    );
    const said = (await summary.textContent()) ?? '';
    const file = /Saved 26 answers to (\S+\.json)\./.exec(said)?.[1] ?? '';
    expect(file.startsWith(join(dir, 'home', 'captures', 'capture-FOCE2EF003-'))).toBe(true);
    expect(said).toContain(
      'need a console and are listed in the file as not available through the cloud: serial-settings, certificates-text,',
    );
    expect(said).toContain('These probes got no answer: error-status.');
    const written = JSON.parse(await readFile(file, 'utf8')) as { link: string; probes: { id: string }[] };
    expect([written.link, written.probes.length]).toEqual(['webex', 26]);
    expect(app.calls.filter((c) => c.channel === 'fleet.capture').map((c) => c.input)).toEqual([
      { serial: 'FOCE2EF003', probeAddRefusals: false },
    ]);
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    await eventually(() => result.getByRole('heading', { level: 3 }).textContent()).toBe(
      '장치 응답 기록: FOCE2EF003 (Studio)',
    );
    expect(await summary.textContent()).toContain('응답 26개를');
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
    // Checked in both languages (the file's path changes with every run: no screenshot).
    await checkScreen(page, '21-fleet-capture', { shot: false });

    // The token went to main once, in the sign-in; nothing main answered or sent holds it, nor the page.
    const signIns = app.calls.filter((c) => c.channel === 'cloud.signIn');
    expect(signIns).toHaveLength(1);
    for (const c of app.calls) expect(JSON.stringify(c.result), c.channel).not.toContain(CLOUD_TOKEN);
    expect(JSON.stringify(recorded.sent)).not.toContain(CLOUD_TOKEN);
    expect((await reactStrings(page)).filter((s) => s.includes(CLOUD_TOKEN))).toEqual([]);
    expect(await page.locator('#cloud-token').count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
  }, 180_000);
});
