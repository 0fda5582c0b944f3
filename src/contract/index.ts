/**
 * The one typed IPC contract between the renderer (through the preload) and the main process: every
 * channel, what it takes and what it returns. Main validates every input with the channel's `parse`
 * (inputs are `unknown` until it accepts them); the preload and renderer derive their types from here.
 * The contract's rooms: the types (types.ts, shapes.ts), the error codes (errors.ts), input validation
 * (validate.ts), the target policy (target-policy.ts) and the channel table (channels.ts).
 */
export * from './types.js';
export * from './fleet.js';

/**
 * What the window takes from core, through the contract only (the renderer imports nothing of core
 * itself; eslint.config.js): pure functions and the shapes of what main sends.
 */
export type { BlobInfo } from '../core/jwe/types.js';
export { inert } from '../core/inert.js';
export { meetingCall } from '../core/xapi/meeting-verdict.js';
export type { Finding, MeetingReading, MeetingVerdict } from '../core/xapi/meeting-verdict.js';
export { sessionTypeById } from '../core/xapi/meeting.js';
export type { CertInfo, Verification } from '../core/xapi/meeting.js';
export {
  APP_ERROR_CODES,
  type AppErrorCode,
  ContractError,
  IPC_ERROR_CODES,
  type IpcErrorCode,
  WINDOW_ERROR_CODES,
  type WindowErrorCode,
} from './errors.js';
export { FIELD_LIMITS } from './validate.js';
export { checkRendererTarget } from './target-policy.js';
export { CHANNELS, type Channel, type ChannelInput, type ChannelOutput, type Handlers } from './channels.js';
