/**
 * An engine whose workers start with the first job that can use them (`lazyWorkers`, what `tessera
 * run` asks for, issue #18): a small job (one task per layer, each small) runs on the main thread
 * without starting any; a job that has tasks to run at once, or one long task (a signal must still
 * cancel it at once, and the main thread would not see it), starts them; a user's function always
 * runs in a worker. The results are the eager engine's either way.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runSpec, tempDir, values } from './helpers/engine.js';

const engines: Engine[] = [];
afterAll(async () => { for (const e of engines) await e.close(); });
async function start(lazyWorkers: boolean): Promise<Engine> {
  const e = await Engine.start({ workers: 2, lazyWorkers });
  engines.push(e);
  return e;
}

const ONE_CHUNK = { datasets: { x: { random: 'uniform', shape: [50_000], seed: 4, chunks: [50_000] } }, outputs: { m: 'sqrt(x ** 2).mean()', top: 'x[:3] * 2' } };
const MANY_CHUNKS = { datasets: { x: { random: 'normal', shape: [400_000], seed: 9, chunks: [50_000] } }, outputs: { s: 'x.std()', c: '(x > 1).sum()' } };

describe('an engine with lazy workers', () => {
  it('runs a job of one task per layer on this thread, and starts its workers for a job that can use them', async () => {
    const lazy = await start(true);
    const eager = await start(false);
    expect(lazy.pool).toBeNull();
    expect(lazy.workers).toBe(2); // what planning sizes "auto" chunks by, before any start

    const small = await runSpec(lazy, ONE_CHUNK);
    expect(lazy.pool).toBeNull();
    expect(small.workers).toBe(1);
    expect(new Set(small.records.map((r) => r.worker))).toEqual(new Set([0]));
    expect(values(small)).toEqual(values(await runSpec(eager, ONE_CHUNK)));

    const wide = await runSpec(lazy, MANY_CHUNKS);
    expect(lazy.pool?.size).toBe(2);
    expect(wide.workers).toBe(2);
    expect(values(wide)).toEqual(values(await runSpec(eager, MANY_CHUNKS)));
    // Once started, every job runs on them.
    expect((await runSpec(lazy, ONE_CHUNK)).workers).toBe(2);
  });

  it('starts its workers for one long task too: this thread would not see a Ctrl-C while it ran', async () => {
    const lazy = await start(true);
    const r = await runSpec(lazy, { datasets: { x: { random: 'uniform', shape: [4_000_000], seed: 2, chunks: [4_000_000] } }, outputs: { s: 'x.sum()' } });
    expect(r.stats.tasks).toBe(1);
    expect(lazy.pool?.size).toBe(2);
  });

  it('starts its workers for a user\'s function even in a one-task job: user code never runs on the main thread', async () => {
    const lazy = await start(true);
    const dir = tempDir('tessera-lazy-');
    writeFileSync(join(dir, 'f.ts'), 'export const double = (b: Float64Array): Float64Array => b.map((v) => 2 * v);\n');
    const spec = validateSpec({ tessera: 1, functions: 'f.ts', datasets: { x: { random: 'uniform', shape: [1000], seed: 1, chunks: [1000] } }, outputs: { s: 'x.map_blocks(double).sum()' } });
    const r = await runBuiltJob(new LocalBackend(lazy), await buildJob(spec, dir, { userCode: true }), { outDir: join(dir, 'out') });
    expect(lazy.pool?.size).toBe(2);
    const plain = await runSpec(lazy, { datasets: { x: { random: 'uniform', shape: [1000], seed: 1, chunks: [1000] } }, outputs: { s: 'x.sum()' } });
    expect(values(r).s).toBeCloseTo(2 * (values(plain).s as number), 12);
  });
});
