import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { RawClient } from './client.js';

let sim: RoomOsSimulator | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sim-faults-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function shell(options: SimulatorOptions = {}): Promise<{ s: RoomOsSimulator; c: RawClient }> {
  const s = await createSimulator({ loginRequired: false, rebootDelayMs: 50, ...options });
  sim = s;
  const c = new RawClient(s.openStream());
  c.send('echo off\r');
  await c.until('OK\r\n');
  return { s, c };
}

const POPULATE = 'xCommand Security ClientSecret Populate Secret: "MDEyMzQ1Njc4OWFiY2RlZg"';

describe('output faults', () => {
  it('splitWrites: 1 sends every byte on its own, the bytes unchanged', async () => {
    const { s, c } = await shell();
    s.setFaults({ splitWrites: 1 });
    const before = c.chunks.length;
    c.send('xStatus SystemUnit ProductId\r');
    const text = await c.until('OK\r\n');
    expect(text).toBe('*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n');
    const chunks = c.chunks.slice(before);
    expect(chunks.every((ch) => ch.length === 1)).toBe(true);
    expect(chunks.length).toBe(Buffer.byteLength(text));
  });

  it('coalesce joins two answers into one write', async () => {
    const { s, c } = await shell();
    s.setFaults({ coalesce: true });
    const before = c.chunks.length;
    c.send('xStatus SystemUnit ProductId\rxStatus SystemUnit ProductPlatform\r');
    await c.until('ProductPlatform');
    await c.until('OK\r\n');
    expect(c.chunks.length - before).toBe(1);
  });

  it('slowMsPerChunk paces the output', async () => {
    const { s, c } = await shell();
    s.setFaults({ splitWrites: 16, slowMsPerChunk: 20 });
    const t0 = Date.now();
    c.send('xStatus SystemUnit ProductId\r');
    await c.until('OK\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 20);
  });

  it('feedbackBetween puts a feedback block before answers and between OK and the *r block', async () => {
    const { s, c } = await shell();
    s.setFaults({ feedbackBetween: true });
    c.send('xStatus SystemUnit ProductId\r');
    expect(await c.until('OK\r\n')).toMatch(
      /^\*s SystemUnit Uptime: \d+\r\n\*\* end\r\n\*s SystemUnit ProductId: "Cisco Room Kit"\r\n\*\* end\r\n\r\nOK\r\n$/,
    );
    c.send('xCommand Security Certificates Services Show\r');
    expect(await c.until('Format: Text\r\n** end\r\n')).toMatch(
      /^\*s SystemUnit Uptime: \d+\r\n\*\* end\r\nOK\r\n\*s SystemUnit Uptime: \d+\r\n\*\* end\r\n\*r ServicesShowResult \(status=OK\):\r\n/,
    );
  });

  it('okPosition after puts OK after the block; lineEnding LF', async () => {
    const { s, c } = await shell();
    s.setFaults({ okPosition: 'after', lineEnding: '\n' });
    c.send(`${POPULATE}\r`);
    expect(await c.until('OK\n')).toBe('*r ClientSecretPopulateResult (status=OK):\n** end\n\nOK\n');
  });

  it('truncateLineAt cuts long input lines as a canonical-mode tty does', async () => {
    const { s, c } = await shell();
    s.setFaults({ truncateLineAt: 4095 });
    const line = `xStatus SystemUnit ProductId${' '.repeat(4095 - 28)}Bogus`;
    c.send(`${line}\r`);
    expect(await c.until('OK\r\n')).toBe('*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n');
    s.setFaults({});
    c.send(`${line}\r`);
    expect(await c.until('ERROR\r\n')).toContain('No match on address expression.');
  });
});

describe('drop faults', () => {
  it('dropOnCommand hangs up before the command runs: nothing changes', async () => {
    const { s, c } = await shell();
    s.setFaults({ dropOnCommand: /ClientSecret Populate/ });
    c.send(`${POPULATE}\r`);
    await c.closed();
    expect(c.rest).toBe('');
    expect(s.state.clientSecretSet).toBe(false);
    expect(s.faults.dropOnCommand).toBeUndefined();
    // The fault fired once; a new session works.
    const c2 = new RawClient(s.openStream());
    c2.send('echo off\r');
    await c2.until('OK\r\n');
    c2.send(`${POPULATE}\r`);
    expect(await c2.until('** end\r\n')).toContain('(status=OK)');
  });

  it('dropAfterCommand runs the command, then hangs up before the answer', async () => {
    const { s, c } = await shell();
    s.setFaults({ dropAfterCommand: 'populate' });
    c.send(`${POPULATE}\r`);
    await c.closed();
    expect(c.rest).toBe('');
    expect(s.state.clientSecretSet).toBe(true);
    expect(s.events.some((e) => e.type === 'fault' && e.fault === 'dropAfterCommand')).toBe(true);
  });

  it('dropAfterBytesIn hangs up mid-line (counting from when it is set); the partial line never runs', async () => {
    const { s, c } = await shell();
    s.setFaults({ dropAfterBytesIn: 40 });
    c.send('xStatus SystemUnit ProductId\r');
    await c.until('OK\r\n');
    c.send(`${POPULATE}\r`);
    await c.closed();
    expect(s.state.clientSecretSet).toBe(false);
  });
});

describe('feedback', () => {
  it('delivers registered configuration and status changes to the session that registered', async () => {
    const { s, c } = await shell({ registrationDelayMs: 10 });
    c.send('xFeedback register /Configuration/SystemUnit\r');
    expect(await c.until('OK\r\n')).toBe('** end\r\n\r\nOK\r\n');
    c.send('xFeedback register Status/Webex\r');
    await c.until('OK\r\n');
    c.send('xFeedback list\r');
    expect(await c.until('OK\r\n')).toBe('/Configuration/SystemUnit\r\n/Status/Webex\r\n** end\r\nOK\r\n');
    const other = new RawClient(s.openStream());
    other.send('xConfiguration SystemUnit Name: "Renamed"\r');
    expect(await c.until('** end\r\n')).toBe('*c xConfiguration SystemUnit Name: "Renamed"\r\n** end\r\n');
    other.send('xCommand Webex Registration Start ActivationCode: "0000" SecurityAction: Harden\r');
    expect(await c.until('** end\r\n')).toBe('*s Webex Status: Registering\r\n** end\r\n');
    expect(await c.until('** end\r\n')).toBe('*s Webex Status: Error\r\n** end\r\n');
    // Synchronous: the answer comes with the verdict; a failed registration hardens nothing.
    expect(await other.until(/RegistrationStartResult[^]*?\*\* end\r\n/)).toContain(
      '*r RegistrationStartResult (status=Error):\r\n*r RegistrationStartResult Reason: "Registration failed."\r\n',
    );
    expect(s.state.hardened).toBe(false);
  });
});

describe('factory reset and power', () => {
  it('resets all but Keep, ends the session, answers again after the delay', async () => {
    const { s, c } = await shell({ systemName: 'Before', rebootDelayMs: 100 });
    c.send(`${POPULATE}\r`);
    await c.until('** end\r\n');
    c.send('xConfiguration Network 1 IPv4 Address: "10.0.0.5"\r');
    await c.until('OK\r\n');
    c.send('xCommand SystemUnit FactoryReset Confirm: yes Keep: Network Keep: SerialPort\r');
    expect(await c.until('** end\r\n')).toBe(
      'OK\r\n*r SystemUnitFactoryResetResult (status=OK):\r\n** end\r\n',
    );
    await c.closed();
    expect(s.state.rebooting).toBe(true);
    expect(s.state.clientSecretSet).toBe(false);
    expect(s.state.config['Network 1 IPv4 Address']).toBe('10.0.0.5');
    expect(s.state.config['SerialPort LoginRequired']).toBe('Off');
    expect(s.state.config['SystemUnit Name']).toBe('');
    // A console opened while the device boots answers once it is up.
    const c2 = new RawClient(s.openStream());
    c2.send('\r');
    await s.whenUp();
    c2.send('xStatus SystemUnit ProductId\r');
    expect(await c2.until('OK\r\n')).toContain('*s SystemUnit ProductId: "Cisco Room Kit"');
    expect(s.events.filter((e) => e.type === 'power').map((e) => e.type === 'power' && e.phase)).toEqual([
      'down',
      'up',
    ]);
  });

  it('TrailingAction NoAction keeps the session; Shutdown stays off until powerOn()', async () => {
    const { s, c } = await shell();
    c.send(`${POPULATE}\r`);
    await c.until('** end\r\n');
    c.send('xCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: NoAction\r');
    await c.until('** end\r\n');
    expect(s.state.clientSecretSet).toBe(false);
    expect(s.state.power).toBe('up');
    // Factory defaults: LoginRequired is On again for new sessions, this one goes on.
    c.send('xStatus SystemUnit ProductId\r');
    await c.until('OK\r\n');
    c.send('xCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: Shutdown\r');
    await c.closed();
    expect(s.state.power).toBe('off');
    await new Promise((r) => setTimeout(r, 120));
    expect(s.state.power).toBe('off');
    s.powerOn();
    expect(s.state.power).toBe('up');
  });

  it('refuses FactoryReset without Confirm: Yes', async () => {
    const { s, c } = await shell();
    c.send('xCommand SystemUnit FactoryReset\r');
    expect(await c.until('** end\r\n')).toBe(
      'ERROR\r\n*r SystemUnitFactoryResetResult (status=ParameterError):\r\n** end\r\n',
    );
    expect(s.state.power).toBe('up');
  });
});

describe('persistence', () => {
  it('keeps secret, certificates and configuration in the state file (atomically), events as JSON lines', async () => {
    const stateFile = join(dir, 'device.json');
    const eventLog = join(dir, 'events.jsonl');
    const { s, c } = await shell({ stateFile, eventLog, serialNumber: 'FOC0000PERS' });
    c.send(`${POPULATE}\r`);
    await c.until('** end\r\n');
    c.send('xConfiguration SystemUnit Name: "Persisted"\r');
    await c.until('OK\r\n');
    await s.close();
    sim = undefined;
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await createSimulator({ stateFile });
    sim = again;
    expect(again.clientSecretIs('0123456789abcdef')).toBe(true);
    expect(again.state.systemName).toBe('Persisted');
    expect(again.state.serialNumber).toBe('FOC0000PERS');
    expect(existsSync(eventLog)).toBe(true);
    const lines = readFileSync(eventLog, 'utf8').trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { type: string });
    expect(parsed.some((e) => e.type === 'secret')).toBe(true);
    expect(readFileSync(eventLog, 'utf8')).not.toContain('MDEyMzQ1Njc4OWFiY2RlZg');
  });

  it('refuses a state file that is not one', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello":1}');
    await expect(createSimulator({ stateFile: bad })).rejects.toMatchObject({ code: 'ERR_SIM_STATE_FILE' });
  });
});
