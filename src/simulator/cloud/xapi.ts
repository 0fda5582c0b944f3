/**
 * The cloud's xAPI endpoints on one device: `POST /xapi/command/{key}`, `GET /xapi/status`,
 * `GET /xapi/schema`. Commands and statuses run on the device's console (a `cloud` session in JSON
 * output mode), so the device answers exactly as on its console; the cloud only reshapes the answer.
 */
import { type ParamValue, bodyLines, xCommand, xStatus } from '../../core/xapi/build.js';
import { DeviceUnreachable, type JsonObject, isObject } from './console.js';
import { HttpError, type Reply } from './http.js';
import { commandSchema, isParticipantList, isSecurityCommand, publishedCommand } from './schema.js';
import type { CloudDevice, CloudVariants } from './types.js';
import { consolePrefix, merge, parseName, plainValues, select } from './values.js';

/** The most status names one request may ask for (published). */
export const MAX_STATUS_NAMES = 10;

const KEY_WORD = /^[A-Za-z0-9]+$/;
const ARG_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** A command's answer when the device refuses it, in the variant's shape (`reason`: the device's Reason, if any). */
function refusal(v: CloudVariants, body: JsonObject, status: string, reason: string | undefined): Reply {
  if ((v.refusal ?? 'http') === 'result') {
    return {
      status: 200,
      body: { ...body, result: reason === undefined ? { status } : { status, Reason: reason } },
    };
  }
  throw new HttpError(400, reason ?? `The device answered ${status}.`);
}

/** Runs a line on the device; a device that does not answer is the variant's 504 or 502. */
async function onDevice(
  d: CloudDevice,
  v: CloudVariants,
  line: string,
  body?: string[],
): Promise<JsonObject> {
  try {
    return await d.console.run(line, body);
  } catch (e) {
    if (e instanceof DeviceUnreachable) throw new HttpError(v.offlineStatus ?? 504, deviceTimeout());
    throw e;
  }
}

function deviceTimeout(): string {
  return 'An upstream server failed to respond on time. The device did not answer.';
}

function argumentValues(name: string, value: unknown): ParamValue | ParamValue[] {
  const one = (x: unknown): ParamValue => {
    if (typeof x === 'string' || typeof x === 'boolean') return x;
    if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
    throw new HttpError(400, `Argument ${name} must be a string, a whole number or a boolean.`);
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** `POST /xapi/command/{key}` with `{"deviceId", "arguments", "body"}`. */
export async function runCommand(
  d: CloudDevice,
  v: CloudVariants,
  key: string,
  request: JsonObject,
): Promise<Reply> {
  const words = key.split('.');
  if (!words.every((w) => KEY_WORD.test(w))) throw new HttpError(400, `${key} is not a command key.`);
  const args = request.arguments ?? {};
  if (!isObject(args)) throw new HttpError(400, 'arguments must be an object.');
  const given = request.body;
  if (given !== undefined && typeof given !== 'string' && !isObject(given)) {
    throw new HttpError(400, 'body must be a string or an object.');
  }
  const text = given === undefined ? undefined : typeof given === 'string' ? given : JSON.stringify(given);
  const params: [string, ParamValue | ParamValue[]][] = [];
  for (const [name, value] of Object.entries(args)) {
    if (!ARG_NAME.test(name)) throw new HttpError(400, `${JSON.stringify(name)} is not an argument name.`);
    params.push([name, argumentValues(name, value)]);
  }
  const answer: JsonObject = { deviceId: d.id, arguments: args };
  if (!d.securityCommands && isSecurityCommand(key)) return refusal(v, answer, 'Error', 'Unknown command');
  if (!d.participantList && isParticipantList(key)) return refusal(v, answer, 'Error', 'Unknown command');
  const published = publishedCommand(key);
  const offered = d.simulator.offersCommand(words);
  const multiline = offered && published?.entry.multiline === true;
  if (text !== undefined && !multiline) throw new HttpError(400, `${key} takes no body.`);
  let line: string;
  let body: string[] | undefined;
  try {
    line = xCommand(words.join(' '), params);
    if (multiline) body = bodyLines(text ?? '');
  } catch (e) {
    throw new HttpError(400, e instanceof Error ? e.message : String(e));
  }
  const out = await onDevice(d, v, line, body);
  const response = isObject(out.CommandResponse) ? out.CommandResponse : {};
  const inner = Object.values(response).find(isObject) ?? {};
  const { status, ...rest } = inner;
  if (status !== 'OK') {
    const reason = plainValues(rest.Reason);
    return refusal(v, answer, String(status), typeof reason === 'string' ? reason : undefined);
  }
  const result = (v.resultValues ?? 'plain') === 'plain' ? plainValues(rest) : rest;
  return { status: 200, body: { ...answer, result } };
}

/** `GET /xapi/status?deviceId=…&name=…` (each name its own `xStatus` on the device). */
export async function readStatus(d: CloudDevice, v: CloudVariants, names: readonly string[]): Promise<Reply> {
  const parsed = names.map((n) => {
    const segs = parseName(n);
    if (!segs) throw new HttpError(400, `${JSON.stringify(n)} is not a status name.`);
    return { name: n, segs };
  });
  let result: unknown = {};
  for (const { name, segs } of parsed) {
    const out = await onDevice(d, v, xStatus(consolePrefix(segs).join(' ')));
    const status = isObject(out.Status) ? out.Status : {};
    const picked = status.status === 'Error' ? undefined : select(plainValues(status, []), segs);
    if (picked === undefined) {
      if ((v.missingStatus ?? 'error') === 'empty') continue;
      const reason = plainValues(status.Reason);
      throw new HttpError(
        400,
        `${typeof reason === 'string' ? reason : 'No match on address expression.'} (${name})`,
      );
    }
    result = merge(result, picked);
  }
  return { status: 200, body: { deviceId: d.id, result } };
}

/** `GET /xapi/schema?deviceId=…&command=…`: the published entries of the commands the device offers. */
export function commandSchemas(d: CloudDevice, keys: readonly string[]): Reply {
  const commands: JsonObject = {};
  for (const key of keys) {
    const published = publishedCommand(key);
    if (!published) continue;
    if (!d.securityCommands && isSecurityCommand(published.key)) continue;
    if (!d.participantList && isParticipantList(published.key)) continue;
    if (!d.simulator.offersCommand(published.key.split('.'))) continue;
    commands[published.key] = commandSchema(published.entry);
  }
  return { status: 200, body: { deviceId: d.id, commands } };
}
