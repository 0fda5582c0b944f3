/**
 * The console's line limit, measured on the device (no public source gives it): whether a line of so
 * many bytes arrives whole (padded harmless probes, narrowed down when it does not), the first cut line
 * as the device answered it, and whether the device joins an `add` blob wrapped over several body lines.
 */
import { DeviceError, isOk, xCommand, type XapiResponse } from '../../core/xapi/index.js';
import type { ConsoleSession, LineProbe } from './session.js';
import type { Transcript } from './transcript.js';

/** Line lengths a probe tries upwards after a session ended on a cut line. */
const LINE_STEPS_UP = [256, 512, 1024, 2048, 4095, 8192, 16384];

/** What the wrapped-body probe found, with the device's three refusals (status, result name, reason). */
export interface WrappedBodyProbe {
  verdict: 'joins' | 'does-not-join' | 'cannot-tell';
  oneLine: string;
  wrapped: string;
  control: string;
}

/** The first line found cut: its length and the device's answer as printed (empty when the session ended). */
export interface FirstCutLine {
  bytes: number;
  raw: string[];
  disconnected: boolean;
}

/** What measuring needs of the device: its current session, its transcript, and opening it again. */
export interface LineLimitHost {
  session(): ConsoleSession;
  transcript(): Transcript;
  reconnect(options: { timeoutMs: number }): Promise<void>;
}

/** What one device's console was measured to carry, and the probes that measure it. */
export class LineLimit {
  private known = { whole: 0, cut: Number.POSITIVE_INFINITY };
  private firstCut: FirstCutLine | null = null;

  constructor(private readonly host: LineLimitHost) {}

  /** The longest line known to arrive whole and the shortest known to be cut (null until a probe found one). */
  get limit(): { whole: number; cut: number | null } {
    return { whole: this.known.whole, cut: Number.isFinite(this.known.cut) ? this.known.cut : null };
  }

  /** The device's answer to the first line found cut; null until a probe cut a line. */
  get firstCutLine(): FirstCutLine | null {
    return this.firstCut ? { ...this.firstCut, raw: [...this.firstCut.raw] } : null;
  }

  /** Gives a new session (after a reconnection) the limit measured so far. */
  applyTo(session: ConsoleSession): void {
    if (Number.isFinite(this.known.cut)) session.lineLimit = this.known.whole;
  }

  /**
   * Whether a line of `bytes` bytes reaches the device whole, found with harmless padded `xStatus`
   * probes (`ConsoleSession.probeLine`) and remembered. When it does not, the limit is narrowed down (a
   * few more probes) and returned; the session then refuses longer lines before sending. A session that
   * ends during a probe counts as a cut line: the console is opened again and the limit is measured
   * upwards from small lines, so that the next probes end no more sessions than needed.
   */
  async fits(bytes: number): Promise<{ fits: boolean; limit: number | null }> {
    if (bytes <= this.known.whole) return { fits: true, limit: null };
    if (bytes < this.known.cut) {
      const first = await this.probeOnce(bytes);
      if (first.result === 'whole') {
        this.known.whole = bytes;
        return { fits: true, limit: null };
      }
      let lo = this.known.whole;
      let hi = bytes;
      if (first.disconnected) {
        // Upwards from small lines: each cut line may end the session again.
        for (const size of LINE_STEPS_UP) {
          if (size <= lo) continue;
          if (size >= hi) break;
          const r = await this.probeOnce(size);
          if (r.result === 'whole') lo = size;
          else {
            hi = size;
            break;
          }
        }
      }
      // A canonical-mode tty keeps 4,095 bytes of a line: try that first, then halve the interval.
      for (let i = 0; i < 10 && hi - lo > 16; i++) {
        const mid = i === 0 && lo < 4095 && hi > 4095 ? 4095 : Math.floor((lo + hi) / 2);
        const size = Math.max(mid, 64);
        const r = await this.probeOnce(size);
        if (r.result === 'whole') lo = size;
        else hi = size;
        if (hi <= 64) break;
      }
      this.known = { whole: lo, cut: hi };
      this.host.session().lineLimit = lo;
    }
    return { fits: false, limit: this.known.whole };
  }

  /** One line probe, noted; the first cut line's answer is kept, and a session it ended is opened again. */
  private async probeOnce(bytes: number): Promise<LineProbe> {
    const transcript = this.host.transcript();
    const r = await this.host.session().probeLine(bytes);
    transcript.note(`line probe: ${bytes} bytes ${r.result}${r.disconnected ? ' (the session ended)' : ''}`);
    if (r.result !== 'whole' && this.firstCut === null) {
      this.firstCut = {
        bytes,
        raw: r.raw.map((l) => transcript.redact(l)),
        disconnected: r.disconnected === true,
      };
    }
    if (r.disconnected) await this.host.reconnect({ timeoutMs: 60_000 });
    return r;
  }
}

/** A refusal as one comparable text: its status, result name and reason, as the device gave them. */
function describeRefusal(res: XapiResponse): string {
  return `${res.status}${res.resultName ? ` ${res.resultName}` : ''}${res.reason ? `: ${res.reason}` : ''}`;
}

/** The same compact JWE with the first character of its authentication tag changed: no device opens it. */
export function corruptTag(blob: string): string {
  const at = blob.lastIndexOf('.') + 1;
  const c = blob[at] === 'A' ? 'B' : 'A';
  return blob.slice(0, at) + c + blob.slice(at + 1);
}

/** A blob as body lines of at most `width` characters (one line without `width`). */
export function wrapLines(blob: string, width?: number): string[] {
  if (width === undefined || blob.length <= width) return [blob];
  const out: string[] = [];
  for (let i = 0; i < blob.length; i += width) out.push(blob.slice(i, i + width));
  return out;
}

/**
 * Whether the device joins an `add` blob wrapped over several body lines. `blob` (checked by the caller)
 * is an add blob sealed under the device's secret whose payload is no certificate, so nothing can be
 * added. It is sent on one line, then wrapped at `width`, then wrapped with its authentication tag
 * corrupted (the control: a blob no device can open). The device joins wrapped lines only when the
 * wrapped blob is refused exactly as on one line and differently from the control; a wrapped refusal
 * unlike the one-line one means it does not join; the same refusal for all three (a device that words
 * every failure alike) cannot tell. Decided on the device's own answers, never on their wording.
 */
export async function probeWrappedBody(
  session: ConsoleSession,
  transcript: Transcript,
  blob: string,
  width: number,
): Promise<WrappedBodyProbe> {
  const line = xCommand('Security Certificates Services Add', [['IsEncrypted', true]]);
  const answers: XapiResponse[] = [];
  for (const body of [[blob], wrapLines(blob, width), wrapLines(corruptTag(blob), width)]) {
    const res = await session.request(line, { body });
    if (isOk(res)) {
      throw new DeviceError(
        'ERR_DEVICE_UNEXPECTED_OUTPUT',
        `The device accepted an add blob that holds no certificate (answer: ${JSON.stringify(res.lines.slice(0, 4).join(' '))}). Nothing is sent wrapped; report this answer.`,
        { status: res.status },
      );
    }
    answers.push(res);
  }
  const [oneLine, wrapped, control] = answers.map(describeRefusal) as [string, string, string];
  const verdict: WrappedBodyProbe['verdict'] =
    wrapped !== oneLine ? 'does-not-join' : wrapped !== control ? 'joins' : 'cannot-tell';
  transcript.note(
    `wrapped-body probe: ${verdict} (one line: ${oneLine}; wrapped: ${wrapped}; control: ${control})`,
  );
  return { verdict, oneLine, wrapped, control };
}
