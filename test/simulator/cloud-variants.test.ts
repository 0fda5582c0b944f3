import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../helpers/closing.js';
import { api, deviceIdOf, errorOf, world } from './cloud-helpers.js';
import { b64u } from './fixtures.js';
import { createCloudSimulator } from '../../src/simulator/cloud/index.js';
import { createSimulator } from '../../src/simulator/index.js';

const SHOW = '/xapi/command/Security.Certificates.Services.Show';

const closing = closeAfterEach();

describe('an offline device', () => {
  it('disconnected: listed so, its commands and statuses answer 504 and never reach it', async () => {
    const w = closing(await world(1, {}, () => ({ connectionStatus: 'disconnected' })));
    const { cloud, sims } = w;
    const sim = sims[0]!;
    const deviceId = deviceIdOf(sim);
    expect((await api(cloud, 'GET', `/devices/${deviceId}`)).json.connectionStatus).toBe('disconnected');
    const before = sim.stats.commands;
    const populate = await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
      deviceId,
      arguments: { Secret: b64u('a-secret-value') },
    });
    expect(populate).toMatchObject({
      status: 504,
      json: errorOf('The device is disconnected: an upstream server failed to respond on time.'),
    });
    expect((await api(cloud, 'GET', `/xapi/status?deviceId=${deviceId}&name=Webex.Status`)).status).toBe(504);
    expect(sim.stats.commands).toBe(before);
    expect(sim.state.clientSecretSet).toBe(false);
    expect(sim.events.filter((e) => e.type === 'session-open')).toEqual([]);
  });

  it('offline_expired with the 502 variant answers 502; back online, it answers again', async () => {
    const w = closing(
      await world(1, { offlineStatus: 502 }, () => ({ connectionStatus: 'offline_expired' })),
    );
    const { cloud, sims } = w;
    const deviceId = deviceIdOf(sims[0]!);
    expect(await api(cloud, 'POST', SHOW, { deviceId })).toMatchObject({
      status: 502,
      json: errorOf('The device is offline_expired: an upstream server failed to respond on time.'),
    });
    cloud.setDevice('FOC0000X001', { connectionStatus: 'connected' });
    expect((await api(cloud, 'POST', SHOW, { deviceId })).status).toBe(200);
  });

  it('a device that goes down is disconnected; a device that drops the line mid-command answers 504', async () => {
    const w = closing(await world(1, {}, () => ({ sim: { rebootDelayMs: 600_000 } })));
    const { cloud, sims } = w;
    const sim = sims[0]!;
    const deviceId = deviceIdOf(sim);
    expect((await api(cloud, 'POST', SHOW, { deviceId })).status).toBe(200);
    sim.setFaults({ dropOnCommand: 'Services Show' });
    expect(await api(cloud, 'POST', SHOW, { deviceId })).toMatchObject({
      status: 504,
      json: errorOf('An upstream server failed to respond on time. The device did not answer.'),
    });
    // The cloud opens a new session for the next call.
    expect((await api(cloud, 'POST', SHOW, { deviceId })).status).toBe(200);
    await api(cloud, 'POST', '/xapi/command/SystemUnit.Boot', { deviceId, arguments: { Action: 'Restart' } });
    // The restart follows the answer; the device stays down until powered on (a long reboot delay).
    while (sim.state.power === 'up') await new Promise((r) => setTimeout(r, 5));
    expect((await api(cloud, 'GET', `/devices/${deviceId}`)).json.connectionStatus).toBe('disconnected');
    expect(await api(cloud, 'POST', SHOW, { deviceId })).toMatchObject({
      status: 504,
      json: errorOf('The device is disconnected: an upstream server failed to respond on time.'),
    });
    sim.powerOn();
    expect((await api(cloud, 'GET', `/devices/${deviceId}`)).json.connectionStatus).toBe('connected');
    expect((await api(cloud, 'POST', SHOW, { deviceId })).status).toBe(200);
    expect(sim.state.bootCount).toBe(2);
  });
});

describe('429s', () => {
  it('every Nth call to a device with Retry-After, recording when', async () => {
    const w = closing(await world(2, { rateLimit: { every: 2, retryAfterSeconds: 3 } }));
    const { cloud, sims } = w;
    const [a, b] = [deviceIdOf(sims[0]!), deviceIdOf(sims[1]!)];
    expect((await api(cloud, 'POST', SHOW, { deviceId: a })).status).toBe(200);
    // Counted per device: b's first call is not limited.
    expect((await api(cloud, 'POST', SHOW, { deviceId: b })).status).toBe(200);
    const before = Date.now();
    const limited = await api(cloud, 'GET', `/xapi/status?deviceId=${a}&name=Webex.Status`);
    expect(limited).toMatchObject({
      status: 429,
      json: errorOf('Too many requests have been sent in a given amount of time.'),
    });
    expect(limited.headers.get('retry-after')).toBe('3');
    const view = cloud.devices[0]!;
    expect(view.xapiCalls).toBe(2);
    expect(view.rateLimitedAt.length).toBe(1);
    expect(view.last429At).toBe(view.rateLimitedAt[0]);
    expect(view.last429At).toBeGreaterThanOrEqual(before);
    expect(cloud.devices[1]!.last429At).toBeUndefined();
    expect((await api(cloud, 'POST', SHOW, { deviceId: a })).status).toBe(200);
    expect((await api(cloud, 'POST', SHOW, { deviceId: a })).status).toBe(429);
    expect(cloud.devices[0]!.rateLimitedAt.length).toBe(2);
  });

  it('without the header, and a device of its own limit', async () => {
    const w = closing(
      await world(2, {}, (i) => (i === 0 ? { rateLimit: { every: 1, retryAfterSeconds: null } } : {})),
    );
    const { cloud, sims } = w;
    const limited = await api(cloud, 'POST', SHOW, { deviceId: deviceIdOf(sims[0]!) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect((await api(cloud, 'POST', SHOW, { deviceId: deviceIdOf(sims[1]!) })).status).toBe(200);
    cloud.setDevice('FOC0000X001', { rateLimit: null });
    expect((await api(cloud, 'POST', SHOW, { deviceId: deviceIdOf(sims[0]!) })).status).toBe(200);
  });
});

describe('an expired token, missing scopes', () => {
  it('401 after N calls', async () => {
    const w = closing(await world(1, { tokenExpiresAfter: 2 }));
    const { cloud } = w;
    expect((await api(cloud, 'GET', '/devices')).status).toBe(200);
    expect((await api(cloud, 'GET', '/people/me')).status).toBe(200);
    expect(await api(cloud, 'GET', '/devices')).toMatchObject({
      status: 401,
      json: errorOf('The access token has expired.'),
    });
  });

  it('401 from the start', async () => {
    const w = closing(await world(1, { tokenExpiresAfter: 0 }));
    expect(await api(w.cloud, 'GET', '/people/me')).toMatchObject({
      status: 401,
      json: errorOf('The access token has expired.'),
    });
  });

  it('403 for a call that needs a scope the token lacks', async () => {
    const w = closing(await world(1, { scopes: ['spark-admin:devices_read', 'spark:xapi_statuses'] }));
    const { cloud, sims } = w;
    expect(await api(cloud, 'POST', SHOW, { deviceId: deviceIdOf(sims[0]!) })).toMatchObject({
      status: 403,
      json: errorOf('The access token lacks the scope spark:xapi_commands.'),
    });
    expect((await api(cloud, 'GET', '/devices')).status).toBe(200);
  });
});

describe('the schema', () => {
  const query = (id: string): string =>
    `/xapi/schema?deviceId=${id}&command=Security.ClientSecret.Populate&command=security.certificates.services.add&command=No.Such.Command`;

  it('lists the published arguments and body of the commands the device offers', async () => {
    const w = closing(
      await world(2, {}, (i) => (i === 1 ? { sim: { model: 'Cisco TelePresence MX300 G2' } } : {})),
    );
    const { cloud, sims } = w;
    const id = deviceIdOf(sims[0]!);
    const add = {
      arguments: {
        PrivateKeyPassword: { required: false, schema: { type: 'string', minLength: 0, maxLength: 128 } },
      },
      bodySchema: { type: 'string' },
    };
    expect((await api(cloud, 'GET', query(id))).json).toEqual({
      deviceId: id,
      commands: {
        'Security.ClientSecret.Populate': {
          arguments: {
            Secret: { required: true, schema: { type: 'string', minLength: 0, maxLength: 1024 } },
          },
        },
        'Security.Certificates.Services.Add': add,
      },
    });
    // A model that cannot hold an external identity has no ClientSecret Populate.
    const mx = deviceIdOf(sims[1]!);
    expect((await api(cloud, 'GET', query(mx))).json).toEqual({
      deviceId: mx,
      commands: { 'Security.Certificates.Services.Add': add },
    });
  });

  it('the variant whose schema lacks the Security commands: absent, and refused without reaching the device', async () => {
    const w = closing(await world(1, {}, () => ({ securityCommands: false })));
    const { cloud, sims } = w;
    const id = deviceIdOf(sims[0]!);
    expect((await api(cloud, 'GET', query(id))).json).toEqual({ deviceId: id, commands: {} });
    const before = sims[0]!.stats.commands;
    expect(
      await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
        deviceId: id,
        arguments: { Secret: b64u('a-secret-value') },
      }),
    ).toMatchObject({ status: 400, json: errorOf('Unknown command') });
    expect(sims[0]!.stats.commands).toBe(before);
    expect(sims[0]!.state.clientSecretSet).toBe(false);
  });
});

describe('refusals and result values', () => {
  const refused = { arguments: { Secret: 'not base64url!' } };

  it('http (default): 400 with the device Reason as the message', async () => {
    const w = closing(await world(1));
    const { cloud, sims } = w;
    const r = await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
      deviceId: deviceIdOf(sims[0]!),
      ...refused,
    });
    expect(r).toMatchObject({
      status: 400,
      json: errorOf('Invalid secret: expected a base64url encoded value.'),
    });
  });

  it('result: 200 with status Error and the Reason; a ParameterError likewise', async () => {
    const w = closing(await world(1, { refusal: 'result' }));
    const { cloud, sims } = w;
    const deviceId = deviceIdOf(sims[0]!);
    expect(
      (await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', { deviceId, ...refused }))
        .json,
    ).toEqual({
      deviceId,
      arguments: refused.arguments,
      result: { status: 'Error', Reason: 'Invalid secret: expected a base64url encoded value.' },
    });
    expect(
      (await api(cloud, 'POST', SHOW, { deviceId, arguments: { Filter: 'Nothing' } })).json.result,
    ).toEqual({ status: 'ParameterError' });
  });

  it('device result values: the JSON as the device prints it', async () => {
    const w = closing(await world(1, { resultValues: 'device' }));
    const { cloud, sims } = w;
    const r = await api(cloud, 'POST', SHOW, { deviceId: deviceIdOf(sims[0]!) });
    expect(r.json.result).toMatchObject({
      Details: [{ id: '1', Fingerprint: { Value: sims[0]!.state.preinstalledCertificate } }],
      Format: { Value: 'Text' },
    });
  });

  it('missingStatus empty: a name that matches nothing is left out', async () => {
    const w = closing(await world(1, { missingStatus: 'empty' }));
    const { cloud, sims } = w;
    const id = deviceIdOf(sims[0]!);
    const r = await api(
      cloud,
      'GET',
      `/xapi/status?deviceId=${id}&name=SystemUnit.Nothing&name=Webex.Status`,
    );
    expect(r.json).toEqual({ deviceId: id, result: { Webex: { Status: 'Registered' } } });
  });
});

describe('latencyMs (a bench knob)', () => {
  it('delays every answer by at least the latency; the answer itself is unchanged', async () => {
    const w = closing(await world(1, { latencyMs: 150 }));
    const id = deviceIdOf(w.sims[0]!);
    for (const path of [
      '/devices',
      `/xapi/status?deviceId=${encodeURIComponent(id)}&name=SystemUnit.ProductId`,
    ]) {
      const t0 = performance.now();
      const a = await api(w.cloud, 'GET', path);
      // A lower bound only (a timer never fires early by more than its rounding): never an upper one.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(149);
      expect(a.status).toBe(200);
    }
    expect(w.cloud.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/v1/devices', 200],
      ['GET', '/v1/xapi/status', 200],
    ]);
  });

  it('refuses a negative or non-finite latency', async () => {
    const sim = await createSimulator({ serialNumber: 'FOC0000L001' });
    try {
      for (const latencyMs of [-1, Number.NaN, Number.POSITIVE_INFINITY])
        await expect(
          createCloudSimulator({ devices: [{ simulator: sim }], token: 'T0k', variants: { latencyMs } }),
        ).rejects.toMatchObject({
          code: 'ERR_SIM_OPTIONS',
          message: 'latencyMs must be a number of milliseconds, 0 or more.',
        });
    } finally {
      await sim.close();
    }
  });
});
