/**
 * The machine's memory read bandwidth, as the bench measures it (the reference of its bandwidth
 * rows): worker threads each stream their share of persisted chunks through the addon's
 * readProbe (a plain vector read of every byte), best of a few rounds. Used by bench/run.mjs and
 * bench/dataframes.mjs.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { persistArray, persistedChunkIds, unpersistArray } from '../dist/src-main/collections/array/compute.js';
import { ExprContext } from '../dist/src-main/collections/array/expr.js';
import { randomArray } from '../dist/src-main/collections/array/index.js';
import { addonPath } from '../dist/src-main/native/addon.js';

/** A probe over the given chunk ids (`bytes` in all): `probe(threads, repeats)` resolves to GB/s. */
export function bandwidthProbe(ids, bytes) {
  return async function probe(threads, repeats) {
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      const addon = require(workerData.addon);
      parentPort.on('message', () => {
        const t0 = performance.now();
        let acc = 0;
        for (const id of workerData.ids) acc |= addon.readProbe(id);
        parentPort.postMessage({ ms: performance.now() - t0, acc });
      });`;
    const parts = Array.from({ length: threads }, (_, t) => ids.filter((_, i) => i % threads === t));
    const workers = parts.map((p) => new Worker(code, { eval: true, workerData: { ids: p, addon: addonPath() } }));
    const once = () => Promise.all(workers.map((w) => new Promise((r) => { w.once('message', r); w.postMessage(0); })));
    await once();
    let bestGbps = 0;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      await once();
      bestGbps = Math.max(bestGbps, bytes / ((performance.now() - t0) / 1000) / 1e9);
    }
    await Promise.all(workers.map((w) => w.terminate()));
    return bestGbps;
  };
}

/** GB/s read by 1 thread and by `threads`, over a persisted float64 array of `n` elements. */
export async function readBandwidth(engine, { n = 50_000_000, threads = 2, repeats = 5 } = {}) {
  const ctx = new ExprContext();
  const stored = await persistArray(engine, ctx, randomArray(ctx, { dist: 'uniform', shape: [n], seed: 1, chunks: 'auto' }));
  try {
    const probe = bandwidthProbe(persistedChunkIds(engine, stored), n * 8);
    return { one: await probe(1, repeats), all: await probe(threads, repeats), threads };
  } finally {
    unpersistArray(engine, stored);
  }
}
