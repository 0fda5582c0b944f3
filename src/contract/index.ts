/**
 * The one typed IPC contract between the renderer (through the preload) and the main process: every
 * channel, what it takes and what it returns. Main validates every input with the channel's `parse`
 * (inputs are `unknown` until it accepts them); the preload and renderer derive their types from here.
 * The contract's rooms: the types (types.ts, shapes.ts), the error codes (errors.ts), input validation
 * (validate.ts), the target policy (target-policy.ts) and the channel table (channels.ts).
 */
export * from './types.js';
export {
  APP_ERROR_CODES,
  type AppErrorCode,
  ContractError,
  IPC_ERROR_CODES,
  type IpcErrorCode,
} from './errors.js';
export { FIELD_LIMITS } from './validate.js';
export { checkRendererTarget } from './target-policy.js';
export { CHANNELS, type Channel, type ChannelInput, type ChannelOutput, type Handlers } from './channels.js';
