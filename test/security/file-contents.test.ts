/**
 * Security item 5: errors quoted the contents of files a person handed in. A wrong `--backup` file, a
 * `sim:?state=` file, `E2EE_PROV_KNOWN_HOSTS`, a batch file or a blob that is not what it should be
 * printed its first characters (a secret, here) in the error and in `--json`. Parse errors name the file
 * and the position, never the content.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePosition, readJson, scrubParserText } from '../../src/core/json-text.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { createSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';

const SECRET = 'sEcReT-Do-Not-Print-4711';
let dir: string;
let secretFile: string;
let env: Record<string, string>;
const service = `e2ee-test-sec-files-${process.pid}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-files-'));
  secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, `${SECRET}\nsecond line\n`);
  env = {
    E2EE_PROV_HOME: join(dir, 'home'),
    E2EE_PROV_KEYCHAIN_SERVICE: service,
    E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'),
  };
});
afterAll(async () => {
  if (systemHas('keyring')) {
    const store = new KeychainSecretStore({ service });
    for (const s of await store.list()) await store.delete(s.serial);
  }
  rmSync(dir, { recursive: true, force: true });
});

function expectClean(r: { stdout: Buffer; stderr: string }): void {
  for (const piece of [SECRET, 'sEcReT', 'second line']) {
    expect(r.stderr).not.toContain(piece);
    expect(r.stdout.toString()).not.toContain(piece);
  }
}

describe('a file that is not what it should be is named, never quoted', () => {
  it('readJson gives line and column; V8 messages that quote text are scrubbed', () => {
    expect(readJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(readJson(`${SECRET}\n`)).toEqual({ ok: false, line: 1, column: 1 });
    expect(readJson('{\n  "a": tru\n}')).toEqual({ ok: false, line: 2, column: 11 });
    expect(readJson('{"a":1} x')).toEqual({ ok: false, line: 1, column: 9 });
    expect(readJson('')).toEqual({ ok: false, line: 1, column: 1 });
    expect(describePosition({ line: 2, column: 11 })).toBe('line 2, column 11');
    let message = '';
    try {
      JSON.parse(SECRET);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('sEcReT'); // what V8 does, and why this exists
    expect(scrubParserText(`The state file x is not JSON: ${message}.`)).toBe(
      'The state file x is not JSON: the text is not valid JSON.',
    );
  });

  it('sim:?state=<a secret file>: ERR_DEVICE_TARGET with the position, not the text', async () => {
    const r = await runCli(['device', 'info', '--json', '--target', `sim:?state=${secretFile}`], '', env);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ERR_DEVICE_TARGET ${secretFile} is not a simulator state file (not JSON at line 1, column 1). Give a new path, or a state file a simulator wrote.\n`,
    );
    expectClean(r);
  });

  it('the simulator command with --state <a secret file>: the text is not printed', async () => {
    const r = await runCli(['simulator', '--ssh', '0', '--state', secretFile], '', env);
    expect(r.status).not.toBe(0);
    expectClean(r);
  });

  it('E2EE_PROV_KNOWN_HOSTS naming a secret file: ERR_DEVICE_HOST_KEY with the position', async () => {
    const sim = await createSimulator();
    try {
      const served = await sim.serveSsh();
      const r = await runCli(
        ['device', 'info', '--json', '--target', `ssh://admin@127.0.0.1:${served.port}`],
        '',
        { ...env, E2EE_PROV_KNOWN_HOSTS: secretFile },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `ERR_DEVICE_HOST_KEY ${secretFile} is not an e2ee-prov known-hosts file (not JSON at line 1, column 1). Move it away and connect again.\n`,
      );
      expectClean(r);
    } finally {
      await sim.close();
    }
  });

  it('a batch file that is a secret: the column is named by its place', async () => {
    const r = await runCli(['batch', secretFile, '--json'], '', env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ERR_WORKFLOW_BATCH_FILE .*line 1: column 1 is not a known column name;/);
    expectClean(r);
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(quoted, `target,cert,key\n${SECRET}"x,c.pem,\n`);
    const q = await runCli(['batch', quoted], '', env);
    expect(q.status).toBe(1);
    expect(q.stderr).toMatch(/line 2: a quote inside an unquoted value \(value 1\)/);
    expectClean(q);
    const target = join(dir, 'target.csv');
    writeFileSync(target, `target,cert,key,enc,factory_reset\nsim:,c.pem,,${SECRET},\n`);
    const t = await runCli(['batch', target], '', env);
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/line 2: enc must be A128GCM or A256GCM \(or empty\)\./);
    expectClean(t);
  });

  it('a blob whose header is not JSON: the position, not the text', async () => {
    const header = Buffer.from(`{"alg":"dir","x":"${SECRET}`).toString('base64url');
    const r = await runCli(
      ['blob', 'inspect'],
      `${header}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`,
      env,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^ERR_JWE_HEADER_NOT_JSON The header \(part 1\) does not decode to JSON \(it is cut short after 42 characters\)/,
    );
    expectClean(r);
  });

  it.runIf(systemHas('keyring'))(
    'provision --backup <a secret file> --json: the file is named, not quoted',
    async () => {
      const pki = await makeDemoPki('FILES');
      const cert = join(dir, 'cert.pem');
      writeFileSync(cert, (await issueDeviceCert(pki, { cn: 'files.sec.example' })).bundlePem);
      const r = await runCli(
        [
          'provision',
          '--target',
          `sim:?state=${join(dir, 'prov.json')}&serial=FOCSECF001`,
          '--cert',
          cert,
          '--backup',
          secretFile,
          '--json',
        ],
        '',
        env,
      );
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout.toString()) as { error: { code: string; message: string } };
      expect(out.error).toMatchObject({
        code: 'ERR_WORKFLOW_INPUT_READ',
        message: `${secretFile} is not a configuration backup made by this tool (not JSON at line 1, column 1); choose another file (a new name makes a new backup).`,
      });
      expectClean(r);
    },
  );
});
