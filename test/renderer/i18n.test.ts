/**
 * The two catalogues say the same things: every entry of the English one has a Korean one, every code
 * main's app layer refuses with has words in both, and a placeholder in one is in the other.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_TEXT } from '../../src/main/native-text.js';
import { APP_ERROR_CODES, IPC_ERROR_CODES } from '../../src/contract/index.js';
import { en } from '../../src/renderer/i18n/en.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import { fmtParts, plural } from '../../src/renderer/i18n/index.js';

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
    for (const code of [...APP_ERROR_CODES, ...IPC_ERROR_CODES]) {
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

/** The glossary's table: English, the one Korean term, and the patterns the Korean text must not use. */
function glossary(): { english: string; korean: string; not: RegExp[] }[] {
  const text = readFileSync(resolve(import.meta.dirname, '../../docs/glossary-ko.md'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l) && !l.includes('| English'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .map(([english, korean, not]) => ({
      english: english!,
      korean: korean!,
      not: [...(not ?? '').matchAll(/`([^`]+)`/g)].map((m) => new RegExp(m[1]!)),
    }));
}

/** Every Korean string the person reads: the catalogue and main's native words (the saved sheet too). */
function koreanTexts(): Map<string, string> {
  const all = leaves(ko);
  for (const [k, v] of Object.entries(NATIVE_TEXT.ko)) {
    if (typeof v === 'string') all.set(`native.${k}`, v);
    else if (typeof v === 'function') all.set(`native.${k}`, v('{serials}'));
    else for (const [p, t] of leaves(v, `native.${k}`)) all.set(p, t);
  }
  return all;
}

describe('the Korean catalogue', () => {
  const texts = koreanTexts();
  const everything = [...texts.values()].join('\n');

  it('uses the glossary’s one term for each word, and none of the words it replaces', () => {
    const terms = glossary();
    expect(terms.length).toBeGreaterThanOrEqual(12);
    for (const term of terms) {
      expect(everything, `${term.english}: ${term.korean}`).toContain(term.korean);
      for (const bad of term.not) {
        const hits = [...texts].filter(([, t]) => bad.test(t)).map(([k]) => k);
        expect(hits, `${term.english}: ${bad.source}`).toEqual([]);
      }
    }
    expect(ko.wizard.san).toBe('주체 대체 이름(SAN)');
  });

  it('speaks in one speech level: the formal -하십시오체 throughout', () => {
    const polite = /(세요|해요|에요|예요|[어아]요)(?=[\s.,:;!?)]|$)|주시면 됩니다/;
    expect([...texts].filter(([, t]) => polite.test(t)).map(([k, t]) => `${k}: ${t}`)).toEqual([]);
    // A sentence ends in -ㅂ니다 / -습니다 / -십시오 / -습니까, never in the plain -다.
    const plain = /[가-힣]다\.(\s|$)/;
    expect(
      [...texts].filter(([, t]) => plain.test(t.replace(/[니]다\./g, ''))).map(([k, t]) => `${k}: ${t}`),
    ).toEqual([]);
  });

  it('writes 을/를 to fit the word before it (을 after a final consonant, 를 after a vowel)', () => {
    const wrong: string[] = [];
    for (const [k, t] of texts)
      for (const m of t.matchAll(/([가-힣])(을|를)(?=[\s.,:;!?)(]|$)/g)) {
        const final = (m[1]!.charCodeAt(0) - 0xac00) % 28 !== 0;
        if ((m[2] === '을') !== final) wrong.push(`${k}: …${m[0]}`);
      }
    expect(wrong).toEqual([]);
    expect(everything).not.toMatch(/비밀를|데이터이 /);
  });

  it('counts with the catalogue’s plural forms', () => {
    expect(plural(en.statusBar.secretsWaiting, 1)).toBe('1 new secret not yet confirmed as saved');
    expect(plural(en.statusBar.secretsWaiting, 2)).toBe('2 new secrets not yet confirmed as saved');
    expect(plural(ko.statusBar.secretsWaiting, 1)).toBe('저장 확인되지 않은 새 비밀 1개');
    expect(plural(en.wizard.validRange, 1, { from: 'a', to: 'b' })).toBe('a to b (1 day left)');
  });
});
