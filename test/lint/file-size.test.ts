/**
 * The house rule on room sizes (docs/architecture.md): no file under `src/` is longer than 600 lines, but
 * the two message catalogues and the published schema table, whose headers say why they are long.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const LIMIT = 600;
/** Long by design, each with the reason in its header: the words that must stay there. */
const LONG_BY_DESIGN: Record<string, string> = {
  'src/renderer/i18n/en.ts': 'Long and repetitive by design: it is a catalogue',
  'src/renderer/i18n/ko.ts': 'Long and repetitive by design: it is a catalogue',
  'src/simulator/schema/xapi-11.19-subset.ts': 'Long (over 600 lines) because it is a data table',
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('file sizes in src/', () => {
  const all = files(join(root, 'src')).map((f) => ({
    path: relative(root, f).split('\\').join('/'),
    text: readFileSync(f, 'utf8'),
  }));

  it(`keeps every file at ${LIMIT} lines or fewer, but those long by design`, () => {
    const over = all
      .filter((f) => !(f.path in LONG_BY_DESIGN) && lineCount(f.text) > LIMIT)
      .map((f) => `${f.path}: ${lineCount(f.text)} lines`);
    expect(over).toEqual([]);
  });

  it('has each file long by design still there, its header saying why', () => {
    for (const [path, why] of Object.entries(LONG_BY_DESIGN)) {
      const f = all.find((x) => x.path === path);
      expect(f?.text.slice(0, 1200).includes(why), path).toBe(true);
    }
  });

  it('counts lines as an editor does', () => {
    expect([lineCount(''), lineCount('a\n'), lineCount('a\nb'), lineCount('a\nb\n')]).toEqual([0, 1, 2, 2]);
  });
});
