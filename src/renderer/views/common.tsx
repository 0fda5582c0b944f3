import { type InputHTMLAttributes, type Ref, type TextareaHTMLAttributes, useState } from 'react';
import type { IpcResult } from '../../contract/index.js';
import { type Lang, errorText, fmt, messages } from '../i18n/index.js';

/** A failure as the person reads it: words for its code in their language, and the code. */
export interface Problem {
  code: string;
  message: string;
}

export function problemOf<T>(r: IpcResult<T>): Problem | null {
  return r.ok ? null : { code: r.code, message: r.message };
}

/** Shows a failure by its code, in the person's language (main's sentence when the catalog has none). */
export function ProblemText({ lang, problem }: { lang: Lang; problem: Problem }) {
  return (
    <p role="alert" className="problem" data-code={problem.code}>
      <span className="problem-words">{errorText(lang, problem.code, problem.message)}</span>{' '}
      <code className="problem-code">{problem.code}</code>
    </p>
  );
}

/**
 * Whether a field is full: its text reached the limit main accepts (the contract's `FIELD_LIMITS`), so the
 * browser took no more of what was typed or pasted. The field then says so, in a sentence of its own.
 */
function useFull(max: number) {
  const [full, setFull] = useState(false);
  return {
    full,
    onInput: (value: string): void => setFull(value.length >= max),
  };
}

function describedBy(own: string | undefined, note: string | null): string | undefined {
  return [own, note].filter((x) => x).join(' ') || undefined;
}

function FullNote({ lang, id, max }: { lang: Lang; id: string; max: number }) {
  return (
    <small id={id} role="status" className="bad field-limit" data-testid="field-limit">
      {fmt(messages(lang).common.fieldLimit, { n: max.toLocaleString(lang) })}
    </small>
  );
}

/**
 * An input that takes at most `max` characters and says so when it is full. With `edgeSpace` (a typed
 * secret) it also says when the text starts or ends with a space: kept as typed, but easy to miss when
 * the secret is typed again. Only these two yes/no facts are state, never the text.
 */
export function LimitedInput({
  lang,
  max,
  edgeSpace = false,
  ref,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & {
  lang: Lang;
  max: number;
  id: string;
  edgeSpace?: boolean;
  ref?: Ref<HTMLInputElement>;
}) {
  const { full, onInput } = useFull(max);
  const [spaced, setSpaced] = useState(false);
  const note = `${props.id}-limit`;
  const spaceNote = `${props.id}-space`;
  return (
    <>
      <input
        {...props}
        ref={ref}
        maxLength={max}
        aria-describedby={describedBy(
          describedBy(props['aria-describedby'], full ? note : null),
          spaced ? spaceNote : null,
        )}
        onInput={(e) => {
          onInput(e.currentTarget.value);
          if (edgeSpace) setSpaced(hasEdgeSpace(e.currentTarget.value));
          props.onInput?.(e);
        }}
      />
      {full && <FullNote lang={lang} id={note} max={max} />}
      {spaced && (
        <small id={spaceNote} role="status" className="warn" data-testid="edge-space">
          {messages(lang).common.edgeSpace}
        </small>
      )}
    </>
  );
}

/** A text area that takes at most `max` characters and says so when it is full. */
export function LimitedTextarea({
  lang,
  max,
  ref,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  lang: Lang;
  max: number;
  id: string;
  ref?: Ref<HTMLTextAreaElement>;
}) {
  const { full, onInput } = useFull(max);
  const note = `${props.id}-limit`;
  return (
    <>
      <textarea
        {...props}
        ref={ref}
        maxLength={max}
        aria-describedby={describedBy(props['aria-describedby'], full ? note : null)}
        onInput={(e) => {
          onInput(e.currentTarget.value);
          props.onInput?.(e);
        }}
      />
      {full && <FullNote lang={lang} id={note} max={max} />}
    </>
  );
}

/** A typed secret that starts or ends with a space: kept as typed, but the person is told. */
export function hasEdgeSpace(value: string): boolean {
  return value !== value.trim();
}
