/**
 * A renewal and a rotation through the Webex cloud send exactly their minimal call lists
 * (`cloudCalls`, src/core/xapi/procedure.ts): a device provisioned at its console is reached through the
 * cloud simulator, and the cloud's log of the requests it answered is compared with the declaration, in
 * order (the device lookup, one status per read, one schema question per Security command, the commands),
 * and so are the blobs the device opened. A change that adds a call fails here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentials } from '../../../src/core/pki/index.js';
import {
  CLOUD_PROCEDURES,
  type CloudProcedure,
  blobCount,
  cloudCalls,
  deviceCalls,
} from '../../../src/core/xapi/procedure.js';
import { CloudClient, CloudDevice } from '../../../src/main/cloud/index.js';
import { type DemoPki, issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { connect } from '../../../src/main/device/index.js';
import { Journal, MemorySecretStore } from '../../../src/main/vault/index.js';
import { provision } from '../../../src/main/workflows/provision.js';
import { renew } from '../../../src/main/workflows/renew.js';
import { rotateSecret } from '../../../src/main/workflows/rotate.js';
import { type CloudSimulator, createCloudSimulator } from '../../../src/simulator/cloud/index.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';

const TOKEN = 'CnryCloudTripsToken-4Hs8';
const SERIAL = 'FOCCLOUDTRIP1';
const CN = 'room-trips.cloud.example';
let dir: string;
let pki: DemoPki;
let sim: RoomOsSimulator;
let cloud: CloudSimulator;
const secrets = new MemorySecretStore();
let journal: Journal;

async function credentials() {
  return readCredentials({ certPem: (await issueDeviceCert(pki, { cn: CN, dns: [CN] })).bundlePem });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud-trips-'));
  pki = await makeDemoPki('CloudTrips');
  journal = new Journal(join(dir, 'home'));
  // Provisioned at its console first; the cloud reaches a registered device only.
  sim = await createSimulator({ serialNumber: SERIAL, registered: true });
  const device = await connect('sim:', { simulator: sim });
  const r = await provision({ device, secrets, journal }, { credentials: await credentials(), link: 'sim' });
  await device.close();
  if (!r.ok) throw new Error(`provisioning at the console failed: ${r.error?.code}`);
  cloud = await createCloudSimulator({ devices: [{ simulator: sim }], token: TOKEN });
});
afterAll(async () => {
  await cloud?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What `work` made the cloud answer (method and path below the API base), and the blobs the device opened. */
async function measure(
  work: (device: CloudDevice) => Promise<void>,
): Promise<{ calls: string[]; seen: string[]; blobs: number }> {
  const from = cloud.requests.length;
  const blobs = sim.stats.blobsOpened;
  const seen: string[] = [];
  const client = new CloudClient({
    token: TOKEN,
    apiBase: cloud.url,
    onRequest: (r) => seen.push(`${r.method} ${r.path}`),
  });
  await work(await CloudDevice.open(client, SERIAL, { secrets }));
  return {
    calls: cloud.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/v1/, '')}`),
    seen,
    blobs: sim.stats.blobsOpened - blobs,
  };
}

function declared(procedure: CloudProcedure): string[] {
  return cloudCalls(procedure).map((c) => `${c.method} ${c.path}`);
}

/** `sent` is `calls`, which is the procedure's declared list, each seen by the client; its blobs are as declared. */
function expectSent(
  sent: { calls: string[]; seen: string[]; blobs: number },
  procedure: CloudProcedure,
  calls: string[],
): void {
  expect(sent.calls).toEqual(calls);
  expect(sent.calls).toEqual(declared(procedure));
  expect(sent.seen).toEqual(sent.calls);
  expect(sent.blobs).toBe(blobCount(procedure));
}

describe('through the Webex cloud, each workflow sends its minimal call list, exactly', () => {
  it('rotate: the lookup, the identity, one schema question, the populate', async () => {
    const sent = await measure(async (device) => {
      const r = await rotateSecret(device, {}, { store: secrets, journal });
      expect(sim.clientSecretIs(r.newSecret)).toBe(true);
    });
    expectSent(sent, 'rotate', [
      'GET /devices',
      'GET /xapi/status',
      'GET /xapi/schema',
      'POST /xapi/command/Security.ClientSecret.Populate',
    ]);
  });

  it('renew: no schema question twice, no read the steps do not need', async () => {
    const first = sim.state.webexIdentity;
    const sent = await measure(async (device) => {
      const r = await renew({ device, secrets, journal }, { credentials: await credentials() });
      expect(r.error).toBeUndefined();
    });
    expectSent(sent, 'renew', [
      'GET /devices',
      'GET /xapi/status',
      'GET /xapi/schema',
      'POST /xapi/command/Security.ClientSecret.Populate',
      'GET /xapi/schema',
      'POST /xapi/command/Security.Certificates.Services.Show',
      'POST /xapi/command/Security.Certificates.Services.Show',
      'GET /xapi/schema',
      'POST /xapi/command/Security.Certificates.Services.Add',
      'POST /xapi/command/Security.Certificates.Services.Show',
      'GET /xapi/schema',
      'POST /xapi/command/Security.Certificates.Services.Activate',
      'GET /xapi/status',
      'POST /xapi/command/Security.Certificates.Services.Show',
      'GET /xapi/schema',
      'POST /xapi/command/Security.Certificates.Services.Delete',
    ]);
    expect(sim.state.webexIdentity).not.toBe(first);
    expect(sim.state.certificates.some((c) => c.fingerprint === first)).toBe(false);
  });
});

describe('the cloud declaration', () => {
  it('is the console’s device calls with the lookup, the identity in one status, one schema question per command', () => {
    expect(CLOUD_PROCEDURES).toEqual(['renew', 'rotate']);
    // renew: 12 device calls − 2 (the name from the record, the registration with the identity's status)
    // + the lookup + 5 schema questions (Populate, Show, Add, Activate, Delete).
    expect(deviceCalls('renew')).toHaveLength(12);
    expect(cloudCalls('renew')).toHaveLength(16);
    expect(cloudCalls('rotate')).toHaveLength(4);
    expect(cloudCalls('renew').filter((c) => c.carries?.endsWith('-blob'))).toHaveLength(3);
    expect(cloudCalls('renew').filter((c) => c.path === '/xapi/schema')).toHaveLength(5);
    expect(cloudCalls('renew')[13]).toEqual({
      method: 'POST',
      path: '/xapi/command/Security.Certificates.Services.Show',
      why: 'verify (unregistered): the device uses the new certificate; the old one is not active',
    });
  });
});
