/**
 * The Webex cloud's console session to one simulated device: a `cloud` session (no login, no banner) in
 * JSON output mode, one line at a time, each tagged with a result id so its JSON answer is told from any
 * other output. The device runs every line exactly as it would from its console: same parser, same
 * refusals, same state.
 */
import type { Duplex } from 'node:stream';
import { withResultId } from '../../core/xapi/build.js';
import type { RoomOsSimulator } from '../index.js';

/** A JSON object as the device prints it. */
export type JsonObject = { [key: string]: unknown };

/** The device did not answer: it is down, the session ended, or the hang guard ran out. */
export class DeviceUnreachable extends Error {}

interface Waiter {
  /** A JSON answer with this ResultId, or (undefined) a plain `OK` line. */
  tag: string | undefined;
  resolve(value: JsonObject): void;
  reject(e: Error): void;
}

export class CloudConsole {
  private stream: Duplex | undefined;
  private text = '';
  private collecting: string[] | undefined;
  private waiter: Waiter | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private tags = 0;

  constructor(
    private readonly sim: RoomOsSimulator,
    /** How long an answer may take before the device counts as not answering (a hang guard). */
    private readonly hangMs: number,
  ) {}

  /** Runs one console line (and, for a multiline command, its body lines ending with `.`): its JSON answer. */
  run(line: string, body?: readonly string[]): Promise<JsonObject> {
    const next = this.queue.then(() => this.runNow(line, body));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }

  private async runNow(line: string, body: readonly string[] | undefined): Promise<JsonObject> {
    if (this.sim.state.power !== 'up') throw new DeviceUnreachable('The device is not up.');
    const stream = this.stream ?? (await this.open());
    const tag = `cloud${++this.tags}`;
    const answer = this.expect(tag);
    stream.write(`${[withResultId(line, tag), ...(body ?? [])].join('\n')}\n`);
    return answer;
  }

  /** A new session: echo off (waiting for its `OK`, so nothing later is echoed), then JSON output. */
  private async open(): Promise<Duplex> {
    const stream = this.sim.openStream('cloud');
    this.stream = stream;
    this.text = '';
    this.collecting = undefined;
    stream.on('data', (d: Buffer | string) => this.data(String(d)));
    const gone = (): void => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.fail(new DeviceUnreachable('The device ended the session.'));
    };
    stream.on('end', gone);
    stream.on('close', gone);
    stream.on('error', gone);
    const ok = this.expect(undefined);
    stream.write('echo off\n');
    await ok;
    stream.write('xPreferences outputmode json\n');
    return stream;
  }

  private expect(tag: string | undefined): Promise<JsonObject> {
    return new Promise<JsonObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        this.fail(new DeviceUnreachable('The device did not answer in time.'));
      }, this.hangMs);
      timer.unref();
      this.waiter = {
        tag,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  private fail(e: Error): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(e);
  }

  /** Output: whole lines; a top-level JSON object runs from a line `{` to a line `}` (pretty-printed). */
  private data(chunk: string): void {
    this.text += chunk;
    let nl = this.text.indexOf('\n');
    while (nl >= 0) {
      const line = this.text.slice(0, nl).replace(/\r$/, '');
      this.text = this.text.slice(nl + 1);
      this.line(line);
      nl = this.text.indexOf('\n');
    }
  }

  private line(line: string): void {
    if (this.collecting) {
      this.collecting.push(line);
      if (line !== '}') return;
      const text = this.collecting.join('\n');
      this.collecting = undefined;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        return;
      }
      const w = this.waiter;
      if (w?.tag !== undefined && isObject(obj) && obj.ResultId === w.tag) {
        this.waiter = undefined;
        w.resolve(obj);
      }
      return;
    }
    if (line === '{') {
      this.collecting = [line];
      return;
    }
    const w = this.waiter;
    if (w && w.tag === undefined && line === 'OK') {
      this.waiter = undefined;
      w.resolve({});
    }
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
