/**
 * The Fleet screen's main side over the real cloud simulator: the sign-in kept in the real OS keychain
 * (never sent back), the devices by certificate expiry with their reading problems, renewals and
 * rotations of a selection with their progress events, activation codes, and the contract's refusals of
 * the new channels' inputs. Device secrets live in the in-memory store where the keychain is not the point.
 *
 * Run: npm run build && bash scripts/with-keyring.sh npx vitest run test/main/app/fleet.test.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppEventMessage, CHANNELS, type FleetEventMessage } from '../../../src/contract/index.js';
import { createServices } from '../../../src/main/services.js';
import { Journal, KeychainSecretStore, MemorySecretStore } from '../../../src/main/vault/index.js';
import { refusalCode } from '../../helpers/services.js';
import { systemHas } from '../../helpers/system.js';
import { CLOUD_TOKEN, type FleetWorld, fleetWorld, signedInAccount } from './fleet-world.js';

const DAY = 86_400_000;

describe.runIf(systemHas('keyring'))('the Fleet screen’s store', () => {
  let dir: string;
  let world: FleetWorld;
  let secrets: MemorySecretStore;
  let keychain: KeychainSecretStore;
  const events: AppEventMessage[] = [];
  const dialog: (string | null)[] = [];
  let services: ReturnType<typeof createServices>;
  const originals = new Map<string, string | null>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-fleet-app-'));
    secrets = new MemorySecretStore();
    keychain = new KeychainSecretStore({ service: `e2ee-prov-test-fleetapp-${randomUUID()}` });
    const env = { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KNOWN_HOSTS: join(dir, 'hosts.json') };
    world = await fleetWorld(
      [
        { serial: 'FOCFLT0001', name: 'Lobby', days: 200, tags: ['lobby'] },
        { serial: 'FOCFLT0002', name: 'Board room', days: 20, tags: ['lobby', 'floor2'] },
        { serial: 'FOCFLT0003', name: 'Huddle', days: null },
        { serial: 'FOCFLT0004', name: 'Basement', days: 5, connectionStatus: 'offline_expired' },
        { serial: 'FOCFLT0005', name: 'Studio', days: 60 },
      ],
      secrets,
      new Journal(env.E2EE_PROV_HOME),
    );
    for (const s of ['FOCFLT0001', 'FOCFLT0002', 'FOCFLT0005']) originals.set(s, await secrets.get(s));
    services = createServices({
      version: '0',
      platform: 'linux',
      dialog: { openFile: async () => dialog.shift() ?? null },
      emit: (m) => events.push(m),
      env,
      openSecretStore: async () => secrets,
      cloud: { login: async () => keychain },
    });
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    await keychain?.deleteOwn('cloud:token');
    await keychain?.deleteOwn('cloud:api-base');
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const h = () => services.handlers;

  it('refuses the cloud before a sign-in, with ERR_CLOUD_NOT_SIGNED_IN', async () => {
    expect(await h()['cloud.whoami']({})).toBeNull();
    expect(await refusalCode(h()['fleet.list']({ tags: [] }))).toBe('ERR_CLOUD_NOT_SIGNED_IN');
    expect(await refusalCode(h()['cloud.activationCode']({ workspaceId: 'ws-1' }))).toBe(
      'ERR_CLOUD_NOT_SIGNED_IN',
    );
  });

  it('refuses a wrong token and keeps nothing', async () => {
    expect(await refusalCode(h()['cloud.signIn']({ token: 'not-the-token', apiBase: world.cloud.url }))).toBe(
      'ERR_CLOUD_AUTH',
    );
    expect(await keychain.getOwn('cloud:token')).toBeNull();
    expect(
      await refusalCode(h()['cloud.signIn']({ token: CLOUD_TOKEN, apiBase: 'http://example.com/v1' })),
    ).toBe('ERR_CLOUD_API_BASE');
  });

  it('signs in with the token, keeps it in the keychain and never answers with it', async () => {
    const account = await h()['cloud.signIn']({ token: CLOUD_TOKEN, apiBase: world.cloud.url });
    expect(account).toEqual(signedInAccount(world.cloud.url, { kind: 'token' }));
    expect(Object.keys(account).sort()).toEqual([
      'apiBase',
      'clientId',
      'displayName',
      'emails',
      'expiresAt',
      'kind',
      'orgId',
    ]);
    expect(JSON.stringify(account)).not.toContain(CLOUD_TOKEN);
    expect(await keychain.getOwn('cloud:token')).toBe(CLOUD_TOKEN);
    expect(await keychain.getOwn('cloud:api-base')).toBe(world.cloud.url);
    expect(await h()['cloud.whoami']({})).toEqual(account);
  });

  it('lists every device by expiry, soonest first, unknown last, with why a status was not read', async () => {
    const rows = await h()['fleet.list']({ tags: [] });
    const now = Date.now();
    expect(rows.map((r) => r.serial)).toEqual([
      'FOCFLT0002',
      'FOCFLT0005',
      'FOCFLT0001',
      'FOCFLT0003',
      'FOCFLT0004',
    ]);
    const byId = new Map(rows.map((r) => [r.serial, r]));
    for (const [serial, days] of [
      ['FOCFLT0002', 20],
      ['FOCFLT0005', 60],
      ['FOCFLT0001', 200],
    ] as const) {
      const r = byId.get(serial)!;
      expect(r.identity).toBe(`${serial.toLowerCase()}.fleet.example`);
      expect(r.daysLeft).toBe(Math.floor((Date.parse(r.certificateExpiry!) - now) / DAY));
      expect(Math.abs(Date.parse(r.certificateExpiry!) - (now + days * DAY))).toBeLessThan(2 * DAY);
      expect(r.secretInKeychain).toBe(true);
      expect(r.readProblem).toBeNull();
      expect(r.connectionStatus).toBe('connected');
    }
    expect(byId.get('FOCFLT0003')).toMatchObject({
      identity: null,
      certificateExpiry: null,
      daysLeft: null,
      secretInKeychain: false,
      readProblem: null,
    });
    expect(byId.get('FOCFLT0004')).toMatchObject({
      connectionStatus: 'offline_expired',
      certificateExpiry: null,
      secretInKeychain: true,
      readProblem: { code: 'ERR_CLOUD_DEVICE_UNREACHABLE' },
    });
    expect(byId.get('FOCFLT0001')!.tags).toEqual(['lobby']);
  });

  it('filters by tags, all of which must match', async () => {
    expect((await h()['fleet.list']({ tags: ['lobby'] })).map((r) => r.serial)).toEqual([
      'FOCFLT0002',
      'FOCFLT0001',
    ]);
    expect((await h()['fleet.list']({ tags: ['lobby', 'floor2'] })).map((r) => r.serial)).toEqual([
      'FOCFLT0002',
    ]);
    await h()['fleet.list']({ tags: [] });
  });

  it('refuses a run of a device not in the last list, and a renewal without a certificate', async () => {
    expect(
      await refusalCode(
        h()['fleet.run']({ workflow: 'rotate', devices: [{ serial: 'FOCNOTLISTED', passphrase: null }] }),
      ),
    ).toBe('ERR_APP_FLEET_NOT_LISTED');
    expect(await refusalCode(h()['fleet.choose']({ serial: 'FOCNOTLISTED', role: 'certificate' }))).toBe(
      'ERR_APP_FLEET_NOT_LISTED',
    );
    expect(
      await refusalCode(
        h()['fleet.run']({ workflow: 'renew', devices: [{ serial: 'FOCFLT0002', passphrase: null }] }),
      ),
    ).toBe('ERR_APP_FLEET_NO_CERTIFICATE');
    expect(events).toEqual([]);
  });

  it('rotates the selected devices’ secrets: progress per device, the new secrets in the store only', async () => {
    events.length = 0;
    const summary = await h()['fleet.run']({
      workflow: 'rotate',
      devices: [
        { serial: 'FOCFLT0002', passphrase: null },
        { serial: 'FOCFLT0003', passphrase: null },
      ],
    });
    expect(summary.rows).toEqual([
      {
        serial: 'FOCFLT0002',
        workflow: 'rotate',
        outcome: 'done',
        code: null,
        message: null,
        fingerprint: null,
      },
      {
        serial: 'FOCFLT0003',
        workflow: 'rotate',
        outcome: 'failed',
        code: 'ERR_CLOUD_NO_SECRET',
        message: expect.any(String) as unknown,
        fingerprint: null,
      },
    ]);
    const rotated = await secrets.get('FOCFLT0002');
    expect(rotated).not.toBeNull();
    expect(rotated).not.toBe(originals.get('FOCFLT0002'));
    const fleet = events.filter((e): e is FleetEventMessage => e.workflow === 'fleet');
    expect(fleet).toHaveLength(events.length);
    expect(new Set(fleet.map((e) => e.runId))).toEqual(new Set([summary.runId]));
    const kinds = fleet.map((e) => `${e.event.type} ${'serial' in e.event ? e.event.serial : ''}`);
    expect(kinds.filter((k) => !k.startsWith('step'))).toEqual(
      expect.arrayContaining([
        'started FOCFLT0002',
        'done FOCFLT0002',
        'started FOCFLT0003',
        'failed FOCFLT0003',
      ]),
    );
    expect(fleet.at(-1)!.event).toEqual({ type: 'finished', done: 1, failed: 1, skipped: 0 });
    const said = JSON.stringify([summary, events]);
    expect(said).not.toContain(rotated!);
    expect(said).not.toContain(CLOUD_TOKEN);
  }, 120_000);

  it('renews a device with the files chosen for it, and lists its new expiry', async () => {
    events.length = 0;
    const files = await world.issue(dir, 'focflt0005.fleet.example', 400);
    dialog.push(files.cert, files.key);
    expect(await h()['fleet.choose']({ serial: 'FOCFLT0005', role: 'certificate' })).toEqual({
      serial: 'FOCFLT0005',
      role: 'certificate',
      name: 'focflt0005.fleet.example.crt.pem',
    });
    expect(await h()['fleet.choose']({ serial: 'FOCFLT0005', role: 'key' })).toEqual({
      serial: 'FOCFLT0005',
      role: 'key',
      name: 'focflt0005.fleet.example.key.pem',
    });
    const summary = await h()['fleet.run']({
      workflow: 'renew',
      devices: [{ serial: 'FOCFLT0005', passphrase: null }],
    });
    expect(summary.rows).toEqual([
      {
        serial: 'FOCFLT0005',
        workflow: 'renew',
        outcome: 'done',
        code: null,
        message: null,
        fingerprint: files.sha1,
      },
    ]);
    expect(events.at(-1)).toEqual({
      workflow: 'fleet',
      runId: summary.runId,
      event: { type: 'finished', done: 1, failed: 0, skipped: 0 },
    });
    const rows = await h()['fleet.list']({ tags: [] });
    const renewed = rows.find((r) => r.serial === 'FOCFLT0005')!;
    expect(Math.abs(Date.parse(renewed.certificateExpiry!) - (Date.now() + 400 * DAY))).toBeLessThan(2 * DAY);
    expect(rows.map((r) => r.serial).slice(0, 3)).toEqual(['FOCFLT0002', 'FOCFLT0001', 'FOCFLT0005']);
    // The files were used: a second renewal needs them chosen again.
    expect(
      await refusalCode(
        h()['fleet.run']({ workflow: 'renew', devices: [{ serial: 'FOCFLT0005', passphrase: null }] }),
      ),
    ).toBe('ERR_APP_FLEET_NO_CERTIFICATE');
  }, 120_000);

  it('gets an activation code for a workspace', async () => {
    const workspaceId = world.cloud.devices[0]!.workspaceId;
    const code = await h()['cloud.activationCode']({ workspaceId });
    expect(code.code).toMatch(/^\d{16}$/);
    expect(Object.keys(code).sort()).toEqual(['code', 'expiryTime']);
  });

  it('signs out: the keychain forgets the token', async () => {
    expect(await h()['cloud.signOut']({})).toEqual({ signedOut: true });
    expect(await keychain.getOwn('cloud:token')).toBeNull();
    expect(await h()['cloud.whoami']({})).toBeNull();
    expect(await h()['cloud.signOut']({})).toEqual({ signedOut: false });
  });
});

describe('the new channels’ inputs', () => {
  const refused = (channel: keyof typeof CHANNELS, input: unknown): string => {
    try {
      CHANNELS[channel].parse(input);
      return 'accepted';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };

  it('accept what the window sends', () => {
    expect(CHANNELS['cloud.signIn'].parse({ token: 'abc', apiBase: null })).toEqual({
      token: 'abc',
      apiBase: null,
    });
    expect(CHANNELS['fleet.list'].parse({ tags: ['a', 'b'] })).toEqual({ tags: ['a', 'b'] });
    expect(
      CHANNELS['fleet.run'].parse({ workflow: 'renew', devices: [{ serial: 'FOC1', passphrase: 'pw' }] }),
    ).toEqual({ workflow: 'renew', devices: [{ serial: 'FOC1', passphrase: 'pw' }] });
    expect(CHANNELS['cloud.activationCode'].parse({ workspaceId: ' ws ' })).toEqual({ workspaceId: 'ws' });
  });

  it('refuse bad inputs with ERR_IPC_BAD_INPUT', () => {
    for (const [channel, input] of [
      ['cloud.signIn', { token: 5, apiBase: null }],
      ['cloud.signIn', { token: 'x'.repeat(8193), apiBase: null }],
      ['cloud.signIn', { token: 'abc', apiBase: null, extra: 1 }],
      ['cloud.signOut', { any: 1 }],
      ['cloud.whoami', null],
      ['cloud.activationCode', { workspaceId: '  ' }],
      ['fleet.list', { tags: 'lobby' }],
      ['fleet.list', { tags: [''] }],
      ['fleet.list', { tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }],
      ['fleet.choose', { serial: 'FOC1', role: 'bundle' }],
      ['fleet.run', { workflow: 'reset', devices: [{ serial: 'FOC1', passphrase: null }] }],
      ['fleet.run', { workflow: 'rotate', devices: [] }],
      ['fleet.run', { workflow: 'rotate', devices: [{ serial: 'FOC1', passphrase: 'pw' }] }],
      [
        'fleet.run',
        {
          workflow: 'rotate',
          devices: [
            { serial: 'FOC1', passphrase: null },
            { serial: 'FOC1', passphrase: null },
          ],
        },
      ],
      ['fleet.run', { workflow: 'renew', devices: [{ serial: 'FOC1' }] }],
      ['fleet.run', { workflow: 'renew', devices: [{ serial: 'FOC1', passphrase: null, secret: 'x' }] }],
    ] as const)
      expect(refused(channel, input), `${channel} ${JSON.stringify(input).slice(0, 80)}`).toBe(
        'ERR_IPC_BAD_INPUT',
      );
  });
});
