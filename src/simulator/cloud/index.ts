/**
 * The Webex cloud simulator: the public Webex REST surface for RoomOS devices (`/people/me`, `/devices`,
 * `/devices/activationCode`, `/xapi/command`, `/xapi/status`, `/xapi/schema`) on 127.0.0.1, backed by
 * simulated devices. Its defaults are the facts of shared/reference/webex-cloud.md; every answer nobody
 * publishes is a variant (docs/simulator.md, "The Webex cloud").
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { SimulatorError } from '../errors.js';
import { CloudConsole, type JsonObject } from './console.js';
import { HttpError, type Reply, bearerMatches, errorBody, readJson, send } from './http.js';
import { CloudOAuth } from './oauth.js';
import {
  CLOUD_SCOPES,
  CONNECTION_STATUSES,
  type CloudDevice,
  type CloudDevicePatch,
  type CloudDeviceView,
  type CloudRequest,
  type CloudSimulator,
  type CloudSimulatorOptions,
  type CloudVariants,
  type ConnectionStatus,
  type RateLimit,
} from './types.js';
import { MAX_STATUS_NAMES, commandSchemas, readStatus, runCommand } from './xapi.js';

export type * from './types.js';
export { CLOUD_SCOPES, CONNECTION_STATUSES } from './types.js';

/** `GET /devices` page size when `max` is not given, and the most one page holds (larger is capped). */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** How long an activation code lasts (Control Hub: seven days). */
const ACTIVATION_CODE_MS = 7 * 86_400_000;

/** A Webex id: base64url of `ciscospark://us/<KIND>/<uuid>`, without padding. */
export function webexId(kind: 'DEVICE' | 'PLACE' | 'PEOPLE' | 'ORGANIZATION', uuid: string): string {
  return Buffer.from(`ciscospark://us/${kind}/${uuid}`, 'utf8').toString('base64url');
}

function checkRateLimit(r: RateLimit | null | undefined, what: string): void {
  if (r === undefined || r === null) return;
  if (!Number.isInteger(r.every) || r.every < 1)
    throw new SimulatorError('ERR_SIM_OPTIONS', `${what}.every must be a whole number of at least 1.`);
  const s = r.retryAfterSeconds;
  if (s !== undefined && s !== null && (!Number.isInteger(s) || s < 0))
    throw new SimulatorError('ERR_SIM_OPTIONS', `${what}.retryAfterSeconds must be whole seconds.`);
}

function checkStatus(s: ConnectionStatus | undefined): void {
  if (s !== undefined && !(CONNECTION_STATUSES as readonly string[]).includes(s))
    throw new SimulatorError(
      'ERR_SIM_OPTIONS',
      `connectionStatus must be one of ${CONNECTION_STATUSES.join(', ')}.`,
    );
}

class Cloud {
  readonly devices: CloudDevice[];
  readonly log: CloudRequest[] = [];
  private authorised = 0;
  readonly server: Server;
  readonly oauth: CloudOAuth;

  constructor(private readonly options: CloudSimulatorOptions) {
    const v = this.variants;
    if (typeof options.token !== 'string' || !/^\S+$/.test(options.token))
      throw new SimulatorError('ERR_SIM_OPTIONS', 'The token must be a non-empty string without spaces.');
    checkRateLimit(v.rateLimit, 'rateLimit');
    if (
      v.tokenExpiresAfter !== undefined &&
      (!Number.isInteger(v.tokenExpiresAfter) || v.tokenExpiresAfter < 0)
    )
      throw new SimulatorError('ERR_SIM_OPTIONS', 'tokenExpiresAfter must be a whole number of calls.');
    if (v.latencyMs !== undefined && !(Number.isFinite(v.latencyMs) && v.latencyMs >= 0))
      throw new SimulatorError('ERR_SIM_OPTIONS', 'latencyMs must be a number of milliseconds, 0 or more.');
    const hangMs = v.deviceTimeoutMs ?? 60_000;
    this.devices = options.devices.map((o) => {
      checkRateLimit(o.rateLimit, 'rateLimit');
      checkStatus(o.connectionStatus);
      const st = o.simulator.state;
      const id = o.id ?? webexId('DEVICE', st.deviceId);
      return {
        simulator: o.simulator,
        console: new CloudConsole(o.simulator, hangMs),
        id,
        serial: st.serialNumber,
        displayName: o.displayName ?? (st.systemName || `${st.productId} ${st.serialNumber}`),
        workspaceId: o.workspaceId ?? webexId('PLACE', st.deviceId),
        tags: [...(o.tags ?? [])],
        connectionStatus: o.connectionStatus,
        securityCommands: o.securityCommands ?? true,
        participantList: o.participantList ?? true,
        rateLimit: o.rateLimit,
        xapiCalls: 0,
        rateLimitedAt: [],
      };
    });
    const ids = new Set(this.devices.map((d) => d.id));
    const serials = new Set(this.devices.map((d) => d.serial));
    if (ids.size !== this.devices.length || serials.size !== this.devices.length)
      throw new SimulatorError('ERR_SIM_OPTIONS', 'Each cloud device needs its own id and serial number.');
    this.oauth = new CloudOAuth(() => this.variants, options.oauthClient);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get variants(): CloudVariants {
    return this.options.variants ?? {};
  }

  status(d: CloudDevice): ConnectionStatus {
    if (d.simulator.state.power !== 'up') return 'disconnected';
    return d.connectionStatus ?? 'connected';
  }

  view(d: CloudDevice): CloudDeviceView {
    return {
      id: d.id,
      serial: d.serial,
      displayName: d.displayName,
      workspaceId: d.workspaceId,
      tags: [...d.tags],
      connectionStatus: this.status(d),
      securityCommands: d.securityCommands,
      simulator: d.simulator,
      xapiCalls: d.xapiCalls,
      rateLimitedAt: [...d.rateLimitedAt],
      last429At: d.rateLimitedAt[d.rateLimitedAt.length - 1],
    };
  }

  /** The Devices API's record of a device. */
  private deviceJson(d: CloudDevice): JsonObject {
    const st = d.simulator.state;
    return {
      id: d.id,
      displayName: d.displayName,
      workspaceId: d.workspaceId,
      product: st.productId,
      type: 'roomdesk',
      tags: [...d.tags],
      serial: d.serial,
      software: st.software,
      connectionStatus: this.status(d),
      capabilities: ['xapi'],
      permissions: ['xapi:readonly', 'xapi:all'],
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry: CloudRequest = { t: Date.now(), method: req.method ?? 'GET', path: '', status: 0 };
    let reply: Reply;
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      entry.path = url.pathname;
      reply = await this.route(req, url, entry);
    } catch (e) {
      const err =
        e instanceof HttpError ? e : new HttpError(500, 'The simulated cloud failed to answer the request.');
      reply = { status: err.status, body: errorBody(err.message), headers: err.headers };
    }
    entry.status = reply.status;
    this.log.push(entry);
    const latency = this.variants.latencyMs ?? 0;
    if (latency > 0) await sleep(latency);
    send(res, reply);
  }

  private authorise(req: IncomingMessage, scopes: readonly string[]): void {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = bearer === undefined ? null : this.oauth.accessScopes(bearer);
    if (issued === 'expired') throw new HttpError(401, 'The access token has expired.');
    if (issued !== null) {
      const missing = scopes.filter((s) => !issued.includes(s));
      if (missing.length > 0)
        throw new HttpError(403, `The access token lacks the scope ${missing.join(', ')}.`);
      return;
    }
    if (!bearerMatches(req, this.options.token))
      throw new HttpError(
        401,
        'The request requires a valid access token set in the Authorization request header.',
      );
    const expiry = this.variants.tokenExpiresAfter;
    if (expiry !== undefined && this.authorised >= expiry)
      throw new HttpError(401, 'The access token has expired.');
    this.authorised++;
    const granted = this.variants.scopes ?? CLOUD_SCOPES;
    const missing = scopes.filter((s) => !granted.includes(s));
    if (missing.length > 0)
      throw new HttpError(403, `The access token lacks the scope ${missing.join(', ')}.`);
  }

  private device(id: string | null | undefined): CloudDevice {
    if (typeof id !== 'string' || id === '') throw new HttpError(400, 'deviceId is required.');
    const d = this.devices.find((x) => x.id === id);
    if (!d) throw new HttpError(404, 'The requested resource could not be found.');
    return d;
  }

  /** An xAPI call to a device: counted, maybe a 429, and refused while the device is offline. */
  private xapi(d: CloudDevice): void {
    d.xapiCalls++;
    const limit = d.rateLimit === undefined ? this.variants.rateLimit : d.rateLimit;
    if (limit && d.xapiCalls % limit.every === 0) {
      d.rateLimitedAt.push(Date.now());
      const s = limit.retryAfterSeconds === undefined ? 1 : limit.retryAfterSeconds;
      throw new HttpError(
        429,
        'Too many requests have been sent in a given amount of time.',
        s === null ? {} : { 'Retry-After': String(s) },
      );
    }
    const st = this.status(d);
    if (st !== 'connected' && st !== 'connected_with_issues')
      throw new HttpError(
        this.variants.offlineStatus ?? 504,
        `The device is ${st}: an upstream server failed to respond on time.`,
      );
  }

  private async route(req: IncomingMessage, url: URL, entry: CloudRequest): Promise<Reply> {
    const path = url.pathname;
    if (!path.startsWith('/v1/')) throw new HttpError(404, 'The requested resource could not be found.');
    const rest = path.slice('/v1'.length);
    const method = req.method ?? 'GET';
    if (rest === '/authorize' || rest === '/access_token') return this.oauth.route(req, url, rest);
    const q = url.searchParams;
    const want = (m: string): void => {
      if (method !== m) throw new HttpError(405, `${method} is not allowed here.`);
    };
    if (rest === '/people/me') {
      want('GET');
      this.authorise(req, []);
      return { status: 200, body: this.person() };
    }
    if (rest === '/devices') {
      want('GET');
      this.authorise(req, ['spark-admin:devices_read']);
      return this.listDevices(url);
    }
    if (rest === '/devices/activationCode') {
      want('POST');
      this.authorise(req, ['spark-admin:devices_write', 'identity:placeonetimepassword_create']);
      return this.activationCode(await readJson(req));
    }
    const one = /^\/devices\/([^/]+)$/.exec(rest);
    if (one) {
      want('GET');
      this.authorise(req, ['spark-admin:devices_read']);
      const id = decodeURIComponent(one[1] ?? '');
      entry.deviceId = id;
      return { status: 200, body: this.deviceJson(this.device(id)) };
    }
    const command = /^\/xapi\/command\/([^/]+)$/.exec(rest);
    if (command) {
      want('POST');
      const key = decodeURIComponent(command[1] ?? '');
      entry.command = key;
      this.authorise(req, ['spark:xapi_commands']);
      const body = await readJson(req);
      if (typeof body.deviceId === 'string') entry.deviceId = body.deviceId;
      const d = this.device(typeof body.deviceId === 'string' ? body.deviceId : undefined);
      this.xapi(d);
      return runCommand(d, this.variants, key, body);
    }
    if (rest === '/xapi/status') {
      want('GET');
      this.authorise(req, ['spark:xapi_statuses']);
      const names = q
        .getAll('name')
        .flatMap((n) => n.split(','))
        .map((n) => n.trim())
        .filter((n) => n !== '');
      if (names.length === 0) throw new HttpError(400, 'At least one name is required.');
      if (names.length > MAX_STATUS_NAMES)
        throw new HttpError(400, `At most ${MAX_STATUS_NAMES} status names may be given.`);
      const d = this.device(q.get('deviceId'));
      entry.deviceId = d.id;
      this.xapi(d);
      return readStatus(d, this.variants, names);
    }
    if (rest === '/xapi/schema') {
      want('GET');
      this.authorise(req, ['spark:xapi_commands']);
      const d = this.device(q.get('deviceId'));
      entry.deviceId = d.id;
      this.xapi(d);
      return commandSchemas(
        d,
        q
          .getAll('command')
          .flatMap((c) => c.split(','))
          .map((c) => c.trim()),
      );
    }
    throw new HttpError(404, 'The requested resource could not be found.');
  }

  private person(): JsonObject {
    const p = this.options.person ?? {
      id: webexId('PEOPLE', '00000000-0000-4000-8000-00000000ad01'),
      displayName: 'Simulated Administrator',
      emails: ['admin@example.com'],
      orgId: webexId('ORGANIZATION', '00000000-0000-4000-8000-0000000000e1'),
    };
    return { id: p.id, displayName: p.displayName, emails: [...p.emails], orgId: p.orgId };
  }

  private listDevices(url: URL): Reply {
    const q = url.searchParams;
    const whole = (name: string, dflt: number, min: number): number => {
      const v = q.get(name);
      if (v === null) return dflt;
      if (!/^\d+$/.test(v) || Number(v) < min)
        throw new HttpError(400, `${name} must be a whole number of at least ${min}.`);
      return Number(v);
    };
    const max = Math.min(whole('max', DEFAULT_PAGE, 1), MAX_PAGE);
    const start = whole('start', 0, 0);
    const tags = q
      .getAll('tag')
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const eq = (name: string, value: string): boolean => {
      const want = q.get(name);
      return want === null || want.toLowerCase() === value.toLowerCase();
    };
    const matching = this.devices.filter(
      (d) =>
        eq('serial', d.serial) &&
        eq('connectionStatus', this.status(d)) &&
        eq('workspaceId', d.workspaceId) &&
        eq('product', d.simulator.state.productId) &&
        eq('displayName', d.displayName) &&
        tags.every((t) => d.tags.some((x) => x.toLowerCase() === t.toLowerCase())),
    );
    const page = matching.slice(start, start + max);
    const headers: Record<string, string> = {};
    if (start + max < matching.length) {
      const next = new URL(url.toString());
      next.host = `127.0.0.1:${this.port}`;
      next.searchParams.set('start', String(start + max));
      next.searchParams.set('max', String(max));
      headers.Link = `<${next.toString()}>; rel="next"`;
    }
    return { status: 200, body: { items: page.map((d) => this.deviceJson(d)) }, headers };
  }

  private activationCode(body: JsonObject): Reply {
    const ws = body.workspaceId;
    const person = body.personId;
    if (ws !== undefined && person !== undefined)
      throw new HttpError(400, 'Give workspaceId or personId, not both.');
    const target = ws ?? person;
    if (typeof target !== 'string' || target === '') throw new HttpError(400, 'workspaceId is required.');
    let code = '';
    for (let i = 0; i < 16; i++) code += String(randomInt(10));
    return {
      status: 200,
      body: { code, expiryTime: new Date(Date.now() + ACTIVATION_CODE_MS).toISOString() },
    };
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  setDevice(serial: string, patch: CloudDevicePatch): void {
    const d = this.devices.find((x) => x.serial === serial);
    if (!d) throw new SimulatorError('ERR_SIM_OPTIONS', `No cloud device has serial ${serial}.`);
    checkStatus(patch.connectionStatus);
    checkRateLimit(patch.rateLimit, 'rateLimit');
    if (patch.displayName !== undefined) d.displayName = patch.displayName;
    if (patch.workspaceId !== undefined) d.workspaceId = patch.workspaceId;
    if (patch.tags !== undefined) d.tags = [...patch.tags];
    if ('connectionStatus' in patch) d.connectionStatus = patch.connectionStatus;
    if (patch.securityCommands !== undefined) d.securityCommands = patch.securityCommands;
    if ('rateLimit' in patch) d.rateLimit = patch.rateLimit;
  }
}

/** Starts the cloud simulator on 127.0.0.1 (a free port unless `port` is given). */
export async function createCloudSimulator(options: CloudSimulatorOptions): Promise<CloudSimulator> {
  const cloud = new Cloud(options);
  await new Promise<void>((resolve, reject) => {
    cloud.server.once('error', (e: Error) =>
      reject(
        new SimulatorError(
          'ERR_SIM_CLOUD_LISTEN',
          `The simulated cloud cannot listen on 127.0.0.1:${options.port ?? 0}: ${e.message}`,
        ),
      ),
    );
    cloud.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${cloud.port}/v1`;
  return {
    url,
    port: cloud.port,
    get devices() {
      return cloud.devices.map((d) => cloud.view(d));
    },
    get requests() {
      return cloud.log.map((r) => ({ ...r }));
    },
    setDevice: (serial, patch) => cloud.setDevice(serial, patch),
    get oauthGrants() {
      return cloud.oauth.grants;
    },
    expireAccessTokens: () => cloud.oauth.expireAccessTokens(),
    revokeRefreshTokens: () => cloud.oauth.revokeRefreshTokens(),
    close: async () => {
      for (const d of cloud.devices) d.console.close();
      cloud.server.closeAllConnections();
      await new Promise<void>((resolve) => cloud.server.close(() => resolve()));
    },
  };
}
