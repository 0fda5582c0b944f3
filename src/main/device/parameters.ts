/**
 * The checks a device operation makes on its parameters before anything is sent: the schema's length
 * limits, a JWE blob made for the right action, and a configuration value sent back as it was printed.
 */
import { inspect as inspectBlob, type Action } from '../../core/jwe/index.js';
import { DeviceError, lit, type ConfigNode, type ParamValue } from '../../core/xapi/index.js';
import { XAPI_PARAMETER_LIMITS } from '../../core/xapi/vocabulary.js';

/** A value stored as text, sent back the way the device printed it. */
export function restoreValue(node: ConfigNode): ParamValue {
  if (node.quoted === true) return node.value;
  if (/^-?\d+$/.test(node.value)) return Number(node.value);
  if (node.quoted === false && /^[A-Za-z0-9_./-]+$/.test(node.value)) return lit(node.value);
  return node.value;
}

/** Parameter limits from the public schema (spec §6; core/xapi/vocabulary.ts). */
export const LIMITS = XAPI_PARAMETER_LIMITS;

/** The refusal of a parameter longer than the device takes, before anything is sent. */
export function tooLong(what: string, length: number, limit: number): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_PARAMETER',
    `The ${what} is ${length} characters long; the device takes at most ${limit}.`,
    {
      parameter: what,
      length,
      limit,
    },
  );
}

/** A blob trimmed, checked to be a JWE made for `action` (a malformed one is a JweError); nothing is sent. */
export function checkBlob(blob: string, action: Action): string {
  const b = blob.trim();
  const info = inspectBlob(b); // a malformed blob is a JweError, nothing sent
  if (info.action !== action) {
    throw new DeviceError(
      'ERR_DEVICE_PARAMETER',
      `This blob was made for "${info.action}", and this step needs one made for "${action}". Make the blob again with the right action.`,
      { expected: action, actual: info.action },
    );
  }
  return b;
}
