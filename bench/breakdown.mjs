#!/usr/bin/env node
/**
 * Where a memory-bound reduction's time goes (the bandwidth rows of `npm run bench`): per-task
 * streaming speed per thread, how busy the workers are within a job's span, and the time a job
 * spends before its first task and after its last.
 *
 *   node bench/breakdown.mjs [sum|mean|std|min] [elements]     (defaults: sum, 100M = 800 MB)
 */
import { computeArrays, persistArray, unpersistArray } from '../dist/src-main/collections/array/compute.js';
import { performance } from 'node:perf_hooks';
import { Engine } from '../dist/src-main/engine/engine.js';
import { ExprContext } from '../dist/src-main/collections/array/expr.js';
import { randomArray, reduce } from '../dist/src-main/collections/array/index.js';

const op = process.argv[2] ?? 'sum';
const n = Number(process.argv[3] ?? 100_000_000);
const engine = await Engine.start({ workers: 2 });
const ctx = new ExprContext();
const stored = await persistArray(engine, ctx, randomArray(ctx, { dist: 'uniform', shape: [n], seed: 1, chunks: 'auto' }));
const node = reduce(ctx, op, stored, null);
await computeArrays(engine, [{ name: op, node }]); // warm-up
for (let round = 0; round < 5; round++) {
  const t0 = performance.timeOrigin + performance.now();
  const r = await computeArrays(engine, [{ name: op, node }]);
  const t1 = performance.timeOrigin + performance.now();
  const partials = r.records.filter((x) => x.kind === 'reduce');
  const first = Math.min(...r.records.map((x) => x.start)), last = Math.max(...r.records.map((x) => x.stop));
  const busy = r.records.reduce((s, x) => s + x.stop - x.start, 0);
  const speeds = partials.map((x) => x.bytesIn / ((x.stop - x.start) / 1000) / 1e9).sort((a, b) => a - b);
  console.log(`${op} over ${(n * 8 / 1e6).toFixed(0)} MB: ${(n * 8 / (t1 - t0) / 1e6).toFixed(2)} GB/s overall | ` +
    `per task ${speeds[speeds.length >> 1].toFixed(2)} GB/s/thread (median of ${speeds.length}) | ` +
    `workers busy ${(busy / (last - first) / engine.workers * 100).toFixed(0)}% of the span | ` +
    `before first task ${(first - t0).toFixed(1)} ms, after last ${(t1 - last).toFixed(1)} ms`);
}
unpersistArray(engine, stored);
await engine.close();
