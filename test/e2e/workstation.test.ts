/**
 * The workstation's screens end to end, as a technician and a device owner use them: the real main code
 * (electron shimmed), the real preload bundle, the built renderer in Debian's Chromium, the training
 * simulator behind `sim:` targets, and the real OS keychain (GNOME Keyring under scripts/with-keyring.sh,
 * a service name of this run's own).
 *
 * Run: bash scripts/with-keyring.sh npx vitest run test/e2e   (after `npm run build`, for the renderer)
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../src/contract/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { en } from '../../src/renderer/i18n/en.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { createSimulator } from '../../src/simulator/index.js';
import { systemHas } from '../helpers/system.js';
import { recorded } from './electron-main-shim.js';
import { type AppHarness, FOREIGN_ORIGIN, reactStrings, startApp } from './harness.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

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

/** Waits for what main does asynchronously (scrypt, console round trips) on a busy two-core machine. */
function eventually<T>(f: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(f, { timeout, interval: 100 });
}

const TYPED_SECRET = 'Typed by the owner: correct horse battery staple 42!';

describe.runIf(systemHas('chromium') && systemHas('keyring'))('the workstation in Chromium', () => {
  let app: AppHarness;
  let page: Page;
  let dir: string;
  let store: KeychainSecretStore;
  const files = { cert: '', key: '', cert2: '', key2: '' };
  /** Every secret the keychain held for the device, in order. */
  const stored: string[] = [];
  let revealed = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-e2e-'));
    const service = `e2ee-prov-e2e-${randomUUID()}`;
    process.env.E2EE_PROV_KEYCHAIN_SERVICE = service;
    process.env.E2EE_PROV_HOME = join(dir, 'home');
    process.env.E2EE_PROV_KNOWN_HOSTS = join(dir, 'known-hosts.json');
    store = new KeychainSecretStore({ service });

    const pki = await makeDemoPki('E2E');
    const issued = await issueDeviceCert(pki, { cn: CN, dns: [CN] });
    files.cert = join(dir, 'room-7.crt.pem');
    files.key = join(dir, 'room-7.key.pem');
    await writeFile(files.cert, `${issued.certificatePem}\n${pki.intermediatePem}`);
    await writeFile(files.key, issued.keyPem, { mode: 0o600 });
    const second = await issueDeviceCert(pki, { cn: 'room-8.e2e.example' });
    files.cert2 = join(dir, 'room-8.crt.pem');
    files.key2 = join(dir, 'room-8.key.pem');
    await writeFile(files.cert2, second.certificatePem);
    await writeFile(files.key2, second.keyPem, { mode: 0o600 });

    app = await startApp();
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    for (const s of [SERIAL, 'FOCSX80TEST', STOP_SERIAL]) {
      await store?.delete(s).catch(() => undefined);
      await store?.deletePending(s).catch(() => undefined);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function connect(target: string): Promise<void> {
    await page.getByRole('tab', { name: en.nav.provision }).click();
    await page.getByRole('button', { name: en.wizard.pages.device }).click();
    await page.getByRole('textbox', { name: en.device.target }).fill(target);
    await page.getByRole('button', { name: en.device.connect, exact: true }).click();
  }

  it('a technician provisions a sim: device through the wizard and sees every step done', async () => {
    await connect('sim:');
    const facts = page.getByTestId('device-facts');
    await eventually(() => facts.locator('[data-field=serial]').textContent()).toBe(SERIAL);
    expect(await facts.locator('[data-field=secret]').textContent()).toBe(en.device.secretNone);

    await page.getByRole('button', { name: en.common.next }).first().focus();
    await page.keyboard.press('Enter');
    // The keyboard lands on the new page's heading, not on a button that is now hidden.
    await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe(
      en.wizard.certHeading,
    );
    recorded.dialogAnswers.push(files.cert, files.key);
    await page.getByRole('button', { name: en.wizard.chooseCert }).click();
    await eventually(() => page.getByTestId('chosen-certificate').textContent()).toBe(
      'Chosen: room-7.crt.pem',
    );
    await page.getByRole('button', { name: en.wizard.chooseKey }).click();
    await eventually(() => page.getByTestId('chosen-key').textContent()).toBe('Chosen: room-7.key.pem');
    expect(recorded.dialogRequests.map((r) => r.title)).toEqual([
      'Choose the device certificate',
      'Choose the private key',
    ]);
    await page.getByRole('button', { name: en.wizard.check }).click();
    const report = page.getByTestId('cert-report');
    await eventually(() => report.getAttribute('data-ok')).toBe('true');
    expect(await report.locator('[data-field=cn]').textContent()).toBe(CN);

    await page.getByRole('button', { name: en.wizard.pages.options }).click();
    expect(await page.getByRole('checkbox', { name: en.wizard.backup }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: en.wizard.factoryReset }).check();
    await page.getByRole('button', { name: en.wizard.pages.run }).click();
    // The reset is not confirmed yet: the wizard says so and will not start.
    await eventually(() => page.locator('.blockers').textContent()).toContain(en.wizard.needConfirm);
    expect(await page.getByRole('button', { name: en.wizard.start, exact: true }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: en.wizard.pages.options }).click();
    await page.getByRole('checkbox', { name: en.wizard.confirmReset }).check();
    await page.getByRole('checkbox', { name: en.wizard.restoreName }).check();
    await page.getByLabel(en.wizard.activationCode).fill('0000-1111-2222-3333');
    await page.getByRole('button', { name: en.common.next }).first().click();

    // The dry run: the plan, nothing done to the device.
    await page.getByRole('button', { name: en.wizard.plan }).click();
    const steps = page.getByTestId('steps').locator('li[data-step]');
    await eventually(() => steps.count()).toBe(ALL_STEPS.length);
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-included')))).toEqual(
      ALL_STEPS.map((id) => (id === 'register-first' ? 'false' : 'true')),
    );

    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    // Live: while the procedure runs, the window shows a step running and the ones behind it done.
    const running = page.locator('li[data-step][data-status=running]');
    await eventually(() => running.count()).toBe(1);
    expect(await running.locator('.badge').textContent()).toBe(en.status.running);
    await eventually(() => page.locator('li[data-step][data-status=done]').count(), 90_000).toBeGreaterThan(
      2,
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
      `Provisioned: Cisco Room Kit ${SERIAL} now shows “${CN}”.`,
    );
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
    // A generated secret waits in main; the window has only the offer to reveal it.
    expect(await page.getByTestId('reveal').getAttribute('data-stage')).toBe('ready');

    const secret = await store.get(SERIAL);
    expect(secret).toMatch(GENERATED);
    stored.push(secret!);

    const shot = join(tmpdir(), 'e2ee-prov-wizard.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`wizard screenshot: ${shot}`);
  }, 150_000);

  it('a failure shows the code’s words and what to do next, in English and Korean', async () => {
    await connect('sim:?model=Cisco TelePresence SX80&serial=FOCSX80TEST');
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=product]').textContent(),
    ).toBe('Cisco TelePresence SX80');
    await page.getByRole('button', { name: en.wizard.pages.run }).click();
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
    expect(await page.getByTestId('outcome').textContent()).toContain(en.wizard.resumeHint);

    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    await eventually(() => alert.locator('.problem-words').textContent()).toBe(
      ko.errors.ERR_WORKFLOW_MODEL_UNSUPPORTED,
    );
    expect(await precheck.locator('.badge').textContent()).toBe(ko.status.failed);
    expect(await precheck.locator('.step-title').textContent()).toBe(ko.steps.precheck);
    expect(await page.getByRole('button', { name: ko.wizard.resume }).isVisible()).toBe(true);
    expect(await page.getByTestId('outcome').textContent()).toContain(ko.wizard.resumeHint);
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
  });

  it('rotation shows the new secret once, and the window keeps no copy of it', async () => {
    await connect('sim:'); // the same training device as before: it holds the provisioned secret
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=secret]').textContent(),
    ).toBe('stored in OS keychain');
    await page.getByRole('tab', { name: en.nav.rotate }).click();
    await page.getByRole('button', { name: en.rotate.run }).click();
    const result = page.getByTestId('rotate-result');
    await eventually(() => result.getByRole('status').first().textContent(), 20_000).toBe(
      `The device ${SERIAL} now holds the new secret; the keychain has it.`,
    );
    const secret = await store.get(SERIAL);
    expect(secret).toMatch(GENERATED);
    expect(secret).not.toBe(stored[0]);
    stored.push(secret!);
    // Not shown until asked for.
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: en.reveal.show }).click();
    const shown = page.getByTestId('new-secret');
    await eventually(() => shown.textContent()).toBe(secret);
    revealed = secret!;
    expect(await reactStrings(page).then((all) => all.some((s) => s.includes(secret!)))).toBe(false);

    await page.getByRole('button', { name: en.reveal.hide }).click();
    await eventually(() => page.getByTestId('reveal').getAttribute('data-stage')).toBe('hidden');
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
    // Main gave it once: asking again gets nothing.
    const again = await page.evaluate(() => window.provisioner.secrets.reveal('rotate'));
    expect(again).toMatchObject({ ok: false, code: 'ERR_APP_NOTHING_TO_REVEAL' });
  });

  it('a secret the owner types is sent once and not kept in the window', async () => {
    await page.getByRole('radio', { name: en.rotate.given }).check();
    const input = page.getByLabel(en.rotate.newValue, { exact: true });
    await input.fill(TYPED_SECRET);
    await page.getByRole('button', { name: en.rotate.run }).click();
    await eventually(
      () => page.getByTestId('rotate-result').getByRole('status').first().textContent(),
      20_000,
    ).toContain(SERIAL);
    expect(await store.get(SERIAL)).toBe(TYPED_SECRET);
    stored.push(TYPED_SECRET);
    expect(await input.inputValue()).toBe('');
    expect(
      await page.getByTestId('rotate-result').getByRole('button', { name: en.reveal.show }).count(),
    ).toBe(0);
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

    // Keyboard: the tabs follow the arrow keys.
    await page.getByRole('tab', { name: en.nav.inventory }).focus();
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
    ).toContain('Saved 15 answers to ');
    const text = (await result.textContent()) ?? '';
    const file = /Saved 15 answers to (\S+\.json)\./.exec(text)?.[1] ?? '';
    expect(file.startsWith(join(dir, 'home', 'captures', `capture-${SERIAL}-`))).toBe(true);
    const capture = JSON.parse(await readFile(file, 'utf8')) as { probes: unknown[]; format: string };
    expect(capture.format).toBe('e2ee-prov-device-capture');
    for (const s of stored) expect(JSON.stringify(capture)).not.toContain(s);
    expect(text).toContain(en.console.lineWhole.replace('{n}', '8192'));

    await page.getByLabel('Language / 언어', { exact: true }).selectOption('ko');
    await page.getByRole('button', { name: ko.console.capture }).click();
    await eventually(() => result.textContent(), 60_000).toContain('응답 15개를');
    await page.getByRole('tab', { name: ko.nav.provision }).click();
    await page.getByRole('button', { name: ko.wizard.pages.options }).click();
    const resetBox = page.getByLabel(ko.wizard.factoryReset);
    const wasChecked = await resetBox.isChecked();
    if (!wasChecked) await resetBox.check();
    const keep = page.getByTestId('reset-keep');
    expect(await keep.textContent()).toContain(ko.wizard.keepItems.LocalSetup);
    expect(await keep.textContent()).toContain(ko.wizard.keepNever);
    if (!wasChecked) await resetBox.uncheck();
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
  }, 150_000);

  it('a technician stops a provisioning, then resumes it where it stopped', async () => {
    await connect(`sim:?serial=${STOP_SERIAL}`);
    await eventually(() =>
      page.getByTestId('device-facts').locator('[data-field=serial]').textContent(),
    ).toBe(STOP_SERIAL);
    await page.getByRole('button', { name: en.common.next }).first().click();
    recorded.dialogAnswers.push(files.cert2, files.key2);
    await page.getByRole('button', { name: en.wizard.chooseCert }).click();
    await eventually(() => page.getByTestId('chosen-certificate').textContent()).toBe(
      'Chosen: room-8.crt.pem',
    );
    await page.getByRole('button', { name: en.wizard.chooseKey }).click();
    await eventually(() => page.getByTestId('chosen-key').textContent()).toBe('Chosen: room-8.key.pem');
    await page.getByRole('button', { name: en.wizard.check }).click();
    await eventually(() => page.getByTestId('cert-report').getAttribute('data-ok')).toBe('true');
    await page.getByRole('button', { name: en.wizard.pages.run }).click();

    await page.getByRole('button', { name: en.wizard.start, exact: true }).click();
    await page.getByRole('button', { name: en.wizard.stop }).click();
    const outcome = page.getByTestId('outcome');
    await eventually(() => outcome.getAttribute('data-ok'), 90_000).toBe('false');
    const stopped = page.locator('li[data-status=failed]');
    expect(await stopped.getByRole('alert').getAttribute('data-code')).toBe('ERR_WORKFLOW_CANCELLED');
    expect(await stopped.locator('.problem-words').textContent()).toBe(en.errors.ERR_WORKFLOW_CANCELLED);
    const stoppedAt = await stopped.getAttribute('data-step');
    expect(stoppedAt).not.toBe('precheck');

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
        id === 'register' || id === 'verify-registered' || id === 'register-first'
          ? 'skipped' // no activation code this time
          : changing.includes(id) && doneBefore.includes(id)
            ? 'skipped'
            : 'done',
      ]),
    );
    expect(await page.locator('ul.notes').textContent()).toContain('Resuming the provisioning started');
    expect(await page.locator('li[data-step=register] .step-detail').textContent()).toBe(en.leftOut.register);
    const secret = await store.get(STOP_SERIAL);
    expect(secret ?? '').toMatch(GENERATED);
    stored.push(secret!);
  }, 150_000);

  it('the renderer never receives a stored secret: every IPC result and event inspected', async () => {
    expect(app.pageErrors).toEqual([]);
    expect(stored).toHaveLength(4);
    await app.delivered();
    const results = app.calls.map((c) => ({ channel: c.channel, json: JSON.stringify(c.result) }));
    const events = recorded.sent.map((s) => JSON.stringify(s.payload));
    expect(new Set(results.map((r) => r.channel))).toEqual(
      new Set([
        'app.info',
        'device.connect',
        'device.identify',
        'device.capture',
        'credentials.choose',
        'credentials.inspect',
        'provision.run',
        'provision.stop',
        'provision.resume',
        'secret.rotate',
        'secret.reveal',
        'inventory.list',
        'journal.verify',
        'console.read',
      ]),
    );
    for (const s of stored) {
      const inResults = results.filter((r) => r.json.includes(s)).map((r) => r.channel);
      // The one exception: the freshly generated secret the owner asked to see, once.
      expect(inResults, 'a stored secret reached the renderer').toEqual(
        s === revealed ? ['secret.reveal'] : [],
      );
      expect(events.filter((e) => e.includes(s))).toEqual([]);
    }
    // The provisioning's generated secret was never asked for, so it never left main, even as input.
    expect(app.calls.filter((c) => JSON.stringify(c.input).includes(stored[0]!))).toEqual([]);
  });

  it('a first SSH connection shows the host key’s fingerprint and connects only when the person accepts it', async () => {
    const sim = await createSimulator({ serialNumber: 'FOCSSHE2E01' });
    try {
      const served = await sim.serveSsh();
      await connect(`ssh://admin@localhost:${served.port}`);
      const dialog = page.getByTestId('host-key');
      await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true);
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
