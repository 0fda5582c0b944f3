/**
 * Fuzzing the meeting readers (src/core/xapi/meeting.ts) and what is built on them: CertInfo blobs,
 * `Conference Call`/`Call` status, the participant list and its events, in either grammar, then the
 * verdict, the comparison and the CLI's words. None throws; each returns within a second; the words
 * printed hold no control character but line feeds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportText } from '../../src/cli/commands/meeting-check.js';
import {
  type MeetingReading,
  parseCertInfo,
  parseJsonResponse,
  parseMeetingCalls,
  parseParticipantEvent,
  parseParticipantList,
  parseTerminalBlock,
} from '../../src/core/xapi/index.js';
import { meetingReport } from '../../src/main/workflows/meeting.js';
import { params, returnsOrCoded, textInput, timeout } from './harness.js';

const CERT_INFO = [
  '{"subject":"CN=room-1.example.com","issuer":"CN=CA","notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z","fingerprint":"AB:CD"}',
  '{"Certificates":[{"Subject":{"CN":"a"},"Validity":{"NotBefore":"x","NotAfter":"y"},"sha1":"ff"}]}',
  '[{"subjectName":"CN=b","issuerName":"CN=c"}]',
];

const TERMINAL = [
  '*s Call 1 Encryption Type: "Aes-128"',
  '*s Call 1 Status: Connected',
  '*s Conference Call 1 SessionType: 652',
  '*s Conference Call 1 EndToEndEncryption Roster Participant 1 CertInfo: "{\\"subject\\":\\"CN=a\\"}"',
  '*s Conference Call 1 EndToEndEncryption Roster Participant 1 DisplayName: "Room 1"',
  '*s Conference Call 1 EndToEndEncryption Roster Participant 1 Identity: "room-1.example.com"',
  '*s Conference Call 1 EndToEndEncryption Roster Participant 1 Status: "CAVerified"',
  '*s Conference Call 1 EndToEndEncryption SecurityCode: "12345 67890"',
  '*s Conference Call 1 EndToEndEncryption Status: On',
  '*r ParticipantListSearchResult Participant 1 DisplayName: "Room 1"',
  '*r ParticipantListSearchResult Participant 1 EndToEndEncryptionStatus: CAVerified',
  '*e Conference ParticipantList ParticipantAdded DisplayName: "Late"',
  '*e Conference ParticipantList ParticipantAdded Device 1 EndToEndEncryption Identity: "late.example"',
  '** end',
].join('\n');

const JSON_TEXT = JSON.stringify({
  Status: {
    Conference: {
      Call: [
        {
          id: '1',
          SessionType: { Value: '651' },
          EndToEndEncryption: {
            Status: { Value: 'Off' },
            Roster: {
              Participant: [{ id: '1', DisplayName: { Value: 'x' }, CertInfo: { Value: CERT_INFO[0] } }],
            },
          },
        },
      ],
    },
  },
});

function reading(conf: ReturnType<typeof parseTerminalBlock> | null): MeetingReading {
  return {
    target: 'serial:/dev/ttyUSB0',
    readAt: '2026-12-01T00:00:00.000Z',
    device: {
      productId: 'p',
      serialNumber: 's',
      systemName: '',
      externalIdentity: 'room-1.example.com',
      externalVerification: null,
      internalIdentity: null,
      identityReported: true,
      expectedIdentity: null,
    },
    calls: parseMeetingCalls(conf, conf),
    participants: conf ? parseParticipantList(conf) : [],
    codeHistory: [],
    lastJoin: null,
  };
}

/** The whole chain on one answer: readers, verdict, comparison, words. */
function chain(res: ReturnType<typeof parseTerminalBlock> | null): string {
  if (res) parseParticipantEvent({ ...res, kind: 'event' });
  const text = reportText(meetingReport([reading(res), reading(res)]));
  // eslint-disable-next-line no-control-regex
  expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/.test(text)).toBe(false);
  return text;
}

describe('fuzz: meeting readers', () => {
  it(
    'parseCertInfo keeps the blob as given and never throws',
    () => {
      fc.assert(
        fc.property(fc.oneof(textInput(CERT_INFO), fc.json()), (raw) => {
          const r = returnsOrCoded(() => parseCertInfo(raw));
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.value.raw).toBe(raw);
        }),
        params(),
      );
    },
    timeout(),
  );

  it(
    'terminal lines through the readers, the verdict and the words',
    () => {
      fc.assert(
        fc.property(textInput([TERMINAL]), (text) => {
          const r = returnsOrCoded(() => chain(parseTerminalBlock(text.split('\n'))));
          expect(r.ok).toBe(true);
        }),
        params(),
      );
    },
    timeout(),
  );

  it(
    'JSON answers through the readers, the verdict and the words',
    () => {
      fc.assert(
        fc.property(fc.oneof(textInput([JSON_TEXT]), fc.json()), (text) => {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            return;
          }
          const r = returnsOrCoded(() => chain(parseJsonResponse(value)));
          expect(r.ok).toBe(true);
        }),
        params(),
      );
    },
    timeout(),
  );
});
