import { useEffect, useRef, useState } from 'react';
import {
  CLOUD_FIELD_LIMITS,
  type CloudAccount,
  type FileRole,
  type FleetDeviceRow,
  type FleetMeetingView,
  type FleetProgress,
  type FleetRunSummary,
  type FleetWorkflowName,
} from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, errorText, fmt, messages } from '../i18n/index.js';
import { FileRows } from './FileRows.js';
import { ApiBaseField, FleetOAuth } from './FleetOAuth.js';
import { DeviceResultPanel, FleetCaptureButton, FleetCapturePanel, useFleetCapture } from './FleetCapture.js';
import { Fmt } from './Fmt.js';
import { FleetMeetingWatch } from './FleetMeetingWatch.js';
import { LimitedField, type Problem, ProblemText, SecretField, SubmitForm, problemOf } from './common.js';

/** Where one device of a run stands. */
interface DeviceProgress {
  state: 'waiting' | 'running' | 'done' | 'failed' | 'skipped';
  step?: string;
  code?: string;
  message?: string;
  fingerprint?: string;
}

/** Connection statuses with which a device takes xAPI calls (a meeting check needs one). */
const ONLINE: readonly string[] = ['connected', 'connected_with_issues'];

/** The filters the person set; the tags go to the cloud, the others narrow the list here. */
interface Filters {
  tags: string;
  within: string;
  status: string;
}

/** The tags typed (comma-separated), each trimmed, none empty. */
export function tagsOf(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** The rows the filters keep ("expires within N days" keeps only devices whose expiry is known). */
export function filterRows(rows: readonly FleetDeviceRow[], f: Filters): FleetDeviceRow[] {
  const within = f.within.trim() === '' ? null : Number(f.within);
  return rows.filter(
    (r) =>
      (f.status === '' || r.connectionStatus === f.status) &&
      (within === null || !Number.isFinite(within) || (r.daysLeft !== null && r.daysLeft <= within)),
  );
}

/** Applies one progress event of a fleet run. */
export function applyFleetEvent(
  progress: Record<string, DeviceProgress>,
  e: FleetProgress,
): Record<string, DeviceProgress> {
  if (e.type === 'finished') return progress;
  if (e.type === 'started') return { ...progress, [e.serial]: { state: 'running' } };
  if (e.type === 'step') return { ...progress, [e.serial]: { state: 'running', step: e.step } };
  if (e.type === 'done')
    return {
      ...progress,
      [e.serial]: { state: 'done', ...(e.fingerprint !== undefined ? { fingerprint: e.fingerprint } : {}) },
    };
  return { ...progress, [e.serial]: { state: 'failed', code: e.code, message: e.message } };
}

/** The Fleet screen: the Webex cloud sign-in, the devices by certificate expiry, renewals and rotations. */
export function Fleet({ lang, onPendingChanged }: { lang: Lang; onPendingChanged: () => void }) {
  const m = messages(lang);
  const t = m.fleet;
  const [account, setAccount] = useState<CloudAccount | null | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [rows, setRows] = useState<FleetDeviceRow[] | null>(null);
  const [filters, setFilters] = useState<Filters>({ tags: '', within: '', status: '' });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [action, setAction] = useState<FleetWorkflowName | null>(null);
  const [chosen, setChosen] = useState<Record<string, Partial<Record<FileRole, string>>>>({});
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<Record<string, DeviceProgress>>({});
  const [summary, setSummary] = useState<FleetRunSummary | null>(null);
  const [running, setRunning] = useState(false);
  // The meeting check of one selected device: its report (naming the device), or why it failed.
  const [meeting, setMeeting] = useState<{
    serial: string;
    name: string;
    view: FleetMeetingView | null;
    problem: Problem | null;
  } | null>(null);
  const [checking, setChecking] = useState(false);
  const capture = useFleetCapture();
  // The token and the passphrases stay in their inputs until they are sent, once; never React state.
  const token = useRef<HTMLInputElement>(null);
  const apiBase = useRef<HTMLInputElement>(null);
  const passphrases = useRef(new Map<string, HTMLInputElement>());
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    void api()
      .cloud.whoami()
      .then((r) => {
        if (r.ok) setAccount(r.value);
        else {
          setAccount(null);
          setProblem(problemOf(r));
        }
      });
  }, []);

  useEffect(
    () =>
      api().onWorkflowEvent((message) => {
        if (message.workflow !== 'fleet') return;
        setProgress((p) => applyFleetEvent(p, message.event));
      }),
    [],
  );

  useEffect(() => {
    const d = dialog.current;
    if (confirming && d && !d.open) d.showModal();
    if (!confirming && d?.open) d.close();
  }, [confirming]);

  async function signIn(): Promise<void> {
    const typed = token.current?.value ?? '';
    if (token.current) token.current.value = '';
    const base = apiBase.current?.value.trim() ?? '';
    setBusy(true);
    const r = await api().cloud.signIn(typed, base === '' ? null : base);
    setBusy(false);
    setProblem(problemOf(r));
    if (r.ok) {
      setAccount(r.value);
      await list();
    }
  }

  async function signOut(): Promise<void> {
    const r = await api().cloud.signOut();
    setProblem(problemOf(r));
    if (r.ok) {
      setAccount(null);
      setRows(null);
      setSelected(new Set());
      setAction(null);
    }
  }

  async function list(): Promise<void> {
    setBusy(true);
    setMeeting(null);
    capture.clear();
    const r = await api().fleet.list(tagsOf(filters.tags));
    setBusy(false);
    setProblem(problemOf(r));
    if (r.ok) {
      setRows(r.value);
      setSelected((s) => new Set([...s].filter((x) => r.value.some((d) => d.serial === x))));
    }
  }

  /** Reads the meeting of the one selected, connected device through the cloud. */
  async function checkMeeting(row: FleetDeviceRow): Promise<void> {
    setChecking(true);
    setMeeting({ serial: row.serial, name: row.displayName, view: null, problem: null });
    const r = await api().fleet.meeting(row.serial);
    setChecking(false);
    setMeeting({
      serial: row.serial,
      name: row.displayName,
      view: r.ok ? r.value : null,
      problem: problemOf(r),
    });
  }

  async function choose(serial: string, role: FileRole): Promise<void> {
    const r = await api().fleet.choose(serial, role);
    if (!r.ok) {
      setProblem(problemOf(r));
      return;
    }
    if (r.value === null) return;
    const name = r.value.name;
    setChosen((c) => ({ ...c, [serial]: { ...c[serial], [role]: name } }));
  }

  async function run(): Promise<void> {
    if (!action || !rows) return;
    const devices = order.map((serial) => {
      const input = passphrases.current.get(serial);
      const typed = action === 'renew' ? (input?.value ?? '') : '';
      if (input) input.value = '';
      return { serial, passphrase: typed === '' ? null : typed };
    });
    setConfirming(false);
    setSummary(null);
    setProgress(Object.fromEntries(order.map((s) => [s, { state: 'waiting' } as DeviceProgress])));
    setRunning(true);
    const r = await api().fleet.run({ workflow: action, devices });
    setRunning(false);
    setProblem(problemOf(r));
    if (r.ok) {
      setSummary(r.value);
      setProgress((p) => {
        const next = { ...p };
        for (const row of r.value.rows)
          next[row.serial] =
            row.outcome === 'done'
              ? { state: 'done', ...(row.fingerprint ? { fingerprint: row.fingerprint } : {}) }
              : row.outcome === 'skipped'
                ? { state: 'skipped' }
                : { state: 'failed', code: row.code ?? '', message: row.message ?? '' };
        return next;
      });
      if (action === 'renew') setChosen({});
      onPendingChanged();
      await list();
    } else setProgress({});
  }

  if (account === undefined) return <p aria-busy="true">{m.common.working}</p>;

  if (account === null)
    return (
      <section className="panel" aria-labelledby="fleet-heading">
        <h2 id="fleet-heading">{t.heading}</h2>
        <FleetOAuth
          lang={lang}
          onSignedIn={(a) => {
            setAccount(a);
            void list();
          }}
        />
        <h3>{t.tokenHeading}</h3>
        <p className="help">
          <Fmt text={t.signInHelp} values={{ site: 'developer.webex.com' }} />
        </p>
        <SubmitForm onSubmit={signIn}>
          <LimitedField
            lang={lang}
            id="cloud-token"
            label={t.token}
            ref={token}
            type="password"
            autoComplete="off"
            spellCheck={false}
            max={CLOUD_FIELD_LIMITS.token}
          />
          <details className="advanced">
            <summary>{m.wizard.advanced}</summary>
            <ApiBaseField lang={lang} id="cloud-api-base" ref={apiBase} />
          </details>
          <button type="submit" className="primary" disabled={busy}>
            {t.signIn}
          </button>
        </SubmitForm>
        {problem && <ProblemText lang={lang} problem={problem} />}
      </section>
    );

  const shown = rows ? filterRows(rows, filters) : [];
  const statuses = rows ? [...new Set(rows.map((r) => r.connectionStatus))].sort() : [];
  // The selection in the list's order (soonest expiry first): the confirmation and the run follow it.
  const order = (rows ?? []).filter((r) => selected.has(r.serial)).map((r) => r.serial);
  const named = (rows ?? []).filter((r) => selected.has(r.serial));
  const missingCert = action === 'renew' && order.some((s) => !chosen[s]?.certificate);
  const toggle = (serial: string, on: boolean): void =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(serial);
      else next.delete(serial);
      return next;
    });

  return (
    <section className="panel" aria-labelledby="fleet-heading">
      <h2 id="fleet-heading">{t.heading}</h2>
      <p data-testid="cloud-account">
        <Fmt
          text={t.signedInAs}
          values={{ name: account.displayName, email: account.emails[0] ?? '', apiBase: account.apiBase }}
        />{' '}
        {account.kind === 'oauth' && (
          <>
            <Fmt
              text={t.signedInOAuth}
              values={{
                clientId: account.clientId ?? '',
                expiry: account.expiresAt ? `${account.expiresAt.slice(0, 16).replace('T', ' ')} UTC` : '',
              }}
            />{' '}
          </>
        )}
        <button type="button" className="link" onClick={() => void signOut()}>
          {t.signOut}
        </button>
      </p>
      <fieldset className="filters">
        <legend>{t.filters}</legend>
        <LimitedField
          lang={lang}
          label={t.tags}
          id="fleet-tags"
          type="text"
          max={CLOUD_FIELD_LIMITS.tag * 4}
          value={filters.tags}
          spellCheck={false}
          onChange={(e) => setFilters({ ...filters, tags: e.currentTarget.value })}
        >
          <small>{t.tagsHelp}</small>
        </LimitedField>
        <LimitedField
          lang={lang}
          label={t.within}
          id="fleet-within"
          type="text"
          inputMode="numeric"
          max={5}
          value={filters.within}
          onChange={(e) => setFilters({ ...filters, within: e.currentTarget.value })}
        />
        <div className="field">
          <label htmlFor="fleet-status">{t.status}</label>
          <select
            id="fleet-status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.currentTarget.value })}
          >
            <option value="">{t.anyStatus}</option>
            {statuses.map((s) => (
              <option key={s} value={s} translate="no">
                {s}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => void list()} disabled={busy || running}>
          {rows === null ? t.list : m.common.refresh}
        </button>
      </fieldset>
      {busy && <p aria-busy="true">{m.common.working}</p>}
      {problem && <ProblemText lang={lang} problem={problem} />}
      {rows !== null && (
        <>
          <p>{fmt(t.counts, { shown: shown.length, all: rows.length, selected: order.length })}</p>
          <table className="fleet" data-testid="fleet-table">
            <caption className="sr-only">{t.tableCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.select}</th>
                <th scope="col">{t.serial}</th>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.product}</th>
                <th scope="col">{t.connection}</th>
                <th scope="col">{t.identity}</th>
                <th scope="col">{t.expiry}</th>
                <th scope="col">{t.keychain}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.deviceId} data-serial={r.serial}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={fmt(t.selectDevice, { serial: r.serial, name: r.displayName })}
                      checked={selected.has(r.serial)}
                      disabled={running || r.serial === ''}
                      onChange={(e) => toggle(r.serial, e.currentTarget.checked)}
                    />
                  </td>
                  <td translate="no">{r.serial}</td>
                  <td translate="no">{r.displayName}</td>
                  <td translate="no">{r.product}</td>
                  <td translate="no" data-testid="connection">
                    {r.connectionStatus}
                  </td>
                  <td translate="no">{r.identity ?? t.noIdentity}</td>
                  <td data-testid="expiry">
                    {r.certificateExpiry === null ? (
                      r.readProblem ? (
                        <span data-code={r.readProblem.code}>
                          {errorText(lang, r.readProblem.code, r.readProblem.message)}
                        </span>
                      ) : (
                        t.expiryUnknown
                      )
                    ) : (
                      <Fmt
                        text={r.daysLeft !== null && r.daysLeft < 0 ? t.expired : t.expiresIn}
                        values={{
                          date: r.certificateExpiry.slice(0, 10),
                          days: Math.abs(r.daysLeft ?? 0),
                        }}
                      />
                    )}
                  </td>
                  <td>{r.secretInKeychain ? m.common.yes : m.common.no}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button
              type="button"
              disabled={order.length === 0 || running}
              onClick={() => {
                setAction('renew');
                setSummary(null);
              }}
            >
              {t.renewSelected}
            </button>
            <button
              type="button"
              disabled={order.length === 0 || running}
              onClick={() => {
                setAction('rotate');
                setSummary(null);
              }}
            >
              {t.rotateSelected}
            </button>
            <button
              type="button"
              data-testid="fleet-check-meeting"
              disabled={
                named.length !== 1 ||
                !ONLINE.includes(named[0]?.connectionStatus ?? '') ||
                running ||
                checking
              }
              title={t.checkMeetingHelp}
              onClick={() => {
                const row = named[0];
                if (row) void checkMeeting(row);
              }}
            >
              {t.checkMeeting}
            </button>
            <FleetCaptureButton
              lang={lang}
              row={named.length === 1 && ONLINE.includes(named[0]!.connectionStatus) ? named[0]! : null}
              busy={running || capture.capturing}
              onCapture={(row) => void capture.start(row)}
            />
          </div>
        </>
      )}
      {meeting && (
        <DeviceResultPanel
          lang={lang}
          id="fleet-meeting"
          testId="fleet-meeting"
          heading={t.meetingHeading}
          device={meeting}
          busy={checking ? t.meetingReading : null}
          problem={meeting.problem}
        >
          {meeting.view && (
            <FleetMeetingWatch
              key={meeting.serial}
              lang={lang}
              serial={meeting.serial}
              name={meeting.name}
              report={meeting.view.report}
            />
          )}
        </DeviceResultPanel>
      )}
      {capture.capture && (
        <FleetCapturePanel lang={lang} capture={capture.capture} capturing={capture.capturing} />
      )}
      {action !== null && order.length > 0 && (
        <section className="panel" aria-labelledby="fleet-action-heading" data-testid="fleet-action">
          <h3 id="fleet-action-heading">{action === 'renew' ? t.renewHeading : t.rotateHeading}</h3>
          <p className="help">{action === 'renew' ? t.renewHelp : t.rotateHelp}</p>
          {action === 'renew' &&
            named.map((r) => (
              <fieldset key={r.serial} data-testid={`files-${r.serial}`}>
                <legend>
                  <Fmt text={t.deviceLine} values={{ serial: r.serial, name: r.displayName }} />
                </legend>
                <FileRows
                  lang={lang}
                  chosen={chosen[r.serial] ?? {}}
                  onChoose={(role) => void choose(r.serial, role)}
                  testIdPrefix={`chosen-${r.serial}`}
                  label={r.serial}
                />
                <SecretField
                  lang={lang}
                  kind="passphrase"
                  id={`passphrase-${r.serial}`}
                  label={m.wizard.passphrase}
                  ref={(el: HTMLInputElement | null) => {
                    if (el) passphrases.current.set(r.serial, el);
                    else passphrases.current.delete(r.serial);
                  }}
                />
              </fieldset>
            ))}
          {missingCert && <p className="help">{t.chooseEach}</p>}
          <button
            type="button"
            className="primary"
            disabled={running || missingCert}
            onClick={() => setConfirming(true)}
          >
            {action === 'renew' ? t.renewSelected : t.rotateSelected}
          </button>
          <button type="button" disabled={running} onClick={() => setAction(null)}>
            {m.common.cancel}
          </button>
        </section>
      )}
      {confirming && action !== null && (
        <dialog
          ref={dialog}
          className="confirm"
          data-testid="fleet-confirm"
          aria-labelledby="fleet-confirm-heading"
          onCancel={(e) => {
            e.preventDefault();
            setConfirming(false);
          }}
        >
          <h3 id="fleet-confirm-heading">
            {fmt(action === 'renew' ? t.confirmRenew : t.confirmRotate, { n: order.length })}
          </h3>
          <ul data-testid="fleet-confirm-devices">
            {named.map((r) => (
              <li key={r.serial}>
                <Fmt text={t.deviceLine} values={{ serial: r.serial, name: r.displayName }} />
              </li>
            ))}
          </ul>
          <p>{action === 'renew' ? t.confirmRenewWhat : t.confirmRotateWhat}</p>
          <div className="actions">
            <button type="button" onClick={() => setConfirming(false)}>
              {m.common.cancel}
            </button>
            <button type="button" className="primary" onClick={() => void run()}>
              {action === 'renew' ? t.confirmRenewButton : t.confirmRotateButton}
            </button>
          </div>
        </dialog>
      )}
      {Object.keys(progress).length > 0 && (
        <section aria-labelledby="fleet-progress-heading" aria-live="polite">
          <h3 id="fleet-progress-heading">{running ? t.running : t.outcome}</h3>
          <ul data-testid="fleet-progress">
            {Object.entries(progress).map(([serial, p]) => (
              <li key={serial} data-serial={serial} data-state={p.state}>
                <span translate="no">{serial}</span>: {t.state[p.state]}
                {p.state === 'running' && p.step !== undefined && (
                  <>
                    {' '}
                    (<span translate="no">{p.step}</span>)
                  </>
                )}
                {p.fingerprint !== undefined && (
                  <>
                    {' '}
                    <Fmt text={t.fingerprint} values={{ fingerprint: p.fingerprint }} />
                  </>
                )}
                {p.state === 'failed' && p.code !== undefined && (
                  <ProblemText lang={lang} problem={{ code: p.code, message: p.message ?? '' }} />
                )}
              </li>
            ))}
          </ul>
          {summary && summary.rows.some((r) => r.workflow === 'rotate' && r.outcome === 'done') && (
            <p className="help" data-testid="fleet-kept">
              {t.rotatedKept}
            </p>
          )}
        </section>
      )}
    </section>
  );
}
