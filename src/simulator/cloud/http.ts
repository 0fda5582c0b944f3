/**
 * The cloud simulator's HTTP plumbing: an answer, the Webex error body (`message`, `errors`,
 * `trackingId`), the bearer token check (constant time) and a bounded JSON request body.
 */
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isObject, type JsonObject } from './console.js';

/** The largest request body the simulator reads: the published xAPI body limit (4,194,304 bytes) and room for JSON. */
export const BODY_LIMIT = 4_194_304 + 65_536;

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A non-2xx answer with the Webex error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function trackingId(): string {
  return `ROUTER_${randomUUID().toUpperCase()}`;
}

/** The error body every Webex endpoint returns (`errorCode` is not sent: not every error carries one). */
export function errorBody(message: string): JsonObject {
  return { message, errors: [{ description: message }], trackingId: trackingId() };
}

export function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(text)),
    TrackingID:
      isObject(reply.body) && typeof reply.body.trackingId === 'string'
        ? reply.body.trackingId
        : trackingId(),
    ...reply.headers,
  });
  res.end(text);
}

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function bearerMatches(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(m[1] ?? ''), digest(token));
}

/** Reads a JSON object body (415 for another content type, 413 past the limit, 400 for bad JSON). */
export async function readJson(req: IncomingMessage): Promise<JsonObject> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'The request body must be application/json.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new HttpError(413, 'The request body is too large.');
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (!isObject(parsed)) throw new HttpError(400, 'The request body must be a JSON object.');
  return parsed;
}
