import { expect } from 'vitest';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import {
  type CloudDeviceOptions,
  type CloudSimulator,
  type CloudVariants,
  createCloudSimulator,
  webexId,
} from '../../src/simulator/cloud/index.js';

export const TOKEN = 'sim-token-Zk3q9w';

/** What an HTTP call to the simulated cloud answered. */
export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** A call with the token (or `token`), JSON in and out. */
export async function api(
  cloud: CloudSimulator,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path.startsWith('http') ? path : `${cloud.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, headers: r.headers, json: (await r.json()) as Record<string, unknown> };
}

/** The error body's shape, with its message. */
export function errorOf(message: string): Record<string, unknown> {
  return {
    message,
    errors: [{ description: message }],
    trackingId: expect.stringMatching(/^ROUTER_[0-9A-F-]{36}$/) as unknown,
  };
}

export interface World {
  cloud: CloudSimulator;
  sims: RoomOsSimulator[];
  close(): Promise<void>;
}

/** `n` registered devices with serials FOC0000X001…, served by a cloud with `variants`. */
export async function world(
  n: number,
  variants: CloudVariants = {},
  each: (
    i: number,
  ) => Partial<Omit<CloudDeviceOptions, 'simulator'>> & { sim?: SimulatorOptions } = () => ({}),
): Promise<World> {
  const sims: RoomOsSimulator[] = [];
  const devices: CloudDeviceOptions[] = [];
  for (let i = 0; i < n; i++) {
    const { sim: simOptions, ...cloudOptions } = each(i);
    const sim = await createSimulator({
      registered: true,
      rebootDelayMs: 50,
      registrationDelayMs: 10,
      serialNumber: `FOC0000X${String(i + 1).padStart(3, '0')}`,
      ...simOptions,
    });
    sims.push(sim);
    devices.push({ simulator: sim, ...cloudOptions });
  }
  const cloud = await createCloudSimulator({ devices, token: TOKEN, variants });
  return {
    cloud,
    sims,
    close: async () => {
      await cloud.close();
      await Promise.all(sims.map((s) => s.close()));
    },
  };
}

export function deviceIdOf(sim: RoomOsSimulator): string {
  return webexId('DEVICE', sim.state.deviceId);
}

/**
 * What the simulated cloud sees of one capture through it (`method path`, in order): the device found by
 * its serial, then GETs and `Services Show` alone (capture-cloud.ts).
 */
export function cloudCaptureRequests(deviceId: string): string[] {
  const status = 'GET /v1/xapi/status';
  const schema = 'GET /v1/xapi/schema';
  const show = 'POST /v1/xapi/command/Security.Certificates.Services.Show';
  return [
    'GET /v1/devices',
    ...[status, status, status, status, schema, show, show, status, status, show, schema, schema],
    `GET /v1/devices/${deviceId}`,
    ...[schema, schema, schema, schema],
  ];
}
