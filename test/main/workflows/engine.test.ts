import { describe, expect, it } from 'vitest';
import { ProvisionerError } from '../../../src/core/errors.js';
import { type StepDef, type WorkflowEvent, runWorkflow } from '../../../src/main/workflows/engine.js';

interface Ctx {
  log: string[];
  optional: boolean;
  onDevice: Set<string>;
}

const steps: StepDef<Ctx>[] = [
  { id: 'a', title: 'Step A', act: async (c) => void c.log.push('a') },
  {
    id: 'b',
    title: 'Step B',
    include: (c) => (c.optional ? true : 'not asked for'),
    act: async (c) => void c.log.push('b'),
  },
  {
    id: 'c',
    title: 'Step C',
    alreadyDone: async (c) => (c.onDevice.has('c') ? 'the device has it' : false),
    act: async (c, io) => {
      io.warn('WARN_X', 'careful');
      c.log.push('c');
      c.onDevice.add('c');
      return 'made c';
    },
    verify: async (c) => {
      if (!c.onDevice.has('c')) throw new ProvisionerError('ERR_VERIFY', 'c did not take');
    },
  },
];

function collect(): { events: WorkflowEvent[]; onEvent: (e: WorkflowEvent) => void } {
  const events: WorkflowEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

describe('runWorkflow', () => {
  it('runs the included steps in order and reports each', async () => {
    const ctx: Ctx = { log: [], optional: false, onDevice: new Set<string>() };
    const { events, onEvent } = collect();
    const r = await runWorkflow('demo', steps, ctx, { onEvent, runId: 'run-1' });
    expect(ctx.log).toEqual(['a', 'c']);
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'done'],
      ['b', 'skipped'],
      ['c', 'done'],
    ]);
    expect(r.warnings).toEqual([{ id: 'c', code: 'WARN_X', message: 'careful' }]);
    expect(events).toEqual([
      {
        type: 'plan',
        workflow: 'demo',
        runId: 'run-1',
        dryRun: false,
        steps: [
          { id: 'a', title: 'Step A', included: true },
          { id: 'b', title: 'Step B', included: false, reason: 'not asked for' },
          { id: 'c', title: 'Step C', included: true },
        ],
      },
      { type: 'step', id: 'a', status: 'running' },
      { type: 'step', id: 'a', status: 'done' },
      { type: 'step', id: 'b', status: 'skipped', reason: 'not asked for' },
      { type: 'step', id: 'c', status: 'running' },
      { type: 'warning', id: 'c', code: 'WARN_X', message: 'careful' },
      { type: 'step', id: 'c', status: 'done', detail: 'made c' },
      { type: 'finished', workflow: 'demo', runId: 'run-1', ok: true },
    ]);
  });

  it('a dry run plans and does nothing', async () => {
    const ctx: Ctx = { log: [], optional: true, onDevice: new Set<string>() };
    const { events, onEvent } = collect();
    const r = await runWorkflow('demo', steps, ctx, { onEvent, dryRun: true, runId: 'r' });
    expect(ctx.log).toEqual([]);
    expect(r.steps.every((s) => s.status === 'not-run')).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['plan', 'finished']);
  });

  it('resumes without redoing what the device already has', async () => {
    const ctx: Ctx = { log: [], optional: false, onDevice: new Set(['c']) };
    const r = await runWorkflow('demo', steps, ctx);
    expect(ctx.log).toEqual(['a']);
    expect(r.steps[2]).toEqual({ id: 'c', title: 'Step C', status: 'skipped', reason: 'the device has it' });
  });

  it('stops at the first failure, with its code, and runs nothing after it', async () => {
    const failing: StepDef<Ctx>[] = [
      steps[0]!,
      {
        id: 'x',
        title: 'X',
        act: async () => {
          throw new ProvisionerError('ERR_DEVICE_TIMEOUT', 'no answer');
        },
      },
      steps[2]!,
    ];
    const ctx: Ctx = { log: [], optional: false, onDevice: new Set<string>() };
    const r = await runWorkflow('demo', failing, ctx);
    expect(r.ok).toBe(false);
    expect(r.error).toEqual({ code: 'ERR_DEVICE_TIMEOUT', message: 'no answer', details: {} });
    expect(r.steps.map((s) => s.status)).toEqual(['done', 'failed', 'not-run']);
    expect(ctx.log).toEqual(['a']);
  });

  it('a failed read-back fails the step', async () => {
    const lying: StepDef<Ctx> = { ...steps[2]!, act: async () => 'pretended' };
    const r = await runWorkflow('demo', [lying], { log: [], optional: false, onDevice: new Set<string>() });
    expect(r.steps[0]).toMatchObject({ status: 'failed', error: { code: 'ERR_VERIFY' } });
  });

  it('stops when asked, before the next step', async () => {
    const ac = new AbortController();
    const stopping: StepDef<Ctx>[] = [{ id: 'a', title: 'A', act: async () => void ac.abort() }, steps[0]!];
    const r = await runWorkflow(
      'demo',
      stopping,
      { log: [], optional: false, onDevice: new Set<string>() },
      { signal: ac.signal },
    );
    expect(r.error?.code).toBe('ERR_WORKFLOW_CANCELLED');
    expect(r.steps.map((s) => s.status)).toEqual(['done', 'failed']);
  });

  it('reports a bug as ERR_INTERNAL', async () => {
    const r = await runWorkflow(
      'demo',
      [{ id: 'a', title: 'A', act: async () => JSON.parse('{') as never }],
      {},
    );
    expect(r.error?.code).toBe('ERR_INTERNAL');
  });
});
