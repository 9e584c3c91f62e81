import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Two projects. "engine": tests import the built JavaScript (dist/) so the worker threads, the
// addon and the CLI run exactly as shipped; `npm test` compiles first. "components": the renderer's
// panels mounted in happy-dom from their sources, fed the events a real job emits.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    globalSetup: ['test/helpers/temp-root.ts'],
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'engine', include: ['test/*.test.ts'], exclude: ['test/fuzz.test.ts'], environment: 'node', pool: 'forks', sequence: { groupOrder: 1 } },
      },
      {
        // Last (groups run in groupOrder; vitest puts sequential files of groupOrder 0 after every
        // other group, so none is 0): `npm test` builds the sanitizer targets in the background meanwhile (scripts/test.mjs).
        extends: true,
        test: { name: 'fuzz', include: ['test/fuzz.test.ts'], environment: 'node', pool: 'forks', sequence: { groupOrder: 2 } },
      },
      {
        extends: true,
        plugins: [vue()],
        test: { name: 'components', include: ['test/components/*.test.ts'], environment: 'happy-dom', sequence: { groupOrder: 1 } },
      },
    ],
  },
});
