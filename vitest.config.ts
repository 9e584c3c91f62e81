import { defineConfig } from 'vitest/config';

// Tests import the built JavaScript (dist/) so the worker threads, the addon and the CLI run
// exactly as shipped; `npm test` compiles first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
