import { useRef, useState } from 'react';
import { type BlobInfo, FIELD_LIMITS } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, errorText, fmt, messages } from '../i18n/index.js';
import { ActionButton, LimitedTextarea } from './common.js';

/**
 * Reads a pasted blob's header through main; the renderer never holds a secret here. The pasted text
 * stays in the text area (never React state, so a long paste is not copied on every render), capped at
 * the contract's limit.
 */
export function BlobInspector({ lang }: { lang: Lang }) {
  const t = messages(lang).inspect;
  const input = useRef<HTMLTextAreaElement>(null);
  const [info, setInfo] = useState<BlobInfo | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  async function run(): Promise<void> {
    const r = await api().blob.inspect(input.current?.value ?? '');
    if (r.ok) {
      setInfo(r.value);
      setError(null);
    } else {
      setInfo(null);
      setError({ code: r.code, message: r.message });
    }
  }

  return (
    <section aria-labelledby="inspect-heading" className="panel">
      <h2 id="inspect-heading">{t.heading}</h2>
      <p>{t.help}</p>
      <label htmlFor="blob-input">{t.label}</label>
      <LimitedTextarea
        lang={lang}
        max={FIELD_LIMITS.blob}
        id="blob-input"
        ref={input}
        rows={5}
        spellCheck={false}
      />
      <ActionButton onClick={run}>{t.button}</ActionButton>
      {error && (
        <p role="alert" data-code={error.code}>
          {errorText(lang, error.code, error.message)}
        </p>
      )}
      {info && (
        <dl data-testid="blob-info">
          <dt>{t.action}</dt>
          <dd data-field="action" translate="no">
            {info.action}
          </dd>
          <dt>{t.enc}</dt>
          <dd data-field="enc" translate="no">
            {info.enc}
          </dd>
          <dt>{t.salt}</dt>
          <dd data-field="salt" translate="no">
            {info.kdf.salt} ({fmt(t.bytes, { n: info.kdf.saltBytes })})
          </dd>
          <dt>{t.ciphertext}</dt>
          <dd data-field="ciphertext">{fmt(t.bytes, { n: info.ciphertextBytes })}</dd>
          <dt>{t.canonical}</dt>
          <dd data-field="canonical">{info.headerCanonical ? t.yes : t.no}</dd>
        </dl>
      )}
    </section>
  );
}
