/**
 * The tool's side of a RoomOS device console: transports (serial, SSH, the in-process simulator), the
 * console session, a typed device API, the transcript, targets and port discovery.
 * Nothing here imports electron.
 */
export {
  connect,
  RoomOsDevice,
  FACTORY_RESET_KEEP,
  FACTORY_RESET_KEEP_MEANS,
  FACTORY_RESET_ALWAYS_ERASES,
  CERTIFICATE_PURPOSES,
} from './device.js';
export type { CertificatePurpose } from './device.js';
export type {
  ConnectOptions,
  ProgressEvent,
  SimulatorLike,
  CommandOutput,
  FactoryResetKeep,
  TrailingAction,
  RestoreReport,
} from './device.js';
export { parseTarget, describeTarget, TARGET_FORMS } from './target.js';
export type { Target, SimTargetOptions } from './target.js';
export { Transcript } from './transcript.js';
export type { TranscriptEntry } from './transcript.js';
export { ConsoleSession } from './session.js';
export type { Banner, LoginOptions, SessionOptions, RequestOptions, RawResult } from './session.js';
export type { Transport, Pacing } from './transport.js';
export { BaseTransport } from './transport.js';
export {
  SerialTransport,
  listPorts,
  listPortsFromSysfs,
  classifyPort,
  reopenSerial,
  DEFAULT_SERIAL,
  SERIAL_PACING,
} from './serial.js';
export type { PortInfo, SerialSettings } from './serial.js';
export {
  SshTransport,
  JsonHostKeyStore,
  MemoryHostKeyStore,
  defaultKnownHostsPath,
  sshFingerprint,
} from './ssh.js';
export type { HostKeyInfo, HostKeyStore, SshOptions } from './ssh.js';
export { StreamTransport } from './sim-transport.js';
export { DeviceError, DEVICE_ERROR_CODES, isDeviceError } from '../../core/xapi/index.js';
export type {
  DeviceErrorCode,
  DeviceIdentity,
  E2eeStatus,
  IdentityStatus,
  ChainCertificate,
  DeviceCertificate,
  ConfigNode,
  ConfigurationDump,
  XapiResponse,
  XapiEntry,
} from '../../core/xapi/index.js';
export { captureDevice, captureRedactor, CAPTURE_PROBES, CAPTURE_LINE_PROBE_BYTES } from './capture.js';
export type { DeviceCapture, CaptureProbe } from './capture.js';
export { captureCloudDevice, CLOUD_CAPTURE_COMMANDS, CLOUD_SECURITY_KEYS } from './capture-cloud.js';
export type { CloudCaptureSource, CloudDeviceCapture } from './capture-cloud.js';
