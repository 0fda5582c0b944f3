/**
 * Every CLI command, driven with paths it cannot use (a missing folder, /dev/zero, a folder, an empty
 * device, a file that is no serial port): each ends with an ordinary coded error on the first line of
 * stderr, never hanging, and never with ERR_INTERNAL ("please report it").
 */
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { type CliResult, HANG_MS, runCli } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';

const ZERO = '/dev/zero';
const EMPTY = '/dev/null';
/** What one command may take at most: its hang limit (HANG_MS) and the killing. */
const CASE_BUDGET_MS = HANG_MS + 5_000;

describe.runIf(systemHas('keyring'))(
  'every command with unusable paths: a coded error, never ERR_INTERNAL',
  () => {
    // Set before the test runs; empty while the cases are only counted (for the time budget).
    const box = cliSandbox('e2ee-unusable');
    /** A folder that does not exist (inside the test's folder: nothing outside it is touched). */
    let MISSING = '';

    beforeAll(async () => {
      MISSING = join(box.dir, 'no-such-folder', 'x');
      writeFileSync(join(box.dir, 'secret'), 'a secret of some length 12345\n');
      writeFileSync(join(box.dir, 'plain-file'), 'not a folder\n');
      const pki = await makeDemoPki('Unusable');
      writeFileSync(join(box.dir, 'cert.pem'), (await issueDeviceCert(pki, { cn: 'u.example' })).bundlePem);
    });

    function cases(): Array<{
      name: string;
      args: string[];
      input?: string | Uint8Array;
      env?: Record<string, string>;
    }> {
      const secret = join(box.dir, 'secret');
      const paths = [MISSING, ZERO, box.dir, EMPTY];
      const targets = [
        `sim:?state=${MISSING}.json`,
        `sim:?state=${join(box.dir, 'plain-file')}/x.json`,
        'serial:/dev/null',
        'serial:/etc/passwd',
        `serial:${MISSING}`,
      ];
      const out: Array<{
        name: string;
        args: string[];
        input?: string | Uint8Array;
        env?: Record<string, string>;
      }> = [];
      const add = (args: string[], input?: string | Uint8Array, extra?: Record<string, string>): void => {
        out.push({
          name: args.join(' '),
          args,
          ...(input !== undefined ? { input } : {}),
          ...(extra ? { env: extra } : {}),
        });
      };
      for (const p of paths) {
        add(['blob', 'seal', '--action', 'populate', '--secret-file', p], 'new secret 1234567890');
        add(['blob', 'seal', '--action', 'add', '--secret-file', secret, '--payload-file', p]);
        add(['blob', 'open', '--secret-file', p], 'x');
        add(['cert', 'inspect', '--cert', p]);
        const csr = (key: string, out: string): string[] => [
          'cert',
          'csr',
          '--cn',
          'a.example',
          '--key-out',
          key,
          '--csr-out',
          out,
          '--passphrase-file',
          secret,
        ];
        add(csr(p, join(box.dir, 'c.csr')));
        add(csr(join(box.dir, `k-${randomUUID()}.pem`), p));
        add(['provision', '--target', 'sim:', '--cert', p]);
        const cert = join(box.dir, 'cert.pem');
        add(['provision', '--target', 'sim:', '--cert', cert, '--backup', p]);
        add(['provision', '--target', 'sim:', '--cert', cert, '--handover', p]);
        add(['renew', '--target', 'sim:', '--cert', p]);
        add(['batch', p]);
        add(['secret', 'import', p, '--passphrase-file', secret]);
        add([
          'secret',
          'export',
          '--out',
          p === box.dir ? box.dir : `${p}/out.escrow`,
          '--passphrase-file',
          secret,
        ]);
        add(['secret', 'rotate', '--target', 'sim:', '--new-secret-file', p]);
        add(['device', 'info', '--target', 'sim:', '--password-file', p]);
        add(['console', '--target', 'sim:', '--log', p === box.dir ? box.dir : `${p}/log`], '');
        if (p !== box.dir) add(['simulator', '--link', `${p}/tty`, '--state', `${p}/state.json`]);
      }
      for (const t of targets) {
        for (const c of ['device info', 'deactivate', 'secret rotate']) add([...c.split(' '), '--target', t]);
        add(['preferred-domain', '--target', t, '--domain', 'a.example']);
        add(['provision', '--target', t, '--cert', secret]);
        add(['console', '--target', t], '');
      }
      add(['blob', 'inspect'], new Uint8Array(2 * 1024 * 1024));
      // A backup file that exists but is not a backup (not JSON).
      add([
        'provision',
        '--target',
        'sim:',
        '--cert',
        join(box.dir, 'cert.pem'),
        '--backup',
        join(box.dir, 'plain-file'),
      ]);
      for (const home of [EMPTY, join(box.dir, 'plain-file'), join(box.dir, 'no-such-home', 'home')]) {
        add(['inventory'], undefined, { E2EE_PROV_HOME: home });
        add(['journal', 'verify'], undefined, { E2EE_PROV_HOME: home });
        add(['secret', 'rotate', '--target', 'sim:'], undefined, { E2EE_PROV_HOME: home });
      }
      return out;
    }

    // The count of commands is the test; each has its budget, three run at once.
    const BUDGET_MS = CASE_BUDGET_MS * Math.ceil(cases().length / 3);
    it(
      'ends each with a coded error, never hanging, never ERR_INTERNAL',
      async () => {
        const all = cases();
        const results: Array<{ name: string; r: CliResult }> = [];
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < all.length) {
            const c = all[next++]!;
            // A command still running after HANG_MS is killed (status null): a hang, not slowness.
            const r = await runCli(c.args, c.input ?? '', { ...box.env, ...c.env }, HANG_MS);
            results.push({ name: c.name, r });
          }
        };
        await Promise.all([worker(), worker(), worker()]);
        const bad = results
          .filter(
            ({ r }) =>
              r.status === 70 ||
              r.status === null ||
              /ERR_INTERNAL/.test(r.stderr) ||
              // Some inputs are usable after all (an empty password is the factory default): then no error.
              // Otherwise the first line of stderr is the error.
              (r.status !== 0 && !/^ERR_[A-Z0-9_]+ \S/.test(r.stderr)),
          )
          .map(({ name, r }) => `${name} -> ${r.status}: ${r.stderr.split('\n')[0]!.slice(0, 200)}`);
        expect(bad).toEqual([]);
        // Nothing made the missing folder exist.
        expect(existsSync(join(box.dir, 'no-such-folder'))).toBe(false);
        expect(results).toHaveLength(all.length);
      },
      BUDGET_MS,
    );
  },
);
