/**
 * `e2ee-prov fleet list|renew|rotate` through the built CLI, against the simulated Webex cloud and the
 * real keychain: renewals from a folder of certificates, several devices at once, one failure stopping
 * none (exit 1, the first stderr line the error), the result CSV, a resumed run that skips what went
 * through, the list by expiry, rotations by tag whose secrets appear in no output; usage errors.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials, readCredentials } from '../../src/core/pki/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { type CliResult, HANG_MS, runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { TOKEN, type World, api, deviceIdOf, world } from '../simulator/cloud-helpers.js';

const SERVICE = `e2ee-prov-test-fleet-${randomUUID()}`;
const store = new KeychainSecretStore({ service: SERVICE });
const S = ['FOC0000X001', 'FOC0000X002', 'FOC0000X003'];
const SECRETS = ['Fleet-cli-secret-one-5521', 'Fleet-cli-secret-two-7304'];
const outputs: string[] = [];
let dir: string;
let env: Record<string, string>;
let w: World;
const certs: { sha1: string; notAfter: string; cn: string }[] = [];

async function cli(args: string[], input = ''): Promise<CliResult> {
  const r = await runCli(args, input, env, HANG_MS);
  outputs.push(r.stdout.toString('utf8'), r.stderr);
  return r;
}

describe.skipIf(!systemHas('keyring'))('e2ee-prov fleet (built CLI, simulated cloud, real keychain)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-cli-fleet-'));
    env = { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KEYCHAIN_SERVICE: SERVICE };
    w = await world(3, {}, (i) => ({ tags: i < 2 ? ['floor-2'] : ['lobby'] }));
    for (const [i, secret] of SECRETS.entries()) {
      const r = await api(w.cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
        deviceId: deviceIdOf(w.sims[i]!),
        arguments: { Secret: Buffer.from(secret).toString('base64url') },
      });
      expect(r.status).toBe(200);
      await store.set(S[i]!, secret);
    }
    // The folder of certificates: the first with its key beside it, the second with its key inside.
    const pki = await makeDemoPki('Fleet CLI');
    await mkdir(join(dir, 'certs'));
    for (const [i, serial] of S.entries()) {
      const cn = `room-${i + 1}.cli.example`;
      const issued = await issueDeviceCert(pki, { cn, dns: [cn], email: [], days: 100 - 30 * i });
      const report = checkCredentials(readCredentials({ certPem: issued.bundlePem })).report;
      certs.push({ sha1: report.fingerprints.sha1, notAfter: report.notAfter, cn });
      if (i === 0) {
        await writeFile(join(dir, 'certs', `${serial}.pem`), issued.certificatePem);
        await writeFile(join(dir, 'certs', `${serial}.key`), issued.keyPem);
      } else await writeFile(join(dir, 'certs', `${serial}.pem`), issued.bundlePem);
    }
    const login = await cli(['cloud', 'login', '--token-file', '-', '--api-base', w.cloud.url], `${TOKEN}\n`);
    expect(login.status).toBe(0);
  }, 60_000);

  afterAll(async () => {
    for (const serial of S) {
      await store.delete(serial);
      await store.deletePending(serial);
    }
    await store.deleteOwn('cloud:token');
    await store.deleteOwn('cloud:api-base');
    await w.close();
    await rm(dir, { recursive: true, force: true });
  });

  let runId: string;

  it('renews the folder’s devices; the one without a kept secret fails alone; the CSV has a row each', async () => {
    const csv = join(dir, 'renew.csv');
    const r = await cli([
      'fleet',
      'renew',
      '--certs',
      join(dir, 'certs'),
      '--concurrency',
      '2',
      '--out-csv',
      csv,
    ]);
    const out = r.stdout.toString();
    runId = /^Run ([0-9a-f-]{36}):/.exec(out)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(out).toBe(
      `Run ${runId}: 2 done, 1 failed, 0 skipped (done in an earlier try of this run). Result: ${csv}.\n`,
    );
    const error = `ERR_FLEET_INCOMPLETE 1 of 3 devices failed (${S[2]}: ERR_CLOUD_NO_SECRET). Run it again with --run-id ${runId} to resume them: devices that are done are skipped.`;
    expect(r.stderr.split('\n')[0]).toBe(error);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(error);
    expect(r.status).toBe(1);
    expect(w.sims[0]!.state.webexIdentity).toBe(certs[0]!.sha1);
    expect(w.sims[1]!.state.webexIdentity).toBe(certs[1]!.sha1);
    expect(w.sims[2]!.state.webexIdentity).toBeUndefined();
    const noSecret = `The keychain holds no client secret for ${S[2]}, so nothing can be sealed for it: provision it at its console first (e2ee-prov provision --target serial:… or ssh://…); the cloud then renews and rotates, or import its secret (e2ee-prov secret import).`;
    expect(await readFile(csv, 'utf8')).toBe(
      'run_id,serial,workflow,outcome,error_code,error_message,fingerprint\r\n' +
        `${runId},${S[0]},renew,done,,,${certs[0]!.sha1}\r\n` +
        `${runId},${S[1]},renew,done,,,${certs[1]!.sha1}\r\n` +
        `${runId},${S[2]},renew,failed,ERR_CLOUD_NO_SECRET,"${noSecret.replace(/"/g, '""')}",\r\n`,
    );
  }, 120_000);

  it('resumes with --run-id: the devices that are done are skipped, with nothing sent to them', async () => {
    const before = w.cloud.requests.filter((q) => q.command !== undefined).length;
    const r = await cli([
      'fleet',
      'renew',
      '--certs',
      join(dir, 'certs'),
      '--serial',
      S[0]!,
      '--serial',
      S[1]!,
      '--run-id',
      runId,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({
      runId,
      rows: [
        {
          serial: S[0],
          workflow: 'renew',
          outcome: 'skipped',
          code: null,
          message: null,
          fingerprint: certs[0]!.sha1,
        },
        {
          serial: S[1],
          workflow: 'renew',
          outcome: 'skipped',
          code: null,
          message: null,
          fingerprint: certs[1]!.sha1,
        },
      ],
    });
    expect(w.cloud.requests.filter((q) => q.command !== undefined).length).toBe(before);
  });

  it('lists the devices by expiry, soonest first, unknown last', async () => {
    const r = await cli(['fleet', 'list', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout.toString()) as Record<string, unknown>[];
    const expiry = (i: number): string =>
      new Date(Math.floor(Date.parse(certs[i]!.notAfter) / 1000) * 1000).toISOString();
    expect(list.map((d) => [d.serial, d.identity, d.certificateExpiry, d.secretInKeychain, d.tags])).toEqual([
      [S[1], certs[1]!.cn, expiry(1), true, ['floor-2']],
      [S[0], certs[0]!.cn, expiry(0), true, ['floor-2']],
      [S[2], null, null, false, ['lobby']],
    ]);
    expect(Object.keys(list[0]!).sort()).toEqual(
      [
        'certificateExpiry',
        'connectionStatus',
        'daysLeft',
        'deviceId',
        'displayName',
        'identity',
        'product',
        'readProblem',
        'secretInKeychain',
        'serial',
        'software',
        'tags',
      ].sort(),
    );
    // Issued for 70 days a moment ago: 69 whole days and some hours left.
    expect(list[0]!.daysLeft).toBe(69);

    const text = await cli(['fleet', 'list', '--tag', 'lobby']);
    expect(text.status).toBe(0);
    expect(text.stdout.toString()).toBe(
      'SERIAL       STATUS     IDENTITY  EXPIRES  DAYS  SECRET  PROBLEM\n' +
        `${S[2]}  connected  -         -        -     none\n`,
    );
  });

  it('rotates the secrets of the devices a tag names; the new secrets stay in the keychain, in no output', async () => {
    const r = await cli(['fleet', 'rotate', '--tag', 'floor-2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout.toString()) as { runId: string; rows: unknown[] };
    expect(result.rows).toEqual([
      { serial: S[0], workflow: 'rotate', outcome: 'done', code: null, message: null, fingerprint: null },
      { serial: S[1], workflow: 'rotate', outcome: 'done', code: null, message: null, fingerprint: null },
    ]);
    for (const [i, old] of SECRETS.entries()) {
      const now = await store.get(S[i]!);
      expect(now).not.toBeNull();
      expect(now).not.toBe(old);
      expect(w.sims[i]!.clientSecretIs(now!)).toBe(true);
      for (const text of [...outputs, await readFile(join(dir, 'home', 'journal.jsonl'), 'utf8')]) {
        expect(text).not.toContain(now!);
        expect(text).not.toContain(old);
      }
    }
  }, 120_000);

  it('refuses what it cannot act on, as usage errors', async () => {
    const neither = await cli(['fleet', 'rotate']);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toBe(
      'ERR_USAGE Name the devices with --serial or with --tag (one of them). Usage: e2ee-prov fleet rotate (--serial SERIAL... | --tag TAG...) [--concurrency N] [--run-id ID] [--out-csv PATH] [--json]\n',
    );
    const many = await cli(['fleet', 'list', '--concurrency', '17']);
    expect(many.status).toBe(2);
    expect(many.stderr).toBe(
      'ERR_USAGE --concurrency takes a whole number from 1 to 16, not "17". Usage: e2ee-prov fleet list [--tag TAG]... [--concurrency N] [--json]\n',
    );
    const odd = await cli(['fleet', 'renew', '--certs', join(dir, 'certs'), '--serial', '../FOC1']);
    expect(odd.status).toBe(2);
    expect(odd.stderr.split('\n')[0]).toBe(
      'ERR_USAGE ../FOC1 is not a device serial number (letters, digits, - and _). Usage: e2ee-prov fleet renew --certs DIR [--serial SERIAL]... [--passphrase-file PATH] [--concurrency N] [--run-id ID] [--out-csv PATH] [--json]',
    );
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const none = await cli(['fleet', 'renew', '--certs', empty]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(
      `ERR_USAGE The folder ${empty} holds no SERIAL.pem file. Usage: e2ee-prov fleet renew --certs DIR [--serial SERIAL]... [--passphrase-file PATH] [--concurrency N] [--run-id ID] [--out-csv PATH] [--json]\n`,
    );
  });
});
