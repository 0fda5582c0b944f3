/**
 * Shared pieces of the fuzz suite (test/fuzz): the case count, the property every parser must keep
 * (it returns, or throws an error with an `ERR_…` code, within a second of CPU time), and generators of near-valid
 * input (valid samples, mutated) mixed with pure random text and bytes.
 *
 * FUZZ_RUNS sets the cases per parser (default 10,000; scripts/fuzz-nightly.sh runs 200,000), FUZZ_SEED
 * replays a run (fast-check prints the seed and path of a failure).
 */
import fc from 'fast-check';

export const NUM_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? '') || 10_000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** fast-check options for one property: NUM_RUNS cases (or `runs`), replayable by FUZZ_SEED. */
export function params<T>(runs = NUM_RUNS): fc.Parameters<T> {
  return { numRuns: runs, ...(SEED === undefined || Number.isNaN(SEED) ? {} : { seed: SEED }) };
}

/**
 * Vitest time limit for a property of `runs` cases: a guard against a hang only, from the work (a
 * generous wall-clock share per case, as a loaded machine stretches wall time six-fold and more); what
 * catches a slow parser is each case's CPU-time limit below.
 */
export function timeout(runs = NUM_RUNS, msPerCase = 30): number {
  return 60_000 + runs * msPerCase;
}

/**
 * The most CPU time one case may take (this process's, user and system): what catches a parser gone
 * quadratic or worse. CPU time, not wall time, so that other work keeping the machine busy does not count.
 */
export const CASE_LIMIT_MS = 1_000;

/** This process's CPU time so far, in milliseconds. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export const CODE = /^ERR_[A-Z0-9_]+$/;

/** Fails unless `e` is an Error with a string code ERR_… (never a bare TypeError or RangeError). */
export function expectCoded(e: unknown): void {
  const code = (e as { code?: unknown } | null)?.code;
  if (!(e instanceof Error) || typeof code !== 'string' || !CODE.test(code)) {
    const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
    throw new Error(`an error without an ERR_ code escaped the parser: ${what}`);
  }
}

function checkTime(start: number, limit: number): void {
  const ms = cpuMs() - start;
  if (ms > limit) throw new Error(`one case took ${ms.toFixed(0)} ms of CPU time (limit ${limit} ms)`);
}

/** Runs `f`: it returns (its value) or throws a coded error (undefined), within `limit` ms. */
export function returnsOrCoded<T>(
  f: () => T,
  limit = CASE_LIMIT_MS,
): { ok: true; value: T } | { ok: false; code: string } {
  const start = cpuMs();
  try {
    const value = f();
    checkTime(start, limit);
    return { ok: true, value };
  } catch (e) {
    checkTime(start, limit);
    expectCoded(e);
    return { ok: false, code: (e as { code: string }).code };
  }
}

/** The async form of `returnsOrCoded`. */
export async function resolvesOrCoded<T>(
  f: () => Promise<T>,
  limit = CASE_LIMIT_MS,
): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  const start = cpuMs();
  try {
    const value = await f();
    checkTime(start, limit);
    return { ok: true, value };
  } catch (e) {
    checkTime(start, limit);
    expectCoded(e);
    return { ok: false, code: (e as { code: string }).code };
  }
}

/** Text that parsers trip over: line ends, controls, quotes, JSON and console syntax, U+2028, lone surrogates. */
export const NASTY_TOKENS: readonly string[] = [
  '\u0000',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u001b[?1034h',
  '\u001b',
  '\u0007',
  '\u007f',
  '"',
  '""',
  '\\',
  '\\"',
  "'",
  ',',
  ':',
  '=',
  '?',
  '&',
  '%',
  '%zz',
  '@',
  '/',
  '[',
  ']',
  '{',
  '}',
  '{}',
  '[]',
  'null',
  '-1',
  '1e999',
  '| resultId=',
  '| resultId="x"',
  '*r ',
  '*s ',
  '*c ',
  '*e ',
  '** end',
  '** resultId: "1"',
  '(status=OK):',
  '(status=Error):',
  'OK',
  'ERROR',
  'Command not recognized.',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'é',
  '-----BEGIN CERTIFICATE-----',
  '-----END CERTIFICATE-----',
  '-----BEGIN PRIVATE KEY-----',
  '-----END PRIVATE KEY-----',
  'Proc-Type: 4,ENCRYPTED',
  '__proto__',
  'constructor',
];

/** A long run of one character or token ("huge lengths"). */
const huge: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('A', ' ', '\r', '"', '{', '[', '*', ',', '\n', '\\', 'é', '-----BEGIN A-----'),
    fc.integer({ min: 1_000, max: 30_000 }),
  )
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)));

/** A token to insert: a nasty one, random text, or (rarely) a huge run. */
export const token: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...NASTY_TOKENS) },
  { weight: 4, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
  { weight: 1, arbitrary: huge },
);

type Edit =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; len: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: token }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 64 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: token }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('duplicate' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 400 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
);

function applyEdit(s: string, e: Edit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1);
  switch (e.op) {
    case 'insert':
      return s.slice(0, at) + e.text + s.slice(at);
    case 'delete':
      return s.slice(0, at) + s.slice(at + e.len);
    case 'replace':
      return s.slice(0, at) + e.text + s.slice(at + e.text.length);
    case 'duplicate':
      return s.slice(0, at + e.len) + s.slice(at, at + e.len) + s.slice(at + e.len);
    case 'truncate':
      return s.slice(0, at);
  }
}

/** A valid sample with one to eight edits (insertions of nasty tokens, deletions, duplications, cuts). */
export function mutated(samples: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 8 }))
    .map(([s, edits]) => edits.reduce(applyEdit, s));
}

/** Random text: any code units, graphemes, or a soup of nasty tokens. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.string({ maxLength: 300, unit: 'grapheme' }),
  fc.string({ maxLength: 300 }),
  fc.array(token, { maxLength: 30 }).map((t) => t.join('')),
);

/** Near-valid samples (weighted up) and pure random text. */
export function textInput(samples: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...samples) },
    { weight: 10, arbitrary: mutated(samples) },
    { weight: 5, arbitrary: randomText },
  );
}

type ByteEdit =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'truncate'; at: number };

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyByteEdit(b: Uint8Array, e: ByteEdit): Uint8Array {
  const at = b.length === 0 ? 0 : e.at % b.length;
  const out = Buffer.from(b);
  switch (e.op) {
    case 'flip':
      if (out.length) out[at] = out[at]! ^ (1 << e.bit);
      return out;
    case 'set':
      if (out.length) out[at] = e.value;
      return out;
    case 'insert':
      return Buffer.concat([out.subarray(0, at), e.bytes, out.subarray(at)]);
    case 'delete':
      return Buffer.concat([out.subarray(0, at), out.subarray(at + e.len)]);
    case 'truncate':
      return out.subarray(0, at);
  }
}

/** A valid sample's bytes with one to six edits (bit flips, ASN.1 length bytes, insertions, cuts). */
export function mutatedBytes(samples: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(byteEdit, { minLength: 1, maxLength: 6 }))
    .map(([s, edits]) => edits.reduce(applyByteEdit, s));
}

/** Near-valid samples and random bytes (some starting like DER or PKCS#12). */
export function bytesInput(samples: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 10, arbitrary: mutatedBytes(samples) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            [0x30, 0x82],
            [0x30, 0x80, 0x02, 0x01, 0x03],
            [0x30, 0x13, 0x02, 0x01, 0x03],
            [0x30],
          ),
          fc.uint8Array({ maxLength: 300 }),
        )
        .map(([head, rest]) => Uint8Array.from([...head, ...rest])),
    },
    { weight: 1, arbitrary: textInput(['x']).map((s) => new TextEncoder().encode(s)) },
  );
}

/** Splits `text` at arbitrary points (including inside a UTF-16 pair and a CRLF). */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => (text.length === 0 ? 0 : c % (text.length + 1))))].sort(
    (a, b) => a - b,
  );
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}
