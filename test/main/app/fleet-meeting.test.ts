/**
 * The Fleet screen's meeting check (`fleet.meeting`) over the real cloud simulator: a listed, connected
 * device's meeting read through the cloud into the Meeting check screen's report, naming the device; an
 * offline device, one not in the last list, and one whose cloud schema lacks the participant list each
 * refused by code; the channel's input check. The sign-in is kept in memory (the keychain is not the point).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src/contract/index.js';
import type { CloudSimulator } from '../../../src/simulator/cloud/index.js';
import { type RoomOsSimulator, SimMeeting } from '../../../src/simulator/index.js';
import { MemoryEntries, cloudServing, roomInMeeting } from '../../helpers/meeting.js';
import type { Services } from '../../../src/main/app/options.js';
import { refusalCode, testServices } from '../../helpers/services.js';

const TOKEN = 'FleetMeetingToken-Vb72Kq1';

describe('the Fleet screen’s meeting check', () => {
  let dir: string;
  let cloud: CloudSimulator;
  const sims: RoomOsSimulator[] = [];
  const meeting = new SimMeeting('fleet-meeting', 652, 'Fleet sync');
  meeting.shape = 'seed';
  let services: Services;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-fleet-meeting-'));
    meeting.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    const rooms = [
      await roomInMeeting(meeting, 'Lobby', 'lobby.example.com', 'FOCFMEET001'),
      await roomInMeeting(meeting, 'Basement', 'basement.example.com', 'FOCFMEET002'),
      await roomInMeeting(meeting, 'Studio', 'studio.example.com', 'FOCFMEET003'),
    ];
    sims.push(...rooms.map((r) => r.sim));
    cloud = await cloudServing(sims, TOKEN, {
      each: (i) =>
        i === 1 ? { connectionStatus: 'offline_expired' } : i === 2 ? { participantList: false } : {},
    });
    const login = new MemoryEntries();
    services = testServices(dir, { cloud: { login: async () => login } });
    await services.handlers['cloud.signIn']({ token: TOKEN, apiBase: cloud.url });
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    await cloud?.close();
    await Promise.all(sims.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const h = () => services.handlers;

  it('refuses a device not in the last list', async () => {
    expect(await refusalCode(h()['fleet.meeting']({ serial: 'FOCFMEET001' }))).toBe(
      'ERR_APP_FLEET_NOT_LISTED',
    );
  });

  it('reads a listed, connected device’s meeting into the report, naming the device', async () => {
    const rows = await h()['fleet.list']({ tags: [] });
    expect(rows.map((r) => [r.serial, r.connectionStatus])).toEqual([
      ['FOCFMEET001', 'connected'],
      ['FOCFMEET003', 'connected'],
      ['FOCFMEET002', 'offline_expired'],
    ]);
    const before = cloud.requests.length;
    const view = await h()['fleet.meeting']({ serial: 'FOCFMEET001' });
    expect(Object.keys(view).sort()).toEqual(['report', 'serial', 'target']);
    expect([view.serial, view.target]).toEqual(['FOCFMEET001', 'webex:FOCFMEET001']);
    const code = meeting.securityCode();
    const { report } = view;
    expect(report.readings.map((r) => [r.target, r.device.serialNumber, r.device.systemName])).toEqual([
      ['webex:FOCFMEET001', 'FOCFMEET001', 'Lobby'],
    ]);
    expect(report.verdicts.map((v) => [v.target, v.encrypted, v.securityCode])).toEqual([
      ['webex:FOCFMEET001', true, code],
    ]);
    expect([report.verdicts[0]!.self?.identity, report.verdicts[0]!.self?.verification]).toEqual([
      'lobby.example.com',
      'external',
    ]);
    expect(report.verdicts[0]!.people.map((p) => [p.displayName, p.identity, p.verification])).toEqual([
      ['Guest', '', 'unverified'],
      ['Lobby', 'lobby.example.com', 'external'],
      ['Basement', 'basement.example.com', 'external'],
      ['Studio', 'studio.example.com', 'external'],
    ]);
    expect(report.comparison.findings).toEqual([]);
    expect(
      cloud.requests
        .slice(before)
        .filter((q) => q.path.startsWith('/v1/xapi/'))
        .map((q) => `${q.method} ${q.path}`),
    ).toEqual([
      'GET /v1/xapi/schema',
      'GET /v1/xapi/status',
      'POST /v1/xapi/command/Conference.ParticipantList.Search',
    ]);
  });

  it('an offline device: ERR_CLOUD_DEVICE_UNREACHABLE; no participant list: ERR_CLOUD_COMMAND_UNAVAILABLE', async () => {
    expect(await refusalCode(h()['fleet.meeting']({ serial: 'FOCFMEET002' }))).toBe(
      'ERR_CLOUD_DEVICE_UNREACHABLE',
    );
    const before = cloud.requests.length;
    expect(await refusalCode(h()['fleet.meeting']({ serial: 'FOCFMEET003' }))).toBe(
      'ERR_CLOUD_COMMAND_UNAVAILABLE',
    );
    expect(cloud.requests.slice(before).filter((q) => q.path.startsWith('/v1/xapi/command'))).toEqual([]);
  });

  it('checks its input: one serial number, nothing else', () => {
    expect(CHANNELS['fleet.meeting'].parse({ serial: ' FOCFMEET001 ' })).toEqual({ serial: 'FOCFMEET001' });
    for (const input of [
      { serial: '' },
      { serial: '  ' },
      { serial: 5 },
      {},
      { serial: 'FOC1', more: 1 },
      null,
    ]) {
      let code = 'accepted';
      try {
        CHANNELS['fleet.meeting'].parse(input);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, JSON.stringify(input)).toBe('ERR_IPC_BAD_INPUT');
    }
  });
});
