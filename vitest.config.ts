import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test time waits on consoles, timers and child processes, not the CPU: three forks keep a
    // two-core machine busy (two leave it half idle).
    maxWorkers: 3,
    reporters: ['default'],
  },
});
