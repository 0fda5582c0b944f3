/**
 * Secret canary, end to end: distinctive secrets (client secrets, login password, activation code, key
 * passphrase) go through every CLI command over a simulator on a real pseudo-terminal, and through the
 * window's services (the Fleet screen's token and OAuth sign-ins among them); then every output, every file the tool wrote (data directory, temp directory,
 * console log, journal), every IPC result and event is searched for each canary in clear, hex, base64
 * and base64url (with and without padding). Only the files the person asked to hold a secret (and the
 * inputs the test wrote) and `secret.reveal`'s answer may hold one. Through the simulated Webex cloud, a
 * `webex:` capture and a batch's `webex:` renew row leave the token and the device's secret nowhere.
 */
import { createPrivateKey } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEventMessage } from '../../src/contract/index.js';
import type { ServiceOptions } from '../../src/main/app/options.js';
import type { SecretStore } from '../../src/main/vault/index.js';
import { Journal } from '../../src/main/vault/journal.js';
import { MemorySecretStore } from '../../src/main/vault/memory-store.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { type RoomOsSimulator, createSimulator } from '../../src/simulator/index.js';
import { HANG_MS, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/loopback.js';
import { systemHas } from '../helpers/system.js';
import { recordedWindowCalls, testServices } from '../helpers/services.js';
import { CLOUD_TOKEN, fleetWorld } from '../main/app/fleet-world.js';
import { Rig } from '../main/workflows/rig.js';
import { cliSandbox } from '../helpers/keychain.js';
import { dataDir, ensureDataDir } from '../../src/main/vault/data-dir.js';

// A loaded machine makes every CLI run slow: each test's budget is its count of CLI runs (each killed as hung
// after HANG_MS), not a fixed time.
const RUNS_FIRST = 18;
const RUNS_FLAGS = 19;

const SECRET = 'CnryClientSecret-Q7x2Zp9W-first';
const SECRET2 = 'CnryClientSecret-M4v8Kt3R-second';
const PASSWORD = 'CnryLoginPassw0rd-Hj5s';
const CODE = '4917-2638-5501-8842';
const PASSPHRASE = 'CnryKeyPassphrase-Wd61';
const WRONG_TOKEN = 'CnryWrongCloudToken-Lp40';
const OAUTH_CLIENT_ID = 'C5e1d9b7a3f2c4e6d8b0a1c3e5f7d9b2a';
const OAUTH_CLIENT_SECRET = 'CnryOAuthAppClientSecret-Ke83Wq';

/** Every form in which a canary must not appear. */
function forms(value: string): string[] {
  const b = Buffer.from(value, 'utf8');
  const b64 = b.toString('base64');
  const b64u = b.toString('base64url');
  return [
    value,
    b.toString('hex'),
    b.toString('hex').toUpperCase(),
    b64,
    b64.replace(/=+$/, ''),
    b64u,
    b64u.replace(/=+$/, ''),
  ];
}
const CANARIES: [string, string][] = [
  ['secret', SECRET],
  ['secret2', SECRET2],
  ['password', PASSWORD],
  ['code', CODE],
  ['code digits', CODE.replaceAll('-', '')],
  ['passphrase', PASSPHRASE],
  ['cloud token', CLOUD_TOKEN],
  ['wrong token', WRONG_TOKEN],
  ['oauth client secret', OAUTH_CLIENT_SECRET],
];
const NEEDLES = CANARIES.flatMap(([name, v]) => forms(v).map((f) => [name, f] as const));

/** The canaries (name and form) found in `text`. */
function leaks(text: string): string[] {
  return NEEDLES.filter(([, f]) => text.includes(f)).map(([name, f]) => `${name}:${f}`);
}

/**
 * The app's services on `store` in `dir` (then `changes`), the file dialog answering from `dialog`, with
 * every event and the window's call, each result kept.
 */
function watchedServices(dir: string, store: SecretStore, changes: Partial<ServiceOptions> = {}) {
  const events: AppEventMessage[] = [];
  const results: { channel: string; result: unknown }[] = [];
  const dialog: string[] = [];
  const services = testServices(dir, {
    dialog: { openFile: async () => dialog.shift() ?? null },
    emit: (m) => events.push(m),
    openSecretStore: async () => store,
    ...changes,
  });
  return { events, results, dialog, services, call: recordedWindowCalls(services, results) };
}
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

describe.runIf(systemHas('keyring') && systemHas('socat'))('secret canary, end to end', () => {
  const rig = new Rig();
  const service2 = `${rig.service}-import`;
  let env: Record<string, string>;
  let home: string;
  let tmp: string;
  const inputs = new Set<string>();

  beforeAll(async () => {
    await rig.setUp('sec-canary');
    home = join(rig.dir, 'data');
    tmp = join(rig.dir, 'tmp');
    mkdirSync(tmp);
    env = {
      E2EE_PROV_HOME: home,
      E2EE_PROV_KEYCHAIN_SERVICE: rig.service,
      E2EE_PROV_KNOWN_HOSTS: join(home, 'known-hosts.json'),
      TMPDIR: tmp,
    };
  });
  afterAll(async () => {
    const store2 = new KeychainSecretStore({ service: service2 });
    for (const s of await store2.list()) await store2.delete(s.serial);
    await rig.tearDown();
  });

  const input = (name: string, content: string): string => {
    const p = rig.path(name);
    writeFileSync(p, content);
    inputs.add(p);
    return p;
  };
  /** A certificate whose key is in its own file, encrypted under PASSPHRASE. */
  const encryptedCert = async (cn: string): Promise<{ cert: string; key: string }> => {
    const c = await rig.issue(cn);
    const enc = createPrivateKey(readFileSync(c.keyPath))
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE })
      .toString();
    const key = input(`${cn}.key.pem`, enc);
    return { cert: c.certPath, key };
  };

  /**
   * Two simulated devices on pseudo-terminals (with the admin password PASSWORD), the canaries in input
   * files, three certificates whose keys are encrypted under PASSPHRASE, and a runner that records every
   * output after checking that neither argv nor the environment holds a canary.
   */
  const stage = async (serials: [string, string], prefix: string) => {
    const sim = await rig.sim({ serialNumber: serials[0], loginRequired: true, adminPassword: PASSWORD });
    const sim2 = await rig.sim({ serialNumber: serials[1], loginRequired: true, adminPassword: PASSWORD });
    const files = {
      secretFile: input(`${prefix}secret-1`, `${SECRET}\n`),
      secret2File: input(`${prefix}secret-2`, `${SECRET2}\n`),
      pwFile: input(`${prefix}password`, `${PASSWORD}\n`),
      codeFile: input(`${prefix}code`, `${CODE}\n`),
      ppFile: input(`${prefix}passphrase`, `${PASSPHRASE}\n`),
    };
    const outputs: { label: string; text: string }[] = [];
    const run = async (
      label: string,
      args: string[],
      o: { stdin?: string; extraEnv?: Record<string, string>; status?: number } = {},
    ) => {
      const e = { ...env, ...o.extraEnv };
      // The CLI is handed secrets only through files: neither its argv nor the environment it is given holds one.
      expect(leaks(JSON.stringify(args)), `${label} argv`).toEqual([]);
      expect(leaks(JSON.stringify(e)), `${label} env`).toEqual([]);
      const r = await runCli(args, o.stdin ?? '', e, HANG_MS);
      outputs.push({ label, text: `${r.stdout.toString()}\n${r.stderr}` });
      expect(r.status, `${label}: ${r.stderr}`).toBe(o.status ?? 0);
      return r;
    };
    return {
      sim,
      target: await rig.pty(sim),
      sim2,
      target2: await rig.pty(sim2),
      ...files,
      first: await encryptedCert(`${prefix}canary-a.example`),
      second: await encryptedCert(`${prefix}canary-b.example`),
      third: await encryptedCert(`${prefix}canary-c.example`),
      login: ['--password-file', files.pwFile],
      outputs,
      run,
    };
  };

  it(
    'no canary in any output, file, log, journal, argv or environment',
    async () => {
      const staged = await stage(['FOCCNRY0001', 'FOCCNRY0002'], '');
      const { sim, target, sim2, target2, secretFile, secret2File, pwFile, codeFile, ppFile } = staged;
      const { first, second, third, login, outputs, run } = staged;

      await run('provision', [
        'provision',
        '--target',
        target,
        '--cert',
        first.cert,
        '--key',
        first.key,
        '--passphrase-file',
        ppFile,
        '--secret-file',
        secretFile,
        '--activation-code-file',
        codeFile,
        '--registration-timeout',
        '10',
        '--backup',
        rig.path('backup.json'),
        '--handover',
        rig.path('handover.json'),
        '--accept-new-host-key',
        ...login,
      ]);
      expect(sim.state.clientSecretSet).toBe(true);
      expect(await rig.secrets.get('FOCCNRY0001')).toBe(SECRET);
      await run('status', ['status', '--target', target, ...login]);
      await run('status --json', ['status', '--target', target, '--json', ...login]);
      await run('device info', ['device', 'info', '--target', target, ...login]);
      await run('device certs', ['device', 'certs', '--target', target, ...login]);
      await run('device capture', [
        'device',
        'capture',
        '--target',
        target,
        '--out',
        rig.path('capture.json'),
        ...login,
      ]);
      await run('secret rotate (typed)', [
        'secret',
        'rotate',
        '--target',
        target,
        '--new-secret-file',
        secret2File,
        '--json',
        ...login,
      ]);
      expect(await rig.secrets.get('FOCCNRY0001')).toBe(SECRET2);
      await run('renew', [
        'renew',
        '--target',
        target,
        '--cert',
        second.cert,
        '--key',
        second.key,
        '--passphrase-file',
        ppFile,
        '--allow-new-name',
        ...login,
      ]);
      await run('secret export', [
        'secret',
        'export',
        '--out',
        rig.path('escrow.e2ee'),
        '--passphrase-file',
        ppFile,
      ]);
      await run(
        'secret import',
        ['secret', 'import', rig.path('escrow.e2ee'), '--passphrase-file', ppFile, '--json'],
        { extraEnv: { E2EE_PROV_KEYCHAIN_SERVICE: service2 } },
      );
      expect(await new KeychainSecretStore({ service: service2 }).get('FOCCNRY0001')).toBe(SECRET2);
      await run(
        'console --log',
        ['console', '--target', target, '--log', rig.path('console.log'), ...login],
        {
          stdin: 'xStatus SystemUnit ProductId\nxStatus Security\n',
        },
      );
      await run('deactivate', ['deactivate', '--target', target, '--delete', ...login]);
      await run('inventory', ['inventory']);
      await run('inventory --json', ['inventory', '--json']);
      await run('journal verify', ['journal', 'verify']);
      // The meeting check on a device in no call: it fails (status 1) and says so; no canary either way.
      const meeting = await runCli(
        ['meeting', 'check', '--target', target, '--watch', '--duration', '1', ...login],
        '',
        env,
        HANG_MS,
      );
      outputs.push({ label: 'meeting check', text: `${meeting.stdout.toString()}\n${meeting.stderr}` });
      expect(meeting.status, meeting.stderr).toBe(1);
      expect(meeting.stdout.toString()).toContain('[fail] The device is not in a call');

      const csv = input(
        'batch.csv',
        'target,cert,key,passphrase_file,secret_file,activation_code_file,password_file,backup\n' +
          `${target2},${third.cert},${third.key},${ppFile},${secretFile},${codeFile},${pwFile},${rig.path('batch-backup.json')}\n`,
      );
      await run('batch', [
        'batch',
        csv,
        '--out-csv',
        rig.path('batch-out.csv'),
        '--out-json',
        rig.path('batch-out.json'),
        '--accept-new-host-key',
        // The files are the test's, named by absolute paths (confinement is tested in cli/workflows.test.ts).
        '--allow-paths-outside',
      ]);
      expect(await rig.secrets.get('FOCCNRY0002')).toBe(SECRET);
      // Last, a generated secret (shown once on stdout by design; it is no canary), with SECRET2 as current.
      await run('secret rotate (generated)', ['secret', 'rotate', '--target', target, '--json', ...login]);
      expect(await rig.secrets.get('FOCCNRY0001')).not.toBe(SECRET2);

      for (const o of outputs) expect(leaks(o.text), o.label).toEqual([]);
      const scanned = [...filesUnder(rig.dir)].filter((p) => !inputs.has(p));
      // The search sees the canaries where they are meant to be (the inputs), and covers what the tool wrote.
      expect(leaks(readFileSync(secretFile, 'utf8'))).not.toEqual([]);
      expect(leaks(readFileSync(first.key, 'utf8'))).toEqual([]);
      for (const name of [
        'console.log',
        'backup.json',
        'handover.json',
        'escrow.e2ee',
        'capture.json',
        'batch-out.json',
      ]) {
        expect(scanned).toContain(rig.path(name));
      }
      expect(scanned).toContain(join(home, 'journal.jsonl'));
      for (const p of scanned) {
        const bytes = readFileSync(p);
        expect(leaks(bytes.toString('utf8')), p).toEqual([]);
        expect(leaks(bytes.toString('latin1')), p).toEqual([]);
      }
      // The devices did receive them (the canaries were really used).
      expect(sim2.events.length).toBeGreaterThan(0);
    },
    RUNS_FIRST * HANG_MS,
  );

  it(
    'every command with every flag that changes its output (--json, --handover*, --dry-run, --watch): no canary, and a secret handed over to a file is in no output',
    async () => {
      const staged = await stage(['FOCCNRY0003', 'FOCCNRY0004'], 'flags-');
      const { target, target2, secretFile, pwFile, codeFile, ppFile } = staged;
      const { first, second, third, login, outputs, run } = staged;
      const credentials = (c: { cert: string; key: string }) => [
        '--cert',
        c.cert,
        '--key',
        c.key,
        '--passphrase-file',
        ppFile,
      ];
      const provisionArgs = [
        'provision',
        '--target',
        target,
        ...credentials(first),
        '--accept-new-host-key',
        ...login,
      ];

      await run('provision --dry-run', [
        ...provisionArgs,
        '--secret-file',
        secretFile,
        '--activation-code-file',
        codeFile,
        '--dry-run',
      ]);
      await run('provision --dry-run --json', [
        ...provisionArgs,
        '--secret-file',
        secretFile,
        '--dry-run',
        '--json',
      ]);
      // A generated secret handed over in the handover file: the result carries it (for the window), and
      // `--json` must print none of it.
      const handover = rig.path('flags-handover.json');
      const handed = await run('provision --handover --handover-include-secret --json', [
        ...provisionArgs,
        '--handover',
        handover,
        '--handover-include-secret',
        '--json',
      ]);
      const held = (JSON.parse(readFileSync(handover, 'utf8')) as { clientSecret: string }).clientSecret;
      expect(held).toBe(await rig.secrets.get('FOCCNRY0003'));
      const printed = JSON.parse(handed.stdout.toString()) as Record<string, unknown>;
      expect(printed.secretWrittenTo).toBe(handover);
      expect(printed.ok).toBe(true);
      expect(Object.keys(printed).sort()).toEqual([
        'dryRun',
        'ok',
        'report',
        'runId',
        'secretWrittenTo',
        'steps',
        'warnings',
        'workflow',
      ]);
      await run('status --json', ['status', '--target', target, '--json', ...login]);
      await run('device info --json', ['device', 'info', '--target', target, '--json', ...login]);
      await run('device certs --json', ['device', 'certs', '--target', target, '--json', ...login]);
      await run('device capture --json', [
        'device',
        'capture',
        '--target',
        target,
        '--out',
        rig.path('flags-capture.json'),
        '--json',
        ...login,
      ]);
      await run('preferred-domain --json', [
        'preferred-domain',
        '--target',
        target,
        '--domain',
        'flags.example',
        '--json',
        ...login,
      ]);
      const renewArgs = ['renew', '--target', target, ...credentials(second), '--allow-new-name', ...login];
      await run('renew --dry-run', [...renewArgs, '--dry-run']);
      await run('renew --dry-run --json', [...renewArgs, '--dry-run', '--json']);
      await run('renew --json', [...renewArgs, '--json']);
      await run('cert inspect --json', ['cert', 'inspect', ...credentials(third), '--json']);
      await run('meeting check --json', ['meeting', 'check', '--target', target, '--json', ...login], {
        status: 1,
      });
      await run(
        'meeting check --watch --json',
        ['meeting', 'check', '--target', target, '--watch', '--duration', '1', '--json', ...login],
        { status: 1 },
      );
      await run('deactivate --json', ['deactivate', '--target', target, '--json', ...login]);
      // (`secret rotate --json`, typed and generated, runs in the test above.)
      await run('inventory --json', ['inventory', '--json']);
      await run('journal verify --json', ['journal', 'verify', '--json']);
      const csv = input(
        'flags-batch.csv',
        'target,cert,key,passphrase_file,secret_file,password_file\n' +
          `${target2},${third.cert},${third.key},${ppFile},${secretFile},${pwFile}\n`,
      );
      await run('batch --json', ['batch', csv, '--json', '--accept-new-host-key', '--allow-paths-outside']);
      expect(await rig.secrets.get('FOCCNRY0004')).toBe(SECRET);

      const heldForms = forms(held);
      for (const o of outputs) {
        expect(leaks(o.text), o.label).toEqual([]);
        expect(
          heldForms.filter((f) => o.text.includes(f)),
          o.label,
        ).toEqual([]);
      }
    },
    RUNS_FLAGS * HANG_MS,
  );

  it('the window’s services: no IPC result or event holds a canary, but secret.reveal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sec-canary-svc-'));
    const store = new MemorySecretStore();
    const sims: RoomOsSimulator[] = [];
    const { events, results, dialog, services, call } = watchedServices(dir, store, {
      simRebootDelayMs: 100,
      createSimulator: async (o) => {
        const sim = await createSimulator({ ...o, loginRequired: true, adminPassword: PASSWORD });
        sims.push(sim);
        return sim;
      },
    });
    try {
      const pki = await makeDemoPki('Canary');
      const issued = await issueDeviceCert(pki, { cn: 'canary-svc.example' });
      const certPath = join(dir, 'svc.pem');
      const keyPath = join(dir, 'svc.key.pem');
      writeFileSync(certPath, issued.certificatePem);
      writeFileSync(
        keyPath,
        createPrivateKey(issued.keyPem)
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE })
          .toString(),
      );
      expect(
        await call('device.connect', { target: 'sim:?serial=FOCCNRY0S01', password: PASSWORD }),
      ).toMatchObject({ ok: true });
      dialog.push(certPath);
      expect(await call('credentials.choose', { role: 'certificate' })).toMatchObject({ ok: true });
      dialog.push(keyPath);
      expect(await call('credentials.choose', { role: 'key' })).toMatchObject({ ok: true });
      expect(await call('credentials.inspect', { passphrase: PASSPHRASE })).toMatchObject({
        ok: true,
        value: { ok: true },
      });
      const request = {
        dryRun: false,
        secret: { mode: 'given', value: SECRET },
        enc: 'A256GCM',
        backup: true,
        factoryReset: null,
        restoreName: true,
        activationCode: CODE,
        allowPlainOverNetwork: false,
      };
      expect(await call('provision.run', { ...request, dryRun: true })).toMatchObject({ ok: true });
      expect(await call('provision.run', request)).toMatchObject({ ok: true, value: { ok: true } });
      expect(await store.get('FOCCNRY0S01')).toBe(SECRET);
      expect(
        await call('secret.rotate', {
          newSecret: { mode: 'given', value: SECRET2 },
          currentSecret: SECRET,
          enc: 'A128GCM',
        }),
      ).toMatchObject({ ok: true });
      expect(await store.get('FOCCNRY0S01')).toBe(SECRET2);
      expect(
        await call('secret.rotate', { newSecret: { mode: 'generate' }, currentSecret: null, enc: 'A128GCM' }),
      ).toMatchObject({ ok: true, value: { secretToReveal: true } });
      const revealed = (await call('secret.reveal', { source: 'rotate' })) as {
        ok: boolean;
        value: { secret: string };
      };
      expect(revealed.ok).toBe(true);
      await call('console.read', { after: 0 });
      await call('inventory.list');
      await call('journal.verify');
      // The meeting check with another device, its login password typed once.
      expect(
        await call('meeting.start', { others: [{ target: 'sim:?serial=FOCCNRY0S02', password: PASSWORD }] }),
      ).toMatchObject({ ok: true, value: { watching: true } });
      await call('meeting.read');
      expect(await call('meeting.stop')).toMatchObject({ ok: true, value: { watching: false } });
      await call('device.identify');
      await call('device.disconnect');

      expect(events.length).toBeGreaterThan(10);
      for (const e of events) expect(leaks(JSON.stringify(e)), JSON.stringify(e).slice(0, 200)).toEqual([]);
      for (const r of results.filter((x) => x.channel !== 'secret.reveal')) {
        expect(leaks(JSON.stringify(r.result)), r.channel).toEqual([]);
      }
      // The training simulator's state file is the simulated device's flash (it holds the device's
      // password and secret as a device does): not the tool's output.
      const simulators = join(dir, 'home', 'simulators');
      const files = filesUnder(dir).filter((x) => x !== keyPath && !x.startsWith(simulators));
      expect(files.length).toBeGreaterThan(0);
      for (const p of files) {
        expect(leaks(readFileSync(p, 'latin1')), p).toEqual([]);
      }
      expect(sims.length).toBeGreaterThan(0);
    } finally {
      await services.dispose();
      for (const s of sims) await s.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the Fleet screen: no IPC result or event holds the cloud token, a passphrase or a rotated secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sec-canary-fleet-'));
    // No keychain entries of the tool's own here: the sign-in is kept for the session, in main.
    const store = new MemorySecretStore();
    const world = await fleetWorld(
      [
        { serial: 'FOCCNRYF001', name: 'Canary one', days: 30 },
        { serial: 'FOCCNRYF002', name: 'Canary two', days: 90 },
      ],
      store,
      new Journal(join(dir, 'home')),
    );
    const { events, results, dialog, services, call } = watchedServices(dir, store);
    try {
      expect(await call('cloud.signIn', { token: WRONG_TOKEN, apiBase: world.cloud.url })).toMatchObject({
        ok: false,
        code: 'ERR_CLOUD_AUTH',
      });
      expect(await call('cloud.signIn', { token: CLOUD_TOKEN, apiBase: world.cloud.url })).toMatchObject({
        ok: true,
      });
      await call('cloud.whoami');
      expect(await call('fleet.list', { tags: [] })).toMatchObject({ ok: true });
      const files = await world.issue(dir, 'foccnryf001.fleet.example', 100);
      const keyPath = join(dir, 'fleet-enc.key.pem');
      writeFileSync(
        keyPath,
        createPrivateKey(readFileSync(files.key, 'utf8'))
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE })
          .toString(),
      );
      dialog.push(files.cert, keyPath);
      await call('fleet.choose', { serial: 'FOCCNRYF001', role: 'certificate' });
      await call('fleet.choose', { serial: 'FOCCNRYF001', role: 'key' });
      expect(
        await call('fleet.run', {
          workflow: 'renew',
          devices: [{ serial: 'FOCCNRYF001', passphrase: PASSPHRASE }],
        }),
      ).toMatchObject({ ok: true, value: { rows: [{ outcome: 'done', fingerprint: files.sha1 }] } });
      expect(
        await call('fleet.run', {
          workflow: 'rotate',
          devices: [{ serial: 'FOCCNRYF002', passphrase: null }],
        }),
      ).toMatchObject({ ok: true, value: { rows: [{ outcome: 'done' }] } });
      const rotated = (await store.get('FOCCNRYF002'))!;
      // A meeting check through the cloud (the device is in no call): its report carries no secret either.
      expect(await call('fleet.meeting', { serial: 'FOCCNRYF002' })).toMatchObject({
        ok: true,
        value: { serial: 'FOCCNRYF002', target: 'webex:FOCCNRYF002' },
      });
      // Its meeting watched (read through the cloud, polled), then stopped: the views carry no secret either.
      expect(await call('fleet.watchMeeting', { serial: 'FOCCNRYF002', pollSeconds: 5 })).toMatchObject({
        ok: true,
        value: { watching: true, serial: 'FOCCNRYF002' },
      });
      expect(await call('meeting.stop')).toMatchObject({ ok: true, value: { watching: false } });
      // A capture through the cloud of the rotated device: neither its summary nor its file (under home,
      // checked below) holds the token or the device's secret.
      const captured = await call('fleet.capture', { serial: 'FOCCNRYF002', probeAddRefusals: true });
      expect(captured).toMatchObject({ ok: true, value: { link: 'webex', lineLimit: null } });
      const captureFile = (captured as { value: { file: string } }).value.file;
      expect(captureFile.startsWith(join(dir, 'home', 'captures', 'capture-FOCCNRYF002-'))).toBe(true);
      const captureText = readFileSync(captureFile, 'latin1');
      for (const secret of [rotated, 'fleet world secret FOCCNRYF002 7Hq2'])
        expect(forms(secret).filter((f) => captureText.includes(f))).toEqual([]);
      await call('cloud.activationCode', { workspaceId: world.cloud.devices[0]!.workspaceId });
      await call('cloud.signOut');
      await call('cloud.whoami');

      expect(events.filter((e) => e.workflow === 'fleet').length).toBeGreaterThan(4);
      for (const text of [...events, ...results].map((x) => JSON.stringify(x))) {
        expect(leaks(text), text.slice(0, 200)).toEqual([]);
        expect(
          forms(rotated).filter((f) => text.includes(f)),
          text.slice(0, 200),
        ).toEqual([]);
      }
      const written = filesUnder(join(dir, 'home'));
      expect(written.length).toBeGreaterThan(0);
      for (const p of written) expect(leaks(readFileSync(p, 'latin1')), p).toEqual([]);
    } finally {
      await services.dispose();
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
  it('the Fleet screen’s OAuth sign-in: no IPC result or event holds the client secret, a token, the code or the verifier', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sec-canary-oauth-'));
    const store = new MemorySecretStore();
    const world = await fleetWorld(
      [{ serial: 'FOCCNRYO001', name: 'Canary OAuth', days: 30 }],
      store,
      new Journal(join(dir, 'home')),
      { oauthClient: { id: OAUTH_CLIENT_ID, secret: OAUTH_CLIENT_SECRET } },
    );
    // The "browser": follows the sign-in page's redirect back to the app's loopback; each page it got is kept.
    const pages: string[] = [];
    const browsed: Promise<void>[] = [];
    const { events, results, services, call } = watchedServices(dir, store, {
      openBrowser: async (url) => {
        browsed.push(fetch(url).then(async (r) => void pages.push(await r.text())));
      },
    });
    const port = await freePort();
    try {
      const request = {
        clientId: OAUTH_CLIENT_ID,
        clientSecret: OAUTH_CLIENT_SECRET,
        apiBase: world.cloud.url,
        redirectPort: port,
      };
      expect(await call('cloud.oauthSignIn', request)).toMatchObject({ ok: true, value: { kind: 'oauth' } });
      await call('cloud.whoami');
      expect(await call('fleet.list', { tags: [] })).toMatchObject({ ok: true });
      world.cloud.expireAccessTokens();
      expect(await call('fleet.list', { tags: [] })).toMatchObject({ ok: true });
      expect(
        await call('cloud.oauthSignIn', { ...request, clientSecret: `${OAUTH_CLIENT_SECRET}x` }),
      ).toMatchObject({ ok: false, code: 'ERR_CLOUD_OAUTH_GRANT' });
      await call('cloud.oauthCancel');
      await call('cloud.signOut');
      await Promise.all(browsed);

      const grants = world.cloud.oauthGrants;
      expect(grants.map((g) => g.grantType)).toEqual(['authorization_code', 'refresh_token']);
      const planted = grants.flatMap((g) => [g.accessToken, g.refreshToken, g.codeVerifier ?? '']);
      expect(planted.every((t) => t.length >= 20)).toBe(true);
      expect(pages).toHaveLength(2);
      for (const text of [...events, ...results, ...pages].map((x) => JSON.stringify(x))) {
        expect(leaks(text), text.slice(0, 200)).toEqual([]);
        expect(
          planted.flatMap((t) => forms(t)).filter((f) => text.includes(f)),
          text.slice(0, 200),
        ).toEqual([]);
        expect(text).not.toMatch(/[?&]code=/);
      }
      for (const p of filesUnder(join(dir, 'home'))) expect(leaks(readFileSync(p, 'latin1')), p).toEqual([]);
    } finally {
      await services.dispose();
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.runIf(systemHas('keyring'))(
  'secret canary through the Webex cloud: capture and batch renew rows',
  () => {
    const box = cliSandbox('sec-canary-cloud');
    const SERIAL = 'FOCCNRYW001';
    /** fleetWorld's secret for the device it provisions at its console (sim:). */
    const DEVICE_SECRET = `fleet world secret ${SERIAL} 7Hq2`;
    /** The renewal keeps the device's name (fleetWorld's). */
    const CN = `${SERIAL.toLowerCase()}.fleet.example`;

    it(
      'no cloud token or device secret in a capture file, the batch result, the journal or any output',
      async () => {
        const journal = new Journal(await ensureDataDir(dataDir(box.env)));
        const world = await fleetWorld(
          [{ serial: SERIAL, name: 'Canary Board', days: 30 }],
          box.store,
          journal,
        );
        try {
          const outputs: string[] = [];
          const run = async (args: string[], stdin = '') => {
            expect(leaks(JSON.stringify(args))).toEqual([]);
            const r = await runCli(args, stdin, box.env, HANG_MS);
            outputs.push(`${r.stdout.toString()}\n${r.stderr}`);
            expect(r.status, r.stderr).toBe(0);
          };
          await run(
            ['cloud', 'login', '--token-file', '-', '--api-base', world.cloud.url],
            `${CLOUD_TOKEN}\n`,
          );
          const capture = ['device', 'capture', '--target', `webex:${SERIAL}`, '--out'];
          await run([...capture, join(box.dir, 'capture.json')]);
          await run([...capture, join(box.dir, 'capture2.json'), '--json']);
          const issued = await world.issue(box.dir, CN, 60);
          const csv = join(box.dir, 'renew.csv');
          writeFileSync(csv, `target,cert,key,action\nwebex:${SERIAL},${CN}.crt.pem,${CN}.key.pem,renew\n`);
          await run(['batch', csv]);
          await run(['batch', csv, '--json']);
          expect(world.sims[0]!.state.webexIdentity).toBe(issued.sha1);
          const secretForms = forms(DEVICE_SECRET);
          const written = filesUnder(box.dir);
          expect(
            written.filter((f) => /capture2?\.json$|renew\.result\.(csv|json)$|journal/.test(f)).length,
          ).toBeGreaterThanOrEqual(5);
          for (const text of [...outputs, ...written.map((f) => readFileSync(f, 'latin1'))]) {
            expect(leaks(text)).toEqual([]);
            expect(secretForms.filter((f) => text.includes(f))).toEqual([]);
          }
        } finally {
          await world.close();
        }
      },
      10 * HANG_MS,
    );
  },
);
