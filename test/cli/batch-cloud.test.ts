/**
 * `e2ee-prov batch` with `webex:` rows, through the built CLI, against the simulated Webex cloud and the
 * real keychain: a mixed CSV (a console `sim:` row provisioned, a `webex:` row renewed through the cloud)
 * runs, and a re-run resumes with nothing added again; a sim: renew row renews at its console while a
 * webex: row whose secret the keychain lacks fails alone (ERR_CLOUD_NO_SECRET, nothing sent to it); a
 * provision row with a webex: target, a renew row
 * with a provisioning column, and a webex: row with a password file are refused when the file is read
 * (ERR_WORKFLOW_BATCH_ACTION naming line and column), nothing sent; the token is in no output, result
 * file or journal.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials, readCredentials } from '../../src/core/pki/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { type CliResult, HANG_MS, cloudSignIn, runCli } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';
import { TOKEN, type World, api, deviceIdOf, world } from '../simulator/cloud-helpers.js';

const SECRET = 'Batch-cloud-secret-4471-Quartz';
const CLOUD = 'FOC0000X001';
const outputs: string[] = [];
const box = cliSandbox('e2ee-cli-batch-cloud');
let w: World;
let dir: string;
const certs: { sha1: string; notAfter: string; cn: string }[] = [];

async function cli(args: string[], input = ''): Promise<CliResult> {
  const r = await runCli(args, input, box.env, HANG_MS);
  outputs.push(r.stdout.toString('utf8'), r.stderr);
  return r;
}

/** The first twelve cells of the result row of a device done with `cert`: no error, no secret shown. */
function doneRow(line: string, target: string, serial: string, cert: (typeof certs)[number]): string[] {
  return [line, target, serial, 'Cisco Room Kit', 'ok', '', '', '', cert.cn, cert.sha1, cert.notAfter, ''];
}

/** Writes the batch file `name` with `text` in the test's folder; its path. */
async function batchFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Every file below `d`, recursively. */
async function files(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

describe.skipIf(!systemHas('keyring'))('e2ee-prov batch with webex: rows (simulated cloud)', () => {
  beforeAll(async () => {
    dir = box.dir;
    // The second device was never provisioned here: the keychain holds no secret for it.
    w = await world(2, {}, (i) => ({ displayName: i === 0 ? 'Lobby Board' : 'Annex Board' }));
    // Provisioned at its console before: its secret is the device's and the keychain's.
    const r = await api(w.cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
      deviceId: deviceIdOf(w.sims[0]!),
      arguments: { Secret: Buffer.from(SECRET).toString('base64url') },
    });
    expect(r.status).toBe(200);
    await box.store.set(CLOUD, SECRET);
    const pki = await makeDemoPki('Batch Cloud');
    for (const [i, cn] of [
      'console-1.batch.example',
      'lobby.cloud.example',
      'console-1.batch.example',
      'annex.cloud.example',
    ].entries()) {
      const issued = await issueDeviceCert(pki, { cn, dns: [cn], email: [], days: 90 });
      const report = checkCredentials(readCredentials({ certPem: issued.bundlePem })).report;
      certs.push({ sha1: report.fingerprints.sha1, notAfter: report.notAfter, cn });
      await writeFile(join(dir, `c${i + 1}.pem`), issued.bundlePem);
    }
    await writeFile(join(dir, 'secret.txt'), 'Another-batch-secret-8812-Fjord\n');
    await writeFile(join(dir, 'password.txt'), 'pw\n');
    await cloudSignIn(cli, w.cloud.url, TOKEN);
  }, 60_000);
  afterAll(async () => {
    await w.close();
  });

  it('refuses a webex: provision row, a renew row with a provisioning column and a webex: password file, before anything runs', async () => {
    const cases: [string, string, string][] = [
      [
        'target,cert,key\nsim:?serial=FOCBC0009,c1.pem,\nwebex:FOC0000X001,c2.pem,\n',
        'line 3, column target',
        'a device is never provisioned through the Webex cloud (its first client secret travels in clear); provision it at its console (serial: or ssh://), or give this row action renew.',
      ],
      [
        'target,cert,key,action\nwebex:FOC0000X001,c2.pem,,provision\n',
        'line 2, column target',
        'a device is never provisioned through the Webex cloud (its first client secret travels in clear); provision it at its console (serial: or ssh://), or give this row action renew.',
      ],
      [
        'target,action,cert,key,secret_file\nwebex:FOC0000X001,renew,c2.pem,,secret.txt\n',
        'line 2, column secret_file',
        'a renew row does not take secret_file, which only a provisioning uses; leave it empty, or give this row action provision.',
      ],
      [
        'target,action,cert,key,factory_reset\nsim:,renew,c1.pem,,yes\n',
        'line 2, column factory_reset',
        'a renew row does not take factory_reset, which only a provisioning uses; leave it empty, or give this row action provision.',
      ],
      [
        'target,action,cert,key,password_file\nwebex:FOC0000X001,RENEW,c2.pem,,password.txt\n',
        'line 2, column password_file',
        'a webex: target has no console login (the kept Webex sign-in reaches it); leave password_file empty.',
      ],
    ];
    const before = w.cloud.requests.length;
    for (const [i, [text, where, why]] of cases.entries()) {
      const csv = await batchFile(`refused-${i}.csv`, text);
      const r = await cli(['batch', csv]);
      expect(r.status, where).toBe(1);
      expect(r.stderr).toBe(
        `ERR_WORKFLOW_BATCH_ACTION ${csv}, ${where}: ${why} Nothing was connected to or sent.\n`,
      );
      expect(r.stdout.toString()).toBe('');
    }
    const csv = await batchFile(
      'bad-action.csv',
      'target,cert,key,action\nwebex:FOC0000X001,c2.pem,,rotate\n',
    );
    const bad = await cli(['batch', csv]);
    expect(bad.stderr).toBe(
      `ERR_WORKFLOW_BATCH_FILE ${csv}, line 2: action must be provision or renew (or empty: provision).\n`,
    );
    expect(w.cloud.requests.length).toBe(before);
  });

  it('provisions a sim: row at its console and renews a webex: row through the cloud; a re-run adds nothing again', async () => {
    const csv = await batchFile(
      'mixed.csv',
      'target,cert,key,action\n' +
        '"sim:?state=sim1.json&serial=FOCBC0001",c1.pem,,\n' +
        `webex:${CLOUD},c2.pem,,renew\n`,
    );
    const first = w.cloud.requests.length;
    const r = await cli(['batch', csv, '--parallel', '2']);
    expect(r.stderr.split('\n').filter((l) => /\] (ok|failed)/.test(l))).toEqual(
      expect.arrayContaining([
        `[line 2 sim:?state=sim1.json&serial=FOCBC0001] ok`,
        `[line 3 webex:${CLOUD}] ok`,
      ]),
    );
    expect(r.status).toBe(0);
    const resultCsv = join(dir, 'mixed.result.csv');
    expect(r.stdout.toString()).toBe(
      [
        '2 of 2 devices provisioned or renewed.',
        `  line 2  sim:?state=sim1.json&serial=FOCBC0001  FOCBC0001  ok  ${certs[0]!.cn}  ${certs[0]!.sha1}  until ${certs[0]!.notAfter}`,
        `  line 3  webex:${CLOUD}  ${CLOUD}  ok  ${certs[1]!.cn}  ${certs[1]!.sha1}  until ${certs[1]!.notAfter}`,
        `Results: ${resultCsv} and ${join(dir, 'mixed.result.json')}.`,
        '',
        "1 device (FOCBC0001) got a generated client secret. A batch never prints secrets: they are in the OS keychain only. Export them for the devices' owners with: e2ee-prov secret export",
        '',
      ].join('\n'),
    );
    expect(w.sims[0]!.state.webexIdentity).toBe(certs[1]!.sha1);
    // Through the cloud, the Security commands of a renewal (the Populate is the harmless probe of the kept
    // secret, sealed under itself: the secret is unchanged); no reset, no registration.
    const posted = w.cloud.requests
      .slice(first)
      .filter((q) => q.method === 'POST')
      .map((q) => q.command);
    expect(new Set(posted)).toEqual(
      new Set([
        'Security.Certificates.Services.Show',
        'Security.Certificates.Services.Add',
        'Security.Certificates.Services.Activate',
        'Security.ClientSecret.Populate',
      ]),
    );
    expect(await box.store.get(CLOUD)).toBe(SECRET);
    const rows = (await readFile(resultCsv, 'utf8')).trim().split('\r\n');
    expect(rows[0]).toBe(
      'line,target,serial,product,status,error_code,error_message,failed_step,identity,fingerprint,not_after,secret,warnings,started_at,finished_at',
    );
    expect(rows[2]!.split(',').slice(0, 12)).toEqual(doneRow('3', `webex:${CLOUD}`, CLOUD, certs[1]!));

    // Resumed: both rows find their work done, and nothing is added or activated through the cloud again.
    const again = w.cloud.requests.length;
    const r2 = await cli(['batch', csv, '--parallel', '2']);
    expect(r2.status).toBe(0);
    expect(
      w.cloud.requests
        .slice(again)
        .filter((q) => q.method === 'POST')
        .map((q) => q.command)
        .filter((c) => c !== 'Security.Certificates.Services.Show' && c !== 'Security.ClientSecret.Populate'),
    ).toEqual([]);
    expect(w.sims[0]!.state.webexIdentity).toBe(certs[1]!.sha1);
  });

  it('renews a sim: row at its console; a webex: row whose secret the keychain lacks fails alone, nothing posted', async () => {
    const csv = await batchFile(
      'renew.csv',
      'target,action,cert,key\n' +
        '"sim:?state=sim1.json&serial=FOCBC0001",renew,c3.pem,\n' +
        'webex:FOC0000X002,renew,c4.pem,\n',
    );
    const first = w.cloud.requests.length;
    const r = await cli(['batch', csv]);
    expect(r.status).toBe(1);
    const resultCsv = join(dir, 'renew.result.csv');
    expect(r.stderr.split('\n')[0]).toBe(
      `ERR_WORKFLOW_BATCH_INCOMPLETE 1 of 2 devices failed (line 3: ERR_CLOUD_NO_SECRET); see ${resultCsv}. Run the batch again to resume them: devices that are done are skipped.`,
    );
    const rows = (await readFile(resultCsv, 'utf8')).trim().split('\r\n');
    expect(rows[1]!.split(',').slice(0, 12)).toEqual(
      doneRow('2', 'sim:?state=sim1.json&serial=FOCBC0001', 'FOCBC0001', certs[2]!),
    );
    expect(rows[2]!.split(',').slice(0, 6)).toEqual([
      '3',
      'webex:FOC0000X002',
      '',
      '',
      'failed',
      'ERR_CLOUD_NO_SECRET',
    ]);
    // The device without a kept secret was looked up, and nothing was asked of it or sent to it.
    expect(w.cloud.requests.slice(first).map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/devices']);
  });

  it('the token and the secrets are in no output, result file or journal', async () => {
    for (const o of outputs) {
      expect(o).not.toContain(TOKEN);
      expect(o).not.toContain(SECRET);
    }
    const all = await files(dir);
    expect(all.some((f) => f.endsWith('journal.jsonl') || f.includes('journal'))).toBe(true);
    for (const f of all) {
      const text = await readFile(f, 'latin1');
      expect(text, f).not.toContain(TOKEN);
      expect(text, f).not.toContain(SECRET);
    }
  });
});
