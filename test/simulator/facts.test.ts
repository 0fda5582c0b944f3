/**
 * The simulator's defaults are the public facts (shared/reference/real-devices.md); each variant keeps an
 * older or unsettled behaviour reachable. Exact values throughout.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/core/jwe/index.js';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { XAPI_11_19_SUBSET } from '../../src/simulator/schema/xapi-11.19-subset.js';
import { systemHas } from '../helpers/system.js';
import { RawClient, echoOffSession, serialLogin, xcommand } from './client.js';
import { type CertFixtures, SECRET, b64u, makeCerts } from './fixtures.js';

let sims: RoomOsSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function device(options: SimulatorOptions = {}): Promise<{ s: RoomOsSimulator; c: RawClient }> {
  const d = await echoOffSession(options);
  sims.push(d.s);
  return d;
}

async function xstatus(c: RawClient, path: string): Promise<string> {
  c.send(`xStatus ${path}\r`);
  return c.until(/\r\n(OK|ERROR)\r\n/);
}

function e2eeDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}.000000000+0000`;
}

describe('software and identity (RKM)', () => {
  it('prints SystemUnit as a RoomOS 11 device does: ce-prefixed Version, DisplayName, UUID DeviceId', async () => {
    const { c } = await device({
      model: 'Cisco Room Kit Mini',
      software: 'RoomOS 11.19.1.7 3055d561c16',
      serialNumber: 'FOC2402N8ZX',
    });
    const text = await xstatus(c, 'SystemUnit');
    expect(text.replace(/Uptime: \d+/, 'Uptime: N')).toBe(
      [
        '*s SystemUnit Hardware Module DeviceId: "834bc8ae-eb1e-5391-a558-68f584e9cdb2"',
        '*s SystemUnit Hardware Module SerialNumber: "FOC2402N8ZX"',
        '*s SystemUnit ProductId: "Cisco Room Kit Mini"',
        '*s SystemUnit ProductPlatform: "Room Kit Mini"',
        '*s SystemUnit ProductType: "Cisco Codec"',
        '*s SystemUnit Software DisplayName: "RoomOS 11.19.1.7 3055d561c16"',
        '*s SystemUnit Software Name: "s53200"',
        '*s SystemUnit Software OptionKeys Encryption: True',
        '*s SystemUnit Software ReleaseDate: "2024-08-05"',
        '*s SystemUnit Software Version: "ce11.19.1.7.3055d561c16"',
        '*s SystemUnit Uptime: N',
        '** end',
        '',
        'OK',
        '',
      ].join('\r\n'),
    );
  });

  it('keeps the banner as captured and the ce prefix on the default RoomOS 11.23', async () => {
    const s = await createSimulator({ systemName: 'NYC Cisco' });
    sims.push(s);
    const c = new RawClient(s.openStream('ssh'));
    expect(await c.until('OK\r\n\r\n')).toBe(
      'Welcome to NYC Cisco\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n',
    );
    expect(s.state.softwareVersion).toBe('ce11.23.1.8.3963b07b5c5');
    c.send('echo off\r');
    await c.until('OK\r\n');
    expect(await xstatus(c, 'SystemUnit Software DisplayName')).toBe(
      '*s SystemUnit Software DisplayName: "RoomOS 11.23.1.8 3963b07b5c5"\r\n** end\r\n\r\nOK\r\n',
    );
  });

  it('reads CE 9 and TC versions with their own prefixes', async () => {
    const ce = await createSimulator({ model: 'Cisco TelePresence SX80' });
    const tc = await createSimulator({ model: 'Cisco Codec C90', software: 'TC7.3.3.c84180a' });
    sims.push(ce, tc);
    expect(ce.state.softwareVersion).toBe('ce9.15.18.5.a6e2b8bf6f4');
    expect(tc.state.softwareVersion).toBe('tc7.3.3.c84180a');
  });

  it('variant: OptionKeys Encryption False', async () => {
    const { c } = await device({ encryptionOptionKey: false });
    expect(await xstatus(c, 'SystemUnit Software OptionKeys Encryption')).toBe(
      '*s SystemUnit Software OptionKeys Encryption: False\r\n** end\r\n\r\nOK\r\n',
    );
  });

  it('DeviceId is a UUID, stable per device (serial number) and kept in the state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-id-'));
    try {
      const stateFile = join(dir, 'state.json');
      const a = await createSimulator({ stateFile });
      sims.push(a);
      expect(a.state.deviceId).toBe('33398e13-39ac-5d25-a1db-c86f9af48ea7');
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        version: number;
        device: { deviceId: string };
      };
      expect(saved.version).toBe(2);
      expect(saved.device.deviceId).toBe('33398e13-39ac-5d25-a1db-c86f9af48ea7');
      const other = await createSimulator({ serialNumber: 'FOC9999ZZZZ' });
      sims.push(other);
      expect(other.state.deviceId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(other.state.deviceId).not.toBe(a.state.deviceId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('E2EE status (RKM, schema registeredOnly)', () => {
  it('does not exist on an unregistered device', async () => {
    const { c } = await device();
    expect(await xstatus(c, 'Conference EndToEndEncryption')).toBe(
      '*r Status (status=Error):\r\n*r Status Reason: "No match on address expression."\r\n*r Status XPath: "Status/Conference/EndToEndEncryption"\r\n** end\r\n\r\nERROR\r\n',
    );
  });

  it('a registered device with no external identity: empty external values, the internal identity as captured', async () => {
    const { s, c } = await device({ registered: true, orgDomain: 'agilustech.in' });
    const lines = (await xstatus(c, 'Conference EndToEndEncryption')).split('\r\n');
    const p = '*s Conference EndToEndEncryption';
    const ic = `${p} InternalIdentity CertificateChain Certificate 1`;
    expect(lines).toEqual([
      `${p} Availability: Available`,
      `${p} ExternalIdentity Identity: ""`,
      `${p} ExternalIdentity Status: ""`,
      `${p} ExternalIdentity Verification: ""`,
      expect.stringMatching(new RegExp(`^${esc(ic)} Fingerprint: "[0-9a-f]{40}"$`)),
      expect.stringMatching(
        new RegExp(`^${esc(ic)} NotAfter: "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000000000\\+0000"$`),
      ),
      `${ic} PublicKeyAlgorithm: "ECDSA P256 SHA-256"`,
      expect.stringMatching(new RegExp(`^${esc(ic)} SerialNumber: "[0-9A-F]{18}"$`)),
      `${ic} SignatureAlgorithm: "ECDSA P384 SHA-384"`,
      `${ic} Subject 1 Name: "machine:${s.state.deviceId}"`,
      `${ic} Subject 2 Name: "agilustech.in"`,
      `${ic} Validity: "Valid"`,
      `${p} InternalIdentity Identity: "agilustech.in"`,
      `${p} InternalIdentity Status: "Valid"`,
      `${p} InternalIdentity Verification: "WebexVerified"`,
      '** end',
      '',
      'OK',
      '',
    ]);
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe.runIf(systemHas('openssl'))('certificates as a real device lists them (ALD)', () => {
  let certs: CertFixtures;
  beforeAll(() => {
    certs = makeCerts();
  });
  const caSha1 = (): string => new X509Certificate(certs.ca.cert).fingerprint.replace(/:/g, '').toLowerCase();

  function usedForLines(show: string): string[] {
    return show.split('\r\n').filter((l) => / Details \d+ (Fingerprint|UsedFor):/.test(l));
  }

  it('lists each chain certificate as its own entry, showing the leaf uses as labels; Filter returns both', async () => {
    const { s, c } = await device();
    const pre = s.state.preinstalledCertificate;
    expect(
      await xcommand(
        c,
        `xCommand Security Certificates Services Add\r${certs.leaf.cert}${certs.ca.cert}${certs.leaf.key}.`,
      ),
    ).toBe('OK\r\n*r ServicesAddResult (status=OK):\r\n** end\r\n');
    expect(s.state.certificates.map((x) => [x.kind, x.fingerprint])).toEqual([
      ['preinstalled', pre],
      ['service', certs.leaf.sha1],
      ['chain', caSha1()],
    ]);
    for (const purpose of ['SIP', 'HTTPS']) {
      expect(
        await xcommand(
          c,
          `xCommand Security Certificates Services Activate Purpose: ${purpose} Fingerprint: ${certs.leaf.sha1}`,
        ),
      ).toBe('OK\r\n*r ServicesActivateResult (status=OK):\r\n** end\r\n');
    }
    expect(usedForLines(await xcommand(c, 'xCommand Security Certificates Services Show'))).toEqual([
      `*r ServicesShowResult Details 1 Fingerprint: "${pre}"`,
      '*r ServicesShowResult Details 1 UsedFor: ""',
      `*r ServicesShowResult Details 2 Fingerprint: "${certs.leaf.sha1}"`,
      '*r ServicesShowResult Details 2 UsedFor: "SIP, HTTPS server"',
      `*r ServicesShowResult Details 3 Fingerprint: "${caSha1()}"`,
      '*r ServicesShowResult Details 3 UsedFor: "SIP, HTTPS server"',
    ]);
    expect(
      usedForLines(await xcommand(c, 'xCommand Security Certificates Services Show Filter: SIP')),
    ).toEqual([
      `*r ServicesShowResult Details 1 Fingerprint: "${certs.leaf.sha1}"`,
      '*r ServicesShowResult Details 1 UsedFor: "SIP, HTTPS server"',
      `*r ServicesShowResult Details 2 Fingerprint: "${caSha1()}"`,
      '*r ServicesShowResult Details 2 UsedFor: "SIP, HTTPS server"',
    ]);
    expect(await xcommand(c, 'xCommand Security Certificates Services Show Filter: WebexIdentity')).toBe(
      'OK\r\n*r ServicesShowResult (status=OK):\r\n*r ServicesShowResult Format: Text\r\n** end\r\n',
    );

    // A chain entry has no key: it cannot be activated; it shows its leaf's uses but is not itself active.
    expect(
      await xcommand(
        c,
        `xCommand Security Certificates Services Activate Purpose: HTTPS Fingerprint: ${caSha1()}`,
      ),
    ).toBe(
      'ERROR\r\n*r ServicesActivateResult (status=Error):\r\n*r ServicesActivateResult Reason: "No private key for this certificate."\r\n** end\r\n',
    );
    expect(
      await xcommand(
        c,
        `xCommand Security Certificates Services Deactivate Purpose: SIP Fingerprint: ${caSha1()}`,
      ),
    ).toBe(
      'ERROR\r\n*r ServicesDeactivateResult (status=Error):\r\n*r ServicesDeactivateResult Reason: "Certificate is not active for this purpose."\r\n** end\r\n',
    );

    // Deleting the leaf leaves its chain entry, now used for nothing.
    expect(
      await xcommand(c, `xCommand Security Certificates Services Delete Fingerprint: ${certs.leaf.sha1}`),
    ).toBe('OK\r\n*r ServicesDeleteResult (status=OK):\r\n** end\r\n');
    expect(s.state.certificates.map((x) => [x.kind, x.usedFor])).toEqual([
      ['preinstalled', ''],
      ['chain', ''],
    ]);
  });

  it('variants: purpose literals in UsedFor, no chain entries, another WebexIdentity label', async () => {
    const add = `xCommand Security Certificates Services Add\r${certs.leaf.cert}${certs.ca.cert}${certs.leaf.key}.`;
    const old = await device({ usedFor: 'purposes', chainEntries: false, selfSignedCertificate: false });
    await xcommand(old.c, add);
    await xcommand(
      old.c,
      `xCommand Security Certificates Services Activate Purpose: SIP Fingerprint: ${certs.leaf.sha1}`,
    );
    await xcommand(
      old.c,
      `xCommand Security Certificates Services Activate Purpose: HTTPS Fingerprint: ${certs.leaf.sha1}`,
    );
    expect(usedForLines(await xcommand(old.c, 'xCommand Security Certificates Services Show'))).toEqual([
      `*r ServicesShowResult Details 1 Fingerprint: "${certs.leaf.sha1}"`,
      '*r ServicesShowResult Details 1 UsedFor: "SIP, HTTPS"',
    ]);
    expect(old.s.state.certificates[0]?.chainLength).toBe(1);

    const labelled = await device({ webexIdentityLabel: 'WebexIdentity' });
    await xcommand(labelled.c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    await xcommand(labelled.c, add);
    const activate = await seal('activate', certs.leaf.sha1, SECRET);
    await xcommand(
      labelled.c,
      `xCommand Security Certificates Services Activate Purpose: WebexIdentity Fingerprint: "${activate}"`,
    );
    expect(labelled.s.state.certificates.map((x) => x.usedFor)).toEqual([
      '',
      'WebexIdentity',
      'WebexIdentity',
    ]);
  });

  it('an external identity on a registered device: leaf CN, documented status words, the chain in E2EE formats', async () => {
    const { s, c } = await device({ registered: true });
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const blob = await seal('add', certs.leaf.cert + certs.ca.cert + certs.leaf.key, SECRET);
    expect(
      await xcommand(c, `xCommand Security Certificates Services Add IsEncrypted: True\r${blob}\r.`),
    ).toContain('(status=OK)');
    const activate = await seal('activate', certs.leaf.sha1, SECRET);
    await xcommand(
      c,
      `xCommand Security Certificates Services Activate Purpose: WebexIdentity Fingerprint: "${activate}"`,
    );
    expect(
      usedForLines(await xcommand(c, 'xCommand Security Certificates Services Show Filter: WebexIdentity')),
    ).toEqual([
      `*r ServicesShowResult Details 1 Fingerprint: "${certs.leaf.sha1}"`,
      '*r ServicesShowResult Details 1 UsedFor: "Webex identity"',
      `*r ServicesShowResult Details 2 Fingerprint: "${caSha1()}"`,
      '*r ServicesShowResult Details 2 UsedFor: "Webex identity"',
    ]);
    const leaf = new X509Certificate(certs.leaf.cert);
    const ca = new X509Certificate(certs.ca.cert);
    const ext = '*s Conference EndToEndEncryption ExternalIdentity';
    const cc = (n: number): string => `${ext} CertificateChain Certificate ${n}`;
    const text = await xstatus(c, 'Conference EndToEndEncryption ExternalIdentity');
    expect(text.split('\r\n')).toEqual([
      `${cc(1)} Fingerprint: "${certs.leaf.sha1}"`,
      `${cc(1)} NotAfter: "${e2eeDate(leaf.validTo)}"`,
      `${cc(1)} NotBefore: "${e2eeDate(leaf.validFrom)}"`,
      `${cc(1)} PrimaryName: "roomkit.example.com"`,
      `${cc(1)} PublicKeyAlgorithm: "ECDSA P256 SHA-256"`,
      `${cc(1)} SerialNumber: "${leaf.serialNumber.toUpperCase()}"`,
      `${cc(1)} SignatureAlgorithm: "RSA 2048 SHA-256"`,
      `${cc(1)} Subject 1 Name: "roomkit.example.com"`,
      `${cc(1)} Validity: "Valid"`,
      `${cc(2)} Fingerprint: "${caSha1()}"`,
      `${cc(2)} NotAfter: "${e2eeDate(ca.validTo)}"`,
      `${cc(2)} NotBefore: "${e2eeDate(ca.validFrom)}"`,
      `${cc(2)} PrimaryName: "Test Root"`,
      `${cc(2)} PublicKeyAlgorithm: "RSA 2048"`,
      `${cc(2)} SerialNumber: "${ca.serialNumber.toUpperCase()}"`,
      `${cc(2)} SignatureAlgorithm: "RSA 2048 SHA-256"`,
      `${cc(2)} Subject 1 Name: "Test Root"`,
      `${cc(2)} Validity: "Valid"`,
      `${ext} Identity: "roomkit.example.com"`,
      `${ext} Status: "Valid"`,
      `${ext} Verification: "CAVerified"`,
      '** end',
      '',
      'OK',
      '',
    ]);
    // Deleting the chain entry shortens the chain the identity presents; the leaf stays active.
    await xcommand(c, `xCommand Security Certificates Services Delete Fingerprint: ${caSha1()}`);
    const after = await xstatus(c, 'Conference EndToEndEncryption ExternalIdentity CertificateChain');
    expect(after).toContain(`${cc(1)} Fingerprint: "${certs.leaf.sha1}"`);
    expect(after).not.toContain('Certificate 2');
    expect(s.state.webexIdentity).toBe(certs.leaf.sha1);
  });

  it('variant: other external status words', async () => {
    const { c } = await device({
      registered: true,
      externalIdentityStatus: 'OK',
      externalIdentityVerification: 'Verified by CA',
    });
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const blob = await seal('add', certs.leaf.cert + certs.leaf.key, SECRET);
    await xcommand(c, `xCommand Security Certificates Services Add IsEncrypted: True\r${blob}\r.`);
    const activate = await seal('activate', certs.leaf.sha1, SECRET);
    await xcommand(
      c,
      `xCommand Security Certificates Services Activate Purpose: WebexIdentity Fingerprint: "${activate}"`,
    );
    const text = await xstatus(c, 'Conference EndToEndEncryption ExternalIdentity');
    expect(text).toContain('*s Conference EndToEndEncryption ExternalIdentity Status: "OK"\r\n');
    expect(text).toContain(
      '*s Conference EndToEndEncryption ExternalIdentity Verification: "Verified by CA"\r\n',
    );
  });

  it('the preinstalled self-signed certificate: listed, not an identity, survives a factory reset', async () => {
    const { s, c } = await device();
    const pre = s.state.certificates[0];
    expect(pre).toMatchObject({
      kind: 'preinstalled',
      subjectName: '/CN=TemporaryDefaultCertificate',
      issuerName: '/CN=TemporaryDefaultCertificate',
      commonName: 'TemporaryDefaultCertificate',
      purposes: [],
      usedFor: '',
    });
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const activate = await seal('activate', pre?.fingerprint ?? '', SECRET);
    expect(
      await xcommand(
        c,
        `xCommand Security Certificates Services Activate Purpose: WebexIdentity Fingerprint: "${activate}"`,
      ),
    ).toContain('Reason: "Key type not supported: the certificate key must be ECDSA P-256."');
    await xcommand(c, `xCommand Security Certificates Services Add\r${certs.rsa.cert}${certs.rsa.key}.`);
    await xcommand(c, 'xCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: NoAction');
    expect(s.state.certificates.map((x) => [x.kind, x.fingerprint])).toEqual([
      ['preinstalled', pre?.fingerprint],
    ]);

    // Deleting it is possible (a guess); the event names it, and a factory reset brings it back.
    await xcommand(c, `xCommand Security Certificates Services Delete Fingerprint: ${pre?.fingerprint}`);
    expect(s.events.filter((e) => e.type === 'certificate' && e.change === 'deleted')).toMatchObject([
      { fingerprint: pre?.fingerprint, kind: 'preinstalled' },
    ]);
    expect(s.state.preinstalledCertificate).toBeUndefined();
    await xcommand(c, 'xCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: NoAction');
    expect(s.state.certificates.map((x) => x.kind)).toEqual(['preinstalled']);
    expect(s.state.preinstalledCertificate).toMatch(/^[0-9a-f]{40}$/);

    const none = await device({ selfSignedCertificate: false });
    expect(none.s.state.certificates).toEqual([]);
    expect(none.s.state.preinstalledCertificate).toBeUndefined();
  });
});

describe('factory reset Keep (schema)', () => {
  const SETS: [string, string][] = [
    ['Audio DefaultVolume', '70'],
    ['Audio SoundsAndAlerts RingVolume', '30'],
    ['Time Zone', '"Europe/Oslo"'],
    ['UserInterface Language', 'French'],
    ['Video Output Connector 1 OverscanLevel', 'Medium'],
    ['SystemUnit Name', '"Renamed"'],
    ['NetworkServices SSH Mode', 'Off'],
    ['Conference EndToEndEncryption Identity PreferredDomain', '"example.org"'],
    ['Spark ServiceOverrides GdsBaseUrl', '"https://gds.example"'],
    ['Spark ServiceOverrides U2CBaseUrl', '"https://u2c.example"'],
    ['NetworkServices HTTP Mode', 'Off'],
    ['NetworkServices HTTPS Mode', 'Off'],
    ['NetworkServices HTTPS VerifyServerCertificate', 'On'],
    ['Network 1 IPv4 Address', '"10.0.0.5"'],
    ['NetworkServices Wifi Enabled', 'False'],
    ['NetworkServices Wifi Allowed', 'False'],
    ['Provisioning Mode', 'Webex'],
    ['SerialPort Mode', 'Off'],
    ['SerialPort LoginRequired', 'Off'],
  ];
  const KEPT: Record<string, string[]> = {
    LocalSetup: [
      'Audio DefaultVolume',
      'Audio SoundsAndAlerts RingVolume',
      'Time Zone',
      'UserInterface Language',
      'Video Output Connector 1 OverscanLevel',
    ],
    Webex: ['Spark ServiceOverrides GdsBaseUrl', 'Spark ServiceOverrides U2CBaseUrl'],
    HTTP: [
      'NetworkServices HTTP Mode',
      'NetworkServices HTTPS Mode',
      'NetworkServices HTTPS VerifyServerCertificate',
    ],
    Network: ['Network 1 IPv4 Address', 'NetworkServices Wifi Allowed', 'NetworkServices Wifi Enabled'],
    Provisioning: ['Provisioning Mode'],
    SerialPort: ['SerialPort LoginRequired', 'SerialPort Mode'],
    Certificates: [],
    RemoteSupportUser: [],
  };

  for (const [item, kept] of Object.entries(KEPT)) {
    it(`Keep: ${item} keeps exactly ${kept.length > 0 ? kept.join(', ') : 'no configuration'}; never users, name, SSH or registration`, async () => {
      const { s, c } = await device({ registered: true, adminPassword: 'pw' });
      const fresh = await createSimulator({ selfSignedCertificate: false });
      sims.push(fresh);
      const defaults = fresh.state.config;
      for (const [path, value] of SETS) {
        c.send(`xConfiguration ${path}: ${value}\r`);
        expect(await c.until(/\r\n(OK|ERROR)\r\n/)).toBe('** end\r\n\r\nOK\r\n');
      }
      const set = { ...s.state.config };
      await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
      expect(
        await xcommand(
          c,
          `xCommand SystemUnit FactoryReset Confirm: Yes Keep: ${item} TrailingAction: NoAction`,
        ),
      ).toBe('OK\r\n*r SystemUnitFactoryResetResult (status=OK):\r\n** end\r\n');
      const after = s.state.config;
      const keptNow = Object.keys(after).filter((k) => after[k] !== defaults[k]);
      expect(keptNow.sort()).toEqual([...kept].sort());
      for (const k of kept) expect(after[k]).toBe(set[k]);
      expect(s.state.webexStatus).toBe('Stopped');
      expect(s.state.adminPasswordSet).toBe(false);
      expect(s.state.clientSecretSet).toBe(false);
    });
  }

  it.runIf(systemHas('openssl'))(
    'Keep: Certificates keeps service and CA certificates; without it only the preinstalled one stays',
    async () => {
      const certs = makeCerts();
      for (const keep of [true, false]) {
        const { s, c } = await device();
        await xcommand(c, `xCommand Security Certificates Services Add\r${certs.rsa.cert}${certs.rsa.key}.`);
        expect(await xcommand(c, `xCommand Security Certificates CA Add\r${certs.ca.cert}.`)).toBe(
          'OK\r\n*r CAAddResult (status=OK):\r\n** end\r\n',
        );
        expect(s.state.caCertificates).toHaveLength(1);
        await xcommand(
          c,
          `xCommand SystemUnit FactoryReset Confirm: Yes${keep ? ' Keep: Certificates' : ''} TrailingAction: NoAction`,
        );
        expect(s.state.certificates.map((x) => x.kind)).toEqual(
          keep ? ['preinstalled', 'service'] : ['preinstalled'],
        );
        expect(s.state.caCertificates).toHaveLength(keep ? 1 : 0);
      }
    },
  );
});

describe('Webex registration (schema)', () => {
  it('answers only when registration has succeeded (synchronous by default)', async () => {
    const { s, c } = await device({ registrationDelayMs: 150 });
    const t0 = Date.now();
    expect(
      await xcommand(
        c,
        'xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: NoAction',
      ),
    ).toBe('OK\r\n*r RegistrationStartResult (status=OK):\r\n** end\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(s.state.webexStatus).toBe('Registered');
    expect(s.events.filter((e) => e.type === 'webex').map((e) => e.type === 'webex' && e.status)).toEqual([
      'Registering',
      'Registered',
    ]);
  });

  it('AccountLinkMode: Asynchronous answers at once; its only value is Asynchronous', async () => {
    const { s, c } = await device({ registrationDelayMs: 100 });
    expect(
      await xcommand(
        c,
        'xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: NoAction AccountLinkMode: Asynchronous',
      ),
    ).toBe('OK\r\n*r RegistrationStartResult (status=OK):\r\n** end\r\n');
    expect(s.state.webexStatus).toBe('Registering');
    for (let i = 0; i < 100 && s.state.webexStatus === 'Registering'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(s.state.webexStatus).toBe('Registered');
    expect(
      await xcommand(
        c,
        'xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: NoAction AccountLinkMode: Synchronous',
      ),
    ).toBe('ERROR\r\n*r RegistrationStartResult (status=ParameterError):\r\n** end\r\n');
  });

  it('a code sent with its dashes fails ("Be sure to remove any - dashes in the code")', async () => {
    const { s, c } = await device({});
    expect(
      await xcommand(
        c,
        'xCommand Webex Registration Start ActivationCode: "1234-5678-9012-3456" SecurityAction: NoAction',
      ),
    ).toBe(
      'ERROR\r\n*r RegistrationStartResult (status=Error):\r\n*r RegistrationStartResult Reason: "Registration failed."\r\n** end\r\n',
    );
    expect(s.state.webexStatus).toBe('Error');
  });

  it('answers failed for a code the cloud refuses, or with the registrationFails variant', async () => {
    const failed =
      'ERROR\r\n*r RegistrationStartResult (status=Error):\r\n*r RegistrationStartResult Reason: "Registration failed."\r\n** end\r\n';
    const a = await device({ rejectActivationCodes: ['1111-2222-3333-4444'] });
    expect(
      await xcommand(
        a.c,
        'xCommand Webex Registration Start ActivationCode: "1111222233334444" SecurityAction: NoAction',
      ),
    ).toBe(failed);
    expect(a.s.state.webexStatus).toBe('Error');
    const b = await device({ registrationFails: true });
    expect(
      await xcommand(
        b.c,
        'xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: Harden',
      ),
    ).toBe(failed);
    expect(b.s.state.hardened).toBe(false);
  });

  it('SecurityAction: Harden deactivates the local users: logins fail until a factory reset', async () => {
    const s = await createSimulator({ rebootDelayMs: 50, registrationDelayMs: 10 });
    sims.push(s);
    const c = new RawClient(s.openStream());
    await serialLogin(c);
    c.send('echo off\r');
    await c.until('OK\r\n');
    expect(
      await xcommand(
        c,
        'xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: Harden',
      ),
    ).toContain('(status=OK)');
    expect(s.state.hardened).toBe(true);
    const c2 = new RawClient(s.openStream());
    c2.send('admin\r');
    await c2.until('Password: ');
    c2.send('\r');
    expect(await c2.until('login: ')).toBe('\r\nLogin incorrect\r\nlogin: ');
    // The session opened before goes on (a guess); a factory reset brings admin back.
    await xcommand(c, 'xCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: NoAction');
    c2.send('admin\r');
    await c2.until('Password: ');
    c2.send('\r');
    expect(await c2.until('OK\r\n\r\n')).toContain('*r Login successful\r\nOK\r\n\r\n');
  });
});

describe('ClientSecret Populate on an unregistered device (open question 3)', () => {
  it('the default accepts the first populate unregistered (the vendor procedure)', async () => {
    const { s, c } = await device();
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`)).toContain(
      '(status=OK)',
    );
    expect(s.state.clientSecretSet).toBe(true);
  });

  it('variant populateNeedsRegistration refuses it until the device is registered', async () => {
    const { s, c } = await device({ populateNeedsRegistration: true });
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`)).toBe(
      'ERROR\r\n*r ClientSecretPopulateResult (status=Error):\r\n*r ClientSecretPopulateResult Reason: "This command is only available on devices registered to the Webex cloud service."\r\n** end\r\n',
    );
    expect(s.state.clientSecretSet).toBe(false);
    await xcommand(
      c,
      'xCommand Webex Registration Start ActivationCode: "1234567890123456" SecurityAction: NoAction',
    );
    expect(await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`)).toContain(
      '(status=OK)',
    );
  });
});

describe('console line limit (open question 1)', () => {
  const PATH = 'SystemUnit ProductId';
  /** An xStatus line of exactly `length` bytes whose last byte is the last letter of the path. */
  const line = (length: number): string => `xStatus${' '.repeat(length - 7 - PATH.length)}${PATH}`;

  it('lineLimit 4095 keeps the first 4095 bytes of a line and drops the rest; the line end still ends it', async () => {
    const { c } = await device({ lineLimit: 4095 });
    c.send(`${line(4095)}\r`);
    expect(await c.until(/\r\n(OK|ERROR)\r\n/)).toBe(
      '*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n',
    );
    c.send(`${line(4096)}\r`);
    expect(await c.until(/\r\n(OK|ERROR)\r\n/)).toContain('*r Status XPath: "Status/SystemUnit/ProductI"');
    // The next line is read normally.
    c.send(`xStatus ${PATH}\r`);
    expect(await c.until(/\r\n(OK|ERROR)\r\n/)).toBe(
      '*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n',
    );
  });

  it('has no limit by default', async () => {
    const { c } = await device();
    c.send(`${line(10_000)}\r`);
    expect(await c.until(/\r\n(OK|ERROR)\r\n/)).toBe(
      '*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n',
    );
  });

  it('refuses a lineLimit that is not a positive whole number', async () => {
    await expect(createSimulator({ lineLimit: 0 })).rejects.toMatchObject({ code: 'ERR_SIM_OPTIONS' });
  });

  it('overlongLine drop: a line past the limit ends the session (jsxapi issue #65)', async () => {
    const { s, c } = await device({ lineLimit: 4095, overlongLine: 'drop' });
    c.send(`${line(4096)}\r`);
    await c.closed();
    expect(s.events.filter((e) => e.type === 'fault').map((e) => e.type === 'fault' && e.fault)).toEqual([
      'overlongLine',
    ]);
    expect(s.events.filter((e) => e.type === 'command')).toEqual([]);
  });

  it('refuses variant values it does not know', async () => {
    for (const bad of [
      { overlongLine: 'cut-off' },
      { bodyLineBreaks: 'joins' },
      { refusals: 'generic' },
    ] as unknown as SimulatorOptions[]) {
      await expect(createSimulator(bad)).rejects.toMatchObject({ code: 'ERR_SIM_OPTIONS' });
    }
  });
});

describe('a multiline body and refusals (open questions 1 and 4)', () => {
  const ADD = 'xCommand Security Certificates Services Add IsEncrypted: True';
  async function add(c: RawClient, body: string[]): Promise<string> {
    c.send(`${ADD}\r${body.map((l) => `${l}\r`).join('')}.\r`);
    return c.until('** end\r\n');
  }
  const wrap = (b: string): string[] => b.match(/.{1,64}/g) ?? [];

  it('the Add is multiline in the published schema, and its body keeps its line breaks by default', async () => {
    expect(XAPI_11_19_SUBSET.commands['Security Certificates Services Add']!.multiline).toBe(true);
    const { s, c } = await device();
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const blob = await seal('add', 'not a certificate', SECRET);
    expect(await add(c, [blob])).toContain('Reason: "No certificate found in the input."');
    expect(await add(c, wrap(blob))).toContain('Reason: "Invalid JWE blob."');
    expect(s.state.certificates.filter((x) => x.kind !== 'preinstalled')).toEqual([]);
  });

  it('bodyLineBreaks joined: the wrapped blob is read as on one line', async () => {
    const { c } = await device({ bodyLineBreaks: 'joined' });
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const blob = await seal('add', 'not a certificate', SECRET);
    expect(await add(c, wrap(blob))).toContain('Reason: "No certificate found in the input."');
  });

  it('refusals uniform: every refusal reads "Invalid input."', async () => {
    const { s, c } = await device({ refusals: 'uniform' });
    expect(await add(c, ['junk'])).toBe(
      'ERROR\r\n*r ServicesAddResult (status=Error):\r\n*r ServicesAddResult Reason: "Invalid input."\r\n** end\r\n',
    );
    await xcommand(c, `xCommand Security ClientSecret Populate Secret: "${b64u(SECRET)}"`);
    const blob = await seal('add', 'not a certificate', SECRET);
    for (const body of [[blob], wrap(blob), ['junk']])
      expect(await add(c, body)).toContain('Reason: "Invalid input."');
    expect(
      s.events
        .filter((e) => e.type === 'command' && e.status === 'Error')
        .every((e) => e.type === 'command' && e.reason === 'Invalid input.'),
    ).toBe(true);
  });

  it('xDocument Schema: True answers from the published schema; a path it lacks is an error', async () => {
    const { c } = await device();
    c.send('xDocument Path: "Command/Security/ClientSecret/Populate" Schema: True Format: JSON\r');
    const populate = await c.until(/\r\n(OK|ERROR)\r\n/);
    const doc = JSON.parse(populate.replace(/\r\n\r\nOK\r\n$/, '')) as Record<string, unknown>;
    const published = XAPI_11_19_SUBSET.commands['Security ClientSecret Populate']!;
    expect(doc).toEqual({
      command: 'True',
      multiline: published.multiline ? 'True' : 'False',
      role: published.roles,
      Secret: { required: 'True', ValueSpace: { type: 'String', MaxLength: '1024', MinLength: '0' } },
    });
    c.send('xDocument Path: "Status/Conference/Call" Schema: True Format: JSON\r');
    const call = await c.until(/\r\n(OK|ERROR)\r\n/);
    expect(JSON.parse(call.replace(/\r\n\r\nOK\r\n$/, ''))).toEqual({
      SessionType: { ValueSpace: { type: 'Literal', Value: ['Call', 'Share', 'InstantMeeting'] } },
    });
    c.send('xDocument Path: "Status/NoSuchNode" Schema: True Format: JSON\r');
    expect(await c.until(/\r\n(OK|ERROR)\r\n/)).toBe(
      '*r Result (status=Error):\r\n*r Result Reason: "No match on Path argument"\r\n** end\r\n\r\nERROR\r\n',
    );
  });
});
