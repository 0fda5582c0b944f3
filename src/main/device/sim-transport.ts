import type { Duplex } from 'node:stream';
import { BaseTransport, type Pacing } from './transport.js';

/** The in-process transport: the tool's end of a simulator console stream (`openStream()`). */
export class StreamTransport extends BaseTransport {
  readonly kind = 'sim' as const;
  readonly label: string;
  readonly pacing: Pacing;
  private readonly stream: Duplex;

  constructor(stream: Duplex, options: { label?: string; pacing?: Partial<Pacing> } = {}) {
    super();
    this.stream = stream;
    this.label = options.label ?? 'the simulator';
    this.pacing = { chunkBytes: 1024, chunkDelayMs: 0, lineEnding: '\n', ...options.pacing };
    stream.on('data', (d: Buffer | string) => this.emitData(typeof d === 'string' ? Buffer.from(d) : d));
    stream.on('end', () => this.markClosed());
    stream.on('close', () => this.markClosed());
    stream.on('error', (e: Error) => this.markClosed(e));
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed || this.stream.destroyed || this.stream.writableEnded) {
      return Promise.reject(new Error('the simulator stream is closed'));
    }
    return new Promise((resolve, reject) => {
      const ok = this.stream.write(data, (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else this.stream.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    if (!this.stream.destroyed) this.stream.end();
    this.stream.destroy();
    this.markClosed();
  }
}
