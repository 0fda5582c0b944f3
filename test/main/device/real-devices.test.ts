/**
 * What real devices print (shared/reference/real-devices.md, each with its public source) through the
 * session and the parsers, byte for byte; and the console line-limit probe against a console that cuts
 * lines as a canonical-mode tty does (4,095 bytes), one that drops them, and one with no limit.
 */
import { describe, expect, it } from 'vitest';
import { softwareSupported } from '../../../src/core/support.js';
import {
  hasIdentity,
  parseCertificates,
  parseE2eeStatus,
  parseIdentity,
  parseJsonResponse,
  parseTerminalBlock,
} from '../../../src/core/xapi/index.js';
import { ConsoleSession } from '../../../src/main/device/index.js';
import { externalIdentityIs, pickLeaf } from '../../../src/main/workflows/identity.js';
import { ScriptedConsole, roomOsBanner, shell } from './scripted.js';

/** PD: an SSH session of RoomOS 11.23.1.8, as captured. */
const PD_BANNER =
  'Welcome to NYC Cisco\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\nLast login from <unknown> at 2025-03-12 11:27:11\r\n\r\n';
/** JSX: an older CE banner (a blank line before OK). */
const JSX_BANNER =
  'Welcome to mmyrseth-sx20\r\nCisco Codec Release ce8.1.0 PreAlpha1 (TEST SW, ce-8.0.0-alpha3-7128-g16c75fd)\r\nSW Release Date: 2015-08-10 18:28:24, matchbox\r\n*r Login successful\r\n\r\nOK\r\n\r\n';

/** RKM: `xStatus SystemUnit` of a Room Kit Mini on RoomOS 11.19.1.7, in the terminal grammar. */
const RKM_SYSTEM_UNIT = [
  '*s SystemUnit Hardware Module DeviceId: "373a93cd-5f65-572a-81d8-95d0b15ebad4"',
  '*s SystemUnit Hardware Module SerialNumber: "FOC2402N8ZX"',
  '*s SystemUnit ProductId: "Cisco Room Kit Mini"',
  '*s SystemUnit ProductPlatform: "Room Kit Mini"',
  '*s SystemUnit ProductType: "Cisco Codec"',
  '*s SystemUnit Software DisplayName: "RoomOS 11.19.1.7 3055d561c16"',
  '*s SystemUnit Software Name: "s53200"',
  '*s SystemUnit Software OptionKeys Encryption: "True"',
  '*s SystemUnit Software ReleaseDate: "2024-08-05"',
  '*s SystemUnit Software Version: "ce11.19.1.7.3055d561c16"',
  '** end',
];

/** RKM: the E2EE status of a registered device without an external identity. */
const RKM_E2EE = [
  '*s Conference EndToEndEncryption Availability: "Available"',
  '*s Conference EndToEndEncryption ExternalIdentity Identity: ""',
  '*s Conference EndToEndEncryption ExternalIdentity Status: ""',
  '*s Conference EndToEndEncryption ExternalIdentity Verification: ""',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 Fingerprint: "db77d2806e37bc1d3ecbcf03dfa5ad2145248424"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 NotAfter: "2024-09-09T03:00:37.000000000+0000"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 PublicKeyAlgorithm: "ECDSA P256 SHA-256"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 SerialNumber: "0132AE90AA93686DC3"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 SignatureAlgorithm: "ECDSA P384 SHA-384"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 Subject 1 Name: "machine:d644b92e"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 Subject 2 Name: "agilustech.in"',
  '*s Conference EndToEndEncryption InternalIdentity CertificateChain Certificate 1 Validity: "Valid"',
  '*s Conference EndToEndEncryption InternalIdentity Identity: "agilustech.in"',
  '*s Conference EndToEndEncryption InternalIdentity Status: "Valid"',
  '*s Conference EndToEndEncryption InternalIdentity Verification: "WebexVerified"',
  '** end',
];

/** ALD: a real device's list after adding a Let's Encrypt leaf with its R3 intermediate. */
const ALD_SERVICES_SHOW = [
  '*r ServicesShowResult (status=OK): ',
  '*r ServicesShowResult Details 1 Fingerprint: "ce4eb947c2c17d58bbc08303bf278464beebf2af"',
  '*r ServicesShowResult Details 1 IssuerName: "/C=US/O=Let\'s Encrypt/CN=R3"',
  '*r ServicesShowResult Details 1 SubjectName: "/CN=roomkitplus.aldaviva.com"',
  '*r ServicesShowResult Details 1 UsedFor: "SIP, HTTPS server"',
  '*r ServicesShowResult Details 1 notAfter: "Aug 08 03:04:26 2023 GMT"',
  '*r ServicesShowResult Details 2 Fingerprint: "a053375bfe84e8b748782c7cee15827a6af5a405"',
  '*r ServicesShowResult Details 2 IssuerName: "/O=Digital Signature Trust Co./CN=DST Root CA X3"',
  '*r ServicesShowResult Details 2 SubjectName: "/C=US/O=Let\'s Encrypt/CN=R3"',
  '*r ServicesShowResult Details 2 UsedFor: "SIP, HTTPS server"',
  '** end',
];

describe('real devices: the session reads what they print', () => {
  it('the PD banner of RoomOS 11.23.1.8 (SSH), byte for byte, then a request', async () => {
    const t = new ScriptedConsole(shell());
    const s = new ConsoleSession(t, { timeoutMs: 2000, statusGraceMs: 300 });
    t.say(PD_BANNER);
    await s.start({ wake: false, wakeIntervalMs: 200 });
    expect(s.banner).toEqual(roomOsBanner('NYC Cisco'));
    expect(s.productId).toBe('Cisco Room Kit');
    expect(softwareSupported(s.banner.release!)).toMatchObject({ supported: true, family: 'RoomOS' });
    await s.close();
  });

  it('the JSX banner of an old CE release: read, and judged too old by its number', async () => {
    const t = new ScriptedConsole(shell());
    const s = new ConsoleSession(t, { timeoutMs: 2000, statusGraceMs: 300 });
    t.say(JSX_BANNER);
    await s.start({ wake: false, wakeIntervalMs: 200 });
    expect(s.banner.release).toBe('ce8.1.0 PreAlpha1 (TEST SW, ce-8.0.0-alpha3-7128-g16c75fd)');
    expect(s.banner.releaseDate).toBe('2015-08-10 18:28:24, matchbox');
    expect(softwareSupported(s.banner.release!)).toEqual({
      supported: false,
      release: [8, 1, 0],
      family: 'CE',
      releaseText: '8.1.0',
    });
    await s.close();
  });

  it('LAB: OK before the *r block of an xCommand, a trailing space after the colon, OK after ** end', async () => {
    const t = new ScriptedConsole(
      shell((line, tag) => {
        if (line.startsWith('xCommand Video SelfView Set'))
          return `\r\nOK\r\n*r SelfViewSetResult (status=OK): \r\n** resultId: "${tag}"\r\n** end\r\n`;
        if (line.startsWith('xConfiguration SystemUnit Name'))
          return `*c xConfiguration SystemUnit Name: " "\r\n** resultId: "${tag}"\r\n** end\r\n\r\nOK\r\n`;
        return undefined;
      }, false),
    );
    const s = new ConsoleSession(t, { timeoutMs: 2000, statusGraceMs: 300 });
    t.say(PD_BANNER);
    await s.start({ wake: false, wakeIntervalMs: 200 });
    expect(s.mode).toBe('terminal');
    const cmd = await s.request('xCommand Video SelfView Set Mode: On');
    expect(cmd).toMatchObject({ status: 'OK', resultName: 'SelfViewSetResult' });
    const cfg = await s.request('xConfiguration SystemUnit Name');
    expect(cfg.status).toBe('OK');
    expect(cfg.entries).toEqual([{ path: ['SystemUnit', 'Name'], value: ' ' }]);
    // The OK of the configuration read was its own: the next request is not confused by it.
    expect((await s.request('xCommand Video SelfView Set Mode: On')).status).toBe('OK');
    await s.close();
  });

  it('JSX: a JSON error with its ResultId on a line of its own', () => {
    const lines = [
      '{ "CommandResponse": { "Result": { "status": "Error", "Reason": { "Value": "Unknown command" }, "XPath": { "Value": "/Dila" } } }',
      ',"ResultId": "request-1"',
      '}',
    ];
    const res = parseJsonResponse(JSON.parse(lines.join('\n')) as unknown, lines);
    expect(res).toMatchObject({
      status: 'Error',
      reason: 'Unknown command',
      xpath: '/Dila',
      resultId: 'request-1',
    });
  });
});

describe('real devices: the parsers read what they print', () => {
  it('RKM SystemUnit: a ce-prefixed RoomOS 11 version is supported; the Encryption option key is read', () => {
    const id = parseIdentity(parseTerminalBlock(RKM_SYSTEM_UNIT), null, null);
    expect(id).toEqual({
      productId: 'Cisco Room Kit Mini',
      softwareVersion: 'ce11.19.1.7.3055d561c16',
      softwareDisplayName: 'RoomOS 11.19.1.7 3055d561c16',
      serialNumber: 'FOC2402N8ZX',
      systemName: '',
      webexStatus: null,
      encryptionOptionKey: 'True',
    });
    expect(softwareSupported(id.softwareVersion, id.softwareDisplayName)).toEqual({
      supported: true,
      release: [11, 19, 1, 7],
      family: 'RoomOS',
      releaseText: '11.19.1.7',
    });
  });

  it('RKM E2EE status: empty external values, WebexVerified, nanosecond dates with a +0000 offset', () => {
    const st = parseE2eeStatus(parseTerminalBlock(RKM_E2EE));
    expect(st.present).toBe(true);
    expect(st.availability).toBe('Available');
    expect(st.external).toEqual({ verification: '', identity: '', status: '', certificateChain: [] });
    expect(hasIdentity(st.external)).toBe(false);
    expect(externalIdentityIs(st.external, 'room.example.com')).toBe(false);
    expect(st.internal.verification).toBe('WebexVerified');
    expect(hasIdentity(st.internal)).toBe(true);
    expect(st.internal.certificateChain).toEqual([
      {
        index: 1,
        fingerprint: 'db77d2806e37bc1d3ecbcf03dfa5ad2145248424',
        notAfter: '2024-09-09T03:00:37.000000000+0000',
        notBefore: null,
        notAfterIso: '2024-09-09T03:00:37.000Z',
        notBeforeIso: null,
        primaryName: null,
        publicKeyAlgorithm: 'ECDSA P256 SHA-256',
        serialNumber: '0132AE90AA93686DC3',
        signatureAlgorithm: 'ECDSA P384 SHA-384',
        subjectNames: ['machine:d644b92e', 'agilustech.in'],
        validity: 'Valid',
      },
    ]);
  });

  it('compares the external identity case-insensitively', () => {
    const ext = {
      verification: 'External',
      identity: 'Room.Example.COM',
      status: 'VALID',
      certificateChain: [],
    };
    expect(externalIdentityIs(ext, 'room.example.com')).toBe(true);
    expect(externalIdentityIs({ ...ext, status: 'invalid' }, 'room.example.com')).toBe(false);
  });

  it('ALD certificate list: the chain entry shows the leaf labels; the leaf is found by who issued whom', () => {
    const certs = parseCertificates(parseTerminalBlock(ALD_SERVICES_SHOW));
    expect(certs.map((c) => [c.fingerprint, c.usedFor])).toEqual([
      ['ce4eb947c2c17d58bbc08303bf278464beebf2af', 'SIP, HTTPS server'],
      ['a053375bfe84e8b748782c7cee15827a6af5a405', 'SIP, HTTPS server'],
    ]);
    expect(pickLeaf(certs)).toBe('ce4eb947c2c17d58bbc08303bf278464beebf2af');
    // In either order, and with the intermediate known to the tool, the chain entry is never the identity.
    expect(pickLeaf([...certs].reverse())).toBe('ce4eb947c2c17d58bbc08303bf278464beebf2af');
    expect(pickLeaf(certs, new Set(['ce4eb947c2c17d58bbc08303bf278464beebf2af']))).toBe(
      'ce4eb947c2c17d58bbc08303bf278464beebf2af',
    );
  });

  it('two unrelated certificates for WebexIdentity are ambiguous: a coded error that lists them', () => {
    const certs = parseCertificates(parseTerminalBlock(ALD_SERVICES_SHOW));
    const other = { ...certs[0]!, index: 3, fingerprint: 'ff'.repeat(20), subjectName: '/CN=other.example' };
    let code = '';
    let message = '';
    try {
      pickLeaf([certs[0]!, other]);
    } catch (e) {
      code = (e as { code: string }).code;
      message = (e as Error).message;
    }
    expect(code).toBe('ERR_WORKFLOW_IDENTITY_AMBIGUOUS');
    expect(message).toContain('ce4eb947c2c17d58bbc08303bf278464beebf2af');
    expect(message).toContain('ff'.repeat(20));
  });
});

/** A console that answers `xStatus SystemUnit ProductId` however padded, tagged only if the tag arrived. */
function lineConsole(cut: (line: string) => string | null): ScriptedConsole {
  const base = shell();
  return new ScriptedConsole((raw) => {
    const line = cut(raw);
    if (line === null) return undefined;
    const m = /^xStatus SystemUnit ProductId\s*(?:\|\s*resultId="([^"]*)"\s*)?$/.exec(line);
    if (m && /\s{2}/.test(line)) {
      const tag = m[1];
      return tag === undefined
        ? '{\r\n  "Status": {\r\n    "SystemUnit": {\r\n      "ProductId": {\r\n        "Value": "Cisco Room Kit"\r\n      }\r\n    }\r\n  }\r\n}\r\n'
        : `{\r\n  "Status": {\r\n    "SystemUnit": {\r\n      "ProductId": {\r\n        "Value": "Cisco Room Kit"\r\n      }\r\n    }\r\n  },\r\n  "ResultId": "${tag}"\r\n}\r\n`;
    }
    if (/^xStatus SystemUnit ProductId\s+\|\s*resultId="[^"]*$/.test(line)) {
      // The tag was cut inside its quotes: the device refuses the line.
      return '{\r\n  "CommandResponse": {\r\n    "Result": {\r\n      "status": "Error"\r\n    }\r\n  }\r\n}\r\n';
    }
    return base(line);
  });
}

async function startOn(t: ScriptedConsole): Promise<ConsoleSession> {
  const s = new ConsoleSession(t, { timeoutMs: 2000, statusGraceMs: 200 });
  t.say(PD_BANNER);
  await s.start({ wake: false, wakeIntervalMs: 200 });
  return s;
}

describe('the console line-limit probe', () => {
  it('a canonical-mode tty (4,095 bytes a line): 4,095 arrive whole, 4,096 are cut; the session goes on', async () => {
    const t = lineConsole((l) =>
      Buffer.byteLength(l) > 4095 ? Buffer.from(l).subarray(0, 4095).toString() : l,
    );
    const s = await startOn(t);
    expect((await s.probeLine(4095)).result).toBe('whole');
    // The device's answer to the cut line is kept as printed (here: the tag cut inside its quotes).
    expect(await s.probeLine(4096)).toEqual({
      result: 'cut',
      raw: ['{', '  "CommandResponse": {', '    "Result": {', '      "status": "Error"', '    }', '  }', '}'],
    });
    expect((await s.probeLine(8192)).result).toBe('cut');
    // The tag of the probe line itself sits at the very end: the whole line went out, padded with spaces.
    const sent = t.writes.find((w) => w.length === 4096);
    expect(sent).toMatch(/^xStatus SystemUnit ProductId {2,}\| resultId="e2p\d+"\n$/);
    expect((await s.request('xStatus SystemUnit ProductId')).status).toBe('OK');
    await s.close();
  });

  it('a console that drops a long line whole: silent, after the probe time-out', async () => {
    const t = lineConsole((l) => (l.length > 2048 ? null : l));
    const s = await startOn(t);
    expect((await s.probeLine(2048)).result).toBe('whole');
    expect((await s.probeLine(3000, 300)).result).toBe('silent');
    await s.close();
  });

  it('a console without a limit: 8 KiB lines arrive whole, and nothing is refused on a guess', async () => {
    const t = lineConsole((l) => l);
    const s = await startOn(t);
    expect(s.lineLimit).toBe(Number.POSITIVE_INFINITY);
    expect((await s.probeLine(8192)).result).toBe('whole');
    await s.close();
  });

  it('a measured limit makes longer lines fail before anything is sent', async () => {
    const t = lineConsole((l) => l);
    const s = await startOn(t);
    s.lineLimit = 4095;
    const before = t.writes.length;
    let code = '';
    try {
      await s.request(`xCommand Security ClientSecret Populate Secret: "${'a'.repeat(4100)}"`);
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe('ERR_DEVICE_LINE_TOO_LONG');
    expect(t.writes.length).toBe(before);
    await s.close();
  });
});
