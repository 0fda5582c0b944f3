/**
 * The app's meeting watch of cloud devices, through the window's services over the real cloud simulator,
 * with a timer and a clock that move only when the test says so: a Fleet device watched alone
 * (`fleet.watchMeeting`) reports a join and the code change between two polls in the view
 * `meeting.read` gives, and makes no request once stopped; a `webex:SERIAL` device of the Fleet list
 * next to the connected console (`meeting.start`); refusals by code; the poll interval's input check.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type MeetingView } from '../../../src/contract/index.js';
import type { Services } from '../../../src/main/services.js';
import type { CloudSimulator } from '../../../src/simulator/cloud/index.js';
import {
  type RoomOsSimulator,
  createSimulator,
  endSimMeeting,
  simMeeting,
} from '../../../src/simulator/index.js';
import { MemoryEntries, cloudServing, manualTimer, roomInMeeting } from '../../helpers/meeting.js';
import { type WindowCall, testServices, windowCalls } from '../../helpers/services.js';

const TOKEN = 'MeetingWatchToken-Qw81Lz4';
const MEETING = 'app-meeting-watch';
const CONSOLE = `sim:?registered=on&serial=FOCWCON0001&meeting=${MEETING}`;

describe('the app’s meeting watch of cloud devices', () => {
  let dir: string;
  let cloud: CloudSimulator;
  let services: Services;
  let call: WindowCall;
  const sims: RoomOsSimulator[] = [];
  const meeting = simMeeting(MEETING, { shape: 'seed' });
  const timer = manualTimer();
  let t = Date.UTC(2026, 11, 7, 13, 0, 0);

  const view = async (channel: string, input: unknown = {}): Promise<MeetingView> => {
    const r = (await call(channel, input)) as { ok: boolean; value: MeetingView };
    expect(r.ok, JSON.stringify(r)).toBe(true);
    return r.value;
  };
  const codeOf = async (channel: string, input: unknown): Promise<string> =>
    ((await call(channel, input)) as { code?: string }).code ?? 'accepted';
  const xapi = (from: number): string[] =>
    cloud.requests
      .slice(from)
      .filter((q) => q.path.startsWith('/v1/xapi/'))
      .map((q) => `${q.method} ${q.path}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-meeting-watch-'));
    meeting.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    const rooms = [
      await roomInMeeting(meeting, 'Lobby', 'lobby.example.com', 'FOCWATCH001'),
      await roomInMeeting(meeting, 'Annex', 'annex.example.com', 'FOCWATCH002'),
      await roomInMeeting(meeting, 'Studio', 'studio.example.com', 'FOCWATCH003'),
    ];
    sims.push(...rooms.map((r) => r.sim));
    cloud = await cloudServing(sims, TOKEN, {
      each: (i) =>
        i === 1 ? { connectionStatus: 'offline_expired' } : i === 2 ? { participantList: false } : {},
    });
    const login = new MemoryEntries();
    services = testServices(dir, {
      createSimulator,
      simRebootDelayMs: 100,
      cloud: { login: async () => login },
      meetingWatch: { timer, now: () => new Date(t) },
    });
    call = windowCalls(services);
    expect(await call('cloud.signIn', { token: TOKEN, apiBase: cloud.url })).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    await cloud?.close();
    await Promise.all(sims.map((s) => s.close()));
    endSimMeeting(MEETING);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a device not in the last list, and an offline one, by code; nothing is watched', async () => {
    expect(await codeOf('fleet.watchMeeting', { serial: 'FOCWATCH001', pollSeconds: 5 })).toBe(
      'ERR_APP_FLEET_NOT_LISTED',
    );
    expect(await call('fleet.list', { tags: [] })).toMatchObject({ ok: true });
    expect(await codeOf('fleet.watchMeeting', { serial: 'FOCWATCH002', pollSeconds: 5 })).toBe(
      'ERR_CLOUD_DEVICE_UNREACHABLE',
    );
    expect((await view('meeting.read')).watching).toBe(false);
    expect(timer.pending).toEqual([]);
  });

  it('watches a Fleet device by polling: a join and the code change between two polls; stop stops', async () => {
    const first = await view('fleet.watchMeeting', { serial: 'FOCWATCH001', pollSeconds: 5 });
    const before = meeting.securityCode();
    expect([first.watching, first.serial, first.error, first.updates]).toEqual([
      true,
      'FOCWATCH001',
      null,
      [],
    ]);
    expect(first.report?.readings.map((r) => [r.target, r.device.serialNumber, r.device.systemName])).toEqual(
      [['webex:FOCWATCH001', 'FOCWATCH001', 'Lobby']],
    );
    expect(first.report?.verdicts.map((v) => [v.encrypted, v.securityCode])).toEqual([[true, before]]);
    expect(timer.pending).toEqual([5000]);

    // A poll with nothing changed: two reads, no update, the next poll set.
    let from = cloud.requests.length;
    t += 5000;
    timer.fire();
    await expect.poll(() => timer.pending).toEqual([5000]);
    expect(xapi(from)).toEqual([
      'GET /v1/xapi/status',
      'POST /v1/xapi/command/Conference.ParticipantList.Search',
    ]);
    expect((await view('meeting.read')).updates).toEqual([]);

    // Between two polls someone joins (the security code changes): both seen at the next poll.
    meeting.join({
      displayName: 'Late Board',
      identity: 'late.example.com',
      verification: 'webex',
      certInfo: '',
    });
    const after = meeting.securityCode();
    expect(after).not.toBe(before);
    t += 5000;
    timer.fire();
    await expect.poll(async () => (await view('meeting.read')).updates.length).toBe(2);
    const at = new Date(t).toISOString();
    const seen = await view('meeting.read');
    expect(seen.updates).toEqual([
      {
        kind: 'participant',
        at,
        target: 'webex:FOCWATCH001',
        change: 'added',
        displayName: 'Late Board',
        identity: 'late.example.com',
        verification: 'webex',
      },
      {
        kind: 'security-code',
        at,
        target: 'webex:FOCWATCH001',
        previous: before,
        code: after,
        after: { change: 'added', displayName: 'Late Board', identity: 'late.example.com' },
      },
    ]);
    expect(seen.report?.verdicts.map((v) => v.securityCode)).toEqual([after]);
    await expect.poll(() => timer.pending).toEqual([5000]);

    // Stop: the timer is cleared, and no request reaches the cloud afterwards.
    const stopped = await view('meeting.stop');
    expect([stopped.watching, stopped.serial, stopped.updates.length]).toEqual([false, 'FOCWATCH001', 2]);
    expect(timer.pending).toEqual([]);
    from = cloud.requests.length;
    t += 5000;
    timer.fire();
    expect(cloud.requests.length).toBe(from);
    expect((await view('meeting.read')).watching).toBe(false);
  });

  it('takes a webex: device of the Fleet list next to the connected console; closing the app stops the polling', async () => {
    expect(await call('device.connect', { target: CONSOLE, password: null })).toMatchObject({ ok: true });
    expect(
      await codeOf('meeting.start', {
        others: [{ target: 'webex:FOCNOTLISTED', password: null }],
        serial: null,
      }),
    ).toBe('ERR_APP_FLEET_NOT_LISTED');
    expect(
      await codeOf('meeting.start', {
        others: [{ target: 'webex:FOCWATCH002', password: null }],
        serial: null,
      }),
    ).toBe('ERR_CLOUD_DEVICE_UNREACHABLE');
    // One refused at its first read (no participant list): those already read stop too, no timer left.
    expect(
      await codeOf('meeting.start', {
        others: [
          { target: 'webex:FOCWATCH001', password: null },
          { target: 'webex:FOCWATCH003', password: null },
        ],
        serial: null,
      }),
    ).toBe('ERR_CLOUD_COMMAND_UNAVAILABLE');
    expect(timer.pending).toEqual([]);
    expect((await view('meeting.read')).watching).toBe(false);
    const both = await view('meeting.start', {
      others: [{ target: 'webex:FOCWATCH001', password: null }],
      serial: 'FOCWCON0001',
      pollSeconds: 7,
    });
    expect(both.watching).toBe(true);
    expect(both.report?.readings.map((r) => [r.target, r.device.serialNumber])).toEqual([
      [CONSOLE, 'FOCWCON0001'],
      ['webex:FOCWATCH001', 'FOCWATCH001'],
    ]);
    // The console gives feedback; only the cloud device is polled, every 7 s.
    expect(timer.pending).toEqual([7000]);
    await services.dispose();
    expect(timer.pending).toEqual([]);
    const from = cloud.requests.length;
    timer.fire();
    expect(cloud.requests.length).toBe(from);
  });

  it('checks the poll interval: whole seconds from 1 to 3600', () => {
    expect(CHANNELS['fleet.watchMeeting'].parse({ serial: ' FOCWATCH001 ', pollSeconds: 1 })).toEqual({
      serial: 'FOCWATCH001',
      pollSeconds: 1,
    });
    expect(CHANNELS['meeting.start'].parse({ others: [], serial: null, pollSeconds: 3600 })).toMatchObject({
      pollSeconds: 3600,
    });
    for (const [channel, input] of [
      ['fleet.watchMeeting', { serial: 'FOC1', pollSeconds: 0 }],
      ['fleet.watchMeeting', { serial: 'FOC1', pollSeconds: 3601 }],
      ['fleet.watchMeeting', { serial: 'FOC1', pollSeconds: 2.5 }],
      ['fleet.watchMeeting', { serial: 'FOC1', pollSeconds: '5' }],
      ['fleet.watchMeeting', { serial: 'FOC1' }],
      ['fleet.watchMeeting', { serial: ' ', pollSeconds: 5 }],
      ['fleet.watchMeeting', { serial: 'FOC1', pollSeconds: 5, more: 1 }],
      ['meeting.start', { others: [], serial: null, pollSeconds: 0 }],
      ['meeting.start', { others: [], serial: null, pollSeconds: null }],
    ] as const) {
      let code = 'accepted';
      try {
        CHANNELS[channel].parse(input);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, `${channel} ${JSON.stringify(input)}`).toBe('ERR_IPC_BAD_INPUT');
    }
  });
});
