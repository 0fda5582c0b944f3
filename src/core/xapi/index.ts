/** The RoomOS console language (`shared/spec/roomos-console.md`): command lines, both output grammars, typed readings. Pure. */
export { DeviceError, DEVICE_ERROR_CODES, isDeviceError } from './errors.js';
export type { DeviceErrorCode } from './errors.js';
export {
  lit,
  quote,
  xCommand,
  xStatus,
  xConfigurationGet,
  xConfigurationSet,
  withResultId,
  isTaggable,
  byteLength,
  checkLineLength,
  bodyLines,
  CONSOLE_UNSAFE,
  findConsoleUnsafe,
  checkConsoleValue,
  checkActivationCode,
} from './build.js';
export type { Literal, ParamValue, Params } from './build.js';
export { ConsoleReader, cleanLine } from './reader.js';
export type { ReaderItem } from './reader.js';
export {
  parseTerminalBlock,
  parseJsonResponse,
  unquoteValue,
  isOk,
  entriesUnder,
  valueAt,
} from './response.js';
export type { XapiEntry, XapiResponse } from './response.js';
export {
  parseIdentity,
  parseE2eeStatus,
  parseCertificates,
  parseConfigurationDump,
  hasIdentity,
  statusTime,
} from './results.js';
export type {
  DeviceIdentity,
  ChainCertificate,
  IdentityStatus,
  E2eeStatus,
  DeviceCertificate,
  ConfigNode,
  ConfigurationDump,
} from './results.js';
export { Redactor, REDACTED, shortenBlobs, looksLikeJwe } from './redact.js';
export {
  E2EE_SESSION_TYPES,
  sessionTypeById,
  readSessionType,
  parseCertInfo,
  classifyVerification,
  classifyEncrypted,
  parseMeetingCalls,
  parseParticipantList,
  parseParticipantEvent,
  isMeetingStatusFeedback,
} from './meeting.js';
export type {
  SessionType,
  SessionTypeReading,
  CertInfo,
  Verification,
  RosterParticipant,
  MeetingCall,
  ListedParticipant,
  ParticipantEvent,
} from './meeting.js';
export {
  meetingVerdict,
  compareMeetings,
  meetingCall,
  meetingPeople,
  verificationWords,
} from './meeting-verdict.js';
export type {
  CodeChange,
  JoinSeen,
  MeetingReading,
  Finding,
  FindingCode,
  MeetingPerson,
  MeetingVerdict,
  MeetingComparison,
} from './meeting-verdict.js';
