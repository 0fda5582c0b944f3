/**
 * The app in Chromium without the Electron binary (DESIGN.md, "Testing the app where the Electron binary
 * cannot run"): the real main code runs in this test process with `electron` replaced by
 * electron-main-shim.ts (the test file mocks it), the real preload is bundled against the page-side
 * shim and runs first in every page, and the built renderer is served as Electron's loadFile would.
 * Every IPC call and every event main sends is recorded, so that a test can inspect all the renderer
 * ever received.
 */
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { expect, vi } from 'vitest';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { recorded } from './electron-main-shim.js';

export const ORIGIN = 'http://app.test';

/**
 * A new folder `e2ee-e2e-<name>-…` for a suite, and the app's environment in it: its data folder `home`,
 * its known hosts, and a keychain service of the suite's own (returned as the store the suite empties).
 */
export async function appSandbox(name: string): Promise<{ dir: string; store: KeychainSecretStore }> {
  const dir = await mkdtemp(join(tmpdir(), `e2ee-e2e-${name}-`));
  const service = `e2ee-prov-e2e-${name}-${randomUUID()}`;
  process.env.E2EE_PROV_KEYCHAIN_SERVICE = service;
  process.env.E2EE_PROV_HOME = join(dir, 'home');
  process.env.E2EE_PROV_KNOWN_HOSTS = join(dir, 'known-hosts.json');
  return { dir, store: new KeychainSecretStore({ service }) };
}
/** Writes `<name>.crt.pem` and `<name>.key.pem` (the key readable by its owner alone) in `dir`; their paths. */
export async function certFiles(
  dir: string,
  name: string,
  certPem: string,
  keyPem: string,
): Promise<[string, string]> {
  const cert = join(dir, `${name}.crt.pem`);
  const key = join(dir, `${name}.key.pem`);
  await writeFile(cert, certPem);
  await writeFile(key, keyPem, { mode: 0o600 });
  return [cert, key];
}

/** Deletes what the keychain may hold for `serials` (their secrets, kept and pending), if anything. */
export async function forgetDevices(
  store: KeychainSecretStore | undefined,
  serials: readonly string[],
): Promise<void> {
  for (const s of serials) {
    await store?.delete(s).catch(() => undefined);
    await store?.deletePending(s).catch(() => undefined);
  }
}

/** A page that is not the app: same browser, same bridge, another origin. */
export const FOREIGN_ORIGIN = 'http://elsewhere.test';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

export interface IpcCall {
  channel: string;
  input: unknown;
  result: unknown;
  url: string;
}

export interface AppHarness {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The file URL prefix main trusts (the built renderer's folder). */
  fileUrlPrefix: string;
  /** Every call through the binding, with what main answered. */
  calls: IpcCall[];
  /** Uncaught errors in the app's page (a test expects none). */
  pageErrors: string[];
  /** Resolves when every event sent so far has reached the page. */
  delivered(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real main code (once per test file) and opens the built renderer in Chromium. */
export async function startApp(options: { locale?: string } = {}): Promise<AppHarness> {
  await import('../../src/main/index.js');
  await vi.waitFor(() => expect(recorded.windows).toHaveLength(1));
  const win = recorded.windows[0]!;
  const rendererDir = dirname(win.loadedFile!);
  const fileUrlPrefix = pathToFileURL(rendererDir).href + '/';

  const preload = await build({
    entryPoints: [resolve(import.meta.dirname, '../../src/preload/index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    alias: { electron: resolve(import.meta.dirname, 'electron-renderer-shim.ts') },
  });

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: 1180, height: 800 },
  });
  // Serve the built renderer as Electron's loadFile would, without a socket.
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(rendererDir, path === '/' ? 'index.html' : path);
    try {
      await route.fulfill({
        body: await readFile(file),
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  await context.route(`${FOREIGN_ORIGIN}/**`, (route) =>
    route.fulfill({
      body: '<!doctype html><title>elsewhere</title><p>not the app</p>',
      contentType: 'text/html',
    }),
  );
  const calls: IpcCall[] = [];
  // Electron reports the page's file URL as the sender; map our served URL back to it. Any other page
  // keeps its own URL, as a foreign frame's would.
  await context.exposeBinding('__ipcInvoke', async (source, channel: string, input: unknown) => {
    const handler = recorded.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    const frameUrl = source.frame.url();
    const url = frameUrl.startsWith(`${ORIGIN}/`) ? frameUrl.replace(`${ORIGIN}/`, fileUrlPrefix) : frameUrl;
    const result = await handler({ senderFrame: { url } }, input);
    calls.push({ channel, input, result, url });
    return result;
  });
  await context.addInitScript({ content: preload.outputFiles[0]!.text });

  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  // main's webContents.send reaches the app's page, in order, as Electron's IPC delivers it.
  let queue: Promise<unknown> = Promise.resolve();
  recorded.deliver = (channel, payload) => {
    queue = queue
      .then(() =>
        page.evaluate(([c, p]) => window.__ipcDeliver?.(c as string, p), [channel, payload] as const),
      )
      .catch(() => undefined);
  };
  await page.goto(`${ORIGIN}/index.html`);
  return {
    browser,
    context,
    page,
    fileUrlPrefix,
    calls,
    pageErrors,
    delivered: () => queue.then(() => undefined),
    close: async () => {
      recorded.deliver = undefined;
      await browser.close();
    },
  };
}

/**
 * Every string the page's React tree holds (props, hook state, update queues, both render buffers),
 * read through the root container's fiber. Used to prove a secret is not kept in renderer state.
 */
export function reactStrings(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.getElementById('root') as unknown as Record<string, unknown>;
    const key = Object.keys(root).find((k) => k.startsWith('__reactContainer$'));
    if (!key) throw new Error('no React root found');
    const out: string[] = [];
    const seen = new Set<unknown>();
    const stack: unknown[] = [root[key]];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v === 'string') {
        out.push(v);
        continue;
      }
      if (v === null || typeof v !== 'object' || seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Node || v instanceof Window) continue; // the DOM is checked separately
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
    return out;
  });
}
