/**
 * The app end to end without the Electron binary: the real main code (with `electron` replaced by a
 * test shim), the real preload bundle (built against the page-side shim) and the built renderer in
 * Debian's Chromium. Only Chromium-inside-Electron is not exercised.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../src/contract/index.js';
import { CSP } from '../../src/main/shell-policy.js';
import { systemHas } from '../helpers/system.js';
import { recorded } from './electron-main-shim.js';
import { type AppHarness, startApp } from './harness.js';
import { checkScreen } from './screens.js';

vi.mock('electron', () => import('./electron-main-shim.js'));

const BLOB =
  'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';

describe.runIf(systemHas('chromium'))('the app in Chromium, main and preload real', () => {
  let app: AppHarness;
  let page: Page;
  let fileUrlPrefix: string;

  beforeAll(async () => {
    app = await startApp();
    page = app.page;
    fileUrlPrefix = app.fileUrlPrefix;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens one window isolated, sandboxed, without Node, on the built renderer', () => {
    const prefs = recorded.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String(prefs.preload)).toMatch(/dist\/preload\/index\.cjs$/);
    expect(recorded.windows[0]!.loadedFile).toMatch(/dist\/renderer\/index\.html$/);
    // file:// has no response headers: the CSP is the page's meta tag (below), not a webRequest hook.
    expect(recorded.headerHooks).toHaveLength(0);
    expect(recorded.windows[0]!.webContents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({
      action: 'deny',
    });
    expect(recorded.openedExternally).toEqual([]);
  });

  it('during development keeps the developer tools and Electron’s menu, and still denies permissions', () => {
    expect(recorded.windows[0]!.options.webPreferences.devTools).toBe(true);
    expect(recorded.applicationMenu).toBeUndefined();
    const answers: boolean[] = [];
    recorded.permissionRequestHandler!({}, 'media', (granted) => answers.push(granted));
    expect(answers).toEqual([false]);
    expect(recorded.permissionCheckHandler!(null, 'notifications', 'file:///')).toBe(false);
  });

  it('runs under the CSP the build wrote: inline scripts, inline handlers and network are blocked', async () => {
    // The harness serves the page with no CSP header, as file:// has none: the meta tag is the only policy.
    const seen = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const metas = [...document.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]')];
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true;';
      document.head.append(inline);
      // An inline event handler is inline script too (script-src-attr falls back to script-src).
      const handled = document.createElement('button');
      handled.setAttribute('onclick', 'window.__handlerRan = true;');
      handled.click();
      let fetchBlocked = false;
      try {
        await fetch('./index.html');
      } catch {
        fetchBlocked = true;
      }
      // Violation events are queued as tasks; wait for the three. (eval is not tried: code evaluated
      // through the DevTools protocol, as this is, may always eval.)
      for (let i = 0; i < 50 && violations.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      return {
        policies: metas.map((m) => m.getAttribute('content')),
        inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
        handlerRan: (window as unknown as { __handlerRan?: boolean }).__handlerRan === true,
        fetchBlocked,
        violations: violations.sort(),
      };
    });
    expect(seen).toEqual({
      policies: [CSP],
      inlineRan: false,
      handlerRan: false,
      fetchBlocked: true,
      violations: ['connect-src', 'script-src-attr', 'script-src-elem'],
    });
  });

  it('loads from file:// as a browser does, with no privileges beyond (the grantFileProtocolExtraPrivileges fuse off)', async () => {
    // Chromium gives a file:// page no CORS: a module script or a crossorigin stylesheet would not load.
    const filePage = await app.context.newPage();
    const errors: string[] = [];
    const failed: string[] = [];
    filePage.on('pageerror', (e) => errors.push(e.message));
    filePage.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    filePage.on('requestfailed', (r) => failed.push(r.url()));
    try {
      await filePage.goto(`${fileUrlPrefix}index.html`);
      await expect.poll(() => filePage.getByTestId('version').textContent()).toBe('v0.1.0-test');
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await filePage.close();
    }
  });

  it('registers exactly the contract’s channels', () => {
    expect([...recorded.handlers.keys()].sort()).toEqual(Object.keys(CHANNELS).sort());
  });

  it('shows the version from main and inspects a pasted blob through the preload', async () => {
    await expect.poll(() => page.getByTestId('version').textContent()).toBe('v0.1.0-test');
    await page.getByRole('tab', { name: 'Blob inspector' }).click();
    await page.getByRole('textbox', { name: 'Blob', exact: true }).fill(BLOB);
    await page.getByRole('button', { name: 'Inspect' }).click();
    const info = page.getByTestId('blob-info');
    await expect.poll(() => info.locator('[data-field=action]').textContent()).toBe('add');
    await expect.poll(() => info.locator('[data-field=enc]').textContent()).toBe('A128GCM');
    await expect.poll(() => info.locator('[data-field=salt]').textContent()).toBe('5eZTCAP4M_Y (8 bytes)');
    await expect.poll(() => info.locator('[data-field=canonical]').textContent()).toBe('yes');
    await checkScreen(page, '16-inspect');
  });

  it('shows a failure in the person’s language, by its code', async () => {
    await page.getByLabel('Language').selectOption('ko');
    await page.getByRole('textbox', { name: 'JWE 데이터', exact: true }).fill('not a blob');
    await page.getByRole('button', { name: '검사' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('ERR_JWE_PARTS');
    await expect
      .poll(() => alert.textContent())
      .toBe(
        'JWE 데이터 전체가 아닙니다. JWE 데이터는 점으로 구분된 다섯 부분으로 되어 있습니다. 다시 복사하십시오.',
      );
  });

  it('exposes only the named bridge, frozen, and no Node in the page', async () => {
    const shape = await page.evaluate(() => ({
      keys: Object.keys(window.provisioner).sort(),
      frozen: Object.isFrozen(window.provisioner),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(shape).toEqual({
      keys: [
        'app',
        'blob',
        'cloud',
        'console',
        'credentials',
        'device',
        'fleet',
        'handover',
        'inventory',
        'journal',
        'meeting',
        'onWorkflowEvent',
        'ports',
        'provision',
        'secrets',
      ],
      frozen: true,
      require: 'undefined',
      process: 'undefined',
    });
  });

  it('main refuses bad input and a foreign sender, as data with a code', async () => {
    const handler = recorded.handlers.get('blob.inspect')!;
    expect(await handler({ senderFrame: { url: `${fileUrlPrefix}index.html` } }, { blob: 42 })).toEqual({
      ok: false,
      code: 'ERR_IPC_BAD_INPUT',
      message: 'blob.inspect: blob must be a string',
    });
    expect(await handler({ senderFrame: { url: 'https://evil.example/' } }, { blob: BLOB })).toMatchObject({
      ok: false,
      code: 'ERR_IPC_UNTRUSTED_SENDER',
    });
    // URLs that start like the app's folder but name a file elsewhere: compared parsed and normalised.
    const folder = fileUrlPrefix.replace(/\/$/, '');
    for (const url of [
      `${fileUrlPrefix}../../evil.html`,
      `${fileUrlPrefix}%2e%2e/%2e%2e/evil.html`,
      `${fileUrlPrefix}..%2f..%2fevil.html`,
      `${fileUrlPrefix}sub/../../evil.html`,
      `${folder}-copy/index.html`,
      `file://evil.example${new URL(fileUrlPrefix).pathname}index.html`,
    ]) {
      expect(await handler({ senderFrame: { url } }, { blob: BLOB }), url).toMatchObject({
        ok: false,
        code: 'ERR_IPC_UNTRUSTED_SENDER',
      });
    }
    // The page's own URL, however spelled, is the page.
    expect(
      await handler({ senderFrame: { url: `${fileUrlPrefix}./index.html#x` } }, { blob: BLOB }),
    ).toMatchObject({ ok: true });
  });
});
