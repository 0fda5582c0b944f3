/**
 * The provisioning flow's state and the window's small judgements, as pure functions: what a device
 * change clears, how a typed port or address becomes a target, the activation code as typed, and which
 * certificates the inventory flags.
 */
import { describe, expect, it } from 'vitest';
import type { CredentialsCheck, ProvisionSummary } from '../../src/contract/index.js';
import { FRESH_CHOICES, INITIAL_FLOW, flowReducer } from '../../src/renderer/views/wizard/flow.js';
import { fitsLink, portLabel, targetOf } from '../../src/renderer/views/wizard/ConnectPage.js';
import { activationCodeState } from '../../src/renderer/views/wizard/OptionsPage.js';
import { expiring } from '../../src/renderer/views/Inventory.js';
import { ciscoConsolePort } from '../helpers/ports.js';

const check = { ok: true } as unknown as CredentialsCheck;
const done = {
  runId: 'r1',
  ok: true,
  dryRun: false,
  plan: [],
  steps: [],
  warnings: [],
  notes: [],
} as unknown as ProvisionSummary;

describe('the flow state', () => {
  it('another device clears every choice, the certificate, the result; the same device keeps them', () => {
    let s = flowReducer(INITIAL_FLOW, { type: 'device', serial: 'FOCA' });
    s = flowReducer(s, { type: 'page', page: 'run' });
    s = flowReducer(s, {
      type: 'choose',
      patch: { factoryReset: true, keep: ['Network'], chosen: { certificate: 'a.pem' }, check },
    });
    s = flowReducer(s, { type: 'run-end', summary: done, problem: null });
    expect(flowReducer(s, { type: 'device', serial: 'FOCA' })).toBe(s);
    // A disconnect is not another device: what was chosen waits for the reconnect; the success is over.
    const gone = flowReducer(s, { type: 'device', serial: null });
    expect(gone.choices).toBe(s.choices);
    expect(gone.serial).toBe('FOCA');
    expect([gone.summary, gone.finishedOk, gone.run.plan]).toEqual([null, false, []]);
    const other = flowReducer(s, { type: 'device', serial: 'FOCB' });
    expect(other).toEqual({ ...INITIAL_FLOW, page: 'run', serial: 'FOCB', generation: 1 });
    expect(other.choices).toEqual(FRESH_CHOICES);
  });

  it('"Next device" starts again at the device page; a changed choice drops a stale failure', () => {
    let s = flowReducer(INITIAL_FLOW, { type: 'device', serial: 'FOCA' });
    s = flowReducer(s, { type: 'page', page: 'run' });
    s = flowReducer(s, { type: 'run-end', summary: null, problem: { code: 'ERR_X', message: 'x' } });
    expect(s.runProblem).toEqual({ code: 'ERR_X', message: 'x' });
    expect(flowReducer(s, { type: 'choose', patch: { backup: false } }).runProblem).toBe(null);
    const next = flowReducer(s, { type: 'next-device' });
    expect(next).toEqual({ ...INITIAL_FLOW, page: 'device', serial: null, generation: 1 });
  });
});

const stopped = {
  ...done,
  runId: 'r2',
  ok: false,
  plan: [{ id: 'populate-secret', title: 'Populate', included: true }],
  steps: [
    { id: 'populate-secret', status: 'failed', error: { code: 'ERR_WORKFLOW_CANCELLED', message: 'x' } },
  ],
  error: { code: 'ERR_WORKFLOW_CANCELLED', message: 'x' },
} as unknown as ProvisionSummary;
const plan = {
  ...done,
  runId: 'p1',
  dryRun: true,
  plan: [{ id: 'backup', title: 'Back up', included: true }],
};

describe('results stay with their device', () => {
  function ranOn(serial: string, summary: ProvisionSummary) {
    let s = flowReducer(INITIAL_FLOW, { type: 'device', serial });
    s = flowReducer(s, { type: 'run-start', dryRun: false, at: 1 });
    return flowReducer(s, { type: 'run-end', summary, problem: null });
  }

  it('a dry run after a success keeps the success and its "Next device"; the plan goes beside it', () => {
    let s = ranOn('FOCA', done);
    s = flowReducer(s, { type: 'run-start', dryRun: true, at: 2 });
    expect([s.summary, s.finishedOk]).toEqual([done, true]);
    s = flowReducer(s, { type: 'run-end', summary: plan as unknown as ProvisionSummary, problem: null });
    expect([s.summary, s.finishedOk, s.plan?.runId, s.run.runId]).toEqual([done, true, 'p1', 'r1']);
  });

  it('a stopped run survives a disconnect, for its Resume when the same device comes back; another device clears it', () => {
    let s = ranOn('FOCA', stopped);
    s = flowReducer(s, { type: 'device', serial: null });
    expect(s.summary).toBe(stopped);
    s = flowReducer(s, { type: 'device', serial: 'FOCA' });
    expect([s.summary, s.run.runId]).toEqual([stopped, 'r2']);
    expect(flowReducer(s, { type: 'device', serial: 'FOCB' }).summary).toBe(null);
  });

  it('a run main refuses before it begins (no device) leaves the earlier result and clears on reconnect', () => {
    let s = ranOn('FOCA', stopped);
    s = flowReducer(s, { type: 'run-start', dryRun: false, at: 3 });
    s = flowReducer(s, {
      type: 'run-end',
      summary: null,
      problem: { code: 'ERR_APP_NOT_CONNECTED', message: 'x' },
    });
    expect([s.summary, s.run.runId, s.runProblem?.code]).toEqual([stopped, 'r2', 'ERR_APP_NOT_CONNECTED']);
    s = flowReducer(s, { type: 'device', serial: null });
    s = flowReducer(s, { type: 'device', serial: 'FOCA' });
    expect([s.runProblem, s.summary]).toEqual([null, stopped]);
  });
});

describe('what the person types', () => {
  it('a target left in a field of another link does not carry over', () => {
    expect(fitsLink('serial', 'sim:?bogus=1')).toBe(false);
    expect(fitsLink('serial', 'admin@10.0.0.5')).toBe(false);
    expect(fitsLink('serial', '/dev/ttyACM0')).toBe(true);
    expect(fitsLink('serial', 'COM3')).toBe(true);
    expect(fitsLink('ssh', '/dev/ttyACM0')).toBe(false);
    expect(fitsLink('ssh', 'admin@10.0.0.5')).toBe(true);
    expect(fitsLink('sim', '/dev/ttyACM0')).toBe(false);
    expect(fitsLink('sim', 'sim:?serial=FOC1')).toBe(true);
  });

  it('a port or an address as the system names it becomes a target', () => {
    expect(targetOf('serial', '/dev/ttyACM0')).toBe('serial:/dev/ttyACM0');
    expect(targetOf('serial', ' COM3 ')).toBe('serial:COM3');
    expect(targetOf('serial', 'serial:/dev/ttyUSB0')).toBe('serial:/dev/ttyUSB0');
    expect(targetOf('ssh', 'admin@10.0.0.5')).toBe('ssh://admin@10.0.0.5');
    expect(targetOf('ssh', 'ssh://admin@10.0.0.5:2222')).toBe('ssh://admin@10.0.0.5:2222');
    expect(targetOf('sim', '')).toBe('sim:');
    expect(targetOf('sim', '?serial=FOC1')).toBe('sim:?serial=FOC1');
  });

  it('a port in the list shows its USB vendor and product, maker and serial number', () => {
    expect(portLabel(ciscoConsolePort(''))).toBe('/dev/ttyACM0 — USB 05a6:0009 Cisco (FOC2345X0AB)');
    expect(
      portLabel({
        path: '/dev/ttyS0',
        manufacturer: null,
        serialNumber: null,
        vendorId: null,
        productId: null,
        likelyConsole: false,
        note: '',
      }),
    ).toBe('/dev/ttyS0');
  });

  it('the activation code is judged as it is typed', () => {
    expect(activationCodeState('')).toBe('empty');
    expect(activationCodeState('0000-1111')).toBe('partial');
    expect(activationCodeState('0000-1111-')).toBe('partial');
    expect(activationCodeState('0000-1111-2222-3333')).toBe('ok');
    expect(activationCodeState('0000 1111 2222 3333')).toBe('ok');
    expect(activationCodeState('0000111122223333')).toBe('ok');
    expect(activationCodeState('0000-1111-2222-33334')).toBe('bad');
    expect(activationCodeState('0000-abcd')).toBe('bad');
  });
});

describe('the inventory', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  const device = (notAfter?: string) => ({
    serial: 'FOC1',
    state: 'active' as const,
    unsettled: [],
    ...(notAfter ? { certificate: { cn: 'x', fingerprint: 'f', notAfter, active: true } } : {}),
  });
  it('flags certificates that end within 30 days, or have ended', () => {
    expect(expiring(device('2026-12-30T00:00:00Z'), now)).toBe(true);
    expect(expiring(device('2026-11-01T00:00:00Z'), now)).toBe(true);
    expect(expiring(device('2027-01-01T00:00:00Z'), now)).toBe(false);
    expect(expiring(device(), now)).toBe(false);
  });
});
