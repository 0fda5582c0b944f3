/**
 * The real OS keychain in tests: each suite has a service of its own, emptied after it, and the CLI
 * runs with that service and a data folder in a folder of the suite's own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { KeychainSecretStore, OWN_ACCOUNTS } from '../../src/main/vault/secret-store.js';
import type { SecretStore } from '../../src/main/vault/index.js';
import { type CliResult, runCli } from './cli.js';
import { systemHas } from './system.js';

/** Deletes every secret `store` holds, current and pending. */
export async function emptyKeychain(store: SecretStore): Promise<void> {
  for (const s of await store.list()) {
    await store.delete(s.serial);
    await store.deletePending(s.serial);
  }
}

export interface CliSandbox {
  /** The suite's folder (set before its first test). */
  dir: string;
  /** `E2EE_PROV_HOME` (`home` in `dir`), `E2EE_PROV_KEYCHAIN_SERVICE` and the extra variables. */
  env: Record<string, string>;
  /** The suite's keychain service. */
  readonly service: string;
  /** The keychain under that service. */
  readonly store: KeychainSecretStore;
  /** Runs the built CLI with `env`. */
  run(args: string[], input?: string): Promise<CliResult>;
}

/**
 * Registers the suite's set-up and clean-up: before it, a new folder `name-…` and the CLI's environment;
 * after it, the keychain service emptied (where there is a keychain: the devices' secrets and the tool's own
 * accounts, the cloud sign-in) and the folder removed.
 */
export function cliSandbox(
  name: string,
  extraEnv: (dir: string) => Record<string, string> = () => ({}),
): CliSandbox {
  const service = `${name}-${randomUUID()}`;
  const box: CliSandbox = {
    dir: '',
    env: {},
    service,
    store: new KeychainSecretStore({ service }),
    run: (args, input = '') => runCli(args, input, box.env),
  };
  beforeAll(() => {
    box.dir = mkdtempSync(join(tmpdir(), `${name}-`));
    box.env = {
      E2EE_PROV_HOME: join(box.dir, 'home'),
      E2EE_PROV_KEYCHAIN_SERVICE: box.service,
      ...extraEnv(box.dir),
    };
  });
  afterAll(async () => {
    if (systemHas('keyring')) {
      await emptyKeychain(box.store);
      for (const a of OWN_ACCOUNTS) await box.store.deleteOwn(a);
    }
    if (box.dir) rmSync(box.dir, { recursive: true, force: true });
  });
  return box;
}
