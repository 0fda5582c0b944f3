/**
 * Workflows as lists of named steps that can be watched (progress events), planned (dry run), stopped
 * (AbortSignal) and resumed (each step asks the device whether it is already done before acting).
 */
import { randomUUID } from 'node:crypto';
import { isProvisionerError } from '../../core/errors.js';
import { scrubParserText } from '../../core/json-text.js';
import { WorkflowError } from './errors.js';
import type { ErrorInfo, Said, StepPlan, StepResult, WorkflowEvent } from '../../contract/shapes.js';

export type { ErrorInfo, Said, StepPlan, StepResult, WorkflowEvent };

/** A step's detail or reason: English text (the CLI's), optionally with a code the window translates. */
export type Detail = string | { text: string; said: Said };

function split(d: Detail): { text: string; said?: Said } {
  return typeof d === 'string' ? { text: d } : d;
}

/** What a step may do besides its work: speak to the person watching, and notice a stop. */
export interface StepIO {
  warn(code: string, message: string): void;
  /** A note for the person; `said` is its code for the window's catalogues. */
  info(message: string, said?: Said): void;
  readonly signal: AbortSignal;
}

export interface StepDef<C> {
  id: string;
  title: string;
  /** Whether this run includes the step: `true`, or the reason it is left out. */
  include?(ctx: C): true | string;
  /**
   * Resume: the device already has what this step would do (a reason string), or `false`. Runs before
   * `act`, so that an interrupted workflow never redoes what took.
   */
  alreadyDone?(ctx: C, io: StepIO): Promise<false | Detail>;
  /** Does the work; returns a short detail for the progress view. */
  act(ctx: C, io: StepIO): Promise<Detail | void>;
  /** Reads back from the device that the action took; throws a typed error when it did not. */
  verify?(ctx: C, io: StepIO): Promise<void>;
}

export interface WorkflowResult {
  workflow: string;
  runId: string;
  ok: boolean;
  dryRun: boolean;
  steps: StepResult[];
  warnings: { id: string; code: string; message: string }[];
  error?: ErrorInfo;
}

export interface RunOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: WorkflowEvent) => void;
  runId?: string;
}

/** A failure as data: our errors keep code and message; anything else is an internal error. */
export function errorInfo(e: unknown): ErrorInfo {
  if (isProvisionerError(e)) return { code: e.code, message: scrubParserText(e.message), details: e.details };
  return {
    code: 'ERR_INTERNAL',
    message: `An unexpected error stopped the workflow: ${scrubParserText((e as Error)?.message ?? String(e))}.`,
  };
}

/** Runs the steps in order; stops at the first failure. Never throws for a step's failure: see `ok`. */
export async function runWorkflow<C>(
  workflow: string,
  steps: readonly StepDef<C>[],
  ctx: C,
  options: RunOptions = {},
): Promise<WorkflowResult> {
  const runId = options.runId ?? randomUUID();
  const dryRun = options.dryRun ?? false;
  const signal = options.signal ?? new AbortController().signal;
  const emit = (e: WorkflowEvent): void => options.onEvent?.(e);
  const warnings: WorkflowResult['warnings'] = [];
  const results: StepResult[] = steps.map((s) => ({ id: s.id, title: s.title, status: 'not-run' }));

  const plan: StepPlan[] = steps.map((s) => {
    const inc = s.include ? s.include(ctx) : true;
    return inc === true
      ? { id: s.id, title: s.title, included: true }
      : { id: s.id, title: s.title, included: false, reason: inc };
  });
  emit({ type: 'plan', workflow, runId, dryRun, steps: plan });
  if (dryRun) {
    emit({ type: 'finished', workflow, runId, ok: true });
    return { workflow, runId, ok: true, dryRun, steps: results, warnings };
  }

  for (const [i, step] of steps.entries()) {
    const result = results[i]!;
    const io: StepIO = {
      signal,
      warn: (code, message) => {
        warnings.push({ id: step.id, code, message });
        emit({ type: 'warning', id: step.id, code, message });
      },
      info: (message, said) => emit({ type: 'info', id: step.id, message, ...(said ? { said } : {}) }),
    };
    try {
      if (signal.aborted) {
        throw new WorkflowError(
          'ERR_WORKFLOW_CANCELLED',
          `Stopped before "${step.title}". Run it again to resume from there.`,
        );
      }
      const planned = plan[i]!;
      if (!planned.included) {
        Object.assign(result, { status: 'skipped', reason: planned.reason });
        emit({ type: 'step', id: step.id, status: 'skipped', reason: planned.reason ?? '' });
        continue;
      }
      emit({ type: 'step', id: step.id, status: 'running' });
      const already = step.alreadyDone ? await step.alreadyDone(ctx, io) : false;
      if (already !== false) {
        const { text, said } = split(already);
        Object.assign(result, { status: 'skipped', reason: text, ...(said ? { said } : {}) });
        emit({ type: 'step', id: step.id, status: 'skipped', reason: text, ...(said ? { said } : {}) });
        continue;
      }
      const acted = (await step.act(ctx, io)) ?? undefined;
      if (step.verify) await step.verify(ctx, io);
      const { text: detail, said } =
        acted === undefined ? { text: undefined, said: undefined } : split(acted);
      Object.assign(result, { status: 'done', detail, ...(said ? { said } : {}) });
      emit(
        detail === undefined
          ? { type: 'step', id: step.id, status: 'done' }
          : { type: 'step', id: step.id, status: 'done', detail, ...(said ? { said } : {}) },
      );
    } catch (e) {
      const error = errorInfo(e);
      Object.assign(result, { status: 'failed', error });
      emit({ type: 'step', id: step.id, status: 'failed', error });
      emit({ type: 'finished', workflow, runId, ok: false, error });
      return { workflow, runId, ok: false, dryRun, steps: results, warnings, error };
    }
  }
  emit({ type: 'finished', workflow, runId, ok: true });
  return { workflow, runId, ok: true, dryRun, steps: results, warnings };
}
