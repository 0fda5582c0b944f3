/**
 * A typed client of the Webex REST API's device surface (docs/cloud.md): who is signed in, the
 * organisation's devices (paged by `Link rel="next"`), xAPI commands, statuses and schemas, activation
 * codes. Every non-2xx answer is a coded CloudError quoting the server's `message` and `trackingId`; a 429
 * is waited out (its `Retry-After`, or an exponential backoff) within a bounded total wait, and the next
 * call to that device waits at least as long. The token goes in the Authorization header only: never in
 * a URL, an error, a detail or a log, and the client keeps it in a private field.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { CloudError } from './errors.js';

/** The public API's base URL. */
export const DEFAULT_API_BASE = 'https://webexapis.com/v1';

/** The clock the client waits on; tests inject one that only moves when they say so. */
export interface CloudClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: CloudClock = { now: () => Date.now(), sleep: (ms) => sleepMs(ms) };

export interface CloudClientOptions {
  token: string;
  /** Default DEFAULT_API_BASE; `checkApiBase` rules. */
  apiBase?: string;
  clock?: CloudClock;
  /** The longest total wait on 429 answers for one call before it gives up (ms; default 60 000). */
  maxRateWaitMs?: number;
  /** The first wait after a 429 without Retry-After (ms; default 1 000), doubled each time. */
  backoffMs?: number;
  /** A hang guard for one request (ms; default 120 000). */
  requestTimeoutMs?: number;
  /** Told of every request sent (method and path, never a header): for counts and tests. */
  onRequest?: (r: { method: string; path: string }) => void;
  /**
   * An OAuth sign-in: when its access token expires (epoch ms, on `clock`) and how to renew it. A call
   * renews an expired token before it is sent, or after a 401, and is sent again once.
   */
  renew?: CloudRenewal;
}

/** How a client renews its access token (login.ts: the refresh grant, the new tokens kept). */
export interface CloudRenewal {
  expiresAt: number | null;
  refresh(): Promise<{ token: string; expiresAt: number }>;
}

/** Renewed this long before the kept expiry, so that a call does not race it. */
const RENEW_EARLY_MS = 60_000;

/** A device as `GET /devices` lists it (the fields the tool uses). */
export interface CloudDeviceRecord {
  id: string;
  displayName: string;
  workspaceId: string | null;
  product: string;
  type: string | null;
  tags: string[];
  serial: string;
  software: string;
  connectionStatus: string;
  capabilities: string[];
  permissions: string[];
}

/** Who the token belongs to (`GET /people/me`). */
export interface CloudPerson {
  id: string;
  displayName: string;
  emails: string[];
  orgId: string;
}

/** A command's answer: its result, or the device's refusal (HTTP 400, or a result with status Error). */
export type CommandAnswer =
  | { ok: true; result: Record<string, unknown> }
  | {
      ok: false;
      status: string;
      reason: string;
      xpath: string | null;
      trackingId: string | null;
      httpStatus: number;
    };

/** Connection statuses with which a device takes xAPI calls. */
export const ONLINE_STATUSES: readonly string[] = ['connected', 'connected_with_issues'];

/** Scopes each kind of call needs (for a 403's message). */
const SCOPES = {
  people: [] as string[],
  devices: ['spark-admin:devices_read'],
  command: ['spark:xapi_commands'],
  status: ['spark:xapi_statuses'],
  activation: ['spark-admin:devices_write', 'identity:placeonetimepassword_create'],
};

interface Request {
  method: 'GET' | 'POST';
  /** Below the API base (`/devices`), or an absolute `next` link checked to be under it. */
  path: string;
  query?: [string, string][];
  body?: unknown;
  deviceId?: string;
  scopes: readonly string[];
  /** What the call does, for messages: "list the devices". */
  what: string;
}

interface Answer {
  status: number;
  json: unknown;
  link: string | null;
  retryAfter: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/**
 * The API base as the tool uses it: an https URL (or http on a loopback address, for a simulator), no
 * credentials, query or fragment, no trailing slash.
 */
export function checkApiBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw apiBaseError(text, 'it is not a URL');
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw apiBaseError(text, 'it must be https (http only on a loopback address)');
  if (url.username || url.password || url.search || url.hash)
    throw apiBaseError(text, 'it must hold no user, password, query or fragment');
  return url.toString().replace(/\/+$/, '');
}

function apiBaseError(text: string, why: string): CloudError {
  return new CloudError(
    'ERR_CLOUD_API_BASE',
    `${JSON.stringify(text.slice(0, 200))} cannot be the Webex API base: ${why}. Leave --api-base out for ${DEFAULT_API_BASE}.`,
    { apiBase: text.slice(0, 200) },
  );
}

/** A Retry-After value in ms (seconds, or an HTTP date), or null when missing or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The `rel="next"` URL of a Link header, or null. */
export function nextLink(header: string | null): string | null {
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(^|;)\s*rel\s*=\s*"?next"?\s*(;|$)/i.test(m[2] ?? '')) return m[1] ?? null;
  }
  return null;
}

export class CloudClient {
  readonly apiBase: string;
  #token: string;
  private readonly clock: CloudClock;
  private readonly maxRateWaitMs: number;
  private readonly backoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly onRequest: CloudClientOptions['onRequest'];
  readonly #renew: CloudRenewal | undefined;
  #expiresAt: number | null;
  #renewing: Promise<void> | null = null;
  /** When each device (or the organisation, '') may be called again after a 429. */
  private readonly notBefore = new Map<string, number>();

  constructor(options: CloudClientOptions) {
    this.#token = options.token;
    this.apiBase = checkApiBase(options.apiBase ?? DEFAULT_API_BASE);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.maxRateWaitMs = options.maxRateWaitMs ?? 60_000;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.onRequest = options.onRequest;
    this.#renew = options.renew;
    this.#expiresAt = options.renew?.expiresAt ?? null;
  }

  /** Renews the access token (one renewal at a time, shared by the calls waiting for it). */
  private async renewToken(): Promise<void> {
    const renew = this.#renew;
    if (renew === undefined) return;
    this.#renewing ??= renew
      .refresh()
      .then((r) => {
        this.#token = r.token;
        this.#expiresAt = r.expiresAt;
      })
      .finally(() => {
        this.#renewing = null;
      });
    await this.#renewing;
  }

  /** Who the token belongs to. */
  async me(): Promise<CloudPerson> {
    const a = await this.call({
      method: 'GET',
      path: '/people/me',
      scopes: SCOPES.people,
      what: 'say who is signed in',
    });
    const j = this.object(a, 'GET /people/me');
    return { id: str(j.id), displayName: str(j.displayName), emails: strs(j.emails), orgId: str(j.orgId) };
  }

  /** Every device matching the filters, following `Link rel="next"` to the last page. */
  async listDevices(
    filter: { serial?: string; tags?: readonly string[]; connectionStatus?: string; max?: number } = {},
  ): Promise<CloudDeviceRecord[]> {
    const query: [string, string][] = [];
    if (filter.serial !== undefined) query.push(['serial', filter.serial]);
    for (const t of filter.tags ?? []) query.push(['tag', t]);
    if (filter.connectionStatus !== undefined) query.push(['connectionStatus', filter.connectionStatus]);
    if (filter.max !== undefined) query.push(['max', String(filter.max)]);
    const out: CloudDeviceRecord[] = [];
    let req: Request = {
      method: 'GET',
      path: '/devices',
      query,
      scopes: SCOPES.devices,
      what: 'list the devices',
    };
    for (let page = 0; page < 10_000; page++) {
      const a = await this.call(req);
      const items = this.object(a, 'GET /devices').items;
      if (!Array.isArray(items)) throw badAnswer('GET /devices', 'it has no "items" list');
      for (const item of items) out.push(readDevice(item, 'GET /devices'));
      if (a.link === null) return out;
      req = { ...req, path: a.link, query: [] };
    }
    throw badAnswer('GET /devices', 'its pages do not end');
  }

  /** One device by id (404: ERR_CLOUD_NOT_FOUND). */
  async getDevice(id: string): Promise<CloudDeviceRecord> {
    const a = await this.call({
      method: 'GET',
      path: `/devices/${encodeURIComponent(id)}`,
      scopes: SCOPES.devices,
      what: 'read the device',
    });
    return readDevice(a.json, 'GET /devices/{id}');
  }

  /**
   * `POST /xapi/command/{key}`: the result (the device's `…Result` without its `status`), or its refusal
   * in either shape (HTTP 400 with the device's Reason as `message`, or 200 with a result whose status is
   * not OK). Any other non-2xx is thrown.
   */
  async command(
    deviceId: string,
    key: string,
    args: Record<string, unknown>,
    body?: string,
  ): Promise<CommandAnswer> {
    const req: Request = {
      method: 'POST',
      path: `/xapi/command/${encodeURIComponent(key)}`,
      body: { deviceId, arguments: args, ...(body !== undefined ? { body } : {}) },
      deviceId,
      scopes: SCOPES.command,
      what: `run ${key}`,
    };
    const a = await this.call(req, [400]);
    if (a.status === 400) {
      const e = errorBody(a.json, this.#token);
      return {
        ok: false,
        status: 'Error',
        reason: e.message,
        xpath: null,
        trackingId: e.trackingId,
        httpStatus: 400,
      };
    }
    const result = this.object(a, `POST /xapi/command/${key}`).result;
    const r = isObject(result) ? result : {};
    const status = typeof r.status === 'string' ? r.status : 'OK';
    if (status.toUpperCase() !== 'OK') {
      return {
        ok: false,
        status,
        reason: this.scrub(leaf(r.Reason) ?? status),
        xpath: leaf(r.XPath) ?? null,
        trackingId: null,
        httpStatus: a.status,
      };
    }
    return { ok: true, result: r };
  }

  /** `GET /xapi/status`: the values under the names (at most 10), nested by path. */
  async status(deviceId: string, names: readonly string[]): Promise<Record<string, unknown>> {
    const a = await this.call({
      method: 'GET',
      path: '/xapi/status',
      query: [['deviceId', deviceId], ...names.map((n): [string, string] => ['name', n])],
      deviceId,
      scopes: SCOPES.status,
      what: `read ${names.join(', ')}`,
    });
    const result = this.object(a, 'GET /xapi/status').result;
    return isObject(result) ? result : {};
  }

  /** Whether the device offers `command` through the cloud (`GET /xapi/schema`). */
  async offers(deviceId: string, command: string): Promise<boolean> {
    return offersIn(await this.schema(deviceId, command), command);
  }

  /** `GET /xapi/schema` for one command: the answer as given (a JSON object; `offersIn` reads it). */
  async schema(deviceId: string, command: string): Promise<Record<string, unknown>> {
    const a = await this.call({
      method: 'GET',
      path: '/xapi/schema',
      query: [
        ['deviceId', deviceId],
        ['command', command],
      ],
      deviceId,
      scopes: SCOPES.command,
      what: `ask whether the device offers ${command}`,
    });
    return this.object(a, 'GET /xapi/schema');
  }

  /** A device activation code for a workspace (`POST /devices/activationCode`). */
  async activationCode(workspaceId: string): Promise<{ code: string; expiryTime: string }> {
    const a = await this.call({
      method: 'POST',
      path: '/devices/activationCode',
      body: { workspaceId },
      scopes: SCOPES.activation,
      what: 'make an activation code',
    });
    const j = this.object(a, 'POST /devices/activationCode');
    if (typeof j.code !== 'string') throw badAnswer('POST /devices/activationCode', 'it holds no code');
    return { code: j.code, expiryTime: str(j.expiryTime) };
  }

  // -------------------------------------------------------------------------------------------------

  /** Sends `req`, waiting out 429s; a non-2xx not in `pass` is thrown as a coded error. */
  private async call(req: Request, pass: readonly number[] = []): Promise<Answer> {
    const key = req.deviceId ?? '';
    let waited = 0;
    let renewed = false;
    if (this.#renew && this.#expiresAt !== null && this.clock.now() >= this.#expiresAt - RENEW_EARLY_MS) {
      renewed = true;
      await this.renewToken();
    }
    for (let attempt = 0; ; attempt++) {
      const until = this.notBefore.get(key) ?? 0;
      const now = this.clock.now();
      if (until > now) await this.clock.sleep(until - now);
      const used = this.#token;
      const a = await this.send(req);
      if (a.status === 401 && this.#renew && !renewed) {
        // Once per call: a token renewed meanwhile by another call is simply used.
        renewed = true;
        if (this.#token === used) await this.renewToken();
        continue;
      }
      if (a.status !== 429) {
        if ((a.status >= 200 && a.status < 300) || pass.includes(a.status)) return a;
        throw this.httpError(a, req);
      }
      const wait = retryAfterMs(a.retryAfter, this.clock.now()) ?? this.backoffMs * 2 ** attempt;
      // Honoured for the device whether this call waits or gives up: its next call waits as long.
      this.notBefore.set(key, Math.max(until, this.clock.now() + wait));
      if (waited + wait > this.maxRateWaitMs) {
        const e = errorBody(a.json, this.#token);
        throw new CloudError(
          'ERR_CLOUD_RATE_LIMITED',
          `The Webex API kept answering "too many requests" (HTTP 429) to ${req.what}${quote(e)}; the tool waited ${Math.round(waited / 1000)} s and the next wait would be ${Math.ceil(wait / 1000)} s. Try again later, or with fewer devices at once.`,
          { status: 429, waitedMs: waited, nextWaitMs: wait, message: e.message, trackingId: e.trackingId },
        );
      }
      waited += wait;
    }
  }

  private async send(req: Request): Promise<Answer> {
    const url = this.url(req);
    this.onRequest?.({ method: req.method, path: url.pathname.slice(new URL(this.apiBase).pathname.length) });
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: {
          Authorization: `Bearer ${this.#token}`,
          Accept: 'application/json',
          ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        // A redirect is not followed: the Authorization header goes to the API base only.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: unknown } }).cause;
      const code =
        typeof cause?.code === 'string'
          ? cause.code
          : (e as Error).name === 'TimeoutError'
            ? 'timeout'
            : 'failed';
      throw new CloudError(
        'ERR_CLOUD_NETWORK',
        `The Webex API at ${this.apiBase} did not answer when the tool tried to ${req.what} (${code}). Check the network connection (and a proxy), then try again.`,
        { apiBase: this.apiBase, reason: code },
      );
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    const link = nextLink(res.headers.get('link'));
    return {
      status: res.status,
      json,
      link: link === null ? null : this.checkNext(link),
      retryAfter: res.headers.get('retry-after'),
    };
  }

  private url(req: Request): URL {
    const url = /^https?:\/\//i.test(req.path) ? new URL(req.path) : new URL(this.apiBase + req.path);
    for (const [k, v] of req.query ?? []) url.searchParams.append(k, v);
    return url;
  }

  /** A next-page link must stay under the API base: the token goes nowhere else. */
  private checkNext(link: string): string {
    let url: URL;
    try {
      url = new URL(link, this.apiBase + '/');
    } catch {
      throw badAnswer('GET /devices', 'its next-page link is not a URL');
    }
    const base = new URL(this.apiBase);
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname))
      throw badAnswer('GET /devices', `its next-page link leads away from ${this.apiBase}`);
    return url.toString();
  }

  private object(a: Answer, what: string): Record<string, unknown> {
    if (!isObject(a.json)) throw badAnswer(what, 'it is not a JSON object');
    return a.json;
  }

  private scrub(text: string): string {
    return scrubToken(text, this.#token);
  }

  private httpError(a: Answer, req: Request): CloudError {
    const e = errorBody(a.json, this.#token);
    const details = { status: a.status, message: e.message, trackingId: e.trackingId };
    const q = quote(e);
    if (a.status === 401)
      return new CloudError(
        'ERR_CLOUD_AUTH',
        `The Webex API did not accept the sign-in (HTTP 401${q}): the token is wrong or expired. Sign in again: e2ee-prov cloud login --token-file FILE.`,
        details,
      );
    if (a.status === 403)
      return new CloudError(
        'ERR_CLOUD_FORBIDDEN',
        `The Webex API refused to ${req.what} (HTTP 403${q}): the token lacks a scope it needs${req.scopes.length ? ` (${req.scopes.join(', ')})` : ''}, or the organisation does not let it reach this device. Sign in with a token granted ${req.scopes.length ? 'those scopes' : 'the scopes the tool needs'} by an organisation admin.`,
        { ...details, scopes: [...req.scopes] },
      );
    if (a.status === 404)
      return new CloudError(
        'ERR_CLOUD_NOT_FOUND',
        `The Webex API does not know what the tool asked for when it tried to ${req.what} (HTTP 404${q}). Check the device's serial number or id (e2ee-prov status --target webex:SERIAL).`,
        details,
      );
    if (a.status === 502 || a.status === 503 || a.status === 504)
      return new CloudError(
        'ERR_CLOUD_DEVICE_UNREACHABLE',
        `The device or a Webex service did not answer when the tool tried to ${req.what} (HTTP ${a.status}${q}). Check in Control Hub that the device is online, then run the command again; a command that was sent may or may not have run, and the next run finds out.`,
        details,
      );
    return new CloudError(
      'ERR_CLOUD_HTTP',
      `The Webex API refused to ${req.what} (HTTP ${a.status}${q}). Try again later; if it persists, give the trackingId to Webex support.`,
      details,
    );
  }
}

/** Whether a `GET /xapi/schema` answer lists `command` (its key, case-insensitive). */
export function offersIn(schema: Record<string, unknown>, command: string): boolean {
  const commands = schema.commands;
  if (!isObject(commands)) return false;
  return Object.keys(commands).some((k) => k.toLowerCase() === command.toLowerCase());
}

/** The error body's message and trackingId, without the token (a server could echo it). */
function errorBody(json: unknown, token: string): { message: string; trackingId: string | null } {
  const j = isObject(json) ? json : {};
  const first = Array.isArray(j.errors) && isObject(j.errors[0]) ? str(j.errors[0].description) : '';
  const message = scrubToken((str(j.message) || first).slice(0, 500), token);
  const tracking = scrubToken(str(j.trackingId).slice(0, 200), token);
  return { message, trackingId: tracking === '' ? null : tracking };
}

function quote(e: { message: string; trackingId: string | null }): string {
  return `${e.message ? `: ${JSON.stringify(e.message)}` : ''}${e.trackingId ? `, trackingId ${e.trackingId}` : ''}`;
}

export function scrubToken(text: string, token: string): string {
  return token.length >= 4 ? text.split(token).join('[token]') : text;
}

function leaf(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (isObject(v) && (typeof v.Value === 'string' || typeof v.Value === 'number')) return String(v.Value);
  return undefined;
}

function badAnswer(what: string, why: string): CloudError {
  return new CloudError(
    'ERR_CLOUD_BAD_ANSWER',
    `The answer to ${what} is not what the Webex API documents: ${why}. Check --api-base; try again later.`,
    { request: what },
  );
}

function readDevice(v: unknown, what: string): CloudDeviceRecord {
  if (!isObject(v) || typeof v.id !== 'string' || v.id === '') throw badAnswer(what, 'a device has no id');
  return {
    id: v.id,
    displayName: str(v.displayName),
    workspaceId: typeof v.workspaceId === 'string' ? v.workspaceId : null,
    product: str(v.product),
    type: typeof v.type === 'string' ? v.type : null,
    tags: strs(v.tags),
    serial: str(v.serial),
    software: str(v.software),
    connectionStatus: str(v.connectionStatus) || 'unknown',
    capabilities: strs(v.capabilities),
    permissions: strs(v.permissions),
  };
}
