import { fmtParts } from '../i18n/index.js';

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
