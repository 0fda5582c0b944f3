/**
 * A batch of five devices: an in-process simulator, one over a real pseudo-terminal, three over SSH
 * (two at once). One fails (an expired certificate), the others do not stop. The result CSV and JSON
 * are exact and hold no secret; a second run resumes without redoing what the devices have.
 */
import { basename } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchEvent,
  type BatchResult,
  batchResultCsv,
  readBatchFile,
  runBatch,
} from '../../../src/main/workflows/batch.js';
import { csvField } from '../../../src/main/workflows/csv.js';
import { WorkflowError } from '../../../src/main/workflows/errors.js';
import { type RoomOsSimulator, createSimulator } from '../../../src/simulator/index.js';
import { openDevice } from '../../../src/main/open.js';
import { systemHas } from '../../helpers/system.js';
import { type IssuedFiles, Rig } from './rig.js';

const ready = systemHas('socat') && systemHas('keyring');
const rig = new Rig();
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
/** started_at and finished_at, the last two columns. */
const TIMES = new RegExp(`,${ISO},${ISO}$`, 'gm');

describe.runIf(ready)('batch: sim, pty and SSH devices, one failing', () => {
  let ptySim: RoomOsSimulator;
  let preBatch: string | undefined;
  let ssh: RoomOsSimulator[];
  let ports: number[];
  let ptyTarget: string;
  let certs: IssuedFiles[];
  let csvText: string;
  const stateFile = (): string => rig.path('sim-state.json');

  beforeAll(async () => {
    await rig.setUp('batch-pty');
    certs = [];
    for (const cn of ['b1.batch.example', 'b2.batch.example', 'b3.batch.example', 'b4.batch.example'])
      certs.push(await rig.issue(cn));
    certs.push(await rig.issue('b5.batch.example', { days: -1 }));
    ptySim = await rig.sim({ serialNumber: 'FOCBATCH002' });
    preBatch = ptySim.state.preinstalledCertificate;
    ptyTarget = await rig.pty(ptySim);
    ssh = [];
    ports = [];
    for (const s of ['FOCBATCH003', 'FOCBATCH004', 'FOCBATCH005']) {
      const sim = await rig.sim({ serialNumber: s });
      ssh.push(sim);
      ports.push((await sim.serveSsh()).port);
    }
    await writeFile(rig.path('secret-1.txt'), 'the given secret of device one\n');
    csvText = [
      'target,cert,key,secret_file,enc,factory_reset,backup',
      `"sim:?state=sim-state.json&serial=FOCBATCH001",${basename(certs[0]!.certPath)},${basename(certs[0]!.keyPath)},secret-1.txt,A256GCM,,`,
      `${ptyTarget},${basename(certs[1]!.bundlePath)},,,,yes,backup-2.json`,
      `ssh://admin@127.0.0.1:${ports[0]},${basename(certs[2]!.certPath)},${basename(certs[2]!.keyPath)},,,,`,
      `ssh://admin@127.0.0.1:${ports[1]},${basename(certs[3]!.certPath)},${basename(certs[3]!.keyPath)},,,,`,
      `ssh://admin@127.0.0.1:${ports[2]},${basename(certs[4]!.certPath)},${basename(certs[4]!.keyPath)},,,,`,
    ].join('\r\n');
    await writeFile(rig.path('devices.csv'), csvText);
  });
  afterAll(() => rig.tearDown());

  async function run(events: BatchEvent[]): Promise<BatchResult> {
    const file = rig.path('devices.csv');
    const rows = readBatchFile(await readFile(file), { file });
    return runBatch(
      rows,
      {
        secrets: rig.secrets,
        journal: rig.journal,
        open: (target, password) => openDevice(target, { password }),
      },
      { parallel: 2, allowPlainOverNetwork: true, onEvent: (e) => events.push(e) },
    );
  }

  it('provisions four, reports the fifth failed, and writes an exact result without secrets', async () => {
    const events: BatchEvent[] = [];
    const result = await run(events);
    const expired = result.devices[4]!;
    expect(expired.error?.code).toBe('ERR_WORKFLOW_CERT_REJECTED');
    const cert = (i: number) => ({
      identity: certs[i]!.cn,
      fingerprint: certs[i]!.fingerprint,
      notAfter: certs[i]!.notAfter,
    });
    expect(result).toMatchObject({
      ok: false,
      succeeded: 4,
      failed: 1,
      generatedSecrets: ['FOCBATCH002', 'FOCBATCH003', 'FOCBATCH004'],
    });
    const sshWarnings = ['WARN_DEVICE_ON_NETWORK', 'WARN_PLAIN_SECRET_OVER_NETWORK'];
    expect(result.devices.map(({ startedAt: _s, finishedAt: _f, ...d }) => d)).toEqual([
      {
        line: 2,
        target: `sim:?state=sim-state.json&serial=FOCBATCH001`,
        serial: 'FOCBATCH001',
        productId: 'Cisco Room Kit',
        status: 'ok',
        error: null,
        failedStep: null,
        ...cert(0),
        secret: 'given',
        warnings: ['WARN_E2EE_STATUS_UNAVAILABLE'],
      },
      {
        line: 3,
        target: ptyTarget,
        serial: 'FOCBATCH002',
        productId: 'Cisco Room Kit',
        status: 'ok',
        error: null,
        failedStep: null,
        ...cert(1),
        secret: 'generated',
        warnings: ['WARN_E2EE_STATUS_UNAVAILABLE'],
      },
      ...[0, 1].map((i) => ({
        line: 4 + i,
        target: `ssh://admin@127.0.0.1:${ports[i]}`,
        serial: `FOCBATCH00${3 + i}`,
        productId: 'Cisco Room Kit',
        status: 'ok',
        error: null,
        failedStep: null,
        ...cert(2 + i),
        secret: 'generated',
        warnings: [...sshWarnings, 'WARN_E2EE_STATUS_UNAVAILABLE'],
      })),
      {
        line: 6,
        target: `ssh://admin@127.0.0.1:${ports[2]}`,
        serial: 'FOCBATCH005',
        productId: 'Cisco Room Kit',
        status: 'failed',
        error: { code: 'ERR_WORKFLOW_CERT_REJECTED', message: expired.error!.message },
        failedStep: 'precheck',
        ...cert(4),
        secret: null,
        // The certificate check stops the precheck before the plain-secret warning.
        warnings: ['WARN_DEVICE_ON_NETWORK'],
      },
    ]);
    expect(expired.error!.message).toMatch(/^The certificate cannot go on the device: /);
    for (const d of result.devices) {
      expect(Date.parse(d.finishedAt)).toBeGreaterThanOrEqual(Date.parse(d.startedAt));
    }

    // The devices: identities active; the generated secrets are in the keychain, and the devices hold them.
    for (const [i, sim] of [ptySim, ...ssh.slice(0, 2)].entries()) {
      expect(sim.state.webexIdentity).toBe(certs[1 + i]!.fingerprint);
      const secret = await rig.secrets.get(sim.state.serialNumber);
      expect(secret).not.toBeNull();
      expect(sim.clientSecretIs(secret!)).toBe(true);
    }
    expect(ssh[2]!.state.clientSecretSet).toBe(false);
    // Nothing was added to the failed device: it lists only its own preinstalled certificate.
    expect(ssh[2]!.state.certificates.map((c) => [c.kind, c.commonName])).toEqual([
      ['preinstalled', 'TemporaryDefaultCertificate'],
    ]);
    const own = await createSimulator({ stateFile: stateFile() });
    expect(own.state.webexIdentity).toBe(certs[0]!.fingerprint);
    expect(own.clientSecretIs('the given secret of device one')).toBe(true);
    await own.close();
    expect(ptySim.state.bootCount).toBe(2); // factory reset once
    // The reset kept the device's own certificate (the one it had before the batch: it survives the
    // reset and the tool never deletes it); the tool's is the one service certificate.
    expect(preBatch).toMatch(/^[0-9a-f]{40}$/);
    expect(
      ptySim.state.certificates.filter((c) => c.kind === 'preinstalled').map((c) => c.fingerprint),
    ).toEqual([preBatch]);
    expect(ptySim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      certs[1]!.fingerprint,
    ]);

    // The result CSV, exactly (times and expiry aside), and never a secret in it or the events.
    const csv = batchResultCsv(result);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'line,target,serial,product,status,error_code,error_message,failed_step,identity,fingerprint,not_after,secret,warnings,started_at,finished_at',
    );
    const na = (i: number) => certs[i]!.notAfter;
    expect(lines.slice(1).join('\n').replace(TIMES, ',T,T')).toBe(
      [
        `2,sim:?state=sim-state.json&serial=FOCBATCH001,FOCBATCH001,Cisco Room Kit,ok,,,,b1.batch.example,${certs[0]!.fingerprint},${na(0)},given,WARN_E2EE_STATUS_UNAVAILABLE,T,T`,
        `3,${ptyTarget},FOCBATCH002,Cisco Room Kit,ok,,,,b2.batch.example,${certs[1]!.fingerprint},${na(1)},generated,WARN_E2EE_STATUS_UNAVAILABLE,T,T`,
        `4,ssh://admin@127.0.0.1:${ports[0]},FOCBATCH003,Cisco Room Kit,ok,,,,b3.batch.example,${certs[2]!.fingerprint},${na(2)},generated,WARN_DEVICE_ON_NETWORK WARN_PLAIN_SECRET_OVER_NETWORK WARN_E2EE_STATUS_UNAVAILABLE,T,T`,
        `5,ssh://admin@127.0.0.1:${ports[1]},FOCBATCH004,Cisco Room Kit,ok,,,,b4.batch.example,${certs[3]!.fingerprint},${na(3)},generated,WARN_DEVICE_ON_NETWORK WARN_PLAIN_SECRET_OVER_NETWORK WARN_E2EE_STATUS_UNAVAILABLE,T,T`,
        `6,ssh://admin@127.0.0.1:${ports[2]},FOCBATCH005,Cisco Room Kit,failed,ERR_WORKFLOW_CERT_REJECTED,${csvField(expired.error!.message)},precheck,b5.batch.example,${certs[4]!.fingerprint},${na(4)},,WARN_DEVICE_ON_NETWORK,T,T`,
        '',
      ].join('\n'),
    );
    const everything = csv + JSON.stringify(result) + JSON.stringify(events);
    for (const s of ['FOCBATCH002', 'FOCBATCH003', 'FOCBATCH004'])
      expect(everything).not.toContain(await rig.secrets.get(s));
    expect(everything).not.toContain('the given secret of device one');

    // Every progress event names its device; each device's workflow finished once.
    for (const e of events) {
      if (e.type === 'progress' || e.type === 'device-start' || e.type === 'device-end') {
        const row = result.devices.find((d) => d.line === e.device.line)!;
        expect(e.device.target).toBe(row.target);
      }
    }
    const finished = events.flatMap((e) =>
      e.type === 'progress' && e.event.type === 'finished' ? [[e.device.line, e.event.ok]] : [],
    );
    expect(finished.sort()).toEqual([
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, false],
    ]);
    // Serial and simulator devices one at a time; SSH devices two at a time.
    let running = 0;
    let local = 0;
    let most = 0;
    let mostLocal = 0;
    for (const e of events) {
      const isLocal = 'device' in e && !e.device.target.startsWith('ssh:');
      if (e.type === 'device-start') {
        running++;
        if (isLocal) local++;
      } else if (e.type === 'device-end') {
        running--;
        if (isLocal) local--;
      }
      most = Math.max(most, running);
      mostLocal = Math.max(mostLocal, local);
    }
    expect(most).toBe(2);
    expect(mostLocal).toBe(1);
  });

  it('a second run resumes: the done devices are skipped step by step (no second reset), the failed one fails again', async () => {
    const events: BatchEvent[] = [];
    const result = await run(events);
    expect(result.devices.map((d) => [d.line, d.status, d.secret, d.error?.code ?? null])).toEqual([
      [2, 'ok', 'existing', null],
      [3, 'ok', 'existing', null],
      [4, 'ok', 'existing', null],
      [5, 'ok', 'existing', null],
      [6, 'failed', null, 'ERR_WORKFLOW_CERT_REJECTED'],
    ]);
    expect(result.devices[1]!.warnings[0]).toBe('WARN_RESET_SKIPPED');
    expect(result.generatedSecrets).toEqual([]);
    expect(ptySim.state.bootCount).toBe(2);
    const acted = events.flatMap((e) =>
      e.type === 'progress' && e.event.type === 'step' && e.event.status === 'done'
        ? [[e.device.line, e.event.id]]
        : [],
    );
    // Only the read-only steps run again: nothing is added, activated or populated twice.
    expect(new Set(acted.map(([, id]) => id))).toEqual(
      new Set(['precheck', 'match-fingerprint', 'verify', 'handover']),
    );
  });

  it('one device reached by two targets (pty and SSH at once): the second is refused, naming the first', async () => {
    const sim = await rig.sim({ serialNumber: 'FOCBATCH010' });
    const pty = await rig.pty(sim);
    const { port } = await sim.serveSsh();
    const [c1, c2] = [await rig.issue('twice-1.batch.example'), await rig.issue('twice-2.batch.example')];
    const file = rig.path('twice.csv');
    const rows = readBatchFile(
      `target,cert,key\n${pty},${basename(c1.bundlePath)},\nssh://admin@127.0.0.1:${port},${basename(c2.bundlePath)},\n`,
      { file },
    );
    const result = await runBatch(
      rows,
      { secrets: rig.secrets, journal: rig.journal },
      { parallel: 2, allowPlainOverNetwork: true },
    );
    const failed = result.devices.filter((d) => d.status === 'failed');
    expect(failed).toHaveLength(1);
    const other = result.devices.find((d) => d !== failed[0])!;
    expect(failed[0]!.error).toEqual({
      code: 'ERR_WORKFLOW_DEVICE_CHANGED',
      message: `This target reaches device FOCBATCH010, the device of line ${other.line}; list each device once.`,
    });
    expect(failed[0]!.serial).toBe('FOCBATCH010');
  });

  it('a stopped batch: the devices not started fail as cancelled, none is connected to', async () => {
    const c = await rig.issue('stopped.batch.example');
    const rows = readBatchFile(`target,cert,key\nsim:?serial=FOCSTOP1,${basename(c.bundlePath)},\n`, {
      file: rig.path('stopped.csv'),
    });
    const stop = new AbortController();
    stop.abort();
    const result = await runBatch(
      rows,
      {
        secrets: rig.secrets,
        journal: rig.journal,
        open: () => {
          throw new Error('no device may be opened');
        },
      },
      { signal: stop.signal },
    );
    expect(result.devices.map((d) => [d.status, d.failedStep, d.error])).toEqual([
      [
        'failed',
        'connect',
        { code: 'ERR_WORKFLOW_CANCELLED', message: 'The batch was stopped before this device.' },
      ],
    ]);
  });

  it('one certificate on two rows: the later row fails before any device is touched', async () => {
    const c = await rig.issue('shared.batch.example');
    const rows = readBatchFile(
      `target,cert,key\nsim:?serial=FOCDUP1,${basename(c.certPath)},${basename(c.keyPath)}\nsim:?serial=FOCDUP2,${basename(c.bundlePath)},\n`,
      { file: rig.path('dup.csv') },
    );
    const opened: string[] = [];
    const result = await runBatch(rows, {
      secrets: rig.secrets,
      journal: rig.journal,
      open: (target) => {
        opened.push(target.text);
        throw new WorkflowError('ERR_WORKFLOW_CANCELLED', 'not connecting in this test');
      },
    });
    expect(opened).toEqual(['sim:?serial=FOCDUP1']);
    expect(result.devices.map((d) => [d.line, d.failedStep, d.error?.code, d.fingerprint])).toEqual([
      [2, 'connect', 'ERR_WORKFLOW_CANCELLED', c.fingerprint],
      [3, 'inputs', 'ERR_WORKFLOW_CERT_IN_USE', c.fingerprint],
    ]);
    expect(result.devices[1]!.error!.message).toBe(
      'This certificate is the one of line 2. Every device needs its own certificate and key: sharing them is a security breach.',
    );
  });
});
