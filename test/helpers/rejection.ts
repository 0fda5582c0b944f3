import { expect } from 'vitest';

/**
 * The error a promise is rejected with, as the error class a test expects: a promise that settles, or
 * an error of another class, fails the test with what happened.
 */
export function rejectionOf<E extends Error>(
  type: abstract new (...args: never[]) => E,
): (p: Promise<unknown>) => Promise<E> {
  return async (p) => {
    try {
      await p;
    } catch (e) {
      if (e instanceof type) return e;
      throw e;
    }
    throw new Error(`expected a ${type.name}`);
  };
}

/**
 * The code of the error a call throws, as the error class a test expects (an error of another class
 * fails the test); undefined when it throws nothing.
 */
export function thrownCode<E extends Error & { code: string }>(
  type: abstract new (...args: never[]) => E,
): (fn: () => unknown) => E['code'] | undefined {
  return (fn) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(type);
      return (e as E).code;
    }
    return undefined;
  };
}
