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
