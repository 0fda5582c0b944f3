import { useRef, useState } from 'react';
import type { DeviceSessionInfo, EncChoice, RotateSummary } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages, warningText } from '../i18n/index.js';
import { type Problem, ProblemText } from './common.js';
import { DeviceFacts } from './DevicePanel.js';
import { RevealSecret } from './RevealSecret.js';

/** The owner's secret rotation: generated (shown once, on request) or typed. */
export function Rotation({
  lang,
  device,
  onRefresh,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  onRefresh: () => Promise<void>;
}) {
  const m = messages(lang);
  const t = m.rotate;
  const [mode, setMode] = useState<'generate' | 'given'>('generate');
  const [enc, setEnc] = useState<EncChoice>('A128GCM');
  const [result, setResult] = useState<RotateSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [working, setWorking] = useState(false);
  const [rotations, setRotations] = useState(0);
  // Typed secrets stay in their inputs until sent, once; never React state.
  const newSecret = useRef<HTMLInputElement>(null);
  const currentSecret = useRef<HTMLInputElement>(null);
  const needCurrent = device !== null && device.secret !== null && !device.secret.hasSecret;

  async function rotate(): Promise<void> {
    const typedNew = newSecret.current?.value ?? '';
    const typedCurrent = currentSecret.current?.value ?? '';
    if (newSecret.current) newSecret.current.value = '';
    if (currentSecret.current) currentSecret.current.value = '';
    if (mode === 'given' && typedNew === '') {
      setProblem({ code: 'ERR_SECRET_EMPTY', message: m.errors.ERR_SECRET_EMPTY ?? '' });
      return;
    }
    setWorking(true);
    setResult(null);
    setProblem(null);
    const r = await api().secrets.rotate({
      newSecret: mode === 'given' ? { mode: 'given', value: typedNew } : { mode: 'generate' },
      currentSecret: typedCurrent === '' ? null : typedCurrent,
      enc,
    });
    setWorking(false);
    if (r.ok) {
      setResult(r.value);
      setRotations((n) => n + 1);
    } else setProblem({ code: r.code, message: r.message });
    await onRefresh();
  }

  return (
    <section aria-labelledby="rotate-heading" className="panel">
      <h2 id="rotate-heading">{t.heading}</h2>
      <p className="help">{t.help}</p>
      {!device ? (
        <p className="blockers">{t.needDevice}</p>
      ) : (
        <>
          <DeviceFacts lang={lang} device={device} />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void rotate();
            }}
          >
            <fieldset>
              <legend>{t.newLegend}</legend>
              <label className="choice">
                <input
                  type="radio"
                  name="rotate-mode"
                  checked={mode === 'generate'}
                  onChange={() => setMode('generate')}
                />
                {t.generate}
              </label>
              <label className="choice">
                <input
                  type="radio"
                  name="rotate-mode"
                  checked={mode === 'given'}
                  onChange={() => setMode('given')}
                />
                {t.given}
              </label>
              <div className="field" hidden={mode !== 'given'}>
                <label htmlFor="rotate-new">{t.newValue}</label>
                <input id="rotate-new" type="password" ref={newSecret} autoComplete="new-password" />
              </div>
            </fieldset>
            {needCurrent && (
              <div className="field">
                <label htmlFor="rotate-current">{t.current}</label>
                <input id="rotate-current" type="password" ref={currentSecret} autoComplete="off" />
              </div>
            )}
            <div className="field">
              <label htmlFor="rotate-enc">{t.enc}</label>
              <select id="rotate-enc" value={enc} onChange={(e) => setEnc(e.target.value as EncChoice)}>
                <option value="A128GCM">A128GCM</option>
                <option value="A256GCM">A256GCM</option>
              </select>
            </div>
            <button type="submit" className="primary" disabled={working}>
              {working ? m.common.working : t.run}
            </button>
          </form>
        </>
      )}
      {problem && <ProblemText lang={lang} problem={problem} />}
      {result && (
        <div data-testid="rotate-result" className="outcome">
          <p role="status" className="ok">
            {fmt(t.done, { serial: result.serial })}
          </p>
          <p>{fmt(t.strength, { rating: result.strength.rating, bits: result.strength.bits })}</p>
          {result.before.state === 'settled' && result.before.holds && (
            <p>{fmt(t.settled, { holds: result.before.holds })}</p>
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
          {result.secretToReveal && <RevealSecret key={rotations} lang={lang} source="rotate" />}
        </div>
      )}
    </section>
  );
}
