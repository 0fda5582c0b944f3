/**
 * The meeting watch against in-process simulated devices: each join is reported with the security code
 * change it caused, the last join's change is recorded in the verdict, and a device lost while watching
 * ends the watch with ERR_DEVICE_DISCONNECTED.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RoomOsDevice, connect } from '../../../src/main/device/index.js';
import { type MeetingReport, type MeetingUpdate, MeetingWatch } from '../../../src/main/workflows/meeting.js';
import { type RoomOsSimulator, SimMeeting, createSimulator } from '../../../src/simulator/index.js';

let sims: RoomOsSimulator[] = [];
let devices: RoomOsDevice[] = [];
afterEach(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  devices = [];
});

async function room(
  meeting: SimMeeting,
  name: string,
): Promise<{ target: string; device: RoomOsDevice; sim: RoomOsSimulator }> {
  const sim = await createSimulator({ registered: true, systemName: name, meeting });
  sims.push(sim);
  const device = await connect('sim:', { simulator: sim, timeoutMs: 5000 });
  devices.push(device);
  return { target: `sim:${name}`, device, sim };
}

describe('MeetingWatch', () => {
  it('reports a join and the code change on each device, and records it for the verdict', async () => {
    const m = new SimMeeting('watch', 652);
    m.shape = 'seed';
    const a = await room(m, 'A');
    const b = await room(m, 'B');
    const seen: MeetingUpdate[] = [];
    let last: MeetingReport | null = null;
    const w = new MeetingWatch(
      (u, r) => {
        seen.push(u);
        last = r;
      },
      { quietMs: 50 },
    );
    const first = await w.start([a, b]);
    const before = m.securityCode();
    expect(first.verdicts.map((v) => v.securityCode)).toEqual([before, before]);
    m.join({ displayName: 'Late', identity: 'late@example.com', verification: 'webex', certInfo: '' });
    const after = m.securityCode();
    await expect.poll(() => seen.filter((u) => u.kind === 'security-code').length).toBe(2);
    const report = await w.stop();
    expect(
      seen
        .map((u) =>
          u.kind === 'participant'
            ? [u.target, u.change, u.displayName, u.identity, u.verification]
            : [u.target, u.previous, u.code, u.after?.displayName],
        )
        .sort((x, y) => String(x).localeCompare(String(y))),
    ).toEqual(
      [
        ['sim:A', 'added', 'Late', 'late@example.com', 'webex'],
        ['sim:B', 'added', 'Late', 'late@example.com', 'webex'],
        ['sim:A', before, after, 'Late'],
        ['sim:B', before, after, 'Late'],
      ].sort((x, y) => String(x).localeCompare(String(y))),
    );
    expect(last).not.toBeNull();
    for (const r of report.readings) {
      expect(r.lastJoin).toMatchObject({
        displayName: 'Late',
        codeBefore: before,
        codeAfter: after,
        codeChanged: true,
      });
      expect(r.codeHistory.map((c) => [c.previous, c.code])).toEqual([[before, after]]);
    }
    expect(report.verdicts.map((v) => v.codeChangedOnLastJoin)).toEqual([true, true]);
    expect(report.comparison.sameSecurityCode).toBe(true);
  });

  it('a device lost while watching: ERR_DEVICE_DISCONNECTED, naming it', async () => {
    const m = new SimMeeting('lost', 652);
    const a = await room(m, 'A');
    const errors: unknown[] = [];
    const w = new MeetingWatch(() => undefined, { onError: (e) => errors.push(e) });
    await w.start([a]);
    await a.sim.close();
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({
      code: 'ERR_DEVICE_DISCONNECTED',
      message:
        'The connection to sim:A was lost while watching the meeting: check the cable or the network, then check again.',
    });
    await w.stop();
  });
});
