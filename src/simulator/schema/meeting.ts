/**
 * The call and meeting entries the simulator serves for a simulated meeting, each with where it comes
 * from. Kept apart from the published subset (xapi-11.19-subset.ts, a copy of the shared reference):
 * only some of these are in Cisco's published schema; the rest are the vendor's procedure's Table 3 (the
 * seed), which gives names and meanings but no value spaces. Values the simulator shows for those are
 * inferred (docs/simulator.md, "Meetings").
 */
export interface MeetingStatusEntry {
  /** The status path, `[n]` for an index. */
  path: string;
  /** Where the path is published. */
  source: 'schema 11.19.1' | 'seed Table 3';
  /** The published value space, when there is one. */
  values?: readonly string[];
  /** What the simulator shows, and why, when no public source settles it. */
  inferred?: string;
}

/** Whether the simulator serves the path in a meeting of this shape: the seed's paths only in `seed`. */
export function servedIn(entry: MeetingStatusEntry, shape: 'schema' | 'seed'): boolean {
  return shape === 'seed' || entry.source !== 'seed Table 3';
}

const SCHEMA = 'schema 11.19.1' as const;
const SEED = 'seed Table 3' as const;

/** cisco-ce/roomos.cisco.com `schemas/11.19.1 August 2024.json` (Status entries), and the seed's Table 3. */
export const MEETING_STATUS: readonly MeetingStatusEntry[] = [
  { path: 'Call[n] DisplayName', source: SCHEMA },
  { path: 'Call[n] Encryption Type', source: SCHEMA, inferred: '`Aes-128` (a String in the schema)' },
  { path: 'Call[n] ServerEncryption Type', source: SEED, inferred: '`TLS1.3 AES-256-GCM`' },
  {
    path: 'Call[n] Status',
    source: SCHEMA,
    values: [
      'Connected',
      'Connecting',
      'Dialling',
      'Disconnecting',
      'EarlyMedia',
      'Idle',
      'OnHold',
      'Preserved',
      'RemotePreserved',
      'Ringing',
    ],
  },
  {
    path: 'Conference Call[n] SessionType',
    source: SCHEMA,
    values: ['Call', 'Share', 'InstantMeeting'],
    inferred:
      "the meeting's session type ID (Table 1) by default; `Call`, the schema's value, with sessionTypeField 'literal'",
  },
  {
    path: 'Conference Call[n] EndToEndEncryption GroupEncryption Type',
    source: SEED,
    inferred: '`MLS_128_DHKEMP256_AES128GCM_SHA256_P256`; `None` outside E2EE',
  },
  {
    path: 'Conference Call[n] EndToEndEncryption MediaEncryption Type',
    source: SEED,
    inferred: '`AES-256-GCM`; `None` outside E2EE',
  },
  {
    path: 'Conference Call[n] EndToEndEncryption Roster Participant[n] CertInfo',
    source: SEED,
    inferred: 'JSON {subject, issuer, notBefore, notAfter, fingerprint (SHA-256), serialNumber}',
  },
  { path: 'Conference Call[n] EndToEndEncryption Roster Participant[n] DisplayName', source: SEED },
  {
    path: 'Conference Call[n] EndToEndEncryption Roster Participant[n] Id',
    source: SEED,
    inferred: 'a WDM-like URL',
  },
  { path: 'Conference Call[n] EndToEndEncryption Roster Participant[n] Identity', source: SEED },
  {
    path: 'Conference Call[n] EndToEndEncryption Roster Participant[n] Status',
    source: SEED,
    inferred: '`WebexVerified`, `CAVerified`, `Unverified` (the identity Verification words)',
  },
  {
    path: 'Conference Call[n] EndToEndEncryption SecurityCode',
    source: SEED,
    inferred: 'four groups of five digits; empty outside E2EE',
  },
  { path: 'Conference Call[n] EndToEndEncryption Status', source: SEED, inferred: '`On`, `Off`' },
];

/** The participant-list events (public schema) and the fields the seed adds to them and to Search. */
export const MEETING_EVENTS = [
  'Conference ParticipantList ParticipantAdded',
  'Conference ParticipantList ParticipantUpdated',
  'Conference ParticipantList ParticipantDeleted',
] as const;

/**
 * The children of `Conference ParticipantList ParticipantAdded|Updated|Deleted` in the published schema
 * (shared/reference/real-devices.md): names only, no value spaces are published with them.
 */
export const PARTICIPANT_EVENT: readonly string[] = [
  'CallId',
  'DisplayName',
  'IsHost',
  'ParticipantId',
  'Status',
  'Device[n] Id',
  'Device[n] EndToEndEncryption Identity',
  'Device[n] EndToEndEncryption Status',
  'Device[n] EndToEndEncryption Verification',
  ...[
    'Fingerprint',
    'NotAfter',
    'NotBefore',
    'PrimaryName',
    'PublicKeyAlgorithm',
    'SerialNumber',
    'SignatureAlgorithm',
    'Subject[n] Name',
    'Validity',
  ].map((f) => `Device[n] EndToEndEncryption CertificateChain Certificate[n] ${f}`),
];

/** The published certificate fields of a participant that the simulator does not give. */
const NOT_GIVEN = ['PublicKeyAlgorithm', 'SignatureAlgorithm'].map(
  (f) => `Device[n] EndToEndEncryption CertificateChain Certificate[n] ${f}`,
);

/**
 * Fields of a participant in `Conference ParticipantList Search` and the events that the simulator gives
 * in an E2EE meeting, by shape: the schema's (the default), those of `PARTICIPANT_EVENT` but for the
 * certificates' `PublicKeyAlgorithm` and `SignatureAlgorithm`; in the seed's shape the seed's three
 * `EndToEndEncryption…` fields instead of `Device[n]`.
 */
export const PARTICIPANT_FIELDS: { readonly schema: readonly string[]; readonly seed: readonly string[] } = {
  schema: PARTICIPANT_EVENT.filter((f) => !NOT_GIVEN.includes(f)),
  seed: [
    'CallId',
    'DisplayName',
    'IsHost',
    'ParticipantId',
    'Status',
    'EndToEndEncryptionCertInfo',
    'EndToEndEncryptionIdentity',
    'EndToEndEncryptionStatus',
  ],
};
