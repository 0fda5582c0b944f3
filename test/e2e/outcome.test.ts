/**
 * The end of a run in Chromium (main and preload real, `sim:` training devices, the real OS keychain):
 * every result belongs to the device on screen, the safe action is the primary one after a stop or a
 * cable pull, a dry run keeps the result, the handover sheet carries the device's facts in the window's
 * language, and every field refuses over-long input with a sentence.
 *
 * Run: bash scripts/with-keyring.sh npx vitest run test/e2e/outcome.test.ts   (after `npm run build`)
 */
import { X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIELD_LIMITS } from '../../src/contract/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import type { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { en } from '../../src/renderer/i18n/en.js';
import { fmt } from '../../src/renderer/i18n/index.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import { systemHas } from '../helpers/system.js';
import { recorded } from './electron-main-shim.js';
import { type AppHarness, appSandbox, certFiles, forgetDevices, startApp } from './harness.js';
import { madeSims } from './made-sims.js';
import { checkScreen } from './screens.js';
import { eventually, wizardOn } from './wizard.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

vi.mock('../../src/simulator/index.js', async (real) =>
  (await import('./made-sims.js')).recordingSimulators(await real()),
);

const STOP = 'FOCOUTSTOP1';
const CUT = 'FOCOUTCUT01';
const OTHER = 'FOCOUTOTHR1';
const CN = 'room-21.e2e.example';
const CUT_CN = 'room-22.e2e.example';
const GENERATED = /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){6}$/;

describe.runIf(systemHas('chromium') && systemHas('keyring'))('the end of a run in Chromium', () => {
  let app: AppHarness;
  let page: Page;
  let dir: string;
  let store: KeychainSecretStore;
  const files = { cert: '', key: '', cut: '', cutKey: '', expired: '', expiredKey: '' };
  let expires = '';
  let sha1 = '';

  beforeAll(async () => {
    ({ dir, store } = await appSandbox('outcome'));
    const pki = await makeDemoPki('E2E outcome');
    const write = async (name: string, cn: string, days?: number): Promise<[string, string]> => {
      const issued = await issueDeviceCert(pki, { cn, ...(days !== undefined ? { days } : {}) });
      if (name === 'room-21') {
        const x = new X509Certificate(issued.certificatePem);
        expires = new Date(x.validTo).toISOString().slice(0, 10);
        sha1 = x.fingerprint.replace(/:/g, '').toLowerCase();
      }
      return certFiles(dir, name, issued.certificatePem, issued.keyPem);
    };
    [files.cert, files.key] = await write('room-21', CN);
    [files.cut, files.cutKey] = await write('room-22', CUT_CN);
    [files.expired, files.expiredKey] = await write('room-23', 'room-23.e2e.example', -6);
    app = await startApp();
    page = app.page;
    // A step that waits names itself in the failure, long before the test's own time runs out.
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await app?.close();
    await forgetDevices(store, [STOP, CUT, OTHER]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const wizard = wizardOn(() => page);
  const { goPage, chooseFiles } = wizard;

  async function connect(serial: string): Promise<void> {
    await wizard.connect(`sim:?serial=${serial}`);
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
    ).toBe(serial);
  }

  /** The printed sheet's text, as the print dialog would get it. */
  async function printed(button: string): Promise<string> {
    await page.evaluate(() => {
      const w = window as unknown as { printedSheets: string[] };
      w.printedSheets = [];
      window.print = () =>
        w.printedSheets.push(document.querySelector('.print-sheet[data-printing]')?.textContent ?? '');
    });
    await page.getByRole('button', { name: button }).click();
    return page.evaluate(() => (window as unknown as { printedSheets: string[] }).printedSheets.join('|'));
  }

  it('on first launch nothing “needs attention”, and every field refuses over-long input with a sentence', async () => {
    await goPage(1);
    expect(
      await page.locator('.stepper li').evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['current', 'open', 'open', 'open']);
    expect(await page.locator('.stepper .step-no').allTextContents()).toEqual(['1', '2', '3', '4']);

    const over = async (selector: string, length: number, max: number): Promise<void> => {
      const field = page.locator(selector);
      await field.fill('x'.repeat(length));
      expect(await field.evaluate((e) => (e as HTMLInputElement).value.length), selector).toBe(max);
      const note = page.locator(`[id="${(await field.getAttribute('id'))!}-limit"]`);
      expect(await note.textContent(), selector).toBe(
        fmt(en.common.fieldLimit, { n: max.toLocaleString('en') }),
      );
      expect(await field.getAttribute('aria-describedby'), selector).toContain(
        `${await field.getAttribute('id')}-limit`,
      );
      // Under the limit again: the sentence goes.
      await field.fill('');
      expect(await note.count(), selector).toBe(0);
    };
    await page.getByRole('radio', { name: en.device.links.ssh }).check();
    await over('#target', 5000, FIELD_LIMITS.target);
    await over('#login-password', 5000, FIELD_LIMITS.password);
    await page.locator('#target').fill('');
    await goPage(2);
    await over('#passphrase', 3000, FIELD_LIMITS.passphrase);
    await goPage(3);
    await page.getByRole('radio', { name: en.wizard.secretGiven }).check();
    await over('#given-secret', 5000, FIELD_LIMITS.secret);
    await over('#activation-code', 300, FIELD_LIMITS.activationCode);
    await page.locator('#activation-code').fill('');
    // A typed secret with a space at either end is kept, and the person is told.
    await page.locator('#given-secret').fill(' Typed by the owner: correct horse battery staple 42!');
    expect(await page.getByTestId('edge-space').textContent()).toBe(en.common.edgeSpace);
    await page.locator('#given-secret').fill('');
    expect(await page.getByTestId('edge-space').count()).toBe(0);
    await page.getByRole('radio', { name: en.wizard.secretGenerate }).check();
    // The blob inspector takes at most its limit, and says so; nothing reaches main as a bad input.
    await page.getByRole('tab', { name: en.nav.inspect }).click();
    await page.locator('#blob-input').fill('e'.repeat(300_000));
    expect(await page.locator('#blob-input').evaluate((e) => (e as HTMLTextAreaElement).value.length)).toBe(
      FIELD_LIMITS.blob,
    );
    expect(await page.getByTestId('field-limit').textContent()).toBe(
      fmt(en.common.fieldLimit, { n: FIELD_LIMITS.blob.toLocaleString('en') }),
    );
    await page.getByRole('button', { name: en.inspect.button }).click();
    await eventually(() =>
      page.locator('section[aria-labelledby=inspect-heading] [role=alert]').getAttribute('data-code'),
    ).toBe('ERR_JWE_PARTS');
    await checkScreen(page, '16-inspect-full', { shot: false });
    expect(app.calls.filter((c) => JSON.stringify(c.result).includes('ERR_IPC_BAD_INPUT'))).toEqual([]);
  });

  it('an expired certificate says “expired”, never a negative count of days', async () => {
    await connect(OTHER);
    await chooseFiles(files.expired, files.expiredKey, false);
    const valid = page.getByTestId('cert-report').locator('dt', { hasText: en.wizard.validity });
    const text = await valid.evaluate((e) => e.nextElementSibling?.textContent ?? '');
    expect(text).toMatch(/^\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(expired\)$/);
    expect(text).not.toContain('-6');
    // A code typed for this device, not sent: the next device starts with an empty field and hint.
    await goPage(3);
    await page.getByLabel(en.wizard.activationCode).pressSequentially('0000-1111-2222-3333');
    expect(await page.locator('#activation-code-state').getAttribute('data-state')).toBe('ok');
  });

  it('after a Stop, Resume is the primary action; the stop says what the device holds; a dry run keeps the result', async () => {
    await connect(STOP);
    await chooseFiles(files.cert, files.key);
    await goPage(3);
    // Another device: the activation code field and its hint start empty.
    expect(await page.getByLabel(en.wizard.activationCode).inputValue()).toBe('');
    expect(await page.locator('#activation-code-state').getAttribute('data-state')).toBe('empty');
    expect(await page.locator('#activation-code-state').textContent()).toBe(en.wizard.codeState.empty);
    await goPage(4);
    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    // Step numbering agrees with the numbered step list (every step of the plan, those left out too).
    const progress = page.getByTestId('run-progress').locator('[data-field=current]');
    await eventually(() => progress.count()).toBe(1);
    const [, n, total, title] =
      /^Step (\d+) of (\d+): (.+)$/.exec((await progress.textContent()) ?? '') ?? [];
    expect(Number(total)).toBe(await page.getByTestId('steps').locator('li[data-step]').count());
    if (title !== en.wizard.starting)
      expect(await page.locator(`[data-testid=steps] li:nth-child(${n}) .step-title`).textContent()).toBe(
        title,
      );
    const outcome = await wizard.stopAfterSecret();
    await eventually(() => outcome.getAttribute('data-verdict'), 90_000).toBe('stopped');
    const stoppedAt = await page.locator('li[data-status=failed]').getAttribute('data-step');
    // The step where it stopped says "stopped", not "failed".
    expect(await page.locator(`li[data-step=${stoppedAt}] .badge`).textContent()).toBe(en.status.stopped);
    // A deliberate stop: it says it stopped, where, and what the device holds; not "failed", not "fix the cause".
    expect(await outcome.getByTestId('verdict').textContent()).toBe(
      `You stopped the provisioning of Cisco Room Kit ${STOP} at “${en.steps[stoppedAt!]}”.`,
    );
    expect(await outcome.getByTestId('device-state').textContent()).toContain(en.steps['populate-secret']);
    expect(await outcome.locator('h4').first().textContent()).toBe(`■ ${en.wizard.stoppedHeading}`);
    expect(await outcome.textContent()).not.toContain(en.wizard.resumeHint);
    expect(await outcome.textContent()).toContain(en.wizard.stoppedHint);
    // Resume is the primary action; Provision is small and second.
    const resume = page.getByRole('button', { name: en.wizard.resume });
    expect(await resume.getAttribute('class')).toBe('primary big');
    expect(await page.getByRole('button', { name: en.wizard.start, exact: true }).getAttribute('class')).toBe(
      null,
    );
    // This device's secret is the handover step inside the outcome, before anything else.
    expect(await outcome.getByTestId('reveal').getAttribute('data-serial')).toBe(STOP);
    expect(await store.get(STOP)).toMatch(GENERATED);
    await checkScreen(page, '15-stopped-resume-primary');

    // A reset after a partial run asks again, saying what the stopped run did is erased too.
    await goPage(3);
    await page.getByRole('radio', { name: en.wizard.factoryReset }).check();
    await goPage(4);
    await page.getByRole('button', { name: en.wizard.startWithReset }).click();
    const dialog = page.getByTestId('confirm-reset');
    await eventually(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('[data-field=lost]').textContent()).toBe(
      `${en.wizard.resetDialog.afterPartial} ${en.wizard.resetDialog.lost}`,
    );
    await dialog.getByRole('button', { name: en.common.cancel }).click();
    await goPage(3);
    await page.getByRole('radio', { name: en.wizard.resetNo }).check();
    await goPage(4);

    // A dry run never discards the result: the stop and its Resume stay, the plan comes beside them.
    await page.getByRole('button', { name: en.wizard.plan }).click();
    await eventually(() => page.getByTestId('plan-steps').locator('li[data-step]').count()).toBeGreaterThan(
      5,
    );
    expect(await outcome.getAttribute('data-verdict')).toBe('stopped');
    expect(await resume.getAttribute('class')).toBe('primary big');

    await resume.click();
    await eventually(() => outcome.getAttribute('data-verdict'), 90_000)
      .toBe('done')
      .catch(async (e: Error) => {
        const seen = await page.locator('[data-page=run]').textContent();
        throw new Error(`${e.message}\n${seen}`);
      });
    // The verdict in a line: device, identity, expiry; the one next action; details folded.
    expect(await outcome.getByTestId('verdict').textContent()).toBe(
      `Provisioned: Cisco Room Kit ${STOP} now shows “${CN}”, valid until ${expires}.`,
    );
    expect(await outcome.locator('.next-action').textContent()).toBe(en.wizard.nextHandover);
    expect(await outcome.locator('details.outcome-details').getAttribute('open')).toBe(null);
    expect(await page.getByRole('button', { name: en.wizard.nextDevice }).getAttribute('class')).toBe(
      'primary big',
    );
    // A dry run after the success: the success, its handover and "Next device" stay.
    await page.getByRole('button', { name: en.wizard.plan }).click();
    await eventually(() =>
      page.getByTestId('plan').locator('li[data-included=true]').count(),
    ).toBeGreaterThan(5);
    expect(await outcome.getAttribute('data-verdict')).toBe('done');
    expect(await outcome.getByTestId('verdict').textContent()).toContain(CN);
    expect(await page.getByRole('button', { name: en.wizard.nextDevice }).getAttribute('class')).toBe(
      'primary big',
    );
    expect(await page.getByTestId('status-bar').locator('[data-field=secret]').textContent()).toBe(
      `⚠ ${fmt(en.statusBar.secretsWaiting.one, { n: 1 })}`,
    );
    await checkScreen(page, '06-outcome-card', { dark: true });
  }, 240_000);

  it('the handover sheet, printed and saved, carries the device’s facts in the window’s language', async () => {
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    try {
      // Korean lines break between words, never inside one.
      expect(await page.getByTestId('status-bar').evaluate((e) => getComputedStyle(e).wordBreak)).toBe(
        'keep-all',
      );
      const without = await printed(ko.reveal.printWithout);
      for (const fact of [ko.reveal.sheetTitle, ko.wizard.cn, CN, 'Cisco Room Kit', STOP, sha1, expires])
        expect(without, fact).toContain(fact);
      expect(without).not.toContain(ko.reveal.sheetSecret);
      expect(without).not.toContain('Handover');
      await page.getByRole('button', { name: ko.reveal.show }).click();
      const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
      expect(secret).toMatch(GENERATED);
      const withSecret = await printed(ko.reveal.printWith);
      expect(withSecret).toContain(`${ko.reveal.sheetSecret}${secret}`);
      expect(withSecret).toContain(CN);
      // The sheet's copy of the secret lives only while the print dialog is open.
      expect(await page.getByTestId('print-sheet').textContent()).not.toContain(secret);
      const saved = join(dir, 'sheet-ko.txt');
      recorded.saveAnswers.push(saved);
      await page.getByRole('button', { name: ko.reveal.saveWith }).click();
      await eventually(() => page.getByTestId('reveal-note').textContent()).toBe(
        fmt(ko.reveal.savedWith, { name: 'sheet-ko.txt' }),
      );
      const text = await readFile(saved, 'utf8');
      const lines = text.split('\n');
      expect(lines[0]).toBe('인계서: 장치의 종단 간 암호화 ID');
      for (const line of ['장치: Cisco Room Kit', `일련번호: ${STOP}`, `ID(CN): ${CN}`, `지문: ${sha1}`])
        expect(lines).toContain(line);
      expect(lines.find((l) => l.startsWith('만료일: '))?.slice(0, 15)).toBe(`만료일: ${expires}`);
      expect(text).toContain(`클라이언트 비밀: ${secret}`);
      await page.getByRole('button', { name: ko.reveal.hide }).click();
    } finally {
      await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
    }
  });

  it('a disconnect or another device leaves no result behind; other devices’ secrets are grouped and named', async () => {
    await goPage(1);
    await page.getByRole('button', { name: en.device.disconnect }).click();
    await eventually(() => page.getByTestId('device-chip').getAttribute('data-connected')).toBe('false');
    await goPage(4);
    expect(await page.getByTestId('outcome').count()).toBe(0);
    expect(await page.getByRole('button', { name: en.wizard.nextDevice }).count()).toBe(0);
    expect(await page.locator('.stepper li:nth-child(4)').getAttribute('data-state')).toBe('current');
    expect(await page.locator('.stepper li:nth-child(1)').getAttribute('data-state')).toBe('open');
    // The Port field keeps nothing typed for another link.
    await goPage(1);
    await page.getByRole('radio', { name: en.device.links.serial }).check();
    await page.locator('#target').fill('sim:?bogus=1');
    await page.getByRole('radio', { name: en.device.links.sim }).check();
    await page.getByRole('radio', { name: en.device.links.serial }).check();
    expect(await page.locator('#target').inputValue()).toBe('');

    await connect(OTHER);
    await goPage(3);
    // The code field and its hint start empty for this device.
    expect(await page.getByLabel(en.wizard.activationCode).inputValue()).toBe('');
    expect(await page.locator('#activation-code-state').getAttribute('data-state')).toBe('empty');
    await goPage(4);
    expect(await page.getByTestId('outcome').count()).toBe(0);
    // STOP's secret still waits: not as this device's, but under a heading that names it.
    const others = page.getByTestId('other-secrets');
    expect(await others.locator('h4').textContent()).toBe(fmt(en.wizard.othersWaiting, { serials: STOP }));
    expect(await others.getByTestId('reveal').getAttribute('data-serial')).toBe(STOP);
    // A stale "not connected" alert goes when the device is back.
    await chooseFiles(files.cut, files.cutKey);
    await goPage(4);
    await page.evaluate(() => window.provisioner.device.disconnect());
    await page.getByRole('button', { name: en.wizard.plan }).click();
    await eventually(() => page.locator('[data-page=run] .problem').getAttribute('data-code')).toBe(
      'ERR_APP_NOT_CONNECTED',
    );
    await eventually(() => page.getByTestId('device-chip').getAttribute('data-connected')).toBe('false');
    await connect(OTHER);
    await goPage(4);
    expect(await page.locator('[data-page=run] .problem').count()).toBe(0);
  });

  it('after a cable pull during the certificate step, the header, the steps and Resume agree; the same device back offers Resume', async () => {
    await connect(CUT);
    await chooseFiles(files.cut, files.cutKey);
    await goPage(4);
    madeSims.get(CUT)!.setFaults({ dropOnCommand: 'Certificates Services Add' });
    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    const outcome = page.getByTestId('outcome');
    await eventually(() => outcome.getAttribute('data-verdict'), 90_000).toBe('failed');
    expect(await page.locator('li[data-status=failed]').getAttribute('data-step')).toBe('add-certificate');
    // The header says what main knows: no device; the steps and Resume stay, Resume first.
    await eventually(() => page.getByTestId('device-chip').getAttribute('data-connected')).toBe('false');
    expect(await page.getByTestId('steps').locator('li[data-step]').count()).toBeGreaterThan(5);
    const resume = page.getByRole('button', { name: en.wizard.resume });
    expect(await resume.getAttribute('class')).toBe('primary big');
    expect(await outcome.locator('.next-action').textContent()).toBe(
      fmt(en.wizard.reconnectHint, { serial: CUT }),
    );
    // The same device connected again: the outcome and Resume are still there.
    await connect(CUT);
    await goPage(4);
    expect(await outcome.getAttribute('data-verdict')).toBe('failed');
    expect(await resume.getAttribute('class')).toBe('primary big');
    expect(await outcome.locator('.next-action').textContent()).toBe(en.wizard.resumeHint);
    await resume.click();
    await eventually(() => outcome.getAttribute('data-verdict'), 90_000).toBe('done');
    expect(await outcome.getByTestId('reveal').getAttribute('data-serial')).toBe(CUT);
  }, 240_000);

  it('a rotation’s secret is saved on its own sheet, with the device’s facts, in the window’s language', async () => {
    await page.getByRole('tab', { name: en.nav.rotate }).click();
    await page.getByRole('radio', { name: en.rotate.generate }).check();
    await page.getByRole('button', { name: en.rotate.run }).click();
    await page
      .getByTestId('confirm-rotate')
      .getByRole('button', { name: `Change the secret on ${CUT}` })
      .click();
    await eventually(() => page.getByTestId('rotate-result').count(), 30_000).toBe(1);
    const mine = page.locator(
      `section[aria-labelledby=rotate-heading] [data-testid=reveal][data-serial=${CUT}]`,
    );
    await eventually(() => mine.count()).toBe(1);
    await checkScreen(page, '10-rotated-sheet', { shot: false });
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    try {
      const saved = join(dir, 'rotation-sheet.txt');
      recorded.saveAnswers.push(saved);
      await mine.getByRole('button', { name: ko.reveal.saveWithout }).click();
      await eventually(() => mine.getByTestId('reveal-note').textContent()).toBe(
        fmt(ko.reveal.savedWithout, { name: 'rotation-sheet.txt' }),
      );
      const text = await readFile(saved, 'utf8');
      expect(text).toContain('인계서');
      expect(text).toContain(`일련번호: ${CUT}`);
      expect(text).toContain(`ID(CN): ${CUT_CN}`);
      expect(text).not.toContain(ko.reveal.sheetSecret);
    } finally {
      await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
    }
    expect(app.pageErrors).toEqual([]);
  });
});
