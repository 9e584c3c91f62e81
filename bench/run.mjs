#!/usr/bin/env node
/**
 * `npm run bench`: Tessera against its peers, measured side by side in one run, printed as one
 * table of ratios. Peers: numpy (one thread) and Dask's threaded scheduler from Debian's
 * python3-numpy / python3-dask, where installed. Timings are the best of a few repeats after a
 * warm-up (noisy shared machines: compare the ratios, not the absolute numbers).
 *
 *   node bench/run.mjs [--quick] [--cold] [--only seed|bandwidth|overhead|arrays|hdf5|dataframes|sql|bags|cluster|startup]
 *   (--quick: fewer repeats and a smaller bandwidth array; --only: one part of the table;
 *   --cold: no engine warm-up before the bandwidth rows, as in a process's first jobs)
 * The array rows (bench/arrays.mjs, bench/array-kernels.mjs): cumsum, x[x > 0.5].sum(), sort, percentile, FFTs of rows and of
 * 2^24 points, histogram, a 4000 x 4000 matmul and a tall-skinny QR against numpy and dask.array. The dataframe rows (bench/dataframes.mjs): the flights filter + group-by against Polars, DuckDB,
 * pandas and dask.dataframe, and the CSV parse against the memory bandwidth. The SQL rows
 * (bench/sql.mjs): the seed's query and five analytic queries against DuckDB and Polars' SQL. The bag rows
 * (bench/bags.mjs): word count against Counter and dask.bag, a map of tiny calls against joblib.
 * The cluster rows (bench/cluster.mjs): the seed job on a loopback Dask cluster against dask.array.
 * The startup rows (bench/startup.mjs): Tessera as whole processes, against node and python3 + dask.array.
 */
import { computeArrays, lowerArrays, persistArray, persistedChunkIds, unpersistArray } from '../dist/src-main/collections/array/compute.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../dist/src-main/engine/engine.js';
import { ExprContext } from '../dist/src-main/collections/array/expr.js';
import { Evaluator, npyArray, randomArray, readNpyInfo, full, reduce } from '../dist/src-main/collections/array/index.js';
import { best as bestOf, formatTable, python, pyTimer } from './timing.mjs';
import { bandwidthProbe } from './bandwidth.mjs';
import { dataframeRows } from './dataframes.mjs';
import { sqlRows } from './sql.mjs';
import { bagRows } from './bags.mjs';
import { clusterRows } from './cluster.mjs';
import { startupRows } from './startup.mjs';
import { arrayRows } from './arrays.mjs';
import { arrayKernelRows } from './array-kernels.mjs';
import { hdf5Rows } from './hdf5.mjs';

const quick = process.argv.includes('--quick');
const cold = process.argv.includes('--cold');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : null;
if (only && !['seed', 'bandwidth', 'overhead', 'arrays', 'hdf5', 'dataframes', 'sql', 'bags', 'cluster', 'startup'].includes(only)) throw new Error(`--only takes seed, bandwidth, overhead, arrays, hdf5, dataframes, sql, bags, cluster or startup, not ${only}`);
const want = (part) => !only || only === part;
const REPEATS = quick ? 2 : 5;
const WORKERS = Math.min(2, availableParallelism());
const SEED_N = 10_000_000;
const SEED_CHUNKS = [100_000, 500_000, 1_000_000, 2_000_000, 5_000_000];
const BW_N = quick ? 25_000_000 : 100_000_000; // 800 MB of float64
const OVERHEAD_TASKS = 20_000;

const rows = [];
const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
  rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });

const best = (f, repeats = REPEATS) => bestOf(f, repeats);
const PY_TIMER = pyTimer(REPEATS);

const numpySeed = want('seed') && python(`${PY_TIMER}
import numpy as np
rng = np.random.default_rng(42)
def gen_and_compute():
    x = rng.random(${SEED_N})
    return np.sqrt(x ** 2).mean()
x = rng.random(${SEED_N})
print(json.dumps({"full": best(gen_and_compute), "compute": best(lambda: np.sqrt(x ** 2).mean()),
                  "normal": best(lambda: rng.standard_normal(${SEED_N}).std()),
                  "exp": best(lambda: np.exp(rng.random(${SEED_N})).sum()), "log": best(lambda: np.log(rng.random(${SEED_N})).sum())}))`);

const daskSeed = want('seed') && python(`${PY_TIMER}
import dask, dask.array as da
out = {"version": dask.__version__}
for c in ${JSON.stringify(SEED_CHUNKS)}:
    x = da.random.random(${SEED_N}, chunks=c)
    y = da.sqrt(x ** 2).mean()
    out[str(c)] = best(lambda: y.compute(scheduler='threads', num_workers=${WORKERS}), repeats=${quick ? 1 : 3})
print(json.dumps(out))`);

const daskOverhead = want('overhead') && python(`${PY_TIMER}
import dask.array as da
x = da.ones(${OVERHEAD_TASKS}, chunks=1).sum()
n = len(dict(x.__dask_graph__()))
t = best(lambda: x.compute(scheduler='threads', num_workers=${WORKERS}), repeats=${quick ? 1 : 3})
print(json.dumps({"tasks": n, "wall": t}))`);

const numpyBw = want('bandwidth') && python(`${PY_TIMER}
import numpy as np
x = np.random.default_rng(0).random(${BW_N})
print(json.dumps({op: best(getattr(x, op), repeats=3) for op in ("sum", "mean", "std", "min")}))`);

// ---- Tessera ---------------------------------------------------------------------------------
const engine = await Engine.start({ workers: WORKERS });
const evaluate = (ctx, datasets, src) => new Evaluator(ctx, new Map(Object.entries(datasets))).evaluateOutput(src);

if (want('seed')) {
  // 1. The seed workload at each chunking.
  const seedTimes = {};
  for (const c of SEED_CHUNKS) {
    const ctx = new ExprContext();
    const x = randomArray(ctx, { dist: 'uniform', shape: [SEED_N], seed: 42, chunks: [c] });
    const node = evaluate(ctx, { x }, 'sqrt(x ** 2).mean()');
    seedTimes[c] = await best(() => computeArrays(engine, [{ name: 'm', node }]));
  }
  const tBest = Math.min(...Object.values(seedTimes));
  const daskBest = daskSeed ? Math.min(...SEED_CHUNKS.map((c) => daskSeed[String(c)])) : null;
  for (const c of SEED_CHUNKS) {
    row('seed sqrt(x**2).mean(), 10M', `chunks ${c.toExponential(0)}`, `${(seedTimes[c] * 1000).toFixed(1)} ms`,
      daskSeed ? `${(daskSeed[String(c)] * 1000).toFixed(1)} ms` : null, `Dask ${daskSeed?.version ?? 'n/a'} threads`,
      'x faster than Dask (same chunks)', daskSeed ? daskSeed[String(c)] / seedTimes[c] : null);
  }
  row('seed sqrt(x**2).mean(), 10M', 'best vs best', `${(tBest * 1000).toFixed(1)} ms`, daskBest ? `${(daskBest * 1000).toFixed(1)} ms` : null,
    'Dask best chunking', 'x faster than Dask', daskBest ? daskBest / tBest : null, '>= 5x');
  row('seed sqrt(x**2).mean(), 10M', 'best vs numpy (generate + compute)', `${(tBest * 1000).toFixed(1)} ms`,
    numpySeed ? `${(numpySeed.full * 1000).toFixed(1)} ms` : null, 'numpy, 1 thread', 'x faster than numpy', numpySeed ? numpySeed.full / tBest : null, '>= 2x');
  row('seed sqrt(x**2).mean(), 10M', 'best vs numpy (x already in memory)', `${(tBest * 1000).toFixed(1)} ms`,
    numpySeed ? `${(numpySeed.compute * 1000).toFixed(1)} ms` : null, 'numpy compute only', 'x faster than numpy', numpySeed ? numpySeed.compute / tBest : null);
  // The normal generator (Box-Muller, vectorised) against numpy's ziggurat.
  const ctx = new ExprContext();
  const z = reduce(ctx, 'std', randomArray(ctx, { dist: 'normal', shape: [SEED_N], seed: 42, chunks: [1_000_000] }), null);
  const tNormal = await best(() => computeArrays(engine, [{ name: 's', node: z }]));
  row('random normal, 10M, .std()', 'chunks 1e+6', `${(tNormal * 1000).toFixed(1)} ms`, numpySeed ? `${(numpySeed.normal * 1000).toFixed(1)} ms` : null,
    'numpy standard_normal, 1 thread', 'x faster than numpy', numpySeed ? numpySeed.normal / tNormal : null);
  // Transcendentals in the fused evaluator (exp and log are Tessera's own vector code, ADR 0001).
  for (const f of ['exp', 'log']) {
    const c3 = new ExprContext();
    const x = randomArray(c3, { dist: 'uniform', shape: [SEED_N], seed: 42, chunks: [1_000_000] });
    const node = evaluate(c3, { x }, `${f}(x).sum()`);
    const t = await best(() => computeArrays(engine, [{ name: f, node }]));
    row(`${f}(x).sum(), 10M uniform`, 'chunks 1e+6', `${(t * 1000).toFixed(1)} ms`, numpySeed ? `${(numpySeed[f] * 1000).toFixed(1)} ms` : null,
      'numpy, 1 thread (generate + compute)', 'x faster than numpy', numpySeed ? numpySeed[f] / t : null);
  }
}

if (want('bandwidth')) {
  // 2. Memory bandwidth: the probe, then reductions over a persisted array and over a warm mmap.
  const ctx = new ExprContext();
  const bytes = BW_N * 8;
  const stored = await persistArray(engine, ctx, randomArray(ctx, { dist: 'uniform', shape: [BW_N], seed: 1, chunks: 'auto' }));
  const ids = persistedChunkIds(engine, stored);

  const probeOnce = bandwidthProbe(ids, bytes);
  const probe = (threads, repeats = REPEATS) => probeOnce(threads, repeats);
  const bw1 = await probe(1);
  const bwAll = await probe(WORKERS);
  row('memory read bandwidth', 'probe, 1 thread', `${bw1.toFixed(2)} GB/s`, null, '', '', null);
  row('memory read bandwidth', `probe, ${WORKERS} threads (the reference)`, `${bwAll.toFixed(2)} GB/s`, null, '', '', null);

  const tmp = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const npyPath = join(tmp, 'x.npy');
  await computeArrays(engine, [{ name: 'x', node: stored, path: npyPath }]);
  const mapped = npyArray(ctx, await readNpyInfo(npyPath), 'auto');

  // Warm-up: a long-lived engine has compiled its planner, scheduler and worker loop; a fresh
  // process spends its first ~60 jobs doing that on V8's helper threads, which on 2 cores takes
  // the time from a worker. Small reductions of ~100 chunks each (a few ms a job) get the JIT to
  // its steady state before the measured jobs (--cold skips this).
  const small = await persistArray(engine, ctx, randomArray(ctx, { dist: 'uniform', shape: [1_000_000], seed: 2, chunks: [10_417] }));
  const smallPath = join(tmp, 'small.npy');
  await computeArrays(engine, [{ name: 'small', node: small, path: smallPath }]);
  const smallMapped = npyArray(ctx, await readNpyInfo(smallPath), [10_417]);
  for (let round = 0; round < (cold ? 0 : 10); round++) {
    for (const node of [small, smallMapped]) for (const op of ['sum', 'mean', 'std', 'min']) await computeArrays(engine, [{ name: op, node: reduce(ctx, op, node, null) }]);
  }
  unpersistArray(engine, small);
  // The machine's bandwidth drifts: each reduction is timed right after a probe, several rounds,
  // and the fraction is the median of those paired ratios.
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [where, node] of [['in memory', stored], ['mmap, warm', mapped]]) {
    for (const op of ['sum', 'mean', 'std', 'min']) {
      const r = reduce(ctx, op, node, null);
      await computeArrays(engine, [{ name: op, node: r }]); // warm-up (and the page cache, for mmap)
      const ratios = [], speeds = [];
      for (let round = 0; round < (quick ? 3 : 7); round++) {
        const probeGbps = await probe(WORKERS, 1);
        const t0 = performance.now();
        await computeArrays(engine, [{ name: op, node: r }]);
        const gbps = bytes / ((performance.now() - t0) / 1000) / 1e9;
        speeds.push(gbps);
        ratios.push(gbps / probeGbps);
      }
      const np = numpyBw && where === 'in memory' ? numpyBw[op] : null;
      row(`${op} over ${(bytes / 1e6).toFixed(0)} MB float64`, where, `${median(speeds).toFixed(2)} GB/s`, np ? `${(bytes / np / 1e9).toFixed(2)} GB/s` : null,
        np ? 'numpy, 1 thread' : '', 'fraction of read bandwidth (paired)', median(ratios), '>= 0.8');
    }
  }
  unpersistArray(engine, stored);
  rmSync(tmp, { recursive: true, force: true });
}

// 3. Scheduler overhead on trivial tasks.
if (want('overhead')) {
  const c2 = new ExprContext();
  const ones = full(c2, [OVERHEAD_TASKS], 1, 'float64', 1);
  const node = reduce(c2, 'sum', ones, null);
  const tasks = lowerArrays([{ name: 's', node }]).tasks.length;
  let lowerS = Infinity;
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); lowerArrays([{ name: 's', node }]); lowerS = Math.min(lowerS, (performance.now() - t0) / 1000); }
  const wall = await best(() => computeArrays(engine, [{ name: 's', node }]), 3);
  const perTask = (wall / tasks) * 1e6;
  const schedPerTask = ((wall - lowerS) / tasks) * 1e6;
  const daskPer = daskOverhead ? (daskOverhead.wall / daskOverhead.tasks) * 1e6 : null;
  row(`overhead, ${OVERHEAD_TASKS} trivial tasks`, `${tasks} tasks, end to end`, `${perTask.toFixed(1)} us/task`,
    daskPer ? `${daskPer.toFixed(1)} us/task` : null, daskOverhead ? `Dask threads (${daskOverhead.tasks} tasks)` : '', 'x less than Dask', daskPer ? daskPer / perTask : null);
  row(`overhead, ${OVERHEAD_TASKS} trivial tasks`, 'scheduling only (lowering excluded)', `${schedPerTask.toFixed(1)} us/task`, null, '', '', null, '< 20 us');
}
const problems = [];
// 4. The array operations beyond the seed: cumsum, masks, sort, percentile and FFT rows (bench/arrays.mjs), histogram, matmul,
// tall-skinny QR and an FFT of 2^24 (bench/array-kernels.mjs), against numpy and dask.array.
if (want('arrays')) {
  const ar = await arrayRows(engine, { quick });
  rows.push(...ar.rows);
  problems.push(...ar.problems);
  const ak = await arrayKernelRows(engine, { quick });
  rows.push(...ak.rows);
  problems.push(...ak.problems);
}
// 4b. HDF5: reading gzip-chunked and contiguous datasets, and writing one, against h5py and dask.array (bench/hdf5.mjs).
if (want('hdf5')) {
  const h5 = await hdf5Rows(engine, { quick });
  rows.push(...h5.rows);
  problems.push(...h5.problems);
}
// 5. Dataframes: the flights data as CSV and Parquet against Polars, DuckDB, pandas and Dask.
if (want('dataframes')) {
  const df = await dataframeRows(engine, { quick });
  rows.push(...df.rows);
  problems.push(...df.problems);
}
// 5b. SQL: six queries over the flights as CSV and Parquet against DuckDB and Polars' SQL context.
if (want('sql')) {
  const sql = await sqlRows(engine, { quick });
  rows.push(...sql.rows);
  problems.push(...sql.problems);
}
// 6. Bags and user functions: word count against Counter and dask.bag, a map of tiny calls against joblib.
if (want('bags')) {
  const bags = await bagRows(engine, { quick });
  rows.push(...bags.rows);
  problems.push(...bags.problems);
}
// 7. A Dask cluster on loopback: Tessera's tasks on it against dask.array on it (bench/cluster.mjs).
if (want('cluster')) {
  const cl = await clusterRows({ quick });
  rows.push(...cl.rows);
  problems.push(...cl.problems);
}
// 8. Whole processes: the CLI's start, and the seed job from start to exit against Python + dask.array.
if (want('startup')) {
  const st = await startupRows({ quick });
  rows.push(...st.rows);
}
await engine.close();

// ---- the table -------------------------------------------------------------------------------
console.log(`\nTessera benchmarks: ${WORKERS} workers, SIMD ${engine.simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}${cold ? ' (cold: no engine warm-up)' : ''}\n`);
console.log(formatTable(rows));
for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
