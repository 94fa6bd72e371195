import { defineConfig } from 'vitest/config';

// chDB binds one data directory per process, so every test file runs in its own
// forked process; two at a time on a 2-core machine.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.test-runs/**'],
    pool: 'forks',
    isolate: true,
    maxWorkers: 2,
    fileParallelism: true,
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
