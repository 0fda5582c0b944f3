/**
 * A scripted loopback HTTP server for the cloud client's tests (real sockets, node:http): each request
 * is recorded (method, path, query, JSON body, Authorization header, the test clock's time) and answered
 * by the test's handler.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudClient, type CloudClientOptions } from '../../../src/main/cloud/index.js';

export interface Recorded {
  method: string;
  path: string;
  query: [string, string][];
  body: unknown;
  authorization: string | undefined;
  at: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (r: Recorded, base: string) => Reply;

export class ScriptedServer {
  readonly requests: Recorded[] = [];
  base = '';
  private server: Server | undefined;

  constructor(
    public handler: Handler,
    private readonly now: () => number = () => 0,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const r: Recorded = {
          method: req.method ?? '',
          path: url.pathname,
          query: [...url.searchParams.entries()],
          body: text === '' ? null : JSON.parse(text),
          authorization: req.headers.authorization,
          at: this.now(),
        };
        this.requests.push(r);
        const reply = this.handler(r, this.base);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this.base;
  }

  posted(): Recorded[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A clock that moves only when the client sleeps on it; the sleeps are recorded. */
export class TestClock {
  t = 0;
  readonly sleeps: number[] = [];
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

/**
 * A scripted server answering with `handler`, its requests timed by a test clock, and a cloud client of
 * it with `token` on that clock (and `options`).
 */
export async function scriptedClient(
  handler: Handler,
  token: string,
  options: Partial<CloudClientOptions> = {},
): Promise<{ server: ScriptedServer; clock: TestClock; client: CloudClient; apiBase: string }> {
  const clock = new TestClock();
  const server = new ScriptedServer(handler, clock.now);
  const apiBase = await server.start();
  const client = new CloudClient({ token, apiBase, clock, ...options });
  return { server, clock, client, apiBase };
}

/** The Webex error body. */
export function errorReply(
  status: number,
  message: string,
  trackingId: string,
  headers?: Record<string, string>,
): Reply {
  return {
    status,
    body: { message, errors: [{ description: message }], trackingId },
    ...(headers ? { headers } : {}),
  };
}

/** A device record as `GET /devices` lists it. */
export function deviceRecord(serial: string, connectionStatus = 'connected', id = `dev-${serial}`) {
  return {
    id,
    displayName: `Room ${serial}`,
    workspaceId: 'ws-1',
    product: 'Cisco Room Kit',
    type: 'roomdesk',
    tags: ['e2ee'],
    serial,
    software: 'RoomOS 11.19.1.2',
    connectionStatus,
    capabilities: ['xapi'],
    permissions: ['xapi:readonly', 'xapi:all'],
  };
}

/**
 * What a Room Kit on RoomOS 11.19.1.2, registered to Webex, identifies as through the cloud: the status's
 * product, software and serial, the record's name; `encryptionOptionKey` as its status reports it.
 */
export function registeredRoomKit(serial: string, encryptionOptionKey: string | null) {
  return {
    productId: 'Cisco Room Kit',
    softwareVersion: 'ce11.19.1.2',
    softwareDisplayName: 'RoomOS 11.19.1.2',
    serialNumber: serial,
    systemName: `Room ${serial}`,
    webexStatus: 'Registered',
    encryptionOptionKey,
  };
}
