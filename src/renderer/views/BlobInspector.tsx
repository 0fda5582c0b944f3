import { useState } from 'react';
import type { BlobInfo } from '../../core/jwe/types.js';
import { api } from '../api.js';
import { type Lang, errorText, messages } from '../i18n/index.js';

/** Reads a pasted blob's header through main; the renderer never holds a secret here. */
export function BlobInspector({ lang }: { lang: Lang }) {
  const t = messages(lang).inspect;
  const [text, setText] = useState('');
  const [info, setInfo] = useState<BlobInfo | null>(null);
  const [error, setError] = useState<{ code: string; text: string } | null>(null);

  async function run(): Promise<void> {
    const r = await api().blob.inspect(text);
    if (r.ok) {
      setInfo(r.value);
      setError(null);
    } else {
      setInfo(null);
      setError({ code: r.code, text: errorText(lang, r.code, r.message) });
    }
  }

  return (
    <section aria-labelledby="inspect-heading" className="panel">
      <h2 id="inspect-heading">{t.heading}</h2>
      <p>{t.help}</p>
      <label htmlFor="blob-input">{t.label}</label>
      <textarea
        id="blob-input"
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
      />
      <button type="button" onClick={() => void run()}>
        {t.button}
      </button>
      {error && (
        <p role="alert" data-code={error.code}>
          {error.text}
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
            {info.kdf.salt} ({info.kdf.saltBytes} {t.saltBytes})
          </dd>
          <dt>{t.ciphertext}</dt>
          <dd data-field="ciphertext">{info.ciphertextBytes}</dd>
          <dt>{t.canonical}</dt>
          <dd data-field="canonical">{info.headerCanonical ? t.yes : t.no}</dd>
        </dl>
      )}
    </section>
  );
}
