/**
 * What a test opens (simulators, device sessions, rigs), closed after each test, the last opened first:
 * no test leaves a console or a simulator running for the next.
 */
import { afterEach } from 'vitest';

interface Closable {
  close(): Promise<unknown>;
}

export interface Closing {
  /** Closes `thing` after this test; a failure to close fails the test. */
  <T extends Closable>(thing: T): T;
  /** Closes `thing` after this test, ignoring a failure (a session the test saw dropped). */
  quietly<T extends Closable>(thing: T): T;
}

/** Registers the `afterEach` (call it inside a `describe`, or at the top of a file). */
export function closeAfterEach(): Closing {
  const open: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    const failures: unknown[] = [];
    for (const close of open.splice(0).reverse()) await close().catch((e: unknown) => failures.push(e));
    if (failures.length > 0) throw failures[0];
  });
  const closing = <T extends Closable>(thing: T): T => {
    open.push(() => thing.close());
    return thing;
  };
  closing.quietly = <T extends Closable>(thing: T): T => {
    open.push(() => thing.close().catch(() => undefined));
    return thing;
  };
  return closing;
}
