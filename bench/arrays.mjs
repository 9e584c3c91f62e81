#!/usr/bin/env node
/**
 * The array-breadth rows of `npm run bench` (issue #19), measured side by side in one run against
 * numpy (one thread, x already in memory) and dask.array's threaded scheduler at its best of a few
 * chunkings. So far: the cumulative sum of 100M uniform doubles (`cumsum(x).sum()` on every side,
 * so no 800 MB result is gathered; Tessera and dask generate x as they go, numpy has it). The
 * generators differ, so the results are checked only to agree within 1% (each is about n^2/4).
 *   node bench/arrays.mjs [--quick]      (also `npm run bench -- --only arrays`)
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { computeArrays } from '../dist/src-main/collections/array/compute.js';
import { ExprContext } from '../dist/src-main/collections/array/expr.js';
import { Evaluator, randomArray } from '../dist/src-main/collections/array/index.js';
import { Engine } from '../dist/src-main/engine/engine.js';
import { best, formatTable, python, pyTimer } from './timing.mjs';

export async function arrayRows(engine, { quick = false } = {}) {
  const rows = [], problems = [];
  const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
    rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });
  const repeats = quick ? 2 : 4;
  const n = quick ? 20_000_000 : 100_000_000;
  const chunkings = [2_000_000, 5_000_000, 10_000_000];
  const workers = engine.workers;
  const peers = python(`${pyTimer(repeats)}
import numpy as np
out = {}
x = np.random.default_rng(1).random(${n})
out["numpy"] = best(lambda: np.cumsum(x).sum())
out["numpy_value"] = float(np.cumsum(x).sum())
del x
try:
    import dask, dask.array as da
    out["dask_version"] = dask.__version__
    for c in ${JSON.stringify(chunkings)}:
        y = da.cumsum(da.random.random(${n}, chunks=c)).sum()
        out[str(c)] = best(lambda: y.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
except ImportError:
    pass
print(json.dumps(out))`);

  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  let tBest = Infinity, value = NaN;
  for (const c of chunkings) {
    const ctx = new ExprContext();
    const x = randomArray(ctx, { dist: 'uniform', shape: [n], seed: 1, chunks: [c] });
    const node = new Evaluator(ctx, new Map([['x', x]])).evaluateOutput('cumsum(x).sum()');
    const t = await best(async () => { value = (await computeArrays(engine, [{ name: 's', node }])).outputs[0].value; }, repeats);
    tBest = Math.min(tBest, t);
  }
  if (peers?.numpy_value && Math.abs(value / peers.numpy_value - 1) > 1e-2) problems.push(`cumsum(x).sum() is ${value}, numpy's ${peers.numpy_value}`);
  const daskBest = peers?.dask_version ? Math.min(...chunkings.map((c) => peers[String(c)])) : null;
  const label = `cumsum(x).sum(), ${n / 1e6}M uniform`;
  row(label, 'best vs dask.array best', ms(tBest), daskBest ? ms(daskBest) : null, `dask.array ${peers?.dask_version ?? '(not installed)'} threads`, 'x faster than dask', daskBest ? daskBest / tBest : null, '>= 2x');
  row(label, 'best vs numpy (x in memory)', ms(tBest), peers?.numpy ? ms(peers.numpy) : null, 'numpy, 1 thread', 'x faster than numpy', peers?.numpy ? peers.numpy / tBest : null);
  return { rows, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const engine = await Engine.start({ workers: Math.min(2, availableParallelism()) });
  const { rows, problems } = await arrayRows(engine, { quick });
  await engine.close();
  console.log(`\nTessera array benchmarks: ${engine.workers} workers, SIMD ${engine.simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
  console.log(formatTable(rows));
  for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
}
