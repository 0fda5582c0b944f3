/**
 * `e2ee-prov device capture --target webex:SERIAL` through the built CLI, against the simulated Webex
 * cloud and the real keychain: the exact entries (the cloud's reads saved as given, every console-only
 * probe listed as not available with its reason), read-only (the cloud saw GETs and `Services Show`
 * only), identifiers and the token in no file or output, an offline device refused with its code and no
 * file written.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTURE_PROBES,
  type CloudDeviceCapture,
  CLOUD_CAPTURE_COMMANDS,
} from '../../src/main/device/index.js';
import { type CliResult, HANG_MS, cloudSignIn, runCli } from '../helpers/cli.js';
import { cliSandbox } from '../helpers/keychain.js';
import { systemHas } from '../helpers/system.js';
import { TOKEN, type World, cloudCaptureRequests, deviceIdOf, world } from '../simulator/cloud-helpers.js';

let w: World;
const outputs: string[] = [];
const box = cliSandbox('e2ee-cli-capture-cloud');

async function cli(args: string[], input = ''): Promise<CliResult> {
  const r = await runCli(args, input, box.env, HANG_MS);
  outputs.push(r.stdout.toString('utf8'), r.stderr);
  return r;
}

/** The console probes the cloud answers its own way, and what it asks for each (in order). */
const ASKED: Record<string, string> = {
  product: 'GET /xapi/status name=SystemUnit.*',
  software: 'GET /xapi/status name=SystemUnit.Software.*',
  'option-keys': 'GET /xapi/status name=SystemUnit.Software.OptionKeys.*',
  'webex-status': 'GET /xapi/status name=Webex.Status',
  'certificates-json': 'POST /xapi/command/Security.Certificates.Services.Show',
  'certificates-webexidentity-json':
    'POST /xapi/command/Security.Certificates.Services.Show Filter: WebexIdentity',
  'e2ee-status': 'GET /xapi/status name=Conference.EndToEndEncryption.*',
  'error-status': 'GET /xapi/status name=NoSuchNode',
  'error-parameter-json': 'POST /xapi/command/Security.Certificates.Services.Show Filter: NoSuchPurpose',
  'schema-populate': 'GET /xapi/schema command=Security.ClientSecret.Populate',
  'schema-services-add': 'GET /xapi/schema command=Security.Certificates.Services.Add',
};
const TERMINAL =
  'not available through the cloud: the terminal grammar is the console’s (the cloud answers in JSON: see the -json entry)';
const CONFIGURATION =
  'not available through the cloud: a configuration read, and the tool uses no configuration endpoint';
const XDOCUMENT =
  'not available through the cloud: xDocument is a console command (the cloud schemas of the Security commands are the schema-services-* and schema-populate entries)';
const UNAVAILABLE: Record<string, string> = {
  'serial-settings': CONFIGURATION,
  'certificates-text': TERMINAL,
  'certificates-webexidentity': TERMINAL,
  'error-parameter': TERMINAL,
  'unknown-command': 'not available through the cloud: the cloud takes xAPI keys, not console words',
  'configuration-read': CONFIGURATION,
  'schema-conference-call': XDOCUMENT,
  'schema-participant-added': XDOCUMENT,
};

describe.skipIf(!systemHas('keyring'))('e2ee-prov device capture over webex: (simulated cloud)', () => {
  beforeAll(async () => {
    w = await world(2, {}, (i) => ({ displayName: `Board Room ${i + 1}`, tags: ['floor-9'] }));
    await cloudSignIn(cli, w.cloud.url, TOKEN);
  }, 60_000);
  afterAll(async () => {
    await w.close();
  });

  it('saves the cloud’s reads as given, lists the console-only entries with a reason, and only reads', async () => {
    const out = join(box.dir, 'capture.json');
    const first = w.cloud.requests.length;
    const r = await cli(['device', 'capture', '--target', 'webex:FOC0000X001', '--out', out]);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      '  Reaching webex:FOC0000X001 through the Webex cloud.',
      '  probe 1/16: product',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(
      `Wrote 16 read-only reads through the Webex cloud to ${out}; 10 entries need a console and are listed as not available through the cloud (serial-settings, certificates-text, certificates-webexidentity, error-parameter, unknown-command, configuration-read, schema-conference-call, schema-participant-added, banner, line-limit).\n` +
        'Serial numbers, device id, system name, workspace, addresses and the organisation and host names in certificates were replaced; nothing on the device was changed.\n',
    );
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    const capture = JSON.parse(text) as CloudDeviceCapture;
    expect(capture.link).toBe('webex');
    expect(capture.format).toBe('e2ee-prov-device-capture');
    expect(capture.lineLimit).toBeNull();
    expect(capture.firstCutLine).toBeNull();
    expect(capture.banner).toEqual({
      release: null,
      releaseDate: null,
      loggedInWithPrompt: false,
      named: true,
    });
    expect(capture.addRefusals).toBe(false);
    // Every console probe keeps its place: answered the cloud's way, or listed with its reason.
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
    for (const p of capture.probes) {
      if (p.id in UNAVAILABLE) {
        expect(p.unavailable, p.id).toBe(UNAVAILABLE[p.id]);
        expect(p.lines, p.id).toEqual([]);
        expect(p.error, p.id).toBeUndefined();
      } else if (p.id in ASKED) expect(p.line, p.id).toBe(ASKED[p.id]);
    }
    const probe = (id: string) => capture.probes.find((p) => p.id === id)!;
    expect(probe('banner').unavailable).toBe('not available through the cloud: there is no console login');
    expect(probe('line-limit').unavailable).toBe(
      'not available through the cloud: there is no console line (a blob travels in the command body)',
    );
    expect(capture.probes.filter((p) => p.error !== undefined).map((p) => [p.id, p.error])).toEqual([
      ['error-status', 'ERR_CLOUD_HTTP'],
    ]);
    expect(probe('webex-status').lines).toEqual([
      '{',
      '  "Webex": {',
      '    "Status": "Registered"',
      '  }',
      '}',
    ]);
    expect(probe('option-keys').lines).toEqual([
      '{',
      '  "SystemUnit": {',
      '    "Software": {',
      '      "OptionKeys": {',
      '        "Encryption": "True"',
      '      }',
      '    }',
      '  }',
      '}',
    ]);
    expect(probe('product').lines).toContain('        "SerialNumber": "SERIAL"');
    expect(probe('product').lines).toContain('    "ProductId": "Cisco Room Kit",');
    expect(probe('error-parameter-json').lines.slice(0, 4)).toEqual([
      '{',
      '  "ok": false,',
      '  "status": "Error",',
      '  "reason": "The device answered ParameterError.",',
    ]);
    expect(probe('schema-services-show').lines.slice(0, 4)).toEqual([
      '{',
      '  "deviceId": "DEVICE-ID",',
      '  "commands": {',
      '    "Security.Certificates.Services.Show": {',
    ]);
    expect(probe('device-record').lines).toEqual([
      '{',
      '  "id": "DEVICE-ID",',
      '  "displayName": "SYSTEM-NAME",',
      '  "workspaceId": "WORKSPACE-ID",',
      '  "product": "Cisco Room Kit",',
      '  "type": "roomdesk",',
      '  "tags": 1,',
      '  "serial": "SERIAL",',
      '  "software": "RoomOS 11.23.1.8 3963b07b5c5",',
      '  "connectionStatus": "connected",',
      '  "capabilities": [',
      '    "xapi"',
      '  ],',
      '  "permissions": [',
      '    "xapi:readonly",',
      '    "xapi:all"',
      '  ]',
      '}',
    ]);
    // No identifier, no token, no tag in the file.
    const sim = w.sims[0]!;
    for (const v of [TOKEN, 'FOC0000X001', deviceIdOf(sim), sim.state.deviceId, 'Board Room 1', 'floor-9'])
      expect(text).not.toContain(v);
    // Read-only: the cloud saw GETs and the allow-listed Services Show alone, each Show after its schema.
    const seen = w.cloud.requests.slice(first).map((q) => `${q.method} ${q.path}`);
    expect(seen).toEqual(cloudCaptureRequests(deviceIdOf(sim)));
    const posted = w.cloud.requests.slice(first).filter((q) => q.method !== 'GET');
    expect(posted.map((q) => q.command)).toEqual([
      ...CLOUD_CAPTURE_COMMANDS,
      ...CLOUD_CAPTURE_COMMANDS,
      ...CLOUD_CAPTURE_COMMANDS,
    ]);
  });

  it('with --probe-add-refusals sends no Add through the cloud: the three are listed as not sent', async () => {
    const out = join(box.dir, 'capture-refusals.json');
    const first = w.cloud.requests.length;
    const r = await cli([
      'device',
      'capture',
      '--target',
      'webex:FOC0000X001',
      '--out',
      out,
      '--probe-add-refusals',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.toString()) as {
      link: string;
      unavailableProbes: string[];
      failedProbes: string[];
    };
    expect(summary.link).toBe('webex');
    expect(summary.failedProbes).toEqual(['error-status']);
    expect(summary.unavailableProbes.slice(-3)).toEqual([
      'add-refusal-junk',
      'add-refusal-junk-wrapped',
      'add-refusal-wrong-secret',
    ]);
    const capture = JSON.parse(await readFile(out, 'utf8')) as CloudDeviceCapture;
    expect(capture.addRefusals).toBe(true);
    expect(capture.probes.find((p) => p.id === 'add-refusal-junk')!.unavailable).toBe(
      'not sent through the cloud: a capture there sends no command but Services Show',
    );
    expect(
      w.cloud.requests
        .slice(first)
        .filter((q) => q.method !== 'GET')
        .map((q) => q.command),
    ).toEqual([
      'Security.Certificates.Services.Show',
      'Security.Certificates.Services.Show',
      'Security.Certificates.Services.Show',
    ]);
  });

  it('an offline device: ERR_CLOUD_DEVICE_UNREACHABLE, no xAPI call and no file', async () => {
    w.cloud.setDevice('FOC0000X002', { connectionStatus: 'offline_expired' });
    const out = join(box.dir, 'offline.json');
    const first = w.cloud.requests.length;
    const r = await cli(['device', 'capture', '--target', 'webex:FOC0000X002', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')).toContain(
      'ERR_CLOUD_DEVICE_UNREACHABLE The device FOC0000X002 is offline_expired in the Webex cloud, so it cannot take a command now. Bring it online (Control Hub shows its status), then run the command again; nothing was sent.',
    );
    expect(existsSync(out)).toBe(false);
    expect(w.cloud.requests.slice(first).map((q) => `${q.method} ${q.path}`)).toEqual(['GET /v1/devices']);
  });

  it('no output holds the token', () => {
    for (const o of outputs) expect(o).not.toContain(TOKEN);
  });
});
