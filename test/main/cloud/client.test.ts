/**
 * The Webex cloud client and device over a scripted loopback server (real sockets): the coded errors and
 * their advice, 429 waits on an injected clock (Retry-After honoured per device, backoff without it),
 * paging by Link, the device's refusals in both shapes, the steps refused before anything is sent, and
 * the token in no error.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { CloudClient, CloudDevice, type CloudClientOptions } from '../../../src/main/cloud/index.js';
import { classifyDeviceError } from '../../../src/main/workflows/device-holds.js';
import {
  type Handler,
  type Reply,
  type ScriptedServer,
  deviceRecord,
  errorReply,
  registeredRoomKit,
  scriptedClient,
} from './scripted-server.js';

const TOKEN = 'CnryCloudToken-Zq81Lm3Vx7Rt2Np5';
let server: ScriptedServer | undefined;

async function rig(handler: Handler, options: Partial<CloudClientOptions> = {}) {
  const r = await scriptedClient(handler, TOKEN, options);
  server = r.server;
  return r;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Everything an error shows: its text, details, JSON and inspected form. */
function everything(e: unknown): string {
  return [String((e as Error).message), JSON.stringify(e), inspect(e, { depth: 10 })].join('\n');
}

async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const e = await p.then(
    () => expect.unreachable('it should have failed'),
    (x: unknown) => x,
  );
  expect(everything(e)).not.toContain(TOKEN);
  return e as { code: string; message: string; details: Record<string, unknown> };
}

const ok = (body: unknown): Reply => ({ status: 200, body });

describe('the cloud client', () => {
  it('sends the token in the Authorization header only, and reads /people/me', async () => {
    const { client, server } = await rig(() =>
      ok({ id: 'p1', displayName: 'Ada', emails: ['ada@example.com'], orgId: 'o1', extra: 'x' }),
    );
    expect(await client.me()).toEqual({
      id: 'p1',
      displayName: 'Ada',
      emails: ['ada@example.com'],
      orgId: 'o1',
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/people/me',
      query: [],
      authorization: `Bearer ${TOKEN}`,
    });
    expect(inspect(client, { depth: 5 })).not.toContain(TOKEN);
    expect(JSON.stringify(client)).not.toContain(TOKEN);
  });

  it('401 is ERR_CLOUD_AUTH, quoting message and trackingId and saying to sign in again', async () => {
    const { client } = await rig(() =>
      errorReply(
        401,
        'The request requires a valid access token set in the Authorization request header.',
        'ROUTER_1',
      ),
    );
    const e = await failure(client.me());
    expect(e.code).toBe('ERR_CLOUD_AUTH');
    expect(e.message).toBe(
      'The Webex API did not accept the sign-in (HTTP 401: "The request requires a valid access token set in the Authorization request header.", trackingId ROUTER_1): the token is wrong or expired. Sign in again: e2ee-prov cloud login --token-file FILE.',
    );
    expect(e.details).toEqual({
      status: 401,
      message: 'The request requires a valid access token set in the Authorization request header.',
      trackingId: 'ROUTER_1',
    });
  });

  it('a server that echoes the token has it scrubbed from the error', async () => {
    const { client } = await rig(() => errorReply(401, `bad token ${TOKEN}`, `T-${TOKEN}`));
    const e = await failure(client.me());
    expect(e.details).toEqual({ status: 401, message: 'bad token [token]', trackingId: 'T-[token]' });
  });

  it('403 names the scopes the call needs', async () => {
    const { client } = await rig(() => errorReply(403, 'Missing scope', 'TR403'));
    const e = await failure(client.status('dev-1', ['SystemUnit.*']));
    expect(e.code).toBe('ERR_CLOUD_FORBIDDEN');
    expect(e.message).toContain(
      '(HTTP 403: "Missing scope", trackingId TR403): the token lacks a scope it needs (spark:xapi_statuses)',
    );
    expect(e.details.scopes).toEqual(['spark:xapi_statuses']);
  });

  it('504 is ERR_CLOUD_DEVICE_UNREACHABLE quoting the trackingId; 502 and 503 too; 500 is ERR_CLOUD_HTTP', async () => {
    let status = 504;
    const { client } = await rig(() =>
      errorReply(status, 'An upstream server failed to respond on time.', 'TR504'),
    );
    const e = await failure(client.status('dev-1', ['SystemUnit.*']));
    expect(e.code).toBe('ERR_CLOUD_DEVICE_UNREACHABLE');
    expect(e.message).toBe(
      'The device or a Webex service did not answer when the tool tried to read SystemUnit.* (HTTP 504: "An upstream server failed to respond on time.", trackingId TR504). Check in Control Hub that the device is online, then run the command again; a command that was sent may or may not have run, and the next run finds out.',
    );
    for (const s of [502, 503]) {
      status = s;
      expect((await failure(client.status('dev-1', ['X']))).code).toBe('ERR_CLOUD_DEVICE_UNREACHABLE');
    }
    status = 500;
    const other = await failure(client.status('dev-1', ['X']));
    expect(other.code).toBe('ERR_CLOUD_HTTP');
    expect(other.details).toEqual({
      status: 500,
      message: 'An upstream server failed to respond on time.',
      trackingId: 'TR504',
    });
    // A command that meets a 504 is no refusal: its outcome is unknown.
    status = 504;
    expect(classifyDeviceError(await failure(client.command('dev-1', 'A.B', {})))).toBe('unknown');
  });

  it('429 with Retry-After 2: the retry is sent 2 s later on the injected clock', async () => {
    let n = 0;
    const { client, clock, server } = await rig(() =>
      n++ === 0
        ? errorReply(429, 'Too Many Requests', 'TR429', { 'Retry-After': '2' })
        : ok({ deviceId: 'dev-1', result: { Webex: { Status: 'Registered' } } }),
    );
    expect(await client.status('dev-1', ['Webex.Status'])).toEqual({ Webex: { Status: 'Registered' } });
    expect(clock.sleeps).toEqual([2000]);
    expect(server.requests.map((r) => r.at)).toEqual([0, 2000]);
  });

  it('after a 429 the next call to that device waits at least Retry-After, even when the first gave up; another device does not', async () => {
    let limited = true;
    const { client, clock, server } = await rig(
      (r) =>
        limited && r.query.some(([k, v]) => k === 'deviceId' && v === 'dev-1')
          ? errorReply(429, 'Too Many Requests', 'TR429', { 'Retry-After': '2' })
          : ok({ deviceId: 'x', result: {} }),
      { maxRateWaitMs: 1000 },
    );
    const e = await failure(client.status('dev-1', ['Webex.Status']));
    expect(e.code).toBe('ERR_CLOUD_RATE_LIMITED');
    expect(e.message).toBe(
      'The Webex API kept answering "too many requests" (HTTP 429) to read Webex.Status: "Too Many Requests", trackingId TR429; the tool waited 0 s and the next wait would be 2 s. Try again later, or with fewer devices at once.',
    );
    expect(clock.t).toBe(0);
    limited = false;
    await client.status('dev-2', ['Webex.Status']);
    expect(server.requests.at(-1)!.at).toBe(0);
    await client.status('dev-1', ['Webex.Status']);
    expect(server.requests.at(-1)!.at).toBe(2000);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('429 without Retry-After backs off exponentially, and gives up past the bounded total wait', async () => {
    let n = 0;
    const { client, clock, server } = await rig(() =>
      n++ < 3 ? errorReply(429, 'Too Many Requests', `TR${n}`) : ok({ deviceId: 'd', result: { A: 1 } }),
    );
    expect(await client.status('d', ['A'])).toEqual({ A: 1 });
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(server.requests.map((r) => r.at)).toEqual([0, 1000, 3000, 7000]);

    await server.close();
    const always = await rig(() => errorReply(429, 'Too Many Requests', 'TRX'), { maxRateWaitMs: 10_000 });
    const e = await failure(always.client.status('d', ['A']));
    expect(e.code).toBe('ERR_CLOUD_RATE_LIMITED');
    expect(always.clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(e.details).toMatchObject({ waitedMs: 7000, nextWaitMs: 8000 });
    await always.server.close();
  });

  it('lists devices over two pages by Link rel="next", with the filters as repeated parameters', async () => {
    const { client, server } = await rig((r, base) =>
      r.query.some(([k]) => k === 'start')
        ? ok({ items: [deviceRecord('FOC3')] })
        : {
            status: 200,
            body: { items: [deviceRecord('FOC1'), deviceRecord('FOC2', 'disconnected')] },
            headers: { Link: `<${base}/devices?tag=e2ee&tag=hq&max=2&start=2>; rel="next"` },
          },
    );
    const devices = await client.listDevices({ tags: ['e2ee', 'hq'], max: 2 });
    expect(devices.map((d) => [d.serial, d.connectionStatus])).toEqual([
      ['FOC1', 'connected'],
      ['FOC2', 'disconnected'],
      ['FOC3', 'connected'],
    ]);
    expect(devices[0]).toEqual({ ...deviceRecord('FOC1') });
    expect(server.requests.map((r) => [r.path, r.query])).toEqual([
      [
        '/v1/devices',
        [
          ['tag', 'e2ee'],
          ['tag', 'hq'],
          ['max', '2'],
        ],
      ],
      [
        '/v1/devices',
        [
          ['tag', 'e2ee'],
          ['tag', 'hq'],
          ['max', '2'],
          ['start', '2'],
        ],
      ],
    ]);
  });

  it('a next link that leads away from the API base is refused: the token goes nowhere else', async () => {
    const { client, server } = await rig(() => ({
      status: 200,
      body: { items: [] },
      headers: { Link: '<https://elsewhere.example/v1/devices?start=2>; rel="next"' },
    }));
    const e = await failure(client.listDevices());
    expect(e.code).toBe('ERR_CLOUD_BAD_ANSWER');
    expect(server.requests).toHaveLength(1);
  });

  it('no answer at all is ERR_CLOUD_NETWORK', async () => {
    const { client, server, apiBase } = await rig(() => ok({}));
    await server.close();
    const e = await failure(client.me());
    expect(e.code).toBe('ERR_CLOUD_NETWORK');
    expect(e.details).toEqual({ apiBase, reason: 'ECONNREFUSED' });
  });

  it('an API base must be https, or http on loopback', () => {
    expect(() => new CloudClient({ token: TOKEN, apiBase: 'http://webexapis.com/v1' })).toThrow(
      expect.objectContaining({ code: 'ERR_CLOUD_API_BASE' }),
    );
    expect(new CloudClient({ token: TOKEN, apiBase: 'https://webexapis.com/v1/' }).apiBase).toBe(
      'https://webexapis.com/v1',
    );
  });
});

/** A device FOC1 that offers every command but those in `lacks`, answering commands with `command`. */
function deviceHandler(
  command: (key: string, body: Record<string, unknown>) => Reply,
  lacks: string[] = [],
  status = 'connected',
): Handler {
  return (r) => {
    if (r.path === '/v1/devices')
      return ok({ items: r.query[0]?.[1] === 'FOC1' ? [deviceRecord('FOC1', status)] : [] });
    if (r.path === '/v1/xapi/schema') {
      const key = r.query.find(([k]) => k === 'command')![1];
      return ok({ deviceId: 'dev-FOC1', commands: lacks.includes(key) ? {} : { [key]: { arguments: {} } } });
    }
    if (r.path === '/v1/xapi/status') {
      const names = r.query.filter(([k]) => k === 'name').map(([, v]) => v);
      if (names.includes('SystemUnit.*'))
        return ok({
          deviceId: 'dev-FOC1',
          result: {
            SystemUnit: {
              ProductId: 'Cisco Room Kit',
              Software: {
                Version: 'ce11.19.1.2',
                DisplayName: 'RoomOS 11.19.1.2',
                OptionKeys: { Encryption: 'True' },
              },
              Hardware: { Module: { SerialNumber: 'FOC1' } },
            },
            Webex: { Status: 'Registered' },
          },
        });
      return ok({ deviceId: 'dev-FOC1', result: {} });
    }
    if (r.method === 'POST' && r.path.startsWith('/v1/xapi/command/'))
      return command(r.path.slice('/v1/xapi/command/'.length), r.body as Record<string, unknown>);
    return errorReply(404, 'not found', 'TR404');
  };
}

describe('the cloud device', () => {
  it('identifies from /xapi/status and the device record, and lists certificates from Services Show', async () => {
    const { client, server } = await rig(
      deviceHandler(() =>
        ok({
          deviceId: 'dev-FOC1',
          arguments: {},
          result: {
            Details: [
              {
                id: 1,
                Fingerprint: 'AB:CD',
                SubjectName: 'CN=room.example.com',
                UsedFor: 'WebexIdentity',
                notAfter: '2026-01-01',
              },
            ],
          },
        }),
      ),
    );
    const device = await CloudDevice.open(client, 'FOC1');
    expect(await device.identify()).toEqual(registeredRoomKit('FOC1', 'True'));
    expect((await device.e2eeStatus()).present).toBe(false);
    const certs = await device.listCertificates({ filter: 'WebexIdentity' });
    expect(certs.map((c) => [c.index, c.fingerprint, c.subjectName, c.purposes])).toEqual([
      [1, 'abcd', 'CN=room.example.com', ['WebexIdentity']],
    ]);
    await device.listCertificates();
    // The schema was asked once for Services Show; the filter went as an argument.
    expect(server.requests.filter((r) => r.path === '/v1/xapi/schema')).toHaveLength(1);
    expect(server.posted().map((r) => r.body)).toEqual([
      { deviceId: 'dev-FOC1', arguments: { Filter: 'WebexIdentity' } },
      { deviceId: 'dev-FOC1', arguments: {} },
    ]);
  });

  it('the add blob goes in the body with IsEncrypted True; a populate blob as Secret', async () => {
    const { client, server } = await rig(
      deviceHandler(() => ok({ deviceId: 'dev-FOC1', arguments: {}, result: {} })),
    );
    const device = await CloudDevice.open(client, 'FOC1');
    const add = await seal('add', 'CERT AND KEY', 'current secret');
    const populate = await seal('populate', 'new secret', 'current secret');
    await device.addCertificate(add);
    await device.populateSecret(populate);
    expect(server.posted().map((r) => [r.path, r.body])).toEqual([
      [
        '/v1/xapi/command/Security.Certificates.Services.Add',
        { deviceId: 'dev-FOC1', arguments: { IsEncrypted: 'True' }, body: add },
      ],
      [
        '/v1/xapi/command/Security.ClientSecret.Populate',
        { deviceId: 'dev-FOC1', arguments: { Secret: populate } },
      ],
    ]);
  });

  for (const shape of ['http', 'result'] as const) {
    it(`a refusal answered as ${shape === 'http' ? 'HTTP 400' : 'a result with status Error'} is the console's ERR_DEVICE_COMMAND_FAILED with the device's reason`, async () => {
      const reason = 'Decryption failed';
      const { client } = await rig(
        deviceHandler(() =>
          shape === 'http'
            ? errorReply(400, reason, 'TR400')
            : ok({ deviceId: 'dev-FOC1', arguments: {}, result: { status: 'Error', Reason: reason } }),
        ),
      );
      const device = await CloudDevice.open(client, 'FOC1');
      const e = await failure(device.populateSecret(await seal('populate', 'new', 'old')));
      expect(e.code).toBe('ERR_DEVICE_COMMAND_FAILED');
      expect(e.message).toBe(
        `The device could not change the ClientSecret: ${reason}${shape === 'http' ? ' (trackingId TR400)' : ''}.`,
      );
      expect(e.details).toMatchObject({
        status: 'Error',
        reason,
        trackingId: shape === 'http' ? 'TR400' : null,
        httpStatus: shape === 'http' ? 400 : 200,
      });
      // The workflows read it as the device's no (a rotation's probe relies on it).
      expect(classifyDeviceError(e)).toBe('rejected');
    });
  }

  it('a command the device does not offer is refused after the schema, with nothing posted', async () => {
    const { client, server } = await rig(
      deviceHandler(() => ok({ result: {} }), ['Security.Certificates.Services.Activate']),
    );
    const device = await CloudDevice.open(client, 'FOC1');
    const e = await failure(device.activate(await seal('activate', 'ab'.repeat(20), 'secret')));
    expect(e.code).toBe('ERR_CLOUD_COMMAND_UNAVAILABLE');
    expect(e.message).toBe(
      'webex:FOC1 does not offer Security.Certificates.Services.Activate through the Webex cloud (its xAPI schema there lacks it; a model or software release may not). Use its console for this step; nothing was sent.',
    );
    expect(server.posted()).toEqual([]);
  });

  it('a plain secret, a factory reset and a registration are refused before anything is sent', async () => {
    const { client, server } = await rig(deviceHandler(() => ok({ result: {} })));
    const device = await CloudDevice.open(client, 'FOC1');
    const before = server.requests.length;
    expect((await failure(device.populateSecretPlain())).code).toBe('ERR_CLOUD_PLAIN_SECRET_REFUSED');
    expect((await failure(device.factoryReset())).code).toBe('ERR_CLOUD_FACTORY_RESET_REFUSED');
    expect((await failure(device.registerWebex())).code).toBe('ERR_CLOUD_REGISTER_REFUSED');
    expect((await failure(device.setPreferredDomain())).code).toBe('ERR_CLOUD_CONFIGURATION_UNAVAILABLE');
    expect(server.requests.length).toBe(before);
    expect(server.posted()).toEqual([]);
    expect('lineFits' in device || 'wrappedBodyProbe' in device).toBe(false);
  });

  it('a device that is not connected is refused at open, before any command', async () => {
    const { client, server } = await rig(deviceHandler(() => ok({ result: {} }), [], 'disconnected'));
    const e = await failure(CloudDevice.open(client, 'FOC1'));
    expect(e.code).toBe('ERR_CLOUD_DEVICE_UNREACHABLE');
    expect(e.message).toBe(
      'The device FOC1 is disconnected in the Webex cloud, so it cannot take a command now. Bring it online (Control Hub shows its status), then run the command again; nothing was sent.',
    );
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/devices']);
  });

  it('an unknown serial or id is ERR_CLOUD_NOT_FOUND', async () => {
    const { client } = await rig(deviceHandler(() => ok({ result: {} })));
    const e = await failure(CloudDevice.open(client, 'FOC9'));
    expect(e.code).toBe('ERR_CLOUD_NOT_FOUND');
    expect(e.details).toEqual({ ref: 'FOC9' });
  });
});
