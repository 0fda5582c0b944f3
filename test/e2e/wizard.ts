/**
 * The provisioning wizard as a technician walks it, for the browser tests: a page by the stepper, a
 * connection by target, and the certificate files chosen (through main's stubbed file dialog) and checked.
 */
import { basename } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { en } from '../../src/renderer/i18n/en.js';
import { recorded } from './electron-main-shim.js';

/** Waits for what main does asynchronously (scrypt, console round trips) on a busy two-core machine. */
export function eventually<T>(f: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(f, { timeout, interval: 100 });
}

/** The wizard's steps on the app's page (given late: the page opens in `beforeAll`). */
export function wizardOn(page: () => Page) {
  /** The wizard's page `n` (1 device, 2 certificate, 3 options, 4 run), by the stepper. */
  async function goPage(n: 1 | 2 | 3 | 4): Promise<void> {
    await page().getByRole('tab', { name: en.nav.provision }).click();
    await page().locator(`.stepper li:nth-child(${n}) button`).click();
  }

  /** Connects to `serial:…`, `ssh://…` or `sim:…`, the way the person picks the link and types. */
  async function connect(target: string): Promise<void> {
    await goPage(1);
    const link = target.startsWith('sim:') ? 'sim' : target.startsWith('ssh:') ? 'ssh' : 'serial';
    await page().getByRole('radio', { name: en.device.links[link] }).check();
    await page().locator('#target').fill(target);
    await page().getByRole('button', { name: en.device.connect, exact: true }).click();
  }

  /** Chooses the certificate and key files and checks them; `ok` is what the check must say. */
  async function chooseFiles(cert: string, key: string, ok = true): Promise<void> {
    const p = page();
    await goPage(2);
    recorded.dialogAnswers.push(cert, key);
    await p.getByRole('button', { name: en.wizard.chooseCert }).click();
    await eventually(() => p.getByTestId('chosen-certificate').textContent()).toBe(
      `Chosen: ${basename(cert)}`,
    );
    await p.getByRole('button', { name: en.wizard.chooseKey }).click();
    await eventually(() => p.getByTestId('chosen-key').textContent()).toBe(`Chosen: ${basename(key)}`);
    await p.getByRole('button', { name: en.wizard.check }).click();
    await eventually(() => p.getByTestId('cert-report').getAttribute('data-ok')).toBe(String(ok));
  }

  /** Once the run's populate step is done (the device holds the new secret), presses Stop; the outcome. */
  async function stopAfterSecret(): Promise<Locator> {
    const p = page();
    await eventually(
      () => p.locator('li[data-step=populate-secret]').getAttribute('data-status'),
      60_000,
    ).toBe('done');
    await p.getByRole('button', { name: en.wizard.stop }).click();
    return p.getByTestId('outcome');
  }

  return { goPage, connect, chooseFiles, stopAfterSecret };
}
