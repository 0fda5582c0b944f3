import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../../src/main/vault/index.js';
import { systemHas } from '../../helpers/system.js';

const run = promisify(execFile);
const SERVICE = `e2ee-prov-test-${randomUUID()}`;

describe.skipIf(!systemHas('keyring'))('KeychainSecretStore on a real Secret Service', () => {
  const store = new KeychainSecretStore({ service: SERVICE });

  afterAll(async () => {
    for (const s of await store.list()) {
      await store.delete(s.serial);
      await store.deletePending(s.serial);
    }
    expect(await store.list()).toEqual([]);
  });

  it('stores, reads back and deletes one entry per device, keyed by serial', async () => {
    await store.check();
    expect(await store.get('FOC1111A1AA')).toBeNull();
    await store.set('FOC1111A1AA', 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS');
    await store.set('FOC2222B2BB', 'ünïcødé secret ✓');
    expect(await store.get('FOC1111A1AA')).toBe('K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS');
    expect(await store.get('FOC2222B2BB')).toBe('ünïcødé secret ✓');
    // A second store object (another process, later) sees the same entries: they persist in the keyring.
    expect(await new KeychainSecretStore({ service: SERVICE }).get('FOC2222B2BB')).toBe('ünïcødé secret ✓');
    await store.set('FOC1111A1AA', 'replaced');
    expect(await store.get('FOC1111A1AA')).toBe('replaced');
    expect(await store.delete('FOC2222B2BB')).toBe(true);
    expect(await store.delete('FOC2222B2BB')).toBe(false);
    expect(await store.get('FOC2222B2BB')).toBeNull();
  });

  it('keeps a pending entry beside the current one while a change is under way', async () => {
    await store.set('FOC3333C3CC', 'old one');
    await store.setPending('FOC3333C3CC', 'new one');
    expect(await store.get('FOC3333C3CC')).toBe('old one');
    expect(await store.getPending('FOC3333C3CC')).toBe('new one');
    expect(await store.list()).toContainEqual({ serial: 'FOC3333C3CC', hasSecret: true, hasPending: true });
    expect(await store.deletePending('FOC3333C3CC')).toBe(true);
    expect(await store.list()).toContainEqual({ serial: 'FOC3333C3CC', hasSecret: true, hasPending: false });
  });

  it('refuses a key that is not a serial number', async () => {
    await expect(store.get('pending:FOC1')).rejects.toMatchObject({ code: 'ERR_VAULT_BAD_SERIAL' });
    await expect(store.set('../x', 's')).rejects.toMatchObject({ code: 'ERR_VAULT_BAD_SERIAL' });
  });

  it('keeps services apart', async () => {
    const other = new KeychainSecretStore({ service: `${SERVICE}-other` });
    expect(await other.get('FOC1111A1AA')).toBeNull();
    expect(await other.list()).toEqual([]);
  });
});

/** Runs a store operation in a child process whose D-Bus session address points nowhere. */
async function withoutSecretService(env: Record<string, string | undefined>): Promise<unknown> {
  const script = `
    const { openSecretStore } = await import(${JSON.stringify(resolve(import.meta.dirname, '../../../src/main/vault/index.ts'))});
    try { await openSecretStore({ service: 'e2ee-prov-test-none' }); console.log(JSON.stringify({ ok: true })); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, name: e.name })); }
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    cwd: resolve(import.meta.dirname, '../../..'),
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('no persistent store reachable', () => {
  it('refuses with ERR_VAULT_UNAVAILABLE and says how to fix it (bus address pointing nowhere)', async () => {
    const r = await withoutSecretService({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/e2ee-bus' });
    expect(r).toMatchObject({ code: 'ERR_VAULT_UNAVAILABLE', name: 'VaultError' });
    expect((r as { message: string }).message).toMatch(/install|unlock/i);
    expect((r as { message: string }).message).toMatch(/never in memory or a plain file/);
  });

  it('refuses with ERR_VAULT_UNAVAILABLE when there is no session bus at all (never the kernel keyring)', async () => {
    const r = await withoutSecretService({ DBUS_SESSION_BUS_ADDRESS: '' });
    expect(r).toMatchObject({ code: 'ERR_VAULT_UNAVAILABLE' });
  });
});

const ROOT = resolve(import.meta.dirname, '../../..');
/** The vault module, as a quoted path for a script's `import()`. */
const VAULT = JSON.stringify(resolve(ROOT, 'src/main/vault/index.ts'));

/** Runs a bash `script` in a keyring session of its own; returns the JSON of its last line of output. */
async function inOwnKeyring(script: string): Promise<unknown> {
  const env = { ...process.env } as NodeJS.ProcessEnv;
  delete env.E2EE_KEYRING_SESSION;
  const { stdout } = await run('bash', [resolve(ROOT, 'scripts/with-keyring.sh'), 'bash', '-c', script], {
    env,
    cwd: ROOT,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe.skipIf(!systemHas('keyring'))('a locked keyring', () => {
  it('refuses with ERR_VAULT_LOCKED (its own throwaway keyring session, locked over D-Bus)', async () => {
    const script = `
      dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \\
        org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
      node --import tsx --input-type=module -e '
        const { openSecretStore, KeychainSecretStore } = await import(${VAULT});
        const out = [];
        try { await openSecretStore({ service: "e2ee-prov-test-locked" }); out.push("open ok"); } catch (e) { out.push(e.code); }
        try { await new KeychainSecretStore({ service: "e2ee-prov-test-locked" }).set("FOC1", "x"); out.push("set ok"); } catch (e) { out.push(e.code); }
        console.log(JSON.stringify(out));
      '
    `;
    expect(await inOwnKeyring(script)).toEqual(['ERR_VAULT_LOCKED', 'ERR_VAULT_LOCKED']);
  });
  it('survives the test keychain daemon aborting between calls: the bus starts it again for the next call', async () => {
    // gnome-keyring-daemon aborts under heavy load (a GLib assertion: SIGTRAP). A call that arrives while no
    // daemon owns the name must start one (D-Bus activation) and wait for it, not fail as "unavailable".
    const script = `
      node --import tsx --input-type=module -e '
        const { KeychainSecretStore } = await import(${VAULT});
        const { readFileSync } = await import("node:fs");
        const pidFile = process.env.E2EE_KEYRING_HOME + "/keyring.pid";
        const store = new KeychainSecretStore({ service: "e2ee-prov-test-abort" });
        const out = [];
        for (let round = 1; round <= 3; round++) {
          await store.set("FOC" + round, "secret " + round);
          const pid = Number(readFileSync(pidFile, "utf8"));
          process.kill(pid, "SIGTRAP");
          // Wait until it is gone, so that the next call finds no owner of the name.
          for (;;) { try { process.kill(pid, 0); await new Promise((r) => setTimeout(r, 10)); } catch { break; } }
          out.push(await store.get("FOC" + round));
          out.push(Number(readFileSync(pidFile, "utf8")) !== pid);
        }
        out.push(await store.get("FOC1"));
        console.log(JSON.stringify(out));
      '
    `;
    expect(await inOwnKeyring(script)).toEqual([
      'secret 1',
      true,
      'secret 2',
      true,
      'secret 3',
      true,
      'secret 1',
    ]);
  });

  it('stays usable past the per-user connection limit of the bus (256 here): 1,200 calls and 100 checks in one process', async () => {
    // Each keychain entry object holds a D-Bus connection until it is garbage-collected. One entry per
    // call used to exhaust the test bus's 256 connections and turn every later call into "unavailable".
    const script = `
      node --import tsx --input-type=module -e '
        const { KeychainSecretStore } = await import(${VAULT});
        const store = new KeychainSecretStore({ service: "e2ee-prov-test-many" });
        const out = { sets: 0, gets: 0, checks: 0, pending: 0 };
        for (let i = 0; i < 300; i++) {
          const serial = "FOC" + (i % 4);
          await store.set(serial, "secret " + i);
          out.sets++;
          if ((await store.get(serial)) === "secret " + i) out.gets++;
          await store.setPending(serial, "next " + i);
          if ((await store.getPending(serial)) === "next " + i) out.pending++;
          if (i % 3 === 0) { await store.check(); out.checks++; }
        }
        out.list = (await store.list()).map((s) => s.serial);
        console.log(JSON.stringify(out));
      '
    `;
    expect(await inOwnKeyring(script)).toEqual({
      sets: 300,
      gets: 300,
      checks: 100,
      pending: 300,
      list: ['FOC0', 'FOC1', 'FOC2', 'FOC3'],
    });
  });
});
