import type { ProvisionSummary } from '../../../contract/index.js';
import { type Lang, messages } from '../../i18n/index.js';
import { Fmt } from '../Fmt.js';

/** How the run ended: the handover facts after a success, what to do after a failure. */
export function Outcome({
  lang,
  summary,
  canResume,
}: {
  lang: Lang;
  summary: ProvisionSummary;
  canResume: boolean;
}) {
  const m = messages(lang);
  const t = m.wizard;
  const r = summary.report;
  return (
    <div className="outcome" data-testid="outcome" data-ok={String(summary.ok)}>
      {summary.ok && r ? (
        <>
          <h4 tabIndex={-1} data-focus-on-end className="ok">
            <span aria-hidden="true">✓ </span>
            {t.successHeading}
          </h4>
          <p role="status" className="ok">
            <Fmt
              text={t.done}
              values={{ product: r.productId, serial: r.serialNumber, identity: r.identity }}
            />
          </p>
          <h4>{t.report}</h4>
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
        </>
      ) : (
        <>
          <h4 tabIndex={-1} data-focus-on-end className="bad">
            <span aria-hidden="true">✕ </span>
            {t.failed}
          </h4>
          <p>{canResume ? t.resumeHint : t.noResumeHint}</p>
        </>
      )}
    </div>
  );
}
