/** `e2ee-prov simulator --cloud`: its flags, the token file, what it prints, and `--provisioned`. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { planFromArgs, serveSimulator } from '../../src/cli/commands/simulator.js';
import { KeychainSecretStore } from '../../src/main/vault/secret-store.js';
import { systemHas } from '../helpers/system.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sim-cloud-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Serves in-process until `stop()`; resolves `lines` once the URL and every serial are printed. */
function serve(
  args: string[],
  env: Record<string, string> = {},
): { lines: Promise<string[]>; stderr: () => string; stop: () => Promise<void> } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  let release: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (release = r));
  const plan = planFromArgs(args);
  const want = 1 + (plan.cloud?.devices ?? 0);
  const done = serveSimulator(plan, { stdin: new PassThrough(), stdout, stderr, env }, stopped);
  const lines = new Promise<string[]>((ok, fail) => {
    // Ready once the URL and every serial are on stdout and the sentence is on stderr.
    const check = (): void => {
      const all = out.split('\n').filter((l) => l !== '');
      if (all.length >= want && err.includes('Ctrl-C stops it.')) ok(all);
    };
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    stderr.on('data', () => check());
    done.then(() => fail(new Error(`stopped early: ${err}`)), fail);
  });
  return {
    lines,
    stderr: () => err,
    stop: async () => {
      release();
      await done;
    },
  };
}

const get = async (
  url: string,
  token: string,
): Promise<{ status: number; json: Record<string, unknown> }> => {
  const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
};

describe('e2ee-prov simulator --cloud', () => {
  it('parses its flags and refuses what does not go with it', () => {
    expect(planFromArgs(['--cloud', '--port', '8443', '--devices', '3', '--token-file', 't'])).toEqual({
      options: {},
      cloud: { port: 8443, devices: 3, provisioned: false, tokenFile: 't' },
    });
    expect(planFromArgs(['--cloud', '--provisioned', '--model', 'Cisco Desk Pro'])).toEqual({
      options: { model: 'Cisco Desk Pro' },
      cloud: { port: 0, devices: 1, provisioned: true },
    });
    expect(() => planFromArgs(['--cloud', '--ssh', '22'])).toThrow(
      /either --link PATH or --ssh PORT, or --cloud/,
    );
    expect(() => planFromArgs(['--ssh', '22', '--devices', '2'])).toThrow(/go with --cloud/);
    expect(() => planFromArgs(['--cloud', '--serial', 'FOC1'])).toThrow(/leave out --serial and --state/);
    expect(() => planFromArgs(['--cloud', '--devices', '0'])).toThrow(/at least 1/);
    expect(() => planFromArgs(['--cloud', '--port', '70000'])).toThrow(/TCP port/);
  });

  it('reads the token from a file, prints the API base and distinct serials, never the token', async () => {
    const file = join(dir, 'given-token');
    writeFileSync(file, 'file-token-4Qx\n', { mode: 0o600 });
    const s = serve(['--cloud', '--devices', '3', '--token-file', file]);
    try {
      const [url, ...serials] = await s.lines;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(serials).toEqual(['FOC2600C001', 'FOC2600C002', 'FOC2600C003']);
      const devices = await get(`${url}/devices`, 'file-token-4Qx');
      expect(
        (devices.json.items as { serial: string; connectionStatus: string }[]).map((d) => [
          d.serial,
          d.connectionStatus,
        ]),
      ).toEqual([
        ['FOC2600C001', 'connected'],
        ['FOC2600C002', 'connected'],
        ['FOC2600C003', 'connected'],
      ]);
      expect((await get(`${url}/devices`, 'other')).status).toBe(401);
      expect(s.stderr()).toContain(`The bearer token is read from ${file}`);
      expect(s.stderr()).not.toContain('file-token-4Qx');
    } finally {
      await s.stop();
    }
  });

  it('without --token-file, generates a token into a new owner-only file and prints its path', async () => {
    const s = serve(['--cloud']);
    try {
      const [url, serial] = await s.lines;
      expect(serial).toBe('FOC2600C001');
      const path = /generated into (\S+) \(owner-only\)/.exec(s.stderr())?.[1] ?? '';
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const token = readFileSync(path, 'utf8').trim();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s.stderr()).not.toContain(token);
      expect((await get(`${url}/people/me`, token)).status).toBe(200);
      rmSync(join(path, '..'), { recursive: true, force: true });
    } finally {
      await s.stop();
    }
  });

  it.runIf(systemHas('keyring') && systemHas('openssl'))(
    '--provisioned: each device provisioned at its console, its secret in the keychain under its serial',
    async () => {
      const service = `e2ee-test-cloud-cli-${process.pid}`;
      const env = { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KEYCHAIN_SERVICE: service };
      const file = join(dir, 'prov-token');
      writeFileSync(file, 'prov-token-7Wz\n', { mode: 0o600 });
      const store = new KeychainSecretStore({ service });
      const s = serve(['--cloud', '--devices', '2', '--provisioned', '--token-file', file], env);
      try {
        const [url, ...serials] = await s.lines;
        expect(serials).toEqual(['FOC2600C001', 'FOC2600C002']);
        expect(s.stderr()).toContain('each client secret is in your OS keychain under its serial');
        const items = (await get(`${url}/devices`, 'prov-token-7Wz')).json.items as {
          id: string;
          serial: string;
        }[];
        for (const [i, d] of items.entries()) {
          const status = await get(
            `${url}/xapi/status?deviceId=${d.id}&name=Conference.EndToEndEncryption.ExternalIdentity.Identity`,
            'prov-token-7Wz',
          );
          expect(status.json.result).toEqual({
            Conference: {
              EndToEndEncryption: { ExternalIdentity: { Identity: `room-${i + 1}.cloud.example` } },
            },
          });
          // The keychain's secret is the device's: a populate blob sealed under it opens on the device.
          const secret = (await store.get(d.serial)) ?? '';
          expect(secret).not.toBe('');
          const r = await fetch(`${url}/xapi/command/Security.ClientSecret.Populate`, {
            method: 'POST',
            headers: { Authorization: 'Bearer prov-token-7Wz', 'Content-Type': 'application/json' },
            body: JSON.stringify({
              deviceId: d.id,
              arguments: { Secret: await seal('populate', secret, secret) },
            }),
          });
          expect(r.status).toBe(200);
        }
      } finally {
        await s.stop();
        for (const serial of ['FOC2600C001', 'FOC2600C002']) {
          await store.delete(serial).catch(() => false);
          await store.deletePending(serial).catch(() => false);
        }
      }
    },
  );
});
