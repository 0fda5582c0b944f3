import type { CredentialsCheck } from '../../contract/index.js';
import { type Lang, errorText, fmt, messages, plural, warningText } from '../i18n/index.js';
import { CodedList } from './common.js';

/** The pki checks' report on the chosen files: what the device will see, and what it would refuse. */
export function CertReport({ lang, check }: { lang: Lang; check: CredentialsCheck }) {
  const t = messages(lang).wizard;
  const yesNo = (v: boolean | null): string =>
    v === null ? messages(lang).common.none : v ? messages(lang).common.yes : messages(lang).common.no;
  const r = check.report;
  const names = [...r.san.dns, ...r.san.email, ...r.san.ip, ...r.san.uri];
  return (
    <div data-testid="cert-report" data-ok={String(check.ok)} className="report">
      <h3>{t.reportHeading}</h3>
      <p role="status" className={check.ok ? 'ok' : 'bad'}>
        {check.ok ? t.acceptable : t.notAcceptable}
      </p>
      <dl>
        <dt>{t.cn}</dt>
        <dd data-field="cn" translate="no">
          {r.subject.cn ?? '—'}
        </dd>
        <dt>{t.san}</dt>
        <dd translate="no">{names.length ? names.join(', ') : '—'}</dd>
        <dt>{t.issuer}</dt>
        <dd translate="no">{r.issuer}</dd>
        <dt>{t.serialNo}</dt>
        <dd className="mono">{r.serial}</dd>
        <dt>{t.validity}</dt>
        <dd>
          {r.daysLeft < 0
            ? fmt(t.validExpired, { from: r.notBefore.slice(0, 10), to: r.notAfter.slice(0, 10) })
            : plural(t.validRange, r.daysLeft, {
                from: r.notBefore.slice(0, 10),
                to: r.notAfter.slice(0, 10),
              })}
        </dd>
        <dt>{t.sha1}</dt>
        <dd className="mono" data-field="sha1">
          {r.fingerprints.sha1}
        </dd>
        <dt>{t.sha256}</dt>
        <dd className="mono">{r.fingerprints.sha256}</dd>
        <dt>{t.key}</dt>
        <dd>
          {r.key.type}
          {r.key.curve ? ` ${r.key.curve}` : ''}
          {r.privateKey
            ? ` (${r.privateKey.format.toUpperCase()}${r.privateKey.encrypted ? `, ${t.keyEncrypted}` : ''})`
            : ''}
        </dd>
        <dt>{t.keyMatches}</dt>
        <dd>{yesNo(r.keyMatches)}</dd>
        <dt>{t.chain}</dt>
        <dd>{yesNo(r.chain.verifies)}</dd>
      </dl>
      {check.errors.length > 0 && (
        <>
          <h4>{t.errors}</h4>
          <div role="alert">
            <CodedList lang={lang} items={check.errors} words={errorText} className="problems" />
          </div>
        </>
      )}
      {check.warnings.length > 0 && (
        <>
          <h4>{t.warnings}</h4>
          <CodedList lang={lang} items={check.warnings} words={warningText} className="warnings" />
        </>
      )}
    </div>
  );
}
