import { DeviceError } from './errors.js';

/** A bare xAPI literal (`Purpose: WebexIdentity`, `Confirm: Yes`), as opposed to a quoted string. */
export interface Literal {
  readonly literal: string;
}

/** Marks a value to be sent bare. Only letters, digits, `_`, `-`, `.` and `/` are allowed. */
export function lit(value: string): Literal {
  if (!/^[A-Za-z0-9_./-]+$/.test(value)) {
    throw new DeviceError(
      'ERR_DEVICE_PARAMETER',
      `${JSON.stringify(value)} is not a valid xAPI literal (letters, digits, _ - . / only).`,
      { value },
    );
  }
  return { literal: value };
}

export type ParamValue = string | number | boolean | Literal;

/** Parameters in the order they are sent; an array value repeats the key (`Keep: A Keep: B`). */
export type Params = ReadonlyArray<readonly [string, ParamValue | readonly ParamValue[]]>;

const PATH_WORD = /^[A-Za-z0-9_.[\]-]+$/;
const KEY = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/**
 * What a console line cannot carry: C0 controls (CR and LF end the line; others are terminal
 * commands), DEL, C1 controls (U+0085 is NEL, a line break to some terminals) and the Unicode line
 * and paragraph separators U+2028/U+2029. A value holding one could end the line early and type a
 * second command into the device.
 */
// eslint-disable-next-line no-control-regex
export const CONSOLE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Where the first character a console line cannot carry is, and what it is (`U+000D`); null when none. */
export function findConsoleUnsafe(value: string): { index: number; char: string } | null {
  const m = CONSOLE_UNSAFE.exec(value);
  if (!m) return null;
  return { index: m.index, char: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}

/**
 * Refuses a value that goes to the console outside a quoted parameter (a login user name or password)
 * when it holds a character a console line cannot carry. The message names the character's position
 * and code, never the value (it may be a password).
 */
export function checkConsoleValue(value: string, what: string): void {
  const bad = findConsoleUnsafe(value);
  if (!bad) return;
  throw new DeviceError(
    'ERR_DEVICE_CONTROL_CHARACTER',
    `The ${what} holds a control character (${bad.char} at character ${bad.index + 1}), which would end the console line and could type a command into the device; nothing was sent. Remove line breaks and other control characters from it (check the file it came from) and try again.`,
    { what, index: bad.index, char: bad.char },
  );
}

const CONTROL = CONSOLE_UNSAFE;

/**
 * Quotes a string the way jsxapi (Cisco's own client) does: double quotes, with `"` and `\` escaped.
 * Control characters (line breaks above all) would end or corrupt the command line: refused.
 */
export function quote(value: string, name = 'value'): string {
  if (CONTROL.test(value)) {
    throw new DeviceError(
      'ERR_DEVICE_PARAMETER',
      `The ${name} contains a line break or another control character (${findConsoleUnsafe(value)!.char}), which a console command line cannot carry; nothing was sent. Remove it and try again.`,
      { parameter: name },
    );
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function formatValue(name: string, value: ParamValue): string {
  if (typeof value === 'string') return quote(value, name);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new DeviceError('ERR_DEVICE_PARAMETER', `${name} must be a whole number, not ${value}.`, {
        parameter: name,
      });
    }
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return lit(value.literal).literal;
}

function checkPath(path: string): string[] {
  // Words are separated by spaces or tabs only: JavaScript's \s also takes CR, LF, U+2028 and other
  // separators, which silently turned a path holding them (from a backup file) into another path.
  const words = path.replace(/^[ \t]+|[ \t]+$/g, '').split(/[ \t]+/);
  for (const w of words) {
    if (!PATH_WORD.test(w)) {
      throw new DeviceError('ERR_DEVICE_PARAMETER', `${JSON.stringify(path)} is not a valid xAPI path.`, {
        path,
      });
    }
  }
  return words;
}

function formatParams(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    if (!KEY.test(key)) throw new TypeError(`Invalid xAPI parameter name ${JSON.stringify(key)}`);
    const values = Array.isArray(value) ? (value as readonly ParamValue[]) : [value as ParamValue];
    for (const v of values) parts.push(`${key}: ${formatValue(key, v)}`);
  }
  return parts.join(' ');
}

/** `xCommand <path> Key: value …`, e.g. `xCommand Security Certificates Services Show`. */
export function xCommand(path: string, params: Params = []): string {
  const p = formatParams(params);
  return `xCommand ${checkPath(path).join(' ')}${p ? ` ${p}` : ''}`;
}

/** `xStatus <path>` (the whole status tree when `path` is empty). */
export function xStatus(path = ''): string {
  return path.trim() ? `xStatus ${checkPath(path).join(' ')}` : 'xStatus';
}

/** `xConfiguration <path>` (a read; the whole tree when `path` is empty). */
export function xConfigurationGet(path = ''): string {
  return path.trim() ? `xConfiguration ${checkPath(path).join(' ')}` : 'xConfiguration';
}

/** `xConfiguration <path>: <value>` (a write). */
export function xConfigurationSet(path: string, value: ParamValue): string {
  const words = checkPath(path);
  return `xConfiguration ${words.join(' ')}: ${formatValue(words.join(' '), value)}`;
}

const TAG = /^[A-Za-z0-9_-]{1,64}$/;

/** The request tag suffix (spec §2.1 "Tagged request"): the answer repeats it as `** resultId: "tag"`. */
export function withResultId(line: string, tag: string): string {
  if (!TAG.test(tag)) throw new TypeError(`Invalid result tag ${JSON.stringify(tag)}`);
  return `${line} | resultId="${tag}"`;
}

/** The verbs whose answers carry a result tag (spec §2.1: xcommand, xconfiguration, xstatus, xfeedback). */
export function isTaggable(line: string): boolean {
  return /^\s*x(command|configuration|status|feedback)\b/i.test(line) && !/\|\s*resultid\s*=/i.test(line);
}

/** UTF-8 length in bytes. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Refuses a line over `limit` bytes, before it is sent. `what` names it for the message. The limit is
 * one measured on the device (no public source gives the console's), never a guess.
 */
export function checkLineLength(line: string, limit: number, what = 'command line'): void {
  const bytes = byteLength(line);
  if (bytes > limit) {
    throw new DeviceError(
      'ERR_DEVICE_LINE_TOO_LONG',
      `The ${what} is ${bytes} bytes long and this device's console was measured to take lines of at most ${limit} bytes; nothing was sent. Connect over SSH, or use a shorter value (for a certificate, a smaller chain).`,
      { bytes, limit, what },
    );
  }
}

/**
 * A multi-line command's body as the lines to send, then the terminating `.` line (spec §2.1
 * "Multiline xCommand"). A body line that is exactly `.` would end the body early: refused.
 */
export function bodyLines(body: string, limit = Number.POSITIVE_INFINITY): string[] {
  const lines = body.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  lines.forEach((l, i) => {
    if (l === '.') {
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `Line ${i + 1} of the body is a single ".", which would end the command early.`,
        { line: i + 1 },
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(l)) {
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `Line ${i + 1} of the body holds a control character the console cannot carry.`,
        { line: i + 1 },
      );
    }
    checkLineLength(l, limit, `body line ${i + 1}`);
  });
  return [...lines, '.'];
}

/**
 * Checks an activation code before anything is sent (a dry run included): a Control Hub activation
 * code is 16 digits, often written in groups of four with hyphens or spaces. Anything else (an empty
 * file, a pasted sentence, a control character that could end the command line) would fail only at
 * the registration step, after the device was changed. The message never holds the code.
 */
export function checkActivationCode(code: string): string {
  const bad = (why: string): DeviceError =>
    new DeviceError(
      'ERR_DEVICE_ACTIVATION_CODE',
      `The activation code ${why}. Copy the 16-digit code from Control Hub (groups may be separated by hyphens or spaces) into the file and try again; nothing was done.`,
      { parameter: 'ActivationCode' },
    );
  if (code.trim() === '') throw bad('is empty');
  const unsafe = findConsoleUnsafe(code);
  if (unsafe) throw bad(`holds a control character (${unsafe.char} at character ${unsafe.index + 1})`);
  if (!/^\d+([ -]\d+)*$/.test(code.trim()) || code.replace(/[ -]/g, '').trim().length !== 16)
    throw bad(`is not 16 digits (it has ${code.length} characters)`);
  // Cisco: "Be sure to remove any - dashes in the code": the device gets the 16 digits alone.
  return code.replace(/[ -]/g, '').trim();
}
