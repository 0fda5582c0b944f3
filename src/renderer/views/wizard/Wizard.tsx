import { useEffect, useRef } from 'react';
import type { DeviceSessionInfo, PendingSecret } from '../../../contract/index.js';
import { api } from '../../api.js';
import { type Lang, messages } from '../../i18n/index.js';
import { CertificatePage } from './CertificatePage.js';
import { ConnectPage } from './ConnectPage.js';
import { type Page, PAGES, useFlow } from './flow.js';
import { OptionsPage } from './OptionsPage.js';
import { RunPage, blockersOf } from './RunPage.js';

/** The technician's procedure: device, certificate, options, then the run with live step status. */
export function Wizard({
  lang,
  device,
  onDevice,
  onRefreshDevice,
  pending,
  onPendingChanged,
  onMeetingCheck,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  onDevice: (d: DeviceSessionInfo | null) => void;
  /** Asks main which device is connected, and shows that. */
  onRefreshDevice: () => Promise<void>;
  pending: PendingSecret[];
  onPendingChanged: () => Promise<void>;
  /** Opens the meeting check for a device (its serial and the identity it was given). */
  onMeetingCheck?: (device: { serial: string; cn: string | null }) => void;
}) {
  const t = messages(lang).wizard;
  const [flow, dispatch] = useFlow();
  const { page } = flow;
  const finished = useRef(new Set<string>());

  // Another device clears every choice, result and confirmation made for the previous one.
  const serial = device?.identity.serialNumber ?? null;
  useEffect(() => dispatch({ type: 'device', serial }), [serial, dispatch]);

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
        if (message.workflow !== 'provision') return; // a fleet run's progress is the Fleet screen's
        if (finished.current.has(message.runId)) return; // the summary already settled this run
        dispatch({ type: 'event', message, at: Date.now() });
      }),
    [dispatch],
  );

  const goTo = (p: Page): void => dispatch({ type: 'page', page: p });
  const blockers = blockersOf(lang, device, flow);

  const pageState = (p: Page): 'done' | 'blocked' | 'open' => {
    // Nothing needs attention before the person has done anything: a page not done yet is just open.
    if (p === 'device') return device ? 'done' : 'open';
    if (p === 'certificate')
      return flow.choices.check?.ok ? 'done' : flow.choices.check || flow.certProblem ? 'blocked' : 'open';
    if (p === 'options') return flow.choices.check ? 'done' : 'open';
    return flow.finishedOk && device
      ? 'done'
      : flow.choices.check && !flow.choices.check.ok
        ? 'blocked'
        : 'open';
  };

  return (
    <section aria-labelledby="wizard-heading" className="wizard" ref={root}>
      <h2 id="wizard-heading" className="visually-hidden">
        {t.heading}
      </h2>
      <nav aria-label={t.stepsLabel}>
        <ol className="stepper">
          {PAGES.map((p, i) => {
            const state = pageState(p);
            return (
              <li key={p} data-state={page === p ? 'current' : state}>
                <button type="button" aria-current={page === p ? 'step' : undefined} onClick={() => goTo(p)}>
                  <span className="step-no" aria-hidden="true">
                    {state === 'done' && page !== p ? '✓' : state === 'blocked' && page !== p ? '!' : i + 1}
                  </span>
                  {t.pages[p]}
                  <span className="visually-hidden">
                    {' '}
                    ({page === p ? t.stepState.current : t.stepState[state]})
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>

      <div hidden={page !== 'device'} data-page="device">
        <ConnectPage lang={lang} device={device} onDevice={onDevice} onNext={() => goTo('certificate')} />
      </div>
      <div hidden={page !== 'certificate'} data-page="certificate">
        <CertificatePage lang={lang} flow={flow} dispatch={dispatch} />
      </div>
      <div hidden={page !== 'options'} data-page="options">
        <OptionsPage lang={lang} device={device} flow={flow} dispatch={dispatch} />
      </div>
      <div hidden={page !== 'run'} data-page="run">
        <RunPage
          lang={lang}
          device={device}
          flow={flow}
          dispatch={dispatch}
          blockers={blockers}
          finished={finished.current}
          pending={pending}
          onPendingChanged={onPendingChanged}
          onRefreshDevice={onRefreshDevice}
          onNextDevice={async () => {
            const r = await api().device.disconnect();
            if (r.ok) onDevice(null);
            dispatch({ type: 'next-device' });
          }}
          onMeetingCheck={
            onMeetingCheck && device
              ? () =>
                  onMeetingCheck({
                    serial: device.identity.serialNumber,
                    cn: flow.choices.check?.report.subject.cn ?? null,
                  })
              : undefined
          }
        />
      </div>
    </section>
  );
}

export function PageButtons({
  lang,
  onBack,
  onNext,
  nextPrimary = false,
}: {
  lang: Lang;
  onBack?: () => void;
  onNext?: () => void;
  nextPrimary?: boolean;
}) {
  const c = messages(lang).common;
  return (
    <div className="page-buttons">
      {onBack && (
        <button type="button" onClick={onBack}>
          {c.back}
        </button>
      )}
      {onNext && (
        <button type="button" className={nextPrimary ? 'primary' : undefined} onClick={onNext}>
          {c.next}
        </button>
      )}
    </div>
  );
}
