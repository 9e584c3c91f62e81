#!/usr/bin/env node
/**
 * The array-breadth rows of `npm run bench` (issue #19), measured side by side in one run against
 * numpy (one thread, x already in memory) and dask.array's threaded scheduler at its best of a few
 * chunkings, over 100M uniform doubles (Tessera and dask generate x as they go, numpy has it):
 * - the cumulative sum, `cumsum(x).sum()` on every side (no 800 MB result is gathered);
 * - boolean-mask indexing, `x[x > 0.5].sum()` (Tessera counts the mask first, then compresses).
 * The generators differ, so results are checked only to agree within 1%.
 *   node bench/arrays.mjs [--quick]      (also `npm run bench -- --only arrays`)
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { best, formatTable, python, pyTimer } from './timing.mjs';

/**
 * One job as the CLI runs it (a spec through buildJob and runBuiltJob, so a mask's count run is
 * included): the value of its one output.
 */
async function runJob(engine, n, chunk, expr) {
  const spec = validateSpec({ tessera: 1, datasets: { x: { random: 'uniform', shape: [n], chunks: [chunk], seed: 1 } }, outputs: { o: expr } });
  const job = await buildJob(spec, process.cwd(), {});
  const r = await runBuiltJob(new LocalBackend(engine), job, {});
  return r.outputs[0].value;
}

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
for name, f in (("cumsum", lambda: np.cumsum(x).sum()), ("mask", lambda: x[x > 0.5].sum())):
    out["numpy_" + name] = best(f)
    out["numpy_" + name + "_value"] = float(f())
del x
try:
    import dask, dask.array as da
    out["dask_version"] = dask.__version__
    for c in ${JSON.stringify(chunkings)}:
        y = da.cumsum(da.random.random(${n}, chunks=c)).sum()
        out["cumsum" + str(c)] = best(lambda: y.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
        x = da.random.random(${n}, chunks=c)
        z = x[x > 0.5].sum()
        out["mask" + str(c)] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
except ImportError:
    pass
print(json.dumps(out))`);

  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  for (const [name, expr] of [['cumsum', 'cumsum(x).sum()'], ['mask', 'x[x > 0.5].sum()']]) {
    let tBest = Infinity, value = NaN;
    for (const c of chunkings) {
      const t = await best(async () => { value = await runJob(engine, n, c, expr); }, repeats);
      tBest = Math.min(tBest, t);
    }
    const want = peers?.[`numpy_${name}_value`];
    if (want && Math.abs(value / want - 1) > 1e-2) problems.push(`${expr} is ${value}, numpy's ${want}`);
    const daskBest = peers?.dask_version ? Math.min(...chunkings.map((c) => peers[name + String(c)])) : null;
    const label = `${expr}, ${n / 1e6}M uniform`;
    const np1 = peers?.[`numpy_${name}`];
    row(label, 'best vs dask.array best', ms(tBest), daskBest ? ms(daskBest) : null, `dask.array ${peers?.dask_version ?? '(not installed)'} threads`, 'x faster than dask', daskBest ? daskBest / tBest : null, '>= 2x');
    row(label, 'best vs numpy (x in memory)', ms(tBest), np1 ? ms(np1) : null, 'numpy, 1 thread', 'x faster than numpy', np1 ? np1 / tBest : null);
  }
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
