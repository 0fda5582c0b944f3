/**
 * The meeting check through the Webex cloud, against the in-process cloud simulator: `CloudDevice`
 * reads a simulated device's meeting in one `/xapi/status` call and one participant list command (after
 * `/xapi/schema`), a device outside a call answers its missing statuses as not reported, a device that
 * does not offer the participant list is refused before anything is posted, and a polled watch on a fake
 * timer reports a join and the code change it caused between two polls, past a 429.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloudClient, type CloudClock } from '../../../src/main/cloud/client.js';
import { CloudDevice, MEETING_STATUS_NAMES } from '../../../src/main/cloud/device.js';
import { isCloudError } from '../../../src/main/cloud/errors.js';
import {
  type MeetingReport,
  type MeetingUpdate,
  MeetingWatch,
  participantChanges,
  readMeeting,
} from '../../../src/main/workflows/meeting.js';
import type { CloudDeviceOptions, CloudVariants } from '../../../src/simulator/cloud/index.js';
import { SimMeeting } from '../../../src/simulator/index.js';
import { manualTimer } from '../../helpers/meeting.js';
import { TOKEN, type World, world } from '../../simulator/cloud-helpers.js';

let worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.map((w) => w.close()));
  worlds = [];
});

const GUEST = { displayName: 'Guest', identity: '', verification: 'unverified' as const, certInfo: '' };
const LATE = {
  displayName: 'Late Board',
  identity: 'late.example.com',
  verification: 'webex' as const,
  certInfo: '',
};

/** Two cloud devices: FOC0000X001 in `meeting` (seed shape), FOC0000X002 in no call. */
async function cloudPair(
  meeting: SimMeeting,
  variants: CloudVariants = {},
  first: Partial<Omit<CloudDeviceOptions, 'simulator'>> = {},
): Promise<World> {
  const w = await world(2, variants, (i) =>
    i === 0
      ? { ...first, displayName: 'Room A', sim: { meeting, systemName: 'Room A' } }
      : { displayName: 'Room B' },
  );
  worlds.push(w);
  return w;
}

/** A seed-shaped meeting `id` named `title` with the guest in it, on the first device of a cloud pair. */
async function seededPair(id: string, title: string): Promise<{ m: SimMeeting; w: World }> {
  const m = new SimMeeting(id, 652, title);
  m.shape = 'seed';
  m.join(GUEST);
  return { m, w: await cloudPair(m) };
}

/** A clock for the client that never waits on the wall clock: a sleep moves it on. */
function fakeClock(): CloudClock & { slept: number[] } {
  let t = Date.UTC(2026, 11, 7, 9, 0, 0);
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

describe('CloudDevice meeting reads', () => {
  it('reads identity, E2EE, calls and the participant list in one status call and one command', async () => {
    const { m, w } = await seededPair('cloud-read', 'Weekly sync');
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const device = await CloudDevice.open(client, 'FOC0000X001');
    const before = w.cloud.requests.length;
    const r = await readMeeting(device, device.target, 'room-a.example.com', () => new Date(0));
    expect(
      w.cloud.requests.slice(before).map((q) => `${q.method} ${q.path} ${q.command ?? ''} ${q.status}`),
    ).toEqual([
      'GET /v1/xapi/schema  200',
      'GET /v1/xapi/status  200',
      'POST /v1/xapi/command/Conference.ParticipantList.Search Conference.ParticipantList.Search 200',
    ]);
    expect(MEETING_STATUS_NAMES).toEqual([
      'SystemUnit.*',
      'Webex.Status',
      'Conference.EndToEndEncryption.*',
      'Conference.Call.*',
      'Call.*',
    ]);
    expect(r.target).toBe('webex:FOC0000X001');
    expect(r.readAt).toBe('1970-01-01T00:00:00.000Z');
    expect(r.device).toEqual({
      productId: 'Cisco Room Kit',
      serialNumber: 'FOC0000X001',
      systemName: 'Room A',
      externalIdentity: null,
      externalVerification: null,
      internalIdentity: 'example.com',
      identityReported: true,
      expectedIdentity: 'room-a.example.com',
    });
    expect(r.calls).toHaveLength(1);
    const call = r.calls[0]!;
    expect([call.callId, call.callStatus, call.displayName, call.callEncryption]).toEqual([
      1,
      'Connected',
      'Weekly sync',
      'Aes-128',
    ]);
    expect(call.sessionType).toEqual({
      raw: '652',
      id: 652,
      name: 'Pro-End to End Encryption_VOIPonly',
      e2eeType: true,
    });
    expect(call.e2ee).toEqual({
      status: 'On',
      encrypted: true,
      securityCode: m.securityCode(),
      mediaEncryption: 'AES-256-GCM',
      groupEncryption: 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256',
    });
    expect(call.serverEncryption).toBe('TLS1.3 AES-256-GCM');
    expect(call.roster.map((p) => [p.displayName, p.identity, p.verification])).toEqual([
      ['Guest', '', 'unverified'],
      ['Room A', 'example.com', 'webex'],
    ]);
    expect(r.participants.map((p) => [p.participantId, p.displayName, p.identity, p.verification])).toEqual([
      ['cloud-read-p1', 'Guest', '', 'unverified'],
      ['cloud-read-p2', 'Room A', 'example.com', 'webex'],
    ]);
    // The schema is asked once per device.
    await readMeeting(device, device.target);
    expect(w.cloud.requests.filter((q) => q.path === '/v1/xapi/schema').length).toBe(1);
  });

  it("reads the participant list when the cloud gives the device's JSON as printed (`resultValues: device`)", async () => {
    const m = new SimMeeting('cloud-device-values', 652);
    m.join(GUEST);
    const w = await cloudPair(m, { resultValues: 'device' });
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const device = await CloudDevice.open(client, 'FOC0000X001');
    const r = await readMeeting(device, device.target);
    expect(r.participants.map((p) => [p.participantId, p.displayName, p.verification])).toEqual([
      ['cloud-device-values-p1', 'Guest', 'unverified'],
      ['cloud-device-values-p2', 'Room A', 'webex'],
    ]);
  });

  it('a device in no call: the statuses it lacks are not reported, never a failure', async () => {
    const w = await cloudPair(new SimMeeting('cloud-none', 652));
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const device = await CloudDevice.open(client, 'FOC0000X002');
    const before = w.cloud.requests.length;
    const r = await readMeeting(device, device.target);
    expect(r.calls).toEqual([]);
    expect(r.participants).toEqual([]);
    expect([r.device.serialNumber, r.device.systemName, r.device.identityReported]).toEqual([
      'FOC0000X002',
      'Room B',
      true,
    ]);
    // The whole call answers 400 (a name matches nothing): each name again, the missing ones left out.
    expect(w.cloud.requests.slice(before).map((q) => `${q.path} ${q.status}`)).toEqual([
      '/v1/xapi/schema 200',
      '/v1/xapi/status 400',
      '/v1/xapi/status 200',
      '/v1/xapi/status 200',
      '/v1/xapi/status 200',
      '/v1/xapi/status 400',
      '/v1/xapi/status 400',
    ]);
  });

  it('a cloud that leaves missing names out answers in one call', async () => {
    const w = await cloudPair(new SimMeeting('cloud-empty', 652), { missingStatus: 'empty' });
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const device = await CloudDevice.open(client, 'FOC0000X002');
    const before = w.cloud.requests.length;
    const r = await readMeeting(device, device.target);
    expect([r.calls, r.participants, r.device.serialNumber]).toEqual([[], [], 'FOC0000X002']);
    expect(w.cloud.requests.slice(before).map((q) => `${q.path} ${q.status}`)).toEqual([
      '/v1/xapi/schema 200',
      '/v1/xapi/status 200',
    ]);
  });

  it('a device that does not offer the participant list is refused with its code, nothing posted', async () => {
    const m = new SimMeeting('cloud-refused', 652);
    const w = await cloudPair(m, {}, { participantList: false });
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const device = await CloudDevice.open(client, 'FOC0000X001');
    const e = await readMeeting(device, device.target).catch((x: unknown) => x);
    expect(isCloudError(e, 'ERR_CLOUD_COMMAND_UNAVAILABLE')).toBe(true);
    expect((e as Error).message).toBe(
      'webex:FOC0000X001 does not offer Conference.ParticipantList.Search through the Webex cloud (its xAPI schema there lacks it; a model or software release may not). Use its console for this step; nothing was sent.',
    );
    expect(w.cloud.requests.filter((q) => q.path.startsWith('/v1/xapi/command')).length).toBe(0);
  });

  it('an offline device is ERR_CLOUD_DEVICE_UNREACHABLE before any xAPI call', async () => {
    const w = await cloudPair(new SimMeeting('cloud-offline', 652), {}, { connectionStatus: 'disconnected' });
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const e = await CloudDevice.open(client, 'FOC0000X001').catch((x: unknown) => x);
    expect(isCloudError(e, 'ERR_CLOUD_DEVICE_UNREACHABLE')).toBe(true);
    expect(w.cloud.requests.filter((q) => q.path.startsWith('/v1/xapi/')).length).toBe(0);
  });
});

describe('a polled meeting watch (fake timer, fake clock)', () => {
  it('reports a join and the code change between two polls, and waits out a 429', async () => {
    const { m, w } = await seededPair('cloud-watch', 'Poll sync');
    const clock = fakeClock();
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock });
    const device = await CloudDevice.open(client, 'FOC0000X001');
    const timer = manualTimer();
    let t = Date.UTC(2026, 11, 7, 10, 0, 0);
    const seen: MeetingUpdate[] = [];
    let last: MeetingReport | null = null;
    let arrived: () => void = () => undefined;
    const watch = new MeetingWatch(
      (u, r) => {
        seen.push(u);
        last = r;
        if (seen.length === 2) arrived();
      },
      { pollMs: 7000, timer, now: () => new Date(t) },
    );
    const first = await watch.start([{ target: device.target, device }]);
    const before = m.securityCode();
    expect(first.verdicts[0]!.securityCode).toBe(before);
    expect(timer.pending).toEqual([7000]);

    // A poll with nothing changed reports nothing and sets the next.
    let polled = w.cloud.requests.length;
    t += 7000;
    timer.fire();
    await expect.poll(() => timer.pending.length).toBe(1);
    expect(seen).toEqual([]);
    expect(w.cloud.requests.length - polled).toBe(2);

    // Between two polls: a join (the code changes), and the device's next xAPI call answers 429.
    m.join(LATE);
    const after = m.securityCode();
    expect(after).not.toBe(before);
    // The device's next xAPI call is the limit's `every`th: that one alone answers 429.
    const calls = w.cloud.devices[0]!.xapiCalls;
    w.cloud.setDevice('FOC0000X001', { rateLimit: { every: calls + 1, retryAfterSeconds: 3 } });
    const done = new Promise<void>((r) => (arrived = r));
    polled = w.cloud.requests.length;
    t += 7000;
    timer.fire();
    await done;
    const at = new Date(t).toISOString();
    expect(seen).toEqual([
      {
        kind: 'participant',
        at,
        target: 'webex:FOC0000X001',
        change: 'added',
        displayName: 'Late Board',
        identity: 'late.example.com',
        verification: 'webex',
      },
      {
        kind: 'security-code',
        at,
        target: 'webex:FOC0000X001',
        previous: before,
        code: after,
        after: { change: 'added', displayName: 'Late Board', identity: 'late.example.com' },
      },
    ]);
    expect(clock.slept).toContain(3000);
    expect(w.cloud.requests.slice(polled).map((q) => `${q.path} ${q.status}`)).toEqual([
      '/v1/xapi/status 429',
      '/v1/xapi/status 200',
      '/v1/xapi/command/Conference.ParticipantList.Search 200',
    ]);
    const report = last as MeetingReport | null;
    expect(report?.readings[0]!.lastJoin).toEqual({
      at,
      displayName: 'Late Board',
      identity: 'late.example.com',
      codeBefore: before,
      codeAfter: after,
      codeChanged: true,
    });
    await expect.poll(() => timer.pending).toEqual([7000]);
    const final = await watch.stop();
    expect(timer.pending).toEqual([]);
    expect(final.readings[0]!.codeHistory).toEqual([
      {
        at,
        previous: before,
        code: after,
        after: { change: 'added', displayName: 'Late Board', identity: 'late.example.com' },
      },
    ]);
  });

  it('a device that goes offline while watching ends the watch with its code', async () => {
    const m = new SimMeeting('cloud-watch-off', 652);
    const w = await cloudPair(m);
    const client = new CloudClient({ token: TOKEN, apiBase: w.cloud.url, clock: fakeClock() });
    const device = await CloudDevice.open(client, 'FOC0000X001');
    const timer = manualTimer();
    let failed: (e: unknown) => void = () => undefined;
    const failure = new Promise<unknown>((r) => (failed = r));
    const watch = new MeetingWatch(() => undefined, { timer, onError: (e) => failed(e) });
    await watch.start([{ target: device.target, device }]);
    expect(timer.pending).toEqual([5000]);
    w.cloud.setDevice('FOC0000X001', { connectionStatus: 'disconnected' });
    timer.fire();
    const e = await failure;
    expect(isCloudError(e, 'ERR_CLOUD_DEVICE_UNREACHABLE')).toBe(true);
    expect(timer.pending).toEqual([]);
    await watch.stop();
  });
});

describe('participantChanges', () => {
  it('joins, departures and changes between two lists, by participant id', () => {
    const p = (id: string, name: string, verification: 'webex' | 'unverified', word: string) => ({
      participantId: id,
      displayName: name,
      status: 'connected',
      isHost: false,
      e2eeStatus: word,
      verification,
      identity: '',
      certInfo: null,
      devices: [],
    });
    const a = p('p1', 'A', 'unverified', 'Unverified');
    const b = p('p2', 'B', 'unverified', 'Unverified');
    const b2 = p('p2', 'B', 'webex', 'WebexVerified');
    const c = p('p3', 'C', 'unverified', 'Unverified');
    expect(
      participantChanges([a, b], [b2, c], 4).map((e) => [e.change, e.callId, e.participant.displayName]),
    ).toEqual([
      ['updated', 4, 'B'],
      ['added', 4, 'C'],
      ['deleted', 4, 'A'],
    ]);
    expect(participantChanges([a, b], [a, b], 1)).toEqual([]);
  });
});
