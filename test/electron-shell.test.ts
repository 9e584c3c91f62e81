/**
 * The Electron shell without the Electron binary: its security settings (the module imports only
 * Electron's types) and the bundles electron-vite builds from it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { setWorkerModule } from '../dist/src-main/engine/task-kinds.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir } from './helpers/engine.js';
import { CONTENT_SECURITY_POLICY, secureWebPreferences } from '../src-main/hosts/electron/security.js';

describe('electron shell', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, a strict CSP', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false,
    });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/);
  });

  it('is bundled with a CommonJS preload (a sandboxed renderer cannot load an ES-module preload)', () => {
    if (!existsSync('out/main/main.js')) throw new Error('run `npm run build:app` first (npm ci does)');
    expect(readFileSync('out/main/main.js', 'utf8')).toContain('preload.cjs');
    expect(existsSync('out/preload/preload.cjs')).toBe(true);
    expect(readFileSync('out/preload/preload.cjs', 'utf8')).toContain('contextBridge');
    expect(existsSync('out/renderer/index.html')).toBe(true);
  });

  it('runs bag programs with the bundled worker and the bundled bag kinds, each built apart (as main.ts wires them)', async () => {
    const chunk = (name: string) => pathToFileURL(resolve('out/main/chunks', readdirSync('out/main/chunks').find((f) => f.startsWith(`${name}-`))!));
    const bagKinds = chunk('bag-program').href;
    const engine = await Engine.start({ workers: 2, workerUrl: chunk('worker'), moduleHooksUrl: chunk('ts-hooks') });
    const before = ['bag_partition', 'bag_combine'].map(() => new URL('../dist/src-main/collections/bag/kinds/bag-program.js', import.meta.url).href);
    try {
      for (const kind of ['bag_partition', 'bag_combine']) setWorkerModule(kind, bagKinds);
      const dir = tempDir('tessera-electron-bag-');
      writeFileSync(join(dir, 'fns.ts'), 'export const square = (x: number): number => x * x;\n');
      const spec = validateSpec({ tessera: 1, functions: 'fns.ts', datasets: { xs: { range: 10, npartitions: 3 } }, outputs: { s: 'xs.map(square).sum()' } });
      const r = await runBuiltJob(new LocalBackend(engine), await buildJob(spec, dir, { userCode: true }), { outDir: join(dir, 'out') });
      expect(r.outputs[0]).toMatchObject({ kind: 'scalar', value: 285 });
    } finally {
      ['bag_partition', 'bag_combine'].forEach((kind, i) => setWorkerModule(kind, before[i]));
      await engine.close();
    }
  });
});
