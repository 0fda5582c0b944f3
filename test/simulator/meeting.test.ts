/**
 * The simulated meeting: two devices share one roster and one security code, which changes as
 * participants join and leave; the participant events reach a session that registered for them; every
 * path served is one listed with its source; a meeting of a type outside Table 1 is not encrypted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ParticipantEvent,
  parseParticipantEvent,
  type XapiResponse,
} from '../../src/core/xapi/index.js';
import { type RoomOsDevice, connect } from '../../src/main/device/index.js';
import { MEETING_STATUS, PARTICIPANT_FIELDS, servedIn } from '../../src/simulator/schema/meeting.js';
import { type RoomOsSimulator, SimMeeting, createSimulator } from '../../src/simulator/index.js';
import { uncertified } from '../helpers/meeting.js';

let sims: RoomOsSimulator[] = [];
let devices: RoomOsDevice[] = [];
afterEach(async () => {
  for (const d of devices) await d.close();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  devices = [];
});

async function room(meeting: SimMeeting, name: string): Promise<RoomOsDevice> {
  const sim = await createSimulator({ registered: true, systemName: name, meeting });
  sims.push(sim);
  const d = await connect('sim:', { simulator: sim, timeoutMs: 5000 });
  devices.push(d);
  return d;
}

/** Watches the device's meeting: the participant events seen, and every other feedback block. */
async function watched(d: RoomOsDevice): Promise<{ seen: ParticipantEvent[]; status: XapiResponse[] }> {
  const seen: ParticipantEvent[] = [];
  const status: XapiResponse[] = [];
  d.onFeedback((r) => {
    const e = parseParticipantEvent(r);
    if (e) seen.push(e);
    else status.push(r);
  });
  await d.watchMeeting();
  return { seen, status };
}

function indexed(path: readonly string[]): string {
  return path
    .map((p) => (/^\d+$/.test(p) ? '[n]' : p))
    .join(' ')
    .replace(/ \[n\]/g, '[n]');
}

describe('the simulated meeting', () => {
  it('two devices, one roster and one code; the code changes on a join and a leave', async () => {
    const m = new SimMeeting('unit', 652);
    m.shape = 'seed';
    const a = await room(m, 'Room A');
    const b = await room(m, 'Room B');
    const code = async (d: RoomOsDevice) => (await d.meeting()).calls[0]!.e2ee.securityCode;
    const first = await code(a);
    expect(first).toMatch(/^\d{5} \d{5} \d{5} \d{5}$/);
    expect(await code(b)).toBe(first);
    const guest = m.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    const second = await code(a);
    expect(second).not.toBe(first);
    expect(await code(b)).toBe(second);
    const read = await b.meeting();
    expect(read.calls[0]!.roster.map((p) => [p.displayName, p.identity, p.status])).toEqual([
      ['Room A', 'example.com', 'WebexVerified'],
      ['Room B', 'example.com', 'WebexVerified'],
      ['Guest', '', 'Unverified'],
    ]);
    expect(read.participants.map((p) => [p.displayName, p.e2eeStatus, p.isHost])).toEqual([
      ['Room A', 'WebexVerified', false],
      ['Room B', 'WebexVerified', false],
      ['Guest', 'Unverified', false],
    ]);
    m.leave(guest);
    const third = await code(a);
    expect(third).not.toBe(second);
    expect(third).not.toBe(first);
  });

  it('every path served is listed with its source; the participant fields too, in both shapes', async () => {
    for (const shape of ['schema', 'seed'] as const) {
      const m = new SimMeeting(`paths-${shape}`, 652);
      m.shape = shape;
      m.join({
        displayName: 'Board',
        identity: 'board.example.com',
        verification: 'webex',
        certInfo: JSON.stringify({ fingerprint: 'ab', notBefore: '2026-11-01T00:00:00Z' }),
      });
      const a = await room(m, 'Room A');
      const conf = await a.request('xStatus Conference Call');
      const call = await a.request('xStatus Call');
      const served = new Set([...conf.entries, ...call.entries].map((e) => indexed(e.path)));
      const listed = new Set(MEETING_STATUS.filter((e) => servedIn(e, shape)).map((e) => e.path));
      expect([...served].filter((p) => !listed.has(p))).toEqual([]);
      expect([...listed].filter((p) => !served.has(p))).toEqual([]);
      const search = await a.request('xCommand Conference ParticipantList Search');
      expect(search.resultName).toBe('ParticipantListSearchResult');
      const fields = new Set(search.entries.map((e) => indexed(e.path.slice(2))));
      expect([...fields].sort()).toEqual([...PARTICIPANT_FIELDS[shape]].sort());
    }
  });

  it("the default (schema) shape: no E2EE node under the call; each participant's Device 1 in Search", async () => {
    const m = new SimMeeting('schema-default', 652);
    expect(m.shape).toBe('schema');
    m.join({ displayName: 'Guest', identity: '', verification: 'unverified', certInfo: '' });
    const a = await room(m, 'Room A');
    const read = await a.meeting();
    expect(read.calls[0]!.e2ee).toEqual({
      status: null,
      encrypted: null,
      securityCode: null,
      mediaEncryption: null,
      groupEncryption: null,
    });
    expect(read.calls[0]!.serverEncryption).toBeNull();
    expect(read.calls[0]!.roster).toEqual([]);
    expect(
      read.participants.map((p) => [
        p.displayName,
        p.devices.map((d) => [d.identity, d.status, d.verificationWord, d.certInfo?.fingerprint ?? null]),
      ]),
    ).toEqual([
      ['Guest', [['', '', 'Unverified', null]]],
      ['Room A', [['example.com', 'Valid', 'WebexVerified', read.participants[1]!.certInfo!.fingerprint]]],
    ]);
    expect(read.participants[1]!.certInfo!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The events carry the same Device 1 node; no call status changes with them (no code is published).
    const { seen, status } = await watched(a);
    m.join({ displayName: 'Late', identity: 'late@example.com', verification: 'webex', certInfo: '' });
    await expect.poll(() => seen.length).toBe(1);
    expect(
      seen.map((e) => [
        e.change,
        e.participant.displayName,
        e.participant.identity,
        e.participant.e2eeStatus,
      ]),
    ).toEqual([['added', 'Late', 'late@example.com', 'WebexVerified']]);
    expect(status).toEqual([]);
    await a.unwatchMeeting();
  });

  it('a session registered for the participant list gets ParticipantAdded and ParticipantDeleted', async () => {
    const m = new SimMeeting('events', 652);
    m.shape = 'seed';
    const a = await room(m, 'Room A');
    const { seen, status } = await watched(a);
    const late = m.join(uncertified('Late', 'late@example.com', 'webex'));
    m.leave(late);
    await expect.poll(() => seen.length).toBe(2);
    expect(
      seen.map((e) => [e.change, e.callId, e.participant.displayName, e.participant.verification]),
    ).toEqual([
      ['added', 1, 'Late', 'webex'],
      ['deleted', 1, 'Late', 'webex'],
    ]);
    expect(
      status.some((r) =>
        r.entries.some((e) => e.path.join(' ') === 'Conference Call 1 EndToEndEncryption SecurityCode'),
      ),
    ).toBe(true);
    await a.unwatchMeeting();
  });

  it('an unregistered device is in no call; a model without E2EE is in the call without its E2EE part', async () => {
    const m = new SimMeeting('gated', 652);
    m.shape = 'seed';
    const unregistered = await createSimulator({ meeting: m });
    sims.push(unregistered);
    const u = await connect('sim:', { simulator: unregistered, timeoutMs: 5000 });
    devices.push(u);
    expect(await u.meeting()).toEqual({ calls: [], participants: [] });
    const old = await createSimulator({ registered: true, meeting: m, model: 'Cisco TelePresence MX300 G2' });
    sims.push(old);
    const o = await connect('sim:', { simulator: old, timeoutMs: 5000 });
    devices.push(o);
    const [c] = (await o.meeting()).calls;
    expect(c!.e2ee).toMatchObject({ status: 'Off', encrypted: false, securityCode: '' });
    expect(c!.roster).toEqual([]);
  });

  it('a session type outside Table 1: not encrypted, no code, no roster; the literal form as the schema', async () => {
    const m = new SimMeeting('plain', 651);
    m.shape = 'seed';
    const a = await room(m, 'Room A');
    const [c] = (await a.meeting()).calls;
    expect(c!.sessionType).toEqual({ raw: '651', id: 651, name: null, e2eeType: false });
    expect(c!.e2ee).toEqual({
      status: 'Off',
      encrypted: false,
      securityCode: '',
      mediaEncryption: 'None',
      groupEncryption: 'None',
    });
    expect(c!.roster).toEqual([]);
    m.sessionTypeField = 'literal';
    expect((await a.meeting()).calls[0]!.sessionType).toEqual({
      raw: 'Call',
      id: null,
      name: null,
      e2eeType: null,
    });
  });
});
