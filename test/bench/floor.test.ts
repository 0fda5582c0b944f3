/** The bench's floor of a procedure: its declared minimal command list at the configured delays, exactly. */
import { describe, expect, it } from 'vitest';
import { type PayloadBytes, cloudFloor, fleetFloor, procedureFloor } from '../../bench/lib.js';
import { PROCEDURE_MINIMUM, cloudCalls } from '../../src/core/xapi/procedure.js';

const DEVICE = { commandLatencyMs: 40, rebootDelayMs: 4000, bytesPerSecond: 11_520 };
const BYTES: PayloadBytes = {
  'add-blob': 5760,
  'line-probe': 5760,
  'activate-blob': 230,
  'deactivate-blob': 232,
  'populate-blob': 288,
  'plain-secret': 40,
};

describe('procedureFloor', () => {
  it('provisioning with a reset: 20 lines, one restart, the probe, the add and activate blobs and the secret', () => {
    const f = procedureFloor(PROCEDURE_MINIMUM['provision-reset'], DEVICE, BYTES, 100);
    expect(f).toEqual({
      commands: 20,
      reboots: 1,
      deviceDelayMs: 20 * 40 + 4000,
      wireBytes: 5760 + 5760 + 230 + 40,
      wireMs: (11_790 / 11_520) * 1000,
      kdfs: 4,
      kdfMs: 100,
      ms: 4800 + (11_790 / 11_520) * 1000 + 400,
    });
  });

  it('a rotation: 7 lines, one populate blob, no restart', () => {
    const f = procedureFloor(PROCEDURE_MINIMUM.rotate, DEVICE, BYTES, 100);
    expect([f.commands, f.reboots, f.wireBytes, f.kdfs, f.ms]).toEqual([7, 0, 288, 2, 280 + 25 + 200]);
  });

  it('a renewal: 16 lines, the secret probe, the add and activate blobs (6 derivations)', () => {
    const f = procedureFloor(PROCEDURE_MINIMUM.renew, DEVICE, BYTES, 50);
    expect([f.commands, f.reboots, f.wireBytes, f.kdfs]).toEqual([16, 0, 288 + 5760 + 5760 + 230, 6]);
    expect(f.ms).toBe(16 * 40 + ((288 + 11_520 + 230) / 11_520) * 1000 + 300);
  });
});

describe('cloudFloor and fleetFloor', () => {
  it('a cloud renewal: 16 API calls × the latency, the secret probe, add and activate blobs (6 derivations)', () => {
    expect(cloudFloor(cloudCalls('renew'), 1000, 340)).toEqual({
      ms: 16 * 1000 + 6 * 340,
      callsMs: 16_000,
      calls: 16,
      latencyMs: 1000,
      kdfs: 6,
      kdfMs: 340,
    });
    expect(cloudFloor(cloudCalls('renew'), 100, 50).ms).toBe(1600 + 300);
  });

  it('a cloud rotation: 4 API calls, one populate blob', () => {
    expect(cloudFloor(cloudCalls('rotate'), 1000, 340)).toEqual({
      ms: 4000 + 680,
      callsMs: 4000,
      calls: 4,
      latencyMs: 1000,
      kdfs: 2,
      kdfMs: 340,
    });
  });

  it('a fleet of 20, 4 at a time: 5 × one device', () => {
    expect(fleetFloor(20, 4, 18_040)).toBe(90_200);
    expect(fleetFloor(8, 4, 1000)).toBe(2000);
  });
});
