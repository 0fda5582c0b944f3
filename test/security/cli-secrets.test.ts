/**
 * Security items 4 and 11 (activation code), by the built CLI as a person runs it:
 * - `provision --handover-include-secret --json` printed the client secret on stdout; it goes to the
 *   handover file only, and the JSON says where (`secretWrittenTo`).
 * - an activation code is checked on a dry run and before the device is touched, not at the register step.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { provisionArgs, succeeded } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';

describe.runIf(systemHas('keyring'))('the CLI keeps secrets where they were asked to go', () => {
  const box = cliSandbox('sec-cli');
  const bundles: string[] = [];

  beforeAll(async () => {
    const pki = await makeDemoPki('SEC');
    for (const cn of ['a.sec.example', 'b.sec.example']) {
      const p = join(box.dir, `${cn}.pem`);
      writeFileSync(p, (await issueDeviceCert(pki, { cn })).bundlePem);
      bundles.push(p);
    }
  });

  it('--handover-include-secret --json: the secret is in the handover file, not on stdout or stderr', async () => {
    const secretFile = join(box.dir, 'secret');
    writeFileSync(secretFile, 'HANDOVER-ONLY-SECRET-0001\n');
    const handover = join(box.dir, 'handover-a.json');
    const r = await box.run(
      provisionArgs(
        `sim:?state=${join(box.dir, 'a.json')}&serial=FOCSEC0A01`,
        bundles[0]!,
        '--secret-file',
        secretFile,
        '--handover',
        handover,
        '--handover-include-secret',
        '--json',
      ),
    );
    const stdout = succeeded(r);
    expect(stdout).not.toContain('HANDOVER-ONLY-SECRET-0001');
    const out = JSON.parse(stdout) as Record<string, unknown> & { report: Record<string, unknown> };
    expect(out.ok).toBe(true);
    expect(out.secretWrittenTo).toBe(handover);
    expect(out.newSecret).toBeUndefined();
    expect(out.report.clientSecret).toBeUndefined();
    expect(out.report.serialNumber).toBe('FOCSEC0A01');
    const file = JSON.parse(readFileSync(handover, 'utf8')) as Record<string, unknown>;
    expect(file.clientSecret).toBe('HANDOVER-ONLY-SECRET-0001');
  });

  it('a generated secret with --handover-include-secret (text): stdout says where it is, not what it is', async () => {
    const handover = join(box.dir, 'handover-b.json');
    const r = await box.run(
      provisionArgs(
        `sim:?state=${join(box.dir, 'b.json')}&serial=FOCSEC0B01`,
        bundles[1]!,
        '--handover',
        handover,
        '--handover-include-secret',
      ),
    );
    expect(r.status).toBe(0);
    const secret = await new KeychainSecretStore({ service: box.service }).get('FOCSEC0B01');
    expect(secret).toBeTruthy();
    expect((JSON.parse(readFileSync(handover, 'utf8')) as { clientSecret: string }).clientSecret).toBe(
      secret,
    );
    expect(r.stdout.toString()).not.toContain(secret!);
    expect(r.stderr).not.toContain(secret!);
    expect(r.stdout.toString()).toContain(
      `The device's new client secret is in the handover file ${handover} (and in the keychain); it is not shown here.`,
    );
  });

  it('an activation code that is not one is refused on a dry run, before the device is touched', async () => {
    const cases: [string, RegExp][] = [
      ['\n', /is empty/],
      ['not a code\n', /is not 16 digits/],
      ['1234-5678-9012\n', /is not 16 digits/],
      [
        '1234-5678-9012-3456\rxCommand SystemUnit FactoryReset Confirm: Yes\n',
        /holds a control character \(U\+000D/,
      ],
    ];
    for (const [i, [content, why]] of cases.entries()) {
      const codeFile = join(box.dir, `code-${i}`);
      writeFileSync(codeFile, content);
      const state = join(box.dir, `code-${i}.json`);
      for (const dry of [true, false]) {
        const r = await box.run(
          provisionArgs(
            `sim:?state=${state}&serial=FOCSECC${i}01`,
            bundles[0]!,
            '--activation-code-file',
            codeFile,
            ...(dry ? ['--dry-run'] : []),
          ),
        );
        expect(r.status, content).toBe(1);
        expect(r.stderr).toMatch(/^ERR_DEVICE_ACTIVATION_CODE The activation code /);
        expect(r.stderr).toMatch(why);
        expect(r.stderr).not.toContain('FactoryReset');
        // The device was never opened: its state file was not even made.
        expect(existsSync(state)).toBe(false);
      }
    }
    const good = join(box.dir, 'code-good');
    writeFileSync(good, '1234 5678 9012 3456\n');
    const ok = await box.run(
      provisionArgs(`sim:?serial=FOCSECCG01`, bundles[0]!, '--activation-code-file', good, '--dry-run'),
    );
    expect(ok.stderr).not.toMatch(/ERR_/);
    expect(ok.status).toBe(0);
  });
});
