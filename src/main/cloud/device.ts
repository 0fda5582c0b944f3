/**
 * A RoomOS device reached through the Webex cloud (`webex:SERIAL`): the workflows' device port over
 * the REST client. Reads come from `/xapi/status`, the Security commands and the meeting's participant
 * list go through `/xapi/command` (after `/xapi/schema` says the device offers each), the add's blob
 * travels in `body`. A meeting check reads everything in one status call; the cloud sends no feedback,
 * so a meeting watch polls it. What must
 * never travel through the cloud (a plain secret, a factory reset, a registration) is refused before
 * anything is sent. There is no console line, so there is no line limit to measure.
 */
import { type Action, inspect as inspectBlob } from '../../core/jwe/index.js';
import {
  DeviceError,
  parseCertificates,
  parseE2eeStatus,
  parseIdentity,
  parseJsonResponse,
  parseMeetingCalls,
  parseParticipantList,
  type ConfigurationDump,
  type ListedParticipant,
  type MeetingCall,
  type DeviceCertificate,
  type DeviceIdentity,
  type E2eeStatus,
  type XapiResponse,
} from '../../core/xapi/index.js';
import { XAPI_PARAMETER_LIMITS, type CertificatePurpose } from '../../core/xapi/vocabulary.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { WorkflowDevice } from '../workflows/device-port.js';
import type { MeetingState } from '../workflows/meeting.js';
import {
  type CloudClient,
  type CloudDeviceRecord,
  type CommandAnswer,
  ONLINE_STATUSES,
  offersIn,
} from './client.js';
import { CloudError, isCloudError } from './errors.js';

/** The commands the workflows send, by their dotted keys. */
const KEYS = {
  show: 'Security.Certificates.Services.Show',
  add: 'Security.Certificates.Services.Add',
  activate: 'Security.Certificates.Services.Activate',
  deactivate: 'Security.Certificates.Services.Deactivate',
  delete: 'Security.Certificates.Services.Delete',
  populate: 'Security.ClientSecret.Populate',
  participants: 'Conference.ParticipantList.Search',
} as const;

/**
 * The statuses a meeting check reads, in one `/xapi/status` call (the API takes 10 names): the
 * console's `xStatus SystemUnit`, `Webex Status`, `Conference EndToEndEncryption`, `Conference Call`
 * and `Call`, with wildcards.
 */
export const MEETING_STATUS_NAMES = [
  'SystemUnit.*',
  'Webex.Status',
  'Conference.EndToEndEncryption.*',
  'Conference.Call.*',
  'Call.*',
] as const;

/** The advice every refusal of a first-time step gives. */
const AT_CONSOLE =
  'provision it at its console first (e2ee-prov provision --target serial:… or ssh://…); the cloud then renews and rotates';

/** A blob trimmed and checked to be a JWE made for `action` (a malformed one is a JweError); nothing sent. */
function blobFor(blob: string, action: Action, limit?: number): string {
  const b = blob.trim();
  const made = inspectBlob(b).action;
  if (made !== action)
    throw new DeviceError(
      'ERR_DEVICE_PARAMETER',
      `This blob was made for "${made}", and this step needs one made for "${action}". Make the blob again with the right action.`,
      { expected: action, actual: made },
    );
  if (limit !== undefined && b.length > limit)
    throw new DeviceError(
      'ERR_DEVICE_PARAMETER',
      `The ${action} blob is ${b.length} characters long; the device takes at most ${limit}.`,
      {
        parameter: `${action} blob`,
        length: b.length,
        limit,
      },
    );
  return b;
}

/** A cloud answer as the console's JSON grammar would give it, for the shared readers. */
function asResponse(
  kind: 'command' | 'status',
  value: Record<string, unknown>,
  resultName = 'Result',
): XapiResponse {
  const wrapped = kind === 'command' ? { CommandResponse: { [resultName]: value } } : { Status: value };
  return parseJsonResponse(wrapped) ?? { grammar: 'json', kind, status: 'OK', entries: [], lines: [] };
}

export class CloudDevice implements WorkflowDevice {
  readonly link = 'webex' as const;
  readonly record: CloudDeviceRecord;
  private readonly client: CloudClient;
  /** What `/xapi/schema` said of each command key, asked once per device. */
  private readonly offered = new Map<string, boolean>();

  constructor(client: CloudClient, record: CloudDeviceRecord) {
    this.client = client;
    this.record = record;
  }

  /**
   * Finds the device `ref` names (a serial number, else a device id), refuses one that is not online
   * and, with `secrets`, one whose secret the keychain does not hold (it was never provisioned here).
   */
  static async open(
    client: CloudClient,
    ref: string,
    options: { secrets?: SecretStore } = {},
  ): Promise<CloudDevice> {
    const record = await findDevice(client, ref);
    if (!ONLINE_STATUSES.includes(record.connectionStatus)) {
      throw new CloudError(
        'ERR_CLOUD_DEVICE_UNREACHABLE',
        `The device ${record.serial || record.id} is ${record.connectionStatus} in the Webex cloud, so it cannot take a command now. Bring it online (Control Hub shows its status), then run the command again; nothing was sent.`,
        { serial: record.serial, connectionStatus: record.connectionStatus },
      );
    }
    if (options.secrets) {
      const serial = record.serial;
      const known =
        serial !== '' && ((await options.secrets.get(serial)) ?? (await options.secrets.getPending(serial)));
      if (!known) {
        throw new CloudError(
          'ERR_CLOUD_NO_SECRET',
          `The keychain holds no client secret for ${serial || record.id}, so nothing can be sealed for it: ${AT_CONSOLE}, or import its secret (e2ee-prov secret import).`,
          { serial },
        );
      }
    }
    return new CloudDevice(client, record);
  }

  get target(): string {
    return `webex:${this.record.serial || this.record.id}`;
  }

  /** The device record's name as the console's `xConfiguration SystemUnit Name` would answer it. */
  private nameAnswer(): XapiResponse {
    return {
      grammar: 'json',
      kind: 'configuration',
      status: 'OK',
      entries: [{ path: ['SystemUnit', 'Name'], value: this.record.displayName }],
      lines: [],
    };
  }

  /** ProductId, software, serial number and Webex status from `/xapi/status`; the name from the device record. */
  async identify(): Promise<DeviceIdentity> {
    const result = await this.client.status(this.record.id, ['SystemUnit.*', 'Webex.Status']);
    const res = asResponse('status', result);
    const name = this.nameAnswer();
    return parseIdentity(res, name, res);
  }

  /** `Conference.EndToEndEncryption.*`; absent on a device that does not report it. */
  async e2eeStatus(): Promise<E2eeStatus> {
    const result = await this.client.status(this.record.id, ['Conference.EndToEndEncryption.*']);
    return parseE2eeStatus(asResponse('status', result));
  }

  /** The meeting's calls (`Conference.Call.*`, `Call.*`) and the first call's participant list. */
  async meeting(): Promise<{ calls: MeetingCall[]; participants: ListedParticipant[] }> {
    await this.requireOffered(KEYS.participants);
    const res = asResponse('status', await this.statuses(['Conference.Call.*', 'Call.*']));
    const calls = parseMeetingCalls(res, res);
    return { calls, participants: await this.participants(calls) };
  }

  /**
   * The whole meeting reading in one status call (`MEETING_STATUS_NAMES`) and, in a call, one
   * participant list command; the device must offer that command through the cloud (asked once, before
   * the first read: ERR_CLOUD_COMMAND_UNAVAILABLE, nothing posted). A status the device does not report
   * is left out (shown as not reported), never a failure.
   */
  async meetingState(): Promise<MeetingState> {
    await this.requireOffered(KEYS.participants);
    const res = asResponse('status', await this.statuses(MEETING_STATUS_NAMES));
    const name = this.nameAnswer();
    const calls = parseMeetingCalls(res, res);
    return {
      identity: parseIdentity(res, name, res),
      e2ee: parseE2eeStatus(res),
      calls,
      participants: await this.participants(calls),
    };
  }

  /**
   * The values of `names` in one call; a device that answers 400 for a name it does not report (no
   * call now, an older release) is asked name by name, and what it lacks is left out.
   */
  private async statuses(names: readonly string[]): Promise<Record<string, unknown>> {
    const missing = (e: unknown): boolean =>
      isCloudError(e, 'ERR_CLOUD_HTTP') && (e.details as { status?: unknown }).status === 400;
    try {
      return await this.client.status(this.record.id, names);
    } catch (e) {
      if (!missing(e) || names.length === 1) {
        if (missing(e)) return {};
        throw e;
      }
    }
    let out: Record<string, unknown> = {};
    for (const n of names) out = mergeStatus(out, await this.statuses([n]));
    return out;
  }

  /** `Conference.ParticipantList.Search` for the first call; a refusal is an empty list, as on the console. */
  private async participants(calls: readonly MeetingCall[]): Promise<ListedParticipant[]> {
    const first = calls[0];
    if (first === undefined) return [];
    const a = await this.client.command(this.record.id, KEYS.participants, { CallId: first.callId });
    return a.ok ? parseParticipantList(asResponse('command', a.result, 'ParticipantListSearchResult')) : [];
  }

  /** No configuration endpoint is used: an empty dump (docs/cloud.md: PreferredDomain is not read). */
  async configurationDump(): Promise<ConfigurationDump> {
    return { lines: [], nodes: [], values: {} };
  }

  async restoreConfiguration(): Promise<never> {
    throw configurationUnavailable('restore a configuration');
  }

  async setPreferredDomain(): Promise<never> {
    throw configurationUnavailable('set PreferredDomain');
  }

  async factoryReset(): Promise<never> {
    throw new CloudError(
      'ERR_CLOUD_FACTORY_RESET_REFUSED',
      `A factory reset is never sent through the Webex cloud: it erases the registration that lets the cloud reach ${this.target}. Reset it at its console; nothing was sent.`,
      { target: this.target },
    );
  }

  async populateSecretPlain(): Promise<never> {
    throw new CloudError(
      'ERR_CLOUD_PLAIN_SECRET_REFUSED',
      `A first client secret travels in clear, so it is never sent through the Webex cloud: ${AT_CONSOLE}. Nothing was sent.`,
      { target: this.target },
    );
  }

  async registerWebex(): Promise<never> {
    throw new CloudError(
      'ERR_CLOUD_REGISTER_REFUSED',
      `${this.target} is registered to Webex already (the cloud reaches it through that registration); nothing was sent.`,
      { target: this.target },
    );
  }

  /** A new ClientSecret sealed under the current one (a `populate` blob). */
  async populateSecret(blob: string): Promise<void> {
    const b = blobFor(blob, 'populate', XAPI_PARAMETER_LIMITS.secret);
    await this.run(KEYS.populate, { Secret: b }, 'change the ClientSecret');
  }

  /** The certificate and key (an `add` blob), in the command's body, `IsEncrypted: True`. */
  async addCertificate(blob: string): Promise<void> {
    const b = blobFor(blob, 'add');
    await this.run(KEYS.add, { IsEncrypted: 'True' }, 'add the certificate', b);
  }

  /** The service certificates (`Services Show`), with `filter` only those used for that purpose. */
  async listCertificates(options: { filter?: CertificatePurpose } = {}): Promise<DeviceCertificate[]> {
    const result = await this.run(
      KEYS.show,
      options.filter ? { Filter: options.filter } : {},
      options.filter ? `list the certificates used for ${options.filter}` : 'list the certificates',
    );
    return parseCertificates(asResponse('command', result, 'ServicesShowResult'));
  }

  async activate(blob: string): Promise<void> {
    const b = blobFor(blob, 'activate', XAPI_PARAMETER_LIMITS.fingerprintBlob);
    await this.run(KEYS.activate, { Purpose: 'WebexIdentity', Fingerprint: b }, 'activate the certificate');
  }

  async deactivate(blob: string): Promise<void> {
    const b = blobFor(blob, 'deactivate', XAPI_PARAMETER_LIMITS.fingerprintBlob);
    await this.run(
      KEYS.deactivate,
      { Purpose: 'WebexIdentity', Fingerprint: b },
      'deactivate the certificate',
    );
  }

  /** Deletes a certificate by its SHA-1 fingerprint (hex; colons and case do not matter). */
  async deleteCertificate(fingerprint: string): Promise<void> {
    const fp = fingerprint.replace(/[:\s]/g, '').toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(fp))
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `${JSON.stringify(fingerprint)} is not a SHA-1 fingerprint (40 hex digits, as the certificate list shows).`,
        { parameter: 'Fingerprint' },
      );
    await this.run(KEYS.delete, { Fingerprint: fp }, 'delete the certificate');
  }

  // Read-only answers as given, for `device capture` (src/main/device/capture-cloud.ts) -------------

  /** `GET /xapi/status` for `names`: the `result` as the cloud gave it. */
  readStatus(names: readonly string[]): Promise<Record<string, unknown>> {
    return this.client.status(this.record.id, names);
  }

  /** `GET /devices/{id}`: the device record's fields the tool reads (never a token). */
  readRecord(): Promise<CloudDeviceRecord> {
    return this.client.getDevice(this.record.id);
  }

  /** `GET /xapi/schema` for one command key, as given; what it says is kept (no second ask before a use). */
  async readSchema(key: string): Promise<Record<string, unknown>> {
    const schema = await this.client.schema(this.record.id, key);
    this.offered.set(key, offersIn(schema, key));
    return schema;
  }

  /**
   * `Security Certificates Services Show` (the one command a capture sends; it reads), asked of the
   * schema first: the answer as given, a refusal included (ERR_CLOUD_COMMAND_UNAVAILABLE when not offered).
   */
  async showCertificatesAnswer(args: { Filter?: string } = {}): Promise<CommandAnswer> {
    await this.requireOffered(KEYS.show);
    return this.client.command(this.record.id, KEYS.show, { ...args });
  }

  /** Nothing to close: each call is a request of its own. */
  async close(): Promise<void> {}

  // -------------------------------------------------------------------------------------------------

  /**
   * Runs a Security command the device offers (asked once per key); a refusal in either shape is the
   * console's DeviceError (ERR_DEVICE_COMMAND_FAILED, ERR_DEVICE_PARAMETER) with the device's Reason.
   */
  private async run(
    key: string,
    args: Record<string, unknown>,
    what: string,
    body?: string,
  ): Promise<Record<string, unknown>> {
    await this.requireOffered(key);
    const a = await this.client.command(this.record.id, key, args, body);
    if (a.ok) return a.result;
    const details = {
      status: a.status,
      reason: a.reason || null,
      xpath: a.xpath,
      resultName: null,
      trackingId: a.trackingId,
      httpStatus: a.httpStatus,
    };
    const tracking = a.trackingId ? ` (trackingId ${a.trackingId})` : '';
    if (a.status === 'ParameterError')
      throw new DeviceError(
        'ERR_DEVICE_PARAMETER',
        `The device refused the parameters to ${what}${a.reason ? `: ${a.reason}` : ''}${tracking}. This software version may not support this step.`,
        details,
      );
    throw new DeviceError(
      'ERR_DEVICE_COMMAND_FAILED',
      `The device could not ${what}: ${a.reason || a.status}${a.xpath ? ` (${a.xpath})` : ''}${tracking}.`,
      details,
    );
  }

  private async requireOffered(key: string): Promise<void> {
    let offered = this.offered.get(key);
    if (offered === undefined) {
      offered = await this.client.offers(this.record.id, key);
      this.offered.set(key, offered);
    }
    if (!offered)
      throw new CloudError(
        'ERR_CLOUD_COMMAND_UNAVAILABLE',
        `${this.target} does not offer ${key} through the Webex cloud (its xAPI schema there lacks it; a model or software release may not). Use its console for this step; nothing was sent.`,
        { target: this.target, command: key },
      );
  }
}

/** Two status answers as one tree (the names asked one by one do not overlap but share parents). */
function mergeStatus(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    out[k] =
      isPlainObject(old) && isPlainObject(v)
        ? mergeStatus(old, v)
        : Array.isArray(old) && Array.isArray(v)
          ? mergeItems(old, v)
          : v;
  }
  return out;
}

function mergeItems(a: unknown[], b: unknown[]): unknown[] {
  const out = [...a];
  for (const item of b) {
    const id = isPlainObject(item) ? item.id : undefined;
    const i = id === undefined ? -1 : out.findIndex((x) => isPlainObject(x) && x.id === id);
    const old = out[i];
    if (i >= 0 && isPlainObject(old) && isPlainObject(item)) out[i] = mergeStatus(old, item);
    else out.push(item);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function configurationUnavailable(what: string): CloudError {
  return new CloudError(
    'ERR_CLOUD_CONFIGURATION_UNAVAILABLE',
    `The tool does not ${what} through the Webex cloud. Do it at the device's console, or in Control Hub; nothing was sent.`,
    { step: what },
  );
}

/** The device a serial number names (one of the organisation's), else the device with that id. */
async function findDevice(client: CloudClient, ref: string): Promise<CloudDeviceRecord> {
  const bySerial = await client.listDevices({ serial: ref });
  const exact = bySerial.filter((d) => d.serial.toLowerCase() === ref.toLowerCase());
  if (exact.length > 1)
    throw new CloudError(
      'ERR_CLOUD_DEVICE_AMBIGUOUS',
      `${exact.length} devices of the organisation have the serial number ${ref}. Name one by its device id (webex:DEVICE_ID).`,
      { serial: ref, ids: exact.map((d) => d.id) },
    );
  if (exact[0]) return exact[0];
  try {
    return await client.getDevice(ref);
  } catch (e) {
    if (!isCloudError(e, 'ERR_CLOUD_NOT_FOUND', 'ERR_CLOUD_HTTP')) throw e;
    throw new CloudError(
      'ERR_CLOUD_NOT_FOUND',
      `No device of the organisation has the serial number or device id ${ref}. Check it in Control Hub (Devices), and that the token's organisation is the device's.`,
      { ref },
    );
  }
}
