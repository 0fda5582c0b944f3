import { useEffect, useRef, useState } from 'react';
import {
  FACTORY_RESET_KEEP_ITEMS,
  type CredentialsCheck,
  type DeviceSessionInfo,
  type EncChoice,
  type ErrorInfo,
  type FactoryResetKeepItem,
  type FileRole,
  type ProvisionRequest,
  type ProvisionSummary,
  type StepPlan,
  type WorkflowEventMessage,
} from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, errorText, fmt, messages, warningText } from '../i18n/index.js';
import { CertReport } from './CertReport.js';
import { type Problem, ProblemText } from './common.js';
import { DevicePanel } from './DevicePanel.js';
import { RevealSecret } from './RevealSecret.js';

type Page = 'device' | 'certificate' | 'options' | 'run';
const PAGES: readonly Page[] = ['device', 'certificate', 'options', 'run'];

type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'not-run';
interface StepView {
  status: StepStatus;
  detail?: string;
  reason?: string;
  error?: ErrorInfo;
}
const TERMINAL: readonly StepStatus[] = ['done', 'skipped', 'failed'];

interface RunView {
  runId: string | null;
  dryRun: boolean;
  plan: StepPlan[];
  steps: Record<string, StepView>;
  warnings: { id: string; code: string; message: string }[];
  notes: string[];
}

const EMPTY_RUN: RunView = { runId: null, dryRun: false, plan: [], steps: {}, warnings: [], notes: [] };

/** Applies one progress event; a step that has ended never goes back to running. */
function applyEvent(view: RunView, message: WorkflowEventMessage): RunView {
  const e = message.event;
  if (e.type === 'plan') {
    return {
      runId: message.runId,
      dryRun: e.dryRun,
      plan: e.steps,
      steps: Object.fromEntries(e.steps.map((s) => [s.id, { status: 'pending' as const }])),
      warnings: [],
      notes: [],
    };
  }
  if (message.runId !== view.runId) return view;
  if (e.type === 'step') {
    const before = view.steps[e.id];
    if (before && TERMINAL.includes(before.status)) return view;
    const next: StepView =
      e.status === 'done'
        ? { status: 'done', ...(e.detail !== undefined ? { detail: e.detail } : {}) }
        : e.status === 'skipped'
          ? { status: 'skipped', reason: e.reason }
          : e.status === 'failed'
            ? { status: 'failed', error: e.error }
            : { status: 'running' };
    return { ...view, steps: { ...view.steps, [e.id]: next } };
  }
  if (e.type === 'warning') {
    if (view.warnings.some((w) => w.id === e.id && w.code === e.code)) return view;
    return { ...view, warnings: [...view.warnings, { id: e.id, code: e.code, message: e.message }] };
  }
  if (e.type === 'info') return { ...view, notes: [...view.notes, e.message] };
  return view;
}

/** The summary is the record of the run: it settles every step's status. */
function fromSummary(s: ProvisionSummary): RunView {
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
          ...(r.error ? { error: r.error } : {}),
        },
      ]),
    ),
    warnings: s.warnings,
    notes: s.notes,
  };
}

/** The technician's procedure: device, certificate, options, then the run with live step status. */
export function Wizard({
  lang,
  device,
  onDevice,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  onDevice: (d: DeviceSessionInfo | null) => void;
}) {
  const m = messages(lang);
  const t = m.wizard;
  const [page, setPage] = useState<Page>('device');
  const [chosen, setChosen] = useState<Partial<Record<FileRole, string>>>({});
  const [check, setCheck] = useState<CredentialsCheck | null>(null);
  const [certProblem, setCertProblem] = useState<Problem | null>(null);
  const [secretMode, setSecretMode] = useState<'generate' | 'given'>('generate');
  const [enc, setEnc] = useState<EncChoice>('A128GCM');
  const [backup, setBackup] = useState(true);
  const [factoryReset, setFactoryReset] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const [keep, setKeep] = useState<FactoryResetKeepItem[]>([]);
  const [registerFirst, setRegisterFirst] = useState(false);
  const [restoreName, setRestoreName] = useState(false);
  const [allowPlain, setAllowPlain] = useState(false);
  const [run, setRun] = useState<RunView>(EMPTY_RUN);
  const [summary, setSummary] = useState<ProvisionSummary | null>(null);
  const [running, setRunning] = useState(false);
  const [runProblem, setRunProblem] = useState<Problem | null>(null);
  // What the person types that is secret (passphrase, client secret, activation code) stays in the
  // inputs until it is sent, once; it is never React state.
  const passphrase = useRef<HTMLInputElement>(null);
  const givenSecret = useRef<HTMLInputElement>(null);
  const activationCode = useRef<HTMLInputElement>(null);
  const finished = useRef(new Set<string>());

  // A page change moves the keyboard focus to the new page's heading, not to a button now hidden.
  const root = useRef<HTMLElement>(null);
  const firstPage = useRef(true);
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    root.current?.querySelector<HTMLElement>(`[data-page="${page}"] :is(h2, h3)`)?.focus();
  }, [page]);

  useEffect(
    () =>
      api().onWorkflowEvent((message) => {
        if (finished.current.has(message.runId)) return; // the summary already settled this run
        setRun((view) => applyEvent(view, message));
      }),
    [],
  );

  async function choose(role: FileRole): Promise<void> {
    const r = await api().credentials.choose(role);
    if (!r.ok) {
      setCertProblem({ code: r.code, message: r.message });
      return;
    }
    if (r.value === null) return;
    setChosen((c) => ({ ...c, [role]: r.value!.name }));
    setCheck(null);
    setCertProblem(null);
  }

  async function inspect(): Promise<void> {
    const typed = passphrase.current?.value ?? '';
    if (passphrase.current) passphrase.current.value = '';
    const r = await api().credentials.inspect(typed === '' ? null : typed);
    if (r.ok) {
      setCheck(r.value);
      setCertProblem(null);
    } else {
      setCheck(null);
      setCertProblem({ code: r.code, message: r.message });
    }
  }

  function settle(r: Awaited<ReturnType<ReturnType<typeof api>['provision']['run']>>): void {
    if (r.ok) {
      finished.current.add(r.value.runId);
      setRun(fromSummary(r.value));
      setSummary(r.value);
      setRunProblem(null);
    } else {
      setRunProblem({ code: r.code, message: r.message });
    }
  }

  async function start(dryRun: boolean): Promise<void> {
    const secretText = givenSecret.current?.value ?? '';
    const code = activationCode.current?.value.trim() ?? '';
    if (!dryRun && secretMode === 'given' && secretText === '') {
      setRunProblem({ code: 'ERR_SECRET_EMPTY', message: m.errors.ERR_SECRET_EMPTY ?? '' });
      return;
    }
    const request: ProvisionRequest = {
      dryRun,
      // A plan needs no secret: it is sent only when the procedure runs.
      secret: !dryRun && secretMode === 'given' ? { mode: 'given', value: secretText } : { mode: 'generate' },
      enc,
      backup,
      factoryReset: factoryReset ? { confirmed: confirmReset, keep } : null,
      registerFirst,
      restoreName: backup && restoreName,
      // A plan checks the code too (main refuses one that is not a Control Hub code before the device is touched).
      activationCode: code === '' ? null : code,
      allowPlainOverNetwork: allowPlain,
    };
    if (!dryRun) {
      if (givenSecret.current) givenSecret.current.value = '';
      if (activationCode.current) activationCode.current.value = '';
    }
    setRunning(true);
    setSummary(null);
    setRunProblem(null);
    setRun(EMPTY_RUN);
    try {
      settle(await api().provision.run(request));
    } finally {
      setRunning(false);
    }
  }

  async function resume(): Promise<void> {
    setRunning(true);
    setSummary(null);
    setRunProblem(null);
    try {
      settle(await api().provision.resume());
    } finally {
      setRunning(false);
    }
  }

  async function stop(): Promise<void> {
    const r = await api().provision.stop();
    if (!r.ok) setRunProblem({ code: r.code, message: r.message });
  }

  const isSsh = device?.link === 'ssh';
  const blockers = [
    !device ? t.needDevice : null,
    !check ? t.needCheck : null,
    factoryReset && !confirmReset ? t.needConfirm : null,
  ].filter((x): x is string => x !== null);
  const canRun = blockers.length === 0 && !running;

  return (
    <section aria-labelledby="wizard-heading" className="wizard" ref={root}>
      <h2 id="wizard-heading">{t.heading}</h2>
      <nav aria-label={t.stepsLabel}>
        <ol className="stepper">
          {PAGES.map((p, i) => (
            <li key={p}>
              <button type="button" aria-current={page === p ? 'step' : undefined} onClick={() => setPage(p)}>
                <span className="step-no">{i + 1}</span> {t.pages[p]}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      <div hidden={page !== 'device'} data-page="device">
        <DevicePanel lang={lang} device={device} onDevice={onDevice} />
        <PageButtons lang={lang} onNext={() => setPage('certificate')} />
      </div>

      <div hidden={page !== 'certificate'} className="panel" data-page="certificate">
        <h3 tabIndex={-1}>{t.certHeading}</h3>
        <p className="help">{t.certHelp}</p>
        <div className="file-row">
          <button type="button" onClick={() => void choose('certificate')}>
            {t.chooseCert}
          </button>
          <span data-testid="chosen-certificate">
            {chosen.certificate ? fmt(t.chosen, { name: chosen.certificate }) : t.notChosen}
          </span>
        </div>
        <div className="file-row">
          <button type="button" onClick={() => void choose('key')}>
            {t.chooseKey}
          </button>
          <span data-testid="chosen-key">
            {chosen.key ? fmt(t.chosen, { name: chosen.key }) : t.notChosen}
          </span>
        </div>
        <div className="field">
          <label htmlFor="passphrase">{t.passphrase}</label>
          <input id="passphrase" type="password" ref={passphrase} autoComplete="off" />
        </div>
        <button
          type="button"
          className="primary"
          disabled={!chosen.certificate}
          onClick={() => void inspect()}
        >
          {t.check}
        </button>
        {certProblem && <ProblemText lang={lang} problem={certProblem} />}
        {check && <CertReport lang={lang} check={check} />}
        <PageButtons lang={lang} onBack={() => setPage('device')} onNext={() => setPage('options')} />
      </div>

      <div hidden={page !== 'options'} className="panel" data-page="options">
        <h3 tabIndex={-1}>{t.optionsHeading}</h3>
        <fieldset>
          <legend>{t.secretLegend}</legend>
          <label className="choice">
            <input
              type="radio"
              name="secret-mode"
              checked={secretMode === 'generate'}
              onChange={() => setSecretMode('generate')}
            />
            {t.secretGenerate}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="secret-mode"
              checked={secretMode === 'given'}
              onChange={() => setSecretMode('given')}
            />
            {t.secretGiven}
          </label>
          <div className="field" hidden={secretMode !== 'given'}>
            <label htmlFor="given-secret">{t.secretValue}</label>
            <input id="given-secret" type="password" ref={givenSecret} autoComplete="new-password" />
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="enc">{t.enc}</label>
          <select id="enc" value={enc} onChange={(e) => setEnc(e.target.value as EncChoice)}>
            <option value="A128GCM">A128GCM</option>
            <option value="A256GCM">A256GCM</option>
          </select>
        </div>
        <label className="choice">
          <input type="checkbox" checked={backup} onChange={(e) => setBackup(e.target.checked)} />
          {t.backup}
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={factoryReset}
            onChange={(e) => {
              setFactoryReset(e.target.checked);
              if (!e.target.checked) setConfirmReset(false);
            }}
          />
          {t.factoryReset}
        </label>
        {factoryReset && (
          <fieldset className="keep" data-testid="reset-keep">
            <legend>{t.keepHeading}</legend>
            {FACTORY_RESET_KEEP_ITEMS.map((item) => (
              <label className="choice" key={item}>
                <input
                  type="checkbox"
                  checked={keep.includes(item)}
                  onChange={(e) =>
                    setKeep((old) => (e.target.checked ? [...old, item] : old.filter((x) => x !== item)))
                  }
                />
                <strong>{item}</strong>: {t.keepItems[item]}
              </label>
            ))}
            <p className="help">{t.keepNever}</p>
          </fieldset>
        )}
        {factoryReset && (
          <label className="choice confirm">
            <input
              type="checkbox"
              checked={confirmReset}
              onChange={(e) => setConfirmReset(e.target.checked)}
            />
            {t.confirmReset}
          </label>
        )}
        <label className="choice">
          <input
            type="checkbox"
            checked={restoreName && backup}
            disabled={!backup}
            onChange={(e) => setRestoreName(e.target.checked)}
          />
          {t.restoreName}
        </label>
        <div className="field">
          <label htmlFor="activation-code">{t.activationCode}</label>
          <input id="activation-code" type="password" ref={activationCode} autoComplete="off" />
        </div>
        <label className="choice">
          <input
            type="checkbox"
            checked={registerFirst}
            onChange={(e) => setRegisterFirst(e.target.checked)}
          />
          {t.registerFirst}
        </label>
        {isSsh && (
          <label className="choice">
            <input type="checkbox" checked={allowPlain} onChange={(e) => setAllowPlain(e.target.checked)} />
            {t.allowPlain}
          </label>
        )}
        <PageButtons lang={lang} onBack={() => setPage('certificate')} onNext={() => setPage('run')} />
      </div>

      <div hidden={page !== 'run'} className="panel" data-page="run">
        <h3 tabIndex={-1}>{t.runHeading}</h3>
        {blockers.length > 0 && (
          <ul className="blockers">
            {blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        )}
        <div className="buttons">
          <button type="button" disabled={!canRun} onClick={() => void start(true)}>
            {t.plan}
          </button>
          <button type="button" className="primary" disabled={!canRun} onClick={() => void start(false)}>
            {t.start}
          </button>
          {running && (
            <button type="button" className="danger" onClick={() => void stop()}>
              {t.stop}
            </button>
          )}
          {summary && !summary.ok && !summary.dryRun && !running && (
            <button type="button" onClick={() => void resume()}>
              {t.resume}
            </button>
          )}
        </div>
        {runProblem && <ProblemText lang={lang} problem={runProblem} />}
        {run.plan.length > 0 && <StepList lang={lang} run={run} />}
        {run.warnings.length > 0 && (
          <>
            <h4>{t.warningsHeading}</h4>
            <ul className="warnings" data-testid="run-warnings">
              {run.warnings.map((w) => (
                <li key={`${w.id}:${w.code}`} data-code={w.code}>
                  {warningText(lang, w.code, w.message)} <code>{w.code}</code>
                </li>
              ))}
            </ul>
          </>
        )}
        {run.notes.length > 0 && (
          <>
            <h4>{t.notesHeading}</h4>
            <ul className="notes">
              {run.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          </>
        )}
        {summary && !summary.dryRun && <Outcome lang={lang} summary={summary} />}
      </div>
    </section>
  );
}

function PageButtons({ lang, onBack, onNext }: { lang: Lang; onBack?: () => void; onNext?: () => void }) {
  const c = messages(lang).common;
  return (
    <div className="page-buttons">
      {onBack && (
        <button type="button" onClick={onBack}>
          {c.back}
        </button>
      )}
      {onNext && (
        <button type="button" onClick={onNext}>
          {c.next}
        </button>
      )}
    </div>
  );
}

/** The procedure's steps with their live status; a failed step says why and what to do next. */
function StepList({ lang, run }: { lang: Lang; run: RunView }) {
  const m = messages(lang);
  const t = m.wizard;
  return (
    <>
      <h4>{run.dryRun ? t.planHeading : t.progressHeading}</h4>
      <ol className="steps" data-testid="steps" aria-live="polite">
        {run.plan.map((p) => {
          const view = run.steps[p.id] ?? { status: 'pending' as const };
          const title = m.steps[p.id] ?? p.title;
          if (run.dryRun) {
            return (
              <li key={p.id} data-step={p.id} data-included={String(p.included)} className="step">
                <span className="step-title">{title}</span>
                <span className={`badge ${p.included ? 'done' : 'skipped'}`}>
                  {p.included
                    ? t.planIncluded
                    : fmt(t.planSkipped, { reason: m.leftOut[p.id] ?? p.reason ?? '' })}
                </span>
              </li>
            );
          }
          return (
            <li key={p.id} data-step={p.id} data-status={view.status} className={`step ${view.status}`}>
              <span className="step-title">{title}</span>
              <span className={`badge ${view.status}`}>{m.status[view.status]}</span>
              {view.detail && <span className="step-detail">{view.detail}</span>}
              {view.reason && (
                <span className="step-detail">
                  {p.included ? view.reason : (m.leftOut[p.id] ?? view.reason)}
                </span>
              )}
              {view.error && <StepError lang={lang} error={view.error} />}
            </li>
          );
        })}
      </ol>
    </>
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

function Outcome({ lang, summary }: { lang: Lang; summary: ProvisionSummary }) {
  const m = messages(lang);
  const t = m.wizard;
  const r = summary.report;
  return (
    <div className="outcome" data-testid="outcome" data-ok={String(summary.ok)}>
      {summary.ok && r ? (
        <>
          <p role="status" className="ok">
            {fmt(t.done, { product: r.productId, serial: r.serialNumber, identity: r.identity })}
          </p>
          <h4>{t.report}</h4>
          <dl>
            <dt>{m.device.serial}</dt>
            <dd>{r.serialNumber}</dd>
            <dt>{m.device.product}</dt>
            <dd>{r.productId}</dd>
            <dt>{t.cn}</dt>
            <dd>{r.identity}</dd>
            <dt>{t.fingerprint}</dt>
            <dd className="mono">{r.fingerprint}</dd>
            <dt>{t.expires}</dt>
            <dd>{r.notAfter.slice(0, 10)}</dd>
            <dt>{t.registered}</dt>
            <dd>{r.registered ? m.common.yes : m.common.no}</dd>
            {summary.backupFile && (
              <>
                <dt>{t.backupFile}</dt>
                <dd className="mono">{summary.backupFile}</dd>
              </>
            )}
          </dl>
          {summary.secretToReveal && <RevealSecret lang={lang} source="provision" />}
        </>
      ) : (
        <>
          <p className="bad">{t.failed}</p>
          <p>{t.resumeHint}</p>
        </>
      )}
    </div>
  );
}
