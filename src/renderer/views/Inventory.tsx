import { useEffect, useState } from 'react';
import type { InventoryView, VerifyReport } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { type Problem, ProblemText } from './common.js';

/** Devices as the journal knows them, and the journal's own check. Never a secret. */
export function Inventory({
  lang,
  onMeetingCheck,
}: {
  lang: Lang;
  /** Opens the meeting check for a device (its serial and the identity the journal recorded). */
  onMeetingCheck?: (device: { serial: string; cn: string | null }) => void;
}) {
  const t = messages(lang).inventory;
  const [inv, setInv] = useState<InventoryView | null>(null);
  const [verify, setVerify] = useState<VerifyReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function load(): Promise<void> {
    const r = await api().inventory.list();
    if (r.ok) {
      setInv(r.value);
      setProblem(null);
    } else setProblem({ code: r.code, message: r.message });
  }

  async function check(): Promise<void> {
    const r = await api().journal.verify();
    if (r.ok) setVerify(r.value);
    else setProblem({ code: r.code, message: r.message });
  }

  useEffect(() => {
    void load();
  }, []);

  return (
    <section aria-labelledby="inventory-heading" className="panel">
      <h2 id="inventory-heading">{t.heading}</h2>
      <p className="help">{t.help}</p>
      <div className="buttons">
        <button type="button" onClick={() => void load()}>
          {messages(lang).common.refresh}
        </button>
        <button type="button" onClick={() => void check()}>
          {t.verify}
        </button>
      </div>
      {problem && <ProblemText lang={lang} problem={problem} />}
      {verify && (
        <div data-testid="journal-verify" data-ok={String(verify.ok)} role="status">
          {verify.ok ? (
            <p className="ok">{fmt(t.verifyOk, { n: verify.records })}</p>
          ) : (
            <p className="bad">{t.verifyBad}</p>
          )}
          {verify.problems.length > 0 && (
            <ul>
              {verify.problems.map((p, i) => (
                <li key={i} data-code={p.code}>
                  {fmt(t.line, { n: p.line })}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {inv && (
        <>
          <p>{fmt(t.records, { n: inv.records })}</p>
          {inv.keychainError && <ProblemText lang={lang} problem={inv.keychainError} />}
          {inv.devices.length === 0 ? (
            <p>{t.empty}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="inventory">
                <thead>
                  <tr>
                    <th scope="col">{t.serial}</th>
                    <th scope="col">{t.product}</th>
                    <th scope="col">{t.identity}</th>
                    <th scope="col">{t.fingerprint}</th>
                    <th scope="col">{t.expires}</th>
                    <th scope="col">{t.state}</th>
                    <th scope="col">{t.last}</th>
                    <th scope="col">{t.keychain}</th>
                    {onMeetingCheck && <th scope="col">{t.meeting}</th>}
                  </tr>
                </thead>
                <tbody>
                  {inv.devices.map((d) => {
                    const k = inv.keychain?.find((x) => x.serial === d.serial);
                    return (
                      <tr key={d.serial} data-serial={d.serial} data-state={d.state}>
                        <th scope="row">{d.serial}</th>
                        <td>{d.productId ?? '—'}</td>
                        <td>{d.certificate?.cn ?? '—'}</td>
                        <td className="mono" title={d.certificate?.fingerprint}>
                          {d.certificate ? `${d.certificate.fingerprint.slice(0, 12)}…` : '—'}
                        </td>
                        <td>{d.certificate?.notAfter.slice(0, 10) ?? '—'}</td>
                        <td>{t.states[d.state] ?? d.state}</td>
                        <td>
                          {d.lastAction
                            ? `${d.lastAction.action} (${d.lastAction.result}), ${d.lastAction.at.slice(0, 16).replace('T', ' ')}`
                            : '—'}
                        </td>
                        <td>
                          {k ? (k.hasSecret ? t.hasSecret : t.noSecret) : inv.keychain ? t.noSecret : '—'}
                          {k?.hasPending ? `, ${t.pending}` : ''}
                        </td>
                        {onMeetingCheck && (
                          <td>
                            <button
                              type="button"
                              onClick={() =>
                                onMeetingCheck({ serial: d.serial, cn: d.certificate?.cn ?? null })
                              }
                            >
                              {t.meeting}
                            </button>
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
