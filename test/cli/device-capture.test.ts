/**
 * `e2ee-prov device capture`: the read-only probes a technician sends in from the first real device. The
 * capture holds no secret (password, client secret, in any encoding) and no identifying value, and the
 * device is exactly as it was.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { buildAddPayload, checkCredentials, readCredentials } from '../../src/core/pki/index.js';
import { CAPTURE_PROBES, type DeviceCapture, captureRedactor, connect } from '../../src/main/device/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { createSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-capture-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Canary-Login-7Qx!';
const SECRET = 'Canary-Client-Secret-93fK';
const SERIAL = 'FOCCAPTURE1';

/** Every encoding a secret could leak in. */
function forms(s: string): string[] {
  const b = Buffer.from(s, 'utf8');
  return [
    s,
    b.toString('hex'),
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('base64').replace(/=+$/, ''),
  ];
}

describe('e2ee-prov device capture', () => {
  it('writes the probes, redacted, holding no secret, and changes nothing on the device', async () => {
    const state = join(dir, 'device.json');
    const sim = await createSimulator({
      stateFile: state,
      adminPassword: PASSWORD,
      serialNumber: SERIAL,
      systemName: 'Boardroom 4',
      software: 'ce11.19.1.7 3055d561c16',
    });
    // A provisioned device: a secret, a certificate with its chain, active for WebexIdentity.
    const pki = await makeDemoPki('Capture');
    const c = await issueDeviceCert(pki, { cn: 'capture.example.com' });
    const credentials = readCredentials({ certPem: c.bundlePem });
    const device = await connect(`sim:`, { simulator: sim, password: PASSWORD });
    await device.populateSecretPlain(SECRET);
    await device.addCertificate(await seal('add', buildAddPayload(credentials).payload, SECRET));
    const fp = checkCredentials(credentials).report.fingerprints.sha1;
    await device.activate(await seal('activate', fp, SECRET));
    await device.close();
    await sim.close();
    const before = readFileSync(state, 'utf8');

    const pw = join(dir, 'pw');
    writeFileSync(pw, `${PASSWORD}\n`);
    const out = join(dir, 'capture.json');
    const r = await runCli(
      ['device', 'capture', '--target', `sim:?state=${state}`, '--out', out, '--password-file', pw],
      '',
      { E2EE_PROV_HOME: join(dir, 'home') },
    );
    expect(r.stderr).not.toMatch(/^ERR_/m);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain(
      `Wrote ${CAPTURE_PROBES.length} probes (${CAPTURE_PROBES.length} read-only) and the line-limit probe`,
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const text = readFileSync(out, 'utf8');
    for (const secret of [PASSWORD, SECRET]) for (const f of forms(secret)) expect(text).not.toContain(f);
    expect(text).not.toContain(SERIAL);
    expect(text).not.toContain('Boardroom 4');

    const capture = JSON.parse(text) as DeviceCapture;
    expect(capture.format).toBe('e2ee-prov-device-capture');
    expect(capture.link).toBe('sim');
    expect(capture.probes.map((p) => p.id)).toEqual(CAPTURE_PROBES.map((p) => p.id));
    expect(capture.probes.filter((p) => p.error !== undefined)).toEqual([]);
    const probe = (id: string) => capture.probes.find((p) => p.id === id)!;
    expect(probe('software').lines.join('\n')).toContain('ce11.19.1.7.3055d561c16');
    expect(probe('product').lines).toContain('*s SystemUnit Hardware Module SerialNumber: "SERIAL"');
    expect(probe('certificates-webexidentity').lines.join('\n')).toContain(fp);
    expect(probe('unknown-command').notRecognized).toBe(true);
    expect(probe('error-parameter').lines.join('\n')).toContain('ParameterError');
    expect(capture.lineLimit).toEqual({ probedUpTo: 8192, whole: 8192, cut: null });
    expect(capture.redactions.serial).toBeGreaterThan(0);
    expect(capture.redactions.systemName).toBeGreaterThan(0);

    // The names in certificate subjects are placeholders; structure, fingerprints and dates stay.
    expect(text).not.toContain('capture.example.com');
    const subjects = probe('certificates-text').lines.filter((l) => / (Subject|Issuer)Name: /.test(l));
    expect(subjects.filter((l) => / SubjectName: "\/CN=HOST-\d+"$/.test(l))).toHaveLength(1);
    expect(subjects.filter((l) => / IssuerName: "\/CN=NAME-\d+\/O=ORG-1"$/.test(l))).toHaveLength(2);
    expect(subjects).toContain(
      `*r ServicesShowResult Details 1 SubjectName: "/CN=TemporaryDefaultCertificate"`,
    );
    expect(text).not.toContain('Capture Trust');
    expect(probe('certificates-text').lines).toContain(
      `*r ServicesShowResult Details 2 Fingerprint: "${fp}"`,
    );
    expect(
      probe('certificates-text').lines.some((l) => /notAfter: "\w{3} \d{2} [\d:]{8} \d{4} GMT"/.test(l)),
    ).toBe(true);
    expect(capture.redactions.hostName).toBeGreaterThan(0);
    // The device's own schema for the paths the open questions turn on.
    const schema = (id: string) =>
      JSON.parse(probe(id).lines.slice(0, -2).join('\n')) as Record<string, unknown>;
    expect(schema('schema-populate')).toMatchObject({ command: 'True', multiline: 'False' });
    expect(schema('schema-services-add')).toMatchObject({ command: 'True', multiline: 'True' });
    expect(Object.keys(schema('schema-conference-call'))).toEqual(['SessionType']);
    expect(Object.keys(schema('schema-participant-added'))).toContain('Device');
    expect(capture.addRefusals).toBe(false);
    expect(capture.probes.some((p) => p.id.startsWith('add-refusal'))).toBe(false);

    // The device's flash (the simulator's state file) is byte for byte what it was.
    expect(readFileSync(state, 'utf8')).toBe(before);

    // --probe-add-refusals: three Adds that cannot change the device; their wording is recorded.
    const out2 = join(dir, 'capture-refusals.json');
    const refusals = await runCli(
      [
        'device',
        'capture',
        '--target',
        `sim:?state=${state}`,
        '--out',
        out2,
        '--password-file',
        pw,
        '--probe-add-refusals',
        '--accept-new-host-key',
      ],
      '',
      { E2EE_PROV_HOME: join(dir, 'home') },
    );
    expect(refusals.stderr).not.toMatch(/^ERR_/m);
    expect(refusals.status).toBe(0);
    const withAdds = JSON.parse(readFileSync(out2, 'utf8')) as DeviceCapture;
    expect(withAdds.addRefusals).toBe(true);
    const added = (id: string) => withAdds.probes.find((p) => p.id === id)!;
    expect(added('add-refusal-junk').lines).toContain('*r ServicesAddResult Reason: "Invalid JWE blob."');
    expect(added('add-refusal-junk-wrapped').lines).toContain(
      '*r ServicesAddResult Reason: "Invalid JWE blob."',
    );
    expect(added('add-refusal-junk-wrapped').body).toHaveLength(2);
    expect(added('add-refusal-wrong-secret').lines).toContain(
      '*r ServicesAddResult Reason: "Decryption failed: wrong secret or corrupt data."',
    );
    expect(readFileSync(state, 'utf8')).toBe(before);

    // A second capture never overwrites the first.
    const again = await runCli(
      ['device', 'capture', '--target', `sim:?state=${state}`, '--out', out, '--password-file', pw],
      '',
      { E2EE_PROV_HOME: join(dir, 'home') },
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^ERR_OUTPUT_WRITE .*exists already/);
    expect(readFileSync(out, 'utf8')).toBe(text);
  });

  it('keeps the release (RoomOS 11.23.1.8 3963b07b5c5) and escapes U+009B, DEL and U+202E from device strings', async () => {
    const sim = await createSimulator({
      software: 'RoomOS 11.23.1.8 3963b07b5c5',
      registered: true,
      orgDomain: 'org\u009b\u007f\u202e.example',
    });
    const device = await connect('sim:', { simulator: sim });
    const { captureDevice } = await import('../../src/main/device/index.js');
    const capture = await captureDevice(device, { toolVersion: 'test' });
    await device.close();
    await sim.close();
    const text = capture.probes.flatMap((p) => p.lines).join('\n');
    expect(capture.banner.release).toBe('RoomOS 11.23.1.8 3963b07b5c5');
    expect(capture.probes.find((p) => p.id === 'product')!.lines).toContain(
      '*s SystemUnit Software DisplayName: "RoomOS 11.23.1.8 3963b07b5c5"',
    );
    expect(text).toContain('ce11.23.1.8.3963b07b5c5');
    expect(text).not.toContain('192.0.2.1');
    expect(capture.redactions.ipv4).toBeUndefined();
    expect(text).toContain('org\\u009b\\u007f\\u202e.example');
    expect(text).not.toMatch(/[\u007f\u009b\u202e]/);
  });

  it('replaces addresses only where the device prints an address; names in subjects keep their structure', () => {
    const r = captureRedactor({ serial: 'FOC1', name: 'Lobby', deviceId: '' });
    expect(
      r.lines([
        '*c xConfiguration Network 1 IPv4 Address: "10.20.30.40"',
        '*c xConfiguration Network 1 IPv4 Gateway: "10.20.30.1"',
        '*s SystemUnit Software DisplayName: "RoomOS 11.23.1.8 3963b07b5c5"',
        '*r ServicesShowResult Details 1 SubjectName: "/C=US/O=Example Corp/CN=boardroom-7.example.com"',
        '*r ServicesShowResult Details 1 IssuerName: "/C=US/O=Let\'s Encrypt/CN=R3"',
        '*r ServicesShowResult Details 2 SubjectName: "/C=US/O=Let\'s Encrypt/CN=R3"',
        '*s Conference EndToEndEncryption ExternalIdentity Identity: "boardroom-7.example.com"',
        'Last login from 10.9.8.7 at 2025-03-12 11:27:11',
      ]),
    ).toEqual([
      '*c xConfiguration Network 1 IPv4 Address: "192.0.2.1"',
      '*c xConfiguration Network 1 IPv4 Gateway: "192.0.2.1"',
      '*s SystemUnit Software DisplayName: "RoomOS 11.23.1.8 3963b07b5c5"',
      '*r ServicesShowResult Details 1 SubjectName: "/C=US/O=ORG-1/CN=HOST-1"',
      '*r ServicesShowResult Details 1 IssuerName: "/C=US/O=ORG-2/CN=R3"',
      '*r ServicesShowResult Details 2 SubjectName: "/C=US/O=ORG-2/CN=R3"',
      '*s Conference EndToEndEncryption ExternalIdentity Identity: "HOST-1"',
      'Last login from HOST at 2025-03-12 11:27:11',
    ]);
    expect(r.counts).toMatchObject({ ipv4: 2, organisation: 3, hostName: 2, loginFrom: 1 });
  });

  it('measures a console that cuts lines at 4,095 bytes', async () => {
    const sim = await createSimulator({ faults: { truncateLineAt: 4095 } });
    const device = await connect('sim:', { simulator: sim });
    const { captureDevice } = await import('../../src/main/device/index.js');
    const capture = await captureDevice(device, { toolVersion: 'test' });
    expect(capture.lineLimit.cut).not.toBeNull();
    expect(capture.lineLimit.whole).toBeLessThanOrEqual(4095);
    expect(capture.lineLimit.whole).toBeGreaterThanOrEqual(4095 - 16);
    await device.close();
    await sim.close();
  });
});
