/** `e2ee-prov device info|certs` and `e2ee-prov console`, run as a user runs them (the built CLI). */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { connect } from '../../src/main/device/index.js';
import { createSimulator } from '../../src/simulator/index.js';
import { runCli, succeeded } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { makeDeviceCert } from '../main/device/fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-device-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (): Record<string, string> => ({ E2EE_PROV_KNOWN_HOSTS: join(dir, 'known-hosts.json') });

describe('e2ee-prov device info', () => {
  it('prints identity and E2EE status of a fresh device', async () => {
    const r = await runCli(['device', 'info', '--target', `sim:?state=${join(dir, 'info.json')}`], '', env());
    expect(succeeded(r)).toBe(
      [
        'Product:        Cisco Room Kit',
        'Software:       RoomOS 11.23.1.8 3963b07b5c5 (ce11.23.1.8.3963b07b5c5)',
        'Serial number:  FOC2345X0AB',
        'System name:    (not set)',
        'Webex status:   Stopped',
        'E2EE:           not reported (devices report it once registered to Webex)',
        '',
      ].join('\n'),
    );
  });

  it('--json gives the typed identity and status', async () => {
    const r = await runCli(
      ['device', 'info', '--json', '--target', 'sim:?model=Cisco%20Desk%20Pro&name=Desk%201'],
      '',
      env(),
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.toString()) as {
      identity: Record<string, unknown>;
      e2ee: Record<string, unknown>;
    };
    expect(out.identity).toMatchObject({
      productId: 'Cisco Desk Pro',
      systemName: 'Desk 1',
      serialNumber: 'FOC2345X0AB',
      webexStatus: 'Stopped',
    });
    expect(out.e2ee).toMatchObject({ present: false, availability: null });
  });

  it('errors: a bad target, a missing port, no --target', async () => {
    const bad = await runCli(['device', 'info', '--target', '/dev/ttyUSB0'], '', env());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^ERR_DEVICE_TARGET "\/dev\/ttyUSB0" is not a device target/);
    const missing = await runCli(['device', 'info', '--target', `serial:${join(dir, 'nothing')}`], '', env());
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^ERR_DEVICE_PORT_MISSING There is no serial port /);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const usage = await runCli(['device', 'info'], '', env());
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^ERR_USAGE --target is required/);
  });

  it('takes the login password from --password-file; a wrong or missing one is ERR_DEVICE_LOGIN_FAILED', async () => {
    const state = join(dir, 'locked.json');
    const sim = await createSimulator({ stateFile: state, adminPassword: 'open sesame' });
    await sim.close();
    const pw = join(dir, 'pw');
    writeFileSync(pw, 'open sesame\n');
    const ok = await runCli(
      ['device', 'info', '--target', `sim:?state=${state}`, '--password-file', pw],
      '',
      env(),
    );
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const none = await runCli(['device', 'info', '--target', `sim:?state=${state}`], '', env());
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^ERR_DEVICE_LOGIN_FAILED /);
    expect(none.stderr).not.toContain('open sesame');
  });

  it('over SSH, pins the host key in the known-hosts file', async () => {
    const sim = await createSimulator();
    try {
      const served = await sim.serveSsh();
      const r = await runCli(
        ['device', 'info', '--accept-new-host-key', '--target', `ssh://admin@127.0.0.1:${served.port}`],
        '',
        env(),
      );
      expect(r.stderr).toBe(
        `Pinned the new SSH host key of 127.0.0.1:${served.port}: ${served.hostKeyFingerprint} (ssh-ed25519).\n`,
      );
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toContain('Product:        Cisco Room Kit');
      const known = JSON.parse(readFileSync(join(dir, 'known-hosts.json'), 'utf8')) as {
        hosts: Record<string, { fingerprint: string }>;
      };
      expect(known.hosts[`127.0.0.1:${served.port}`]?.fingerprint).toBe(served.hostKeyFingerprint);
    } finally {
      await sim.close();
    }
  });
});

describe.runIf(systemHas('openssl'))('e2ee-prov device certs', () => {
  it('lists the certificates, as text and --json', async () => {
    const cert = makeDeviceCert('cli.example.com');
    const state = join(dir, 'certs.json');
    const sim = await createSimulator({ stateFile: state });
    const dev = await connect('sim:', { simulator: sim });
    await dev.populateSecretPlain('cli secret');
    await dev.addCertificate(await seal('add', cert.cert + cert.key, 'cli secret'));
    await dev.activate(await seal('activate', cert.sha1, 'cli secret'));
    await dev.close();
    await sim.close();

    // A device without certificates (the variant without the factory one).
    const empty = await runCli(
      ['device', 'certs', '--target', `sim:?state=${join(dir, 'empty.json')}&selfsigned=off`],
      '',
      env(),
    );
    expect(empty.stdout.toString()).toBe('No certificates.\n');
    // A factory-fresh device lists its own self-signed certificate, used for nothing.
    const fresh = await runCli(['device', 'certs', '--target', 'sim:'], '', env());
    const freshLines = fresh.stdout.toString().split('\n');
    expect(freshLines[1]).toBe('   Subject:   /CN=TemporaryDefaultCertificate');
    expect(freshLines[4]).toBe('   Used for:  (nothing)');
    expect(freshLines).toHaveLength(6);

    const r = await runCli(['device', 'certs', '--target', `sim:?state=${state}`], '', env());
    expect(r.stderr).toBe('');
    const blocks = r.stdout
      .toString()
      .split(/\n(?=\d+\. )/)
      .map((b) => b.trimEnd().split('\n'));
    const leaf = blocks.find((b) => b[0]!.endsWith(cert.sha1))!;
    expect(leaf[1]).toMatch(/^ {3}Subject: {3}.*cli\.example\.com/);
    // UsedFor holds the device's label; the filter says which certificate is the identity.
    expect(leaf[4]).toBe('   Used for:  Webex identity');
    expect(leaf[5]).toBe('   WebexIdentity: listed by Show Filter: WebexIdentity');
    expect(
      blocks.filter((b) => b.includes('   WebexIdentity: listed by Show Filter: WebexIdentity')),
    ).toHaveLength(1);

    const j = await runCli(['device', 'certs', '--json', '--target', `sim:?state=${state}`], '', env());
    const list = JSON.parse(j.stdout.toString()) as Array<{
      fingerprint: string;
      purposes: string[];
      webexIdentity: boolean;
      subjectName: string;
    }>;
    expect(list.filter((c) => c.webexIdentity).map((c) => [c.fingerprint, c.purposes])).toEqual([
      [cert.sha1, ['Webex identity']],
    ]);
    expect(list.map((c) => c.subjectName)).toContain('/CN=TemporaryDefaultCertificate');
  });
});

describe('e2ee-prov console', () => {
  it('passes lines through in the terminal grammar, redacts the plain secret in output and log', async () => {
    const log = join(dir, 'console.log');
    const input = [
      'xStatus SystemUnit ProductId',
      'xCommand Security ClientSecret Populate Secret: "MDEyMzQ1Njc4OWFiY2RlZg"',
      'frobnicate',
      'bye',
      '',
    ].join('\n');
    const r = await runCli(
      ['console', '--target', `sim:?state=${join(dir, 'console.json')}`, '--log', log],
      input,
      env(),
    );
    expect(succeeded(r)).toBe(
      [
        '> xStatus SystemUnit ProductId',
        '*s SystemUnit ProductId: "Cisco Room Kit"',
        '** end',
        '',
        'OK',
        '> xCommand Security ClientSecret Populate Secret: «redacted»',
        'OK',
        '*r ClientSecretPopulateResult (status=OK):',
        '** end',
        '> frobnicate',
        'Command not recognized.',
        '',
      ].join('\n'),
    );
    expect(existsSync(log)).toBe(true);
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('Populate Secret: «redacted»');
    expect(text).not.toContain('MDEyMzQ1Njc4OWFiY2RlZg');
  });

  it('sends a multi-line command with its body, shortening the blob in the output', async () => {
    const blob =
      'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';
    const input = ['xCommand Security Certificates Services Add IsEncrypted: True', blob, '.', ''].join('\n');
    const r = await runCli(['console', '--target', 'sim:'], input, env());
    expect(r.status).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain(
      '> xCommand Security Certificates Services Add IsEncrypted: True\neyJhbGciOiJk…(198 chars)\n.\n',
    );
    expect(out).not.toContain(blob);
    // No secret populated on a fresh device: the device says why.
    expect(out).toMatch(/\*r ServicesAddResult \(status=Error\):/);
  });
});

describe('e2ee-prov --help', () => {
  it('lists the device commands', async () => {
    const r = await runCli(['--help']);
    const text = r.stdout.toString();
    expect(text).toMatch(/^ {2}device info +Show what a device is/m);
    expect(text).toMatch(/^ {2}device certs +List a device's certificates/m);
    expect(text).toMatch(/^ {2}console +Open an interactive console/m);
  });
});
