import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { PendingSecret, SheetFacts } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { ActionButton, type Problem, ProblemText, SubmitForm } from './common.js';
import { Fmt } from './Fmt.js';

/** What the handover sheet says of a device (the contract's shape, main's saved sheet's too). */
export type { SheetFacts };

/**
 * The facts for a device's sheet: what the caller knows (a provisioning's report or its checked
 * certificate), else what the journal recorded for that serial (after a rotation, or for another device).
 */
function useSheetFacts(pending: PendingSecret, given: SheetFacts | null): SheetFacts {
  const [journal, setJournal] = useState<SheetFacts | null>(null);
  useEffect(() => {
    if (given?.identity) return;
    let live = true;
    void api()
      .inventory.list()
      .then((r) => {
        const d = r.ok ? r.value.devices.find((x) => x.serial === pending.serial) : undefined;
        if (live && d)
          setJournal({
            productId: d.productId ?? null,
            serialNumber: d.serial,
            identity: d.certificate?.cn ?? null,
            fingerprint: d.certificate?.fingerprint ?? null,
            notAfter: d.certificate?.notAfter ?? null,
          });
      });
    return () => {
      live = false;
    };
  }, [pending.serial, given?.identity]);
  const base = given ?? journal;
  return {
    productId: base?.productId ?? pending.productId,
    serialNumber: pending.serial,
    identity: base?.identity ?? null,
    fingerprint: base?.fingerprint ?? null,
    notAfter: base?.notAfter ?? null,
  };
}

/**
 * A generated secret the device holds (or may hold) and the person has not yet said is saved. Main keeps
 * it until then, whatever happens meanwhile; this offers it: reveal, copy (cleared after a minute), print
 * or save the handover sheet with or without it, and "I have saved it" confirmed by typing its last
 * group. The secret never enters React state: it is written into the page node and wiped on Hide (and
 * into the printed sheet only while the print dialog is open).
 */
export function SecretHandover({
  lang,
  pending,
  facts,
  level = 4,
  onAcknowledged,
}: {
  lang: Lang;
  pending: PendingSecret;
  facts: SheetFacts | null;
  /** The heading level, so that the page's outline has no gap (4 under the run, 3 on Rotate secret). */
  level?: 3 | 4 | 5;
  onAcknowledged: () => Promise<void>;
}) {
  const m = messages(lang);
  const t = m.reveal;
  const sheet = useSheetFacts(pending, facts);
  const [shown, setShown] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  /** While the print dialog is open: which sheet is printing (never the secret itself). */
  const [printing, setPrinting] = useState<'with-secret' | 'without-secret' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The typed last group stays in its input; only its length is state.
  const [ackLength, setAckLength] = useState(0);
  const ackInput = useRef<HTMLInputElement>(null);
  const out = useRef<HTMLElement>(null);
  const printedSecret = useRef<HTMLElement>(null);
  const hideButton = useRef<HTMLButtonElement>(null);
  const fail = (r: { code: string; message: string }): void =>
    setProblem({ code: r.code, message: r.message });
  const Heading = `h${level}` as const;

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
    setNote(null);
    const r = await api().handover.save(pending.serial, withSecret);
    if (!r.ok) return fail(r);
    if (r.value.name) setNote(fmt(withSecret ? t.savedWith : t.savedWithout, { name: r.value.name }));
  }

  /** Prints this device's sheet alone: its facts, and the secret only when asked (and shown). */
  function print(withSecret: boolean): void {
    const mode = withSecret ? 'with-secret' : 'without-secret';
    // The sheet is on the page before the print dialog opens; the secret goes into it, never into state.
    flushSync(() => setPrinting(mode));
    if (printedSecret.current)
      printedSecret.current.textContent = withSecret ? (out.current?.textContent ?? '') : '';
    document.body.dataset.print = mode;
    try {
      window.print();
    } finally {
      delete document.body.dataset.print;
      if (printedSecret.current) printedSecret.current.textContent = '';
      setPrinting(null);
    }
  }

  async function acknowledge(): Promise<void> {
    const r = await api().secrets.acknowledge(pending.serial, ackInput.current?.value ?? '');
    if (!r.ok) return fail(r);
    hide();
    await onAcknowledged();
  }

  const unknown = m.common.notKnown;
  return (
    <section
      className="reveal handover-sheet"
      data-testid="reveal"
      data-serial={pending.serial}
      data-stage={shown ? 'shown' : 'ready'}
      aria-labelledby={`reveal-${pending.serial}`}
    >
      <Heading id={`reveal-${pending.serial}`}>
        <Fmt text={t.heading} values={{ serial: pending.serial, product: sheet.productId ?? '' }} />
      </Heading>
      <p>{t.ready}</p>
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
        <ActionButton onClick={copy}>{t.copy}</ActionButton>
      </div>
      <div className="sheet-actions" role="group" aria-label={t.sheetGroup}>
        <span className="sheet-label" aria-hidden="true">
          {t.sheetGroup}:
        </span>
        <button type="button" className="quiet" onClick={() => print(true)} disabled={!shown}>
          {t.printWith}
        </button>
        <button type="button" className="quiet" onClick={() => print(false)}>
          {t.printWithout}
        </button>
        <button type="button" className="quiet" onClick={() => void save(true)}>
          {t.saveWith}
        </button>
        <button type="button" className="quiet" onClick={() => void save(false)}>
          {t.saveWithout}
        </button>
      </div>
      {note && (
        <p role="status" data-testid="reveal-note">
          {note}
        </p>
      )}
      <SubmitForm className="ack" onSubmit={acknowledge}>
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
      </SubmitForm>
      {problem && <ProblemText lang={lang} problem={problem} />}
      <div
        className="print-sheet"
        data-testid="print-sheet"
        data-printing={printing ?? undefined}
        aria-hidden="true"
      >
        <p className="sheet-title">{t.sheetTitle}</p>
        <dl>
          <dt>{m.device.product}</dt>
          <dd translate="no">{sheet.productId ?? unknown}</dd>
          <dt>{m.device.serial}</dt>
          <dd translate="no">{sheet.serialNumber}</dd>
          <dt>{m.wizard.cn}</dt>
          <dd translate="no">{sheet.identity ?? unknown}</dd>
          <dt>{m.wizard.fingerprint}</dt>
          <dd className="mono">{sheet.fingerprint ?? unknown}</dd>
          <dt>{m.wizard.expires}</dt>
          <dd>{sheet.notAfter?.slice(0, 10) ?? unknown}</dd>
        </dl>
        {printing === 'with-secret' && (
          <div className="sheet-secret">
            <p>{t.sheetSecret}</p>
            <code ref={printedSecret} className="secret" />
            <p>{t.sheetKeepSafe}</p>
          </div>
        )}
      </div>
    </section>
  );
}
