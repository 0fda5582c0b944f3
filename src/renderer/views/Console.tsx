import { useEffect, useRef, useState } from 'react';
import type { CaptureSummary, ConsoleEntry } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, messages } from '../i18n/index.js';
import { CaptureResult } from './CaptureResult.js';
import { type Problem, ProblemText } from './common.js';

const KEEP = 2000;

/** The console traffic, as the device layer recorded it (already redacted), followed while shown. */
export function Console({ lang }: { lang: Lang }) {
  const t = messages(lang).console;
  const [entries, setEntries] = useState<ConsoleEntry[]>([]);
  const next = useRef(0);
  const end = useRef<HTMLDivElement>(null);
  const [capturing, setCapturing] = useState(false);
  const [capture, setCapture] = useState<CaptureSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [addRefusals, setAddRefusals] = useState(false);

  /** Read-only probes of the connected device, written by main to the data folder, to send in. */
  async function record(): Promise<void> {
    setCapturing(true);
    setProblem(null);
    setCapture(null);
    try {
      const r = await api().device.capture(addRefusals);
      if (r.ok) setCapture(r.value);
      else setProblem({ code: r.code, message: r.message });
    } finally {
      setCapturing(false);
    }
  }

  useEffect(() => {
    let alive = true;
    async function poll(): Promise<void> {
      const r = await api().console.read(next.current);
      if (!alive || !r.ok) return;
      next.current = r.value.next;
      if (r.value.entries.length) setEntries((old) => [...old, ...r.value.entries].slice(-KEEP));
    }
    void poll();
    const timer = setInterval(() => void poll(), 700);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  // Braces: scrollIntoView returns a promise in current Chromium, and an effect may return only a cleanup.
  useEffect(() => {
    void end.current?.scrollIntoView({ block: 'end' });
  }, [entries.length]);

  const mark = { in: '<', out: '>', note: '#' } as const;
  const label = { in: t.received, out: t.sent, note: t.note } as const;
  return (
    <section aria-labelledby="console-heading" className="panel">
      <h2 id="console-heading">{t.heading}</h2>
      <p className="help">{t.help}</p>
      <div className="buttons">
        <button
          type="button"
          onClick={() => void record()}
          disabled={capturing}
          aria-describedby="capture-help"
        >
          {capturing ? t.capturing : t.capture}
        </button>
      </div>
      <p id="capture-help" className="help">
        {t.captureHelp}
      </p>
      <label className="choice" data-testid="probe-add-refusals">
        <input type="checkbox" checked={addRefusals} onChange={(e) => setAddRefusals(e.target.checked)} />
        {t.probeAddRefusals}
      </label>
      {problem && <ProblemText lang={lang} problem={problem} />}
      {capture && <CaptureResult lang={lang} capture={capture} testId="capture-result" />}
      <div role="log" aria-label={t.logLabel} className="console" tabIndex={0} data-testid="console">
        {entries.length === 0 && <p>{t.empty}</p>}
        {entries.map((e) => (
          <div key={e.seq} className={`line ${e.direction}`} data-direction={e.direction}>
            <span className="mark" title={label[e.direction]} aria-label={label[e.direction]}>
              {mark[e.direction]}
            </span>
            <span className="time">{new Date(e.time).toISOString().slice(11, 19)}</span>
            <pre>{e.text.replace(/\r/g, '').replace(/\n$/, '')}</pre>
          </div>
        ))}
        <div ref={end} />
      </div>
    </section>
  );
}
