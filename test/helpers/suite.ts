/** Something a suite makes once for all its tests. */
import { afterAll, beforeAll } from 'vitest';

/**
 * `make()` before the suite's first test, `close()` after its last (call inside its `describe`). The
 * returned object stands for what was made: its fields and methods are read in the tests.
 */
export function perSuite<T extends object>(make: () => T | Promise<T>, close: (made: T) => unknown): T {
  let made: T | undefined;
  beforeAll(async () => {
    made = await make();
  });
  afterAll(async () => {
    if (made) await close(made);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!made) throw new Error(`read before the suite's first test: ${String(key)}`);
      const value: unknown = Reflect.get(made, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(made) : value;
    },
  });
}
