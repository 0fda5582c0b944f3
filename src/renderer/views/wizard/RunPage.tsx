import { type Dispatch, useEffect, useRef, useState } from 'react';
import type { DeviceSessionInfo, PendingSecret, ProvisionRequest } from '../../../contract/index.js';
import { api } from '../../api.js';
import { type Lang, fmt, messages, warningText } from '../../i18n/index.js';
import { ProblemText } from '../common.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { SecretHandover } from '../SecretHandover.js';
import { type FlowAction, type FlowState, NOT_RESUMABLE, type Page } from './flow.js';
import { Outcome } from './Outcome.js';
import { RunProgress, StepList } from './StepList.js';
import { Fmt, SaidText } from '../Fmt.js';

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
  if (el) el.value = '';
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
    settle(await api().provision.run(request));
    await onPendingChanged();
  }

  function settle(r: Awaited<ReturnType<ReturnType<typeof api>['provision']['run']>>): void {
    if (r.ok) {
      finished.add(r.value.runId);
      dispatch({ type: 'run-end', summary: r.value, problem: null });
    } else dispatch({ type: 'run-end', summary: null, problem: { code: r.code, message: r.message } });
  }

  async function resume(): Promise<void> {
    dispatch({ type: 'run-start', dryRun: false, at: Date.now() });
    ended.current = true;
    settle(await api().provision.resume());
    await onPendingChanged();
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
  const mine = pending.filter((p) => p.source === 'provision');
  const id = device?.identity;

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
      {blockers.length > 0 && (
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
        {succeeded ? (
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
        ) : (
          <button
            type="button"
            className={c.factoryReset ? 'danger big' : 'primary big'}
            disabled={!canRun}
            onClick={() => (c.factoryReset ? setConfirming(true) : void start(false))}
          >
            {c.factoryReset ? t.startWithReset : t.start}
          </button>
        )}
        <button type="button" disabled={!canRun} onClick={() => void start(true)}>
          {t.plan}
        </button>
        {running && (
          <button type="button" className="danger" onClick={() => void stop()}>
            {t.stop}
          </button>
        )}
        {canResume && (
          <button type="button" onClick={() => void resume()}>
            {t.resume}
          </button>
        )}
      </div>
      {confirming && device && (
        <ConfirmDialog
          lang={lang}
          testId="confirm-reset"
          heading={t.resetDialog.heading}
          device={device}
          lost={t.resetDialog.lost}
          kept={
            c.keep.length ? fmt(t.resetDialog.kept, { items: c.keep.join(', ') }) : t.resetDialog.keptNone
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
      {running && run.plan.length > 0 && !run.dryRun && (
        <RunProgress lang={lang} run={run} startedAt={flow.startedAt ?? Date.now()} />
      )}
      <div ref={results}>
        {flow.runProblem && (
          <div data-focus-on-end tabIndex={-1}>
            <ProblemText lang={lang} problem={flow.runProblem} />
          </div>
        )}
        {summary && !summary.dryRun && <Outcome lang={lang} summary={summary} canResume={canResume} />}
        {mine.map((p) => (
          <SecretHandover
            key={p.serial}
            lang={lang}
            pending={p}
            report={summary?.report?.serialNumber === p.serial ? summary.report : null}
            onAcknowledged={onPendingChanged}
          />
        ))}
        {run.plan.length > 0 && <StepList lang={lang} run={run} focusOnEnd={!summary || summary.dryRun} />}
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
                <li key={i}>
                  <SaidText lang={lang} said={n.said} fallback={n.text} />
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
