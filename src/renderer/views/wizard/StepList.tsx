import { useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../contract/index.js';
import { type Lang, errorText, fmt, messages } from '../../i18n/index.js';
import { SaidText } from '../Fmt.js';
import type { RunView, StepStatus } from './flow.js';

const ICON: Record<StepStatus, string> = {
  pending: '○',
  running: '◔',
  done: '✓',
  skipped: '↷',
  failed: '✕',
  'not-run': '–',
};

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One big bar: how far the run is, the step it is on, and how long it has taken. */
export function RunProgress({ lang, run, startedAt }: { lang: Lang; run: RunView; startedAt: number }) {
  const m = messages(lang);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  // Numbered as the step list numbers them: every step of the plan, those left out included.
  const ended = run.plan.filter((p) => ['done', 'skipped', 'failed'].includes(run.steps[p.id]?.status ?? ''));
  const at = run.plan.findIndex((p) => run.steps[p.id]?.status === 'running');
  const current = at >= 0 ? run.plan[at] : undefined;
  const title = current ? (m.steps[current.id] ?? current.title) : m.wizard.starting;
  return (
    <div className="run-progress" data-testid="run-progress">
      <div className="run-progress-text">
        <span data-field="current">
          {fmt(m.wizard.progressNow, { n: current ? at + 1 : ended.length, total: run.plan.length, title })}
        </span>
        <span data-field="elapsed">{fmt(m.wizard.elapsed, { time: elapsed(now - startedAt) })}</span>
      </div>
      <progress max={run.plan.length || 1} value={ended.length} aria-label={m.wizard.progressLabel} />
    </div>
  );
}

/** The procedure's steps with their live status; a failed step says why and what to do next. */
export function StepList({
  lang,
  run,
  focusOnEnd,
  headingId,
}: {
  lang: Lang;
  run: RunView;
  focusOnEnd: boolean;
  headingId?: string;
}) {
  const m = messages(lang);
  const t = m.wizard;
  return (
    <>
      <h4 id={headingId} tabIndex={-1} {...(focusOnEnd ? { 'data-focus-on-end': true } : {})}>
        {run.dryRun ? t.planHeading : t.progressHeading}
      </h4>
      <ol className="steps" data-testid={run.dryRun ? 'plan-steps' : 'steps'}>
        {run.plan.map((p, i) => {
          const view = run.steps[p.id] ?? { status: 'pending' as const };
          const title = m.steps[p.id] ?? p.title;
          if (run.dryRun) {
            return (
              <li key={p.id} data-step={p.id} data-included={String(p.included)} className="step">
                <span className="icon" aria-hidden="true">
                  {p.included ? '●' : '↷'}
                </span>
                <span className="step-title">{title}</span>
                <span className={`badge ${p.included ? 'done' : 'skipped'}`}>
                  {p.included
                    ? t.planIncluded
                    : fmt(t.planSkipped, { reason: m.leftOut[p.id] ?? p.reason ?? '' })}
                </span>
              </li>
            );
          }
          // A step the person stopped did not fail: it says so.
          const stopped = view.error?.code === 'ERR_WORKFLOW_CANCELLED';
          const state = stopped ? m.status.stopped : m.status[view.status];
          const detail =
            view.detail !== undefined ? (
              <SaidText lang={lang} said={view.said} fallback={view.detail} />
            ) : undefined;
          const reason =
            view.reason !== undefined ? (
              p.included ? (
                <SaidText lang={lang} said={view.said} fallback={view.reason} />
              ) : (
                (m.leftOut[p.id] ?? view.reason)
              )
            ) : undefined;
          return (
            <li key={p.id} data-step={p.id} data-status={view.status} className={`step ${view.status}`}>
              <span className="icon" aria-hidden="true">
                {stopped ? '■' : ICON[view.status]}
              </span>
              <span className="step-title">{title}</span>
              <span className={`badge ${view.status}`}>{state}</span>
              {detail && <span className="step-detail">{detail}</span>}
              {reason && <span className="step-detail">{reason}</span>}
              {view.error && <StepError lang={lang} error={view.error} />}
              <span className="visually-hidden" data-announce>
                {fmt(t.announce, { n: i + 1, title, state })}
              </span>
            </li>
          );
        })}
      </ol>
      {!run.dryRun && <LiveAnnouncer lang={lang} run={run} />}
    </>
  );
}

/** Says each change once, as "step N, name: state", for a screen reader. */
function LiveAnnouncer({ lang, run }: { lang: Lang; run: RunView }) {
  const m = messages(lang);
  let text = '';
  run.plan.forEach((p, i) => {
    const step = run.steps[p.id];
    const s = step?.status;
    if (s && s !== 'pending' && s !== 'not-run')
      text = fmt(m.wizard.announce, {
        n: i + 1,
        title: m.steps[p.id] ?? p.title,
        state: step.error?.code === 'ERR_WORKFLOW_CANCELLED' ? m.status.stopped : m.status[s],
      });
  });
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="step-announcer">
      {text}
    </p>
  );
}

function StepError({ lang, error }: { lang: Lang; error: ErrorInfo }) {
  const nested = (error.details?.errors ?? []) as { code: string; message: string }[];
  return (
    <div className="step-error">
      <p role="alert" data-code={error.code}>
        <span className="problem-words">{errorText(lang, error.code, error.message)}</span>{' '}
        <code>{error.code}</code>
      </p>
      {Array.isArray(nested) && nested.length > 0 && (
        <ul>
          {nested.map((n) => (
            <li key={n.code} data-code={n.code}>
              {errorText(lang, n.code, n.message)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
