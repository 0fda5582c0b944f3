/**
 * The workstation's screens end to end, as a technician and a device owner use them: the real main code
 * (electron shimmed), the real preload bundle, the built renderer in Debian's Chromium, the training
 * simulator behind `sim:` targets, and the real OS keychain (GNOME Keyring under scripts/with-keyring.sh,
 * a service name of this run's own).
 *
 * Run: bash scripts/with-keyring.sh npx vitest run test/e2e   (after `npm run build`, for the renderer)
 */
import { X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../src/contract/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { en } from '../../src/renderer/i18n/en.js';
import { plural } from '../../src/renderer/i18n/index.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import type { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { createSimulator } from '../../src/simulator/index.js';
import { plainProvision } from '../helpers/requests.js';
import { systemHas } from '../helpers/system.js';
import { recorded } from './electron-main-shim.js';
import {
  type AppHarness,
  appSandbox,
  certFiles,
  FOREIGN_ORIGIN,
  forgetDevices,
  reactStrings,
  startApp,
} from './harness.js';
import { madeSims } from './made-sims.js';
import { SHOTS, checkScreen } from './screens.js';
import { eventually, wizardOn } from './wizard.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

vi.mock('../../src/simulator/index.js', async (real) =>
  (await import('./made-sims.js')).recordingSimulators(await real()),
);

const SERIAL = 'FOC2345X0AB'; // the simulator's default serial number
const CN = 'room-7.e2e.example';
const ALL_STEPS = [
  'precheck',
  'backup',
  'factory-reset',
  'register-first',
  'populate-secret',
  'add-certificate',
  'match-fingerprint',
  'activate',
  'verify',
  'restore',
  'register',
  'verify-registered',
  'handover',
];
const STOP_SERIAL = 'FOCSTOPTEST';
const CUT_SERIAL = 'FOCCUTTEST1';
const GENERATED = /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){6}$/;
/** The steps' statuses and any failure, for a failed expectation's message. */
async function stepsSeen(page: Page): Promise<string> {
  return page.locator('li[data-step]').evaluateAll((els) =>
    els
      .filter((e) => e.getAttribute('data-status'))
      .map(
        (e) =>
          `${e.getAttribute('data-step')}: ${e.getAttribute('data-status')} ${e.querySelector('[role=alert]')?.textContent ?? ''}`,
      )
      .join('\n'),
  );
}

const TYPED_SECRET = 'Typed by the owner: correct horse battery staple 42!';

describe.runIf(systemHas('chromium') && systemHas('keyring'))('the workstation in Chromium', () => {
  let app: AppHarness;
  let page: Page;
  let dir: string;
  let store: KeychainSecretStore;
  const files = { cert: '', key: '', cert2: '', key2: '', cert3: '', key3: '' };
  /** The first certificate's last day, as the outcome names it. */
  let expires = '';
  /** Every secret the keychain held for the device, in order. */
  const stored: string[] = [];
  /** Secrets the window revealed (the one exception to "never in the renderer"). */
  const revealed: string[] = [];

  beforeAll(async () => {
    ({ dir, store } = await appSandbox('workstation'));

    const pki = await makeDemoPki('E2E');
    const issued = await issueDeviceCert(pki, { cn: CN, dns: [CN] });
    expires = new Date(new X509Certificate(issued.certificatePem).validTo).toISOString().slice(0, 10);
    [files.cert, files.key] = await certFiles(
      dir,
      'room-7',
      `${issued.certificatePem}\n${pki.intermediatePem}`,
      issued.keyPem,
    );
    const second = await issueDeviceCert(pki, { cn: 'room-8.e2e.example' });
    [files.cert2, files.key2] = await certFiles(dir, 'room-8', second.certificatePem, second.keyPem);
    const third = await issueDeviceCert(pki, { cn: 'room-9.e2e.example' });
    [files.cert3, files.key3] = await certFiles(dir, 'room-9', third.certificatePem, third.keyPem);

    app = await startApp();
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await forgetDevices(store, [SERIAL, 'FOCSX80TEST', STOP_SERIAL, CUT_SERIAL]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const { goPage, connect, chooseFiles, stopAfterSecret } = wizardOn(() => page);

  it('a technician provisions a sim: device: the reset is confirmed by typing the serial, progress and results come into view', async () => {
    await goPage(1);
    await checkScreen(page, '01-connect', { shot: false });
    await connect('sim:');
    const facts = page.getByTestId('device-facts');
    await eventually(() => facts.locator('[data-field=serial]').textContent()).toBe(SERIAL);
    expect(await facts.locator('[data-field=secret]').textContent()).toBe(en.device.secretNone);
    // After connecting, Next is the primary action.
    const next = page.locator('[data-page=device] .page-buttons button', { hasText: en.common.next });
    expect(await next.getAttribute('class')).toBe('primary');
    await checkScreen(page, '02-connected');

    await next.focus();
    await page.keyboard.press('Enter');
    // The keyboard lands on the new page's heading, not on a button that is now hidden.
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe(
      en.wizard.certHeading,
    );
    await chooseFiles(files.cert, files.key);
    expect(recorded.dialogRequests.map((r) => r.title)).toEqual([
      'Choose the device certificate',
      'Choose the private key',
    ]);
    expect(await page.getByTestId('cert-report').locator('[data-field=cn]').textContent()).toBe(CN);
    await checkScreen(page, '03-certificate');

    await goPage(3);
    // The reset decision comes first, and "no reset" is the default.
    expect(await page.locator('[data-page=options] fieldset legend').first().textContent()).toBe(
      en.wizard.resetLegend,
    );
    expect(await page.getByRole('radio', { name: en.wizard.resetNo }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: en.wizard.backup }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: en.wizard.factoryReset }).check();
    await page.getByRole('checkbox', { name: en.wizard.restoreName }).check();
    const code = page.getByLabel(en.wizard.activationCode);
    await code.pressSequentially('0000-1111-x');
    expect(await page.locator('#activation-code-state').textContent()).toBe(en.wizard.codeState.bad);
    await code.fill('');
    await code.pressSequentially('0000-1111-2222-3333');
    expect(await page.locator('#activation-code-state').textContent()).toBe(en.wizard.codeState.ok);
    // Shown as typed.
    expect(await code.getAttribute('type')).toBe('text');
    await checkScreen(page, '04-options');
    await page.getByRole('button', { name: en.common.next }).last().click();

    // The dry run: the plan, nothing done to the device.
    await page.getByRole('button', { name: en.wizard.plan }).click();
    const planned = page.getByTestId('plan-steps').locator('li[data-step]');
    const steps = page.getByTestId('steps').locator('li[data-step]');
    await eventually(() => planned.count()).toBe(ALL_STEPS.length);
    expect(await planned.evaluateAll((els) => els.map((e) => e.getAttribute('data-included')))).toEqual(
      ALL_STEPS.map((id) => (id === 'register-first' ? 'false' : 'true')),
    );

    // The reset asks, naming the device; only its serial typed confirms it.
    await page.getByRole('button', { name: en.wizard.startWithReset }).click();
    const dialog = page.getByTestId('confirm-reset');
    await eventually(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('[data-field=product]').textContent()).toBe('Cisco Room Kit');
    expect(await dialog.locator('[data-field=serial]').textContent()).toBe(SERIAL);
    expect(await dialog.locator('[data-field=target]').textContent()).toBe('sim:');
    expect(await dialog.locator('[data-field=lost]').textContent()).toBe(en.wizard.resetDialog.lost);
    const confirm = dialog.getByRole('button', { name: `Factory reset ${SERIAL}` });
    await dialog.getByRole('textbox').fill('FOC0000WRONG');
    expect(await confirm.isDisabled()).toBe(true);
    await checkScreen(page, '05-confirm-reset', { dark: true });
    await dialog.getByRole('textbox').fill(SERIAL);
    await confirm.click();

    // Live: while the procedure runs, a progress bar names the step and the time, the list shows it running.
    const running = page.locator('li[data-step][data-status=running]');
    await eventually(() => running.count()).toBe(1);
    expect(await running.locator('.badge').textContent()).toBe(en.status.running);
    expect(await page.getByTestId('run-progress').locator('[data-field=current]').textContent()).toMatch(
      /^Step \d+ of 13: /,
    );
    expect(await page.getByTestId('run-progress').locator('[data-field=elapsed]').textContent()).toMatch(
      /^Elapsed 0:\d\d$/,
    );
    await page.screenshot({ path: join(SHOTS, '05-running-en.png'), fullPage: true });
    await eventually(() => page.locator('li[data-step][data-status=done]').count(), 90_000).toBeGreaterThan(
      2,
    );
    expect(await page.getByTestId('step-announcer').textContent()).toMatch(
      /^Step \d+, .+: (running|done|skipped)$/,
    );
    const outcome = page.getByTestId('outcome');
    await eventually(() => outcome.getAttribute('data-ok'), 90_000).not.toBe(null);
    expect(await outcome.getAttribute('data-ok'), await stepsSeen(page)).toBe('true');
    expect(
      await steps.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')]),
      ),
    ).toEqual(ALL_STEPS.map((id) => [id, id === 'register-first' ? 'skipped' : 'done']));
    expect(await outcome.getByRole('status').first().textContent()).toBe(
      `Provisioned: Cisco Room Kit ${SERIAL} now shows “${CN}”, valid until ${expires}.`,
    );
    // The status check that waits for registration ran, and registration verified it: no such warning stays.
    expect(await page.locator('li[data-step=verify-registered]').getAttribute('data-status')).toBe('done');
    expect(await page.locator('[data-code=WARN_E2EE_STATUS_UNAVAILABLE]').count()).toBe(0);
    // The result has the focus and is in view.
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe(
      `✓ ${en.wizard.successHeading}`,
    );
    expect(await outcome.isVisible()).toBe(true);
    const where = await page.evaluate(() => {
      const r = document.activeElement!.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: window.innerHeight };
    });
    expect(where.top >= 0 && where.bottom <= where.height, JSON.stringify(where)).toBe(true);
    // Every step was watched live: main sent running, then done, for each, on the one event channel.
    await app.delivered();
    const events = recorded.sent.filter((s) => s.channel === 'workflow.event');
    expect(recorded.sent.every((s) => s.channel === 'workflow.event')).toBe(true);
    for (const id of ALL_STEPS.filter((x) => x !== 'register-first')) {
      const statuses = events
        .map((e) => (e.payload as { event: { type: string; id?: string; status?: string } }).event)
        .filter((e) => e.type === 'step' && e.id === id)
        .map((e) => e.status);
      expect(statuses.slice(-2), id).toEqual(['running', 'done']);
    }
    // The typed activation code left the input when it was sent.
    expect(await page.getByLabel(en.wizard.activationCode).inputValue()).toBe('');
    // After a success the main action is the next device, not Provision again.
    expect(await page.getByRole('button', { name: en.wizard.nextDevice }).getAttribute('class')).toBe(
      'primary big',
    );
    expect(await page.getByRole('button', { name: en.wizard.startWithReset }).count()).toBe(0);
    // A generated secret waits in main; the window has only the offer to reveal it.
    const reveal = page.getByTestId('reveal');
    expect(await reveal.getAttribute('data-stage')).toBe('ready');
    expect(await reveal.getAttribute('data-serial')).toBe(SERIAL);

    const secret = await store.get(SERIAL);
    expect(secret).toMatch(GENERATED);
    stored.push(secret!);
    await checkScreen(page, '06-provisioned', { dark: true });
  }, 150_000);

  it('the generated secret stays offered after a dry run and another screen, warns on quit, and goes only when its last group is typed', async () => {
    // A dry run after the success: the secret is still offered.
    await page.getByRole('button', { name: en.wizard.plan }).click();
    await eventually(() => page.getByTestId('plan-steps').locator('li[data-included]').count()).toBe(
      ALL_STEPS.length,
    );
    expect(await page.getByTestId('reveal').getAttribute('data-serial')).toBe(SERIAL);
    // Another screen: it is announced there, and still offered on return.
    await page.getByRole('tab', { name: en.nav.inventory }).click();
    await eventually(() => page.getByTestId('waiting-secret').textContent()).toContain(SERIAL);
    await checkScreen(page, '07-inventory-secret-waiting');
    await page.getByTestId('waiting-secret').getByRole('button', { name: en.reveal.goTo }).click();
    await eventually(() => page.getByTestId('reveal').getAttribute('data-serial')).toBe(SERIAL);
    // Closing the window asks first, naming the device.
    expect(recorded.windows[0]!.tryClose()).toBe(false);
    expect(recorded.messageBoxes.at(-1)).toEqual({
      title: 'A new client secret is not saved yet',
      message: `The new client secret of ${SERIAL} has not been acknowledged.`,
      buttons: ['Stay and save the secret', 'Quit anyway'],
    });
    // In the window's language.
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    await eventually(() => {
      recorded.windows[0]!.tryClose();
      return recorded.messageBoxes.at(-1)?.message;
    }).toBe(`${SERIAL}의 새 클라이언트 비밀이 아직 저장 확인되지 않았습니다.`);
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
    // "Quit anyway" lets it close.
    recorded.messageBoxAnswers.push(1);
    await eventually(() => recorded.windows[0]!.tryClose()).toBe(true);

    await page.getByRole('button', { name: en.reveal.show }).click();
    const shown = page.getByTestId('new-secret');
    await eventually(() => shown.textContent()).toBe(stored[0]);
    revealed.push(stored[0]!);
    expect(await reactStrings(page).then((all) => all.some((s) => s.includes(stored[0]!)))).toBe(false);
    await checkScreen(page, '08-secret-revealed', { shot: false });
    // Copy: main puts it on the clipboard and says when it clears it.
    await page.getByRole('button', { name: en.reveal.copy, exact: true }).click();
    await eventually(() => page.getByTestId('reveal-note').textContent()).toBe(
      'Copied. The clipboard is cleared in 60 seconds.',
    );
    expect(recorded.clipboardWrites.at(-1)).toBe(stored[0]);
    // The handover sheet, saved with and without the secret.
    const withSecret = join(dir, 'handover-with.txt');
    const without = join(dir, 'handover-without.txt');
    recorded.saveAnswers.push(withSecret, without);
    await page.getByRole('button', { name: en.reveal.saveWith }).click();
    await eventually(() => page.getByTestId('reveal-note').textContent()).toBe(
      'Saved with the secret as handover-with.txt: keep that file safe.',
    );
    await page.getByRole('button', { name: en.reveal.saveWithout }).click();
    await eventually(() => page.getByTestId('reveal-note').textContent()).toBe(
      'Saved without the secret as handover-without.txt.',
    );
    const sheet = await readFile(withSecret, 'utf8');
    expect(sheet).toContain(`Serial number: ${SERIAL}`);
    expect(sheet).toContain(`Client secret: ${stored[0]}`);
    const plain = await readFile(without, 'utf8');
    expect(plain).toContain(`Identity (CN): ${CN}`);
    expect(plain).not.toContain(stored[0]);
    // Printing: the page prints (the print style shows the sheet alone).
    await page.evaluate(() => {
      (window as unknown as { printed: string[] }).printed = [];
      window.print = () =>
        (window as unknown as { printed: string[] }).printed.push(document.body.dataset.print ?? '');
    });
    await page.getByRole('button', { name: en.reveal.printWithout }).click();
    await page.getByRole('button', { name: en.reveal.printWith }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: string[] }).printed)).toEqual([
      'without-secret',
      'with-secret',
    ]);

    // "I have saved it": the last group, typed; a wrong one is refused.
    const ack = page.getByLabel(/type the secret’s last group/);
    await ack.fill('ZZZZ');
    await page.getByRole('button', { name: en.reveal.ack }).click();
    await eventually(() => page.getByTestId('reveal').getByRole('alert').getAttribute('data-code')).toBe(
      'ERR_APP_ACK_MISMATCH',
    );
    await ack.fill(stored[0]!.split('-').at(-1)!);
    await page.getByRole('button', { name: en.reveal.ack }).click();
    await eventually(() => page.getByTestId('reveal').count()).toBe(0);
    expect(recorded.windows[0]!.tryClose()).toBe(true);
    const again = await page.evaluate(() => window.provisioner.secrets.reveal('provision'));
    expect(again).toMatchObject({ ok: false, code: 'ERR_APP_NOTHING_TO_REVEAL' });

    // The meeting check is one click away, for the device just provisioned, and compares with its identity.
    await page.getByTestId('to-meeting-check').click();
    expect(await page.getByRole('tab', { name: en.nav.meeting }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('meeting-expected').textContent()).toBe(
      `Device ${SERIAL}, expected to appear as ${CN}.`,
    );
    await page.getByRole('tab', { name: en.nav.provision }).click();

    // "Next device": disconnected, back at the first page, nothing of this device left.
    await page.getByRole('button', { name: en.wizard.nextDevice }).click();
    await eventually(() => page.getByTestId('device-chip').textContent()).toBe(`○ ${en.device.notConnected}`);
    expect(await page.locator('[data-page=device]').isVisible()).toBe(true);
    expect(await page.getByTestId('chosen-certificate').textContent()).toBe(en.wizard.notChosen);
    expect(await page.getByTestId('outcome').count()).toBe(0);
  });

  it('another device starts from nothing: no reset choice, no certificate, no result carries over', async () => {
    await connect('sim:?serial=FOCSECOND01');
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
    ).toBe('FOCSECOND01');
    expect(await page.getByTestId('chosen-certificate').textContent()).toBe(en.wizard.notChosen);
    await goPage(3);
    expect(await page.getByRole('radio', { name: en.wizard.resetNo }).isChecked()).toBe(true);
    await goPage(4);
    expect(await page.getByTestId('outcome').count()).toBe(0);
    expect(await page.getByTestId('steps').count()).toBe(0);
    expect(await page.locator('.blockers').textContent()).toContain(en.wizard.needCheck);
    expect(await page.getByRole('button', { name: en.wizard.start, exact: true }).isDisabled()).toBe(true);
    // A blocker is a way to the page that fixes it.
    await page.locator('.blockers').getByRole('button', { name: en.wizard.needCheck }).click();
    expect(await page.locator('[data-page=certificate]').isVisible()).toBe(true);
    // A device without a secret in the keychain: rotation says so in its own words.
    await page.getByRole('tab', { name: en.nav.rotate }).click();
    expect(await page.getByTestId('no-secret-here').textContent()).toBe(en.rotate.noSecretHere);
    // A certificate the device would refuse (the key is another one's) blocks the run, and main refuses it too.
    await goPage(2);
    recorded.dialogAnswers.push(files.cert, files.key2);
    await page.getByRole('button', { name: en.wizard.chooseCert }).click();
    await eventually(() => page.getByTestId('chosen-certificate').textContent()).toBe(
      'Chosen: room-7.crt.pem',
    );
    await page.getByRole('button', { name: en.wizard.chooseKey }).click();
    await eventually(() => page.getByTestId('chosen-key').textContent()).toBe('Chosen: room-8.key.pem');
    await page.getByRole('button', { name: en.wizard.check }).click();
    await eventually(() => page.getByTestId('cert-report').getAttribute('data-ok')).toBe('false');
    await checkScreen(page, '18-certificate-refused', { shot: false });
    await goPage(4);
    expect(await page.locator('.blockers').textContent()).toBe(en.wizard.needAcceptable);
    await checkScreen(page, '19-run-blocked', { shot: false });
    expect(await page.locator('.stepper li:nth-child(2)').getAttribute('data-state')).toBe('blocked');
    expect(await page.getByRole('button', { name: en.wizard.start, exact: true }).isDisabled()).toBe(true);
    const refusedFiles = await page.evaluate(
      (request) => window.provisioner.provision.run(request),
      plainProvision(),
    );
    expect(refusedFiles).toMatchObject({ ok: false, code: 'ERR_APP_CREDENTIALS_REFUSED' });
    // Fixed: the blocker goes with its cause.
    await chooseFiles(files.cert2, files.key2);
    await goPage(4);
    expect(await page.locator('.blockers').count()).toBe(0);
    expect(await page.locator('.stepper li:nth-child(2)').getAttribute('data-state')).toBe('done');
    // Main, too, refuses a reset confirmed for another device, before anything is done.
    const refused = await page.evaluate(
      (request) => window.provisioner.provision.run(request),
      plainProvision({ factoryReset: { confirmed: true, serial: SERIAL, keep: [] } }),
    );
    expect(refused).toMatchObject({ ok: false, code: 'ERR_APP_RESET_NOT_THIS_DEVICE' });
  });

  it('a failure shows the code’s words and what to do next, in English and Korean', async () => {
    await connect('sim:?model=Cisco TelePresence SX80&serial=FOCSX80TEST');
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=product]').textContent(),
    ).toBe('Cisco TelePresence SX80');
    await chooseFiles(files.cert, files.key);
    await goPage(4);
    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    const precheck = page.locator('li[data-step=precheck]');
    await eventually(() => precheck.getAttribute('data-status')).toBe('failed');
    const alert = precheck.getByRole('alert');
    expect(await alert.getAttribute('data-code')).toBe('ERR_WORKFLOW_MODEL_UNSUPPORTED');
    expect(await alert.locator('.problem-words').textContent()).toBe(
      en.errors.ERR_WORKFLOW_MODEL_UNSUPPORTED,
    );
    expect(await precheck.locator('.badge').textContent()).toBe(en.status.failed);
    expect(await page.locator('li[data-step=backup]').getAttribute('data-status')).toBe('not-run');
    // Resume cannot help an unsupported model: it is not offered, and the outcome says why.
    expect(await page.getByTestId('outcome').textContent()).toContain(en.wizard.noResumeHint);
    expect(await page.getByRole('button', { name: en.wizard.resume }).count()).toBe(0);
    await checkScreen(page, '09-failed-unsupported');

    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    await eventually(() => alert.locator('.problem-words').textContent()).toBe(
      ko.errors.ERR_WORKFLOW_MODEL_UNSUPPORTED,
    );
    expect(await precheck.locator('.badge').textContent()).toBe(ko.status.failed);
    expect(await precheck.locator('.step-title').textContent()).toBe(ko.steps.precheck);
    expect(await page.getByTestId('outcome').textContent()).toContain(ko.wizard.noResumeHint);
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
  });

  it('rotation refuses a weak typed secret before the device is touched, and asks naming the device', async () => {
    await connect('sim:'); // the same training device as before: it holds the provisioned secret
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=secret]').textContent(),
    ).toBe('stored in the OS keychain');
    await page.getByRole('tab', { name: en.nav.rotate }).click();
    await checkScreen(page, '10-rotate');
    const before = await page.evaluate(() => window.provisioner.console.read(0));
    const populatesBefore = JSON.stringify(before).split('ClientSecret Populate').length;
    await page.getByRole('radio', { name: en.rotate.given }).check();
    await page.getByLabel(en.rotate.newValue, { exact: true }).fill('password1');
    await page.getByLabel(en.rotate.newAgain, { exact: true }).fill('password2');
    await page.getByRole('button', { name: en.rotate.run }).click();
    const alert = page.getByTestId('rotate-outcome').getByRole('alert');
    await eventually(() => alert.getAttribute('data-code')).toBe('ERR_APP_SECRET_MISMATCH');
    await page.getByLabel(en.rotate.newValue, { exact: true }).fill('password1');
    await page.getByLabel(en.rotate.newAgain, { exact: true }).fill('password1');
    await page.getByRole('button', { name: en.rotate.run }).click();
    await eventually(() => alert.getAttribute('data-code')).toBe('ERR_SECRET_WEAK');
    expect(await page.getByTestId('confirm-rotate').count()).toBe(0);
    await checkScreen(page, '11-rotate-weak-refused');
    // Main refuses it too, with the same code, before anything reaches the device.
    const direct = await page.evaluate(() =>
      window.provisioner.secrets.rotate({
        newSecret: { mode: 'given', value: 'password1' },
        currentSecret: null,
        enc: 'A128GCM',
      }),
    );
    expect(direct).toMatchObject({ ok: false, code: 'ERR_SECRET_WEAK' });
    expect(await store.get(SERIAL)).toBe(stored[0]);
    const after = await page.evaluate(() => window.provisioner.console.read(0));
    expect(JSON.stringify(after).split('ClientSecret Populate').length).toBe(populatesBefore);

    // A generated one: the confirmation names the device.
    await page.getByRole('radio', { name: en.rotate.generate }).check();
    await page.getByRole('button', { name: en.rotate.run }).click();
    const dialog = page.getByTestId('confirm-rotate');
    await eventually(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('[data-field=serial]').textContent()).toBe(SERIAL);
    expect(await dialog.locator('[data-field=product]').textContent()).toBe('Cisco Room Kit');
    await checkScreen(page, '12-confirm-rotate');
    await dialog.getByRole('button', { name: `Change the secret on ${SERIAL}` }).click();
    const result = page.getByTestId('rotate-result');
    await eventually(() => result.getByRole('status').first().textContent(), 20_000).toBe(
      `The device ${SERIAL} now holds the new secret; the keychain has it.`,
    );
    // The result has the focus; the secret to save is right below it.
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'rotate-outcome',
    );
    const secret = await store.get(SERIAL);
    expect(secret).toMatch(GENERATED);
    expect(secret).not.toBe(stored[0]);
    stored.push(secret!);
    // Not shown until asked for; still offered after another screen, under a heading of the right level.
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('tab', { name: en.nav.console }).click();
    await eventually(() => page.getByTestId('waiting-secret').textContent()).toContain(SERIAL);
    await page.getByRole('tab', { name: en.nav.rotate }).click();
    await eventually(() => page.getByTestId('reveal').getAttribute('data-serial')).toBe(SERIAL);
    await checkScreen(page, '12-rotated-secret-waiting', { shot: false });
    await page.getByRole('button', { name: en.reveal.show }).click();
    const shown = page.getByTestId('new-secret');
    await eventually(() => shown.textContent()).toBe(secret);
    revealed.push(secret!);
    expect(await reactStrings(page).then((all) => all.some((s) => s.includes(secret!)))).toBe(false);

    await page.getByRole('button', { name: en.reveal.hide }).click();
    await eventually(() => page.getByTestId('reveal').getAttribute('data-stage')).toBe('ready');
    const traces = await page.evaluate((s) => {
      const inputs = [...document.querySelectorAll('input, textarea')].map(
        (e) => (e as HTMLInputElement).value,
      );
      return {
        html: document.documentElement.outerHTML.includes(s),
        text: document.body.innerText.includes(s),
        inputs: inputs.some((v) => v.includes(s)),
        storage: localStorage.length + sessionStorage.length,
      };
    }, secret!);
    expect(traces).toEqual({ html: false, text: false, inputs: false, storage: 0 });
    expect(await reactStrings(page).then((all) => all.filter((s) => s.includes(secret!)))).toEqual([]);
    await page.getByLabel(/type the secret’s last group/).fill(secret!.split('-').at(-1)!);
    await page.getByRole('button', { name: en.reveal.ack }).click();
    await eventually(() => page.getByTestId('reveal').count()).toBe(0);
    const again = await page.evaluate(() => window.provisioner.secrets.reveal('rotate'));
    expect(again).toMatchObject({ ok: false, code: 'ERR_APP_NOTHING_TO_REVEAL' });
  });

  it('a secret the owner types twice is judged, sent once and not kept in the window', async () => {
    await page.getByRole('radio', { name: en.rotate.given }).check();
    const input = page.getByLabel(en.rotate.newValue, { exact: true });
    await input.fill(TYPED_SECRET);
    await page.getByLabel(en.rotate.newAgain, { exact: true }).fill(TYPED_SECRET);
    await page.getByRole('button', { name: en.rotate.run }).click();
    await page
      .getByTestId('confirm-rotate')
      .getByRole('button', { name: `Change the secret on ${SERIAL}` })
      .click();
    await eventually(
      () => page.getByTestId('rotate-result').getByRole('status').first().textContent(),
      20_000,
    ).toContain(SERIAL);
    expect(await store.get(SERIAL)).toBe(TYPED_SECRET);
    stored.push(TYPED_SECRET);
    expect(await input.inputValue()).toBe('');
    expect(await page.getByTestId('rotate-result').textContent()).toContain('Strength: strong');
    expect(await page.getByRole('button', { name: en.reveal.show }).count()).toBe(0);
    expect(await reactStrings(page).then((all) => all.filter((s) => s.includes(TYPED_SECRET)))).toEqual([]);
    expect(await page.content()).not.toContain(TYPED_SECRET);
  });

  it('shows the inventory from the journal, verifies the journal, and the redacted console', async () => {
    await page.getByRole('tab', { name: en.nav.inventory }).click();
    const row = page.getByTestId('inventory').locator(`tr[data-serial=${SERIAL}]`);
    await eventually(() => row.getAttribute('data-state')).toBe('active');
    expect(await row.textContent()).toContain(CN);
    expect(await row.textContent()).toContain(en.inventory.hasSecret);
    await page.getByRole('button', { name: en.inventory.verify }).click();
    await eventually(() => page.getByTestId('journal-verify').getAttribute('data-ok')).toBe('true');
    await checkScreen(page, '13-inventory');
    // Filter, sort, export.
    await page.getByLabel(en.inventory.filter).fill('FOCNOSUCH');
    expect(await page.getByTestId('inventory').locator('tbody tr').count()).toBe(0);
    await page.getByLabel(en.inventory.filter).fill('');
    await page.getByRole('button', { name: en.inventory.serial }).click();
    expect(
      await page.getByRole('columnheader', { name: en.inventory.serial }).getAttribute('aria-sort'),
    ).toBe('descending');
    const csv = join(dir, 'inventory.csv');
    recorded.saveAnswers.push(csv);
    await page.getByRole('button', { name: en.inventory.export }).click();
    await eventually(() => page.getByTestId('inventory-exported').count()).toBe(1);
    const exported = await readFile(csv, 'utf8');
    // The count in words, from the catalogue's plural forms ("1 device", "2 devices").
    const rows = exported.split('\r\n').filter((l) => l !== '').length - 1;
    expect(await page.getByTestId('inventory-exported').textContent()).toBe(
      plural(en.inventory.exported, rows, { name: 'inventory.csv' }),
    );
    expect(exported.split('\r\n')[0]).toBe(
      'serial,product,identity,fingerprint,valid_until,state,last_action,last_result,last_at',
    );
    expect(exported).toContain(`${SERIAL},Cisco Room Kit,${CN},`);
    for (const x of stored) expect(exported).not.toContain(x);

    // Keyboard: the tabs follow the arrow keys.
    await page.getByRole('tab', { name: en.nav.inventory }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: en.nav.fleet }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: en.nav.console }).getAttribute('aria-selected')).toBe('true');
    const log = page.getByRole('log', { name: en.console.logLabel });
    await eventually(() => log.textContent()).toContain('xCommand Security ClientSecret Populate');
    const text = (await log.textContent()) ?? '';
    for (const s of stored) expect(text).not.toContain(s);
  });

  it('records a device capture from the console view, in English and Korean, and shows the reset Keep items', async () => {
    await connect('sim:');
    // The connection is made once the button no longer says it is working.
    await eventually(() => page.getByRole('button', { name: en.device.connect, exact: true }).count()).toBe(
      1,
    );
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
    ).toBe(SERIAL);
    await page.getByRole('tab', { name: en.nav.console }).click();
    await page.getByRole('button', { name: en.console.capture }).click();
    const result = page.getByTestId('capture-result');
    await eventually(
      async () =>
        (await result.count())
          ? await result.textContent()
          : (
              await page.locator('section[aria-labelledby=console-heading] [role=alert]').allTextContents()
            ).join(' '),
      60_000,
    ).toContain('Saved 19 answers to ');
    const text = (await result.textContent()) ?? '';
    const file = /Saved 19 answers to (\S+\.json)\./.exec(text)?.[1] ?? '';
    expect(file.startsWith(join(dir, 'home', 'captures', `capture-${SERIAL}-`))).toBe(true);
    const capture = JSON.parse(await readFile(file, 'utf8')) as { probes: unknown[]; format: string };
    expect(capture.format).toBe('e2ee-prov-device-capture');
    for (const s of stored) expect(JSON.stringify(capture)).not.toContain(s);
    expect(text).toContain(en.console.lineWhole.replace('{n}', '8192'));

    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    // With the Add refusals asked for: three more answers, none of which changes the device.
    await page.getByRole('checkbox', { name: ko.console.probeAddRefusals }).check();
    await page.getByRole('button', { name: ko.console.capture }).click();
    await eventually(() => result.textContent(), 60_000).toContain('응답 22개를');
    await page.getByRole('checkbox', { name: ko.console.probeAddRefusals }).uncheck();
    await page.getByRole('tab', { name: ko.nav.provision }).click();
    await page.locator('.stepper li:nth-child(3) button').click();
    await page.getByRole('radio', { name: ko.wizard.factoryReset }).check();
    const keep = page.getByTestId('reset-keep');
    expect(await keep.textContent()).toContain(ko.wizard.keepItems.LocalSetup);
    expect(await keep.textContent()).toContain(ko.wizard.keepNever);
    await page.getByRole('radio', { name: ko.wizard.resetNo }).check();
    // Wrapping long lines is a clearly marked choice, off unless chosen.
    await page.locator('details.advanced summary').click();
    expect(await page.getByRole('checkbox', { name: ko.wizard.wrapLongLines }).isChecked()).toBe(false);
    await page.locator('details.advanced summary').click();
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
    await page.getByRole('tab', { name: en.nav.console }).click();
    await checkScreen(page, '14-console', { shot: false });
  }, 150_000);

  it('a technician stops a provisioning, then resumes it where it stopped', async () => {
    await connect(`sim:?serial=${STOP_SERIAL}`);
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
    ).toBe(STOP_SERIAL);
    await chooseFiles(files.cert2, files.key2);
    await goPage(4);

    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    // Stopped once the device holds the new secret: the secret must stay offered after the stop.
    const outcome = await stopAfterSecret();
    await eventually(() => outcome.getAttribute('data-ok'), 90_000).toBe('false');
    const stopped = page.locator('li[data-status=failed]');
    expect(await stopped.getByRole('alert').getAttribute('data-code')).toBe('ERR_WORKFLOW_CANCELLED');
    expect(await stopped.locator('.problem-words').textContent()).toBe(en.errors.ERR_WORKFLOW_CANCELLED);
    const stoppedAt = await stopped.getAttribute('data-step');
    expect(ALL_STEPS.indexOf(stoppedAt!)).toBeGreaterThan(ALL_STEPS.indexOf('populate-secret'));
    const held = await store.get(STOP_SERIAL);
    expect(held ?? '').toMatch(GENERATED);
    await eventually(() => page.getByTestId('reveal').getAttribute('data-serial')).toBe(STOP_SERIAL);
    await checkScreen(page, '15-stopped-secret-offered');

    await page.getByRole('button', { name: en.wizard.resume }).click();
    await eventually(() => outcome.getAttribute('data-ok'), 90_000)
      .toBe('true')
      .catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await stepsSeen(page)}`);
      });
    const statuses = await page
      .getByTestId('steps')
      .locator('li[data-step]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')]));
    // What the first run did to the device is not done again; checks and reports run again.
    const changing = ['backup', 'factory-reset', 'populate-secret', 'add-certificate', 'activate'];
    const doneBefore = ALL_STEPS.slice(0, ALL_STEPS.indexOf(stoppedAt!));
    expect(statuses).toEqual(
      ALL_STEPS.map((id) => [
        id,
        id === 'register' || id === 'verify-registered' || id === 'register-first' || id === 'restore'
          ? 'skipped' // no activation code, no name to restore: a new device starts with fresh options
          : changing.includes(id) && doneBefore.includes(id)
            ? 'skipped'
            : 'done',
      ]),
    );
    expect(await page.locator('ul.notes').textContent()).toContain('Resuming the provisioning started');
    // Across the resume, the same secret is still offered.
    expect(await page.getByTestId('reveal').getAttribute('data-serial')).toBe(STOP_SERIAL);
    expect(await page.locator('li[data-step=register] .step-detail').textContent()).toBe(en.leftOut.register);
    const secret = await store.get(STOP_SERIAL);
    expect(secret).toBe(held);
    stored.push(secret!);
  }, 150_000);

  it('a failure after the device took the generated secret: it stays offered, through the resume', async () => {
    await connect(`sim:?serial=${CUT_SERIAL}`);
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
    ).toBe(CUT_SERIAL);
    await chooseFiles(files.cert3, files.key3);
    await goPage(4);
    // The cable comes out as the device gets the certificate, after it took the secret.
    madeSims.get(CUT_SERIAL)!.setFaults({ dropOnCommand: 'Certificates Services Add' });
    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    const outcome = page.getByTestId('outcome');
    await eventually(() => outcome.getAttribute('data-ok'), 90_000).toBe('false');
    const failed = page.locator('li[data-status=failed]');
    expect(await failed.getAttribute('data-step')).toBe('add-certificate');
    expect(await failed.getByRole('alert').getAttribute('data-code')).toBe('ERR_DEVICE_DISCONNECTED');
    const held = await store.get(CUT_SERIAL);
    expect(held ?? '').toMatch(GENERATED);
    await eventually(() => page.locator(`[data-testid=reveal][data-serial=${CUT_SERIAL}]`).count()).toBe(1);
    // Resume (main logs in again) finishes the run; the same secret is still offered.
    await page.getByRole('button', { name: en.wizard.resume }).click();
    await eventually(() => outcome.getAttribute('data-ok'), 90_000).toBe('true');
    expect(await store.get(CUT_SERIAL)).toBe(held);
    expect(await page.locator(`[data-testid=reveal][data-serial=${CUT_SERIAL}]`).count()).toBe(1);
    stored.push(held!);
  }, 150_000);

  it('the renderer never receives a stored secret: every IPC result and event inspected', async () => {
    expect(app.pageErrors).toEqual([]);
    expect(stored).toHaveLength(5);
    expect(revealed).toHaveLength(2);
    await app.delivered();
    const results = app.calls.map((c) => ({ channel: c.channel, json: JSON.stringify(c.result) }));
    const events = recorded.sent.map((s) => JSON.stringify(s.payload));
    expect(new Set(results.map((r) => r.channel))).toEqual(
      new Set([
        'app.info',
        'app.language',
        'cloud.whoami',
        'device.connect',
        'device.disconnect',
        'device.identify',
        'device.capture',
        'credentials.choose',
        'credentials.inspect',
        'provision.run',
        'provision.stop',
        'provision.resume',
        'secret.rotate',
        'secret.reveal',
        'secret.pending',
        'secret.acknowledge',
        'secret.judge',
        'secret.copy',
        'handover.save',
        'app.status',
        'inventory.list',
        'inventory.export',
        'ports.list',
        'journal.verify',
        'console.read',
        'meeting.read',
      ]),
    );
    for (const s of stored) {
      const inResults = results.filter((r) => r.json.includes(s)).map((r) => r.channel);
      // The one exception: the freshly generated secret the owner asked to see, once.
      expect(inResults, 'a stored secret reached the renderer').toEqual(
        revealed.includes(s) ? ['secret.reveal'] : [],
      );
      expect(events.filter((e) => e.includes(s))).toEqual([]);
    }
    // The acknowledgement sends the last group only; never a whole generated secret as input.
    expect(app.calls.filter((c) => JSON.stringify(c.input).includes(stored[0]!))).toEqual([]);
  });

  it('a first SSH connection shows the host key’s fingerprint and connects only when the person accepts it', async () => {
    const sim = await createSimulator({ serialNumber: 'FOCSSHE2E01' });
    try {
      const served = await sim.serveSsh();
      await connect(`ssh://admin@localhost:${served.port}`);
      const dialog = page.getByTestId('host-key');
      await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true);
      await checkScreen(page, '17-ssh-host-key', { shot: false });
      expect(await dialog.locator('[data-field=fingerprint]').textContent()).toBe(served.hostKeyFingerprint);
      await dialog.getByRole('button', { name: en.device.hostKeyRefuse }).click();
      expect(await page.getByTestId('host-key').count()).toBe(0);
      // Asked again (nothing was pinned), then accepted.
      await page.getByRole('button', { name: en.device.connect, exact: true }).click();
      await expect.poll(() => page.getByTestId('host-key').isVisible(), { timeout: 15_000 }).toBe(true);
      await page.getByTestId('host-key').getByRole('button', { name: en.device.hostKeyAccept }).click();
      await eventually(() =>
        page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
      ).toBe('FOCSSHE2E01');
      // Pinned for the address localhost resolves to.
      const known = JSON.parse(await readFile(process.env.E2EE_PROV_KNOWN_HOSTS!, 'utf8')) as {
        hosts: Record<string, { fingerprint: string }>;
      };
      expect(known.hosts[`127.0.0.1:${served.port}`]?.fingerprint).toBe(served.hostKeyFingerprint);
      await page.getByRole('button', { name: en.device.disconnect }).click();
    } finally {
      await sim.close();
    }
  });

  it('main refuses every channel to a page that is not the app’s own window', async () => {
    const foreign = await app.context.newPage();
    await foreign.goto(`${FOREIGN_ORIGIN}/`);
    const answers = await foreign.evaluate(async () => [
      await window.provisioner.app.info(),
      await window.provisioner.secrets.reveal('rotate'),
      await window.provisioner.device.identify(),
      await window.provisioner.inventory.list(),
    ]);
    for (const a of answers) expect(a).toMatchObject({ ok: false, code: 'ERR_IPC_UNTRUSTED_SENDER' });
    await foreign.close();
    for (const channel of Object.keys(CHANNELS)) {
      const handler = recorded.handlers.get(channel)!;
      expect(await handler({ senderFrame: { url: 'https://evil.example/' } }, {}), channel).toMatchObject({
        ok: false,
        code: 'ERR_IPC_UNTRUSTED_SENDER',
      });
      expect(await handler({ senderFrame: null }, {}), channel).toMatchObject({
        ok: false,
        code: 'ERR_IPC_UNTRUSTED_SENDER',
      });
    }
  });
});
