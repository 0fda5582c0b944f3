/**
 * The two catalogues say the same things: every entry of the English one has a Korean one, every code
 * main's app layer refuses with has words in both, and a placeholder in one is in the other.
 */
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES } from '../../src/main/services.js';
import { en } from '../../src/renderer/i18n/en.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import { fmtParts } from '../../src/renderer/i18n/index.js';

/** Every leaf of a catalogue as `path → text`. */
function leaves(o: unknown, at = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof o === 'string') out.set(at, o);
  else if (o && typeof o === 'object')
    for (const [k, v] of Object.entries(o))
      for (const [p, t] of leaves(v, at ? `${at}.${k}` : k)) out.set(p, t);
  return out;
}

const placeholders = (t: string): string[] => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('the catalogues', () => {
  const english = leaves(en);
  const korean = leaves(ko);

  it('have the same entries, with the same placeholders', () => {
    expect([...korean.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [path, text] of english)
      expect(placeholders(korean.get(path)!), path).toEqual(placeholders(text));
  });

  it('have words for every refusal of the app layer', () => {
    for (const code of APP_ERROR_CODES) {
      expect(en.errors[code], code).toBeTypeOf('string');
      expect(ko.errors[code], code).toBeTypeOf('string');
    }
  });

  it('mark the values in a sentence as data', () => {
    expect(fmtParts('Connected to {target}', { target: 'sim:' })).toEqual([
      'Connected to ',
      { data: 'sim:' },
    ]);
    expect(fmtParts('{n}단계: {title}', { n: 2, title: 'x' })).toEqual([
      { data: '2' },
      '단계: ',
      { data: 'x' },
    ]);
  });
});
