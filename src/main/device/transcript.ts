import { constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { DeviceError, Redactor } from '../../core/xapi/index.js';
import type { TranscriptEntry } from '../../contract/shapes.js';

export type { TranscriptEntry };

/**
 * Every byte in and out of a console, for the UI's console view and a saved log. Text is redacted
 * before it is stored or handed to a listener: registered secrets (passwords, the plain first
 * ClientSecret), secret-bearing parameters, private keys; JWE blobs are shortened.
 *
 * Incoming bytes are recorded line by line (a partial line after a short quiet spell), so that a
 * secret echoed across two reads is still caught.
 */
export class Transcript {
  private readonly entries: TranscriptEntry[] = [];
  private readonly listeners = new Set<(e: TranscriptEntry) => void>();
  private readonly redactor = new Redactor();
  private pendingIn = '';
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** Hides `secret` wherever it appears from now on. */
  addSecret(secret: string): void {
    this.redactor.add(secret);
  }

  /** Redacts a text the way the transcript would (for error messages built from console text). */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Bytes the device sent. */
  recordIn(text: string): void {
    this.pendingIn += text;
    const cut = this.pendingIn.lastIndexOf('\n');
    if (cut >= 0) {
      this.push('in', this.pendingIn.slice(0, cut + 1));
      this.pendingIn = this.pendingIn.slice(cut + 1);
    }
    clearTimeout(this.flushTimer);
    if (this.pendingIn) {
      this.flushTimer = setTimeout(() => this.flushIn(), 150);
      this.flushTimer.unref();
    }
  }

  /** Text the tool sent (whole commands, so that redaction sees them whole). */
  recordOut(text: string): void {
    this.flushIn();
    this.push('out', text);
  }

  /** A remark of the tool's own (`connected`, `waiting for the device to restart`). */
  note(text: string): void {
    this.flushIn();
    this.push('note', text);
  }

  /** Calls `listener` for each new entry; returns the unsubscribe function. */
  subscribe(listener: (e: TranscriptEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): readonly TranscriptEntry[] {
    this.flushIn();
    return this.entries;
  }

  /** A readable log: `>` lines sent, `<` lines received, `#` notes, each with an ISO time. */
  toText(): string {
    const out: string[] = [];
    for (const e of this.list()) {
      const mark = e.direction === 'out' ? '>' : e.direction === 'in' ? '<' : '#';
      const t = new Date(e.time).toISOString();
      for (const line of e.text.replace(/\r/g, '').replace(/\n$/, '').split('\n'))
        out.push(`${t} ${mark} ${line}`);
    }
    return out.join('\n') + (out.length ? '\n' : '');
  }

  /**
   * Writes the log to `path`, or to a file opened with `openLogFile` (see there: no symlink followed,
   * owner-only, an existing file only when appending).
   */
  async save(path: string | FileHandle): Promise<void> {
    if (typeof path !== 'string') {
      await path.writeFile(this.toText());
      return;
    }
    const fh = await openLogFile(path, { append: false });
    try {
      await fh.writeFile(this.toText());
    } finally {
      await fh.close();
    }
  }

  private flushIn(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingIn) {
      const t = this.pendingIn;
      this.pendingIn = '';
      this.push('in', t);
    }
  }

  private push(direction: TranscriptEntry['direction'], raw: string): void {
    const entry: TranscriptEntry = { time: Date.now(), direction, text: this.redactor.redact(raw) };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    for (const l of this.listeners) l(entry);
  }
}

/**
 * Opens a console log for writing. A log holds device traffic, so: a symlink at `path` is never
 * followed (O_NOFOLLOW: a planted link cannot redirect it into another file), the file is owner-only
 * (0600, also when appending to an older file), an existing file is refused unless `append`, and only a
 * regular file is written. Refusals are DeviceErrors with code ERR_DEVICE_LOG_FILE.
 */
export async function openLogFile(path: string, options: { append: boolean }): Promise<FileHandle> {
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    (options.append ? constants.O_APPEND : constants.O_EXCL) |
    (constants.O_NOFOLLOW ?? 0);
  let fh: FileHandle;
  try {
    fh = await open(path, flags, 0o600);
  } catch (e) {
    let code = (e as NodeJS.ErrnoException).code;
    // O_EXCL refuses a symlink as EEXIST: say what it is.
    if (code === 'EEXIST' && (await lstat(path).catch(() => null))?.isSymbolicLink()) code = 'ELOOP';
    const why =
      code === 'EEXIST'
        ? 'it exists already; give a new file, or --append to add to it'
        : code === 'ELOOP' || code === 'EMLINK'
          ? 'it is a symbolic link, which a log never follows'
          : `it cannot be opened (${code ?? 'error'})`;
    throw new DeviceError('ERR_DEVICE_LOG_FILE', `The log file ${path} was not written: ${why}.`, {
      path,
      reason: code ?? 'error',
    });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      throw new DeviceError(
        'ERR_DEVICE_LOG_FILE',
        `The log file ${path} was not written: it is not a regular file.`,
        {
          path,
          reason: 'not-a-file',
        },
      );
    }
    if (process.platform !== 'win32' && (st.mode & 0o777) !== 0o600) await fh.chmod(0o600);
    return fh;
  } catch (e) {
    await fh.close();
    throw e;
  }
}
