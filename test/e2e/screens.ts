/**
 * What every screen of the app is checked for, in both languages: axe-core finds no accessibility
 * violation, the Korean page shows no English outside product names, codes and identifiers, and a
 * screenshot of it is written to docs/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

/**
 * Latin words a Korean screen may show: product and standard names, which Korean documentation writes
 * in Latin letters too. Anything else in Latin letters is a string the catalogues do not translate.
 */
export const LATIN_ALLOWED = new Set([
  'E2EE',
  'ID',
  'Webex',
  'OAuth',
  'Cisco',
  'RoomOS',
  'Room',
  'Kit',
  'Control',
  'Hub',
  'PKCS',
  'SSH',
  'USB',
  'CA',
  'CN',
  'SHA',
  'ECDSA',
  'P',
  'JWE',
  'Windows',
  'Linux',
  'COM',
  'SecurityAction',
  'NoAction',
  'Harden',
  'WebexIdentity',
  'A128GCM',
  'A256GCM',
  'PEM',
  'v',
  // configuration names as the device's schema spells them
  'Wi',
  'Fi',
  'Mode',
  'BaudRate',
  'LoginRequired',
  'NetworkServices',
  'Provisioning',
  'Network',
  'Board',
  'Desk',
  'Pro',
  'Mini',
  'TelePresence',
  'Navigator',
  // the target syntax: serial:/dev/…, ssh://admin@…, sim:
  'serial',
  'dev',
  'ssh',
  'admin',
  'sim',
]);

/** Latin words on the page outside identifiers (`translate="no"`), code and the language picker. */
export function untranslated(page: Page): Promise<string[]> {
  return page.evaluate(
    (allowed) => {
      const words: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest('[translate="no"], code, pre, .mono, select[aria-label], script, style'))
          continue;
        if (el.closest('[hidden]') || el.getClientRects().length === 0) continue;
        for (const w of (n.textContent ?? '').match(/[A-Za-z][A-Za-z0-9_'’]*/g) ?? []) {
          // Identifiers: serial numbers, codes and names with digits (FOC2345X0AB, A128GCM), all-capital codes.
          if (/\d/.test(w) || /^[A-Z][A-Z_]+$/.test(w)) continue;
          if (!allowed.includes(w)) words.push(w);
        }
      }
      return [...new Set(words)];
    },
    [...LATIN_ALLOWED],
  );
}

export async function axeViolations(page: Page): Promise<string[]> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!has) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(c: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document);
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((x) => JSON.stringify(x.target)).join(' ')}`);
  });
}

/**
 * Checks the screen as it is, in English then in Korean (the language picker), and writes a screenshot
 * of each; with `dark`, once more in English in the dark theme (the OS preference). Leaves the page in
 * English and the light theme.
 */
export async function checkScreen(
  page: Page,
  name: string,
  options: { shot?: boolean; dark?: boolean } = {},
): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  try {
    for (const lang of ['en', 'ko'] as const) {
      await page.getByLabel('Language / 언어', { exact: true }).selectOption(lang);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      expect(await axeViolations(page), `${name} (${lang}): axe`).toEqual([]);
      if (lang === 'ko')
        expect(await untranslated(page), `${name}: English on the Korean screen`).toEqual([]);
      if (options.shot !== false)
        await page.screenshot({ path: join(SHOTS, `${name}-${lang}.png`), fullPage: true });
    }
    if (options.dark) {
      await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await axeViolations(page), `${name} (dark): axe`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `${name}-dark-en.png`), fullPage: true });
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Language / 언어', { exact: true }).selectOption('en');
  }
}
