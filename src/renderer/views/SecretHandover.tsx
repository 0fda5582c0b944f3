import { useRef, useState } from 'react';
import type { HandoverFacts, PendingSecret } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { type Problem, ProblemText } from './common.js';
import { Fmt } from './Fmt.js';

/**
 * A generated secret the device holds (or may hold) and the person has not yet said is saved. Main keeps
 * it until then, whatever happens meanwhile; this offers it: reveal, copy (cleared after a minute), print
 * or save the handover sheet with or without it, and "I have saved it" confirmed by typing its last
 * group. The secret never enters React state: it is written into the page node and wiped on Hide.
 */
export function SecretHandover({
  lang,
  pending,
  report,
  onAcknowledged,
}: {
  lang: Lang;
  pending: PendingSecret;
  report: HandoverFacts | null;
  onAcknowledged: () => Promise<void>;
}) {
  const m = messages(lang);
  const t = m.reveal;
  const [shown, setShown] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The typed last group stays in its input; only its length is state.
  const [ackLength, setAckLength] = useState(0);
  const ackInput = useRef<HTMLInputElement>(null);
  const out = useRef<HTMLElement>(null);
  const hideButton = useRef<HTMLButtonElement>(null);
  const fail = (r: { code: string; message: string }): void =>
    setProblem({ code: r.code, message: r.message });

  async function reveal(): Promise<void> {
    const r = await api().secrets.reveal(pending.source, pending.serial);
    if (!r.ok) return fail(r);
    if (out.current) out.current.textContent = r.value.secret;
    setShown(true);
    setProblem(null);
    queueMicrotask(() => hideButton.current?.focus());
  }

  function hide(): void {
    if (out.current) out.current.textContent = '';
    setShown(false);
  }

  async function copy(): Promise<void> {
    const r = await api().secrets.copy(pending.serial);
    if (!r.ok) return fail(r);
    setNote(fmt(t.copied, { s: r.value.clearAfterSeconds }));
  }

  async function save(withSecret: boolean): Promise<void> {
    const r = await api().handover.save(pending.serial, withSecret);
    if (!r.ok) return fail(r);
    if (r.value.name) setNote(fmt(withSecret ? t.savedWith : t.savedWithout, { name: r.value.name }));
  }

  function print(withSecret: boolean): void {
    document.body.dataset.print = withSecret ? 'with-secret' : 'without-secret';
    window.print();
    delete document.body.dataset.print;
  }

  async function acknowledge(): Promise<void> {
    const r = await api().secrets.acknowledge(pending.serial, ackInput.current?.value ?? '');
    if (!r.ok) return fail(r);
    hide();
    await onAcknowledged();
  }

  return (
    <section
      className="reveal handover-sheet"
      data-testid="reveal"
      data-serial={pending.serial}
      data-stage={shown ? 'shown' : 'ready'}
      aria-labelledby={`reveal-${pending.serial}`}
    >
      <h4 id={`reveal-${pending.serial}`}>
        <span aria-hidden="true">⚠ </span>
        <Fmt text={t.heading} values={{ serial: pending.serial, product: pending.productId ?? '' }} />
      </h4>
      <p>{t.ready}</p>
      {report && (
        <dl className="print-only">
          <dt>{m.device.product}</dt>
          <dd>{report.productId}</dd>
          <dt>{m.device.serial}</dt>
          <dd>{report.serialNumber}</dd>
          <dt>{m.wizard.cn}</dt>
          <dd>{report.identity}</dd>
          <dt>{m.wizard.fingerprint}</dt>
          <dd>{report.fingerprint}</dd>
          <dt>{m.wizard.expires}</dt>
          <dd>{report.notAfter.slice(0, 10)}</dd>
        </dl>
      )}
      <div className="secret-box" hidden={!shown}>
        <p id={`secret-label-${pending.serial}`}>
          <Fmt text={t.label} values={{ serial: pending.serial }} />
        </p>
        <code
          ref={out}
          aria-labelledby={`secret-label-${pending.serial}`}
          data-testid="new-secret"
          className="secret"
        />
        <p className="warn">{t.warn}</p>
      </div>
      <div className="buttons">
        {shown ? (
          <button type="button" ref={hideButton} onClick={hide}>
            {t.hide}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void reveal()}>
            {t.show}
          </button>
        )}
        <button type="button" onClick={() => void copy()}>
          {t.copy}
        </button>
        <button type="button" onClick={() => print(true)} disabled={!shown}>
          {t.printWith}
        </button>
        <button type="button" onClick={() => print(false)}>
          {t.printWithout}
        </button>
        {pending.source === 'provision' && (
          <>
            <button type="button" onClick={() => void save(true)}>
              {t.saveWith}
            </button>
            <button type="button" onClick={() => void save(false)}>
              {t.saveWithout}
            </button>
          </>
        )}
      </div>
      {note && (
        <p role="status" data-testid="reveal-note">
          {note}
        </p>
      )}
      <form
        className="ack"
        onSubmit={(e) => {
          e.preventDefault();
          void acknowledge();
        }}
      >
        <div className="field">
          <label htmlFor={`ack-${pending.serial}`}>{fmt(t.ackLabel, { n: pending.lastGroupLength })}</label>
          <input
            id={`ack-${pending.serial}`}
            ref={ackInput}
            onInput={(e) => setAckLength(e.currentTarget.value.trim().length)}
            autoComplete="off"
            spellCheck={false}
            maxLength={pending.lastGroupLength + 2}
          />
        </div>
        <button type="submit" className="primary" disabled={ackLength !== pending.lastGroupLength}>
          {t.ack}
        </button>
      </form>
      {problem && <ProblemText lang={lang} problem={problem} />}
    </section>
  );
}
