/**
 * The errors a console session reports, each with its stable code and what to do next: a connection
 * that ended (during the login or a command), a console that sent nothing at all, one that is no RoomOS
 * device, a command that timed out or that the device did not know.
 */
import { DeviceError } from '../../core/xapi/index.js';
import type { Transport } from './transport.js';

/** The connection ended while logging in: nothing of the caller's has run. */
export function loginDisconnected(label: string, cause?: Error): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_DISCONNECTED',
    `The connection to ${label} ended while logging in. Check the cable or network, then try again.`,
    { mayHaveRun: false },
    cause ? { cause } : undefined,
  );
}

/** The connection ended, during a command that may have run, or with none under way. */
export function disconnected(label: string, mayHaveRun: boolean, cause?: Error): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_DISCONNECTED',
    mayHaveRun
      ? `The connection to ${label} ended during a command, which may have run. Reconnect and check the device's state before repeating it.`
      : `The connection to ${label} ended. The command was not run. Check the cable or network, then reconnect.`,
    { mayHaveRun },
    cause ? { cause } : undefined,
  );
}

/** A console that sent not one byte back: says what was tried, and what to check. */
export function silentConsole(transport: Transport, woken: boolean, probeMs: number): DeviceError {
  const serial = transport.kind === 'serial';
  const tried = woken
    ? 'it was woken twice with CR (a carriage return), which draws a login prompt, then sent "." and an xStatus probe'
    : 'it was sent an xStatus probe';
  return new DeviceError(
    'ERR_DEVICE_TIMEOUT',
    `Nothing at all came back from ${transport.label}: ${tried}, and not one byte answered within ${Math.round(probeMs / 1000)} s. ${
      serial
        ? "Check that the cable goes to the device's console (maintenance) port and is seated at both ends, that this is the right port, that the speed is 115200 baud (8N1), and that the device's SerialPort Mode is On."
        : 'Check that the device is on and finished starting, and that this is its console.'
    }`,
    {
      timeoutMs: probeMs,
      mayHaveRun: false,
      silent: true,
      tried: woken ? ['CR', 'login prompt', '.', 'xStatus'] : ['xStatus'],
    },
  );
}

/** The console answered the set-up probe, but not as a RoomOS device does. */
export function notRoomOs(label: string): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_UNEXPECTED_OUTPUT',
    `The console on ${label} answered, but not as a RoomOS device does (it did not know xStatus). Check that the cable goes to the video device's console port.`,
  );
}

/** No answer to the set-up probe. */
export function noRoomOsAnswer(transport: Transport, timeoutMs: number): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_TIMEOUT',
    `No answer from a RoomOS device on ${transport.label}. Check that the device is on and finished starting, the cable is the console cable${transport.kind === 'serial' ? ', and the speed is 115200 baud' : ''}, then try again.`,
    { timeoutMs, mayHaveRun: false },
  );
}

/** A command answered by silence (`silence`) or by an answer that never ended (`cap`). */
export function commandTimeout(
  what: string,
  kind: 'silence' | 'cap',
  ms: number,
  mayHaveRun: boolean,
): DeviceError {
  const ran = mayHaveRun
    ? 'It may have run; check the device state before repeating it.'
    : 'It was not sent completely.';
  return new DeviceError(
    'ERR_DEVICE_TIMEOUT',
    kind === 'silence'
      ? `The device did not answer "${what}": nothing came for ${Math.round(ms / 1000)} s. ${ran}`
      : `The device did not finish answering "${what}" within ${Math.round(ms / 1000)} s. ${ran}`,
    { mayHaveRun, timeoutMs: ms, command: what },
  );
}

/** `Command not recognized.`: the device's software does not know the command. */
export function notRecognized(what: string): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_NOT_RECOGNIZED',
    `The device did not recognize "${what}" (Command not recognized.). Its software may be too old for this step.`,
    { command: what, mayHaveRun: false },
  );
}
