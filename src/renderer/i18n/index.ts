import { en } from './en.js';
import { ko } from './ko.js';

export type Messages = typeof en;
export type Lang = 'en' | 'ko';
const CATALOG: Record<Lang, Messages> = { en, ko };

/** The person's language from the browser's, English when we have no translation. */
export function pickLang(languages: readonly string[]): Lang {
  return languages.some((l) => l.toLowerCase().startsWith('ko')) ? 'ko' : 'en';
}

export function messages(lang: Lang): Messages {
  return CATALOG[lang];
}

/** Words for an error code in the person's language; the main process's sentence when we have none. */
export function errorText(lang: Lang, code: string, fallback: string): string {
  const table = CATALOG[lang].errors as Record<string, string | undefined>;
  return table[code] ?? fallback;
}

/** Words for a warning code; the main process's sentence when we have none. */
export function warningText(lang: Lang, code: string, fallback: string): string {
  const table = CATALOG[lang].warnings as Record<string, string | undefined>;
  return table[code] ?? fallback;
}

/** Fills `{name}` placeholders. */
export function fmt(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** Words for something main said by code (a step's detail, a note); main's English when we have none. */
export function saidText(
  lang: Lang,
  said: { code: string; params?: Readonly<Record<string, string | number>> } | undefined,
  fallback: string,
): string {
  if (!said) return fallback;
  const table = CATALOG[lang].said as Record<string, string | undefined>;
  const text = table[said.code];
  return text === undefined ? fallback : fmt(text, { ...said.params });
}

/**
 * `fmt` as page content: each filled-in value (a file name, a serial, a target) is marked
 * `translate="no"`, as data that no language changes.
 */
export function fmtParts(
  text: string,
  values: Record<string, string | number>,
): (string | { data: string })[] {
  const out: (string | { data: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    const k = m[1]!;
    if (!(k in values)) continue;
    out.push(text.slice(last, m.index));
    out.push({ data: String(values[k]) });
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out.filter((p) => p !== '');
}

/** A count in words: the catalogue's `one` form for 1, its `other` form otherwise, with `{n}` filled in. */
export function plural(
  forms: { one: string; other: string },
  n: number,
  values: Record<string, string | number> = {},
): string {
  return fmt(n === 1 ? forms.one : forms.other, { ...values, n });
}
