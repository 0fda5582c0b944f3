import { useEffect, useState } from 'react';
import type { InventoryDevice, InventoryView, VerifyReport } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages, plural } from '../i18n/index.js';
import { ActionButton, type Problem, ProblemText } from './common.js';

type SortKey = 'serial' | 'product' | 'expires' | 'state' | 'last';
/** Certificates that end within this many days are flagged. */
export const EXPIRING_DAYS = 30;

export function expiring(d: InventoryDevice, now = Date.now()): boolean {
  const end = d.certificate ? Date.parse(d.certificate.notAfter) : NaN;
  return Number.isFinite(end) && end - now < EXPIRING_DAYS * 86_400_000;
}

const SORTERS: Record<SortKey, (d: InventoryDevice) => string> = {
  serial: (d) => d.serial,
  product: (d) => d.productId ?? '',
  expires: (d) => d.certificate?.notAfter ?? '9999',
  state: (d) => d.state,
  last: (d) => d.lastAction?.at ?? '',
};

/** Devices as the journal knows them, and the journal's own check. Never a secret. */
export function Inventory({
  lang,
  onMeetingCheck,
}: {
  lang: Lang;
  /** Opens the meeting check for a device (its serial and the identity the journal recorded). */
  onMeetingCheck?: (device: { serial: string; cn: string | null }) => void;
}) {
  const m = messages(lang);
  const t = m.inventory;
  const [inv, setInv] = useState<InventoryView | null>(null);
  const [verify, setVerify] = useState<VerifyReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [filter, setFilter] = useState('');
  const [onlyExpiring, setOnlyExpiring] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'serial', up: true });
  const [exported, setExported] = useState<string | null>(null);

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

  async function exportCsv(): Promise<void> {
    const r = await api().inventory.export();
    if (!r.ok) setProblem({ code: r.code, message: r.message });
    else if (r.value.name) setExported(plural(t.exported, r.value.rows, { name: r.value.name }));
  }

  useEffect(() => {
    void load();
  }, []);

  const needle = filter.trim().toLowerCase();
  const rows = (inv?.devices ?? [])
    .filter((d) => !onlyExpiring || expiring(d))
    .filter(
      (d) =>
        needle === '' ||
        [d.serial, d.productId ?? '', d.certificate?.cn ?? '', t.states[d.state] ?? d.state].some((v) =>
          v.toLowerCase().includes(needle),
        ),
    )
    .sort((a, b) => {
      const c = SORTERS[sort.key](a).localeCompare(SORTERS[sort.key](b));
      return sort.up ? c : -c;
    });
  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : undefined}>
      <button
        type="button"
        className="link"
        onClick={() => setSort((s) => ({ key, up: s.key === key ? !s.up : true }))}
      >
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.up ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );

  return (
    <section aria-labelledby="inventory-heading" className="panel">
      <h2 id="inventory-heading">{t.heading}</h2>
      <p className="help">{t.help}</p>
      <div className="buttons">
        <ActionButton onClick={load}>{m.common.refresh}</ActionButton>
        <ActionButton onClick={check}>{t.verify}</ActionButton>
        <ActionButton onClick={exportCsv}>{t.export}</ActionButton>
      </div>
      {exported && (
        <p role="status" data-testid="inventory-exported">
          {exported}
        </p>
      )}
      {problem && <ProblemText lang={lang} problem={problem} />}
      {verify && (
        <div data-testid="journal-verify" data-ok={String(verify.ok)} role="status">
          {verify.ok ? (
            <p className="ok">{plural(t.verifyOk, verify.records)}</p>
          ) : (
            <p className="bad">{t.verifyBad}</p>
          )}
          {verify.problems.length > 0 && (
            <ul>
              {verify.problems.map((p, i) => (
                <li key={i} data-code={p.code}>
                  {fmt(t.line, { n: p.line })}: {m.errors[p.code] ?? m.warnings[p.code] ?? p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {inv && (
        <>
          <p>{plural(t.records, inv.records)}</p>
          {inv.keychainError && <ProblemText lang={lang} problem={inv.keychainError} />}
          <div className="filters">
            <div className="field">
              <label htmlFor="inventory-filter">{t.filter}</label>
              <input
                id="inventory-filter"
                type="search"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
              />
            </div>
            <label className="choice">
              <input
                type="checkbox"
                checked={onlyExpiring}
                onChange={(e) => setOnlyExpiring(e.target.checked)}
              />
              {fmt(t.onlyExpiring, { days: EXPIRING_DAYS })}
            </label>
          </div>
          {inv.devices.length === 0 ? (
            <p>{t.empty}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="inventory">
                <thead>
                  <tr>
                    {header('serial', t.serial)}
                    {header('product', t.product)}
                    <th scope="col">{t.identity}</th>
                    <th scope="col">{t.fingerprint}</th>
                    {header('expires', t.expires)}
                    {header('state', t.state)}
                    {header('last', t.last)}
                    <th scope="col">{t.keychain}</th>
                    {onMeetingCheck && <th scope="col">{t.meeting}</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((d) => {
                    const k = inv.keychain?.find((x) => x.serial === d.serial);
                    const soon = expiring(d);
                    return (
                      <tr
                        key={d.serial}
                        data-serial={d.serial}
                        data-state={d.state}
                        data-expiring={String(soon)}
                      >
                        <th scope="row" translate="no">
                          {d.serial}
                        </th>
                        <td translate="no">{d.productId ?? '—'}</td>
                        <td translate="no">{d.certificate?.cn ?? '—'}</td>
                        <td className="mono" title={d.certificate?.fingerprint}>
                          {d.certificate ? `${d.certificate.fingerprint.slice(0, 12)}…` : '—'}
                        </td>
                        <td>
                          {d.certificate?.notAfter.slice(0, 10) ?? '—'}
                          {soon && <strong className="bad"> ⚠ {t.expiring}</strong>}
                        </td>
                        <td>{t.states[d.state] ?? d.state}</td>
                        <td>
                          {d.lastAction
                            ? `${t.actions[d.lastAction.action] ?? d.lastAction.action} (${t.results[d.lastAction.result] ?? d.lastAction.result}), ${d.lastAction.at.slice(0, 16).replace('T', ' ')}`
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
              {rows.length === 0 && <p>{t.noMatch}</p>}
            </div>
          )}
        </>
      )}
    </section>
  );
}
