import { EventEmitter } from 'node:events';

/** How to write to a console that has no flow control (spec §6): chunk size, pause, line ending. */
export interface Pacing {
  /** Bytes per write; the next waits for the previous to drain. */
  chunkBytes: number;
  /** Pause between chunks, in ms. */
  chunkDelayMs: number;
  /** What ends a command line: `\n` (SSH, jsxapi) or `\r` (serial terminals, spec §6). */
  lineEnding: '\n' | '\r' | '\r\n';
}

/**
 * A byte pipe to one device console. Serial, SSH and the in-process simulator implement it; the
 * session on top neither knows nor cares which.
 */
export interface Transport {
  readonly kind: 'serial' | 'ssh' | 'sim';
  /** For messages: `/dev/ttyACM0`, `admin@10.0.0.5:22`, `simulator`. */
  readonly label: string;
  readonly pacing: Pacing;
  readonly closed: boolean;
  /** Resolves when the bytes were handed on (and drained, where the transport can tell). */
  write(data: Uint8Array): Promise<void>;
  on(event: 'data', listener: (data: Buffer) => void): this;
  on(event: 'close', listener: (error?: Error) => void): this;
  off(event: 'data', listener: (data: Buffer) => void): this;
  off(event: 'close', listener: (error?: Error) => void): this;
  close(): Promise<void>;
}

/** The bookkeeping every transport shares: events and a closed flag set once. */
export abstract class BaseTransport extends EventEmitter implements Transport {
  abstract readonly kind: 'serial' | 'ssh' | 'sim';
  abstract readonly label: string;
  abstract readonly pacing: Pacing;
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  abstract write(data: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  protected emitData(data: Buffer): void {
    if (!this.isClosed) this.emit('data', data);
  }

  /** Marks the transport closed and tells listeners once. */
  protected markClosed(error?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.emit('close', error);
  }
}
