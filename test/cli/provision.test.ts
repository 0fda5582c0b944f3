/** `e2ee-prov provision` and `e2ee-prov demo`, run as a technician would, against `sim:` devices. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { provisionArgs, runCli, succeeded } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';

describe.runIf(systemHas('keyring'))('e2ee-prov provision', () => {
  const box = cliSandbox('e2ee-cli-prov');
  let bundle: string;
  let bundle2: string;
  let certOnly: string;
  let keyOnly: string;

  beforeAll(async () => {
    const pki = await makeDemoPki('CLI');
    const issued = await issueDeviceCert(pki, { cn: 'desk-3.cli.example' });
    bundle = join(box.dir, 'bundle.pem');
    writeFileSync(bundle, issued.bundlePem);
    // Every device needs its own certificate: the tool refuses one already on another device.
    bundle2 = join(box.dir, 'bundle2.pem');
    writeFileSync(bundle2, (await issueDeviceCert(pki, { cn: 'desk-4.cli.example' })).bundlePem);
    certOnly = join(box.dir, 'cert.pem');
    writeFileSync(certOnly, issued.certificatePem + pki.intermediatePem);
    keyOnly = join(box.dir, 'key.pem');
    writeFileSync(keyOnly, issued.keyPem);
  });

  it('prints the plan on a dry run and changes nothing', async () => {
    const state = join(box.dir, 'dry.json');
    const r = await box.run(
      provisionArgs(`sim:?state=${state}&serial=FOCDRYRUN01`, bundle, '--factory-reset', '--dry-run'),
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      'Plan for provision (dry run, nothing is done):\n  1. Check the device and the certificate\n  2. Back up the configuration  (left out: no backup file given)\n  3. Factory reset\n',
    );
    expect(r.stdout.toString()).toBe('');
    const saved = JSON.parse(readFileSync(state, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(saved)).not.toContain('WebexIdentity');
  });

  it('provisions with a given secret (from a file), and --json reports every step', async () => {
    const state = join(box.dir, 'a.json');
    const secretFile = join(box.dir, 'secret');
    writeFileSync(secretFile, 'OWNER-CHOSEN-SECRET-0001\n');
    const r = await box.run(
      provisionArgs(
        `sim:?state=${state}&serial=FOCCLI00001`,
        certOnly,
        '--key',
        keyOnly,
        '--secret-file',
        secretFile,
        '--enc',
        'A256GCM',
        '--json',
      ),
    );
    const out = JSON.parse(succeeded(r)) as {
      ok: boolean;
      report: Record<string, unknown>;
      newSecret?: string;
      steps: { id: string; status: string }[];
    };
    expect(out.ok).toBe(true);
    expect(out.newSecret).toBeUndefined();
    expect(out.report).toMatchObject({
      serialNumber: 'FOCCLI00001',
      identity: 'desk-3.cli.example',
      enc: 'A256GCM',
    });
    expect(out.steps.filter((s) => s.status === 'done').map((s) => s.id)).toEqual([
      'precheck',
      'populate-secret',
      'add-certificate',
      'match-fingerprint',
      'activate',
      'verify',
      'handover',
    ]);
    expect(r.stdout.toString()).not.toContain('OWNER-CHOSEN-SECRET-0001');
    expect(await new KeychainSecretStore({ service: box.service }).get('FOCCLI00001')).toBe(
      'OWNER-CHOSEN-SECRET-0001',
    );
  });

  it('generates a secret when none is given and shows it once, on stdout only', async () => {
    const state = join(box.dir, 'b.json');
    const r = await box.run(provisionArgs(`sim:?state=${state}&serial=FOCCLI00002`, bundle2));
    expect(r.status).toBe(0);
    const stdout = r.stdout.toString();
    const secret = /\n {4}(\S+)\n/.exec(stdout)?.[1];
    expect(secret).toMatch(/^([23456789A-HJ-NP-Z]{4}-){6}[23456789A-HJ-NP-Z]{4}$/);
    expect(stdout).toContain('Provisioned Cisco Room Kit FOCCLI00002: identity desk-4.cli.example');
    expect(r.stderr).not.toContain(secret);
    expect(r.stderr).toContain('✓ Activate it for WebexIdentity');
    expect(await new KeychainSecretStore({ service: box.service }).get('FOCCLI00002')).toBe(secret);
    const journal = readFileSync(join(box.dir, 'home', 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain(secret!);
  });

  it('refuses a certificate already on another device', async () => {
    const r = await box.run(provisionArgs(`sim:?serial=FOCCLI00003`, bundle2));
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'ERR_WORKFLOW_CERT_IN_USE This certificate is already on device FOCCLI00002. Every device needs its own certificate and key: sharing them is a security breach.',
    );
  });

  it('fails with one line: the code and a sentence', async () => {
    const r = await box.run(
      provisionArgs('sim:?model=Cisco%20TelePresence%20MX300%20G2&serial=FOCCLIMX300', bundle),
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'ERR_WORKFLOW_MODEL_UNSUPPORTED Cisco TelePresence MX300 G2 (MX series) cannot join end-to-end encrypted meetings with an external identity. Only Board, Desk Pro, Desk, Room Kit and Room Kit Mini can.',
    );
    // The contract for scripts: the first line of stderr is the error, though progress came before it.
    expect(r.stderr.split('\n')[0]).toBe(r.stderr.trimEnd().split('\n').at(-1));
    expect(r.stderr).toContain('✗ Check the device and the certificate');
  });

  it('batch: a failure after progress puts the error on the first line of stderr', async () => {
    const csv = join(box.dir, 'first-line.csv');
    writeFileSync(
      csv,
      `target,cert,key\n"sim:?model=Cisco%20TelePresence%20MX300%20G2&serial=FOCCLIMX301",bundle.pem,\n`,
    );
    const r = await box.run(['batch', csv]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ERR_WORKFLOW_BATCH_INCOMPLETE 1 of 1 devices failed \(line 2: ERR_WORKFLOW_MODEL_UNSUPPORTED\)/,
    );
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toBe(lines[0]);
    expect(r.stdout.toString()).toMatch(/^0 of 1 device provisioned\./);
    // The rows streamed while it ran are replaced by the result files, in the file's order.
    expect(existsSync(join(box.dir, 'first-line.result.csv.partial'))).toBe(false);
    expect(readFileSync(join(box.dir, 'first-line.result.csv'), 'utf8')).toMatch(
      /^line,target,[^\r]*\r\n2,sim:\?model=[^,]*,[^,]*,[^,]*,failed,ERR_WORKFLOW_MODEL_UNSUPPORTED,/,
    );
  });

  it('refuses usage mistakes before touching anything', async () => {
    const r = await box.run(provisionArgs('sim:', bundle, '--keep', 'Network'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('ERR_USAGE --keep says what a factory reset keeps: give --factory-reset too.\n');
  });
});

describe('e2ee-prov demo', () => {
  it('provisions the built-in simulator end to end and narrates it', async () => {
    const r = await runCli(['demo']);
    const out = succeeded(r);
    for (const line of [
      '✓ Factory reset: the device restarted and answered again',
      '✓ Populate the client secret: a generated secret was populated, and stored for the device',
      '✓ Activate it for WebexIdentity',
      '✓ Verify the identity as registered: external identity room-101.demo.example: Valid',
      'Done: Cisco Room Kit FOC2611DEMO now shows "room-101.demo.example" in end-to-end encrypted meetings.',
    ]) {
      expect(out).toContain(line);
    }
    expect(out).toMatch(
      /\nRotated: the device now holds a new 140-bit secret \(shown once\): ([23456789A-HJ-NP-Z]{4}-){6}[23456789A-HJ-NP-Z]{4}\n/,
    );
    expect(out).toMatch(
      /The journal holds \d+ records \(chain intact\); the inventory lists FOC2611DEMO \(active\)\./,
    );
  });
});
