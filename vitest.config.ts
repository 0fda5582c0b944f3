import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // A hang limit, not a speed limit: a test ends when its work is done, and this only turns one that
    // never ends into a failure. Far past any test's work, so that a machine kept busy by other work
    // (load 6 to 12 on two cores) does not fail a slow but working test; long suites take their budget
    // from their work (so many cases, each its budget).
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Most test time waits on consoles, timers and child processes, not the CPU: three forks keep a
    // two-core machine busy (two leave it half idle).
    maxWorkers: 3,
    reporters: ['default'],
  },
});
