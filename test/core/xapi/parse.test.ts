import { describe, expect, it } from 'vitest';
import {
  ConsoleReader,
  parseCertificates,
  parseConfigurationDump,
  parseE2eeStatus,
  parseIdentity,
  parseJsonResponse,
  parseTerminalBlock,
  type ReaderItem,
  type XapiResponse,
} from '../../../src/core/xapi/index.js';

/** Feeds `text` in pieces of `size` characters and returns all items. */
function read(text: string, size = text.length): ReaderItem[] {
  const r = new ConsoleReader();
  const out: ReaderItem[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...r.push(text.slice(i, i + size)));
  out.push(...r.flush());
  return out;
}

function blocks(items: ReaderItem[]): XapiResponse[] {
  return items.flatMap((i) =>
    i.type === 'block'
      ? [parseTerminalBlock(i.lines)]
      : i.type === 'json'
        ? [parseJsonResponse(i.value, i.lines)!]
        : [],
  );
}

describe('ConsoleReader', () => {
  it('reads the RoomOS 11.23 SSH login (spec §1.1, PD capture), in any chunking', () => {
    const text =
      'Welcome to NYC Cisco\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\nLast login from <unknown> at 2025-03-12 11:27:11\r\n\r\n';
    for (const size of [1, 2, 7, text.length]) {
      expect(read(text, size)).toEqual([
        { type: 'line', line: 'Welcome to NYC Cisco' },
        { type: 'line', line: 'Cisco Codec Release RoomOS 11.23.1.8 3963b07b5c5' },
        { type: 'line', line: 'SW Release Date: 2024-12-12' },
        { type: 'line', line: '*r Login successful' },
        { type: 'status', word: 'OK', line: 'OK' },
        { type: 'line', line: '' },
        { type: 'line', line: 'Last login from <unknown> at 2025-03-12 11:27:11' },
        { type: 'line', line: '' },
      ]);
    }
  });

  it('reads the legacy login with a blank line before OK, LF only (spec §1.1, jsxapi test)', () => {
    const items = read(
      'Welcome to somehost\nCisco Codec Release ce 9.2.2 3a892a1 2017-11-30\nSW Release Date: 2017-11-30 13:06:59, matchbox\n*r Login successful\n\nOK\n\nLast login from 10.228.101.226 at 2017-12-01 13:14:47',
    );
    expect(items.map((i) => i.type)).toEqual([
      'line',
      'line',
      'line',
      'line',
      'line',
      'status',
      'line',
      'line',
    ]);
  });

  it('strips the escape sequence after echo off (spec §1.4) and splits O/K across reads', () => {
    expect(read('\u001b[?1034h\r\nOK\r\n', 1)).toEqual([
      { type: 'line', line: '' },
      { type: 'status', word: 'OK', line: 'OK' },
    ]);
  });

  it('keeps a prompt without line break as the partial line', () => {
    const r = new ConsoleReader();
    expect(r.push('\r\nlogin: ')).toEqual([{ type: 'line', line: '' }]);
    expect(r.partial).toBe('login: ');
  });

  it('reads an xCommand answer with OK before the block (spec §2.1, WS p.18)', () => {
    const items = read(
      'OK\r\n*r DialResult (status=OK):\r\n*r DialResult CallId: 2\r\n*r DialResult ConferenceId: 1\r\n** end\r\n',
      3,
    );
    expect(items.map((i) => i.type)).toEqual(['status', 'block']);
    const [res] = blocks(items);
    expect(res).toMatchObject({
      grammar: 'terminal',
      kind: 'command',
      resultName: 'DialResult',
      status: 'OK',
      entries: [
        { path: ['CallId'], value: '2' },
        { path: ['ConferenceId'], value: '1' },
      ],
    });
  });

  it('only a whole line OK is a completion line (spec §2.2, Netmiko PR #356)', () => {
    const items = read('*s Video Input Connector 1 SignalState: OK\n** end\n\nOK\n');
    expect(items.map((i) => i.type)).toEqual(['block', 'line', 'status']);
    expect(blocks(items)[0]?.entries).toEqual([
      { path: ['Video', 'Input', 'Connector', '1', 'SignalState'], value: 'OK' },
    ]);
  });

  it('reads a tagged answer with an old-style continuation line (spec §2.1, ROS xAPI.md)', () => {
    const items = read(
      'xcommand Video Layout Add | resultId="mytag _ 1"\nOK\n*r VideoLayoutAddResult (status=OK):\nLayoutId: 1\n** resultId: "mytag _ 1"\n** end\n',
    );
    const [res] = blocks(items);
    expect(res?.resultId).toBe('mytag _ 1');
    expect(res?.entries).toEqual([{ path: ['LayoutId'], value: '1' }]);
    expect(items[0]).toEqual({ type: 'line', line: 'xcommand Video Layout Add | resultId="mytag _ 1"' });
  });

  it('reads pretty-printed JSON among stray lines, braces in strings included (spec §3.3)', () => {
    const text = [
      'OK',
      '{',
      '  "Status": {',
      '    "SystemUnit": { "Name": { "Value": "a } tricky { \\"name\\"" } }',
      '  },',
      '  "ResultId": "e2p1"',
      '}',
      'Command not recognized.',
      '{"ResultId":"e2p2"}',
      '',
    ].join('\r\n');
    const items = read(text, 5);
    expect(items.map((i) => i.type)).toEqual(['status', 'json', 'notRecognized', 'json']);
    const [a, b] = blocks(items);
    expect(a).toMatchObject({
      grammar: 'json',
      kind: 'status',
      resultId: 'e2p1',
      entries: [{ path: ['SystemUnit', 'Name'], value: 'a } tricky { "name"' }],
    });
    expect(b).toMatchObject({ kind: 'empty', status: 'OK', resultId: 'e2p2' });
  });

  it('closes a block cut short by a completion line', () => {
    const items = read('*s Audio Volume: 50\nOK\n');
    expect(items).toEqual([
      { type: 'block', lines: ['*s Audio Volume: 50'], ended: false },
      { type: 'status', word: 'OK', line: 'OK' },
    ]);
  });
});

describe('terminal answers', () => {
  it('xStatus (spec §2.1, WS p.12)', () => {
    expect(parseTerminalBlock(['*s SystemUnit Uptime: 62974', '** end'])).toEqual({
      grammar: 'terminal',
      kind: 'status',
      status: 'OK',
      entries: [{ path: ['SystemUnit', 'Uptime'], value: '62974' }],
      lines: ['*s SystemUnit Uptime: 62974', '** end'],
    });
  });

  it('xConfiguration with quotes and escapes', () => {
    const res = parseTerminalBlock(['*c xConfiguration SystemUnit Name: "my \\"dev\\": 1"', '** end']);
    expect(res.kind).toBe('configuration');
    expect(res.entries).toEqual([{ path: ['SystemUnit', 'Name'], value: 'my "dev": 1' }]);
  });

  it('a failed xStatus (spec §2.2)', () => {
    const res = parseTerminalBlock([
      '*r Status (status=Error):',
      '*r Status Reason: "No match on address expression."',
      '*r Status XPath: "Status/Foo"',
      '** resultId: "e2p9"',
      '** end',
    ]);
    expect(res).toMatchObject({
      kind: 'command',
      resultName: 'Status',
      status: 'Error',
      reason: 'No match on address expression.',
      xpath: 'Status/Foo',
      resultId: 'e2p9',
      entries: [],
    });
  });

  it('the bare XPath form (EXT) is an error', () => {
    const res = parseTerminalBlock([
      '*r Status XPath: "Status/Conference/Presentation/LocalInstance[1]/Source"',
      '** end',
    ]);
    expect(res.status).toBe('Error');
    expect(res.xpath).toBe('Status/Conference/Presentation/LocalInstance[1]/Source');
  });

  it('ParameterError and command errors', () => {
    expect(parseTerminalBlock(['*r DialResult (status=ParameterError):', '** end']).status).toBe(
      'ParameterError',
    );
    const res = parseTerminalBlock([
      '*r Result (status=Error):',
      '*r Result Reason: "Unknown command"',
      '*r Result XPath: "/Foo/Bar"',
      '** end',
    ]);
    expect(res).toMatchObject({
      status: 'Error',
      reason: 'Unknown command',
      xpath: '/Foo/Bar',
      resultName: 'Result',
    });
  });

  it('a ghost is not a value (spec §2.1)', () => {
    expect(parseTerminalBlock(['*s Call 2 (ghost=True):', '** end']).entries).toEqual([]);
  });
});

describe('JSON answers (spec §3.3 shapes)', () => {
  it('command success and errors', () => {
    expect(
      parseJsonResponse({
        CommandResponse: {
          DialResult: { status: 'OK', CallId: { Value: '2' }, ConferenceId: { Value: '1' } },
        },
        ResultId: 'request-1',
      }),
    ).toMatchObject({
      kind: 'command',
      resultName: 'DialResult',
      status: 'OK',
      resultId: 'request-1',
      entries: [
        { path: ['CallId'], value: '2' },
        { path: ['ConferenceId'], value: '1' },
      ],
    });
    expect(
      parseJsonResponse({
        CommandResponse: {
          Result: { status: 'Error', Reason: { Value: 'Unknown command' }, XPath: { Value: '/Dila' } },
        },
        ResultId: 'request-1',
      }),
    ).toMatchObject({ status: 'Error', reason: 'Unknown command', xpath: '/Dila', entries: [] });
    expect(
      parseJsonResponse({ CommandResponse: { DialResult: { status: 'ParameterError' } }, ResultId: 'r' })
        ?.status,
    ).toBe('ParameterError');
  });

  it('status errors in the new and configuration value errors', () => {
    expect(
      parseJsonResponse({
        Status: {
          status: 'Error',
          Reason: { Value: 'No match on address expression.' },
          XPath: { Value: 'Status/Wrong' },
        },
        ResultId: 'x',
      }),
    ).toMatchObject({
      kind: 'status',
      status: 'Error',
      reason: 'No match on address expression.',
      xpath: 'Status/Wrong',
    });
    expect(
      parseJsonResponse({
        Configuration: { Audio: { DefaultVolume: { error: 'True', Value: 'Illegal value' } } },
        ResultId: 'r',
      }),
    ).toMatchObject({
      status: 'Error',
      reason: 'Illegal value',
      xpath: 'Configuration/Audio/DefaultVolume',
      entries: [],
    });
  });

  it('arrays by id, ghosts skipped, metadata dropped, feedback without ResultId', () => {
    const res = parseJsonResponse({
      Status: {
        Audio: { id: '', Volume: { Value: '75' } },
        Peripherals: {
          ConnectedDevice: [
            { id: '1115', ghost: 'True' },
            { id: '7', Name: { Value: 'Navigator' } },
          ],
        },
      },
    });
    expect(res?.resultId).toBeUndefined();
    expect(res?.entries).toEqual([
      { path: ['Audio', 'Volume'], value: '75' },
      { path: ['Peripherals', 'ConnectedDevice', '7', 'Name'], value: 'Navigator' },
    ]);
  });

  it('returns null for what is not an answer', () => {
    expect(parseJsonResponse([1, 2])).toBeNull();
    expect(parseJsonResponse({ Foo: {} })).toBeNull();
    expect(parseJsonResponse({})).toBeNull();
  });
});

describe('typed readings', () => {
  const certsTerminal = parseTerminalBlock([
    '*r ServicesShowResult (status=OK):',
    '*r ServicesShowResult Details 1 Fingerprint: "CE4EB947C2C17D58BBC08303BF278464BEEBF2AF"',
    '*r ServicesShowResult Details 1 HashingAlgorithm: "sha256WithRSAEncryption"',
    '*r ServicesShowResult Details 1 IssuerName: "/C=US/O=Let\'s Encrypt/CN=R3"',
    '*r ServicesShowResult Details 1 PublicKeySize: "2048"',
    '*r ServicesShowResult Details 1 SerialNumber: "03AAD99323EE064071B6993725BDBECA3558"',
    '*r ServicesShowResult Details 1 SignatureAlgorithm: "rsaEncryption"',
    '*r ServicesShowResult Details 1 SubjectName: "/CN=roomkitplus.aldaviva.com"',
    '*r ServicesShowResult Details 1 UsedFor: "SIP, HTTPS server"',
    '*r ServicesShowResult Details 1 Version: "3"',
    '*r ServicesShowResult Details 1 notAfter: "Aug 08 03:04:26 2023 GMT"',
    '*r ServicesShowResult Details 1 notBefore: "May 10 03:04:27 2023 GMT"',
    '*r ServicesShowResult Details 2 Fingerprint: "0000000000000000000000000000000000000002"',
    '*r ServicesShowResult Details 2 UsedFor: "None"',
    '*r ServicesShowResult Format: Text',
    '** end',
  ]);

  it('certificates from the terminal form (spec §5.3, ALD fields)', () => {
    const certs = parseCertificates(certsTerminal);
    expect(certs).toHaveLength(2);
    expect(certs[0]).toMatchObject({
      index: 1,
      fingerprint: 'ce4eb947c2c17d58bbc08303bf278464beebf2af',
      subjectName: '/CN=roomkitplus.aldaviva.com',
      issuerName: "/C=US/O=Let's Encrypt/CN=R3",
      notBefore: 'May 10 03:04:27 2023 GMT',
      notAfter: 'Aug 08 03:04:26 2023 GMT',
      serialNumber: '03AAD99323EE064071B6993725BDBECA3558',
      usedFor: 'SIP, HTTPS server',
      purposes: ['SIP', 'HTTPS server'],
      publicKeySize: '2048',
      version: '3',
    });
    expect(certs[1]).toMatchObject({ index: 2, purposes: [], subjectName: null });
  });

  it('certificates from the JSON form give the same', () => {
    const json = parseJsonResponse({
      CommandResponse: {
        ServicesShowResult: {
          status: 'OK',
          Details: [
            {
              id: '1',
              Fingerprint: { Value: 'ce4eb947c2c17d58bbc08303bf278464beebf2af' },
              SubjectName: { Value: '/CN=roomkitplus.aldaviva.com' },
              UsedFor: { Value: 'WebexIdentity' },
              notAfter: { Value: 'Aug 08 03:04:26 2023 GMT' },
            },
          ],
          Format: { Value: 'Text' },
        },
      },
      ResultId: 'e2p3',
    })!;
    expect(parseCertificates(json)[0]).toMatchObject({
      fingerprint: 'ce4eb947c2c17d58bbc08303bf278464beebf2af',
      purposes: ['WebexIdentity'],
      notAfter: 'Aug 08 03:04:26 2023 GMT',
    });
  });

  it('identity', () => {
    const su = parseTerminalBlock([
      '*s SystemUnit Hardware Module SerialNumber: "FOC2345X0AB"',
      '*s SystemUnit ProductId: "Cisco Room Kit"',
      '*s SystemUnit Software DisplayName: "RoomOS 11.23.1.8 3963b07b5c5"',
      '*s SystemUnit Software Version: "11.23.1.8.3963b07b5c5"',
      '** end',
    ]);
    const name = parseTerminalBlock(['*c xConfiguration SystemUnit Name: "Lobby"', '** end']);
    const webex = parseTerminalBlock(['*s Webex Status: Stopped', '** end']);
    expect(parseIdentity(su, name, webex)).toEqual({
      productId: 'Cisco Room Kit',
      softwareVersion: '11.23.1.8.3963b07b5c5',
      softwareDisplayName: 'RoomOS 11.23.1.8 3963b07b5c5',
      serialNumber: 'FOC2345X0AB',
      systemName: 'Lobby',
      webexStatus: 'Stopped',
      encryptionOptionKey: null,
    });
    expect(parseIdentity(su, null, null)).toMatchObject({ systemName: '', webexStatus: null });
  });

  it('E2EE status with a chain (spec §5.6 terminal form)', () => {
    const p = '*s Conference EndToEndEncryption';
    const res = parseTerminalBlock([
      `${p} Availability: Available`,
      `${p} ExternalIdentity CertificateChain Certificate 1 Fingerprint: "AB12"`,
      `${p} ExternalIdentity CertificateChain Certificate 1 NotAfter: "2027-01-01T00:00:00Z"`,
      `${p} ExternalIdentity CertificateChain Certificate 1 Subject 1 Name: "CN=room.example.com"`,
      `${p} ExternalIdentity CertificateChain Certificate 1 Subject 2 Name: "DNS:room.example.com"`,
      `${p} ExternalIdentity CertificateChain Certificate 1 Validity: "valid"`,
      `${p} ExternalIdentity CertificateChain Certificate 2 Fingerprint: "CD34"`,
      `${p} ExternalIdentity Identity: "room.example.com"`,
      `${p} ExternalIdentity Status: "valid"`,
      `${p} ExternalIdentity Verification: "external"`,
      `${p} InternalIdentity Verification: "Webex unverified"`,
      '** end',
    ]);
    const s = parseE2eeStatus(res);
    expect(s.present).toBe(true);
    expect(s.availability).toBe('Available');
    expect(s.external).toMatchObject({
      verification: 'external',
      identity: 'room.example.com',
      status: 'valid',
    });
    expect(
      s.external.certificateChain.map((c) => [c.index, c.fingerprint, c.validity, c.subjectNames]),
    ).toEqual([
      [1, 'ab12', 'valid', ['CN=room.example.com', 'DNS:room.example.com']],
      [2, 'cd34', null, []],
    ]);
    expect(s.internal).toEqual({
      verification: 'Webex unverified',
      identity: null,
      status: null,
      certificateChain: [],
    });
    expect(parseE2eeStatus(null)).toMatchObject({ present: false, availability: null });
  });

  it('configuration dump keeps the raw lines and whether values were quoted', () => {
    const lines = [
      '*c xConfiguration SystemUnit Name: "my-device"',
      '*c xConfiguration Network 1 IPv4 Assignment: DHCP',
      '*c xConfiguration Audio DefaultVolume: 50',
      '** resultId: "e2p5"',
      '** end',
    ];
    expect(parseConfigurationDump(parseTerminalBlock(lines))).toEqual({
      lines: lines.slice(0, 3),
      nodes: [
        { path: 'SystemUnit Name', value: 'my-device', quoted: true },
        { path: 'Network 1 IPv4 Assignment', value: 'DHCP', quoted: false },
        { path: 'Audio DefaultVolume', value: '50', quoted: false },
      ],
      values: {
        'SystemUnit Name': 'my-device',
        'Network 1 IPv4 Assignment': 'DHCP',
        'Audio DefaultVolume': '50',
      },
    });
    const json = parseJsonResponse({
      Configuration: { Network: [{ id: '1', IPv4: { Assignment: { Value: 'DHCP', valueSpaceRef: '/x' } } }] },
    })!;
    expect(parseConfigurationDump(json)).toEqual({
      lines: [],
      nodes: [{ path: 'Network 1 IPv4 Assignment', value: 'DHCP' }],
      values: { 'Network 1 IPv4 Assignment': 'DHCP' },
    });
  });
});

describe('hostile lines (found by the fuzz suite)', () => {
  it('a line holding a line terminator after a long run of spaces parses in linear time', () => {
    // Long enough that a quadratic parse would outlast the test's time limit by far (no time asserted:
    // a linear one returns in milliseconds, whatever else keeps the machine busy).
    const line = `*r \u0000${' '.repeat(400_000)}\u0000\n\u0000`;
    const r = parseTerminalBlock([
      line,
      '*r ServicesShowResult (status=OK):',
      '*r ServicesShowResult Format: Text',
    ]);
    expect(r.status).toBe('OK');
    expect(r.entries).toEqual([{ path: ['Format'], value: 'Text' }]);
  });

  it('a result header followed by a long run of CRs and then text parses in linear time', () => {
    // `\s*:?\s*$` tried every split of the run (40,000 CRs took 1.6 s; this one would take minutes).
    const header = `*r ServicesShowResult (status=OK)${'\r'.repeat(200_000)}{${'\r'.repeat(1_000)}`;
    const r = parseTerminalBlock([header, '*r ServicesShowResult (status=Error):', '** end']);
    expect(r.status).toBe('Error');
    for (const [line, status] of [
      ['*r ServicesShowResult (status=OK)', 'OK'],
      ['*r ServicesShowResult (status=OK):', 'OK'],
      ['*r ServicesShowResult (status=OK) :  ', 'OK'],
    ] as const)
      expect(parseTerminalBlock([line, '** end']).status).toBe(status);
  });
});
