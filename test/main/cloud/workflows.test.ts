/**
 * A workflow over the cloud transport: `secret rotate`'s workflow changes the secret of a device behind a
 * scripted Webex API that opens populate blobs under the secret it holds (and refuses any other, in
 * either refusal shape), so the rotation's own probes meet the cloud's refusals as the device's no.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open } from '../../../src/core/jwe/index.js';
import { type CloudClient, CloudDevice } from '../../../src/main/cloud/index.js';
import { Journal, MemorySecretStore } from '../../../src/main/vault/index.js';
import { rotateSecret } from '../../../src/main/workflows/rotate.js';
import {
  type Handler,
  type Reply,
  type ScriptedServer,
  deviceRecord,
  errorReply,
  scriptedClient,
} from './scripted-server.js';

const TOKEN = 'CnryCloudWorkflowToken-Bv62';
let dir: string;
let server: ScriptedServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2ee-cloud-wf-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A device FOC7 that offers every command and tells its serial number; populates are decided in `start`. */
function secretDevice(): Handler {
  return (r) => {
    if (r.path === '/v1/devices') return { status: 200, body: { items: [deviceRecord('FOC7')] } };
    if (r.path === '/v1/xapi/schema') {
      const key = r.query.find(([k]) => k === 'command')![1];
      return { status: 200, body: { deviceId: 'dev-FOC7', commands: { [key]: { arguments: {} } } } };
    }
    if (r.path === '/v1/xapi/status')
      return {
        status: 200,
        body: {
          deviceId: 'dev-FOC7',
          result: {
            SystemUnit: { ProductId: 'Cisco Room Kit', Hardware: { Module: { SerialNumber: 'FOC7' } } },
          },
        },
      };
    throw new Error(`unexpected ${r.method} ${r.path}`);
  };
}

/** The handler above, with populate commands opened under the held secret (asynchronously decided). */
async function start(state: { secret: string }, refusal: 'http' | 'result'): Promise<CloudClient> {
  const base = secretDevice();
  // Blobs are opened before the reply: the scripted server answers synchronously, so decide first.
  const decided = new Map<string, Reply>();
  const scripted = await scriptedClient((r, b) => decided.get(JSON.stringify(r.body)) ?? base(r, b), TOKEN);
  server = scripted.server;
  const client = scripted.client;
  const command = client.command.bind(client);
  client.command = async (deviceId, key, args, body) => {
    const blob = String(args.Secret);
    const sent = JSON.stringify({ deviceId, arguments: args, ...(body !== undefined ? { body } : {}) });
    try {
      const opened = await open(blob, state.secret);
      decided.set(sent, { status: 200, body: { deviceId, arguments: {}, result: {} } });
      const answer = await command(deviceId, key, args, body);
      state.secret = new TextDecoder().decode(opened.payload);
      return answer;
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('ERR_JWE_') !== true) throw e;
      decided.set(
        sent,
        refusal === 'http'
          ? errorReply(400, 'Decryption failed', 'TR-REFUSED')
          : {
              status: 200,
              body: { deviceId, arguments: {}, result: { status: 'Error', Reason: 'Decryption failed' } },
            },
      );
      return command(deviceId, key, args, body);
    }
  };
  return client;
}

describe('secret rotation through the cloud', () => {
  for (const refusal of ['http', 'result'] as const) {
    it(`changes the secret, and a wrong current secret is the device's no (refusals as ${refusal})`, async () => {
      const state = { secret: 'the current secret of FOC7' };
      const client = await start(state, refusal);
      const device = await CloudDevice.open(client, 'FOC7');
      const store = new MemorySecretStore();
      const journal = new Journal(join(dir, `home-${refusal}`));
      await store.set('FOC7', 'the current secret of FOC7');
      const result = await rotateSecret(
        device,
        { newSecret: 'a new secret of four random words' },
        { store, journal },
      );
      expect(result.serial).toBe('FOC7');
      expect(state.secret).toBe('a new secret of four random words');
      expect(await store.get('FOC7')).toBe('a new secret of four random words');
      expect(await store.getPending('FOC7')).toBeNull();
      const populates = server
        .posted()
        .filter((p) => p.path === '/v1/xapi/command/Security.ClientSecret.Populate');
      expect(populates.length).toBeGreaterThan(0);

      // The keychain's secret is now wrong: the device refuses (over the cloud), and the rotation reports its no.
      await store.set('FOC7', 'not the secret the device holds');
      await expect(
        rotateSecret(device, { newSecret: 'another new secret of four words' }, { store, journal }),
      ).rejects.toMatchObject({ code: 'ERR_ROTATE_REJECTED' });
      expect(state.secret).toBe('a new secret of four random words');
    });
  }
});
