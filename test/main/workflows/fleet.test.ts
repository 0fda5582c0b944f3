/**
 * The fleet over the simulated Webex cloud: the list reads each device's identity and expiry and sorts
 * by it, offline and unprovisioned devices included; a run renews and rotates several devices at once,
 * one's failure stopping none, and a re-run with the same id skips what went through with nothing sent;
 * no secret reaches the result, the events or the journal; the result CSV guards against formulas.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentials, readCredentials } from '../../../src/core/pki/index.js';
import { CloudClient } from '../../../src/main/cloud/index.js';
import { type DemoPki, issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { Journal, MemorySecretStore } from '../../../src/main/vault/index.js';
import {
  type FleetEvent,
  type FleetJob,
  concurrencyOf,
  e2eeDateIso,
  fleetResultCsv,
  listFleet,
  mapLimited,
  runFleet,
} from '../../../src/main/workflows/fleet/index.js';
import { TOKEN, type World, api, deviceIdOf, world } from '../../simulator/cloud-helpers.js';

const DAY = 86_400_000;
const b64u = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const SERIALS = ['FOC0000X001', 'FOC0000X002', 'FOC0000X003', 'FOC0000X004'];
const SECRETS = ['Fleet-secret-one-4481', 'Fleet-secret-two-9930'];

let dir: string;
let w: World;
let pki: DemoPki;
let client: CloudClient;
const store = new MemorySecretStore();
let journal: Journal;

/** A certificate for `cn` valid `days` more days, as PEM texts, with its SHA-1 and notAfter (ISO). */
async function cert(cn: string, days: number) {
  const issued = await issueDeviceCert(pki, { cn, dns: [cn], email: [], days });
  const report = checkCredentials(readCredentials({ certPem: issued.bundlePem })).report;
  // The device prints whole seconds.
  const notAfter = new Date(Math.floor(Date.parse(report.notAfter) / 1000) * 1000).toISOString();
  return { pem: issued.certificatePem, key: issued.keyPem, sha1: report.fingerprints.sha1, notAfter };
}

/** Commands the cloud passed on to devices, so far. */
const commandsSent = (): number => w.cloud.requests.filter((r) => r.command !== undefined).length;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2ee-fleet-'));
  journal = new Journal(join(dir, 'home'));
  pki = await makeDemoPki('Fleet Test');
  w = await world(4, {}, (i) => ({
    tags: i === 3 ? ['lobby'] : ['floor-2', ...(i === 0 ? ['boardroom'] : [])],
    ...(i === 3 ? { connectionStatus: 'offline_expired' as const } : {}),
  }));
  client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url });
  // The first two devices were provisioned at their consoles: a secret each, kept in the keychain.
  for (const [i, secret] of SECRETS.entries()) {
    const r = await api(w.cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
      deviceId: deviceIdOf(w.sims[i]!),
      arguments: { Secret: b64u(secret) },
    });
    expect(r.status).toBe(200);
    await store.set(SERIALS[i]!, secret);
  }
}, 60_000);

afterAll(async () => {
  await w.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the fleet over the Webex cloud', () => {
  let certs: Awaited<ReturnType<typeof cert>>[];
  let runId: string;

  it('renews several devices at once; one without a kept secret fails alone; a serial listed twice fails untouched', async () => {
    certs = [await cert('room-1.fleet.example', 90), await cert('room-2.fleet.example', 20)];
    const stray = await cert('room-3.fleet.example', 60);
    const jobs: FleetJob[] = [
      { workflow: 'renew', serial: SERIALS[0]!, cert: certs[0]!.pem, key: certs[0]!.key },
      { workflow: 'renew', serial: SERIALS[1]!, cert: certs[1]!.pem, key: certs[1]!.key },
      { workflow: 'renew', serial: SERIALS[2]!, cert: stray.pem, key: stray.key },
      { workflow: 'rotate', serial: SERIALS[1]! },
    ];
    const events: FleetEvent[] = [];
    const result = await runFleet(client, store, jobs, {
      journal,
      concurrency: 3,
      onEvent: (e) => events.push(e),
    });
    runId = result.runId;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.rows).toEqual([
      {
        serial: SERIALS[0],
        workflow: 'renew',
        outcome: 'done',
        code: null,
        message: null,
        fingerprint: certs[0]!.sha1,
      },
      {
        serial: SERIALS[1],
        workflow: 'renew',
        outcome: 'done',
        code: null,
        message: null,
        fingerprint: certs[1]!.sha1,
      },
      {
        serial: SERIALS[2],
        workflow: 'renew',
        outcome: 'failed',
        code: 'ERR_CLOUD_NO_SECRET',
        message: `The keychain holds no client secret for ${SERIALS[2]}, so nothing can be sealed for it: provision it at its console first (e2ee-prov provision --target serial:… or ssh://…); the cloud then renews and rotates, or import its secret (e2ee-prov secret import).`,
        fingerprint: null,
      },
      {
        serial: SERIALS[1],
        workflow: 'rotate',
        outcome: 'failed',
        code: 'ERR_WORKFLOW_DEVICE_CHANGED',
        message: `The device ${SERIALS[1]} is listed more than once in this run; list each device once. Nothing was done for this entry.`,
        fingerprint: null,
      },
    ]);
    expect(w.sims[0]!.state.webexIdentity).toBe(certs[0]!.sha1);
    expect(w.sims[1]!.state.webexIdentity).toBe(certs[1]!.sha1);
    expect(w.sims[2]!.state.certificates.map((c) => c.fingerprint)).not.toContain(stray.sha1);
    // Each device's events: started, its steps, then its end; the run's end last.
    const of = (serial: string) => events.filter((e) => 'serial' in e && e.serial === serial);
    expect(of(SERIALS[0]!)[0]).toEqual({ type: 'started', serial: SERIALS[0], workflow: 'renew' });
    expect(
      of(SERIALS[0]!)
        .filter((e) => e.type === 'step')
        .map((e) => (e.type === 'step' ? e.step : '')),
    ).toEqual(['precheck', 'add-certificate', 'activate', 'verify', 'deactivate-old', 'delete-old']);
    expect(of(SERIALS[0]!).at(-1)).toEqual({
      type: 'done',
      serial: SERIALS[0],
      workflow: 'renew',
      fingerprint: certs[0]!.sha1,
    });
    expect(of(SERIALS[2]!)).toEqual([
      { type: 'started', serial: SERIALS[2], workflow: 'renew' },
      {
        type: 'failed',
        serial: SERIALS[2],
        workflow: 'renew',
        code: 'ERR_CLOUD_NO_SECRET',
        message: result.rows[2]!.message,
      },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finished', done: 2, failed: 2, skipped: 0 });
  }, 120_000);

  it('a re-run with the same id skips the jobs that went through, sending nothing to their devices', async () => {
    const sent = commandsSent();
    const events: FleetEvent[] = [];
    const again = await runFleet(
      client,
      store,
      [
        { workflow: 'renew', serial: SERIALS[0]!, cert: certs[0]!.pem, key: certs[0]!.key },
        { workflow: 'renew', serial: SERIALS[1]!, cert: certs[1]!.pem, key: certs[1]!.key },
      ],
      { journal, runId, onEvent: (e) => events.push(e) },
    );
    expect(again).toEqual({
      runId,
      rows: [
        {
          serial: SERIALS[0],
          workflow: 'renew',
          outcome: 'skipped',
          code: null,
          message: null,
          fingerprint: certs[0]!.sha1,
        },
        {
          serial: SERIALS[1],
          workflow: 'renew',
          outcome: 'skipped',
          code: null,
          message: null,
          fingerprint: certs[1]!.sha1,
        },
      ],
    });
    expect(events).toEqual([{ type: 'finished', done: 0, failed: 0, skipped: 2 }]);
    expect(commandsSent()).toBe(sent);
  });

  it('lists every device by expiry, soonest first, unknown last by serial; tags filter', async () => {
    const now = new Date(Date.parse(certs[1]!.notAfter) - 20 * DAY + 3_600_000);
    const progress: [number, number][] = [];
    const all = await listFleet(client, store, { now, onProgress: (d, t) => progress.push([d, t]) });
    expect(all.map((d) => d.serial)).toEqual([SERIALS[1], SERIALS[0], SERIALS[2], SERIALS[3]]);
    const [second, first, third, fourth] = all;
    expect(second).toEqual({
      serial: SERIALS[1],
      deviceId: deviceIdOf(w.sims[1]!),
      displayName: w.cloud.devices[1]!.displayName,
      product: expect.any(String) as unknown,
      software: expect.any(String) as unknown,
      connectionStatus: 'connected',
      tags: ['floor-2'],
      identity: 'room-2.fleet.example',
      certificateExpiry: certs[1]!.notAfter,
      daysLeft: 19,
      secretInKeychain: true,
      readProblem: null,
    });
    expect(first).toMatchObject({
      identity: 'room-1.fleet.example',
      certificateExpiry: certs[0]!.notAfter,
      daysLeft: Math.floor((Date.parse(certs[0]!.notAfter) - now.getTime()) / DAY),
      tags: ['floor-2', 'boardroom'],
      secretInKeychain: true,
      readProblem: null,
    });
    expect(third).toMatchObject({
      identity: null,
      certificateExpiry: null,
      daysLeft: null,
      secretInKeychain: false,
      readProblem: null,
    });
    expect(fourth).toMatchObject({
      connectionStatus: 'offline_expired',
      identity: null,
      certificateExpiry: null,
      daysLeft: null,
      secretInKeychain: false,
      readProblem: {
        code: 'ERR_CLOUD_DEVICE_UNREACHABLE',
        message: `The device ${SERIALS[3]} is offline_expired in the Webex cloud, so its status cannot be read now; nothing was asked of it.`,
      },
    });
    expect(progress[0]).toEqual([0, 4]);
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(progress).toHaveLength(5);

    // Expired: negative days.
    const later = await listFleet(client, store, {
      now: new Date(Date.parse(certs[1]!.notAfter) + DAY + 1),
      tags: ['floor-2', 'boardroom'],
    });
    expect(later.map((d) => [d.serial, d.daysLeft])).toEqual([[SERIALS[0], 68]]);
  }, 60_000);

  it('rotates a secret: the device and the keychain hold a new one, which is in no result, event or journal line', async () => {
    const events: FleetEvent[] = [];
    const r = await runFleet(client, store, [{ workflow: 'rotate', serial: SERIALS[0]! }], {
      journal,
      onEvent: (e) => events.push(e),
    });
    expect(r.rows).toEqual([
      {
        serial: SERIALS[0],
        workflow: 'rotate',
        outcome: 'done',
        code: null,
        message: null,
        fingerprint: null,
      },
    ]);
    const now = await store.get(SERIALS[0]!);
    expect(now).not.toBeNull();
    expect(now).not.toBe(SECRETS[0]);
    expect(await store.getPending(SERIALS[0]!)).toBeNull();
    expect(w.sims[0]!.clientSecretIs(now!)).toBe(true);
    expect(events.filter((e) => e.type === 'step').map((e) => (e.type === 'step' ? e.step : ''))).toContain(
      'device-answered',
    );
    const lines = await readFile(join(dir, 'home', 'journal.jsonl'), 'utf8');
    for (const text of [JSON.stringify(r), JSON.stringify(events), lines]) expect(text).not.toContain(now!);
  }, 60_000);
});

describe('fleet helpers', () => {
  it('writes the result CSV with every cell a spreadsheet would run written as text', () => {
    expect(
      fleetResultCsv({
        runId: 'run-1',
        rows: [
          {
            serial: 'FOC1',
            workflow: 'renew',
            outcome: 'done',
            code: null,
            message: null,
            fingerprint: 'ab12',
          },
          {
            serial: '=cmd|x',
            workflow: 'rotate',
            outcome: 'failed',
            code: 'ERR_CLOUD_HTTP',
            message: '+said "no", then left',
            fingerprint: null,
          },
        ],
      }),
    ).toBe(
      'run_id,serial,workflow,outcome,error_code,error_message,fingerprint\r\n' +
        'run-1,FOC1,renew,done,,,ab12\r\n' +
        `run-1,'=cmd|x,rotate,failed,ERR_CLOUD_HTTP,"'+said ""no"", then left",\r\n`,
    );
  });

  it('reads the device’s dates, bounds the concurrency, and never runs more at once than asked', async () => {
    expect(e2eeDateIso('2027-03-01T12:00:05.000000000+0000')).toBe('2027-03-01T12:00:05.000Z');
    expect(e2eeDateIso('2027-03-01T12:00:05+0130')).toBe('2027-03-01T10:30:05.000Z');
    expect(e2eeDateIso('2027-03-01T12:00:05Z')).toBe('2027-03-01T12:00:05.000Z');
    expect(e2eeDateIso('')).toBeNull();
    expect(e2eeDateIso(null)).toBeNull();
    expect(e2eeDateIso('next March')).toBeNull();
    expect([undefined, 0, 1, 7.9, 16, 17, Number.NaN].map(concurrencyOf)).toEqual([4, 1, 1, 7, 16, 16, 4]);
    let running = 0;
    let most = 0;
    const out = await mapLimited([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return x * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });
});
