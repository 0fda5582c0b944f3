/**
 * The allow-lists of what each command prints with `--json` (see `shown.ts`). Every field of every result
 * is named here with its shape or `false`; the fields left out are the secrets a result carries for the
 * window (`heldSecret`, a handover's `clientSecret`), and a given secret's judgement (`secretCheck`), which
 * the result's warnings already say.
 */
import type { BlobInfo } from '../core/jwe/types.js';
import type { ChainEntry, CredentialsReport } from '../core/pki/check.js';
import type { CertificateReport } from '../core/pki/describe.js';
import type { PkiIssue } from '../core/pki/errors.js';
import type { DeviceCertificate, DeviceIdentity, E2eeStatus, IdentityStatus } from '../core/xapi/results.js';
import type {
  ErrorInfo,
  MeetingReport,
  MeetingUpdate,
  StepResult,
  VerifyReport,
} from '../contract/shapes.js';
import type { CertInfo } from '../core/xapi/meeting.js';
import type { Finding, MeetingPerson, MeetingReading } from '../core/xapi/meeting-verdict.js';
import type { CloudPerson } from '../main/cloud/client.js';
import type { WorkflowResult } from '../main/workflows/engine.js';
import type { InventoryDevice } from '../contract/shapes.js';
import type { ImportResult } from '../main/vault/escrow.js';
import type { BatchDeviceResult, BatchResult } from '../main/workflows/batch.js';
import type { FleetDevice, FleetRunResult } from '../main/workflows/fleet/index.js';
import type { HandoverReport, ProvisionResult } from '../main/workflows/provision.js';
import type { DeviceStatusReport } from '../main/workflows/status.js';
import type { Fields, Shape } from './shown.js';

export const ERROR_INFO: Shape<ErrorInfo> = { code: true, message: true, details: 'scalars' };

export const STEP_RESULT: Shape<StepResult> = {
  id: true,
  title: true,
  status: true,
  detail: true,
  reason: true,
  said: { code: true, params: 'scalars' },
  error: ERROR_INFO,
};

export const WORKFLOW_RESULT: Fields<WorkflowResult> = {
  workflow: true,
  runId: true,
  ok: true,
  dryRun: true,
  steps: STEP_RESULT,
  warnings: { id: true, code: true, message: true },
  error: ERROR_INFO,
};

/** The handover facts; the client secret goes to the handover file only, never to stdout. */
export const HANDOVER_REPORT: Shape<HandoverReport> = {
  serialNumber: true,
  productId: true,
  softwareVersion: true,
  identity: true,
  fingerprint: true,
  notAfter: true,
  enc: true,
  provisionedAt: true,
  registered: true,
  clientSecret: false,
};

/**
 * `provision --json`: a generated secret is shown once as `newSecret` (as the text output shows it) unless
 * it went to the handover file; `heldSecret` (the window's reminder) never.
 */
export function provisionResultShape(secretToFile: boolean): Shape<ProvisionResult> {
  return {
    ...WORKFLOW_RESULT,
    report: HANDOVER_REPORT,
    newSecret: !secretToFile,
    heldSecret: false,
    secretCheck: false,
  };
}

export const CERTIFICATE_REPORT: Fields<CertificateReport> = {
  subject: { cn: true, dn: true },
  san: { dns: true, email: true, ip: true, uri: true },
  issuer: true,
  serial: true,
  notBefore: true,
  notAfter: true,
  fingerprints: { sha1: true, sha256: true },
  signatureAlgorithm: true,
  keyUsage: true,
  extendedKeyUsage: true,
  key: { type: true, curve: true, bits: true },
  selfSigned: true,
  isCa: true,
};

export const DEVICE_IDENTITY: Shape<DeviceIdentity> = {
  productId: true,
  softwareVersion: true,
  softwareDisplayName: true,
  serialNumber: true,
  systemName: true,
  webexStatus: true,
  encryptionOptionKey: true,
};

const IDENTITY_STATUS: Shape<IdentityStatus> = {
  verification: true,
  identity: true,
  status: true,
  certificateChain: {
    index: true,
    fingerprint: true,
    notAfter: true,
    notBefore: true,
    notAfterIso: true,
    notBeforeIso: true,
    primaryName: true,
    publicKeyAlgorithm: true,
    serialNumber: true,
    signatureAlgorithm: true,
    subjectNames: true,
    validity: true,
  },
};

export const E2EE_STATUS: Shape<E2eeStatus> = {
  present: true,
  availability: true,
  external: IDENTITY_STATUS,
  internal: IDENTITY_STATUS,
};

export const DEVICE_CERTIFICATE: Fields<DeviceCertificate> = {
  index: true,
  fingerprint: true,
  subjectName: true,
  issuerName: true,
  notBefore: true,
  notAfter: true,
  serialNumber: true,
  hashingAlgorithm: true,
  signatureAlgorithm: true,
  publicKeySize: true,
  version: true,
  usedFor: true,
  purposes: true,
  fields: 'scalars',
};

export const DEVICE_STATUS: Shape<DeviceStatusReport> = {
  device: DEVICE_IDENTITY,
  e2ee: E2EE_STATUS,
  certificates: DEVICE_CERTIFICATE,
  webexIdentityEntries: DEVICE_CERTIFICATE,
  webexIdentity: true,
  preferredDomain: true,
};

export const INVENTORY_DEVICE: Fields<InventoryDevice> = {
  serial: true,
  productId: true,
  certificate: { cn: true, fingerprint: true, notAfter: true, active: true },
  state: true,
  lastAction: { action: true, result: true, at: true, op: true },
  unsettled: true,
};

export const VERIFY_REPORT: Shape<VerifyReport> = {
  ok: true,
  records: true,
  head: { seq: true, hash: true },
  problems: { code: true, line: true, message: true },
};

export const IMPORT_RESULT: Shape<ImportResult> = {
  added: true,
  unchanged: true,
  toProbe: true,
  skipped: true,
};

export const BATCH_DEVICE_RESULT: Shape<BatchDeviceResult> = {
  line: true,
  target: true,
  serial: true,
  productId: true,
  status: true,
  error: { code: true, message: true },
  failedStep: true,
  identity: true,
  fingerprint: true,
  notAfter: true,
  secret: true,
  warnings: true,
  startedAt: true,
  finishedAt: true,
};

export const BATCH_RESULT: Fields<BatchResult> = {
  ok: true,
  succeeded: true,
  failed: true,
  generatedSecrets: true,
  devices: BATCH_DEVICE_RESULT,
};

const CHAIN_ENTRY: Shape<ChainEntry> = {
  role: true,
  subject: true,
  issuer: true,
  sha1: true,
  notAfter: true,
};

/** `cert inspect --json`: what the files say, never the key itself. */
export const CREDENTIALS_REPORT: Shape<CredentialsReport> = {
  ...CERTIFICATE_REPORT,
  source: true,
  daysLeft: true,
  privateKey: { format: true, encrypted: true, key: { type: true, curve: true, bits: true } },
  keyMatches: true,
  chain: { certificates: CHAIN_ENTRY, verifies: true, unrelated: CHAIN_ENTRY },
};

/** A certificate check's errors and warnings. */
export const PKI_ISSUE: Shape<PkiIssue> = { code: true, message: true };

const CERT_INFO: Shape<CertInfo> = {
  raw: true,
  parsed: true,
  subject: true,
  issuer: true,
  notBefore: true,
  notAfter: true,
  fingerprint: true,
  fields: 'scalars',
  error: true,
};

const FINDING: Shape<Finding> = { code: true, level: true, params: 'scalars', text: true };

const MEETING_PERSON: Shape<MeetingPerson> = {
  displayName: true,
  identity: true,
  verification: true,
  status: true,
  certInfo: CERT_INFO,
  deviceId: true,
};

const MEETING_READING: Shape<MeetingReading> = {
  target: true,
  readAt: true,
  device: {
    productId: true,
    serialNumber: true,
    systemName: true,
    externalIdentity: true,
    externalVerification: true,
    internalIdentity: true,
    identityReported: true,
    expectedIdentity: true,
  },
  calls: {
    callId: true,
    callStatus: true,
    displayName: true,
    sessionType: { raw: true, id: true, name: true, e2eeType: true },
    e2ee: { status: true, encrypted: true, securityCode: true, mediaEncryption: true, groupEncryption: true },
    serverEncryption: true,
    callEncryption: true,
    roster: {
      index: true,
      id: true,
      status: true,
      verification: true,
      identity: true,
      displayName: true,
      certInfo: CERT_INFO,
    },
  },
  participants: {
    participantId: true,
    displayName: true,
    status: true,
    isHost: true,
    e2eeStatus: true,
    verification: true,
    identity: true,
    certInfo: CERT_INFO,
    devices: {
      index: true,
      id: true,
      e2ee: true,
      identity: true,
      status: true,
      verificationWord: true,
      verification: true,
      certInfo: CERT_INFO,
    },
  },
  codeHistory: {
    at: true,
    previous: true,
    code: true,
    after: { change: true, displayName: true, identity: true },
  },
  lastJoin: {
    at: true,
    displayName: true,
    identity: true,
    codeBefore: true,
    codeAfter: true,
    codeChanged: true,
  },
};

/** `meeting check --json`: what each device reads of its meeting, the verdicts and the comparison. */
export const MEETING_REPORT: Fields<MeetingReport> = {
  readings: MEETING_READING,
  verdicts: {
    target: true,
    encrypted: true,
    callId: true,
    securityCode: true,
    sessionType: { raw: true, id: true, name: true, e2eeType: true },
    self: MEETING_PERSON,
    people: MEETING_PERSON,
    codeChangedOnLastJoin: true,
    findings: FINDING,
  },
  comparison: {
    sameSecurityCode: true,
    codes: { target: true, code: true },
    sameRoster: true,
    rosters: { target: true, identities: true },
    findings: FINDING,
  },
};

/** What `meeting check --watch` saw, each kind with its own fields. */
export const MEETING_UPDATE: Shape<MeetingUpdate> = {
  kind: true,
  at: true,
  target: true,
  change: true,
  displayName: true,
  identity: true,
  verification: true,
  previous: true,
  code: true,
  after: { change: true, displayName: true, identity: true },
};

/** `blob inspect`: the header's facts (a blob's header holds no secret; listed all the same). */
export const BLOB_INFO: Shape<BlobInfo> = {
  alg: true,
  enc: true,
  action: true,
  kdf: { version: true, salt: true, saltBytes: true },
  ivBytes: true,
  ciphertextBytes: true,
  tagBytes: true,
  headerCanonical: true,
  extraMembers: true,
  length: true,
};

/** `cloud whoami --json` / `cloud login --json`: who the token belongs to, and where the API is. */
export const CLOUD_PERSON: Shape<CloudPerson & { apiBase: string }> = {
  id: true,
  displayName: true,
  emails: true,
  orgId: true,
  apiBase: true,
};

/** `cloud whoami --json`, `cloud login --oauth --json`: who, where, and how (never a token). */
export const CLOUD_SIGN_IN: Shape<
  CloudPerson & { apiBase: string; kind: string; clientId: string | null; expiresAt: string | null }
> = {
  id: true,
  displayName: true,
  emails: true,
  orgId: true,
  apiBase: true,
  kind: true,
  clientId: true,
  expiresAt: true,
};

/** `cloud activation-code --json`. */
export const CLOUD_ACTIVATION_CODE: Shape<{ workspaceId: string; code: string; expiryTime: string }> = {
  workspaceId: true,
  code: true,
  expiryTime: true,
};

/** `fleet list --json`: each device as the list reads it. */
export const FLEET_DEVICE: Shape<FleetDevice> = {
  serial: true,
  deviceId: true,
  displayName: true,
  product: true,
  software: true,
  connectionStatus: true,
  tags: true,
  identity: true,
  certificateExpiry: true,
  daysLeft: true,
  secretInKeychain: true,
  readProblem: { code: true, message: true },
};

/** `fleet renew|rotate --json`: the run's id and one row per device (the result holds no secret). */
export const FLEET_RUN_RESULT = {
  runId: true,
  rows: { serial: true, workflow: true, outcome: true, code: true, message: true, fingerprint: true },
} as const satisfies Shape<FleetRunResult>;

/** A fleet run that wrote an escrow file: where, and whose secrets (never a secret). */
export const FLEET_RUN_RESULT_ESCROW = {
  ...FLEET_RUN_RESULT,
  escrow: { file: true, serials: true },
} as const satisfies Shape<FleetRunResult & { escrow?: { file: string; serials: string[] } }>;
