import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/main/device/index.js';
import { KeychainSecretStore } from '../../src/main/vault/index.js';
import { createSimulator } from '../../src/simulator/index.js';
import { runCli, succeeded } from '../helpers/cli.js';
import { emptyKeychain } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';

const SERVICE = `e2ee-prov-test-cli-${randomUUID()}`;
const store = new KeychainSecretStore({ service: SERVICE });
const OLD = 'the secret populated in clear';
let dir: string;
let env: Record<string, string>;

/** A simulated device whose state lives in a file, with OLD populated; returns its sim: target. */
async function device(serial: string): Promise<{ target: string; holds(secret: string): Promise<boolean> }> {
  const stateFile = join(dir, `${serial}.json`);
  const sim = await createSimulator({ stateFile, serialNumber: serial, loginRequired: false });
  const d = await connect('sim:', { simulator: sim, wakeIntervalMs: 1000 });
  await d.populateSecretPlain(OLD);
  await d.close();
  await sim.close();
  return {
    target: `sim:?state=${stateFile}`,
    holds: async (secret) => {
      const again = await createSimulator({ stateFile });
      try {
        return again.clientSecretIs(secret);
      } finally {
        await again.close();
      }
    },
  };
}

describe.skipIf(!systemHas('keyring'))(
  'e2ee-prov secret, inventory, journal (built CLI, real keychain)',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'e2ee-cli-secret-'));
      env = {
        E2EE_PROV_HOME: join(dir, 'home'),
        E2EE_PROV_KEYCHAIN_SERVICE: SERVICE,
        E2EE_PROV_ESCROW_LOG2N: '14',
      };
    });
    afterAll(async () => {
      await emptyKeychain(store);
      await rm(dir, { recursive: true, force: true });
    });

    it('secret rotate: generates a secret, shows it once on stdout, changes the device, keeps it in the keychain', async () => {
      const d = await device('FOCCLI01');
      await store.set('FOCCLI01', OLD);
      const r = await runCli(['secret', 'rotate', '--target', d.target], '', env);
      expect(r.stderr).toMatch(/140 random bits/);
      expect(r.status, r.stderr).toBe(0);
      const secret = r.stdout.toString().trim();
      expect(secret).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){6}$/);
      expect(await d.holds(secret)).toBe(true);
      expect(await store.get('FOCCLI01')).toBe(secret);
      expect(await store.getPending('FOCCLI01')).toBeNull();
      expect(r.stderr).not.toContain(secret);
      expect(await readFile(join(dir, 'home', 'journal.jsonl'), 'utf8')).not.toContain(secret);
    });

    it('secret rotate --new-secret-file: a weak secret is refused before anything is sent, taken with --allow-weak-secret and a warning; the current one from --secret-file', async () => {
      const d = await device('FOCCLI02');
      await writeFile(join(dir, 'weak'), 'letmein\n');
      await writeFile(join(dir, 'current'), `${OLD}\n`);
      const args = [
        'secret',
        'rotate',
        '--target',
        d.target,
        '--new-secret-file',
        join(dir, 'weak'),
        '--secret-file',
        join(dir, 'current'),
      ];
      const refused = await runCli(args, '', env);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(
        /^ERR_SECRET_WEAK The new secret is too easy to guess \(about \d+ bits: a common word, a short or repeated pattern\); nothing was sent to the device\. Choose a longer one \(four or more random words\), leave out --new-secret-file to have one generated, or give --allow-weak-secret to take it anyway\.\n$/,
      );
      expect(await d.holds(OLD)).toBe(true);
      expect(await store.get('FOCCLI02')).toBe(null);
      const r = await runCli([...args, '--allow-weak-secret'], '', env);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/WARN_SECRET_WEAK/);
      expect(r.stdout.toString()).not.toContain('letmein');
      expect(await d.holds('letmein')).toBe(true);
      expect(await store.get('FOCCLI02')).toBe('letmein');
    });

    it('secret rotate refuses, before touching anything: a secret too long, a secret on the command line', async () => {
      const d = await device('FOCCLI03');
      await store.set('FOCCLI03', OLD);
      await writeFile(join(dir, 'long'), 'x'.repeat(700));
      const r = await runCli(
        ['secret', 'rotate', '--target', d.target, '--new-secret-file', join(dir, 'long')],
        '',
        env,
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^ERR_SECRET_TOO_LONG .*621/);
      expect(await d.holds(OLD)).toBe(true);
      const argv = await runCli(['secret', 'rotate', '--target', d.target, '--secret', 'hunter2'], '', env);
      expect(argv.status).toBe(2);
      expect(argv.stderr).toMatch(/^ERR_USAGE/);
    });

    it('secret rotate after an interrupted change: settles it by probe first, then changes the secret', async () => {
      const d = await device('FOCCLI04');
      await store.set('FOCCLI04', OLD);
      await store.setPending('FOCCLI04', 'a change whose answer was lost');
      const r = await runCli(['secret', 'rotate', '--target', d.target, '--json'], '', env);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.toString()) as { secret: string; bits: number; settledBefore: string };
      expect(out).toMatchObject({ bits: 140, settledBefore: 'previous' });
      expect(await d.holds(out.secret)).toBe(true);
      expect(await store.get('FOCCLI04')).toBe(out.secret);
      expect(await store.getPending('FOCCLI04')).toBeNull();
    });

    it('secret rotate run again after it went through: says it is applied and settled, exit 0', async () => {
      const d = await device('FOCCLI05');
      await store.set('FOCCLI05', OLD);
      await writeFile(join(dir, 'new5'), 'the owner picked this one, 2026\n');
      const args = ['secret', 'rotate', '--target', d.target, '--new-secret-file', join(dir, 'new5')];
      const first = await runCli(args, '', env);
      expect(first.status, first.stderr).toBe(0);
      const again = await runCli(args, '', env);
      expect(succeeded(again)).toBe(
        'The ClientSecret of FOCCLI05 already is the new one: the change was applied (checked on the device) and is settled. Nothing was sent.\n',
      );
      const json = await runCli([...args, '--json'], '', env);
      expect(json.status, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout.toString())).toMatchObject({
        ok: true,
        alreadyApplied: true,
        generated: false,
      });
      expect(await d.holds('the owner picked this one, 2026')).toBe(true);
    });

    it('secret rotate failing after its progress: the first line of stderr is the error', async () => {
      const d = await device('FOCCLI06');
      await store.set('FOCCLI06', 'what the keychain wrongly believes');
      await writeFile(join(dir, 'weak6'), 'letmein\n');
      const r = await runCli(
        [
          'secret',
          'rotate',
          '--target',
          d.target,
          '--new-secret-file',
          join(dir, 'weak6'),
          '--allow-weak-secret',
        ],
        '',
        env,
      );
      expect(r.status).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ERR_ROTATE_REJECTED The device FOCCLI06 refused the new secret/);
      // The progress and the warning follow, so nothing is lost; the last line is the error again.
      expect(lines.slice(1, -1).join('\n')).toMatch(/WARN_SECRET_WEAK[\s\S]*intent recorded in the journal/);
      expect(lines.at(-1)).toBe(lines[0]);
      expect(await d.holds(OLD)).toBe(true);
    });

    it('secret export and import: round trip through an escrow file; wrong passphrase and damage are typed errors', async () => {
      await store.set('FOCCLI10', 'escrowed secret number ten');
      await store.set('FOCCLI11', 'escrowed secret number eleven');
      await writeFile(join(dir, 'pass'), 'plaid walrus orbit 47 tangerine\n');
      const out = join(dir, 'handover.escrow');
      const ex = await runCli(
        [
          'secret',
          'export',
          '--out',
          out,
          '--device',
          'FOCCLI10',
          '--device',
          'FOCCLI11',
          '--passphrase-file',
          join(dir, 'pass'),
        ],
        '',
        env,
      );
      expect(ex.status, ex.stderr).toBe(0);
      expect(ex.stdout.toString()).toMatch(/2 device\(s\).*FOCCLI10, FOCCLI11/);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      const text = await readFile(out, 'utf8');
      expect(text).not.toMatch(/escrowed secret/);

      const again = await runCli(
        ['secret', 'export', '--out', out, '--passphrase-file', join(dir, 'pass')],
        '',
        env,
      );
      expect(again.stderr).toMatch(/^ERR_ESCROW_EXISTS/);
      expect(await readFile(out, 'utf8')).toBe(text);

      await store.delete('FOCCLI10');
      await writeFile(join(dir, 'wrong'), 'not the passphrase at all\n');
      const wrong = await runCli(['secret', 'import', out, '--passphrase-file', join(dir, 'wrong')], '', env);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/^ERR_ESCROW_PASSPHRASE /);

      await writeFile(
        join(dir, 'damaged'),
        text.replace(/.(\n[^\n]*\n)$/, (m, rest: string) => (m[0] === 'a' ? 'b' : 'a') + rest),
      );
      const bad = await runCli(
        ['secret', 'import', join(dir, 'damaged'), '--passphrase-file', join(dir, 'pass')],
        '',
        env,
      );
      expect(bad.stderr).toMatch(/^ERR_ESCROW_CORRUPT /);

      const im = await runCli(
        ['secret', 'import', out, '--passphrase-file', join(dir, 'pass'), '--json'],
        '',
        env,
      );
      expect(im.status, im.stderr).toBe(0);
      expect(JSON.parse(im.stdout.toString())).toMatchObject({
        ok: true,
        added: ['FOCCLI10'],
        unchanged: ['FOCCLI11'],
      });
      expect(await store.get('FOCCLI10')).toBe('escrowed secret number ten');
    });

    it('inventory lists the devices the journal knows; journal verify says whole, then reports an edit by line', async () => {
      const inv = await runCli(['inventory', '--json'], '', env);
      expect(inv.status, inv.stderr).toBe(0);
      const devices = (
        JSON.parse(inv.stdout.toString()) as {
          devices: Array<{ serial: string; state: string; keychain: string }>;
        }
      ).devices;
      expect(devices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ serial: 'FOCCLI01', state: 'secret-set', keychain: 'secret' }),
          expect.objectContaining({ serial: 'FOCCLI02', state: 'secret-set' }),
        ]),
      );
      const table = await runCli(['inventory'], '', env);
      expect(table.stdout.toString()).toMatch(/^SERIAL\s+STATE/);
      expect(table.stdout.toString()).toMatch(/FOCCLI01\s+secret-set/);

      const ok = await runCli(['journal', 'verify'], '', env);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout.toString()).toMatch(/chain intact/);

      const path = join(dir, 'home', 'journal.jsonl');
      const lines = (await readFile(path, 'utf8')).split('\n');
      lines[2] = lines[2]!.replace('"seq":3', '"seq":3,"note":"x"');
      await writeFile(path, lines.join('\n'));
      const bad = await runCli(['journal', 'verify'], '', env);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^ERR_JOURNAL_TAMPERED line 3: /);
      const inv2 = await runCli(['inventory'], '', env);
      expect(inv2.stderr).toMatch(/^ERR_JOURNAL_TAMPERED/);
    });

    it('refuses with ERR_VAULT_UNAVAILABLE when no keychain is reachable', async () => {
      await writeFile(join(dir, 'pass2'), 'plaid walrus orbit 47 tangerine\n');
      const r = await runCli(
        ['secret', 'export', '--out', join(dir, 'never'), '--passphrase-file', join(dir, 'pass2')],
        '',
        { ...env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^ERR_VAULT_UNAVAILABLE .*(install|unlock)/i);
    });
  },
);
