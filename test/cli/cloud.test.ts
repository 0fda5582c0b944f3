/**
 * `e2ee-prov cloud …` and `webex:` targets through the built CLI, against a scripted loopback Webex API
 * and the real keychain: the sign-in is checked and kept in the keychain and read back by `whoami`;
 * status works over the cloud; provision, and a device whose secret the keychain lacks, are refused with
 * nothing posted; the token appears in no output or file.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, HANG_MS, runCli } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';
import {
  type Reply,
  ScriptedServer,
  deviceRecord,
  errorReply,
  registeredRoomKit,
} from '../main/cloud/scripted-server.js';

const TOKEN = 'CnryCloudCliToken-Hq47Ws9Pz2Kd';
const ok = (body: unknown): Reply => ({ status: 200, body });
const outputs: string[] = [];
let dir: string;
let env: Record<string, string>;
let base: string;

const server = new ScriptedServer((r) => {
  if (r.authorization !== `Bearer ${TOKEN}`) return errorReply(401, 'Invalid access token', 'TR-AUTH');
  if (r.path === '/v1/people/me')
    return ok({ id: 'p1', displayName: 'Ada Admin', emails: ['ada@example.com'], orgId: 'org-1' });
  if (r.path === '/v1/devices') {
    const serial = r.query.find(([k]) => k === 'serial')?.[1];
    return ok({
      items: [deviceRecord('FOC1'), deviceRecord('FOC2', 'offline_expired')].filter(
        (d) => d.serial === serial,
      ),
    });
  }
  if (r.path === '/v1/devices/activationCode')
    return ok({ code: '5414011256173816', expiryTime: '2030-11-16T23:38:03.215Z' });
  if (r.path === '/v1/xapi/schema') {
    const key = r.query.find(([k]) => k === 'command')![1];
    return ok({ deviceId: 'dev-FOC1', commands: { [key]: { arguments: {} } } });
  }
  if (r.path === '/v1/xapi/status') {
    const names = r.query.filter(([k]) => k === 'name').map(([, v]) => v);
    return ok({
      deviceId: 'dev-FOC1',
      result: names.includes('SystemUnit.*')
        ? {
            SystemUnit: {
              ProductId: 'Cisco Room Kit',
              Software: { Version: 'ce11.19.1.2', DisplayName: 'RoomOS 11.19.1.2' },
              Hardware: { Module: { SerialNumber: 'FOC1' } },
            },
            Webex: { Status: 'Registered' },
          }
        : {},
    });
  }
  if (r.path === '/v1/xapi/command/Security.Certificates.Services.Show')
    return ok({
      deviceId: 'dev-FOC1',
      arguments: {},
      result: {
        Details: [
          {
            id: 1,
            Fingerprint: '0123456789abcdef0123456789abcdef01234567',
            SubjectName: 'CN=room1.example.com',
            IssuerName: 'CN=Example CA',
            notBefore: '2025-01-01',
            notAfter: '2026-01-01',
            UsedFor: 'WebexIdentity',
          },
        ],
      },
    });
  return errorReply(404, 'Not found', 'TR404');
});

async function cli(args: string[], input = ''): Promise<CliResult> {
  const r = await runCli(args, input, env, HANG_MS);
  outputs.push(r.stdout.toString('utf8'), r.stderr);
  return r;
}

async function filesUnder(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true, recursive: true }).catch(() => []);
  return Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'latin1')),
  );
}

describe.skipIf(!systemHas('keyring'))(
  'e2ee-prov cloud and webex: targets (built CLI, real keychain)',
  () => {
    const box = cliSandbox('e2ee-cli-cloud');
    const store = box.store;
    beforeAll(async () => {
      ({ dir, env } = box);
      base = await server.start();
    });
    afterAll(() => server.close());

    it('signs in from stdin, keeps the token in the keychain, and whoami reads it back', async () => {
      const before = await cli(['cloud', 'whoami']);
      expect(before.status).toBe(1);
      expect(before.stderr).toBe(
        'ERR_CLOUD_NOT_SIGNED_IN The tool is not signed in to the Webex cloud. Sign in first: e2ee-prov cloud login --token-file FILE.\n',
      );

      const wrong = await cli(['cloud', 'login', '--token-file', '-', '--api-base', base], 'not-the-token\n');
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toBe(
        'ERR_CLOUD_AUTH The Webex API did not accept the sign-in (HTTP 401: "Invalid access token", trackingId TR-AUTH): the token is wrong or expired. Sign in again: e2ee-prov cloud login --token-file FILE.\n',
      );
      expect(await store.getOwn('cloud:token')).toBeNull();

      const login = await cli(['cloud', 'login', '--token-file', '-', '--api-base', base], `${TOKEN}\n`);
      expect(login.stderr).toBe('');
      expect(login.status).toBe(0);
      expect(login.stdout.toString()).toBe(
        `Signed in to the Webex cloud as Ada Admin <ada@example.com>, organisation org-1, at ${base}. The token is kept in the OS keychain.\n`,
      );
      expect(await store.getOwn('cloud:token')).toBe(TOKEN);
      expect(await store.getOwn('cloud:api-base')).toBe(base);
      // The sign-in is no device: the keychain's device list does not show it.
      expect(await store.list()).toEqual([]);

      const who = await cli(['cloud', 'whoami', '--json']);
      expect(who.status).toBe(0);
      expect(JSON.parse(who.stdout.toString())).toEqual({
        id: 'p1',
        displayName: 'Ada Admin',
        emails: ['ada@example.com'],
        orgId: 'org-1',
        apiBase: base,
        kind: 'token',
        clientId: null,
        expiresAt: null,
      });
    });

    it('status --target webex:SERIAL reads the device through the cloud', async () => {
      const r = await cli(['status', '--target', 'webex:FOC1', '--json']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout.toString());
      expect(report.device).toEqual(registeredRoomKit('FOC1', null));
      expect(report.webexIdentity).toBe('0123456789abcdef0123456789abcdef01234567');
      expect(report.certificates.map((c: { subjectName: string }) => c.subjectName)).toEqual([
        'CN=room1.example.com',
      ]);
      // Read-only: nothing but Services Show was posted.
      expect(new Set(server.posted().map((p) => p.path))).toEqual(
        new Set(['/v1/xapi/command/Security.Certificates.Services.Show']),
      );
    });

    it.each([
      {
        title: 'an offline device is refused with its status; nothing is sent',
        args: ['device', 'info', '--target', 'webex:FOC2'],
        stderr:
          'ERR_CLOUD_DEVICE_UNREACHABLE The device FOC2 is offline_expired in the Webex cloud, so it cannot take a command now. Bring it online (Control Hub shows its status), then run the command again; nothing was sent.\n',
      },
      {
        title: 'a device whose secret the keychain lacks is told to be provisioned at its console first',
        args: ['secret', 'rotate', '--target', 'webex:FOC1'],
        stderr:
          'ERR_CLOUD_NO_SECRET The keychain holds no client secret for FOC1, so nothing can be sealed for it: provision it at its console first (e2ee-prov provision --target serial:… or ssh://…); the cloud then renews and rotates, or import its secret (e2ee-prov secret import).\n',
      },
    ])('$title', async ({ args, stderr }) => {
      const posted = server.posted().length;
      const r = await cli(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(stderr);
      expect(server.posted().length).toBe(posted);
    });

    it('provision over the cloud is refused before anything is read or sent', async () => {
      const seen = server.requests.length;
      const r = await cli(['provision', '--target', 'webex:FOC1', '--cert', join(dir, 'missing.pem')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'ERR_CLOUD_PROVISION_REFUSED webex:FOC1 is reached through the Webex cloud: provision it at its console first (serial: or ssh://). A first client secret travels in clear and a factory reset erases the registration, so neither is ever sent through the cloud; nothing was sent.\n',
      );
      expect(server.requests.length).toBe(seen);
    });

    it('a console-only command refuses a webex: target', async () => {
      const r = await cli(['console', '--target', 'webex:FOC1']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^ERR_DEVICE_TARGET webex:FOC1 is reached through the Webex cloud, which has no console/,
      );
    });

    it('makes an activation code for a workspace', async () => {
      const r = await cli(['cloud', 'activation-code', '--workspace', 'ws-1', '--json']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout.toString())).toEqual({
        workspaceId: 'ws-1',
        code: '5414011256173816',
        expiryTime: '2030-11-16T23:38:03.215Z',
      });
      expect(server.posted().at(-1)).toMatchObject({
        path: '/v1/devices/activationCode',
        body: { workspaceId: 'ws-1' },
      });
    });

    it('logout forgets the sign-in; the token is in no output and no file the tool wrote', async () => {
      const out = await cli(['cloud', 'logout']);
      expect(out.stdout.toString()).toBe(
        'Signed out of the Webex cloud: the sign-in is gone from the keychain.\n',
      );
      expect(await store.getOwn('cloud:token')).toBeNull();
      expect((await cli(['cloud', 'whoami'])).stderr).toMatch(/^ERR_CLOUD_NOT_SIGNED_IN /);
      const b = Buffer.from(TOKEN);
      const forms = [
        TOKEN,
        b.toString('hex'),
        b.toString('base64').replace(/=+$/, ''),
        b.toString('base64url'),
      ];
      const haystack = [...outputs, ...(await filesUnder(env.E2EE_PROV_HOME!))];
      expect(haystack.length).toBeGreaterThan(10);
      for (const f of forms) expect(haystack.filter((h) => h.includes(f))).toEqual([]);
    });
  },
);
