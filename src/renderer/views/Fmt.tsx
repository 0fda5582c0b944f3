import type { Said } from '../../contract/index.js';
import { type Lang, fmtParts, messages } from '../i18n/index.js';

/** A catalogue sentence with its values filled in, each value marked as data (`translate="no"`). */
export function Fmt({ text, values }: { text: string; values: Record<string, string | number> }) {
  return (
    <>
      {fmtParts(text, values).map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <span key={i} translate="no">
            {p.data}
          </span>
        ),
      )}
    </>
  );
}

/** Something main said by code, in the person's language, its values marked as data. */
export function SaidText({ lang, said, fallback }: { lang: Lang; said: Said | undefined; fallback: string }) {
  const text = said ? (messages(lang).said as Record<string, string | undefined>)[said.code] : undefined;
  return text === undefined || !said ? <>{fallback}</> : <Fmt text={text} values={{ ...said.params }} />;
}
