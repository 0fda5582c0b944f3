/**
 * Every error code the tool uses is declared in one list of its area (`…_ERROR_CODES`, wherever that list
 * lives), once; and the codes that reach the window without an area of their own (a bug, the IPC layer,
 * the window's own checks, a training simulator's state file) have words in both catalogues.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IPC_ERROR_CODES, WINDOW_ERROR_CODES } from '../../src/contract/index.js';
import { INTERNAL_ERROR_CODES } from '../../src/core/errors.js';
import { en } from '../../src/renderer/i18n/en.js';
import { ko } from '../../src/renderer/i18n/ko.js';
import { SIMULATOR_ERROR_CODES } from '../../src/simulator/errors.js';

const src = resolve(import.meta.dirname, '../../src');

/** Every source file of src/ but the message catalogues (whose keys are the codes). */
function sources(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The declared lists, by name: `export const NAME_ERROR_CODES = [ … ] as const`. */
function declaredLists(): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const file of sources())
    for (const m of readFileSync(file, 'utf8').matchAll(
      /export const (\w*ERROR_CODES) = \[([^\]]*)\] as const/g,
    ))
      lists.set(
        `${relative(src, file)} ${m[1]}`,
        [...m[2]!.matchAll(/'(ERR_\w+)'/g)].map((x) => x[1]!),
      );
  return lists;
}

describe('error codes', () => {
  it('every code used in src/ is declared in a list', () => {
    const declared = new Set([...declaredLists().values()].flat());
    const stray: string[] = [];
    for (const file of sources())
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](ERR_[A-Z0-9_]*[A-Z0-9])['"`]/g))
        if (!declared.has(m[1]!)) stray.push(`${relative(src, file)}: ${m[1]}`);
    expect(stray).toEqual([]);
  });

  it('each code is declared once', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [list, codes] of declaredLists())
      for (const code of codes) {
        if (seen.has(code)) twice.push(`${code}: ${seen.get(code)} and ${list}`);
        seen.set(code, list);
      }
    expect(twice).toEqual([]);
    expect(seen.get('ERR_INTERNAL')).toBe('core/errors.ts INTERNAL_ERROR_CODES');
    expect(seen.get('ERR_IPC_BAD_INPUT')).toBe('contract/errors.ts IPC_ERROR_CODES');
    expect(seen.get('ERR_SIM_STATE_FILE')).toBe('simulator/errors.ts SIMULATOR_ERROR_CODES');
  });

  it('the codes that reach the window outside an area have words in English and Korean', () => {
    const codes = [...INTERNAL_ERROR_CODES, ...IPC_ERROR_CODES, ...WINDOW_ERROR_CODES, 'ERR_SIM_STATE_FILE'];
    expect(SIMULATOR_ERROR_CODES).toContain('ERR_SIM_STATE_FILE');
    for (const code of codes) {
      expect((en.errors as Record<string, string | undefined>)[code], code).toBeTypeOf('string');
      expect((ko.errors as Record<string, string | undefined>)[code], code).toBeTypeOf('string');
    }
  });
});
