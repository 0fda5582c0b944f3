import { describe, expect, it } from 'vitest';
import { reportText, updateText } from '../../../src/cli/commands/meeting-check.js';
import {
  E2EE_SESSION_TYPES,
  classifyEncrypted,
  classifyVerification,
  compareMeetings,
  meetingVerdict,
  parseCertInfo,
  parseJsonResponse,
  parseMeetingCalls,
  parseParticipantEvent,
  parseParticipantList,
  parseTerminalBlock,
  readSessionType,
  type MeetingReading,
} from '../../../src/core/xapi/index.js';
import { meetingReport } from '../../../src/main/workflows/meeting.js';

/** A device's certificate facts, as the meeting roster gives them (a JSON text). */
const CERT_FIELDS = {
  subject: 'CN=room-1.example.com, O=Example',
  issuer: 'CN=Example Issuing CA, O=Example',
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  fingerprint: 'AB:CD:EF:01:23',
  serialNumber: '1F',
};
const CERT_INFO = JSON.stringify(CERT_FIELDS);

const CONFERENCE = parseTerminalBlock([
  '*s Conference Call 3 SessionType: 652',
  '*s Conference Call 3 EndToEndEncryption GroupEncryption Type: "MLS_128_DHKEMP256_AES128GCM_SHA256_P256"',
  '*s Conference Call 3 EndToEndEncryption MediaEncryption Type: "AES-256-GCM"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 1 CertInfo: "' +
    CERT_INFO.replace(/\\/g, '\\\\').replace(/"/g, '\\"') +
    '"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 1 DisplayName: "Room 1"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 1 Id: "https://wdm.example/devices/1"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 1 Identity: "room-1.example.com"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 1 Status: "CAVerified"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 2 DisplayName: "Ana"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 2 Identity: "ana@example.com"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 2 Status: "WebexVerified"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 3 DisplayName: "Guest"',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 3 Identity: ""',
  '*s Conference Call 3 EndToEndEncryption Roster Participant 3 Status: "Unverified"',
  '*s Conference Call 3 EndToEndEncryption SecurityCode: "12345 67890"',
  '*s Conference Call 3 EndToEndEncryption Status: On',
  '** end',
]);
const CALL = parseTerminalBlock([
  '*s Call 3 DisplayName: "Weekly"',
  '*s Call 3 Encryption Type: "Aes-128"',
  '*s Call 3 ServerEncryption Type: "TLS1.3"',
  '*s Call 3 Status: Connected',
  '** end',
]);

function reading(overrides: Partial<MeetingReading> = {}): MeetingReading {
  return {
    target: 'serial:/dev/ttyUSB0',
    readAt: '2026-12-01T10:00:00.000Z',
    device: {
      productId: 'Cisco Room Kit',
      serialNumber: 'FOC1',
      systemName: 'Room 1',
      externalIdentity: 'room-1.example.com',
      externalVerification: 'CAVerified',
      internalIdentity: 'example.com',
      identityReported: true,
      expectedIdentity: null,
    },
    calls: parseMeetingCalls(CONFERENCE, CALL),
    participants: [],
    codeHistory: [],
    lastJoin: null,
    ...overrides,
  };
}

describe('session types (Table 1)', () => {
  it('knows the eight IDs by number and name', () => {
    expect(E2EE_SESSION_TYPES.map((t) => t.id)).toEqual([638, 652, 660, 672, 673, 676, 677, 681]);
    expect(readSessionType('673')).toEqual({
      raw: '673',
      id: 673,
      name: 'Education Instructor E2E Encryption_VOIPonly',
      e2eeType: true,
    });
    expect(readSessionType('651')).toEqual({ raw: '651', id: 651, name: null, e2eeType: false });
    expect(readSessionType('InstantMeeting')).toEqual({
      raw: 'InstantMeeting',
      id: null,
      name: null,
      e2eeType: null,
    });
    expect(readSessionType(null)).toEqual({ raw: null, id: null, name: null, e2eeType: null });
  });
});

describe('parseCertInfo', () => {
  it('reads subject, issuer, validity and fingerprint', () => {
    expect(parseCertInfo(CERT_INFO)).toEqual({
      raw: CERT_INFO,
      parsed: true,
      subject: 'CN=room-1.example.com, O=Example',
      issuer: 'CN=Example Issuing CA, O=Example',
      notBefore: '2026-01-01T00:00:00Z',
      notAfter: '2027-01-01T00:00:00Z',
      fingerprint: 'abcdef0123',
      fields: CERT_FIELDS,
    });
  });

  it('other spellings: DN objects, a validity object, a chain list', () => {
    const raw = JSON.stringify({
      Certificates: [
        {
          Subject: { CN: 'a.example', O: 'A' },
          IssuerName: 'CN=CA',
          Validity: { NotBefore: '2026-02-01', NotAfter: '2026-03-01' },
          SHA256Fingerprint: 'FF00',
        },
        { Subject: 'CN=CA' },
      ],
    });
    const c = parseCertInfo(raw);
    expect([c.parsed, c.subject, c.issuer, c.notBefore, c.notAfter, c.fingerprint]).toEqual([
      true,
      'CN=a.example, O=A',
      'CN=CA',
      '2026-02-01',
      '2026-03-01',
      'ff00',
    ]);
  });

  it('what is not a JSON object is kept as given, with the reason', () => {
    expect(parseCertInfo('not json {')).toMatchObject({
      raw: 'not json {',
      parsed: false,
      error: 'not JSON',
    });
    expect(parseCertInfo('[1,2]')).toMatchObject({ parsed: false, error: 'not a JSON object' });
    expect(parseCertInfo('{"toString":1,"__proto__":{"subject":"x"}}')).toMatchObject({
      parsed: true,
      subject: null,
      fields: { toString: '1' },
    });
    expect(parseCertInfo('x'.repeat(70_000))).toMatchObject({
      parsed: false,
      error: 'longer than 65536 characters',
    });
  });
});

describe('parseMeetingCalls', () => {
  it('reads Table 3, the session type, the call encryption and the roster', () => {
    const [call, ...rest] = parseMeetingCalls(CONFERENCE, CALL);
    expect(rest).toEqual([]);
    expect(call).toMatchObject({
      callId: 3,
      callStatus: 'Connected',
      displayName: 'Weekly',
      sessionType: { raw: '652', id: 652, name: 'Pro-End to End Encryption_VOIPonly', e2eeType: true },
      e2ee: {
        status: 'On',
        encrypted: true,
        securityCode: '12345 67890',
        mediaEncryption: 'AES-256-GCM',
        groupEncryption: 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256',
      },
      serverEncryption: 'TLS1.3',
      callEncryption: 'Aes-128',
    });
    expect(
      call!.roster.map((p) => [p.index, p.id, p.status, p.verification, p.identity, p.displayName]),
    ).toEqual([
      [1, 'https://wdm.example/devices/1', 'CAVerified', 'external', 'room-1.example.com', 'Room 1'],
      [2, null, 'WebexVerified', 'webex', 'ana@example.com', 'Ana'],
      [3, null, 'Unverified', 'unverified', '', 'Guest'],
    ]);
    expect(call!.roster[0]!.certInfo?.subject).toBe('CN=room-1.example.com, O=Example');
  });

  it('no call: nothing; unknown words are kept, never mapped', () => {
    expect(parseMeetingCalls(null, null)).toEqual([]);
    const [c] = parseMeetingCalls(
      parseTerminalBlock([
        '*s Conference Call 1 EndToEndEncryption Status: Negotiating',
        '*s Conference Call 1 EndToEndEncryption Roster Participant 1 Status: "SomethingNew"',
        '** end',
      ]),
      null,
    );
    expect(c!.e2ee).toMatchObject({ status: 'Negotiating', encrypted: null });
    expect(c!.roster[0]).toMatchObject({ status: 'SomethingNew', verification: 'unknown' });
    expect(classifyVerification('Webex verified')).toBe('webex');
    expect(classifyVerification('external')).toBe('external');
    expect(classifyVerification('none')).toBe('unverified');
    expect(classifyEncrypted('Off')).toBe(false);
  });
});

describe('participant list and events', () => {
  it('reads Search with the E2EE fields, in JSON', () => {
    const res = parseJsonResponse({
      CommandResponse: {
        ParticipantListSearchResult: {
          status: 'OK',
          Participant: [
            {
              id: '1',
              ParticipantId: { Value: 'p1' },
              DisplayName: { Value: 'Room 1' },
              Status: { Value: 'connected' },
              IsHost: { Value: 'True' },
              EndToEndEncryptionStatus: { Value: 'CAVerified' },
              EndToEndEncryptionIdentity: { Value: 'room-1.example.com' },
              EndToEndEncryptionCertInfo: { Value: CERT_INFO },
            },
          ],
        },
      },
    })!;
    const [p] = parseParticipantList(res);
    expect(p).toMatchObject({
      participantId: 'p1',
      displayName: 'Room 1',
      status: 'connected',
      isHost: true,
      e2eeStatus: 'CAVerified',
      verification: 'external',
      identity: 'room-1.example.com',
    });
    expect(p!.certInfo?.fingerprint).toBe('abcdef0123');
  });

  it('reads ParticipantAdded (seed fields) and the schema form (Device[n] EndToEndEncryption)', () => {
    const added = parseParticipantEvent(
      parseTerminalBlock([
        '*e Conference ParticipantList ParticipantAdded CallId: 3',
        '*e Conference ParticipantList ParticipantAdded DisplayName: "Late"',
        '*e Conference ParticipantList ParticipantAdded EndToEndEncryptionStatus: WebexVerified',
        '*e Conference ParticipantList ParticipantAdded EndToEndEncryptionIdentity: "late@example.com"',
        '** end',
      ]),
    );
    expect(added).toMatchObject({
      change: 'added',
      callId: 3,
      participant: { displayName: 'Late', identity: 'late@example.com', verification: 'webex' },
    });
    const deleted = parseParticipantEvent(
      parseTerminalBlock([
        '*e Conference ParticipantList ParticipantDeleted DisplayName: "Left"',
        '*e Conference ParticipantList ParticipantDeleted Device 1 EndToEndEncryption Identity: "left.example.com"',
        '*e Conference ParticipantList ParticipantDeleted Device 1 EndToEndEncryption Verification: "external"',
        '** end',
      ]),
    );
    expect(deleted).toMatchObject({
      change: 'deleted',
      callId: null,
      participant: { displayName: 'Left', identity: 'left.example.com', verification: 'external' },
    });
    expect(parseParticipantEvent(parseTerminalBlock(['*s Call 1 Status: Connected', '** end']))).toBeNull();
  });
});

describe('the verdict', () => {
  it('encrypted: this device by its CN, externally verified; each participant; the code', () => {
    const v = meetingVerdict(reading());
    expect(v.encrypted).toBe(true);
    expect(v.self).toMatchObject({ identity: 'room-1.example.com', verification: 'external' });
    expect(v.findings.map((f) => [f.code, f.level])).toEqual([
      ['session-type', 'ok'],
      ['encrypted', 'ok'],
      ['self', 'ok'],
      ['participant', 'ok'],
      ['participant', 'ok'],
      ['participant', 'warn'],
      ['security-code', 'info'],
      ['join-not-seen', 'info'],
    ]);
  });

  it('a device without identity, a call that is not encrypted', () => {
    const calls = parseMeetingCalls(
      parseTerminalBlock(['*s Conference Call 1 EndToEndEncryption Status: Off', '** end']),
      null,
    );
    const v = meetingVerdict(
      reading({
        calls,
        device: { ...reading().device, externalIdentity: null, internalIdentity: null },
      }),
    );
    expect(v.encrypted).toBe(false);
    expect(v.findings.map((f) => f.text)).toEqual([
      'This device has no externally issued identity: provision its certificate, then check again.',
      'The call is not end-to-end encrypted (status Off): this device has no identity.',
      'No participant joined while the tool watched: watch (--watch) to see the code change on a join.',
    ]);
    expect(meetingVerdict(reading({ calls: [] })).findings.map((f) => f.code)).toEqual(['no-call']);
  });

  it('a code that did not change on a join fails; codes that differ between devices fail', () => {
    const r = reading({
      lastJoin: {
        at: '2026-12-01T10:00:05.000Z',
        displayName: 'Late',
        identity: null,
        codeBefore: '12345 67890',
        codeAfter: '12345 67890',
        codeChanged: false,
      },
    });
    const v = meetingVerdict(r);
    expect(v.codeChangedOnLastJoin).toBe(false);
    expect(v.findings.find((f) => f.code === 'code-unchanged')?.text).toBe(
      'The security code did not change when Late joined (2026-12-01T10:00:05.000Z): it is still 12345 67890.',
    );
    const other = meetingVerdict({
      ...reading({ target: 'ssh://admin@room-2' }),
      calls: parseMeetingCalls(
        parseTerminalBlock([
          '*s Conference Call 1 EndToEndEncryption SecurityCode: "99999"',
          '*s Conference Call 1 EndToEndEncryption Status: On',
          '** end',
        ]),
        null,
      ),
    });
    const c = compareMeetings([v, other]);
    expect(c.sameSecurityCode).toBe(false);
    expect(c.findings.map((f) => [f.code, f.text])).toEqual([
      [
        'codes-differ',
        'The devices do not show the same security code: serial:/dev/ttyUSB0 12345 67890; ssh://admin@room-2 99999.',
      ],
      [
        'rosters-differ',
        'The devices list different participants: serial:/dev/ttyUSB0 [(Guest), ana@example.com, room-1.example.com]; ssh://admin@room-2 [].',
      ],
    ]);
  });
});

describe('hostile values are shown inert', () => {
  it('control characters in a DisplayName, an identity and a CertInfo never reach the terminal raw', () => {
    const evil = 'Bob\x1b]0;pwned\x07\r\nFAKE [ok] line\u202e';
    // As the JSON grammar carries them (a terminal line cannot hold a line break).
    const conf = parseJsonResponse({
      Status: {
        Conference: {
          Call: [
            {
              id: '1',
              EndToEndEncryption: {
                Status: { Value: 'On' },
                Roster: {
                  Participant: [
                    {
                      id: '1',
                      DisplayName: { Value: evil },
                      Identity: { Value: 'x\x9b31m.example' },
                      CertInfo: { Value: JSON.stringify({ subject: 'CN=\x1b[2J' }) },
                      Status: { Value: 'CAVerified' },
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    })!;
    const calls = parseMeetingCalls(conf, null);
    expect(calls[0]!.roster[0]!.displayName).toBe(evil);
    expect(calls[0]!.roster[0]!.certInfo?.subject).toBe('CN=\x1b[2J');
    const text = reportText(meetingReport([reading({ calls })]));
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/.test(text)).toBe(false);
    expect(text).toContain(
      '    Bob\\x1b]0;pwned\\x07\\x0d\\x0aFAKE [ok] line\\u202e: x\\u009b31m.example, externally verified',
    );
    expect(text).toContain('subject CN=\\x1b[2J;');
    const line = updateText({
      kind: 'participant',
      at: '2026-12-01T10:00:00.000Z',
      target: 'serial:/dev/ttyUSB0',
      change: 'added',
      displayName: evil,
      identity: null,
      verification: 'unverified',
    });
    expect(line).toBe(
      '10:00:00Z serial:/dev/ttyUSB0: participant joined: Bob\\x1b]0;pwned\\x07\\x0d\\x0aFAKE [ok] line\\u202e (no identity, unverified)\n',
    );
  });
});

describe('a meeting as the published schema gives it (no Table 3 paths)', () => {
  const SEARCH = parseTerminalBlock([
    '*r ParticipantListSearchResult (status=OK):',
    '*r ParticipantListSearchResult Participant 1 DisplayName: "Room 1"',
    '*r ParticipantListSearchResult Participant 1 Device 1 EndToEndEncryption Identity: "room-1.example.com"',
    '*r ParticipantListSearchResult Participant 1 Device 1 EndToEndEncryption Status: "Valid"',
    '*r ParticipantListSearchResult Participant 1 Device 1 EndToEndEncryption Verification: "CAVerified"',
    '*r ParticipantListSearchResult Participant 1 Device 1 Id: "d1"',
    '*r ParticipantListSearchResult Participant 2 DisplayName: "Ana"',
    '*r ParticipantListSearchResult Participant 2 Device 1 EndToEndEncryption CertificateChain Certificate 1 Fingerprint: "AA:BB"',
    '*r ParticipantListSearchResult Participant 2 Device 1 EndToEndEncryption CertificateChain Certificate 1 PrimaryName: "ana@example.com"',
    '*r ParticipantListSearchResult Participant 2 Device 1 EndToEndEncryption Identity: "ana@example.com"',
    '*r ParticipantListSearchResult Participant 2 Device 1 EndToEndEncryption Verification: "Webex verified"',
    '*r ParticipantListSearchResult Participant 2 Device 2 EndToEndEncryption Identity: "ana-desk.example.com"',
    '*r ParticipantListSearchResult Participant 2 Device 2 EndToEndEncryption Verification: "Trusted"',
    '*r ParticipantListSearchResult Participant 3 DisplayName: "Guest"',
    '*r ParticipantListSearchResult Participant 3 Device 1 EndToEndEncryption Identity: ""',
    '*r ParticipantListSearchResult Participant 3 Device 1 EndToEndEncryption Verification: "Unverified"',
    '*r ParticipantListSearchResult Participant 4 DisplayName: "Phone"',
    '*r ParticipantListSearchResult Participant 4 Device 1 Id: "d4"',
    '** end',
  ]);
  const schemaReading = (device: Partial<MeetingReading['device']> = {}): MeetingReading => ({
    ...reading(),
    device: { ...reading().device, ...device },
    calls: parseMeetingCalls(parseTerminalBlock(['*s Conference Call 3 SessionType: Call', '** end']), CALL),
    participants: parseParticipantList(SEARCH),
  });

  it('every Device[n] of a participant is read; each identity and verification word as given', () => {
    const v = meetingVerdict(schemaReading());
    expect(v.people.map((p) => [p.displayName, p.identity, p.verification, p.status])).toEqual([
      ['Room 1', 'room-1.example.com', 'external', 'CAVerified'],
      ['Ana', 'ana@example.com', 'webex', 'Webex verified'],
      ['Ana', 'ana-desk.example.com', 'unknown', 'Trusted'],
      ['Guest', '', 'unverified', 'Unverified'],
      ['Phone', null, 'unreported', null],
    ]);
    expect(v.people[1]!.certInfo).toMatchObject({ subject: 'ana@example.com', fingerprint: 'aabb' });
    expect(v.encrypted).toBeNull();
    expect(v.findings.map((f) => [f.code, f.level])).toEqual([
      ['session-type', 'info'],
      ['encryption-not-reported', 'warn'],
      ['self', 'ok'],
      ['participant', 'ok'],
      ['participant', 'ok'],
      ['participant', 'warn'],
      ['participant', 'warn'],
      ['participant', 'warn'],
      ['no-security-code', 'warn'],
      ['join-not-seen', 'info'],
    ]);
    expect(v.findings.find((f) => f.code === 'encryption-not-reported')?.text).toBe(
      "The call's end-to-end encryption status is not reported by this software (call encryption Aes-128): check the lock icon on the device's screen.",
    );
    expect(v.findings.filter((f) => f.code === 'participant').map((f) => f.text)).toEqual([
      'Participant Room 1: room-1.example.com, externally verified.',
      'Participant Ana: ana@example.com, Webex-verified.',
      'Participant Ana: ana-desk.example.com, verification "Trusted".',
      'Participant Guest: no identity, unverified.',
      'Participant Phone: no identity, verification not reported by this software.',
    ]);
    expect(v.findings.some((f) => f.level === 'fail')).toBe(false);
  });

  it('an event lists every Device[n] too', () => {
    const e = parseParticipantEvent(
      parseTerminalBlock([
        '*e Conference ParticipantList ParticipantUpdated DisplayName: "Ana"',
        '*e Conference ParticipantList ParticipantUpdated Device 1 Id: "phone"',
        '*e Conference ParticipantList ParticipantUpdated Device 2 EndToEndEncryption Identity: "ana@example.com"',
        '*e Conference ParticipantList ParticipantUpdated Device 2 EndToEndEncryption Verification: "WebexVerified"',
        '** end',
      ]),
    );
    expect(e?.participant.devices.map((d) => [d.index, d.id, d.e2ee, d.identity, d.verification])).toEqual([
      [1, 'phone', false, null, 'unreported'],
      [2, null, true, 'ana@example.com', 'webex'],
    ]);
    // The first device with an E2EE node speaks for the participant.
    expect([e?.participant.identity, e?.participant.verification]).toEqual(['ana@example.com', 'webex']);
  });

  it('exit-1 findings are only what the device says: identity absent, unverified, or not the one provisioned', () => {
    const levels = (r: MeetingReading): string[][] =>
      meetingVerdict(r)
        .findings.filter((f) => f.level === 'fail' || f.code.startsWith('identity'))
        .map((f) => [f.code, f.level]);
    expect(levels(schemaReading({ externalIdentity: null }))).toEqual([['no-identity', 'fail']]);
    expect(levels(schemaReading({ expectedIdentity: 'room-9.example.com' }))).toEqual([
      ['identity-differs', 'fail'],
    ]);
    expect(meetingVerdict(schemaReading({ expectedIdentity: 'room-9.example.com' })).findings[0]!.text).toBe(
      "This device's identity is room-1.example.com, not room-9.example.com, the identity provisioned on it: provision it again, then check again.",
    );
    expect(levels(schemaReading({ externalVerification: 'Unverified' }))).toEqual([
      ['identity-unverified', 'fail'],
    ]);
    expect(levels(schemaReading({ externalVerification: 'Verified' }))).toEqual([['identity-word', 'warn']]);
    // Not reported (an unregistered device has no Conference EndToEndEncryption): a warning, never "absent".
    expect(levels(schemaReading({ identityReported: false, externalIdentity: null }))).toEqual([
      ['identity-not-reported', 'warn'],
    ]);
  });

  it('the seed roster with "Verified" for this device: a warning with the word as given, no failure', () => {
    /** The Table 3 block with one roster word replaced. */
    const rosterSaying = (from: string, to: string) =>
      parseTerminalBlock(
        CONFERENCE.entries
          .map((e) => `*s ${e.path.join(' ')}: "${e.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
          .map((l) => l.replace(new RegExp(`"${from}"$`), `"${to}"`))
          .concat('** end'),
      );
    const v = meetingVerdict(
      reading({ calls: parseMeetingCalls(rosterSaying('CAVerified', 'Verified'), CALL) }),
    );
    expect(v.self).toMatchObject({
      identity: 'room-1.example.com',
      verification: 'unknown',
      status: 'Verified',
    });
    expect(v.findings.find((f) => f.code === 'self')).toMatchObject({
      level: 'warn',
      text: 'This device appears as room-1.example.com, verification "Verified" (a word this tool does not know).',
    });
    expect(v.findings.some((f) => f.level === 'fail')).toBe(false);
    // An unverified self in the seed roster is a failure; missing from it, too (the roster is the MLS group).
    const u = meetingVerdict(
      reading({ calls: parseMeetingCalls(rosterSaying('CAVerified', 'Unverified'), CALL) }),
    );
    expect(u.findings.find((f) => f.code === 'self')?.level).toBe('fail');
    const missing = meetingVerdict(
      reading({ device: { ...reading().device, externalIdentity: 'room-9.example.com' } }),
    );
    expect(missing.findings.find((f) => f.code === 'self-missing')).toMatchObject({
      level: 'fail',
      text: "This device's identity room-9.example.com is not among the participants' identities.",
    });
  });

  it('a session type outside Table 1 while the device says On: the device is believed, both warned', () => {
    const calls = parseMeetingCalls(
      parseTerminalBlock([
        '*s Conference Call 1 SessionType: 651',
        '*s Conference Call 1 EndToEndEncryption SecurityCode: "11111"',
        '*s Conference Call 1 EndToEndEncryption Status: On',
        '** end',
      ]),
      null,
    );
    const v = meetingVerdict(reading({ calls }));
    expect(v.encrypted).toBe(true);
    expect(
      v.findings.filter((f) => f.code === 'wrong-session-type' || f.code === 'encrypted').map((f) => f.level),
    ).toEqual(['warn', 'warn']);
    expect(v.findings.some((f) => f.level === 'fail')).toBe(false);
  });

  it('two devices that do not report a code: a warning, not a difference', () => {
    const a = meetingVerdict(schemaReading());
    const b = meetingVerdict({ ...schemaReading(), target: 'ssh://admin@room-2' });
    const c = compareMeetings([a, b]);
    expect(c.sameSecurityCode).toBeNull();
    expect(c.findings.map((f) => [f.code, f.level, f.text])).toEqual([
      [
        'codes-not-reported',
        'warn',
        "The security code is not reported by serial:/dev/ttyUSB0, ssh://admin@room-2: compare the codes on the devices' screens.",
      ],
      ['rosters-match', 'ok', 'All devices list the same 5 participants.'],
    ]);
  });
});
