/**
 * The scheduler's stated policies: static priorities that free memory early, release on last
 * use, the memory budget gate, failure with the task key, cancellation, the synchronous mode;
 * and the optimizer's fusion and common-subexpression decisions, read off the lowered graph.
 */
import { computeArrays, lowerArrays, persistArray, unpersistArray } from '../dist/src-main/collections/array/compute.js';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { EventBus } from '../dist/src-main/engine/events.js';
import type { Layer, Task, TaskGraph } from '../dist/src-main/engine/graph.js';
import { finishGraph } from '../dist/src-main/engine/finish-graph.js';
import { readCallResult, type CallSpec } from '../dist/src-main/engine/kinds/call.js';
import { native } from '../dist/src-main/native/addon.js';
import { lowWaterFor, prefetchFor } from '../dist/src-main/engine/scheduler.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runSpec, tempDir, values, type SpecInput } from './helpers/engine.js';

let engine: Engine;
let sync: Engine;
beforeAll(async () => { engine = await Engine.start({ workers: 2 }); sync = await Engine.start({ scheduler: 'sync' }); });
afterAll(async () => { await engine.close(); await sync.close(); });

async function lower(spec: SpecInput): Promise<TaskGraph> {
  const job = await buildJob(validateSpec({ tessera: 1, datasets: spec.datasets ?? {}, outputs: spec.outputs }), tempDir());
  return lowerArrays(job.outputs);
}

/** Replays a graph on one worker in priority order and returns the most chunks held at once. */
function maxHeldInPriorityOrder(g: TaskGraph): number {
  const uses = new Map<string, number>();
  for (const t of g.tasks) for (const d of new Set(t.deps)) uses.set(d, (uses.get(d) ?? 0) + 1);
  const remaining = new Map(g.tasks.map((t) => [t.key, new Set(t.deps).size]));
  const dependents = new Map<string, string[]>();
  for (const t of g.tasks) for (const d of new Set(t.deps)) dependents.set(d, [...(dependents.get(d) ?? []), t.key]);
  const ready = g.tasks.filter((t) => remaining.get(t.key) === 0);
  let held = 0, max = 0;
  while (ready.length) {
    ready.sort((a, b) => a.priority - b.priority);
    const t = ready.shift()!;
    if (uses.has(t.key)) held++;
    max = Math.max(max, held);
    for (const d of new Set(t.deps)) { const u = uses.get(d)! - 1; uses.set(d, u); if (u === 0) held--; }
    for (const k of dependents.get(t.key) ?? []) { const r = remaining.get(k)! - 1; remaining.set(k, r); if (r === 0) ready.push(g.tasks[g.indexOf.get(k)!]); }
  }
  return max;
}

describe('optimizer', () => {
  it('interns identical subexpressions into one node, and describes nodes as JSON', async () => {
    const { ExprContext, describe: describeNode } = await import('../dist/src-main/collections/array/expr.js');
    const { Evaluator, randomArray } = await import('../dist/src-main/collections/array/index.js');
    const ctx = new ExprContext();
    const x = randomArray(ctx, { dist: 'uniform', shape: [100], seed: 1, chunks: [10] });
    const ev = new Evaluator(ctx, new Map([['x', x]]));
    const a = ev.evaluateOutput('sqrt(x ** 2) + 1');
    const b = ev.evaluateOutput('sqrt((x ** 2)) + 1');
    expect(b).toBe(a);
    const d = JSON.parse(JSON.stringify(describeNode(a)));
    expect(d).toMatchObject({ op: 'map', fn: 'add', dtype: 'float64', shape: [100] });
    expect(d.args).toHaveLength(2);
    expect(typeof d.args[0]).toBe('number');
  });

  it('fuses an elementwise chain and its reduction into one layer of tasks (and a combine tree)', async () => {
    const g = await lower({ datasets: { x: { random: 'uniform', shape: [1_000_000], chunks: [10_000] } }, outputs: { m: 'sqrt(x ** 2).mean()' } });
    // 100 partials -> 13 -> 2 -> 1 (fan-in 8): one fused reduce layer and three combine levels.
    expect(g.layers.map((l) => l.kind).sort()).toEqual(['combine', 'combine', 'combine', 'reduce']);
    expect(g.tasks.filter((t) => t.spec.kind === 'map')).toHaveLength(0);
    expect(g.tasks.filter((t) => t.spec.kind === 'reduce')).toHaveLength(100);
    expect(g.layers.find((l) => l.kind === 'reduce')!.label).toBe('m · uniform-power-sqrt-mean'); // named by its output and its fused operations
    expect(g.layers.filter((l) => l.kind === 'combine').map((l) => l.label).sort()).toEqual(['m · mean-combine-1', 'm · mean-combine-2', 'm · power-sqrt-mean-combine']);
  });

  it('computes a subexpression shared by several outputs once', async () => {
    const g = await lower({
      datasets: { x: { random: 'normal', shape: [100_000], chunks: [10_000] } },
      outputs: { a: 'sqrt(abs(x) + 1).sum()', b: 'sqrt(abs(x) + 1).max()', c: '(sqrt(abs(x) + 1) * 2).mean()' },
    });
    const sqrtLayers = g.layers.filter((l) => l.kind === 'map' && l.label.includes('sqrt'));
    expect(sqrtLayers).toHaveLength(1);
    expect(sqrtLayers[0].tasks).toBe(10);
    // The three reductions read the shared chunks instead of recomputing them.
    const partials = g.tasks.filter((t) => t.spec.kind === 'reduce');
    expect(partials.every((t) => t.deps.length === 1 && t.deps[0].startsWith(g.layers.find((l) => l.label.includes('sqrt'))!.name))).toBe(true);
  });

  it('priorities finish a subtree before opening the next: memory grows with tree depth, not chunk count', async () => {
    const g = await lower({ datasets: { x: { random: 'uniform', shape: [1_000_000], chunks: [1000] } }, outputs: { m: 'x.std()' } });
    expect(g.tasks.filter((t) => t.spec.kind === 'reduce')).toHaveLength(1000);
    expect(maxHeldInPriorityOrder(g)).toBeLessThanOrEqual(3 * 8);
    const w = await lower({ datasets: { x: { random: 'uniform', shape: [1_000_000], chunks: [1000] } }, outputs: { y: 'x * 2' } });
    expect(maxHeldInPriorityOrder(w)).toBeLessThanOrEqual(1); // each chunk is written right after it is made
  });

  it('priorities have every output read a shared chunk while it is in memory, not one output after another', async () => {
    // x's chunks are read by three outputs: each chunk's three readers come right after it (the
    // walk from the first output alone would keep all 100 of x's chunks for the other two).
    const g = await lower({ datasets: { x: { random: 'uniform', shape: [1_000_000], chunks: [10_000] } }, outputs: { y: 'exp(x) * 2', s: 'exp(x).sum()', m: 'exp(x).max()' } });
    expect(g.tasks.filter((t) => t.spec.kind === 'reduce')).toHaveLength(200);
    expect(maxHeldInPriorityOrder(g)).toBeLessThanOrEqual(3 * 8 * 2);
  });

  it('numbers every dependency once, at lowering: its task, or -1 for a persisted chunk', async () => {
    const g = await lower({ datasets: { a: { random: 'normal', shape: [300, 200], chunks: [64, 50] } }, outputs: { m: '(a - a.mean(axis=0)).std()', t: '(a @ a.T)[0, :5]' } });
    expect(g.indexOf.size).toBe(g.tasks.length);
    g.tasks.forEach((t, i) => {
      expect(g.indexOf.get(t.key)).toBe(i);
      expect(g.depIndex[i]).toEqual(t.deps.map((d) => g.indexOf.get(d)));
    });
    // (A job reading a persisted array's chunks, the -1 case, runs in the persist test below.)
  });
});

describe('scheduler', () => {
  it('releases every intermediate on its last use: the store is empty after a job', async () => {
    const spec = {
      datasets: { a: { random: 'normal', shape: [400, 300], chunks: [50, 60] } },
      outputs: { c: '(a - a.mean(axis=0)).std(axis=0)', s: '(a @ a.T).sum()', big: 'a * 2' },
    };
    const before = native().storeStats().currentBytes;
    const r = await runSpec(engine, spec);
    expect(r.outputs).toHaveLength(3);
    expect(native().storeStats().currentBytes).toBe(before);
    // In priority order (the synchronous mode: deterministic), peak managed memory stays far
    // below all the chunks the job made. With threads the peak also depends on timing.
    const inline = await runSpec(sync, spec);
    const made = inline.records.reduce((s, t) => s + t.bytesOut, 0);
    expect(inline.stats.peak_store_bytes).toBeLessThan(made / 3);
    expect(native().storeStats().currentBytes).toBe(before);
  });

  it('holds back source tasks while the store is over the memory limit', async () => {
    const chunkBytes = 100_000 * 8;
    const limit = 2 * chunkBytes;
    const r = await runSpec(engine, {
      datasets: { x: { random: 'uniform', shape: [6_000_000], chunks: [100_000] } },
      outputs: { y: '(x * 3).rechunk(1_000_000) + 1' },
    }, tempDir(), { memoryLimit: limit });
    // The rechunk holds ten 0.8 MB chunks per output chunk; the gate keeps the rest out.
    const peakHeld = Math.max(...r.samples.map((s) => s.storeBytes));
    expect(r.stats.peak_store_bytes).toBeLessThanOrEqual(10 * chunkBytes + 2 * 1_000_000 * 8 + 2 * chunkBytes);
    expect(peakHeld).toBeLessThanOrEqual(r.stats.peak_store_bytes);
    const unlimited = await runSpec(engine, {
      datasets: { x: { random: 'uniform', shape: [6_000_000], chunks: [100_000] } },
      outputs: { y: '(x * 3).rechunk(1_000_000) + 1' },
    });
    expect(r.stats.peak_store_bytes).toBeLessThanOrEqual(unlimited.stats.peak_store_bytes);
  });

  it('a failing task fails the job with its key, removes temp files, and leaves the engine usable', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out', 'y.npy'), { recursive: true }); // the final name is taken by a folder
    const err = await runSpec(engine, { datasets: { x: { random: 'uniform', shape: [50_000], chunks: [5000] } }, outputs: { y: 'x + 1' } }, dir).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect(err.code).toBe('WRITE_FAILED');
    expect(err.task).toBe('commit-y:');
    expect(err.phase).toBe('run');
    expect(readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(values(await runSpec(engine, { outputs: { s: 'arange(10).sum()' } })).s).toBe(45);
  });

  it('cancel stops a running job, writes no output, frees its memory, and the engine runs the next job', async () => {
    const dir = tempDir();
    const job = await buildJob(validateSpec({
      tessera: 1, datasets: { x: { random: 'normal', shape: [300_000_000], chunks: [100_000] } }, outputs: { y: 'exp(x) * 2' },
    }), dir);
    const abort = new AbortController();
    const bus = new EventBus();
    let done = 0;
    bus.on((e) => { if (e.type === 'progress' && (done = e.progress.done) >= 20) abort.abort(); });
    const t0 = Date.now();
    const err = await runBuiltJob(new LocalBackend(engine), job, { outDir: join(dir, 'out'), bus, signal: abort.signal }).then(() => null, (e) => e);
    expect(err?.code).toBe('CANCELLED');
    expect(done).toBeLessThan(3000);          // of 3000 map tasks and 3000 writes
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(existsSync(join(dir, 'out', 'y.npy'))).toBe(false);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
    expect(native().storeStats().currentBytes).toBe(0);
    expect(values(await runSpec(engine, { outputs: { s: 'ones((3, 4)).sum()' } })).s).toBe(12);
  });

  it('the synchronous mode gives bit-identical results and the same task stream shape', async () => {
    const spec = {
      datasets: { a: { random: 'normal', shape: [300, 200], chunks: [64, 50], seed: 3 } },
      outputs: { m: 'a.mean(axis=0)[:10]', s: 'sqrt(a ** 2).std()', mm: '(a[:20] @ a[:20].T)[0, :5]' },
    };
    const threaded = await runSpec(engine, spec);
    const inline = await runSpec(sync, spec);
    expect(values(inline)).toEqual(values(threaded));
    expect(inline.records.length).toBe(threaded.records.length);
    expect(new Set(inline.records.map((r) => r.worker))).toEqual(new Set([0]));
    // (Which workers ran the threaded job's tasks is up to who claimed them first: a job this small
    // can be drained by one. task-queue.test.ts shows two workers sharing a queue.)
    for (const r of threaded.records) expect([0, 1]).toContain(r.worker);
  });

  it('every task emits one record with key, layer, worker, times and bytes', async () => {
    const r = await runSpec(engine, { datasets: { x: { random: 'uniform', shape: [100_000], chunks: [10_000] } }, outputs: { y: '(x * 2)[:5]', m: 'x.mean()' } });
    const keys = r.records.map((t) => t.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(r.records.length).toBe(r.stats.tasks);
    for (const t of r.records) {
      expect(t.stop).toBeGreaterThanOrEqual(t.start);
      expect(t.layer.length).toBeGreaterThan(0);
      expect([0, 1]).toContain(t.worker);
    }
    const partial = r.records.find((t) => t.kind === 'reduce')!;
    expect(partial.bytesIn).toBe(0); // generated, not read
    expect(r.samples.length).toBeGreaterThan(1);
  });

  it('keeps about 16 ms of work per worker in flight and wakes to refill with about 2 ms left; a job starts from the last one', async () => {
    expect([prefetchFor(10), prefetchFor(1), prefetchFor(0.1), prefetchFor(0.001)]).toEqual([2, 16, 64, 64]);
    expect(lowWaterFor(10, 2, 4)).toBe(2);     // long tasks: one per worker left
    expect(lowWaterFor(1, 2, 32)).toBe(4);     // 1 ms tasks: refill 28 at a time
    expect(lowWaterFor(0.001, 2, 128)).toBe(64); // tiny tasks: half the queue
    const r = await runSpec(engine, { datasets: { x: { random: 'uniform', shape: [200_000], chunks: [10_000] } }, outputs: { m: 'x.sum()' } });
    const partials = r.records.filter((t) => t.kind === 'reduce');
    const mean = r.records.reduce((s, t) => s + t.stop - t.start, 0) / r.records.length;
    expect(partials.length).toBe(20);
    expect(engine.pool!.lastMeanTaskMs).toBeCloseTo(mean, 6);
  });

  it('a job of long tasks after one of tiny tasks queues at most 16 per worker on the guess, and reports progress as it goes', async () => {
    await runSpec(engine, { outputs: { s: 'ones(4000, chunks=1).sum()' } });
    expect(engine.pool!.lastMeanTaskMs).toBeLessThan(0.2); // tiny: 64 per worker once measured
    const bus = new EventBus();
    const progress: { done: number; running: number }[] = [];
    bus.on((e) => { if (e.type === 'progress') progress.push({ done: e.progress.done, running: e.progress.running }); });
    // Tasks of 400,000 normal draws and exps: about 2 ms each with today's kernels (well over 1 ms).
    const spec = { datasets: { x: { random: 'normal', shape: [80_000_000], chunks: [400_000], seed: 1 } }, outputs: { s: 'exp(x).sum()' } };
    const job = await buildJob(validateSpec({ tessera: 1, datasets: spec.datasets, outputs: spec.outputs }), tempDir());
    await runBuiltJob(new LocalBackend(engine), job, { outDir: tempDir(), bus });
    expect(progress[0].running).toBeLessThanOrEqual(2 * 16);
    expect(progress.length).toBeGreaterThan(3); // not only at the few refills of a long queue
    expect(engine.pool!.lastMeanTaskMs).toBeGreaterThan(1);
  });
  it('starts the last source tasks before the partials that priority puts first, so short tasks fill the tail', async () => {
    // 12 reads of 15 ms, each followed by a 1 ms partial, on 2 workers (4 in flight). By priority
    // partial i comes before read i+1, so without the tail rule the last read starts after nearly
    // every partial and runs alone at the end (2-3 partials started after it); with it, the reads
    // still waiting once they fit in the in-flight limit are queued first (6-8 partials after).
    const dir = tempDir();
    const module = join(dir, 'tail.mjs');
    writeFileSync(module, `
      const spin = (ms) => { const end = performance.now() + ms; while (performance.now() < end); };
      export function read(i) { spin(15); return i; }
      export function part(x) { spin(1); return x * 2; }
      export function total(...xs) { return xs.reduce((a, b) => a + b, 0); }`);
    const call = (key: string, layer: string, name: string, args: CallSpec['args'], deps: string[] = []): Task<CallSpec> =>
      ({ key, layer, index: [Number(key.split(':')[1])], deps, priority: 0, estBytes: 64, spec: { kind: 'call', module, name, args } });
    const n = 12;
    const tasks: Task<CallSpec>[] = [];
    for (let i = 0; i < n; i++) tasks.push(call(`read:${i}`, 'read', 'read', [{ value: i }]));
    for (let i = 0; i < n; i++) tasks.push(call(`part:${i}`, 'part', 'part', [{ dep: 0 }], [`read:${i}`]));
    tasks.push(call('total:0', 'total', 'total', tasks.slice(n).map((_, k) => ({ dep: k })), tasks.slice(n).map((t) => t.key)));
    const layers: Layer[] = ['read', 'part', 'total'].map((name) => ({ name, label: name, kind: 'call', tasks: 0, deps: [], indexShape: [] }));
    const owner = engine.newJob();
    try {
      const r = await engine.run(finishGraph(tasks, layers), { owner, keep: new Set(['total:0']) });
      expect(readCallResult(r.chunks.get('total:0')!)).toBe(n * (n - 1));
      const lastRead = Math.max(...r.records.filter((t) => t.layer === 'read').map((t) => t.start));
      const partsAfter = r.records.filter((t) => t.layer === 'part' && t.start > lastRead).length;
      expect(partsAfter).toBeGreaterThanOrEqual(5);
    } finally {
      engine.freeJob(owner);
    }
  });
});

describe('persist', () => {
  it('keeps an array in the store for later jobs, which read it instead of recomputing it', async () => {
    const { ExprContext } = await import('../dist/src-main/collections/array/expr.js');
    const { randomArray, reduce, elementwise } = await import('../dist/src-main/collections/array/index.js');
    const ctx = new ExprContext();
    const x = randomArray(ctx, { dist: 'normal', shape: [200_000], seed: 9, chunks: [25_000] });
    const base = native().storeStats().currentBytes;
    const stored = await persistArray(engine, ctx, elementwise(ctx, 'multiply', [x, x]));
    expect(native().storeStats().currentBytes - base).toBe(200_000 * 8);
    const fromStore = await computeArrays(engine, [{ name: 's', node: reduce(ctx, 'sum', stored, null) }, { name: 'm', node: reduce(ctx, 'max', stored, null) }]);
    const fresh = await computeArrays(engine, [{ name: 's', node: reduce(ctx, 'sum', elementwise(ctx, 'multiply', [x, x]), null) }, { name: 'm', node: reduce(ctx, 'max', elementwise(ctx, 'multiply', [x, x]), null) }]);
    expect(fromStore.outputs).toEqual(fresh.outputs);
    expect(fromStore.records.every((r) => r.bytesIn > 0 || r.kind !== 'reduce')).toBe(true);
    unpersistArray(engine, stored);
    expect(native().storeStats().currentBytes).toBe(base);
  });
});
