import { generatedShapeBits } from './generate.js';

/** How hard a secret is to guess, as an estimate: `weak` earns a warning. */
export type StrengthRating = 'weak' | 'fair' | 'strong';

export interface StrengthEstimate {
  /** Estimated entropy in bits (an upper bound for human-chosen secrets). */
  bits: number;
  rating: StrengthRating;
  /** Why the estimate is lower than the length suggests; codes a UI translates. */
  findings: StrengthFinding[];
}

export type StrengthFinding =
  'common' | 'short' | 'repeated' | 'sequence' | 'keyboard' | 'words' | 'single-class';

/**
 * Below this a secret is weak. A populate blob lets whoever copies it test guesses offline, one scrypt
 * (N=2^15, 32 MiB) each: about 10 per second per core. A rich attacker with 10^5 cores tries about 2^43
 * guesses a year, so 60 bits still hold for thousands of years; less does not.
 */
export const WEAK_BELOW_BITS = 60;
/** At or above this a secret is strong (the generator's 140 bits; 100 leaves a margin). */
export const STRONG_FROM_BITS = 100;

/** Passwords attackers try first (lower case); a secret equal to one of them, or one plus digits, is weak. */
const COMMON = new Set([
  'password',
  'passw0rd',
  'p@ssw0rd',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'root',
  'cisco',
  'webex',
  'roomos',
  'secret',
  'clientsecret',
  'changeme',
  'default',
  'qwerty',
  'qwertz',
  'azerty',
  'iloveyou',
  'monkey',
  'dragon',
  'master',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'shadow',
  'trustno1',
  'abc123',
  'test',
  'guest',
  'ossifrage',
  'hunter2',
  'superman',
  'batman',
  'starwars',
  'whatever',
  'freedom',
  'computer',
  'internet',
  'login',
  'access',
  'hello',
  'summer',
  'winter',
]);

const KEYBOARD_ROWS = [
  '`1234567890-=',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  'qwertzuiop',
  'yxcvbnm',
  'azertyuiop',
  'wxcvbn',
];

function poolSize(secret: string): { size: number; classes: number } {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  let other = false;
  for (const ch of secret) {
    if (/[a-z]/.test(ch)) lower = true;
    else if (/[A-Z]/.test(ch)) upper = true;
    else if (/[0-9]/.test(ch)) digit = true;
    else if (/[\x20-\x7e]/.test(ch)) symbol = true;
    else other = true;
  }
  const size = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 100 : 0);
  return { size, classes: [lower, upper, digit, symbol, other].filter(Boolean).length };
}

function adjacentOnKeyboard(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return KEYBOARD_ROWS.some((row) => {
    const i = row.indexOf(x);
    return i >= 0 && (row[i + 1] === y || row[i - 1] === y);
  });
}

/** The shortest unit the secret repeats, e.g. "abcabcabc" -> "abc". */
function repeatedUnit(s: string): string | undefined {
  for (let len = 1; len <= s.length / 2; len++) {
    if (s.length % len === 0 && s.slice(0, len).repeat(s.length / len) === s) return s.slice(0, len);
  }
  return undefined;
}

/** Length of the longest stretch (3 or more code units) at `at` that already occurred before it, or 0. */
function earlierCopy(s: string, at: number): number {
  let best = 0;
  for (let len = 3; at + len <= s.length; len++) {
    if (s.slice(0, at + len - 1).includes(s.slice(at, at + len))) best = len;
    else break;
  }
  return best;
}

/** A run of letters that reads like a word: long enough, vowels in a word-like share. */
function looksLikeWord(run: string): boolean {
  if (run.length < 4) return false;
  const vowels = (run.match(/[aeiouy]/gi) ?? []).length / run.length;
  return vowels >= 0.25 && vowels <= 0.65 && !/[^aeiouy]{4}/i.test(run);
}

/** About log2 of a large English dictionary (20,000 words): the cost of guessing one word. */
const WORD_BITS = Math.log2(20000);

function rawBits(secret: string, findings: Set<StrengthFinding>, detectWords = true): number {
  const chars = [...secret];
  const { size, classes } = poolSize(secret);
  if (classes === 1 && chars.length > 0) findings.add('single-class');
  const perChar = Math.log2(Math.max(size, 2));
  // Runs of word-like letters cost a dictionary lookup, not letter by letter.
  const wordRuns: Array<[number, number]> = [];
  for (const m of detectWords ? secret.matchAll(/[A-Za-z]+/g) : []) {
    if (looksLikeWord(m[0])) wordRuns.push([m.index, m.index + m[0].length]);
  }
  if (wordRuns.length > 0) findings.add('words');
  let bits = 0;
  let i = 0;
  let codeUnit = 0;
  while (i < chars.length) {
    const run = wordRuns.find(([start]) => start === codeUnit);
    if (run) {
      const text = secret.slice(run[0], run[1]);
      bits += WORD_BITS + (/[A-Z]/.test(text) ? 1 : 0);
      const n = [...text].length;
      i += n;
      codeUnit = run[1];
      continue;
    }
    const copied = earlierCopy(secret, codeUnit);
    if (copied > 0) {
      // A stretch that repeats an earlier one costs where it starts and how long it is, not its letters.
      findings.add('repeated');
      bits += Math.log2(codeUnit) + Math.log2(copied);
      const text = secret.slice(codeUnit, codeUnit + copied);
      i += [...text].length;
      codeUnit += copied;
      continue;
    }
    const ch = chars[i]!;
    const prev = chars[i - 1];
    if (prev !== undefined && prev === ch) {
      findings.add('repeated');
      bits += 1;
    } else if (prev !== undefined && Math.abs(ch.codePointAt(0)! - prev.codePointAt(0)!) === 1) {
      findings.add('sequence');
      bits += 1;
    } else if (prev !== undefined && adjacentOnKeyboard(prev, ch)) {
      findings.add('keyboard');
      bits += 1.5;
    } else {
      bits += perChar;
    }
    i++;
    codeUnit += ch.length;
  }
  return bits;
}

/**
 * Estimates how many guesses a secret resists, in bits: a secret of the generator's shape is credited
 * with exactly its 5 bits per character; anything else gets a character-pool estimate lowered for the
 * patterns people use (common passwords, repeats, sequences, keyboard walks, dictionary-like words).
 */
export function estimateStrength(secret: string): StrengthEstimate {
  const findings = new Set<StrengthFinding>();
  let bits: number;
  const lower = secret.toLowerCase();
  const stem = lower.replace(/[0-9!?.@#$%*_-]+$/, '');
  if (COMMON.has(lower) || COMMON.has(stem)) {
    findings.add('common');
    bits = 10 + Math.max(0, lower.length - stem.length) * 2;
  } else {
    const unit = repeatedUnit(secret);
    if (unit !== undefined) {
      findings.add('repeated');
      bits = rawBits(unit, findings) + Math.log2(secret.length / unit.length);
    } else {
      const shaped = generatedShapeBits(secret);
      if (shaped !== undefined) {
        // The generator's shape: its letters are random, not words. Credit exactly its 5 bits per
        // character, unless the pattern estimate finds less (someone typed AAAA-AAAA-...).
        const patterns = new Set<StrengthFinding>();
        const estimate = rawBits(secret, patterns, false);
        bits = Math.min(shaped, estimate);
        if (estimate < shaped) for (const f of patterns) findings.add(f);
      } else {
        bits = rawBits(secret, findings);
      }
    }
  }
  if ([...secret].length < 12) findings.add('short');
  bits = Math.round(bits * 10) / 10;
  const rating: StrengthRating =
    bits < WEAK_BELOW_BITS ? 'weak' : bits < STRONG_FROM_BITS ? 'fair' : 'strong';
  return { bits, rating, findings: [...findings] };
}
