/**
 * Each workflow sends exactly its procedure's minimal command list (src/core/xapi/procedure.ts): run on
 * the simulator over a new console connection, the device's own record of the command lines it ran is
 * compared with the declared list, in order, and so are its counts of lines, blobs opened and restarts.
 * A change that adds a read fails here; one that needs it updates the declaration (and the bench's floor).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROCEDURES,
  PROCEDURE_MINIMUM,
  type Procedure,
  blobCount,
  deviceCalls,
  restartCount,
} from '../../../src/core/xapi/procedure.js';
import { readCredentials } from '../../../src/core/pki/index.js';
import { type DemoPki, issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { connect, type RoomOsDevice } from '../../../src/main/device/index.js';
import { Journal, MemorySecretStore } from '../../../src/main/vault/index.js';
import { deactivate } from '../../../src/main/workflows/deactivate.js';
import { type ProvisionOptions, provision } from '../../../src/main/workflows/provision.js';
import { renew } from '../../../src/main/workflows/renew.js';
import { rotateSecret } from '../../../src/main/workflows/rotate.js';
import { type RoomOsSimulator, type SimStats, createSimulator } from '../../../src/simulator/index.js';

let dir: string;
let pki: DemoPki;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'round-trips-'));
  pki = await makeDemoPki('Trips');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function credentials(cn: string) {
  return readCredentials({ certPem: (await issueDeviceCert(pki, { cn, dns: [cn] })).bundlePem });
}

/** What one run made the device do: the command lines it logged (by name), and its counters. */
interface Sent {
  calls: { command: string; params: string[] }[];
  lines: number;
  blobs: number;
  restarts: number;
}

/** A simulated device with its keychain and journal, reached over new console connections. */
class Bench {
  readonly secrets = new MemorySecretStore();
  readonly journal: Journal;
  readonly cn: string;
  private constructor(readonly sim: RoomOsSimulator) {
    this.journal = new Journal(join(dir, `home-${sim.state.serialNumber}`));
    this.cn = `room-${sim.state.serialNumber.toLowerCase()}.trips.example`;
  }
  static async start(): Promise<Bench> {
    return new Bench(await createSimulator({ serialNumber: `FOCTRIP${++n}`, rebootDelayMs: 20 }));
  }
  /** Runs `work` on a new connection (closed after) and returns what the device was made to do. */
  async measure(work: (device: RoomOsDevice) => Promise<void>): Promise<Sent> {
    const from = this.sim.events.length;
    const before: SimStats = this.sim.stats;
    const device = await connect('sim:', { simulator: this.sim });
    try {
      await work(device);
    } finally {
      await device.close();
    }
    const after = this.sim.stats;
    const calls = this.sim.events
      .slice(from)
      .flatMap((e) =>
        e.type === 'command' && e.verb !== 'bye'
          ? [{ command: `${e.verb} ${e.path}`, params: e.params }]
          : [],
      );
    return {
      calls,
      lines: after.commands - before.commands,
      blobs: after.blobsOpened - before.blobsOpened,
      restarts: after.reboots - before.reboots,
    };
  }
  async provision(options: Partial<ProvisionOptions> = {}): Promise<Sent> {
    const creds = await credentials(this.cn);
    return this.measure(async (device) => {
      const r = await provision(
        { device, secrets: this.secrets, journal: this.journal },
        { credentials: creds, link: 'sim', ...options },
      );
      expect(r.error).toBeUndefined();
    });
  }
  close(): Promise<void> {
    return this.sim.close();
  }
}

/** The declared list as the simulator logs it: every line but the two session lines it does not record. */
function logged(procedure: Procedure): { command: string; params: string[] }[] {
  return PROCEDURE_MINIMUM[procedure]
    .filter((c) => c.command !== 'echo off' && !c.command.startsWith('xpreferences'))
    .map((c) => ({ command: c.command, params: [...c.params] }));
}

function expectMinimum(sent: Sent, procedure: Procedure): void {
  expect(sent.calls).toEqual(logged(procedure));
  expect(sent.lines).toBe(PROCEDURE_MINIMUM[procedure].length);
  expect(sent.blobs).toBe(blobCount(procedure));
  expect(sent.restarts).toBe(restartCount(procedure));
}

const CODE = '1234-5678-9012-3456';

describe('each workflow sends its minimal command list, exactly', () => {
  it('provision: no reset, no registration', async () => {
    const b = await Bench.start();
    try {
      expectMinimum(await b.provision(), 'provision');
    } finally {
      await b.close();
    }
  });

  it('provision with a factory reset', async () => {
    const b = await Bench.start();
    try {
      expectMinimum(await b.provision({ factoryReset: { confirmed: true } }), 'provision-reset');
    } finally {
      await b.close();
    }
  });

  it.each<[string, Partial<ProvisionOptions>, Procedure]>([
    [
      'with a factory reset and registration (standard order)',
      { factoryReset: { confirmed: true }, activationCode: CODE },
      'provision-reset-register',
    ],
    [
      'in the register-first order',
      { order: 'register-first', activationCode: CODE },
      'provision-register-first',
    ],
  ])('provision %s', async (_name, options, procedure) => {
    const b = await Bench.start();
    try {
      const sent = await b.provision(options);
      expectMinimum(sent, procedure);
      expect(b.sim.state.webexStatus).toBe('Registered');
    } finally {
      await b.close();
    }
  });

  it('rotate, renew and deactivate on a provisioned device', async () => {
    const b = await Bench.start();
    try {
      await b.provision();
      const deps = { store: b.secrets, journal: b.journal };
      let newSecret = '';
      expectMinimum(
        await b.measure(async (device) => {
          newSecret = (await rotateSecret(device, {}, deps)).newSecret;
        }),
        'rotate',
      );
      expect(b.sim.clientSecretIs(newSecret)).toBe(true);

      const first = b.sim.state.webexIdentity;
      const next = await credentials(b.cn);
      expectMinimum(
        await b.measure(async (device) => {
          const r = await renew({ device, secrets: b.secrets, journal: b.journal }, { credentials: next });
          expect(r.error).toBeUndefined();
        }),
        'renew',
      );
      const renewed = b.sim.state.webexIdentity;
      expect(renewed).not.toBe(first);
      expect(b.sim.state.certificates.some((c) => c.fingerprint === first)).toBe(false);

      expectMinimum(
        await b.measure(async (device) => {
          const r = await deactivate({ device, secrets: b.secrets, journal: b.journal }, { delete: true });
          expect(r.error).toBeUndefined();
        }),
        'deactivate',
      );
      expect(b.sim.state.webexIdentity).toBeUndefined();
      expect(b.sim.state.certificates.some((c) => c.fingerprint === renewed)).toBe(false);
    } finally {
      await b.close();
    }
  });
});

describe('the declaration', () => {
  it('lists every procedure, and the cloud calls are the lines other than the console’s own', () => {
    expect(Object.keys(PROCEDURE_MINIMUM).sort()).toEqual([...PROCEDURES].sort());
    expect(deviceCalls('provision-reset').map((c) => c.command)).toEqual([
      'xStatus SystemUnit',
      'xConfiguration SystemUnit Name',
      'xStatus Webex Status',
      'xCommand SystemUnit FactoryReset',
      'xStatus SystemUnit',
      'xConfiguration SystemUnit Name',
      'xStatus Webex Status',
      'xCommand Security ClientSecret Populate',
      'xCommand Security Certificates Services Add',
      'xCommand Security Certificates Services Show',
      'xCommand Security Certificates Services Activate',
      'xCommand Security Certificates Services Show',
      'xStatus Conference EndToEndEncryption',
    ]);
    expect(deviceCalls('renew')).toHaveLength(12);
    expect(PROCEDURE_MINIMUM.renew).toHaveLength(16);
    expect(blobCount('provision-reset')).toBe(2);
    expect(blobCount('renew')).toBe(3);
    expect(blobCount('rotate')).toBe(1);
    expect(restartCount('provision-reset-register')).toBe(1);
    expect(restartCount('renew')).toBe(0);
  });
});
