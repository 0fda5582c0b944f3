/**
 * The workflow commands as a person runs them (the built CLI in its own process) against simulators over
 * a real pseudo-terminal and SSH, with the real keychain: renew, deactivate, status, preferred-domain and
 * batch. Progress on stderr, results on stdout, one `CODE sentence` line and a non-zero status on failure.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RoomOsSimulator, createSimulator } from '../../src/simulator/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { Rig, provisionedOnPty } from '../main/workflows/rig.js';

const ready = systemHas('socat') && systemHas('keyring');
const rig = new Rig();
const SECRET = 'cli workflow secret';
let env: Record<string, string>;
const cli = (args: string[]): Promise<CliResult> => runCli(args, '', env);
const lastLine = (s: string): string => s.trimEnd().split('\n').at(-1)!;
/** The certificates the tool added (not the device's own, not the chain entries a real device lists). */
const service = (sim: RoomOsSimulator) => sim.state.certificates.filter((c) => c.kind === 'service');

describe.runIf(ready)('e2ee-prov renew, deactivate, status, preferred-domain', () => {
  beforeAll(async () => {
    await rig.setUp('cli-workflows');
    env = {
      E2EE_PROV_HOME: rig.path('home'),
      E2EE_PROV_KEYCHAIN_SERVICE: rig.service,
      E2EE_PROV_KNOWN_HOSTS: rig.path('known-hosts.json'),
    };
    await writeFile(rig.path('secret.txt'), SECRET + '\n');
    await writeFile(rig.path('code.txt'), '0000-1111-2222-3333\n');
  });
  afterEach(() => rig.reset());
  afterAll(() => rig.tearDown());

  it('status of a new device, readable and as JSON', async () => {
    const sim = await rig.sim({ serialNumber: 'FOCCLI0001' });
    const target = await rig.pty(sim);
    const r = await cli(['status', '--target', target]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // A factory-fresh device lists its own self-signed certificate, used for nothing.
    const own = await rig.connect(target);
    const [factory] = await own.listCertificates();
    await own.close();
    expect(r.stdout.toString()).toBe(
      [
        'Device: Cisco Room Kit, serial FOCCLI0001, RoomOS 11.23.1.8 3963b07b5c5',
        'Webex registration: Stopped',
        '',
        'E2EE status (xStatus Conference EndToEndEncryption):',
        '  not reported: the device reports it only once registered (and only on models that can join E2EE meetings)',
        '',
        'WebexIdentity certificate (Services Show Filter: WebexIdentity): none',
        '',
        'Certificates (1):',
        `  1. ${factory!.fingerprint}  /CN=TemporaryDefaultCertificate`,
        `     issuer /CN=TemporaryDefaultCertificate; valid ${factory!.notBefore} to ${factory!.notAfter}`,
        "     used for (the device's labels): nothing",
        '',
        'PreferredDomain: not set',
        '',
      ].join('\n'),
    );
    const j = await cli(['status', '--target', target, '--json']);
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout.toString())).toMatchObject({
      device: { productId: 'Cisco Room Kit', serialNumber: 'FOCCLI0001', webexStatus: 'Stopped' },
      e2ee: { present: false, availability: null },
      webexIdentity: null,
      webexIdentityEntries: [],
      preferredDomain: '',
    });
  });

  it('provision, renew, status, preferred-domain, deactivate --delete; each again resumes', async () => {
    const sim = await rig.sim({ serialNumber: 'FOCCLI0002' });
    const target = await rig.pty(sim);
    const a = await rig.issue('a.cli.example');
    const b = await rig.issue('b.cli.example');
    const p = await cli([
      'provision',
      '--target',
      target,
      '--cert',
      a.certPath,
      '--key',
      a.keyPath,
      '--secret-file',
      rig.path('secret.txt'),
      '--activation-code-file',
      rig.path('code.txt'),
    ]);
    expect(p.status).toBe(0);

    // A certificate for another name: refused before any change, unless --allow-new-name says so.
    const refused = await cli(['renew', '--target', target, '--cert', b.bundlePath, '--enc', 'A256GCM']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'ERR_WORKFLOW_RENEW_NEW_NAME The new certificate is for "b.cli.example", but the device\'s active identity is "a.cli.example"',
    );
    expect(service(sim).map((c) => [c.fingerprint, c.purposes])).toEqual([
      [a.fingerprint, ['WebexIdentity']],
    ]);
    const r = await cli([
      'renew',
      '--target',
      target,
      '--cert',
      b.bundlePath,
      '--enc',
      'A256GCM',
      '--allow-new-name',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('WARN_RENEW_NEW_NAME');
    expect(r.stdout.toString()).toBe(
      `Renewed: the device's identity is b.cli.example, fingerprint ${b.fingerprint}, valid until ${b.notAfter}. The old certificate was deleted.\n`,
    );
    expect(r.stderr).toContain(
      `✓ Check the device, its secret and the new certificate: replacing ${a.fingerprint} with ${b.fingerprint}\n`,
    );
    expect(r.stderr).toContain('✓ Verify the new identity: external identity b.cli.example: Valid\n');
    expect(r.stderr).toContain('✓ Delete the old certificate\n');
    expect(r.stderr).not.toContain(SECRET);
    expect(service(sim).map((c) => [c.fingerprint, c.purposes])).toEqual([
      [b.fingerprint, ['WebexIdentity']],
    ]);

    const again = await cli(['renew', '--target', target, '--cert', b.bundlePath, '--json']);
    expect(again.status).toBe(0);
    const json = JSON.parse(again.stdout.toString()) as {
      ok: boolean;
      steps: { id: string; status: string }[];
      certificate: unknown;
    };
    expect(json.ok).toBe(true);
    expect(json.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'precheck:done',
      'add-certificate:skipped',
      'activate:skipped',
      'verify:done',
      'deactivate-old:skipped',
      'delete-old:skipped',
    ]);
    expect(json.certificate).toEqual({
      identity: 'b.cli.example',
      fingerprint: b.fingerprint,
      notAfter: b.notAfter,
    });

    const st = await cli(['status', '--target', target]);
    expect(st.status).toBe(0);
    const text = st.stdout.toString();
    expect(text).toContain('Webex registration: Registered\n');
    expect(text).toContain(
      '  Availability: Available\n  ExternalIdentity:\n    Verification: CAVerified\n    Identity:     b.cli.example\n    Status:       Valid\n    CertificateChain:\n',
    );
    expect(text).toContain(`      1. b.cli.example  fingerprint ${b.fingerprint}\n`);
    expect(text).toContain(
      '  InternalIdentity:\n    Verification: WebexVerified\n    Identity:     example.com\n    Status:       Valid\n',
    );
    expect(text).toContain(
      `WebexIdentity certificate (Services Show Filter: WebexIdentity): ${b.fingerprint}\n`,
    );
    // The device's own certificate, the new leaf and its chain entry (the renewal deleted the old leaf).
    expect(text).toContain('Certificates (3):\n');
    expect(text).toMatch(
      new RegExp(
        `\\d\\. ${b.fingerprint}  /CN=b\\.cli\\.example {2}\\[WebexIdentity\\]\\n.*\\n {5}used for \\(the device's labels\\): Webex identity\\n`,
      ),
    );
    expect(text).toMatch(
      / {2}\[WebexIdentity chain\]\n.*\n {5}used for \(the device's labels\): Webex identity\n/,
    );

    const pd = await cli(['preferred-domain', '--target', target, '--domain', 'corp.example']);
    expect(pd.status).toBe(0);
    expect(pd.stdout.toString()).toBe('PreferredDomain is "corp.example".\n');
    expect(lastLine(pd.stderr)).toBe(
      '  ! WARN_PREFERRED_DOMAIN_IGNORED The device has an external identity active; it ignores PreferredDomain until that is deactivated.',
    );
    expect(sim.state.config['Conference EndToEndEncryption Identity PreferredDomain']).toBe('corp.example');

    const d = await cli(['deactivate', '--target', target, '--delete']);
    expect(d.status).toBe(0);
    expect(d.stdout.toString()).toBe(
      `Certificate ${b.fingerprint} is not used for WebexIdentity any more, and is deleted from the device.\n`,
    );
    expect(service(sim)).toEqual([]);
    // The device's own certificate and the chain entry (shared with no leaf now, used for nothing) stay.
    expect(sim.state.certificates.map((c) => [c.kind, c.purposes])).toEqual([
      ['preinstalled', []],
      ['chain', []],
    ]);
    const d2 = await cli(['deactivate', '--target', target, '--delete', '--json']);
    expect(d2.status).toBe(0);
    const dj = JSON.parse(d2.stdout.toString()) as {
      steps: { id: string; status: string; detail?: string }[];
    };
    expect(dj.steps.map((s) => [s.id, s.status, s.detail])).toEqual([
      ['precheck', 'done', `certificate ${b.fingerprint}, deleted by an earlier run`],
      ['deactivate', 'skipped', undefined],
      ['delete', 'skipped', undefined],
    ]);
    const pd2 = await cli(['preferred-domain', '--target', target, '--domain', 'corp.example', '--json']);
    expect(JSON.parse(pd2.stdout.toString())).toEqual({ domain: 'corp.example', ignored: false });
  });

  it('renew --dry-run prints the plan and changes nothing; --keep-old keeps the old certificate', async () => {
    const { sim, target, cert: a } = await provisionedOnPty(rig, 'FOCCLI0004', 'k.cli.example', SECRET);
    const b = await rig.issue('k2.cli.example');
    const dry = await cli(['renew', '--target', target, '--cert', b.bundlePath, '--keep-old', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout.toString()).toBe('');
    expect(dry.stderr).toContain(
      [
        'Plan for renew (dry run, nothing is done):',
        '  1. Check the device, its secret and the new certificate',
        '  2. Add the new certificate and key',
        '  3. Activate the new certificate for WebexIdentity',
        '  4. Verify the new identity',
        '  5. Deactivate the old certificate',
        '  6. Delete the old certificate  (left out: asked to keep it)',
        '',
      ].join('\n'),
    );
    expect(service(sim).map((c) => c.fingerprint)).toEqual([a.fingerprint]);
    const kept = await cli([
      'renew',
      '--target',
      target,
      '--cert',
      b.bundlePath,
      '--keep-old',
      '--allow-new-name',
    ]);
    expect(kept.status).toBe(0);
    expect(kept.stdout.toString()).toBe(
      `Renewed: the device's identity is k2.cli.example, fingerprint ${b.fingerprint}, valid until ${b.notAfter}. The old certificate is kept, deactivated.\n`,
    );
    expect(service(sim).map((c) => [c.fingerprint, c.purposes])).toEqual([
      [a.fingerprint, []],
      [b.fingerprint, ['WebexIdentity']],
    ]);
  });

  it('failures: one CODE line on stderr and exit 1; usage errors exit 2', async () => {
    const sim = await rig.sim({ serialNumber: 'FOCCLI0003' });
    const target = await rig.pty(sim);
    const expired = await rig.issue('old.cli.example', { days: -1 });

    const nosecret = await cli(['deactivate', '--target', target]);
    expect(nosecret.status).toBe(1);
    expect(lastLine(nosecret.stderr)).toBe(
      'ERR_WORKFLOW_SECRET_UNKNOWN The keychain holds no client secret for device FOCCLI0003. Import it (e2ee-prov secret import) or provision the device first.',
    );
    const renewExpired = await cli([
      'renew',
      '--target',
      target,
      '--cert',
      expired.certPath,
      '--key',
      expired.keyPath,
    ]);
    expect(renewExpired.status).toBe(1);
    expect(lastLine(renewExpired.stderr)).toMatch(
      /^ERR_WORKFLOW_CERT_REJECTED The new certificate cannot go on the device: The certificate expired on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\. Get a renewed certificate from the CA\.$/,
    );
    expect(renewExpired.stdout.toString()).toBe('');
    const mx = await rig.sim({ model: 'Cisco TelePresence MX300 G2', serialNumber: 'FOCCLIMX01' });
    const valid = await rig.issue('mx.cli.example');
    const mxr = await cli(['renew', '--target', await rig.pty(mx), '--cert', valid.bundlePath]);
    expect(mxr.status).toBe(1);
    expect(lastLine(mxr.stderr)).toBe(
      'ERR_WORKFLOW_MODEL_UNSUPPORTED Cisco TelePresence MX300 G2 (MX series) cannot join end-to-end encrypted meetings with an external identity. Only Board, Desk Pro, Desk, Room Kit and Room Kit Mini can.',
    );

    for (const [args, message] of [
      [['renew', '--target', target], '--cert is required.'],
      [['deactivate'], '--target is required.'],
      [['preferred-domain', '--target', target], '--domain is required.'],
      [['status', '--target', target, '--bogus'], "Unknown option '--bogus'."],
    ] as const) {
      const u = await cli([...args]);
      expect(u.status).toBe(2);
      expect(lastLine(u.stderr)).toMatch(
        new RegExp(`^ERR_USAGE ${message.replace(/[.?*+()[\]\\-]/g, '\\$&')}`),
      );
    }
  });
});

describe.runIf(ready)('e2ee-prov batch', () => {
  beforeAll(async () => {
    await rig.setUp('cli-batch');
    env = {
      E2EE_PROV_HOME: rig.path('home'),
      E2EE_PROV_KEYCHAIN_SERVICE: rig.service,
      E2EE_PROV_KNOWN_HOSTS: rig.path('known-hosts.json'),
    };
  });
  afterAll(() => rig.tearDown());

  it('provisions sim, pty and two SSH devices (two at a time), reports a failing one, never prints a secret, and resumes', async () => {
    const certs = [];
    for (const cn of ['c1', 'c2', 'c3', 'c4']) certs.push(await rig.issue(`${cn}.batch.example`));
    const pty = await rig.sim({ serialNumber: 'FOCCLIB002' });
    const ptyTarget = await rig.pty(pty);
    const ssh = [
      await rig.sim({ serialNumber: 'FOCCLIB003' }),
      await rig.sim({ serialNumber: 'FOCCLIB004' }),
    ];
    const ports = [(await ssh[0]!.serveSsh()).port, (await ssh[1]!.serveSsh()).port];
    const state = rig.path('sim1.json');
    const csv = rig.path('devices.csv');
    await writeFile(
      csv,
      '\uFEFFtarget,cert,key\r\n' +
        `"sim:?state=sim1.json&serial=FOCCLIB001",${basename(certs[0]!.bundlePath)},\r\n` +
        `${ptyTarget},${basename(certs[1]!.certPath)},${basename(certs[1]!.keyPath)}\r\n` +
        `ssh://admin@127.0.0.1:${ports[0]},${basename(certs[2]!.certPath)},${basename(certs[2]!.keyPath)}\r\n` +
        `ssh://admin@127.0.0.1:${ports[1]},${basename(certs[3]!.bundlePath)},\r\n` +
        `serial:/dev/e2ee-no-such-port,missing-cert.pem,\r\n`,
    );
    const r = await cli([
      'batch',
      csv,
      '--parallel',
      '2',
      '--allow-plain-over-network',
      '--accept-new-host-key',
    ]);
    expect(r.status).toBe(1);
    const out = r.stdout.toString();
    const lines = out.split('\n');
    expect(lines[0]).toBe('4 of 5 devices provisioned.');
    expect(lines[1]).toBe(
      `  line 2  sim:?state=sim1.json&serial=FOCCLIB001  FOCCLIB001  ok  c1.batch.example  ${certs[0]!.fingerprint}  until ${certs[0]!.notAfter}`,
    );
    expect(lines[2]).toBe(
      `  line 3  ${ptyTarget}  FOCCLIB002  ok  c2.batch.example  ${certs[1]!.fingerprint}  until ${certs[1]!.notAfter}`,
    );
    expect(lines[5]).toBe('  line 6  serial:/dev/e2ee-no-such-port  -  FAILED  ERR_INPUT_READ');
    const resultCsv = rig.path('devices.result.csv');
    const resultJson = rig.path('devices.result.json');
    expect(lines[6]).toBe(`Results: ${resultCsv} and ${resultJson}.`);
    expect(lines.slice(7).join('\n')).toBe(
      "\n4 devices (FOCCLIB001, FOCCLIB002, FOCCLIB003, FOCCLIB004) got a generated client secret. A batch never prints secrets: they are in the OS keychain only. Export them for the devices' owners with: e2ee-prov secret export\n",
    );
    expect(lastLine(r.stderr)).toBe(
      `ERR_WORKFLOW_BATCH_INCOMPLETE 1 of 5 devices failed (line 6: ERR_INPUT_READ); see ${resultCsv}. Run the batch again to resume them: devices that are done are skipped.`,
    );
    // Progress lines name their device.
    expect(r.stderr).toContain(
      `[line 3 ${ptyTarget}] ✓ Populate the client secret: a generated secret was populated, and stored for the device\n`,
    );
    expect(r.stderr).toContain(
      `[line 4 ssh://admin@127.0.0.1:${ports[0]}] ✓ Activate it for WebexIdentity\n`,
    );
    for (const s of ['FOCCLIB001', 'FOCCLIB002', 'FOCCLIB003', 'FOCCLIB004']) {
      const secret = (await rig.secrets.get(s))!;
      expect(secret.length).toBeGreaterThan(10);
      expect(
        out + r.stderr + (await readFile(resultCsv, 'utf8')) + (await readFile(resultJson, 'utf8')),
      ).not.toContain(secret);
    }
    expect(pty.clientSecretIs((await rig.secrets.get('FOCCLIB002'))!)).toBe(true);
    expect(ssh.map((s) => s.state.webexIdentity)).toEqual([certs[2]!.fingerprint, certs[3]!.fingerprint]);
    // Both SSH host keys were pinned, though the two connections were made at once.
    const known = JSON.parse(await readFile(rig.path('known-hosts.json'), 'utf8')) as { hosts: object };
    expect(Object.keys(known.hosts).sort()).toEqual(ports.map((p) => `127.0.0.1:${p}`).sort());
    const own = await createSimulator({ stateFile: state });
    expect(own.state.webexIdentity).toBe(certs[0]!.fingerprint);
    await own.close();

    const rows = (await readFile(resultCsv, 'utf8')).split('\r\n');
    expect(rows[0]).toBe(
      'line,target,serial,product,status,error_code,error_message,failed_step,identity,fingerprint,not_after,secret,warnings,started_at,finished_at',
    );
    expect(rows[5]!.replace(/,[^,]+,[^,]+$/, '')).toBe(
      `6,serial:/dev/e2ee-no-such-port,,,failed,ERR_INPUT_READ,Cannot read the certificate from ${rig.path('missing-cert.pem')}: there is no such file.,inputs,,,,,`,
    );
    expect(rows[6]).toBe('');

    // Again, with --json: the done devices are skipped, and stdout is the JSON written to the file.
    const again = await cli(['batch', csv, '--parallel', '2', '--allow-plain-over-network', '--json']);
    expect(again.status).toBe(1);
    expect(again.stdout.toString()).toBe(await readFile(resultJson, 'utf8'));
    const j = JSON.parse(again.stdout.toString()) as {
      file: string;
      ok: boolean;
      succeeded: number;
      generatedSecrets: string[];
      devices: { line: number; status: string; secret: string | null }[];
    };
    expect(j).toMatchObject({ file: csv, ok: false, succeeded: 4, generatedSecrets: [] });
    expect(j.devices.map((d) => [d.line, d.status, d.secret])).toEqual([
      [2, 'ok', 'existing'],
      [3, 'ok', 'existing'],
      [4, 'ok', 'existing'],
      [5, 'ok', 'existing'],
      [6, 'failed', null],
    ]);
  });

  it('a bad batch file: ERR_WORKFLOW_BATCH_FILE with its line, nothing connected; usage errors exit 2', async () => {
    const csv = rig.path('bad.csv');
    await writeFile(csv, 'target,cert,key\nsim:,a.pem,\n"sim:,b.pem,\n');
    const r = await cli(['batch', csv]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`ERR_WORKFLOW_BATCH_FILE ${csv}, line 3: a quote opened here is never closed.\n`);
    expect(r.stdout.toString()).toBe('');
    const none = await cli(['batch']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^ERR_USAGE Give exactly one batch file\./);
    const zero = await cli(['batch', csv, '--parallel', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe('ERR_USAGE --parallel takes a whole number from 1 to 64, not "0".\n');
  });

  it('paths in a CSV stay in its folder: `..`, absolute paths and a symlink out are refused, nothing is read or sent', async () => {
    // The attack: a CSV handed to the technician sends a local file as the login password to its own host.
    const ssh = await rig.sim({ serialNumber: 'FOCCLIPATH1' });
    const { port } = await ssh.serveSsh();
    const dir = rig.path('handed');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await mkdir(rig.path('private'), { recursive: true });
    const credentials = rig.path('private/credentials');
    await writeFile(credentials, 'LOCAL-ADMIN-PASSWORD-CANARY\n');
    const cert = await rig.issue('path.batch.example');
    const bundle = join(dir, 'bundle.pem');
    await writeFile(bundle, await readFile(cert.bundlePath));
    const hosts = rig.path('known-hosts-paths.json');
    const attack = async (name: string, password: string, extra: string[] = []) => {
      const csv = join(dir, name);
      await writeFile(
        csv,
        `target,cert,key,password_file\nssh://admin@127.0.0.1:${port},bundle.pem,,${password}\n`,
      );
      return {
        csv,
        r: await runCli(['batch', csv, '--accept-new-host-key', '--allow-plain-over-network', ...extra], '', {
          ...env,
          E2EE_PROV_KNOWN_HOSTS: hosts,
        }),
      };
    };
    for (const [name, value] of [
      ['dotdot.csv', '../../private/credentials'],
      ['inner-dotdot.csv', 'sub/../../private/credentials'],
      ['backslash.csv', 'sub\\..\\..\\private\\credentials'],
      ['absolute.csv', credentials],
      ['home.csv', '~/credentials'],
    ] as const) {
      const { csv, r } = await attack(name, value);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `ERR_WORKFLOW_BATCH_PATH_OUTSIDE ${csv}, line 2: the password_file path leaves the batch file's folder (it is absolute or has a .. part). Put the file in the CSV's folder (or below it) and name it relative to it, or, for a CSV you trust, run with --allow-paths-outside.\n`,
      );
      expect(r.stdout.toString()).toBe('');
    }
    // A symbolic link inside the folder that leads out: that row fails before its device is connected.
    await symlink(credentials, join(dir, 'sub', 'password.txt'));
    const linked = await attack('link.csv', 'sub/password.txt');
    expect(linked.r.status).toBe(1);
    const result = JSON.parse(await readFile(join(dir, 'link.result.json'), 'utf8')) as {
      devices: { failedStep: string; error: { code: string; message: string } }[];
    };
    expect(result.devices.map((d) => [d.failedStep, d.error])).toEqual([
      [
        'inputs',
        {
          code: 'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
          message:
            "Line 2: the password_file file is reached through a symbolic link that leaves the batch file's folder. Copy the file into the CSV's folder, or, for a CSV you trust, run with --allow-paths-outside.",
        },
      ],
    ]);
    // A simulator's state file is a path too.
    await writeFile(join(dir, 'state.csv'), 'target,cert,key\n"sim:?state=../elsewhere.json",bundle.pem,\n');
    const state = await cli(['batch', join(dir, 'state.csv')]);
    expect(state.stderr).toMatch(/^ERR_WORKFLOW_BATCH_PATH_OUTSIDE .*line 2: the target state path leaves/);
    // A state file not there yet, in a folder that is a symbolic link leading out: the folder's real path
    // is outside, so the row fails before the simulator is made, and nothing is written outside.
    await mkdir(rig.path('outside'), { recursive: true });
    await symlink(rig.path('outside'), join(dir, 'linkdir'));
    await writeFile(join(dir, 'linkdir.csv'), 'target,cert,key\n"sim:?state=linkdir/st.json",bundle.pem,\n');
    const viaLink = await cli(['batch', join(dir, 'linkdir.csv')]);
    expect(viaLink.status).toBe(1);
    const linkResult = JSON.parse(await readFile(join(dir, 'linkdir.result.json'), 'utf8')) as {
      devices: { failedStep: string; error: { code: string; message: string } }[];
    };
    expect(linkResult.devices.map((d) => [d.failedStep, d.error])).toEqual([
      [
        'inputs',
        {
          code: 'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
          message:
            "Line 2: the target state file is reached through a symbolic link that leaves the batch file's folder. Copy the file into the CSV's folder, or, for a CSV you trust, run with --allow-paths-outside.",
        },
      ],
    ]);
    expect(await readdir(rig.path('outside'))).toEqual([]);
    // Nothing reached the device: no login, no command, no host key pinned, and the password file is unread.
    expect(ssh.events.filter((e) => ['session-open', 'login', 'command'].includes(e.type))).toEqual([]);
    await expect(readFile(hosts, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // Trusted explicitly, the same absolute path is read and its text used as the password (which this
    // device, with no admin password, refuses).
    const trusted = await attack('trusted.csv', credentials, ['--allow-paths-outside']);
    expect(trusted.r.stdout.toString().split('\n').slice(0, 2)).toEqual([
      '0 of 1 device provisioned.',
      `  line 2  ssh://admin@127.0.0.1:${port}  -  FAILED  ERR_DEVICE_LOGIN_FAILED`,
    ]);
    // (SSH tries the password by more than one method; every try is refused.)
    const logins = ssh.events.filter((e) => e.type === 'login').map((e) => e.type === 'login' && e.ok);
    expect(new Set(logins)).toEqual(new Set([false]));
    expect(trusted.r.stdout.toString() + trusted.r.stderr).not.toContain('LOCAL-ADMIN-PASSWORD-CANARY');
  });
});
