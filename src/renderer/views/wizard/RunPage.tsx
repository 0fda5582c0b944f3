import { type Dispatch, useEffect, useRef, useState } from 'react';
import type { DeviceSessionInfo, PendingSecret, ProvisionRequest } from '../../../contract/index.js';
import { type SheetFacts } from '../SecretHandover.js';
import { api } from '../../api.js';
import { type Lang, fmt, messages, warningText } from '../../i18n/index.js';
import { CodedList, ProblemText } from '../common.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { SecretHandover } from '../SecretHandover.js';
import { type FlowAction, type FlowState, NOT_RESUMABLE, type Page } from './flow.js';
import { Outcome } from './Outcome.js';
import { RunProgress, StepList } from './StepList.js';
import { Fmt, SaidText } from '../Fmt.js';

/** Failures that may mean the device is gone: the window asks main again which device is connected. */
const LOST_DEVICE: readonly string[] = [
  'ERR_APP_NOT_CONNECTED',
  'ERR_DEVICE_DISCONNECTED',
  'ERR_DEVICE_CLOSED',
  'ERR_DEVICE_TIMEOUT',
];

export interface Blocker {
  text: string;
  page: Page;
}

/** What stops a run, each with the page that fixes it. */
export function blockersOf(lang: Lang, device: DeviceSessionInfo | null, flow: FlowState): Blocker[] {
  const t = messages(lang).wizard;
  const check = flow.choices.check;
  const out: Blocker[] = [];
  if (!device) out.push({ text: t.needDevice, page: 'device' });
  if (!check) out.push({ text: t.needCheck, page: 'certificate' });
  else if (!check.ok) out.push({ text: t.needAcceptable, page: 'certificate' });
  return out;
}

function inputValue(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | null)?.value ?? '';
}
function clearInput(id: string): void {
  const el = document.getElementById(id) as HTMLInputElement | null;
  if (!el) return;
  el.value = '';
  // What the field says of its text (the code's shape, a full field) follows it to empty.
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function RunPage({
  lang,
  device,
  flow,
  dispatch,
  blockers,
  finished,
  pending,
  onPendingChanged,
  onNextDevice,
  onRefreshDevice,
  onMeetingCheck,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  flow: FlowState;
  dispatch: Dispatch<FlowAction>;
  blockers: Blocker[];
  finished: Set<string>;
  pending: PendingSecret[];
  onPendingChanged: () => Promise<void>;
  onNextDevice: () => Promise<void>;
  /** Asks main which device is connected (after a run: a cable may have come out). */
  onRefreshDevice: () => Promise<void>;
  /** Opens the meeting check for the device just provisioned (it stays connected). */
  onMeetingCheck?: () => void;
}) {
  const m = messages(lang);
  const t = m.wizard;
  const c = flow.choices;
  const { summary, running, run } = flow;
  const [confirming, setConfirming] = useState(false);
  const results = useRef<HTMLDivElement>(null);
  const ended = useRef(false);

  // When a run ends, its results come into view and the keyboard lands on them.
  useEffect(() => {
    if (running || !ended.current) return;
    ended.current = false;
    const target = results.current?.querySelector<HTMLElement>('[data-focus-on-end]');
    if (target) {
      void target.scrollIntoView({ block: 'start' });
      target.focus();
    }
  }, [running, summary, flow.runProblem]);

  async function start(dryRun: boolean, resetSerial?: string): Promise<void> {
    const secretText = inputValue('given-secret');
    const code = inputValue('activation-code').trim();
    if (!dryRun && c.secretMode === 'given' && secretText === '') {
      dispatch({
        type: 'run-end',
        summary: null,
        problem: { code: 'ERR_SECRET_EMPTY', message: m.errors.ERR_SECRET_EMPTY ?? '' },
      });
      return;
    }
    const request: ProvisionRequest = {
      dryRun,
      // A plan needs no secret: it is sent only when the procedure runs.
      secret:
        !dryRun && c.secretMode === 'given' ? { mode: 'given', value: secretText } : { mode: 'generate' },
      enc: c.enc,
      backup: c.backup,
      // The serial the person typed in the confirmation: main refuses it for any other device.
      factoryReset: c.factoryReset
        ? { confirmed: resetSerial !== undefined, serial: resetSerial ?? '', keep: c.keep }
        : null,
      registerFirst: c.registerFirst,
      restoreName: c.backup && c.restoreName,
      // A plan checks the code too (main refuses one that is not a Control Hub code before the device is touched).
      activationCode: code === '' ? null : code,
      allowPlainOverNetwork: c.allowPlain,
      wrapLongLines: c.wrapLongLines,
    };
    if (!dryRun) {
      clearInput('given-secret');
      clearInput('activation-code');
    }
    dispatch({ type: 'run-start', dryRun, at: Date.now() });
    ended.current = true;
    await settle(await api().provision.run(request));
  }

  /**
   * Shows how the run ended. A run that lost the device (a cable pulled) first asks main which device is
   * connected, while the run still shows as running, so the header, the steps and Resume agree at once
   * and no button starts anything while main answers.
   */
  async function settle(r: Awaited<ReturnType<ReturnType<typeof api>['provision']['run']>>): Promise<void> {
    const codes = r.ok ? r.value.steps.map((x) => x.error?.code) : [r.code];
    if (codes.some((code) => code !== undefined && LOST_DEVICE.includes(code))) await onRefreshDevice();
    settleResult(r);
    await onPendingChanged();
  }

  function settleResult(r: Awaited<ReturnType<ReturnType<typeof api>['provision']['run']>>): void {
    if (r.ok) {
      finished.add(r.value.runId);
      dispatch({ type: 'run-end', summary: r.value, problem: null });
    } else dispatch({ type: 'run-end', summary: null, problem: { code: r.code, message: r.message } });
  }

  async function resume(): Promise<void> {
    dispatch({ type: 'run-start', dryRun: false, at: Date.now() });
    ended.current = true;
    await settle(await api().provision.resume());
  }

  async function stop(): Promise<void> {
    const r = await api().provision.stop();
    if (!r.ok) dispatch({ type: 'run-end', summary: null, problem: { code: r.code, message: r.message } });
  }

  const succeeded = flow.finishedOk;
  const canRun = blockers.length === 0 && !running;
  const canResume =
    summary !== null &&
    !summary.ok &&
    !summary.dryRun &&
    !running &&
    !NOT_RESUMABLE.includes(summary.error?.code ?? '');
  const id = device?.identity;
  // Results belong to the device they name: the run's device, shown while no other device is connected.
  const runSerial = flow.serial;
  const ours = device === null || device.identity.serialNumber === runSerial;
  const shownSummary = summary && ours ? summary : null;
  // This device's waiting secret comes first, inside the outcome; other devices' are grouped below, named.
  const mine = pending.filter((p) => p.source === 'provision');
  const current = mine.find((p) => p.serial === runSerial && ours) ?? null;
  const others = mine.filter((p) => p !== current);
  const report = shownSummary?.report?.serialNumber === runSerial ? shownSummary.report : null;
  const cert = c.check?.report;
  const facts: SheetFacts | null = report
    ? {
        productId: report.productId,
        serialNumber: report.serialNumber,
        identity: report.identity,
        fingerprint: report.fingerprint,
        notAfter: report.notAfter,
      }
    : cert && current
      ? {
          productId: current.productId,
          serialNumber: current.serial,
          identity: cert.subject.cn,
          fingerprint: cert.fingerprints.sha1,
          notAfter: cert.notAfter,
        }
      : null;
  // A run that verified the identity as registered has no use for "reported only once registered".
  const verifiedRegistered = run.steps['verify-registered']?.status === 'done';
  const warnings = run.warnings.filter(
    (w) => !(verifiedRegistered && w.code === 'WARN_E2EE_STATUS_UNAVAILABLE'),
  );
  const handoverOf = (p: PendingSecret, level: 4 | 5) => (
    <SecretHandover
      key={p.serial}
      lang={lang}
      pending={p}
      facts={p === current ? facts : null}
      level={level}
      onAcknowledged={onPendingChanged}
    />
  );
  const startButton = (primary: boolean) => (
    <button
      type="button"
      className={
        primary ? (c.factoryReset ? 'danger big' : 'primary big') : c.factoryReset ? 'danger' : undefined
      }
      disabled={!canRun}
      onClick={() => (c.factoryReset ? setConfirming(true) : void start(false))}
    >
      {c.factoryReset ? t.startWithReset : t.start}
    </button>
  );
  const details = (
    <>
      {run.plan.length > 0 && <StepList lang={lang} run={run} focusOnEnd={false} />}
      {warnings.length > 0 && (
        <>
          <h4>{t.warningsHeading}</h4>
          <CodedList
            lang={lang}
            items={warnings}
            words={warningText}
            className="warnings"
            testId="run-warnings"
            keyOf={(w) => `${w.id}:${w.code}`}
          />
        </>
      )}
      {run.notes.length > 0 && (
        <>
          <h4>{t.notesHeading}</h4>
          <ul className="notes">
            {run.notes.map((n, i) => (
              <li key={i}>
                <SaidText lang={lang} said={n.said} fallback={n.text} />
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );

  return (
    <section className="panel" aria-labelledby="run-heading">
      <h3 id="run-heading" tabIndex={-1}>
        {t.runHeading}
      </h3>
      {device && id && (
        <p className="target-line" data-testid="run-target">
          <Fmt
            text={t.runTarget}
            values={{ product: id.productId, serial: id.serialNumber, target: device.target }}
          />
        </p>
      )}
      {blockers.length > 0 && !canResume && (
        <ul className="blockers" aria-label={t.blockersLabel}>
          {blockers.map((b) => (
            <li key={b.text}>
              <button type="button" className="link" onClick={() => dispatch({ type: 'page', page: b.page })}>
                {b.text}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="buttons big-action">
        {!shownSummary && !succeeded && startButton(true)}
        {shownSummary && !succeeded && !canResume && startButton(true)}
        {canResume && shownSummary && startButton(false)}
        <button type="button" disabled={!canRun} onClick={() => void start(true)}>
          {t.plan}
        </button>
        {running && (
          <button type="button" className="danger" onClick={() => void stop()}>
            {t.stop}
          </button>
        )}
      </div>
      {confirming && device && (
        <ConfirmDialog
          lang={lang}
          testId="confirm-reset"
          heading={t.resetDialog.heading}
          device={device}
          lost={canResume ? `${t.resetDialog.afterPartial} ${t.resetDialog.lost}` : t.resetDialog.lost}
          kept={
            c.keep.length
              ? fmt(t.resetDialog.kept, { items: c.keep.map((k) => t.keepNames[k]).join(', ') })
              : t.resetDialog.keptNone
          }
          typeToConfirm={device.identity.serialNumber}
          typeLabel={fmt(t.resetDialog.typeSerial, { serial: device.identity.serialNumber })}
          confirmText={fmt(t.resetDialog.confirm, { serial: device.identity.serialNumber })}
          onCancel={() => setConfirming(false)}
          onConfirm={(typed) => {
            setConfirming(false);
            void start(false, typed);
          }}
        />
      )}
      {running && !flow.planning && run.plan.length > 0 && (
        <RunProgress lang={lang} run={run} startedAt={flow.startedAt ?? Date.now()} />
      )}
      <div ref={results}>
        {flow.runProblem && (
          <div data-focus-on-end tabIndex={-1}>
            <ProblemText lang={lang} problem={flow.runProblem} />
          </div>
        )}
        {running && !flow.planning && run.plan.length > 0 && (
          <StepList lang={lang} run={run} focusOnEnd={false} />
        )}
        {shownSummary && !running && runSerial && (
          <Outcome
            lang={lang}
            summary={shownSummary}
            run={run}
            serial={runSerial}
            product={
              report?.productId ?? current?.productId ?? (device && ours ? device.identity.productId : '')
            }
            connected={device !== null}
            canResume={canResume}
            action={
              succeeded ? (
                <>
                  <button type="button" className="primary big" onClick={() => void onNextDevice()}>
                    {t.nextDevice}
                  </button>
                  {onMeetingCheck && (
                    <button type="button" data-testid="to-meeting-check" onClick={onMeetingCheck}>
                      {t.meetingCheck}
                    </button>
                  )}
                </>
              ) : canResume ? (
                <button type="button" className="primary big" onClick={() => void resume()}>
                  {t.resume}
                </button>
              ) : null
            }
            handover={current ? handoverOf(current, 5) : null}
            details={details}
          />
        )}
        {current && !(shownSummary && !running) && handoverOf(current, 4)}
        {flow.plan && flow.plan.plan.length > 0 && (
          <section className="plan" data-testid="plan" aria-labelledby="plan-heading">
            <StepList lang={lang} run={flow.plan} focusOnEnd={!shownSummary} headingId="plan-heading" />
          </section>
        )}
        {others.length > 0 && (
          <section
            className="other-secrets"
            data-testid="other-secrets"
            aria-labelledby="other-secrets-heading"
          >
            <h4 id="other-secrets-heading">
              <Fmt text={t.othersWaiting} values={{ serials: others.map((p) => p.serial).join(', ') }} />
            </h4>
            {others.map((p) => handoverOf(p, 5))}
          </section>
        )}
      </div>
    </section>
  );
}
