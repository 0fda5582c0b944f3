import {
  type FormEventHandler,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type TextareaHTMLAttributes,
  useState,
} from 'react';
import { type EncChoice, FIELD_LIMITS, type IpcResult } from '../../contract/index.js';
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
 * Whether a field is full: its text reached the limit main accepts (the contract's `FIELD_LIMITS`), so the
 * browser took no more of what was typed or pasted. The field then says so, in a sentence of its own. The
 * attributes go on the input or text area (its own `aria-describedby` and `onInput` kept, then `more`'s
 * note and reading of the text); `note` is the sentence, shown after it.
 */
function useLimit<E extends HTMLInputElement | HTMLTextAreaElement>(
  lang: Lang,
  max: number,
  own: { id: string; 'aria-describedby'?: string | undefined; onInput?: FormEventHandler<E> | undefined },
  more: { note: string | null; read?: (value: string) => void } = { note: null },
) {
  const [full, setFull] = useState(false);
  const note = `${own.id}-limit`;
  const attrs = {
    maxLength: max,
    'aria-describedby': describedBy(describedBy(own['aria-describedby'], full ? note : null), more.note),
    onInput: (e: Parameters<FormEventHandler<E>>[0]): void => {
      setFull(e.currentTarget.value.length >= max);
      more.read?.(e.currentTarget.value);
      own.onInput?.(e);
    },
  };
  return { attrs, note: full ? <FullNote lang={lang} id={note} max={max} /> : null };
}

/** The props of a `LimitedInput`: an input's, with its limit and the language of its notes. */
export type LimitedInputProps = InputHTMLAttributes<HTMLInputElement> & {
  lang: Lang;
  max: number;
  id: string;
  edgeSpace?: boolean;
  ref?: Ref<HTMLInputElement>;
};

/**
 * An input that takes at most `max` characters and says so when it is full. With `edgeSpace` (a typed
 * secret) it also says when the text starts or ends with a space: kept as typed, but easy to miss when
 * the secret is typed again. Only these two yes/no facts are state, never the text.
 */
export function LimitedInput({ lang, max, edgeSpace = false, ref, ...props }: LimitedInputProps) {
  const [spaced, setSpaced] = useState(false);
  const spaceNote = `${props.id}-space`;
  const limit = useLimit(lang, max, props, {
    note: spaced ? spaceNote : null,
    ...(edgeSpace ? { read: (value: string) => setSpaced(hasEdgeSpace(value)) } : {}),
  });
  return (
    <>
      <input {...props} ref={ref} {...limit.attrs} />
      {limit.note}
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
  const limit = useLimit(lang, max, props);
  return (
    <>
      <textarea {...props} ref={ref} {...limit.attrs} />
      {limit.note}
    </>
  );
}

/**
 * A field: its label, then the limited input it names, then what `children` adds below (a hint); `before`
 * comes above the label. `hidden` hides the whole field.
 */
export function LimitedField({
  label,
  hidden,
  before,
  children,
  ...input
}: Omit<LimitedInputProps, 'hidden' | 'children'> & {
  label: ReactNode;
  hidden?: boolean;
  before?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="field" hidden={hidden}>
      {before}
      <label htmlFor={input.id}>{label}</label>
      <LimitedInput {...input} />
      {children}
    </div>
  );
}

/**
 * A typed secret (a device password, a ClientSecret, a passphrase): a password input that takes what main
 * accepts for its `kind`, and that the browser never fills in; a `fresh` one (a new secret being chosen)
 * is marked as a new password instead.
 */
export function SecretField({
  kind,
  fresh = false,
  ...field
}: Omit<Parameters<typeof LimitedField>[0], 'max' | 'type' | 'autoComplete'> & {
  kind: 'password' | 'secret' | 'passphrase';
  fresh?: boolean;
}) {
  return (
    <LimitedField
      {...field}
      max={FIELD_LIMITS[kind]}
      type="password"
      autoComplete={fresh ? 'new-password' : 'off'}
    />
  );
}

/** The content encryption of a blob, chosen in the advanced options. */
export function EncField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: EncChoice;
  onChange: (enc: EncChoice) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as EncChoice)}>
        <option value="A128GCM">A128GCM</option>
        <option value="A256GCM">A256GCM</option>
      </select>
    </div>
  );
}

/** A group of radio buttons named `name`, one a choice with its words; the one of `value` is checked. */
export function RadioChoices<V extends string | boolean>({
  name,
  value,
  choices,
  onChoose,
}: {
  name: string;
  value: V;
  choices: readonly (readonly [V, ReactNode])[];
  onChoose: (choice: V) => void;
}) {
  return choices.map(([choice, words]) => (
    <label className="choice" key={String(choice)}>
      <input type="radio" name={name} checked={choice === value} onChange={() => onChoose(choice)} />
      {words}
    </label>
  ));
}

/** A yes/no choice, with its words. */
export function CheckChoice({
  checked,
  disabled,
  onCheck,
  testId,
  children,
}: {
  checked: boolean;
  disabled?: boolean;
  onCheck: (checked: boolean) => void;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <label className="choice" data-testid={testId}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onCheck(e.target.checked)}
      />
      {children}
    </label>
  );
}

/** A form whose submission runs `onSubmit` in the window, never a page load. */
export function SubmitForm({
  className,
  onSubmit,
  children,
}: {
  className?: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}) {
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** A plain button that runs an action in the window (the action shows its own failure). */
export function ActionButton({ onClick, children }: { onClick: () => Promise<void>; children: ReactNode }) {
  return (
    <button type="button" onClick={() => void onClick()}>
      {children}
    </button>
  );
}

/** Coded findings (errors or warnings), each in the person's language with its code. */
export function CodedList<I extends Problem>({
  lang,
  items,
  words,
  className,
  testId,
  keyOf = (item) => item.code,
}: {
  lang: Lang;
  items: readonly I[];
  words: (lang: Lang, code: string, fallback: string) => string;
  className: string;
  testId?: string;
  keyOf?: (item: I) => string;
}) {
  return (
    <ul className={className} data-testid={testId}>
      {items.map((item) => (
        <li key={keyOf(item)} data-code={item.code}>
          {words(lang, item.code, item.message)} <code>{item.code}</code>
        </li>
      ))}
    </ul>
  );
}

/** A typed secret that starts or ends with a space: kept as typed, but the person is told. */
export function hasEdgeSpace(value: string): boolean {
  return value !== value.trim();
}
