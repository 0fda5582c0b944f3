import { createHash, randomUUID } from 'node:crypto';
import { link, open, readdir, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SECRET_ALPHABET } from '../../core/secret/index.js';
import { syncDir, writeFileAtomic } from './atomic-file.js';
import { ensureDataDir } from './data-dir.js';
import { JournalError } from './errors.js';
import type { JournalProblem, VerifyReport } from '../../contract/shapes.js';
import type {
  ActionName,
  ErrorRef,
  JournalActions,
  JournalEntry,
  JournalRecord,
  OutcomeResult,
  SettledBy,
} from './journal-types.js';

export const JOURNAL_FILE = 'journal.jsonl';
export const HEAD_FILE = 'journal.head';
const LOCK_FILE = 'journal.lock';
/** How long a writer waits for another before giving up with ERR_JOURNAL_LOCKED. */
const LOCK_WAIT_MS = 10_000;
/** An empty lock younger than this may be an older version's, between its create and its write. */
const LOCK_GRACE_MS = 500;
export const GENESIS = '0'.repeat(64);

/** SHA-256 hex of a journal line (its bytes, without the line break). */
export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

export type { JournalProblem, VerifyReport };

export interface JournalOptions {
  /** Makes op ids and the journal's id (default `randomUUID`); tests pass a seeded source. */
  newId?: () => string;
}

export interface AppendOptions {
  /**
   * Secrets the caller holds right now (current, new). The journal refuses a record that contains any
   * of them anywhere, as a key or in a value: a second line of defence behind the record types.
   */
  secrets?: readonly string[];
}

/** Keys no record may have: a field named so would be a place for a secret. */
const FORBIDDEN_KEY = /secret|passphrase|password|passwd|pwd|pin$|cek|private|token|credential|blob|payload/i;
const JWE_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{8,}/;
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const GENERATED = new RegExp(`[${SECRET_ALPHABET}]{4}(?:-[${SECRET_ALPHABET}]{4}){3,}`);
/**
 * An id as `randomUUID()` makes it (op ids, the journal's id). About one in 17,000 holds four groups of
 * the digits 2-9 in a row (`…4842-5235-4265-8479-…`), which the generated-secret pattern matches: an id
 * is not tested against that pattern (it cannot hold a generated secret, whose letters are upper case).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_STRING = 512;

/** What names a record in a refusal: its kind and action or event, never a value. */
function recordName(entry: unknown): Record<string, string> {
  const e = (entry ?? {}) as { kind?: unknown; action?: unknown; event?: unknown };
  const name: Record<string, string> = {};
  for (const k of ['kind', 'action', 'event'] as const) {
    const v = e[k];
    if (typeof v === 'string' && /^[a-z][a-z.-]{0,40}$/.test(v)) name[k] = v;
  }
  return name;
}

/**
 * Walks a record: the values a record may hold are facts (short strings, numbers, booleans). Throws
 * ERR_JOURNAL_SECRET_REFUSED naming the field and the record (kind, action or event), never the value.
 */
export function checkNoSecret(entry: unknown, secrets: readonly string[]): void {
  const name = recordName(entry);
  const which = [name.kind, name.action ?? name.event].filter(Boolean).join(' ');
  const refuse = (where: string, why: string): never => {
    throw new JournalError(
      'ERR_JOURNAL_SECRET_REFUSED',
      `The journal refused a record${which ? ` (${which})` : ''}: ${where} ${why}. The journal never holds secrets, blobs or keys.`,
      { field: where, ...name },
    );
  };
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return;
    if (typeof v === 'string') {
      if (v.length > MAX_STRING)
        refuse(path, `is ${v.length} characters long (a record holds facts, at most ${MAX_STRING})`);
      if (JWE_LIKE.test(v)) refuse(path, 'looks like a JWE blob');
      if (PEM_KEY.test(v)) refuse(path, 'holds a private key');
      if (!UUID.test(v) && GENERATED.test(v)) refuse(path, 'looks like a generated ClientSecret');
      for (const s of secrets) if (s.length > 0 && v.includes(s)) refuse(path, 'contains a secret');
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (FORBIDDEN_KEY.test(k)) refuse(`field "${k}"`, 'has a name reserved for secrets');
        for (const s of secrets)
          if (s.length > 0 && k.includes(s)) refuse('a field name', 'contains a secret');
        walk(x, path ? `${path}.${k}` : k);
      }
      return;
    }
    throw new JournalError('ERR_JOURNAL_RECORD_INVALID', `The record's ${path} is not JSON data.`, {
      field: path,
    });
  };
  walk(entry, '');
}

const KINDS = new Set(['intent', 'outcome', 'event']);

function checkEntry(entry: JournalEntry): void {
  if (entry === null || typeof entry !== 'object' || !KINDS.has(entry.kind)) {
    throw new TypeError('a journal entry has kind intent, outcome or event');
  }
  for (const k of ['seq', 'at', 'prev'] as const) {
    if (k in entry) throw new TypeError(`${k} is set by the journal, not the caller`);
  }
  if (entry.kind !== 'event' && (typeof entry.op !== 'string' || entry.op.length === 0)) {
    throw new TypeError('intents and outcomes carry an op id');
  }
}

function isRecordShape(v: unknown, seq: number): v is JournalRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return (
    r.seq === seq &&
    typeof r.at === 'string' &&
    typeof r.prev === 'string' &&
    /^[0-9a-f]{64}$/.test(r.prev) &&
    typeof r.kind === 'string' &&
    KINDS.has(r.kind) &&
    (r.kind === 'event'
      ? typeof r.event === 'string'
      : typeof r.action === 'string' && typeof r.op === 'string')
  );
}

interface Parsed {
  records: JournalRecord[];
  lines: string[];
  problems: JournalProblem[];
  /** Bytes of a torn last line (a crash mid-write), 0 if none. */
  tornBytes: number;
  head: { seq: number; hash: string } | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Journal work in this process, one at a time per journal file: a read never sees a record whose anchor
 * is not written yet (a fresh journal's first line without its head file looks cut off), and writers of
 * one process queue here instead of polling the file lock (which stays, for other processes).
 */
const queues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(path: string, f: () => Promise<T>): Promise<T> {
  const run = (queues.get(path) ?? Promise.resolve()).then(f, f);
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The append-only record of everything the tool did to devices: JSON lines, each fsync'd before
 * `append` returns, each carrying the SHA-256 of the line before it. A head file beside it anchors the
 * last record, so that a cut-off end is detected as well as an edit. Never holds a secret.
 *
 * What it does not stop: someone who rewrites the whole chain and the head file together. It detects
 * accidents, careless edits and truncation; it is a record, not a signature.
 */
export class Journal {
  readonly dir: string;
  readonly path: string;
  readonly headPath: string;
  private readonly lockPath: string;
  private readonly newId: () => string;

  constructor(dir: string, options: JournalOptions = {}) {
    this.dir = dir;
    this.newId = options.newId ?? randomUUID;
    this.path = join(dir, JOURNAL_FILE);
    this.headPath = join(dir, HEAD_FILE);
    this.lockPath = join(dir, LOCK_FILE);
  }

  /** Appends one record (durably) and returns it as written. */
  async append(entry: JournalEntry, options: AppendOptions = {}): Promise<JournalRecord> {
    checkEntry(entry);
    checkNoSecret(entry, options.secrets ?? []);
    await ensureDataDir(this.dir);
    return oneAtATime(resolve(this.path), () => this.locked(entry));
  }

  private locked(entry: JournalEntry): Promise<JournalRecord> {
    return this.withLock(async () => {
      let parsed = await this.parse();
      // Appending to a journal that was altered would bury the evidence (and re-anchor the head).
      this.throwIfBad(parsed);
      if (parsed.lines.length === 0 && parsed.head === undefined && parsed.tornBytes === 0) {
        await this.writeLine(parsed, { kind: 'event', event: 'journal.created', journalId: this.newId() });
        parsed = await this.parse();
      }
      if (parsed.tornBytes > 0) {
        // A line without its line break was never acknowledged (append fsyncs before returning):
        // cut it off, and say so in the record.
        const st = await stat(this.path);
        await truncate(this.path, st.size - parsed.tornBytes);
        const line = parsed.lines.length + 1;
        await this.writeLine(await this.parse(), {
          kind: 'event',
          event: 'journal.repaired',
          droppedBytes: parsed.tornBytes,
          line,
        });
        parsed = await this.parse();
      }
      return this.writeLine(parsed, entry);
    });
  }

  private async writeLine(parsed: Parsed, entry: JournalEntry): Promise<JournalRecord> {
    const last = parsed.lines[parsed.lines.length - 1];
    const seq = parsed.lines.length + 1;
    const record = {
      seq,
      at: new Date().toISOString(),
      prev: last === undefined ? GENESIS : lineHash(last),
      ...entry,
    } as JournalRecord;
    const line = JSON.stringify(record);
    const created = parsed.lines.length === 0;
    const fh = await open(this.path, 'a', 0o600);
    try {
      await fh.write(line + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (created) await syncDir(this.dir);
    await writeFileAtomic(this.headPath, JSON.stringify({ seq, hash: lineHash(line) }) + '\n');
    return record;
  }

  /**
   * Takes the writers' lock. The lock's content (the holder's pid) is written to a private name first
   * and then linked into place, so the lock never exists empty: a kill can leave a whole lock or none.
   * A lock that is empty, unreadable or names a process that is gone is stale and is taken over (an
   * empty one only once it is older than `LOCK_GRACE_MS`, in case an older version is mid-write).
   */
  private async withLock<T>(f: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    const tmp = `${this.lockPath}.${process.pid}.${randomUUID().slice(0, 8)}`;
    try {
      await writeFile(tmp, `${process.pid}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      throw ioError(e, tmp);
    }
    try {
      for (;;) {
        try {
          await link(tmp, this.lockPath);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, this.lockPath);
        }
        const holder = await this.lockHolder();
        if (holder.stale) {
          await this.breakLock(holder.ino);
          continue;
        }
        if (Date.now() > deadline) {
          throw new JournalError(
            'ERR_JOURNAL_LOCKED',
            `Another e2ee-prov process (pid ${holder.pid}) is writing the journal; wait for it to finish. If no such process runs, remove ${this.lockPath}.`,
            { pid: holder.pid, path: this.lockPath },
          );
        }
        await sleep(20);
      }
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    try {
      await this.sweepLockLeftovers();
      return await f();
    } finally {
      await unlink(this.lockPath).catch(() => undefined);
    }
  }

  /** Removes the private lock files of writers killed before they could (their pid is gone). */
  private async sweepLockLeftovers(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const m = /^journal\.lock\.(?:stale\.)?(\d+)\.[0-9a-f]{8}$/.exec(name);
      if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
      await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  /** Who holds the lock, and whether the holder is gone. */
  private async lockHolder(): Promise<{ pid: number; stale: boolean; ino?: number }> {
    let ino: number | undefined;
    let mtimeMs = 0;
    try {
      const st = await stat(this.lockPath);
      ino = st.ino;
      mtimeMs = st.mtimeMs;
    } catch (e) {
      // Released between our link and our look: try again at once.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { pid: 0, stale: false };
    }
    let text: string | undefined;
    try {
      text = await readFile(this.lockPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { pid: 0, stale: false };
    }
    const body = text?.trim() ?? '';
    const pid = /^[0-9]{1,10}$/.test(body) ? Number(body) : 0;
    if (pid > 0) return { pid, stale: !pidAlive(pid), ...(ino !== undefined ? { ino } : {}) };
    // Empty, garbage or unreadable: no live writer can be named, so it is stale once it is not brand new.
    const old = Date.now() - mtimeMs > LOCK_GRACE_MS;
    return { pid: 0, stale: text === undefined || old, ...(ino !== undefined ? { ino } : {}) };
  }

  /**
   * Removes a stale lock without removing a fresh one that another writer linked in meanwhile: the lock
   * is renamed aside first, and put back if it turns out to be a different file than the one judged.
   */
  private async breakLock(ino: number | undefined): Promise<void> {
    const aside = `${this.lockPath}.stale.${process.pid}.${randomUUID().slice(0, 8)}`;
    try {
      await rename(this.lockPath, aside);
    } catch {
      return; // someone else broke it (or it was released)
    }
    try {
      const st = await stat(aside);
      if (ino !== undefined && st.ino !== ino) await link(aside, this.lockPath).catch(() => undefined);
    } finally {
      await unlink(aside).catch(() => undefined);
    }
  }

  private async parse(): Promise<Parsed> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, this.path);
    }
    let head: Parsed['head'];
    try {
      const h = JSON.parse(await readFile(this.headPath, 'utf8')) as unknown;
      if (
        h !== null &&
        typeof h === 'object' &&
        Number.isInteger((h as { seq?: unknown }).seq) &&
        typeof (h as { hash?: unknown }).hash === 'string'
      ) {
        head = h as { seq: number; hash: string };
      } else {
        head = { seq: -1, hash: '' };
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') head = { seq: -1, hash: '' };
    }
    const problems: JournalProblem[] = [];
    const pieces = text.split('\n');
    const tail = pieces.pop() ?? '';
    let tornBytes = 0;
    if (tail.length > 0) {
      tornBytes = Buffer.byteLength(tail, 'utf8');
      problems.push({
        code: 'WARN_JOURNAL_TORN_TAIL',
        line: pieces.length + 1,
        message: `Line ${pieces.length + 1} is incomplete (${tornBytes} bytes without a line break): a write cut off by a crash, never acknowledged. It is ignored, and cut off at the next append.`,
      });
    }
    const records: JournalRecord[] = [];
    let prev = GENESIS;
    for (let i = 0; i < pieces.length; i++) {
      const line = pieces[i]!;
      const n = i + 1;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        problems.push(tampered(n, `line ${n} is not a JSON record: it was edited`));
        break;
      }
      const seq = (value as { seq?: unknown })?.seq;
      if (!isRecordShape(value, n)) {
        problems.push(
          tampered(
            n,
            typeof seq === 'number' && seq !== n
              ? `line ${n} has record number ${seq}: records before it were removed or reordered`
              : `line ${n} is not a journal record: it was edited`,
          ),
        );
        break;
      }
      if (value.prev !== prev) {
        problems.push(
          tampered(
            Math.max(n - 1, 1),
            n === 1
              ? 'line 1 does not start a journal: the records before it were removed'
              : `line ${n - 1} was changed (line ${n} carries the hash of a different line ${n - 1})`,
          ),
        );
        break;
      }
      records.push(value);
      prev = lineHash(line);
    }
    const lines = pieces.slice(0, records.length);
    const errors = problems.some((p) => p.code === 'ERR_JOURNAL_TAMPERED');
    if (!errors && head !== undefined) {
      if (head.seq < 0) {
        problems.push(tampered(records.length, `the head file ${HEAD_FILE} was altered`));
      } else if (head.seq > records.length) {
        problems.push({
          code: 'ERR_JOURNAL_TRUNCATED',
          line: records.length + 1,
          message: `The journal ends at record ${records.length}, but record ${head.seq} was written: ${head.seq - records.length} record(s) from line ${records.length + 1} on were cut off.`,
        });
      } else if (head.seq > 0 && lineHash(lines[head.seq - 1]!) !== head.hash) {
        problems.push(tampered(head.seq, `line ${head.seq} was changed after it was written`));
      } else if (records.length - head.seq > 1) {
        problems.push(
          tampered(
            head.seq + 1,
            `lines ${head.seq + 1} to ${records.length} were added by something other than this tool`,
          ),
        );
      } else if (records.length - head.seq === 1) {
        problems.push({
          code: 'WARN_JOURNAL_HEAD_LAGS',
          line: records.length,
          message: `The last record (line ${records.length}) was written but its anchor was not (a crash between the two); it is re-anchored at the next append.`,
        });
      }
    } else if (!errors && head === undefined && records.length > 0) {
      problems.push(tampered(records.length, `the head file ${HEAD_FILE} is missing`));
    }
    return { records, lines, problems, tornBytes, head };
  }

  /** Checks the whole chain and the anchor; never throws for what it finds, only for I/O. */
  async verify(): Promise<VerifyReport> {
    const p = await oneAtATime(resolve(this.path), () => this.parse());
    const last = p.lines[p.lines.length - 1];
    return {
      ok: !p.problems.some((x) => x.code.startsWith('ERR_')),
      records: p.records.length,
      head: { seq: p.records.length, hash: last === undefined ? GENESIS : lineHash(last) },
      problems: p.problems,
    };
  }

  /** Every record, oldest first. Throws ERR_JOURNAL_TAMPERED / ERR_JOURNAL_TRUNCATED (with the line). */
  async read(): Promise<JournalRecord[]> {
    const p = await oneAtATime(resolve(this.path), () => this.parse());
    this.throwIfBad(p);
    return p.records;
  }

  private throwIfBad(p: Parsed): void {
    const bad = p.problems.find((x) => x.code.startsWith('ERR_'));
    if (bad) {
      throw new JournalError(
        bad.code as 'ERR_JOURNAL_TAMPERED' | 'ERR_JOURNAL_TRUNCATED',
        `The journal ${this.path} cannot be trusted: ${bad.message} Nothing more is written to it. Keep it for inspection ("e2ee-prov journal verify"); to start a new journal, move ${JOURNAL_FILE} and ${HEAD_FILE} out of ${this.dir}.`,
        { line: bad.line, path: this.path },
      );
    }
  }

  /** A new op id, for an intent a caller appends itself. */
  newOp(): string {
    return this.newId();
  }

  /** Records an intent and returns its op id (pass it to `outcome`). */
  async intent<A extends ActionName>(
    action: A,
    serial: string | undefined,
    data: JournalActions[A]['intent'],
    options: AppendOptions = {},
  ): Promise<string> {
    const op = this.newOp();
    await this.append(
      { ...data, kind: 'intent', action, op, ...(serial ? { serial } : {}) } as JournalEntry,
      options,
    );
    return op;
  }

  /** Records how an operation ended. */
  async outcome<A extends ActionName>(
    action: A,
    op: string,
    serial: string | undefined,
    result: OutcomeResult,
    settledBy: SettledBy,
    extra: { error?: ErrorRef } & Partial<JournalActions[A]['outcome']> = {},
    options: AppendOptions = {},
  ): Promise<JournalRecord> {
    return this.append(
      {
        ...extra,
        kind: 'outcome',
        action,
        op,
        result,
        settledBy,
        ...(serial ? { serial } : {}),
      } as JournalEntry,
      options,
    );
  }
}

function tampered(line: number, what: string): JournalProblem {
  return {
    code: 'ERR_JOURNAL_TAMPERED',
    line: Math.max(line, 1),
    message: `The journal was altered: ${what}.`,
  };
}

function ioError(e: unknown, path: string): JournalError {
  return new JournalError(
    'ERR_JOURNAL_IO',
    `The journal at ${path} cannot be used: ${(e as Error).message}.`,
    { path },
    { cause: e },
  );
}

/** Operations whose intent has no settled outcome (none, or only `unknown`), oldest first. */
export function unsettledOps(
  records: readonly JournalRecord[],
  filter: { action?: string; serial?: string } = {},
): Array<{ op: string; action: string; serial?: string; at: string }> {
  const open = new Map<string, { op: string; action: string; serial?: string; at: string }>();
  for (const r of records) {
    if (r.kind === 'intent') {
      if (filter.action !== undefined && r.action !== filter.action) continue;
      if (filter.serial !== undefined && r.serial !== filter.serial) continue;
      open.set(r.op, { op: r.op, action: r.action, at: r.at, ...(r.serial ? { serial: r.serial } : {}) });
    } else if (r.kind === 'outcome' && r.result !== 'unknown') {
      open.delete(r.op);
    }
  }
  return [...open.values()];
}
