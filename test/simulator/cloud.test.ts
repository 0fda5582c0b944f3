import { beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { closeAfterEach } from '../helpers/closing.js';
import { systemHas } from '../helpers/system.js';
import { TOKEN, api, deviceIdOf, errorOf, world } from './cloud-helpers.js';
import { type CertFixtures, SECRET, b64u, makeCerts } from './fixtures.js';

const closing = closeAfterEach();

describe('the Devices API', () => {
  it('lists devices in pages of max, with a Link to the next page until the last', async () => {
    const w = closing(await world(5, {}, (i) => ({ tags: i % 2 === 0 ? ['lab', 'even'] : ['lab'] })));
    const { cloud, sims } = w;
    const first = await api(cloud, 'GET', '/devices?max=2');
    expect(first.status).toBe(200);
    expect((first.json.items as { serial: string }[]).map((d) => d.serial)).toEqual([
      'FOC0000X001',
      'FOC0000X002',
    ]);
    expect(first.headers.get('link')).toBe(`<${cloud.url}/devices?max=2&start=2>; rel="next"`);
    const second = await api(cloud, 'GET', /^<(.+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '');
    expect((second.json.items as { serial: string }[]).map((d) => d.serial)).toEqual([
      'FOC0000X003',
      'FOC0000X004',
    ]);
    expect(second.headers.get('link')).toBe(`<${cloud.url}/devices?max=2&start=4>; rel="next"`);
    const last = await api(cloud, 'GET', '/devices?max=2&start=4');
    expect((last.json.items as { serial: string }[]).map((d) => d.serial)).toEqual(['FOC0000X005']);
    expect(last.headers.get('link')).toBeNull();
    // Without max: one page of up to 100, no Link.
    const all = await api(cloud, 'GET', '/devices');
    expect((all.json.items as unknown[]).length).toBe(5);
    expect(all.headers.get('link')).toBeNull();
    expect((all.json.items as unknown[])[0]).toEqual({
      id: deviceIdOf(sims[0]!),
      displayName: 'Cisco Room Kit FOC0000X001',
      workspaceId: expect.stringMatching(/^[A-Za-z0-9_-]+$/) as unknown,
      product: 'Cisco Room Kit',
      type: 'roomdesk',
      tags: ['lab', 'even'],
      serial: 'FOC0000X001',
      software: 'RoomOS 11.23.1.8 3963b07b5c5',
      connectionStatus: 'connected',
      capabilities: ['xapi'],
      permissions: ['xapi:readonly', 'xapi:all'],
    });
  });

  it('filters by serial, by every tag given (repeated or comma-separated) and by connection status', async () => {
    const w = closing(await world(4, {}, (i) => ({ tags: i < 2 ? ['lab', 'floor-2'] : ['lab'] })));
    const { cloud } = w;
    const serials = async (q: string): Promise<string[]> =>
      ((await api(cloud, 'GET', `/devices?${q}`)).json.items as { serial: string }[]).map((d) => d.serial);
    expect(await serials('serial=FOC0000X003')).toEqual(['FOC0000X003']);
    expect(await serials('tag=lab&tag=floor-2')).toEqual(['FOC0000X001', 'FOC0000X002']);
    expect(await serials('tag=lab,floor-2')).toEqual(['FOC0000X001', 'FOC0000X002']);
    expect(await serials('tag=floor-3')).toEqual([]);
    cloud.setDevice('FOC0000X004', { connectionStatus: 'offline_expired' });
    expect(await serials('connectionStatus=offline_expired')).toEqual(['FOC0000X004']);
    expect(await serials('connectionStatus=connected')).toEqual([
      'FOC0000X001',
      'FOC0000X002',
      'FOC0000X003',
    ]);
    const bad = await api(cloud, 'GET', '/devices?max=0');
    expect(bad).toMatchObject({ status: 400, json: errorOf('max must be a whole number of at least 1.') });
  });

  it('answers one device by id, 404 for an unknown id; whoami; an activation code of 16 digits', async () => {
    const w = closing(await world(1));
    const { cloud, sims } = w;
    const id = deviceIdOf(sims[0]!);
    expect((await api(cloud, 'GET', `/devices/${id}`)).json.serial).toBe('FOC0000X001');
    const unknown = await api(cloud, 'GET', '/devices/Y2lzY29zcGFyazovL3VzL0RFVklDRS9ub25l');
    expect(unknown).toMatchObject({
      status: 404,
      json: errorOf('The requested resource could not be found.'),
    });
    expect((await api(cloud, 'GET', '/people/me')).json).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]+$/) as unknown,
      displayName: 'Simulated Administrator',
      emails: ['admin@example.com'],
      orgId: expect.stringMatching(/^[A-Za-z0-9_-]+$/) as unknown,
    });
    const code = await api(cloud, 'POST', '/devices/activationCode', {
      workspaceId: cloud.devices[0]!.workspaceId,
    });
    expect(code.status).toBe(200);
    expect(code.json.code).toMatch(/^\d{16}$/);
    expect(Date.parse(String(code.json.expiryTime)) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect((await api(cloud, 'POST', '/devices/activationCode', {})).json).toEqual(
      errorOf('workspaceId is required.'),
    );
  });
});

describe('xAPI status', () => {
  it('reads names with wildcards and indexes, nested by path, with plain values', async () => {
    const w = closing(await world(1, {}, () => ({ sim: { software: 'RoomOS 11.19.1.7 3055d561c16' } })));
    const { cloud, sims } = w;
    const id = deviceIdOf(sims[0]!);
    const r = await api(
      cloud,
      'GET',
      `/xapi/status?deviceId=${id}&name=SystemUnit.Software.*&name=Webex.Status&name=Conference.EndToEndEncryption.InternalIdentity.CertificateChain.Certificate[1].Subject[2].Name`,
    );
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      deviceId: id,
      result: {
        SystemUnit: {
          Software: {
            DisplayName: 'RoomOS 11.19.1.7 3055d561c16',
            Name: 's53200',
            OptionKeys: { Encryption: 'True' },
            ReleaseDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) as unknown,
            Version: 'ce11.19.1.7.3055d561c16',
          },
        },
        Webex: { Status: 'Registered' },
        Conference: {
          EndToEndEncryption: {
            InternalIdentity: {
              CertificateChain: { Certificate: [{ id: 1, Subject: [{ id: 2, Name: 'example.com' }] }] },
            },
          },
        },
      },
    });
    // `*` in the middle matches any node at any depth; Uptime is an Integer, so a number.
    const mid = await api(
      cloud,
      'GET',
      `/xapi/status?deviceId=${id}&name=SystemUnit.*.Version&name=SystemUnit.Uptime`,
    );
    expect(mid.json.result).toEqual({
      SystemUnit: { Software: { Version: 'ce11.19.1.7.3055d561c16' }, Uptime: expect.any(Number) as unknown },
    });
    // Comma-joined names (as wxc_sdk sends them), any case.
    const joined = await api(
      cloud,
      'GET',
      `/xapi/status?deviceId=${id}&name=systemunit.productid,SystemUnit.Hardware.Module.SerialNumber`,
    );
    expect(joined.json.result).toEqual({
      SystemUnit: { ProductId: 'Cisco Room Kit', Hardware: { Module: { SerialNumber: 'FOC0000X001' } } },
    });
  });

  it('refuses more than 10 names (400), a bad name (400), a name that matches nothing (400, default)', async () => {
    const w = closing(await world(1));
    const { cloud, sims } = w;
    const id = deviceIdOf(sims[0]!);
    const eleven = Array.from({ length: 11 }, () => 'name=SystemUnit.ProductId').join('&');
    expect(await api(cloud, 'GET', `/xapi/status?deviceId=${id}&${eleven}`)).toMatchObject({
      status: 400,
      json: errorOf('At most 10 status names may be given.'),
    });
    const ten = Array.from({ length: 10 }, () => 'name=SystemUnit.ProductId').join('&');
    expect((await api(cloud, 'GET', `/xapi/status?deviceId=${id}&${ten}`)).status).toBe(200);
    expect(await api(cloud, 'GET', `/xapi/status?deviceId=${id}&name=SystemUnit..ProductId`)).toMatchObject({
      status: 400,
      json: errorOf('"SystemUnit..ProductId" is not a status name.'),
    });
    expect(await api(cloud, 'GET', `/xapi/status?deviceId=${id}&name=SystemUnit.Nothing`)).toMatchObject({
      status: 400,
      json: errorOf('No match on address expression. (SystemUnit.Nothing)'),
    });
    expect(await api(cloud, 'GET', `/xapi/status?deviceId=${id}`)).toMatchObject({
      status: 400,
      json: errorOf('At least one name is required.'),
    });
  });
});

describe('xAPI commands', () => {
  let certs: CertFixtures;
  beforeAll(() => {
    if (systemHas('openssl')) certs = makeCerts();
  });

  it.runIf(systemHas('openssl'))(
    'a round trip changes the device: populate, add a blob sealed under its secret (in body), activate it',
    async () => {
      const w = closing(await world(1));
      const { cloud, sims } = w;
      const sim = sims[0]!;
      const deviceId = deviceIdOf(sim);
      const populate = await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
        deviceId,
        arguments: { Secret: b64u(SECRET) },
      });
      expect(populate).toMatchObject({
        status: 200,
        json: { deviceId, arguments: { Secret: b64u(SECRET) }, result: {} },
      });
      expect(sim.clientSecretIs(SECRET)).toBe(true);
      const blob = await seal('add', certs.leaf.cert + certs.leaf.key, SECRET);
      const add = await api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Add', {
        deviceId,
        arguments: { IsEncrypted: true },
        body: blob,
      });
      expect(add.status).toBe(200);
      expect(add.json).toEqual({ deviceId, arguments: { IsEncrypted: true }, result: {} });
      expect(sim.state.certificates.map((c) => [c.kind, c.fingerprint, c.encrypted])).toEqual([
        ['preinstalled', sim.state.preinstalledCertificate, false],
        ['service', certs.leaf.sha1, true],
      ]);
      const activate = await api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Activate', {
        deviceId,
        arguments: { Purpose: 'WebexIdentity', Fingerprint: await seal('activate', certs.leaf.sha1, SECRET) },
      });
      expect(activate.status).toBe(200);
      expect(sim.state.webexIdentity).toBe(certs.leaf.sha1);
      const identity = await api(
        cloud,
        'GET',
        `/xapi/status?deviceId=${deviceId}&name=Conference.EndToEndEncryption.ExternalIdentity.Identity&name=Conference.EndToEndEncryption.ExternalIdentity.CertificateChain.Certificate[1].Fingerprint`,
      );
      expect(identity.json.result).toEqual({
        Conference: {
          EndToEndEncryption: {
            ExternalIdentity: {
              Identity: 'roomkit.example.com',
              CertificateChain: { Certificate: [{ id: 1, Fingerprint: certs.leaf.sha1 }] },
            },
          },
        },
      });
      // A result with values: Show lists both, plain values, ids as numbers.
      const show = await api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Show', {
        deviceId,
        arguments: { Filter: 'WebexIdentity' },
      });
      expect(show.json.result).toMatchObject({
        Details: [{ id: 1, Fingerprint: certs.leaf.sha1, SubjectName: '/CN=roomkit.example.com/O=Example' }],
        Format: 'Text',
      });
      // The device ran each through its own console session, of the cloud kind, in order.
      const commands = sim.events.filter((e) => e.type === 'command' && e.verb === 'xCommand');
      expect(commands.map((e) => (e.type === 'command' ? [e.path, e.status] : []))).toEqual([
        ['Security ClientSecret Populate', 'OK'],
        ['Security Certificates Services Add', 'OK'],
        ['Security Certificates Services Activate', 'OK'],
        ['Security Certificates Services Show', 'OK'],
      ]);
      expect(sim.events.filter((e) => e.type === 'session-open')).toEqual([
        expect.objectContaining({ kind: 'cloud', transport: 'stream' }),
      ]);
    },
  );

  it.runIf(systemHas('openssl'))(
    'a multiline body keeps its line breaks (a PEM opens, a wrapped JWE does not)',
    async () => {
      const w = closing(await world(2, {}, (i) => ({ sim: i === 1 ? { bodyLineBreaks: 'joined' } : {} })));
      const { cloud, sims } = w;
      const [kept, joined] = [sims[0]!, sims[1]!];
      // A plain PEM body is many lines: the device reads it only if each line arrives as sent.
      const pem = await api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Add', {
        deviceId: deviceIdOf(kept),
        arguments: {},
        body: certs.rsa.cert + certs.rsa.key,
      });
      expect(pem.status).toBe(200);
      expect(kept.state.certificates.map((c) => c.fingerprint)).toContain(certs.rsa.sha1);
      // A JWE wrapped over lines reaches the device wrapped: refused, as on its console.
      for (const sim of [kept, joined]) {
        await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
          deviceId: deviceIdOf(sim),
          arguments: { Secret: b64u(SECRET) },
        });
      }
      const blob = await seal('add', certs.leaf.cert + certs.leaf.key, SECRET);
      const wrapped = blob.match(/.{1,76}/g)?.join('\n') ?? blob;
      const add = (deviceId: string): Promise<Awaited<ReturnType<typeof api>>> =>
        api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Add', {
          deviceId,
          arguments: { IsEncrypted: true },
          body: wrapped,
        });
      expect(await add(deviceIdOf(kept))).toMatchObject({ status: 400, json: errorOf('Invalid JWE blob.') });
      expect(kept.state.certificates.map((c) => c.fingerprint)).not.toContain(certs.leaf.sha1);
      // A device that joins wrapped lines opens it: the breaks did arrive, one per line.
      expect((await add(deviceIdOf(joined))).status).toBe(200);
      expect(joined.state.certificates.map((c) => c.fingerprint)).toContain(certs.leaf.sha1);
    },
  );

  it('refuses a body for a command that takes none, and a body line that is a lone "."', async () => {
    const w = closing(await world(1));
    const { cloud, sims } = w;
    const deviceId = deviceIdOf(sims[0]!);
    const before = sims[0]!.stats.commands;
    expect(
      await api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Show', { deviceId, body: 'x' }),
    ).toMatchObject({ status: 400, json: errorOf('Security.Certificates.Services.Show takes no body.') });
    expect(
      await api(cloud, 'POST', '/xapi/command/Security.Certificates.Services.Add', {
        deviceId,
        body: 'a\n.\nb',
      }),
    ).toMatchObject({
      status: 400,
      json: errorOf('Line 2 of the body is a single ".", which would end the command early.'),
    });
    expect(sims[0]!.stats.commands).toBe(before);
  });
});

describe('the token', () => {
  it('a missing or wrong token is 401; the token is never in the requests log', async () => {
    const w = closing(await world(1));
    const { cloud, sims } = w;
    const message = 'The request requires a valid access token set in the Authorization request header.';
    expect(await api(cloud, 'GET', '/devices', undefined, null)).toMatchObject({
      status: 401,
      json: errorOf(message),
    });
    expect(await api(cloud, 'GET', '/devices', undefined, 'not-it')).toMatchObject({
      status: 401,
      json: errorOf(message),
    });
    const deviceId = deviceIdOf(sims[0]!);
    await api(
      cloud,
      'POST',
      '/xapi/command/SystemUnit.Boot',
      { deviceId, arguments: { Action: 'Restart' } },
      'not-it',
    );
    expect(sims[0]!.state.bootCount).toBe(1);
    await api(cloud, 'GET', `/xapi/status?deviceId=${deviceId}&name=Webex.Status`);
    await api(cloud, 'POST', '/xapi/command/Security.ClientSecret.Populate', {
      deviceId,
      arguments: { Secret: b64u(SECRET) },
    });
    expect(
      cloud.requests.map((r) => [r.method, r.path, r.status, r.deviceId ?? null, r.command ?? null]),
    ).toEqual([
      ['GET', '/v1/devices', 401, null, null],
      ['GET', '/v1/devices', 401, null, null],
      ['POST', '/v1/xapi/command/SystemUnit.Boot', 401, null, 'SystemUnit.Boot'],
      ['GET', '/v1/xapi/status', 200, deviceId, null],
      [
        'POST',
        '/v1/xapi/command/Security.ClientSecret.Populate',
        200,
        deviceId,
        'Security.ClientSecret.Populate',
      ],
    ]);
    const logged = JSON.stringify(cloud.requests);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(b64u(SECRET));
    expect(JSON.stringify(sims[0]!.events)).not.toContain(TOKEN);
  });
});
