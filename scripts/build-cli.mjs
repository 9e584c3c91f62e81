#!/usr/bin/env node
/**
 * Bundles the CLI into dist-cli/ with Vite (its Rolldown build, as electron-vite bundles the
 * desktop app's main process): entries for the CLI (src-main/hosts/cli/bundle.ts), the engine's
 * worker, the user-module hooks and the JS task kinds' modules, which workers import by path;
 * shared code goes to chunks, loaded when a command needs it (the CLI's lazy imports stay lazy).
 * Packages from node_modules and Node's own modules stay imports.
 *
 *   node scripts/build-cli.mjs      (npm run build:cli; npm run build:ts runs it after tsc)
 */
import { resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist-cli',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: {
        tessera: resolve(root, 'src-main/hosts/cli/bundle.ts'),
        worker: resolve(root, 'src-main/engine/worker.ts'),
        'ts-hooks': resolve(root, 'src-main/engine/user-modules/ts-hooks.ts'),
        'bag-program': resolve(root, 'src-main/collections/bag/kinds/bag-program.ts'),
        'bag-table-kind': resolve(root, 'src-main/run/bag-tables/bag-table-kind.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
