/**
 * A simulated Webex organisation for the Fleet screen's tests: registered Room Kits behind the cloud
 * simulator, each provisioned at its console (through `sim:`) with a certificate of its own validity, so
 * that the list has expiries to sort, and the secret store holds each provisioned device's secret.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkCredentials, readCredentials } from '../../../src/core/pki/index.js';
import { type DemoPki, issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { connect } from '../../../src/main/device/index.js';
import type { Journal } from '../../../src/main/vault/journal.js';
import type { SecretStore } from '../../../src/main/vault/secret-store.js';
import { provision } from '../../../src/main/workflows/provision.js';
import {
  type CloudSimulator,
  type CloudSimulatorOptions,
  type ConnectionStatus,
  createCloudSimulator,
} from '../../../src/simulator/cloud/index.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';

export const CLOUD_TOKEN = 'FleetAppCanaryToken-Qx81vTz';

/**
 * The account the app answers after a sign-in at `apiBase` (any name, e-mails and organisation): by
 * token (no client id, no expiry) or by OAuth (the integration's client id, the access token's expiry).
 */
export function signedInAccount(
  apiBase: string,
  by: { kind: 'token' } | { kind: 'oauth'; clientId: string; expiresAt: string },
): Record<string, unknown> {
  return {
    displayName: expect.any(String) as unknown,
    emails: expect.any(Array) as unknown,
    orgId: expect.any(String) as unknown,
    apiBase,
    ...(by.kind === 'token' ? { kind: 'token', clientId: null, expiresAt: null } : by),
  };
}

export interface WorldDevice {
  serial: string;
  name: string;
  /** The certificate's validity in days; null: never provisioned (no identity, no secret). */
  days: number | null;
  tags?: string[];
  connectionStatus?: ConnectionStatus;
}

export interface FleetWorld {
  cloud: CloudSimulator;
  sims: RoomOsSimulator[];
  pki: DemoPki;
  /** Writes a new certificate and key for `cn` to `dir`; their paths and the certificate's SHA-1. */
  issue(dir: string, cn: string, days: number): Promise<{ cert: string; key: string; sha1: string }>;
  close(): Promise<void>;
}

export async function fleetWorld(
  devices: readonly WorldDevice[],
  secrets: SecretStore,
  journal: Journal,
  /** More of the cloud simulator's options (an OAuth integration, variants). */
  cloudOptions: Partial<Omit<CloudSimulatorOptions, 'devices' | 'token'>> = {},
): Promise<FleetWorld> {
  const pki = await makeDemoPki('Fleet app');
  const sims: RoomOsSimulator[] = [];
  for (const d of devices) {
    const sim = await createSimulator({
      registered: true,
      rebootDelayMs: 50,
      registrationDelayMs: 10,
      serialNumber: d.serial,
      systemName: d.name,
    });
    sims.push(sim);
    if (d.days === null) continue;
    const issued = await issueDeviceCert(pki, {
      cn: `${d.serial.toLowerCase()}.fleet.example`,
      days: d.days,
    });
    const device = await connect('sim:', { simulator: sim, timeoutMs: 8000 });
    try {
      const r = await provision(
        { device, secrets, journal },
        {
          credentials: readCredentials({ certPem: issued.bundlePem }),
          secret: `fleet world secret ${d.serial} 7Hq2`,
          link: 'serial',
        },
      );
      if (!r.ok) throw new Error(`provisioning ${d.serial} failed: ${r.error?.code} ${r.error?.message}`);
    } finally {
      await device.close();
    }
  }
  const cloud = await createCloudSimulator({
    ...cloudOptions,
    token: CLOUD_TOKEN,
    devices: devices.map((d, i) => ({
      simulator: sims[i]!,
      displayName: d.name,
      ...(d.tags ? { tags: d.tags } : {}),
      ...(d.connectionStatus ? { connectionStatus: d.connectionStatus } : {}),
    })),
  });
  return {
    cloud,
    sims,
    pki,
    async issue(dir, cn, days) {
      const issued = await issueDeviceCert(pki, { cn, days });
      const cert = join(dir, `${cn}.crt.pem`);
      const key = join(dir, `${cn}.key.pem`);
      await writeFile(cert, `${issued.certificatePem}\n${pki.intermediatePem}`);
      await writeFile(key, issued.keyPem);
      const sha1 = checkCredentials(readCredentials({ certPem: issued.bundlePem })).report.fingerprints.sha1;
      return { cert, key, sha1 };
    },
    async close() {
      await cloud.close();
      await Promise.all(sims.map((s) => s.close()));
    },
  };
}
