/**
 * The Fleet screen's capture (`fleet.capture`) over the simulated Webex cloud: a listed, connected device
 * read through the cloud as `device capture --target webex:` reads it, the file written where the
 * console session's captures go (owner-only, named by the serial), the exact summary, read-only (the
 * cloud saw GETs and the allowed `Services Show` alone); a device not in the last list and an offline one
 * refused by code with nothing read or written; the channel's input check.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src/contract/index.js';
import type { Services } from '../../../src/main/app/options.js';
import {
  CAPTURE_PROBES,
  CLOUD_CAPTURE_COMMANDS,
  type CloudDeviceCapture,
} from '../../../src/main/device/index.js';
import { testServices } from '../../helpers/services.js';
import { TOKEN, type World, cloudCaptureRequests, deviceIdOf, world } from '../../simulator/cloud-helpers.js';

/** The entries a cloud capture lists as needing a console (capture-cloud.ts), in the file's order. */
const UNAVAILABLE = [
  'serial-settings',
  'certificates-text',
  'certificates-webexidentity',
  'error-parameter',
  'unknown-command',
  'configuration-read',
  'schema-conference-call',
  'schema-participant-added',
  'banner',
  'line-limit',
];

describe('the Fleet screen’s capture through the cloud', () => {
  let dir: string;
  let w: World;
  let services: Services;
  const captures = () => join(dir, 'home', 'captures');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-fleet-capture-'));
    w = await world(3, {}, (i) => ({
      displayName: `Board Room ${i + 1}`,
      tags: ['floor-9'],
      ...(i === 1 ? { connectionStatus: 'offline_expired' as const } : {}),
    }));
    // The memory store has no entries of the tool's own: the sign-in is kept for the session, in main.
    services = testServices(dir, { version: '9.8.7' });
    await services.handlers['cloud.signIn']({ token: TOKEN, apiBase: w.cloud.url });
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    await w?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const h = () => services.handlers;
  const codeOf = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e as { code: string }).code,
    );

  it('refuses a device not in the last list, before the cloud is asked', async () => {
    const before = w.cloud.requests.length;
    expect(await codeOf(h()['fleet.capture']({ serial: 'FOC0000X001', probeAddRefusals: false }))).toBe(
      'ERR_APP_FLEET_NOT_LISTED',
    );
    expect(w.cloud.requests.length).toBe(before);
    expect(existsSync(captures())).toBe(false);
  });

  it('captures a listed, connected device through the cloud into the console captures’ folder, reading only', async () => {
    const rows = await h()['fleet.list']({ tags: [] });
    expect(rows.map((r) => [r.serial, r.connectionStatus])).toEqual([
      ['FOC0000X001', 'connected'],
      ['FOC0000X002', 'offline_expired'],
      ['FOC0000X003', 'connected'],
    ]);
    const before = w.cloud.requests.length;
    const summary = await h()['fleet.capture']({ serial: 'FOC0000X001', probeAddRefusals: false });
    const text = await readFile(summary.file, 'utf8');
    const capture = JSON.parse(text) as CloudDeviceCapture;
    expect(summary).toEqual({
      file: join(captures(), `capture-FOC0000X001-${capture.takenAt.replace(/[:.]/g, '-')}.json`),
      probes: 26,
      failedProbes: ['error-status'],
      lineLimit: null,
      link: 'webex',
      unavailableProbes: UNAVAILABLE,
    });
    expect((await stat(summary.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(summary.file))).mode & 0o777).toBe(0o700);
    expect([capture.format, capture.link, capture.lineLimit, capture.addRefusals]).toEqual([
      'e2ee-prov-device-capture',
      'webex',
      null,
      false,
    ]);
    expect(capture.tool).toEqual({ name: 'e2ee-prov', version: '9.8.7' });
    expect(capture.probes.map((p) => p.id)).toEqual([
      ...CAPTURE_PROBES.map((p) => p.id),
      'device-record',
      'schema-services-show',
      'schema-services-activate',
      'schema-services-deactivate',
      'schema-services-delete',
      'banner',
      'line-limit',
    ]);
    expect(capture.probes.filter((p) => p.unavailable !== undefined).map((p) => p.id)).toEqual(UNAVAILABLE);
    expect(capture.probes.find((p) => p.id === 'webex-status')!.lines).toEqual([
      '{',
      '  "Webex": {',
      '    "Status": "Registered"',
      '  }',
      '}',
    ]);
    // No identifier, no token, no tag in the file.
    const sim = w.sims[0]!;
    for (const v of [TOKEN, 'FOC0000X001', deviceIdOf(sim), sim.state.deviceId, 'Board Room 1', 'floor-9'])
      expect(text).not.toContain(v);
    // Read-only: GETs and the allowed Services Show alone.
    const seen = w.cloud.requests.slice(before);
    expect(seen.map((q) => `${q.method} ${q.path}`)).toEqual(cloudCaptureRequests(deviceIdOf(sim)));
    expect(seen.filter((q) => q.method !== 'GET').map((q) => q.command)).toEqual([
      ...CLOUD_CAPTURE_COMMANDS,
      ...CLOUD_CAPTURE_COMMANDS,
      ...CLOUD_CAPTURE_COMMANDS,
    ]);
  });

  it('with the Add refusals asked for, sends no Add: the three are listed as not sent', async () => {
    const before = w.cloud.requests.length;
    const summary = await h()['fleet.capture']({ serial: 'FOC0000X003', probeAddRefusals: true });
    expect(summary.file.startsWith(join(captures(), 'capture-FOC0000X003-'))).toBe(true);
    expect([summary.probes, summary.failedProbes, summary.unavailableProbes]).toEqual([
      29,
      ['error-status'],
      [...UNAVAILABLE, 'add-refusal-junk', 'add-refusal-junk-wrapped', 'add-refusal-wrong-secret'],
    ]);
    const capture = JSON.parse(await readFile(summary.file, 'utf8')) as CloudDeviceCapture;
    expect(capture.addRefusals).toBe(true);
    expect(
      w.cloud.requests
        .slice(before)
        .filter((q) => q.method !== 'GET')
        .map((q) => q.command),
    ).toEqual([...CLOUD_CAPTURE_COMMANDS, ...CLOUD_CAPTURE_COMMANDS, ...CLOUD_CAPTURE_COMMANDS]);
  });

  it('an offline device: ERR_CLOUD_DEVICE_UNREACHABLE, no xAPI call and no file', async () => {
    const files = await readdir(captures());
    const before = w.cloud.requests.length;
    expect(await codeOf(h()['fleet.capture']({ serial: 'FOC0000X002', probeAddRefusals: false }))).toBe(
      'ERR_CLOUD_DEVICE_UNREACHABLE',
    );
    expect(w.cloud.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/devices']);
    expect(await readdir(captures())).toEqual(files);
  });

  it('checks its input: one serial number and the Add refusals’ choice, nothing else', () => {
    expect(CHANNELS['fleet.capture'].parse({ serial: ' FOC0000X001 ' })).toEqual({
      serial: 'FOC0000X001',
      probeAddRefusals: false,
    });
    expect(CHANNELS['fleet.capture'].parse({ serial: 'FOC0000X001', probeAddRefusals: true })).toEqual({
      serial: 'FOC0000X001',
      probeAddRefusals: true,
    });
    for (const input of [
      { serial: '' },
      { serial: '  ' },
      { serial: 5 },
      {},
      { serial: 'FOC1', probeAddRefusals: 'yes' },
      { serial: 'FOC1', file: '/tmp/x.json' },
      null,
    ]) {
      let code = 'accepted';
      try {
        CHANNELS['fleet.capture'].parse(input);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, JSON.stringify(input)).toBe('ERR_IPC_BAD_INPUT');
    }
  });
});
