/**
 * The app in Chromium over a simulated Webex organisation, for the Fleet screen's end-to-end tests: a
 * sandbox (data folder, known hosts, a keychain service of its own), the devices of `fleetWorld` behind
 * the cloud simulator with their secrets in that keychain, and the app started; closing stops both and
 * deletes every keychain entry the test made.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Journal } from '../../src/main/vault/journal.js';
import { OWN_ACCOUNTS, type KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import type { CloudSimulatorOptions } from '../../src/simulator/cloud/index.js';
import { type FleetWorld, type WorldDevice, fleetWorld } from '../main/app/fleet-world.js';
import { type AppHarness, appSandbox, startApp } from './harness.js';

export interface FleetApp {
  app: AppHarness;
  page: Page;
  /** The sandbox folder (the data folder is its `home`). */
  dir: string;
  world: FleetWorld;
  store: KeychainSecretStore;
  close(): Promise<void>;
}

/** Starts the app over a world of `devices` (the cloud simulator with `cloudOptions`), in the sandbox `name`. */
export async function fleetApp(
  name: string,
  devices: readonly WorldDevice[],
  cloudOptions: Partial<Omit<CloudSimulatorOptions, 'devices' | 'token'>> = {},
): Promise<FleetApp> {
  const { dir, store } = await appSandbox(name);
  let world: FleetWorld | undefined;
  let app: AppHarness | undefined;
  const close = async (): Promise<void> => {
    await app?.close();
    await world?.close();
    for (const s of await store.list()) await store.delete(s.serial);
    for (const a of OWN_ACCOUNTS) await store.deleteOwn(a);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    world = await fleetWorld(devices, store, new Journal(join(dir, 'home')), cloudOptions);
    app = await startApp();
    return { app, page: app.page, dir, world, store, close };
  } catch (e) {
    await close();
    throw e;
  }
}
