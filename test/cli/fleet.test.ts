/**
 * `e2ee-prov fleet list|renew|rotate` through the built CLI, against the simulated Webex cloud and the
 * real keychain: the confirmation (--yes) naming every device; renewals from a CSV whose paths stay in its
 * folder, several devices at once, an offline one failing alone (exit 1, the first stderr line the error),
 * the result CSV, a resumed run that skips what went through; the list by expiry with an offline device;
 * rotations by tag past a 429, with an escrow file secret import reads back, and no token or secret in any
 * output, CSV or journal; usage errors.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials, readCredentials } from '../../src/core/pki/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { type CliResult, HANG_MS, cloudSignIn, runCli } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';
import { TOKEN, type World, api, deviceIdOf, world } from '../simulator/cloud-helpers.js';

const SERVICE2 = `e2ee-prov-test-fleet-import-${randomUUID()}`;
let store: KeychainSecretStore;
const store2 = new KeychainSecretStore({ service: SERVICE2 });
const S = ['FOC0000X001', 'FOC0000X002', 'FOC0000X003', 'FOC0000X004'];
const SECRETS = [
  'Fleet-cli-secret-one-5521',
  'Fleet-cli-secret-two-7304',
  'Fleet-cli-secret-three-8816',
  'Fleet-cli-secret-four-2290',
];
const ESCROW_PASSPHRASE = 'lantern orbit walnut glacier mosaic 7731';
const outputs: string[] = [];
let dir: string;
let env: Record<string, string>;
let w: World;
const certs: { sha1: string; notAfter: string; cn: string }[] = [];
const RENEW_USAGE =
  'e2ee-prov fleet renew (--csv FILE [--allow-paths-outside] | --certs DIR [--serial SERIAL]... [--passphrase-file PATH]) [--parallel N] [--run-id ID] [--out-csv PATH] [--yes] [--json]';
const ROTATE_USAGE =
  'e2ee-prov fleet rotate (--tag TAG... | --serial SERIAL...) [--escrow FILE --escrow-passphrase-file PATH] [--parallel N] [--run-id ID] [--out-csv PATH] [--yes] [--json]';

async function cli(args: string[], input = '', e: Record<string, string> = env): Promise<CliResult> {
  const r = await runCli(args, input, e, HANG_MS);
  outputs.push(r.stdout.toString('utf8'), r.stderr);
  return r;
}

/** `fleet renew --csv certs/renew.csv`, then `more`. */
const renewCsv = (...more: string[]): string[] => [
  'fleet',
  'renew',
  '--csv',
  join(dir, 'certs', 'renew.csv'),
  ...more,
];

/** xAPI requests (commands, statuses, schemas) for the serials given, so far. */
function deviceCalls(serials: readonly string[]): number {
  const ids = new Set(serials.map((s) => deviceIdOf(w.sims[S.indexOf(s)]!)));
  return w.cloud.requests.filter(
    (q) => q.path.startsWith('/v1/xapi/') && q.deviceId !== undefined && ids.has(q.deviceId),
  ).length;
}

describe.skipIf(!systemHas('keyring'))('e2ee-prov fleet (built CLI, simulated cloud, real keychain)', () => {
  const box = cliSandbox('e2ee-cli-fleet', () => ({ E2EE_PROV_ESCROW_LOG2N: '14' }));
  beforeAll(async () => {
    ({ dir, env, store } = box);
    w = await world(4, {}, (i) => ({ tags: i < 2 ? ['floor-2'] : ['lobby'], displayName: `Room ${i + 1}` }));
    for (const [i, secret] of SECRETS.entries()) {
      const r = await api(w.cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
        deviceId: deviceIdOf(w.sims[i]!),
        arguments: { Secret: Buffer.from(secret).toString('base64url') },
      });
      expect(r.status).toBe(200);
      await store.set(S[i]!, secret);
    }
    // The renewal CSV's folder: the first key beside its certificate, the others inside theirs.
    const pki = await makeDemoPki('Fleet CLI');
    await mkdir(join(dir, 'certs'));
    for (const [i, serial] of S.entries()) {
      const cn = `room-${i + 1}.cli.example`;
      const issued = await issueDeviceCert(pki, { cn, dns: [cn], email: [], days: 100 - 20 * i });
      const report = checkCredentials(readCredentials({ certPem: issued.bundlePem })).report;
      certs.push({ sha1: report.fingerprints.sha1, notAfter: report.notAfter, cn });
      if (i === 0) {
        await writeFile(join(dir, 'certs', `${serial}.pem`), issued.certificatePem);
        await writeFile(join(dir, 'certs', `${serial}.key`), issued.keyPem);
      } else await writeFile(join(dir, 'certs', `${serial}.pem`), issued.bundlePem);
    }
    await writeFile(
      join(dir, 'certs', 'renew.csv'),
      'serial,cert,key,passphrase_file\n' +
        `${S[0]},${S[0]}.pem,${S[0]}.key,\n` +
        S.slice(1)
          .map((s) => `${s},${s}.pem,,\n`)
          .join(''),
    );
    await writeFile(join(dir, 'escrow-passphrase.txt'), `${ESCROW_PASSPHRASE}\n`);
    await cloudSignIn(cli, w.cloud.url, TOKEN);
    w.cloud.setDevice(S[3]!, { connectionStatus: 'offline_expired' });
  }, 60_000);

  afterAll(async () => {
    for (const serial of S) {
      await store2.delete(serial);
      await store2.deletePending(serial);
    }
    await w.close();
  });

  it('without --yes and no one at a terminal, names every device and sends nothing', async () => {
    const before = deviceCalls(S);
    const r = await cli(renewCsv());
    expect(r.status).toBe(2);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr).toBe(
      `ERR_USAGE fleet renew would act on 4 devices: ${S[0]} (Room 1), ${S[1]} (Room 2), ${S[2]} (Room 3), ${S[3]} (Room 4). Nothing was sent: run it again with --yes to go ahead. Usage: ${RENEW_USAGE}\n`,
    );
    expect(deviceCalls(S)).toBe(before);
    const rotate = await cli(['fleet', 'rotate', '--tag', 'floor-2']);
    expect(rotate.status).toBe(2);
    expect(rotate.stderr).toBe(
      `ERR_USAGE fleet rotate would act on 2 devices: ${S[0]} (Room 1), ${S[1]} (Room 2). Nothing was sent: run it again with --yes to go ahead. Usage: ${ROTATE_USAGE}\n`,
    );
    expect(deviceCalls(S)).toBe(before);
    for (const [i, secret] of SECRETS.entries()) expect(await store.get(S[i]!)).toBe(secret);
  });

  it('refuses a CSV path that leaves its folder (.., absolute, a symbolic link out), with nothing sent', async () => {
    await mkdir(join(dir, 'bad'));
    await symlink(join(dir, 'certs', `${S[0]}.pem`), join(dir, 'bad', 'out.pem'));
    const cases: [string, string, string][] = [
      ['dotdot.csv', `../certs/${S[0]}.pem`, 'leaves (it is absolute or has a .. part)'],
      ['absolute.csv', join(dir, 'certs', `${S[0]}.pem`), 'leaves (it is absolute or has a .. part)'],
      ['link.csv', 'out.pem', 'is reached through a symbolic link that leaves'],
    ];
    const before = w.cloud.requests.length;
    for (const [name, cert, how] of cases) {
      const csv = join(dir, 'bad', name);
      await writeFile(csv, `serial,cert,key,passphrase_file\n${S[0]},${cert},,\n`);
      const r = await cli(['fleet', 'renew', '--csv', csv, '--yes']);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `ERR_WORKFLOW_BATCH_PATH_OUTSIDE ${how === 'leaves (it is absolute or has a .. part)' ? `${csv}, ` : ''}line 2: the cert path ${how} the CSV's folder. Put the file in the CSV's folder (or below it) and name it relative to it, or, for a CSV you trust, run with --allow-paths-outside. Nothing was sent.\n`,
      );
    }
    expect(w.cloud.requests.length).toBe(before);
    expect(w.sims[0]!.state.webexIdentity).toBeUndefined();
  });

  let runId: string;

  it('renews the CSV’s devices; the offline one fails with a coded error and is untouched; the CSV has a row each', async () => {
    const csv = join(dir, 'renew.result.csv');
    const offlineBefore = deviceCalls([S[3]!]);
    const r = await cli(renewCsv('--parallel', '2', '--out-csv', csv, '--yes'));
    const out = r.stdout.toString();
    runId = /^Run ([0-9a-f-]{36}):/.exec(out)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(out).toBe(
      `Run ${runId}: 3 done, 1 failed, 0 skipped (done in an earlier try of this run). Result: ${csv}.\n`,
    );
    const error = `ERR_FLEET_INCOMPLETE 1 of 4 devices failed (${S[3]}: ERR_CLOUD_DEVICE_UNREACHABLE). Run it again with --run-id ${runId} to resume them: devices that are done are skipped.`;
    expect(r.stderr.split('\n')[0]).toBe(error);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(error);
    expect(r.status).toBe(1);
    for (const i of [0, 1, 2]) expect(w.sims[i]!.state.webexIdentity).toBe(certs[i]!.sha1);
    expect(w.sims[3]!.state.webexIdentity).toBeUndefined();
    expect(deviceCalls([S[3]!])).toBe(offlineBefore);
    const offline = `The device ${S[3]} is offline_expired in the Webex cloud, so it cannot take a command now. Bring it online (Control Hub shows its status), then run the command again; nothing was sent.`;
    expect(await readFile(csv, 'utf8')).toBe(
      'run_id,serial,workflow,outcome,error_code,error_message,fingerprint\r\n' +
        [0, 1, 2].map((i) => `${runId},${S[i]},renew,done,,,${certs[i]!.sha1}\r\n`).join('') +
        `${runId},${S[3]},renew,failed,ERR_CLOUD_DEVICE_UNREACHABLE,"${offline.replace(/"/g, '""')}",\r\n`,
    );
    outputs.push(await readFile(csv, 'utf8'));
  }, 120_000);

  it('lists an offline device with its readProblem and exits 0', async () => {
    const r = await cli(['fleet', 'list', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout.toString()) as Record<string, unknown>[];
    const expiry = (i: number): string =>
      new Date(Math.floor(Date.parse(certs[i]!.notAfter) / 1000) * 1000).toISOString();
    expect(
      list.map((d) => [d.serial, d.connectionStatus, d.identity, d.certificateExpiry, d.secretInKeychain]),
    ).toEqual([
      [S[2], 'connected', certs[2]!.cn, expiry(2), true],
      [S[1], 'connected', certs[1]!.cn, expiry(1), true],
      [S[0], 'connected', certs[0]!.cn, expiry(0), true],
      [S[3], 'offline_expired', null, null, true],
    ]);
    expect(list[3]!.readProblem).toEqual({
      code: 'ERR_CLOUD_DEVICE_UNREACHABLE',
      message: `The device ${S[3]} is offline_expired in the Webex cloud, so its status cannot be read now; nothing was asked of it.`,
    });
    expect(list[0]!.readProblem).toBeNull();
    // Issued for 60 days a moment ago: 59 whole days and some hours left.
    expect(list[0]!.daysLeft).toBe(59);

    const text = await cli(['fleet', 'list', '--tag', 'lobby']);
    expect(text.status).toBe(0);
    expect(text.stdout.toString()).toBe(
      'SERIAL       STATUS           IDENTITY            EXPIRES     DAYS  SECRET  PROBLEM\n' +
        `${S[2]}  connected        ${certs[2]!.cn}  ${expiry(2).slice(0, 10)}  59    kept\n` +
        `${S[3]}  offline_expired  -                   -           -     kept    ERR_CLOUD_DEVICE_UNREACHABLE\n`,
    );
  });

  it('resumes with --run-id: the done devices are skipped with nothing sent to them; the one now online is renewed', async () => {
    w.cloud.setDevice(S[3]!, { connectionStatus: 'connected' });
    const before = deviceCalls(S.slice(0, 3));
    const r = await cli(renewCsv('--run-id', runId, '--yes', '--json'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const row = (i: number, outcome: string) => ({
      serial: S[i],
      workflow: 'renew',
      outcome,
      code: null,
      message: null,
      fingerprint: certs[i]!.sha1,
    });
    expect(JSON.parse(r.stdout.toString())).toEqual({
      runId,
      rows: [row(0, 'skipped'), row(1, 'skipped'), row(2, 'skipped'), row(3, 'done')],
    });
    expect(deviceCalls(S.slice(0, 3))).toBe(before);
    expect(w.sims[3]!.state.webexIdentity).toBe(certs[3]!.sha1);
  }, 120_000);

  it('rotates the tag’s secrets, waits out a 429, and writes an escrow (0600) that secret import reads back', async () => {
    w.cloud.setDevice(S[0]!, { rateLimit: { every: 3, retryAfterSeconds: 1 } });
    const escrow = join(dir, 'fleet.escrow');
    const r = await cli([
      'fleet',
      'rotate',
      '--tag',
      'floor-2',
      '--escrow',
      escrow,
      '--escrow-passphrase-file',
      join(dir, 'escrow-passphrase.txt'),
      '--yes',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout.toString()) as { runId: string };
    expect(JSON.parse(r.stdout.toString())).toEqual({
      runId: result.runId,
      rows: [0, 1].map((i) => ({
        serial: S[i],
        workflow: 'rotate',
        outcome: 'done',
        code: null,
        message: null,
        fingerprint: null,
      })),
      escrow: { file: escrow, serials: [S[0], S[1]] },
    });
    const fresh: string[] = [];
    for (const i of [0, 1]) {
      const now = await store.get(S[i]!);
      expect(now).not.toBeNull();
      expect(now).not.toBe(SECRETS[i]);
      expect(w.sims[i]!.clientSecretIs(now!)).toBe(true);
      fresh.push(now!);
    }
    expect((await stat(escrow)).mode & 0o777).toBe(0o600);

    // Every call to the rate-limited device after a 429 came at least Retry-After (1 s) later.
    const id = deviceIdOf(w.sims[0]!);
    const calls = w.cloud.requests.filter((q) => q.deviceId === id);
    const limited = calls.flatMap((q, k) => (q.status === 429 ? [k] : []));
    expect(limited.length).toBeGreaterThan(0);
    for (const k of limited) {
      expect(calls[k + 1]).toBeDefined();
      expect(calls[k + 1]!.t - calls[k]!.t).toBeGreaterThanOrEqual(1000);
    }
    w.cloud.setDevice(S[0]!, { rateLimit: null });

    const env2 = { ...env, E2EE_PROV_HOME: join(dir, 'home2'), E2EE_PROV_KEYCHAIN_SERVICE: SERVICE2 };
    const imported = await cli(
      ['secret', 'import', escrow, '--passphrase-file', join(dir, 'escrow-passphrase.txt')],
      '',
      env2,
    );
    expect(imported.status).toBe(0);
    expect(await store2.get(S[0]!)).toBe(fresh[0]);
    expect(await store2.get(S[1]!)).toBe(fresh[1]);

    const journal = await readFile(join(dir, 'home', 'journal.jsonl'), 'utf8');
    for (const text of [...outputs, journal]) {
      expect(text).not.toContain(TOKEN);
      for (const secret of [...SECRETS, ...fresh]) expect(text).not.toContain(secret);
    }
  }, 120_000);

  it('refuses what it cannot act on, as usage errors', async () => {
    const neither = await cli(['fleet', 'rotate']);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toBe(
      `ERR_USAGE Name the devices with --tag or with --serial (one of them). Usage: ${ROTATE_USAGE}\n`,
    );
    const many = await cli(['fleet', 'list', '--parallel', '17']);
    expect(many.status).toBe(2);
    expect(many.stderr).toBe(
      'ERR_USAGE --parallel takes a whole number from 1 to 16, not "17". Usage: e2ee-prov fleet list [--tag TAG]... [--parallel N] [--json]\n',
    );
    const alias = await cli(['fleet', 'renew', '--csv', 'x.csv', '--concurrency', '0']);
    expect(alias.status).toBe(2);
    expect(alias.stderr).toBe(
      `ERR_USAGE --concurrency takes a whole number from 1 to 16, not "0". Usage: ${RENEW_USAGE}\n`,
    );
    const both = await cli(['fleet', 'renew', '--csv', 'x.csv', '--certs', dir]);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe(
      `ERR_USAGE Name the renewals with --csv FILE or with --certs DIR (one of them). Usage: ${RENEW_USAGE}\n`,
    );
    const odd = await cli(['fleet', 'renew', '--certs', join(dir, 'certs'), '--serial', '../FOC1']);
    expect(odd.status).toBe(2);
    expect(odd.stderr.split('\n')[0]).toBe(
      `ERR_USAGE ../FOC1 is not a device serial number (letters, digits, - and _). Usage: ${RENEW_USAGE}`,
    );
    const noPass = await cli(['fleet', 'rotate', '--tag', 'lobby', '--escrow', join(dir, 'e2.escrow')]);
    expect(noPass.status).toBe(2);
    expect(noPass.stderr).toBe(
      `ERR_USAGE --escrow needs --escrow-passphrase-file PATH when no one is at a terminal to type the passphrase. Usage: ${ROTATE_USAGE}\n`,
    );
  });
});
