/**
 * Files the tool writes go through the shared atomic writer (a new temporary file of a random name,
 * created exclusively, fsync'd, renamed) or, for a log appended to, are opened without following a link:
 * a symbolic link planted where a temporary or partial file is written never redirects the write.
 */
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { Rig } from '../main/workflows/rig.js';
import { RawClient } from '../simulator/client.js';

const VICTIM_TEXT = 'a file of somebody else\n';

describe('a planted symbolic link never redirects a write', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'planted-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the simulator's state file: a link at `${state}.${pid}.tmp` is not followed, and the secret goes only to the state file", async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, VICTIM_TEXT);
    const state = join(dir, 'sim.json');
    // The name the simulator used to write through ('w' follows a link).
    symlinkSync(victim, `${state}.${process.pid}.tmp`);
    const sim = await createSimulator({
      stateFile: state,
      loginRequired: false,
      serialNumber: 'FOCPLANT001',
    });
    try {
      const c = new RawClient(sim.openStream());
      c.send('echo off\r');
      await c.until('OK\r\n');
      c.send('xCommand Security ClientSecret Populate Secret: "UGxhbnRlZFNlY3JldC0wMDAx"\r');
      expect(await c.until('** end\r\n')).toContain('status=OK');
    } finally {
      await sim.close();
    }
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(lstatSync(state).isFile()).toBe(true);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { format: string; clientSecret: string };
    expect(saved.format).toBe('e2ee-prov-simulator-state');
    expect(saved.clientSecret).not.toBeNull();
    expect((lstatSync(state).mode & 0o777).toString(8)).toBe('600');
    // The planted link is left alone (it is not the tool's), and no temporary file is left behind.
    expect(lstatSync(`${state}.${process.pid}.tmp`).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('.sim.json.'))).toEqual([]);
  });

  it("the simulator's event log: a link planted at its path is refused (ELOOP), not written through", async () => {
    const victim = join(dir, 'victim-events.txt');
    writeFileSync(victim, VICTIM_TEXT);
    const log = join(dir, 'events.jsonl');
    symlinkSync(victim, log);
    const sim = await createSimulator({ eventLog: log, loginRequired: false });
    try {
      // The first event (a session opening) is where the log is appended to.
      expect(() => sim.openStream()).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    } finally {
      await sim.close();
    }
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
  });
});

describe.runIf(systemHas('keyring'))("a batch's partial result file", () => {
  const rig = new Rig();
  beforeAll(() => rig.setUp('planted-batch'));
  afterAll(() => rig.tearDown());

  it('a link planted at `<result>.csv.partial` is replaced, never written through', async () => {
    const cert = await rig.issue('planted.batch.example');
    const csv = rig.path('planted.csv');
    writeFileSync(csv, `target,cert,key\n"sim:?serial=FOCPLANT002",${basename(cert.bundlePath)},\n`);
    const victim = rig.path('victim.txt');
    writeFileSync(victim, VICTIM_TEXT);
    symlinkSync(victim, rig.path('planted.result.csv.partial'));
    const r = await runCli(['batch', csv], '', {
      E2EE_PROV_HOME: rig.path('home'),
      E2EE_PROV_KEYCHAIN_SERVICE: rig.service,
      E2EE_PROV_KNOWN_HOSTS: rig.path('known-hosts.json'),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(readFileSync(rig.path('planted.result.csv'), 'utf8').split('\n')[1]).toMatch(/^2,/);
  });
});
