import { describe, expect, it } from 'vitest';
import { inspect, open, seal } from '../../../src/core/jwe/index.js';
import {
  MAX_BLOB_SECRET_BYTES,
  MAX_PLAIN_SECRET_BYTES,
  SECRET_ALPHABET,
  SecretError,
  checkSecret,
  estimateStrength,
  generateSecret,
  populateBlobLength,
} from '../../../src/core/secret/index.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof SecretError ? e.code : `not a SecretError: ${String(e)}`;
  }
  return undefined;
}

describe('generateSecret', () => {
  it('makes 7 groups of 4 unambiguous characters: exactly 140 bits', () => {
    const { secret, bits } = generateSecret();
    expect(bits).toBe(140);
    expect(secret).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){6}$/);
    expect(SECRET_ALPHABET).toHaveLength(32);
    expect(SECRET_ALPHABET).not.toMatch(/[01IO]/);
  });

  it('is random: 1000 secrets, no repeats, every symbol used about equally', () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const { secret } = generateSecret();
      seen.add(secret);
      for (const ch of secret.replace(/-/g, '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(1000);
    expect(counts.size).toBe(32);
    // 28000 symbols / 32 = 875 each expected; a uniform draw stays well within ±20 %.
    for (const n of counts.values()) expect(Math.abs(n - 875)).toBeLessThan(175);
  });

  it('refuses shapes under 128 bits', () => {
    expect(() => generateSecret({ groups: 5, groupSize: 5 })).toThrow(TypeError);
    expect(generateSecret({ groups: 8, groupSize: 4 }).bits).toBe(160);
  });

  it('a generated secret passes the checks as strong, credited exactly', () => {
    const { secret, bits } = generateSecret();
    const c = checkSecret(secret);
    expect(c.strength.bits).toBe(bits);
    expect(c.strength.rating).toBe('strong');
    expect(c.warnings).toEqual([]);
  });
});

describe('device limits', () => {
  it('plain populate: 768 bytes = 1024 base64url characters', () => {
    expect(MAX_PLAIN_SECRET_BYTES).toBe(768);
    expect(checkSecret('a'.repeat(768), 'plain').parameterLength).toBe(1024);
    expect(code(() => checkSecret('a'.repeat(769), 'plain'))).toBe('ERR_SECRET_TOO_LONG');
  });

  it('blob populate: the computed maximum is what a real blob measures', async () => {
    expect(MAX_BLOB_SECRET_BYTES).toBe(621);
    for (const n of [0, 1, 2, 3, 100, MAX_BLOB_SECRET_BYTES, MAX_BLOB_SECRET_BYTES + 1]) {
      const blob = await seal('populate', 'x'.repeat(n), 'current');
      expect(blob.length, `payload ${n}`).toBe(populateBlobLength(n));
      expect(inspect(blob).length).toBe(blob.length);
    }
    const atMax = await seal('populate', 'x'.repeat(MAX_BLOB_SECRET_BYTES), 'current', { enc: 'A256GCM' });
    expect(atMax.length).toBeLessThanOrEqual(1024);
    expect(new TextDecoder().decode((await open(atMax, 'current')).payload)).toHaveLength(621);
    expect(code(() => checkSecret('y'.repeat(622)))).toBe('ERR_SECRET_TOO_LONG');
  });

  it('counts UTF-8 bytes, not characters', () => {
    // "한" is 3 UTF-8 bytes: 207 of them are 621 bytes, 208 are 624.
    expect(checkSecret('한'.repeat(207)).bytes).toBe(621);
    expect(code(() => checkSecret('한'.repeat(208)))).toBe('ERR_SECRET_TOO_LONG');
  });

  it('refuses empty, control characters and lone surrogates; the message never holds the secret', () => {
    expect(code(() => checkSecret(''))).toBe('ERR_SECRET_EMPTY');
    expect(code(() => checkSecret('abc\u0007def'))).toBe('ERR_SECRET_CONTROL_CHARACTER');
    expect(code(() => checkSecret('tab\there'))).toBe('ERR_SECRET_CONTROL_CHARACTER');
    expect(code(() => checkSecret('x\ud800y'))).toBe('ERR_SECRET_NOT_UTF8');
    try {
      checkSecret('Sup3rSecretValue\u0001');
    } catch (e) {
      expect((e as Error).message).not.toContain('Sup3rSecretValue');
    }
  });
});

describe('strength estimate', () => {
  it.each([
    ['password', 'weak', 'common'],
    ['Password123!', 'weak', 'common'],
    ['ossifrage', 'weak', 'common'],
    ['aaaaaaaaaaaaaaaaaaaa', 'weak', 'repeated'],
    ['abcdefghijklmnop', 'weak', 'sequence'],
    ['qwertyuiopasdfgh', 'weak', 'keyboard'],
    ['correct horse battery', 'weak', 'words'],
    ['AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA', 'weak', 'repeated'],
  ])('%s is %s (%s)', (secret, rating, finding) => {
    const s = estimateStrength(secret);
    expect(s.rating).toBe(rating);
    expect(s.findings).toContain(finding);
  });

  it('a long random mixed secret is strong', () => {
    expect(estimateStrength('v8#Qz!pL2@xR7&mK4$wT9^bN').rating).toBe('strong');
  });

  it('a weak secret earns a warning, not a refusal', () => {
    const c = checkSecret('letmein');
    expect(c.warnings).toContainEqual({ code: 'WARN_SECRET_WEAK', bits: c.strength.bits });
  });

  it('warns about edge spaces and decomposed Unicode', () => {
    const w = (s: string) => checkSecret(s).warnings.map((x) => x.code);
    expect(w(' K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS')).toContain('WARN_SECRET_WHITESPACE_EDGE');
    expect(w('cafe\u0301-K7QM-2XPD-9HRT-WN4C-ZB6E')).toContain('WARN_SECRET_NOT_NFC');
  });
});
