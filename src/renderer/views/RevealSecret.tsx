import { useRef, useState } from 'react';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { type Problem, ProblemText } from './common.js';

/**
 * A freshly generated secret, shown once when the person asks. It never enters React state: it is
 * written into the page node directly and wiped from there on Hide, so that neither the component
 * tree nor its previous render keeps a copy. Main forgets it as it hands it over.
 */
export function RevealSecret({ lang, source }: { lang: Lang; source: 'provision' | 'rotate' }) {
  const t = messages(lang).reveal;
  const [stage, setStage] = useState<'ready' | 'shown' | 'hidden'>('ready');
  const [serial, setSerial] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const out = useRef<HTMLElement>(null);
  const hideButton = useRef<HTMLButtonElement>(null);

  async function reveal(): Promise<void> {
    const r = await api().secrets.reveal(source);
    if (!r.ok) {
      setProblem({ code: r.code, message: r.message });
      return;
    }
    if (out.current) out.current.textContent = r.value.secret;
    setSerial(r.value.serial);
    setStage('shown');
    setProblem(null);
    queueMicrotask(() => hideButton.current?.focus());
  }

  function hide(): void {
    if (out.current) out.current.textContent = '';
    setStage('hidden');
  }

  return (
    <div className="reveal" data-testid="reveal" data-stage={stage}>
      {stage === 'ready' && (
        <>
          <p>{t.ready}</p>
          <button type="button" className="primary" onClick={() => void reveal()}>
            {t.show}
          </button>
        </>
      )}
      <div hidden={stage !== 'shown'} className="secret-box">
        <p id="secret-label">{fmt(t.label, { serial })}</p>
        <code ref={out} aria-labelledby="secret-label" data-testid="new-secret" className="secret" />
        <p className="warn">{t.warn}</p>
        <button type="button" ref={hideButton} onClick={hide}>
          {t.hide}
        </button>
      </div>
      {stage === 'hidden' && <p role="status">{t.hidden}</p>}
      {problem && <ProblemText lang={lang} problem={problem} />}
    </div>
  );
}
