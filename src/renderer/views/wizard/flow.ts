/**
 * The provisioning flow's shared state: the person's choices, the run's live view and its outcome. One
 * reducer owns it, so that "another device" and "a new run" clear everything at once, never piece by piece.
 */
import { useReducer } from 'react';
import type {
  CredentialsCheck,
  EncChoice,
  ErrorInfo,
  FactoryResetKeepItem,
  ProvisionSummary,
  RunNote,
  Said,
  StepPlan,
  WorkflowEventMessage,
} from '../../../contract/index.js';
import type { Problem } from '../common.js';

export type Page = 'device' | 'certificate' | 'options' | 'run';
export const PAGES: readonly Page[] = ['device', 'certificate', 'options', 'run'];

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'not-run';
export interface StepView {
  status: StepStatus;
  detail?: string;
  reason?: string;
  said?: Said;
  error?: ErrorInfo;
  /** When the step started running (ms since the epoch), for the progress view. */
  startedAt?: number;
}
const TERMINAL: readonly StepStatus[] = ['done', 'skipped', 'failed'];

export interface RunView {
  runId: string | null;
  dryRun: boolean;
  plan: StepPlan[];
  steps: Record<string, StepView>;
  warnings: { id: string; code: string; message: string }[];
  notes: RunNote[];
}

export const EMPTY_RUN: RunView = {
  runId: null,
  dryRun: false,
  plan: [],
  steps: {},
  warnings: [],
  notes: [],
};

/** What the person chose. Nothing secret: typed secrets stay in their inputs until sent. */
export interface Choices {
  chosen: Partial<Record<'certificate' | 'key', string>>;
  check: CredentialsCheck | null;
  secretMode: 'generate' | 'given';
  enc: EncChoice;
  backup: boolean;
  factoryReset: boolean;
  keep: FactoryResetKeepItem[];
  registerFirst: boolean;
  restoreName: boolean;
  allowPlain: boolean;
  /** Wrap a certificate longer than the console's line (probed first); off by default. */
  wrapLongLines: boolean;
}

export const FRESH_CHOICES: Choices = {
  chosen: {},
  check: null,
  secretMode: 'generate',
  enc: 'A128GCM',
  backup: true,
  factoryReset: false,
  keep: [],
  registerFirst: false,
  restoreName: false,
  allowPlain: false,
  wrapLongLines: false,
};

export interface FlowState {
  page: Page;
  /** The device the choices were made for (serial), null before any. */
  serial: string | null;
  choices: Choices;
  /** The last real run's steps (live, then as its summary settled them). */
  run: RunView;
  /** The last real run's outcome. A plan never replaces it. */
  summary: ProvisionSummary | null;
  /** The last plan (dry run), shown beside the result, never instead of it. */
  plan: RunView | null;
  running: boolean;
  /** The run under way is a plan: its events go to `plan`. */
  planning: boolean;
  /** What a real run replaced when it started: back if main refused the run before it began. */
  previous: { summary: ProvisionSummary | null; run: RunView } | null;
  /** When the current run started (ms since the epoch). */
  startedAt: number | null;
  certProblem: Problem | null;
  runProblem: Problem | null;
  /** A real run succeeded on this device: the main action is now the next device (a plan does not change that). */
  finishedOk: boolean;
  /** Bumped on every clear: inputs keyed by it start empty. */
  generation: number;
}

export const INITIAL_FLOW: FlowState = {
  page: 'device',
  serial: null,
  choices: FRESH_CHOICES,
  run: EMPTY_RUN,
  summary: null,
  plan: null,
  running: false,
  planning: false,
  previous: null,
  startedAt: null,
  certProblem: null,
  runProblem: null,
  finishedOk: false,
  generation: 0,
};

export type FlowAction =
  | { type: 'page'; page: Page }
  /** A device answered: another device than the choices were made for clears them all. */
  | { type: 'device'; serial: string | null }
  /** "Next device": everything back to the start. */
  | { type: 'next-device' }
  | { type: 'choose'; patch: Partial<Choices> }
  | { type: 'cert-problem'; problem: Problem | null }
  | { type: 'run-start'; dryRun: boolean; at: number }
  | { type: 'event'; message: WorkflowEventMessage; at: number }
  | { type: 'run-end'; summary: ProvisionSummary | null; problem: Problem | null };

/** Applies one progress event; a step that has ended never goes back to running. */
export function applyEvent(view: RunView, message: WorkflowEventMessage, at: number): RunView {
  const e = message.event;
  if (e.type === 'plan') {
    return {
      runId: message.runId,
      dryRun: e.dryRun,
      plan: e.steps,
      // A step the plan leaves out shows so from the start, not as waiting.
      steps: Object.fromEntries(
        e.steps.map((s): [string, StepView] => [
          s.id,
          s.included ? { status: 'pending' } : { status: 'skipped', reason: s.reason ?? '' },
        ]),
      ),
      warnings: [],
      notes: [],
    };
  }
  if (message.runId !== view.runId) return view;
  if (e.type === 'step') {
    const before = view.steps[e.id];
    if (before && TERMINAL.includes(before.status)) return view;
    const said = 'said' in e && e.said ? { said: e.said } : {};
    const next: StepView =
      e.status === 'done'
        ? { status: 'done', ...(e.detail !== undefined ? { detail: e.detail } : {}), ...said }
        : e.status === 'skipped'
          ? { status: 'skipped', reason: e.reason, ...said }
          : e.status === 'failed'
            ? { status: 'failed', error: e.error }
            : { status: 'running', startedAt: at };
    return { ...view, steps: { ...view.steps, [e.id]: next } };
  }
  if (e.type === 'warning') {
    if (view.warnings.some((w) => w.id === e.id && w.code === e.code)) return view;
    return { ...view, warnings: [...view.warnings, { id: e.id, code: e.code, message: e.message }] };
  }
  if (e.type === 'info')
    return { ...view, notes: [...view.notes, { text: e.message, ...(e.said ? { said: e.said } : {}) }] };
  return view;
}

/** The summary is the record of the run: it settles every step's status. */
export function fromSummary(s: ProvisionSummary): RunView {
  return {
    runId: s.runId,
    dryRun: s.dryRun,
    plan: s.plan,
    steps: Object.fromEntries(
      s.steps.map((r) => [
        r.id,
        {
          status: r.status,
          ...(r.detail !== undefined ? { detail: r.detail } : {}),
          ...(r.reason !== undefined ? { reason: r.reason } : {}),
          ...(r.said ? { said: r.said } : {}),
          ...(r.error ? { error: r.error } : {}),
        },
      ]),
    ),
    warnings: s.warnings,
    notes: s.notes,
  };
}

/** Everything a device change clears: choices, the certificate, results and every confirmation. */
function cleared(state: FlowState, serial: string | null): FlowState {
  return {
    ...INITIAL_FLOW,
    page: state.page,
    serial,
    generation: state.generation + 1,
  };
}

export function flowReducer(state: FlowState, action: FlowAction): FlowState {
  switch (action.type) {
    case 'page':
      return { ...state, page: action.page };
    case 'device':
      if (action.serial === null) {
        // A disconnect: a success is over (its "Done" and "Next device" do not stay for a device no longer
        // there); a stopped or failed run stays, for its Resume when the same device comes back.
        // What the person was told (say, that no device is connected) stays until a device is back.
        if (state.running || !(state.finishedOk || state.plan)) return state;
        const keep = state.summary !== null && !state.summary.ok && !state.summary.dryRun;
        return {
          ...state,
          finishedOk: false,
          plan: null,
          summary: keep ? state.summary : null,
          run: keep ? state.run : EMPTY_RUN,
        };
      }
      if (action.serial === state.serial) {
        // The same device again: an alert about the connection is stale now.
        return state.runProblem ? { ...state, runProblem: null } : state;
      }
      // Another device answered: nothing chosen or shown for the previous one may carry over.
      return state.serial === null
        ? { ...state, serial: action.serial, runProblem: null }
        : cleared(state, action.serial);
    case 'next-device':
      return { ...cleared(state, null), page: 'device' };
    case 'choose': {
      const choices = { ...state.choices, ...action.patch };
      // A stale failure goes with its cause: a changed choice is a new attempt.
      const certChanged = 'chosen' in action.patch || 'check' in action.patch;
      return {
        ...state,
        choices,
        runProblem: null,
        certProblem: certChanged ? null : state.certProblem,
        // A failed (not stopped) run's outcome stays until the next run; a finished one goes when the
        // certificate changes (its Resume would run the new files).
        summary: certChanged && state.summary && !state.summary.ok ? null : state.summary,
      };
    }
    case 'cert-problem':
      return { ...state, certProblem: action.problem };
    case 'run-start':
      // A plan goes beside the result; a real run replaces it (kept aside until main accepts the run).
      return action.dryRun
        ? { ...state, running: true, planning: true, startedAt: action.at, runProblem: null, plan: EMPTY_RUN }
        : {
            ...state,
            running: true,
            planning: false,
            startedAt: action.at,
            summary: null,
            runProblem: null,
            run: EMPTY_RUN,
            plan: null,
            previous: { summary: state.summary, run: state.run },
          };
    case 'event':
      return state.planning
        ? { ...state, plan: applyEvent(state.plan ?? EMPTY_RUN, action.message, action.at) }
        : { ...state, run: applyEvent(state.run, action.message, action.at) };
    case 'run-end': {
      const ended = { ...state, running: false, planning: false, previous: null, runProblem: action.problem };
      if (state.planning) {
        return { ...ended, plan: action.summary ? fromSummary(action.summary) : null };
      }
      if (action.summary) {
        return {
          ...ended,
          summary: action.summary,
          run: fromSummary(action.summary),
          finishedOk: action.summary.ok,
        };
      }
      // Refused before it began (no device, busy, a weak secret): the earlier result and its Resume stay.
      const before = state.run.plan.length === 0 ? state.previous : null;
      return before ? { ...ended, summary: before.summary, run: before.run } : ended;
    }
  }
}

export function useFlow() {
  return useReducer(flowReducer, INITIAL_FLOW);
}

/** Failures Resume cannot fix: the device or the files must change first. */
export const NOT_RESUMABLE: readonly string[] = [
  'ERR_WORKFLOW_MODEL_UNSUPPORTED',
  'ERR_WORKFLOW_SOFTWARE_TOO_OLD',
  'ERR_WORKFLOW_SOFTWARE_UNKNOWN',
  'ERR_WORKFLOW_CERT_REJECTED',
  'ERR_WORKFLOW_CERT_IN_USE',
  'ERR_WORKFLOW_DEVICE_HARDENED',
  'ERR_WORKFLOW_DEVICE_CHANGED',
  'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
  'ERR_WORKFLOW_PLAIN_SECRET_OVER_NETWORK',
];
