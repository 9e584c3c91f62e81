import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// main and preload bundle the Electron shell (src-main/hosts/electron); the renderer is the Vue
// app in src-renderer. The CLI and the engine are compiled by tsc (dist/) and need no bundling.
export default defineConfig({
  main: {
    build: { outDir: 'out/main', rollupOptions: { input: { main: resolve('src-main/hosts/electron/main.ts') } } },
  },
  preload: {
    // CommonJS: a sandboxed renderer cannot load an ES-module preload.
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { preload: resolve('src-main/hosts/electron/preload.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('src-renderer/index.html') } },
    plugins: [vue()],
  },
});
