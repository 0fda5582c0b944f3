/**
 * The CLI's side of the real-device facts: the register-first order and the registration time-out as
 * options, `--keep` described as the schema lists it, and a device registered with SecurityAction Harden
 * explained when it no longer lets the tool log in.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { Rig, longChain } from '../main/workflows/rig.js';

const ready = systemHas('socat') && systemHas('keyring');
const rig = new Rig();
let env: Record<string, string>;
const cli = (args: string[]): Promise<CliResult> => runCli(args, '', env);

describe.runIf(ready)('e2ee-prov and the real-device facts', () => {
  beforeAll(async () => {
    await rig.setUp('cli-real');
    env = {
      E2EE_PROV_HOME: rig.path('home'),
      E2EE_PROV_KEYCHAIN_SERVICE: rig.service,
      E2EE_PROV_KNOWN_HOSTS: rig.path('known-hosts.json'),
    };
    await writeFile(rig.path('code.txt'), '1111-2222-3333-4444\n');
    await writeFile(rig.path('pw.txt'), 'admin password\n');
    await writeFile(rig.path('wrong.txt'), 'not the password\n');
  });
  afterEach(() => rig.reset());
  afterAll(() => rig.tearDown());

  it('usage: --register-first needs an activation code; --registration-timeout is bounded', async () => {
    const a = await cli(['provision', '--target', 'sim:', '--cert', 'x.pem', '--register-first']);
    expect(a.status).toBe(2);
    expect(a.stderr).toBe(
      'ERR_USAGE --register-first registers the device before the secret: give --activation-code-file too.\n',
    );
    const b = await cli([
      'provision',
      '--target',
      'sim:',
      '--cert',
      'x.pem',
      '--activation-code-file',
      rig.path('code.txt'),
      '--registration-timeout',
      '5',
    ]);
    expect(b.status).toBe(2);
    expect(b.stderr).toBe(
      'ERR_USAGE --registration-timeout is a whole number of seconds from 10 to 3600, not "5".\n',
    );
  });

  it('provision --wrap-long-lines: a blob longer than the console line is refused without it, sent wrapped with it on a device that joins', async () => {
    const chain = await longChain('wrap.cli.example');
    const pem = rig.path('wrap.pem');
    await writeFile(pem, chain.bundlePem);
    const target = 'sim:?serial=FOCCLIWRAP1&linelimit=4095&bodylines=joined';
    const refused = await cli(['provision', '--target', target, '--cert', pem]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^ERR_WORKFLOW_ADD_LINE_TOO_LONG The certificate's add blob is ${chain.blobBytes} bytes on one line;`,
        'm',
      ),
    );
    const wrapped = await cli([
      'provision',
      '--target',
      target,
      '--cert',
      pem,
      '--wrap-long-lines',
      '--json',
    ]);
    expect(wrapped.stderr).not.toMatch(/^ERR_/m);
    expect(wrapped.status).toBe(0);
    const out = JSON.parse(wrapped.stdout.toString()) as { ok: boolean; warnings: { code: string }[] };
    expect(out.ok).toBe(true);
    expect(out.warnings.map((w) => w.code)).toContain('WARN_LINE_LIMIT');
  });

  it('--keep names what each item keeps, and what nothing keeps', async () => {
    const r = await cli([
      'provision',
      '--target',
      'sim:',
      '--cert',
      'x.pem',
      '--factory-reset',
      '--keep',
      'Users',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'LocalSetup (default and ring volume, time zone, user-interface language, video output overscan and camera presets (not the system name, users or SSH))',
    );
    expect(r.stderr).toContain(
      'Webex (the Webex service-override URLs (GdsBaseUrl, U2CBaseUrl) only, never the registration)',
    );
    expect(r.stderr).toContain(
      'Nothing keeps the local users and their passwords, the system name, the Webex registration and the client secret.',
    );
  });

  it('after a Harden registration, a refused login says why instead of asking for another password', async () => {
    const sim = await rig.sim({ serialNumber: 'FOCHARDEN1', adminPassword: 'admin password' });
    const target = await rig.pty(sim);
    const cert = await rig.issue('harden.cli.example');
    const p = await cli([
      'provision',
      '--target',
      target,
      '--cert',
      cert.certPath,
      '--key',
      cert.keyPath,
      '--password-file',
      rig.path('pw.txt'),
      '--activation-code-file',
      rig.path('code.txt'),
      '--security-action',
      'Harden',
    ]);
    expect(p.stderr).toContain('WARN_HARDEN');
    expect(p.status).toBe(0);
    expect(sim.state.hardened).toBe(true);
    // The device's local users are off: the console refuses the tool (here, as any refused password).
    const st = await cli(['status', '--target', target, '--password-file', rig.path('wrong.txt')]);
    expect(st.status).toBe(1);
    const last = st.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(
      /^ERR_WORKFLOW_DEVICE_HARDENED serial:.* \(serial FOCHARDEN1\) was registered to Webex with SecurityAction Harden on /,
    );
    expect(last).toContain('Manage the device from Control Hub, or factory reset it');
  });
});
