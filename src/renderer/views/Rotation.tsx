import { useEffect, useRef, useState } from 'react';
import {
  type DeviceSessionInfo,
  type EncChoice,
  type PendingSecret,
  type RotateSummary,
  type SecretJudgement,
  type WindowErrorCode,
} from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages, warningText } from '../i18n/index.js';
import { EncField, type Problem, ProblemText, RadioChoices, SecretField, SubmitForm } from './common.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { DeviceFacts } from './DevicePanel.js';
import { SecretHandover } from './SecretHandover.js';

/** The owner's secret rotation: generated (shown until acknowledged) or typed twice, judged first. */
export function Rotation({
  lang,
  device,
  onRefresh,
  pending,
  onPendingChanged,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  onRefresh: () => Promise<void>;
  pending: PendingSecret[];
  onPendingChanged: () => Promise<void>;
}) {
  const m = messages(lang);
  const t = m.rotate;
  const [mode, setMode] = useState<'generate' | 'given'>('generate');
  const [enc, setEnc] = useState<EncChoice>('A128GCM');
  const [result, setResult] = useState<RotateSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [working, setWorking] = useState(false);
  const [judged, setJudged] = useState<SecretJudgement | null>(null);
  const [confirming, setConfirming] = useState(false);
  // Typed secrets stay in their inputs until sent, once; never React state.
  const newSecret = useRef<HTMLInputElement>(null);
  const again = useRef<HTMLInputElement>(null);
  const currentSecret = useRef<HTMLInputElement>(null);
  const needCurrent = device !== null && device.secret !== null && !device.secret.hasSecret;
  // When a rotation ends, its result (or its failure) comes into view and takes the focus.
  const outcome = useRef<HTMLDivElement>(null);
  const ended = useRef(false);
  useEffect(() => {
    if (working || !ended.current) return;
    ended.current = false;
    const el = outcome.current;
    if (el && el.childElementCount > 0) {
      void el.scrollIntoView({ block: 'start' });
      el.focus();
    }
  }, [working, result, problem]);

  // A result belongs to the device it names: another device (or none) clears it.
  const deviceSerial = device?.identity.serialNumber ?? null;
  useEffect(() => {
    setResult(null);
    setProblem(null);
    setJudged(null);
  }, [deviceSerial]);

  /** Before anything is sent: both entries agree, and main judges the secret strong enough. */
  async function prepare(): Promise<void> {
    setProblem(null);
    setResult(null);
    setJudged(null);
    if (needCurrent && (currentSecret.current?.value ?? '') === '') {
      setProblem({ code: 'ERR_APP_NO_SECRET_HERE' satisfies WindowErrorCode, message: t.noSecretHere });
      return;
    }
    if (mode === 'given') {
      const a = newSecret.current?.value ?? '';
      const b = again.current?.value ?? '';
      if (a === '') {
        setProblem({ code: 'ERR_SECRET_EMPTY', message: m.errors.ERR_SECRET_EMPTY ?? '' });
        return;
      }
      if (a !== b) {
        setProblem({ code: 'ERR_APP_SECRET_MISMATCH' satisfies WindowErrorCode, message: t.mismatch });
        return;
      }
      const r = await api().secrets.judge(a, 'blob');
      if (!r.ok) {
        setProblem({ code: r.code, message: r.message });
        return;
      }
      setJudged(r.value);
      if (r.value.refusal) {
        setProblem(r.value.refusal);
        return;
      }
    }
    setConfirming(true);
  }

  async function rotate(): Promise<void> {
    setConfirming(false);
    const typedNew = newSecret.current?.value ?? '';
    const typedCurrent = currentSecret.current?.value ?? '';
    for (const r of [newSecret, again, currentSecret]) if (r.current) r.current.value = '';
    setWorking(true);
    ended.current = true;
    const r = await api().secrets.rotate({
      newSecret: mode === 'given' ? { mode: 'given', value: typedNew } : { mode: 'generate' },
      currentSecret: typedCurrent === '' ? null : typedCurrent,
      enc,
    });
    setWorking(false);
    if (r.ok) setResult(r.value);
    else setProblem({ code: r.code, message: r.message });
    await onPendingChanged();
    await onRefresh();
  }

  // This device's waiting secret first, then any other device's.
  const serial = device?.identity.serialNumber ?? null;
  const mine = pending
    .filter((p) => p.source === 'rotate')
    .sort((a, b) => Number(b.serial === serial) - Number(a.serial === serial));
  return (
    <section aria-labelledby="rotate-heading" className="panel">
      <h2 id="rotate-heading">{t.heading}</h2>
      <p className="help">{t.help}</p>
      {!device ? (
        <p className="blockers">{t.needDevice}</p>
      ) : (
        <>
          <DeviceFacts lang={lang} device={device} />
          <SubmitForm onSubmit={prepare}>
            <fieldset>
              <legend>{t.newLegend}</legend>
              <RadioChoices
                name="rotate-mode"
                value={mode}
                choices={[
                  ['generate', t.generate],
                  ['given', t.given],
                ]}
                onChoose={setMode}
              />
              <div className="grid-2" hidden={mode !== 'given'}>
                <SecretField
                  lang={lang}
                  kind="secret"
                  fresh
                  edgeSpace
                  id="rotate-new"
                  label={t.newValue}
                  ref={newSecret}
                />
                <SecretField
                  lang={lang}
                  kind="secret"
                  fresh
                  id="rotate-again"
                  label={t.newAgain}
                  ref={again}
                />
              </div>
            </fieldset>
            {needCurrent && (
              <SecretField
                before={
                  <p className="help" data-testid="no-secret-here">
                    {t.noSecretHere}
                  </p>
                }
                lang={lang}
                kind="secret"
                id="rotate-current"
                label={t.current}
                ref={currentSecret}
              />
            )}
            <details className="advanced">
              <summary>{m.wizard.advanced}</summary>
              <EncField id="rotate-enc" label={t.enc} value={enc} onChange={setEnc} />
            </details>
            <button type="submit" className="primary" disabled={working}>
              {working ? m.common.working : t.run}
            </button>
          </SubmitForm>
          {confirming && (
            <ConfirmDialog
              lang={lang}
              testId="confirm-rotate"
              heading={t.confirmHeading}
              device={device}
              lost={t.confirmLost}
              confirmText={fmt(t.confirm, { serial: device.identity.serialNumber })}
              danger={false}
              onCancel={() => setConfirming(false)}
              onConfirm={() => void rotate()}
            />
          )}
        </>
      )}
      {judged && !judged.refusal && (
        <p data-testid="judged">{fmt(t.strength, { rating: t.ratings[judged.rating], bits: judged.bits })}</p>
      )}
      <div ref={outcome} tabIndex={-1} data-focus-on-end data-testid="rotate-outcome">
        {problem && <ProblemText lang={lang} problem={problem} />}
        {result && (
          <div data-testid="rotate-result" className="outcome">
            <p role="status" className="ok">
              {fmt(t.done, { serial: result.serial })}
            </p>
            <p>
              {fmt(t.strength, { rating: t.ratings[result.strength.rating], bits: result.strength.bits })}
            </p>
            {result.before.state === 'settled' && result.before.holds && (
              <p>{fmt(t.settled, { holds: t.holds[result.before.holds] })}</p>
            )}
            {result.warnings.length > 0 && (
              <ul className="warnings">
                {result.warnings.map((w) => (
                  <li key={w} data-code={w}>
                    {warningText(lang, w, w)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      {mine.map((p) => (
        <SecretHandover
          key={p.serial}
          lang={lang}
          pending={p}
          facts={null}
          level={3}
          onAcknowledged={onPendingChanged}
        />
      ))}
    </section>
  );
}
