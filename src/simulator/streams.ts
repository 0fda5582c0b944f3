import { Duplex } from 'node:stream';

/**
 * The tool's end of an in-process console: what the tool writes goes to `onInput`, what the device
 * sends is pushed here. `hangUp` ends it from the device's side (the tool sees 'end' then 'close').
 */
export class ToolEnd extends Duplex {
  private hungUp = false;

  constructor(
    private readonly onInput: (data: Buffer) => void,
    private readonly onClose: () => void,
  ) {
    super({ allowHalfOpen: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.hungUp) this.onInput(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.onClose();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.onClose();
    cb(err);
  }

  /** Device output. */
  deliver(data: Buffer): void {
    if (!this.hungUp && !this.destroyed) this.push(data);
  }

  /** The device hung up. */
  hangUp(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    if (!this.destroyed) {
      this.push(null);
      this.end();
    }
  }
}
