import { useEffect, useRef, useState } from 'react';
import {
  type CertInfo,
  type DeviceSessionInfo,
  type Finding,
  type MeetingOtherDevice,
  type MeetingReading,
  type MeetingReport,
  type MeetingUpdate,
  type MeetingVerdict,
  type MeetingView,
  MEETING_POLL_SECONDS,
  type Verification,
  inert,
  meetingCall,
  sessionTypeById,
} from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { type Problem, ProblemText, problemOf } from './common.js';
import { Fmt } from './Fmt.js';
import { PollSecondsField, pollSecondsOf } from './FleetMeetingWatch.js';

type T = ReturnType<typeof messages>['meeting'];

/** A device string as text: control characters shown escaped (React already keeps markup inert). */
function shown(v: string | null | undefined, empty = '-'): string {
  return v === null || v === undefined || v === '' ? empty : inert(v);
}

function verificationText(t: T, v: Verification, raw: string | null): string {
  return fmt(t.verification[v], { raw: shown(raw, '') });
}

function params(f: Finding, t: T): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(f.params)) {
    if (k === 'verification' && typeof v === 'string') out[k] = verificationText(t, v as Verification, null);
    else if (k === 'identity' && (v === null || v === '')) out[k] = t.noIdentity;
    else out[k] = typeof v === 'number' ? v : shown(v);
  }
  if (f.code === 'wrong-session-type') {
    // The session type to schedule instead: a name from Table 1, shown as the data it is.
    out.suggestedId = 652;
    out.suggested = sessionTypeById(652)?.name ?? '';
  }
  return out;
}

/** A finding in the person's language, by its code; the device's values marked as data. */
function FindingText({ t, f }: { t: T; f: Finding }) {
  const p = params(f, t);
  if (f.code === 'not-encrypted') {
    const why =
      f.params.why === 'session-type'
        ? t.why.sessionType
        : f.params.why === 'no-identity'
          ? t.why.noIdentity
          : '';
    return (
      <>
        <Fmt text={t.findings['not-encrypted'].replace('{why}', '')} values={p} />
        {why && <Fmt text={why} values={p} />}
      </>
    );
  }
  if (f.code === 'session-type' && f.params.id === null)
    return <Fmt text={t.findings['session-type-raw']} values={p} />;
  return <Fmt text={t.findings[f.code]} values={p} />;
}

function UpdateText({ t, u }: { t: T; u: MeetingUpdate }) {
  if (u.kind === 'participant') {
    return (
      <Fmt
        text={t.update[u.change]}
        values={{
          name: shown(u.displayName),
          identity: shown(u.identity, t.noIdentity),
          verification: verificationText(t, u.verification, null),
        }}
      />
    );
  }
  return (
    <Fmt
      text={u.after?.change === 'added' ? t.update.codeAfterJoin : t.update.code}
      values={{
        before: shown(u.previous),
        after: shown(u.code),
        name: shown(u.after?.displayName ?? null),
      }}
    />
  );
}

function Cert({ t, c }: { t: T; c: CertInfo }) {
  if (!c.parsed)
    return (
      <span className="cert-raw">
        <Fmt text={t.certRaw} values={{ raw: shown(c.raw.slice(0, 200)) }} />
      </span>
    );
  return (
    <span className="cert" data-testid="cert">
      <Fmt
        text={t.certLine}
        values={{
          subject: shown(c.subject),
          issuer: shown(c.issuer),
          from: shown(c.notBefore),
          to: shown(c.notAfter),
          fingerprint: shown(c.fingerprint),
        }}
      />
    </span>
  );
}

/** The headline of a device's verdict: what the device says of the call's encryption. */
function encryptionWords(t: T, encrypted: boolean | null): { text: string; tone: 'ok' | 'bad' | 'warn' } {
  if (encrypted === null) return { text: t.encryptionNotReported, tone: 'warn' };
  return encrypted ? { text: t.encrypted, tone: 'ok' } : { text: t.notEncrypted, tone: 'bad' };
}

/** Findings, one an item, each marked with its code and level. */
function FindingList({
  t,
  findings,
  className,
  label,
}: {
  t: T;
  findings: readonly Finding[];
  className?: string;
  label?: string;
}) {
  return (
    <ul className={className} aria-label={label}>
      {findings.map((f, i) => (
        <li key={i} data-code={f.code} data-level={f.level} className={`finding ${f.level}`}>
          <FindingText t={t} f={f} />
        </li>
      ))}
    </ul>
  );
}

/**
 * One row per device: the verdict in a line (what the device says of the encryption, its name and
 * serial, the identity it reports, how many checks failed or warn), the security code large enough to
 * compare across the room, and every detail folded.
 */
function DeviceRow({ t, r, v }: { t: T; r: MeetingReading; v: MeetingVerdict }) {
  const call = meetingCall(r);
  const st = call?.sessionType;
  const headline = encryptionWords(t, v.encrypted);
  const fails = v.findings.filter((f) => f.level === 'fail').length;
  const warns = v.findings.filter((f) => f.level === 'warn').length;
  // The first failure is said in the row itself: the one thing to act on, without unfolding.
  const firstFail = v.findings.find((f) => f.level === 'fail');
  const name = r.device.systemName || r.device.productId || r.device.serialNumber;
  const code = call?.e2ee.securityCode ?? null;
  return (
    <li
      className="meeting-device"
      data-testid="meeting-device"
      data-target={r.target}
      data-serial={r.device.serialNumber}
    >
      <div className="meeting-row">
        <div className="meeting-verdict">
          <h3 className="meeting-name">
            <span translate="no">{shown(name)}</span>{' '}
            <span className="meeting-serial">
              <Fmt text={t.serial} values={{ serial: shown(r.device.serialNumber) }} />
            </span>
          </h3>
          <p className="meeting-line">
            <span
              className={`meeting-badge ${headline.tone}`}
              data-testid="meeting-encrypted"
              data-encrypted={String(v.encrypted)}
            >
              {headline.text}
            </span>{' '}
            <span data-testid="meeting-identity" translate={r.device.externalIdentity ? 'no' : undefined}>
              {r.device.identityReported
                ? shown(r.device.externalIdentity, t.noIdentity)
                : t.identityNotReported}
            </span>
          </p>
          <p className="meeting-summary" data-testid="meeting-summary">
            {fails === 0 && warns === 0 ? t.allGood : null}
            {fails > 0 ? fmt(t.failures, { n: fails }) : null}
            {fails > 0 && warns > 0 ? ' ' : null}
            {warns > 0 ? fmt(t.warnings, { n: warns }) : null}
          </p>
          {firstFail && (
            <p className="meeting-first-fail finding fail" data-testid="meeting-first-fail">
              <FindingText t={t} f={firstFail} />
            </p>
          )}
        </div>
        <div className="meeting-code">
          <span className="meeting-code-label">{t.securityCode}</span>
          {code === null || code.trim() === '' ? (
            <span className="meeting-code-none" data-testid="meeting-code" data-reported="false">
              {code === null ? t.codeNotReported : '-'}
            </span>
          ) : (
            <span className="security-code" data-testid="meeting-code" translate="no">
              {shown(code)}
            </span>
          )}
        </div>
      </div>
      <details className="meeting-details">
        <summary>{t.details}</summary>
        <dl>
          <dt>{t.target}</dt>
          <dd translate="no">{shown(r.target)}</dd>
          <dt>{t.identity}</dt>
          <dd translate={r.device.externalIdentity ? 'no' : undefined}>
            {r.device.identityReported
              ? shown(r.device.externalIdentity, t.noIdentity)
              : t.identityNotReported}
          </dd>
          <dt>{t.sessionType}</dt>
          <dd data-testid="meeting-session-type">
            {!st ? (
              '-'
            ) : st.e2eeType === true ? (
              <span translate="no">{`${st.id} (${st.name ?? ''})`}</span>
            ) : st.e2eeType === false ? (
              <Fmt text={t.sessionTypeNotE2ee} values={{ id: st.id ?? '' }} />
            ) : (
              <span translate="no">{shown(st.raw)}</span>
            )}
          </dd>
          <dt>{t.e2ee}</dt>
          <dd translate={call?.e2ee.status ? 'no' : undefined}>
            {call ? shown(call.e2ee.status, t.notReported) : t.noCall}
          </dd>
        </dl>
        <table className="participants">
          <caption>{fmt(t.participants, { n: v.people.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.identity}</th>
              <th scope="col">{t.verificationHeading}</th>
              <th scope="col">{t.certificate}</th>
            </tr>
          </thead>
          <tbody>
            {v.people.map((p, i) => (
              <tr key={i} data-testid="participant" data-verification={p.verification}>
                <td translate="no">{shown(p.displayName)}</td>
                <td translate={p.identity ? 'no' : undefined}>{shown(p.identity, t.noIdentity)}</td>
                <td>
                  <Fmt text={t.verification[p.verification]} values={{ raw: shown(p.status, '') }} />
                </td>
                <td>{p.certInfo ? <Cert t={t} c={p.certInfo} /> : '-'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <FindingList t={t} findings={v.findings} className="findings" label={t.verdict} />
      </details>
    </li>
  );
}

/**
 * A meeting report: one row per device (each naming its device) and the comparison. The Meeting check
 * screen and the Fleet screen's meeting check show it alike.
 */
export function MeetingReportView({ lang, report }: { lang: Lang; report: MeetingReport }) {
  const t = messages(lang).meeting;
  return (
    <div data-testid="meeting-report">
      <ul className="meeting-rows">
        {report.readings.map((r, i) => {
          const v = report.verdicts[i];
          return v ? <DeviceRow key={r.target} t={t} r={r} v={v} /> : null;
        })}
      </ul>
      {report.comparison.findings.length > 0 && (
        <section aria-label={t.compare} data-testid="meeting-compare">
          <h3>{fmt(t.compareHeading, { n: report.verdicts.length })}</h3>
          <FindingList t={t} findings={report.comparison.findings} />
        </section>
      )}
    </div>
  );
}

/**
 * What a watch saw, in order: each update with its time and the device it names. The Meeting check
 * screen and the Fleet screen's watch show it alike.
 */
export function MeetingUpdatesView({ lang, updates }: { lang: Lang; updates: readonly MeetingUpdate[] }) {
  const t = messages(lang).meeting;
  if (updates.length === 0) return null;
  return (
    <section aria-label={t.updates}>
      <h3>{t.updates}</h3>
      <ol data-testid="meeting-updates">
        {updates.map((u, i) => (
          <li key={i} data-kind={u.kind}>
            <time dateTime={u.at}>{u.at.slice(11, 19)}</time> <span translate="no">{shown(u.target)}</span>:{' '}
            <UpdateText t={t} u={u} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** While a watch runs, the meeting view read again from main a few times a second (`meeting.read`). */
export function useWatchedMeeting(watching: boolean, setView: (view: MeetingView) => void): void {
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(() => {
      void api()
        .meeting.read()
        .then((r) => r.ok && setView(r.value));
    }, 400);
    return () => clearInterval(timer);
  }, [watching, setView]);
}

/**
 * The meeting check (the vendor's test after registration): whether the call is end-to-end encrypted,
 * how this device and each participant appear, the security code, and, with other devices in the same
 * meeting, whether they all show the same code and roster; joins and code changes seen live. It runs
 * on the connected device, and only on the one the person chose when they chose one (an inventory row);
 * a device change clears every earlier reading, here and in main.
 */
export function MeetingCheck({
  lang,
  device,
  expected = null,
  onCheckConnected,
}: {
  lang: Lang;
  /** The connected device, or null. */
  device: DeviceSessionInfo | null;
  /** The device chosen in the inventory: its serial and the identity the journal recorded. */
  expected?: { serial: string; cn: string | null } | null;
  /** Forgets the chosen device, to check the connected one instead. */
  onCheckConnected?: () => void;
}) {
  const t = messages(lang).meeting;
  // Targets only: a login password stays in its input (never React state) and is cleared once sent.
  const [others, setOthers] = useState<{ id: number; target: string }[]>([]);
  const nextId = useRef(1);
  const passwords = useRef(new Map<number, HTMLInputElement>());
  const [view, setView] = useState<MeetingView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [working, setWorking] = useState(false);
  // How often a webex: device of the Fleet list among the others is read while watching.
  const [poll, setPoll] = useState(String(MEETING_POLL_SECONDS.default));
  const polled = others.some((o) => /^webex:/i.test(o.target.trim()));
  const pollSeconds = polled ? pollSecondsOf(poll) : null;
  const connectedSerial = device?.identity.serialNumber ?? null;
  const deviceKey = device ? `${device.target}\n${connectedSerial ?? ''}` : '';

  // A device change (another connected, or none): nothing read earlier stays on screen.
  useEffect(() => {
    setView(null);
    setProblem(null);
    let live = true;
    void api()
      .meeting.read()
      .then((r) => live && r.ok && setView(r.value));
    return () => {
      live = false;
    };
  }, [deviceKey]);

  useWatchedMeeting(view?.watching === true, setView);

  const otherChosen = expected !== null && connectedSerial !== null && expected.serial !== connectedSerial;

  async function start(): Promise<void> {
    setWorking(true);
    const list: MeetingOtherDevice[] = others
      .map((o) => ({ target: o.target, password: passwords.current.get(o.id)?.value || null }))
      .filter((o) => o.target.trim() !== '');
    for (const input of passwords.current.values()) input.value = '';
    const r = await api().meeting.start(list, expected?.serial ?? null, pollSeconds ?? undefined);
    setWorking(false);
    setProblem(problemOf(r));
    if (r.ok) setView(r.value);
  }

  async function stop(): Promise<void> {
    const r = await api().meeting.stop();
    setProblem(problemOf(r));
    if (r.ok) setView(r.value);
  }

  // Only a report read on the device connected now is shown.
  const report =
    view?.report && connectedSerial !== null && view.serial === connectedSerial ? view.report : null;
  const first = report?.readings[0];
  const firstSelf = report?.verdicts[0]?.self ?? null;
  return (
    <section aria-labelledby="meeting-heading" className="panel">
      <h2 id="meeting-heading">{t.heading}</h2>
      <p className="help">{t.help}</p>
      {!device && !expected && <p className="note">{t.notConnected}</p>}
      {expected && (
        <div className="note" data-testid="meeting-expected-note">
          <p data-testid="meeting-expected">
            <Fmt
              text={t.fromInventory}
              values={{ serial: shown(expected.serial), identity: shown(expected.cn) }}
            />
            {!device && ' '}
            {!device && <Fmt text={t.inventoryNotConnected} values={{ serial: shown(expected.serial) }} />}
            {otherChosen && ' '}
            {otherChosen && (
              <span data-testid="meeting-other-device">
                <Fmt
                  text={t.inventoryOther}
                  values={{ connected: shown(connectedSerial), serial: shown(expected.serial) }}
                />
              </span>
            )}
            {first && !otherChosen && ' '}
            {first &&
              !otherChosen &&
              (expected.cn !== null && firstSelf?.identity !== expected.cn ? (
                <Fmt
                  text={t.inventoryMismatch}
                  values={{ identity: shown(firstSelf?.identity ?? null), cn: shown(expected.cn) }}
                />
              ) : expected.cn !== null ? (
                <Fmt text={t.inventoryMatch} values={{ cn: shown(expected.cn) }} />
              ) : null)}
          </p>
          {otherChosen && onCheckConnected && (
            <button type="button" data-testid="meeting-check-connected" onClick={onCheckConnected}>
              {t.checkConnected}
            </button>
          )}
        </div>
      )}
      <fieldset>
        <legend>{t.others}</legend>
        {others.map((o, i) => (
          <div key={o.id} className="other-device">
            <label>
              {t.otherTarget}
              <input
                data-testid={`other-target-${i}`}
                value={o.target}
                onChange={(e) =>
                  setOthers(others.map((x) => (x.id === o.id ? { ...x, target: e.target.value } : x)))
                }
              />
            </label>
            <label>
              {t.otherPassword}
              <input
                type="password"
                autoComplete="off"
                ref={(el) => {
                  if (el) passwords.current.set(o.id, el);
                  else passwords.current.delete(o.id);
                }}
              />
            </label>
            <button type="button" onClick={() => setOthers(others.filter((x) => x.id !== o.id))}>
              {t.remove}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setOthers([...others, { id: nextId.current++, target: '' }])}>
          {t.add}
        </button>
        <p className="help">
          <Fmt text={t.otherCloud} values={{ target: 'webex:SERIAL' }} />
        </p>
        {polled && (
          <PollSecondsField
            lang={lang}
            value={poll}
            disabled={!!view?.watching}
            onChange={setPoll}
            testId="meeting-poll"
          />
        )}
      </fieldset>
      <div className="buttons">
        <button
          type="button"
          data-testid="meeting-start"
          disabled={!device || working || otherChosen || (polled && pollSeconds === null)}
          onClick={() => void start()}
        >
          {t.start}
        </button>
        <button
          type="button"
          data-testid="meeting-stop"
          disabled={!view?.watching}
          onClick={() => void stop()}
        >
          {t.stop}
        </button>
      </div>
      {problem && <ProblemText lang={lang} problem={problem} />}
      {!problem && view?.error && <ProblemText lang={lang} problem={view.error} />}
      {view?.watching && report && (
        <p role="status" data-testid="meeting-watching">
          {t.watching}
        </p>
      )}
      {report && <MeetingReportView lang={lang} report={report} />}
      {report && view && <MeetingUpdatesView lang={lang} updates={view.updates} />}
    </section>
  );
}
