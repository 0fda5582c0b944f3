import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { type RoomOsSimulator, createSimulator } from '../../src/simulator/index.js';
import { systemHas } from '../helpers/system.js';
import { type RawClient, echoOffSession, xcommand } from './client.js';
import { type CertFixtures, SECRET, b64u, makeCerts } from './fixtures.js';

let sim: RoomOsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A logged-in, echo-off terminal session on a fresh device. */
async function device(
  options: Parameters<typeof createSimulator>[0] = {},
): Promise<{ s: RoomOsSimulator; c: RawClient }> {
  const d = await echoOffSession(options);
  sim = d.s;
  return d;
}

/** Activates or deactivates the certificate a JWE (or a value in its place) names, for WebexIdentity. */
function identityCommand(
  c: RawClient,
  verb: 'Activate' | 'Deactivate',
  fingerprint: string,
): Promise<string> {
  return xcommand(
    c,
    `xCommand Security Certificates Services ${verb} Purpose: WebexIdentity Fingerprint: "${fingerprint}"`,
  );
}

function lastCommand(s: RoomOsSimulator): Record<string, unknown> {
  const e = [...s.events].reverse().find((x) => x.type === 'command');
  return e as unknown as Record<string, unknown>;
}

describe('ClientSecret', () => {
  it('first populate takes plain base64url; afterwards plain is refused, a JWE under the current secret rotates it', async () => {
    const { s, c } = await device();
    expect(s.state.clientSecretSet).toBe(false);
    expect(
      await xcommand(c, 'xCommand Security ClientSecret Populate Secret: "MDEyMzQ1Njc4OWFiY2RlZg"'),
    ).toBe('OK\r\n*r ClientSecretPopulateResult (status=OK):\r\n** end\r\n');
    expect(s.clientSecretIs('0123456789abcdef')).toBe(true);
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u('other')}"`)).toContain(
      '*r ClientSecretPopulateResult (status=Error):',
    );
    expect(s.clientSecretIs('0123456789abcdef')).toBe(true);

    const blob = await seal('populate', 'the-next-secret', '0123456789abcdef');
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${blob}"`)).toBe(
      'OK\r\n*r ClientSecretPopulateResult (status=OK):\r\n** end\r\n',
    );
    expect(s.clientSecretIs('the-next-secret')).toBe(true);

    // The probe: the current secret re-populated under itself succeeds and changes nothing.
    const probe = await seal('populate', 'the-next-secret', 'the-next-secret');
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: ${probe}`)).toContain(
      '(status=OK)',
    );
    expect(s.clientSecretIs('the-next-secret')).toBe(true);
    expect(s.events.filter((e) => e.type === 'secret').map((e) => e.type === 'secret' && e.change)).toEqual([
      'populated',
      'rotated',
      'unchanged',
    ]);
    const log = JSON.stringify(s.events);
    for (const secret of ['0123456789abcdef', 'MDEyMzQ1Njc4OWFiY2RlZg', 'the-next-secret', blob, probe]) {
      expect(log).not.toContain(secret);
    }
  });

  it('refuses a wrong secret, a blob for another command, a malformed blob and the seed misprint; nothing changes', async () => {
    const { s, c } = await device();
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const wrong = await seal('populate', 'x-new', 'not-the-secret');
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${wrong}"`)).toBe(
      'ERROR\r\n*r ClientSecretPopulateResult (status=Error):\r\n*r ClientSecretPopulateResult Reason: "Decryption failed: wrong secret or corrupt data."\r\n** end\r\n',
    );
    expect(lastCommand(s).code).toBe('ERR_JWE_DECRYPTION_FAILED');
    // The action is checked before any key is derived, so this blob's secret does not matter.
    const activate = await seal('activate', 'a'.repeat(40), 'whatever');
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${activate}"`)).toContain(
      'Reason: "Wrong cisco-action in JWE header: expected populate."',
    );
    expect(await xcommand(c, 'xCommand Security ClientSecret Populate Secret: "abc.def"')).toContain(
      'Reason: "Invalid JWE blob."',
    );
    const misprint =
      'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ..9NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${misprint}"`)).toContain(
      'Reason: "Invalid JWE blob."',
    );
    expect(s.clientSecretIs(SECRET)).toBe(true);
    expect(s.events.filter((e) => e.type === 'secret')).toHaveLength(1);
  });

  it('keeps a secret typed in the wrong place out of the event log', async () => {
    const { s, c } = await device();
    expect(await xcommand(c, 'xCommand Security ClientSecret Populate MDEyMzQ1Njc4OWFiY2RlZg')).toContain(
      'Reason: "Unknown command"',
    );
    expect(await xcommand(c, 'xCommand Security ClientSecret Populate MDEyMzQ1Njc4OWFi: x')).toContain(
      '(status=ParameterError)',
    );
    c.send('xStatus hunter2\r');
    await c.until('ERROR\r\n');
    const log = JSON.stringify(s.events);
    expect(log).not.toContain('MDEy');
    expect(log).not.toContain('hunter2');
    expect(lastCommand(s).path).toBe('?');
  });

  it('enforces the 1024-character limit on Secret', async () => {
    const { c } = await device();
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${'A'.repeat(1025)}"`)).toBe(
      'ERROR\r\n*r ClientSecretPopulateResult (status=ParameterError):\r\n** end\r\n',
    );
  });
});

describe.runIf(systemHas('openssl'))('certificates and the E2EE identity', () => {
  let certs: CertFixtures;
  beforeAll(() => {
    certs = makeCerts();
  });

  it('walks the whole procedure: populate, encrypted add, show, activate, register, status, deactivate, delete', async () => {
    const { s, c } = await device({ systemName: 'Lab Kit' });
    expect(
      await xcommand(
        c,
        'xCommand Security Certificates Services Add IsEncrypted: True\rAAAA..BBBB.CCCC.DDDD\r.',
      ),
    ).toContain('Reason: "No client secret has been populated."');
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);

    const addBlob = await seal('add', certs.leaf.cert + certs.leaf.key, SECRET);
    // The tool sends the blob on its own line, then "." alone (spec jwe-blobs.md, "Payloads by action").
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add IsEncrypted: True\r${addBlob}\r.`),
    ).toBe('OK\r\n*r ServicesAddResult (status=OK):\r\n** end\r\n');
    // The preinstalled self-signed certificate comes first, then the added one.
    expect(s.state.certificates.map((x) => x.kind)).toEqual(['preinstalled', 'service']);
    expect(s.state.certificates[1]).toMatchObject({
      fingerprint: certs.leaf.sha1,
      encrypted: true,
      commonName: 'roomkit.example.com',
    });

    const show = (await xcommand(c, 'xCommand Security Certificates Services Show')).split('\r\n');
    const [mon, day, time, year] = certs.leaf.notAfter.split(/\s+/);
    expect(show.slice(0, 3)).toEqual([
      'OK',
      '*r ServicesShowResult (status=OK):',
      `*r ServicesShowResult Details 1 Fingerprint: "${s.state.preinstalledCertificate}"`,
    ]);
    expect(show).toContain('*r ServicesShowResult Details 1 SubjectName: "/CN=TemporaryDefaultCertificate"');
    expect(show).toContain('*r ServicesShowResult Details 1 UsedFor: ""');
    expect(show.slice(13)).toEqual([
      `*r ServicesShowResult Details 2 Fingerprint: "${certs.leaf.sha1}"`,
      '*r ServicesShowResult Details 2 HashingAlgorithm: "sha256WithRSAEncryption"',
      '*r ServicesShowResult Details 2 IssuerName: "/C=US/O=Test CA/CN=Test Root"',
      '*r ServicesShowResult Details 2 PublicKeySize: 256',
      expect.stringMatching(/^\*r ServicesShowResult Details 2 SerialNumber: "[0-9A-F]+"$/),
      '*r ServicesShowResult Details 2 SignatureAlgorithm: "id-ecPublicKey"',
      '*r ServicesShowResult Details 2 SubjectName: "/CN=roomkit.example.com/O=Example"',
      '*r ServicesShowResult Details 2 UsedFor: ""',
      '*r ServicesShowResult Details 2 Version: 3',
      `*r ServicesShowResult Details 2 notAfter: "${mon} ${day?.padStart(2, '0')} ${time} ${year} GMT"`,
      expect.stringMatching(
        /^\*r ServicesShowResult Details 2 notBefore: "[A-Z][a-z]{2} \d{2} \d\d:\d\d:\d\d \d{4} GMT"$/,
      ),
      '*r ServicesShowResult Format: Text',
      '** end',
      '',
    ]);

    // Activate for WebexIdentity: the fingerprint travels in an activate JWE.
    const activate = await seal('activate', certs.leaf.sha1, SECRET);
    expect(await identityCommand(c, 'Activate', activate)).toBe(
      'OK\r\n*r ServicesActivateResult (status=OK):\r\n** end\r\n',
    );
    expect(s.state.webexIdentity).toBe(certs.leaf.sha1);
    // UsedFor holds a label (ALD), not the Purpose literal; Filter returns the certificate used for it.
    const filtered = await xcommand(c, 'xCommand Security Certificates Services Show Filter: WebexIdentity');
    expect(filtered).toContain(`*r ServicesShowResult Details 1 Fingerprint: "${certs.leaf.sha1}"\r\n`);
    expect(filtered).toContain('*r ServicesShowResult Details 1 UsedFor: "Webex identity"\r\n');
    expect(filtered).not.toContain('Details 2');

    // Not registered yet: the E2EE status nodes are not there.
    c.send('xStatus Conference EndToEndEncryption\r');
    expect(await c.until('ERROR\r\n')).toContain('*r Status XPath: "Status/Conference/EndToEndEncryption"');

    expect(
      await xcommand(
        c,
        'xCommand Webex Registration Start SecurityAction: NoAction ActivationCode: "1234567890123456"',
      ),
    ).toBe('OK\r\n*r RegistrationStartResult (status=OK):\r\n** end\r\n');
    // Synchronous: the answer came once the registration had succeeded.
    c.send('xStatus Webex Status\r');
    expect(await c.until('OK\r\n')).toBe('*s Webex Status: Registered\r\n** end\r\n\r\nOK\r\n');

    c.send('xStatus Conference EndToEndEncryption\r');
    const status = await c.until('OK\r\n');
    expect(status).toContain('*s Conference EndToEndEncryption Availability: Available\r\n');
    expect(status).toContain(
      '*s Conference EndToEndEncryption ExternalIdentity Verification: "CAVerified"\r\n',
    );
    expect(status).toContain(
      '*s Conference EndToEndEncryption ExternalIdentity Identity: "roomkit.example.com"\r\n',
    );
    expect(status).toContain('*s Conference EndToEndEncryption ExternalIdentity Status: "Valid"\r\n');
    expect(status).toContain(
      `*s Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate 1 Fingerprint: "${certs.leaf.sha1}"\r\n`,
    );
    expect(status).toContain(
      '*s Conference EndToEndEncryption InternalIdentity Verification: "WebexVerified"\r\n',
    );

    // Deactivate (JWE), then delete (plain hex).
    const deactivate = await seal('deactivate', certs.leaf.sha1, SECRET);
    expect(await identityCommand(c, 'Deactivate', deactivate)).toBe(
      'OK\r\n*r ServicesDeactivateResult (status=OK):\r\n** end\r\n',
    );
    expect(s.state.webexIdentity).toBeUndefined();
    c.send('xStatus Conference EndToEndEncryption ExternalIdentity Verification\r');
    expect(await c.until('OK\r\n')).toBe(
      '*s Conference EndToEndEncryption ExternalIdentity Verification: ""\r\n** end\r\n\r\nOK\r\n',
    );
    expect(
      await xcommand(c, `xCommand Security Certificates Services Delete Fingerprint: "${certs.leaf.sha1}"`),
    ).toBe('OK\r\n*r ServicesDeleteResult (status=OK):\r\n** end\r\n');
    expect(s.state.certificates.map((x) => x.kind)).toEqual(['preinstalled']);
    const log = JSON.stringify(s.events);
    for (const secret of [SECRET, addBlob, activate, deactivate, 'PRIVATE KEY'])
      expect(log).not.toContain(secret);
  });

  it('refuses what a device refuses: P-384, a key of another certificate, an unknown fingerprint, RSA for WebexIdentity', async () => {
    const { s, c } = await device();
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const p384 = await seal('add', certs.p384.cert + certs.p384.key, SECRET);
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add IsEncrypted: True\r${p384}\r.`),
    ).toContain('Reason: "Key type not supported: the certificate key must be ECDSA P-256."');
    const mismatch = await seal('add', certs.leaf.cert + certs.strayKey, SECRET);
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add IsEncrypted: True\r${mismatch}\r.`),
    ).toContain('Reason: "The private key does not match the certificate."');
    const populateBlob = await seal('populate', 'x', SECRET);
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add IsEncrypted: True\r${populateBlob}\r.`),
    ).toContain('Reason: "Wrong cisco-action in JWE header: expected add."');
    expect(s.state.certificates.filter((x) => x.kind !== 'preinstalled')).toHaveLength(0);

    const unknown = await seal('activate', 'ab'.repeat(20), SECRET);
    expect(await identityCommand(c, 'Activate', unknown)).toContain('Reason: "Certificate not found."');

    // A plain PEM body (no IsEncrypted): any key type; plain hex fingerprints for other purposes.
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add\r${certs.rsa.cert}${certs.rsa.key}.`),
    ).toContain('(status=OK)');
    expect(
      await xcommand(
        c,
        `xCommand Security Certificates Services Activate Purpose: HTTPS Fingerprint: "${certs.rsa.sha1.toUpperCase()}"`,
      ),
    ).toContain('(status=OK)');
    const rsaActivate = await seal('activate', certs.rsa.sha1, SECRET);
    expect(await identityCommand(c, 'Activate', rsaActivate)).toContain(
      'Reason: "Key type not supported: the certificate key must be ECDSA P-256."',
    );
    expect(s.state.certificates.map((x) => x.purposes)).toEqual([[], ['HTTPS']]);
    expect(s.state.webexIdentity).toBeUndefined();
    expect(
      await xcommand(c, `xCommand Security Certificates Services Delete Fingerprint: "${'0'.repeat(40)}"`),
    ).toContain('Reason: "Certificate not found."');
  });

  it('with the bodyLineBreaks joined variant, accepts an encrypted body wrapped over several lines', async () => {
    const { s, c } = await device({ bodyLineBreaks: 'joined' });
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const blob = await seal('add', certs.leaf.cert + certs.leaf.key, SECRET, { enc: 'A256GCM' });
    const wrapped = blob.match(/.{1,76}/g)?.join('\r') ?? blob;
    expect(
      await xcommand(
        c,
        `xCommand Security Certificates Services Add IsEncrypted: True | resultId="w"\r${wrapped}\r.`,
      ),
    ).toBe('OK\r\n*r ServicesAddResult (status=OK):\r\n** resultId: "w"\r\n** end\r\n');
    expect(s.state.certificates.filter((x) => x.kind === 'service').map((x) => x.fingerprint)).toEqual([
      certs.leaf.sha1,
    ]);
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add\r${certs.leaf.cert}${certs.leaf.key}.`),
    ).toContain('Reason: "Certificate already exists."');
  });

  it('keeps certificates and their purposes across a restart of the simulator (state file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-persist-'));
    try {
      const stateFile = join(dir, 'state.json');
      const { s, c } = await device({ stateFile });
      await xcommand(c, `xCommand Security Certificates Services Add\r${certs.rsa.cert}${certs.rsa.key}.`);
      await xcommand(
        c,
        `xCommand Security Certificates Services Activate Purpose: HTTPS Fingerprint: ${certs.rsa.sha1}`,
      );
      await s.close();
      sim = await createSimulator({ stateFile });
      const before = s.state.preinstalledCertificate;
      expect(before).toMatch(/^[0-9a-f]{40}$/);
      expect(sim.state.certificates.map((x) => [x.fingerprint, x.purposes])).toEqual([
        [before, []],
        [certs.rsa.sha1, ['HTTPS']],
      ]);
      expect(sim.state.deviceId).toBe(s.state.deviceId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enforces Activate/Deactivate 1024 and Delete 128', async () => {
    const { c } = await device();
    expect(await identityCommand(c, 'Activate', 'a'.repeat(1025))).toContain('(status=ParameterError)');
    expect(await identityCommand(c, 'Deactivate', 'a'.repeat(1025))).toContain('(status=ParameterError)');
    expect(
      await xcommand(c, `xCommand Security Certificates Services Delete Fingerprint: "${'a'.repeat(129)}"`),
    ).toContain('(status=ParameterError)');
  });
});
