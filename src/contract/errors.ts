/**
 * The contract's error codes: the refusal of a channel's input (`ContractError`, ERR_IPC_BAD_INPUT or a
 * public code a person can act on) and the app's own refusals, whose words both catalogues hold.
 */
/** The app's own refusals (main's `AppError`): no device connected, a workflow already running, nothing to reveal. */
export const APP_ERROR_CODES = [
  'ERR_APP_NOT_CONNECTED',
  'ERR_APP_BUSY',
  'ERR_APP_NO_CERTIFICATE',
  'ERR_APP_CREDENTIALS_UNCHECKED',
  'ERR_APP_OPTIONS',
  'ERR_APP_NOTHING_TO_REVEAL',
  'ERR_APP_ACK_MISMATCH',
  'ERR_APP_RESET_NOT_THIS_DEVICE',
  'ERR_APP_CREDENTIALS_REFUSED',
  'ERR_APP_NO_REPORT',
  'ERR_APP_NO_CLIPBOARD',
  'ERR_APP_MEETING_OTHER_DEVICE',
  'ERR_APP_FLEET_NOT_LISTED',
  'ERR_APP_FLEET_NO_CERTIFICATE',
  'ERR_APP_OAUTH_CLIENT_ID',
  'ERR_APP_BROWSER_UNAVAILABLE',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** The IPC layer's own refusals: an input the contract does not accept, a sender that is not the app's page. */
export const IPC_ERROR_CODES = ['ERR_IPC_BAD_INPUT', 'ERR_IPC_UNTRUSTED_SENDER'] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

/** The window's own refusals, made before anything is sent to main (the rotation form's checks). */
export const WINDOW_ERROR_CODES = ['ERR_APP_NO_SECRET_HERE', 'ERR_APP_SECRET_MISMATCH'] as const;
export type WindowErrorCode = (typeof WINDOW_ERROR_CODES)[number];

/** A refusal of a channel's input: a programming error in the renderer, never a user's mistake. */
export class ContractError extends TypeError {
  /** ERR_IPC_BAD_INPUT, or a more precise public code when the refusal is one a person can act on. */
  readonly code: string;
  constructor(message: string, code: IpcErrorCode | 'ERR_DEVICE_TARGET' = 'ERR_IPC_BAD_INPUT') {
    super(message);
    this.code = code;
  }
}
