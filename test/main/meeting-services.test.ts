/**
 * The meeting check through the window's services: it runs on the device the person chose or refuses,
 * naming the connected one; a device change (another device connected, or a disconnect) clears every
 * earlier reading in main.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingView } from '../../src/contract/index.js';
import { type Services } from '../../src/main/services.js';
import { createSimulator, endSimMeeting } from '../../src/simulator/index.js';
import { type WindowCall, testServices, windowCalls } from '../helpers/services.js';

const MEETING = `svc-meeting-${randomUUID().slice(0, 8)}`;
const A = `sim:?registered=on&serial=FOCMSVC0001&meeting=${MEETING}`;
const B = `sim:?registered=on&serial=FOCMSVC0002&meeting=${MEETING}`;

describe('the meeting check in main', () => {
  let dir: string;
  let services: Services;
  let call: WindowCall;
  const view = async (channel: string, input: unknown = {}): Promise<MeetingView> => {
    const r = (await call(channel, input)) as { ok: boolean; value: MeetingView };
    expect(r.ok, JSON.stringify(r)).toBe(true);
    return r.value;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-meeting-services-'));
    services = testServices(dir, { version: '1.2.3', simRebootDelayMs: 100, createSimulator });
    call = windowCalls(services);
  });

  afterAll(async () => {
    await services?.dispose();
    endSimMeeting(MEETING);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs on the chosen device or refuses, naming the connected one; a device change clears the reading', async () => {
    expect(await call('device.connect', { target: A, password: null })).toMatchObject({ ok: true });
    const first = await view('meeting.start', { others: [], serial: 'FOCMSVC0001' });
    expect(first.serial).toBe('FOCMSVC0001');
    expect(first.report?.readings.map((r) => r.device.serialNumber)).toEqual(['FOCMSVC0001']);
    expect((await view('meeting.stop')).report?.readings[0]?.device.serialNumber).toBe('FOCMSVC0001');

    // Chosen in the inventory: another device. Refused before anything is read; the last reading stays.
    expect(await call('meeting.start', { others: [], serial: 'FOCMSVC0009' })).toEqual({
      ok: false,
      code: 'ERR_APP_MEETING_OTHER_DEVICE',
      message:
        'The connected device is Cisco Room Kit FOCMSVC0001 (' +
        A +
        '), not FOCMSVC0009: connect to FOCMSVC0009, then check again.',
      details: { connected: 'FOCMSVC0001', chosen: 'FOCMSVC0009' },
    });
    expect((await view('meeting.read')).serial).toBe('FOCMSVC0001');

    // Another device connected: nothing of the first is left, watching or not.
    await view('meeting.start', { others: [], serial: null });
    expect(await call('device.connect', { target: B, password: null })).toMatchObject({ ok: true });
    expect(await view('meeting.read')).toEqual({
      report: null,
      updates: [],
      watching: false,
      error: null,
      serial: null,
    });
    const second = await view('meeting.start', { others: [] });
    expect(second.report?.readings.map((r) => r.device.serialNumber)).toEqual(['FOCMSVC0002']);

    // A disconnect clears it too.
    expect(await call('device.disconnect')).toMatchObject({ ok: true });
    expect((await view('meeting.read')).report).toBeNull();
  });
});
