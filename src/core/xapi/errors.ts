import { ProvisionerError } from '../errors.js';

/**
 * Stable codes for every failure of the device console (`shared/spec/roomos-console.md`). Public API:
 * the CLI prints them, the workflows branch on them, the renderer translates them.
 */
export const DEVICE_ERROR_CODES = [
  /** The device refused the user name or password (serial `Login incorrect`, SSH authentication). */
  'ERR_DEVICE_LOGIN_FAILED',
  /** Another program holds the serial port. */
  'ERR_DEVICE_PORT_BUSY',
  /** The serial port does not exist (cable unplugged, wrong path). */
  'ERR_DEVICE_PORT_MISSING',
  /** The operating system refused access to the serial port (permissions). */
  'ERR_DEVICE_PORT_PERMISSION',
  /** The network console could not be reached (refused, no route, name not found). */
  'ERR_DEVICE_UNREACHABLE',
  /**
   * The SSH host key differs from the one pinned on first use, or, seen for the first time, was not
   * accepted (then `details.unknown` is true and `details.fingerprint` is the key to show): nothing was sent.
   */
  'ERR_DEVICE_HOST_KEY',
  /** No answer in time. */
  'ERR_DEVICE_TIMEOUT',
  /** The connection ended; `details.mayHaveRun` says whether the command in flight may have run. */
  'ERR_DEVICE_DISCONNECTED',
  /** The device ran the command and reported an error (`details.reason`, `details.xpath`). */
  'ERR_DEVICE_COMMAND_FAILED',
  /** A parameter is missing or invalid: refused by the device (`ParameterError`) or before sending. */
  'ERR_DEVICE_PARAMETER',
  /** A login user name or password holds a line break or another control character; nothing was sent. */
  'ERR_DEVICE_CONTROL_CHARACTER',
  /** The activation code is not a Control Hub code (16 digits); checked before the device is touched. */
  'ERR_DEVICE_ACTIVATION_CODE',
  /** The device answered `Command not recognized.` */
  'ERR_DEVICE_NOT_RECOGNIZED',
  /** The device answered something this tool cannot read. */
  'ERR_DEVICE_UNEXPECTED_OUTPUT',
  /** A line is longer than the console accepts; nothing was sent. */
  'ERR_DEVICE_LINE_TOO_LONG',
  /** The target text is not `serial:…`, `ssh://…` or `sim:`. */
  'ERR_DEVICE_TARGET',
  /** A console log file was refused: it exists (without --append), is a symlink or not a regular file. */
  'ERR_DEVICE_LOG_FILE',
  /** The session is closed (by `close()` or `bye`). */
  'ERR_DEVICE_CLOSED',
] as const;

export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

/** A failure talking to a RoomOS device: the console, the transport, or the device's own answer. */
export class DeviceError extends ProvisionerError<DeviceErrorCode> {}

/** True when `e` is a DeviceError, optionally with one of `codes`. */
export function isDeviceError(e: unknown, ...codes: DeviceErrorCode[]): e is DeviceError {
  return e instanceof DeviceError && (codes.length === 0 || codes.includes(e.code));
}
