import type { ReactNode } from 'react';
import type { ProvisionSummary } from '../../../contract/index.js';
import { type Lang, errorText, fmt, messages } from '../../i18n/index.js';
import { Fmt } from '../Fmt.js';
import type { RunView } from './flow.js';

/** Steps that change the device, in the order a run takes them: what a stopped run may have left done. */
const CHANGING = [
  'factory-reset',
  'register-first',
  'populate-secret',
  'add-certificate',
  'activate',
  'restore',
  'register',
];

/** How a run ended, in one word: what the card's colour and heading say. */
export function verdictOf(summary: ProvisionSummary): 'done' | 'stopped' | 'failed' {
  if (summary.ok) return 'done';
  return summary.error?.code === 'ERR_WORKFLOW_CANCELLED' ? 'stopped' : 'failed';
}

/**
 * The end of a run as one card: the verdict in a line (device, identity, expiry), the one next action,
 * the secret handover as its own step, and the details folded (open after a failure, where they matter).
 */
export function Outcome({
  lang,
  summary,
  run,
  serial,
  product,
  connected,
  canResume,
  action,
  handover,
  details,
}: {
  lang: Lang;
  summary: ProvisionSummary;
  run: RunView;
  /** The device the run was for. */
  serial: string;
  product: string;
  /** Whether that device is connected now. */
  connected: boolean;
  canResume: boolean;
  /** The one next action (a button). */
  action: ReactNode;
  /** The new secret of this device, when one waits. */
  handover: ReactNode;
  /** Steps, warnings, notes. */
  details: ReactNode;
}) {
  const m = messages(lang);
  const t = m.wizard;
  const r = summary.report;
  const verdict = verdictOf(summary);
  const title = (id: string): string => m.steps[id] ?? run.plan.find((p) => p.id === id)?.title ?? id;
  const failedStep = summary.steps.find((s) => s.status === 'failed');
  const changed = CHANGING.filter((id) => run.steps[id]?.status === 'done').map(title);
  const heading = { done: t.successHeading, stopped: t.stoppedHeading, failed: t.failedHeading }[verdict];
  const icon = { done: '✓', stopped: '■', failed: '✕' }[verdict];
  return (
    <section
      className="outcome"
      data-testid="outcome"
      data-ok={String(summary.ok)}
      data-verdict={verdict}
      aria-labelledby="outcome-heading"
    >
      <h4 id="outcome-heading" tabIndex={-1} data-focus-on-end className={verdict === 'done' ? 'ok' : 'bad'}>
        <span aria-hidden="true">{icon} </span>
        {heading}
      </h4>
      {verdict === 'done' && r ? (
        <p role="status" className="verdict-line" data-testid="verdict">
          <Fmt
            text={t.done}
            values={{
              product: r.productId,
              serial: r.serialNumber,
              identity: r.identity,
              expires: r.notAfter.slice(0, 10),
            }}
          />
        </p>
      ) : (
        <>
          <p role="status" className="verdict-line" data-testid="verdict">
            <Fmt
              text={verdict === 'stopped' ? t.stoppedAt : t.failedAt}
              values={{ product, serial, step: failedStep ? title(failedStep.id) : '' }}
            />
            {verdict === 'failed' && failedStep?.error && (
              <> {errorText(lang, failedStep.error.code, failedStep.error.message)}</>
            )}
          </p>
          <p data-testid="device-state">
            {changed.length ? fmt(t.deviceHas, { done: changed.join(', ') }) : t.deviceUntouched}
          </p>
          <p className="next-action">
            {canResume
              ? connected
                ? verdict === 'stopped'
                  ? t.stoppedHint
                  : t.resumeHint
                : fmt(t.reconnectHint, { serial })
              : t.noResumeHint}
          </p>
        </>
      )}
      {verdict === 'done' && <p className="next-action">{handover ? t.nextHandover : t.nextOne}</p>}
      {/* A secret to hand over is the step before the next device: it comes first. */}
      {handover && <div className="handover-step">{handover}</div>}
      <div className="buttons outcome-action">{action}</div>
      <details className="outcome-details" open={verdict !== 'done'}>
        <summary>{t.details}</summary>
        {verdict === 'done' && r && (
          <dl>
            <dt>{m.device.serial}</dt>
            <dd translate="no">{r.serialNumber}</dd>
            <dt>{m.device.product}</dt>
            <dd translate="no">{r.productId}</dd>
            <dt>{t.cn}</dt>
            <dd translate="no">{r.identity}</dd>
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
        )}
        {details}
      </details>
    </section>
  );
}
