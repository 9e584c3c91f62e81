#!/usr/bin/env node
/**
 * The HDF5 and Zarr rows of `npm run bench` (issue #19, ADRs 0034, 0035), side by side in one run: a float64
 * dataset of (rows, 1000) written by h5py twice, chunked (250, 1000) with gzip + shuffle (what
 * h5py users write) and contiguous, read from the page cache:
 * - `x.sum()` over each, in Tessera (the file's chunking; the gzip chunks decoded by the read tasks
 *   in parallel from the mapped file), against h5py + numpy (one thread: the whole dataset read,
 *   then summed) and dask.array over the h5py dataset (`da.from_array(d, chunks=d.chunks)` grouped
 *   to ~8 MB, threaded scheduler; h5py serialises reads under its own lock);
 * - writing `x * 2` in chunks of (2000, 1000) to a new .h5 (Tessera: `--out y.h5`, no compression),
 *   against h5py writing the numpy result and dask's `da.to_hdf5`. Every timed write (each side's)
 *   starts after a sync: the page cache's write-back of the writes before it otherwise throttles
 *   whichever side comes later (measured: the same to_hdf5 took 0.27 to 1.9 s back to back).
 * - the same values as a Zarr store (zarr's default blosc lz4 + shuffle, chunks (250, 1000)): x.sum()
 *   against zarr + numpy and dask.array's from_zarr, and writing x * 2 against da.to_zarr.
 * Values are checked against h5py's and zarr's sums to 1e-9 relative.
 *   node bench/hdf5.mjs [--quick]      (also `npm run bench -- --only hdf5`)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { best, formatTable, python, pyTimer } from './timing.mjs';

/** The Zarr store of the same values (zarr's defaults: blosc lz4 + shuffle), chunks (250, 1000). */
function zarrStore(rows) {
  const path = join(tmpdir(), 'tessera-bench-hdf5', `normal-${rows}x1000.zarr`);
  if (existsSync(path)) return path;
  python(`import numpy as np, zarr, os, json
x = np.round(np.random.default_rng(1).standard_normal((${rows}, 1000)), 2)
zarr.save_array(${JSON.stringify(`${path}.tmp`)}, x, chunks=(250, 1000))
os.rename(${JSON.stringify(`${path}.tmp`)}, ${JSON.stringify(path)})
print(0)`);
  return path;
}

/** The input file (written once by h5py, kept in the temp folder). */
function inputFile(rows) {
  const dir = join(tmpdir(), 'tessera-bench-hdf5');
  const path = join(dir, `normal-${rows}x1000.h5`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  python(`import numpy as np, h5py, json
x = np.round(np.random.default_rng(1).standard_normal((${rows}, 1000)), 2)
with h5py.File(${JSON.stringify(`${path}.tmp`)}, 'w') as f:
    f.create_dataset('gz', data=x, chunks=(250, 1000), compression='gzip', shuffle=True)
    f.create_dataset('plain', data=x)
import os; os.rename(${JSON.stringify(`${path}.tmp`)}, ${JSON.stringify(path)})
print(0)`);
  return path;
}

async function runJob(engine, datasets, outputs, outDir = tmpdir()) {
  const job = await buildJob(validateSpec({ tessera: 1, datasets, outputs }), tmpdir(), {});
  const r = await runBuiltJob(new LocalBackend(engine), job, { outDir });
  return r.outputs[0].value;
}

/** The best of `repeats` runs of `f` after a warm-up, each after `reset` and a sync (neither timed): writes start with no dirty pages. */
async function bestSynced(f, repeats, reset) {
  reset();
  await f(); // a warm-up, as best() does
  let bestMs = Infinity;
  for (let i = 0; i < repeats; i++) {
    reset();
    execFileSync('sync');
    const t = performance.now();
    await f();
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  return bestMs / 1000;
}

export async function hdf5Rows(engine, { quick = false } = {}) {
  const rows = [], problems = [];
  const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
    rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });
  const repeats = quick ? 2 : 4;
  const nrows = quick ? 25_000 : 100_000;
  const path = inputFile(nrows);
  const out = join(tmpdir(), 'tessera-bench-hdf5', 'out.h5');
  const zpath = zarrStore(nrows);
  const zout = join(tmpdir(), 'tessera-bench-hdf5', 'out.zarr');
  const workers = engine.workers;
  const peers = python(`${pyTimer(repeats)}
import numpy as np, h5py, os, time
out = {}
f = h5py.File(${JSON.stringify(path)}, 'r')
for name in ('gz', 'plain'):
    out['h5py_' + name] = best(lambda: f[name][()].sum(), repeats=${quick ? 1 : 2})
    out['value_' + name] = float(f[name][()].sum())
x = f['plain'][()]
def write():
    with h5py.File(${JSON.stringify(out)}, 'w') as g: g.create_dataset('y', data=x * 2, chunks=(2000, 1000))
def best_synced(f, repeats):
    # Each timed write starts with no dirty pages from the writes before it (the sync is not timed);
    # one warm-up first, as best() does.
    f()
    times = []
    for _ in range(repeats):
        os.sync()
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)
out['h5py_write'] = best_synced(write, repeats=${quick ? 1 : 2})
del x
try:
    import dask, dask.array as da
    out['dask_version'] = dask.__version__
    for name in ('gz', 'plain'):
        d = f[name]
        z = da.from_array(d, chunks=(2000, 1000)).sum()
        out['dask_' + name] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
    y = da.from_array(f['plain'], chunks=(2000, 1000)) * 2
    out['dask_write'] = best_synced(lambda: da.to_hdf5(${JSON.stringify(out)}, '/y', y), repeats=${quick ? 1 : 2})
except ImportError:
    pass
os.remove(${JSON.stringify(out)})
try:
    import zarr, dask.array as da, shutil
    z = zarr.open_array(${JSON.stringify(zpath)}, mode='r')
    out['zarr_py'] = best(lambda: z[...].sum(), repeats=${quick ? 1 : 2})
    out['value_zarr'] = float(z[...].sum())
    zs = da.from_zarr(${JSON.stringify(zpath)}).rechunk((2000, 1000)).sum()
    out['dask_zarr'] = best(lambda: zs.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
    y = da.from_zarr(${JSON.stringify(zpath)}).rechunk((2000, 1000)) * 2
    def to_zarr():
        shutil.rmtree(${JSON.stringify(zout)}, ignore_errors=True)
        da.to_zarr(y, ${JSON.stringify(zout)})
    out['dask_to_zarr'] = best_synced(to_zarr, repeats=${quick ? 1 : 2})
    shutil.rmtree(${JSON.stringify(zout)}, ignore_errors=True)
except ImportError:
    pass
print(json.dumps(out))`);

  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  const mb = (nrows * 1000 * 8) / 2 ** 20;
  for (const [name, label] of [['gz', 'chunked (250, 1000), gzip + shuffle'], ['plain', 'contiguous']]) {
    const datasets = { x: { hdf5: path, dataset: `/${name}` } };
    let value;
    const t = await best(async () => { value = await runJob(engine, datasets, { s: 'x.sum()' }); }, repeats);
    if (peers && Math.abs(value - peers[`value_${name}`]) > 1e-9 * Math.abs(peers[`value_${name}`])) problems.push(`hdf5 ${name}: Tessera ${value} vs h5py ${peers[`value_${name}`]}`);
    const peerBest = peers ? Math.min(peers[`h5py_${name}`], peers[`dask_${name}`] ?? Infinity) : null;
    row(`hdf5 read, x.sum() of ${mb.toFixed(0)} MiB`, label, ms(t), peers ? `${ms(peers[`h5py_${name}`])} / ${peers[`dask_${name}`] ? ms(peers[`dask_${name}`]) : '-'}` : null,
      'h5py+numpy / dask', 'x faster than the best', peerBest ? peerBest / t : null, name === 'gz' ? '>= 2x' : '>= 1x');
  }
  const tw = await bestSynced(async () => {
    await runJob(engine, { x: { hdf5: path, dataset: '/plain', chunks: [2000, 1000] } }, { y: 'x * 2' }, out);
  }, repeats, () => rmSync(out, { force: true }));
  rmSync(out, { force: true });
  const peerWrite = peers ? Math.min(peers.h5py_write, peers.dask_write ?? Infinity) : null;
  row(`hdf5 write, x * 2 to --out y.h5 (${mb.toFixed(0)} MiB)`, 'chunks (2000, 1000), no compression', ms(tw), peers ? `${ms(peers.h5py_write)} / ${peers.dask_write ? ms(peers.dask_write) : '-'}` : null,
    'h5py / da.to_hdf5', 'x faster than the best', peerWrite ? peerWrite / tw : null, '>= 1x');
  // Zarr: the same values in zarr's default blosc (lz4, shuffle), read and written.
  let zv;
  const tz = await best(async () => { zv = await runJob(engine, { x: { zarr: zpath } }, { s: 'x.sum()' }); }, repeats);
  if (peers?.value_zarr !== undefined && Math.abs(zv - peers.value_zarr) > 1e-9 * Math.abs(peers.value_zarr)) problems.push(`zarr: Tessera ${zv} vs zarr ${peers.value_zarr}`);
  const zBest = peers?.zarr_py ? Math.min(peers.zarr_py, peers.dask_zarr ?? Infinity) : null;
  row(`zarr read, x.sum() of ${mb.toFixed(0)} MiB`, 'chunks (250, 1000), blosc lz4 + shuffle', ms(tz), peers?.zarr_py ? `${ms(peers.zarr_py)} / ${peers.dask_zarr ? ms(peers.dask_zarr) : '-'}` : null,
    'zarr+numpy / dask', 'x faster than the best', zBest ? zBest / tz : null, '>= 2x');
  const tzw = await bestSynced(async () => {
    await runJob(engine, { x: { zarr: zpath, chunks: [2000, 1000] } }, { y: 'x * 2' }, zout);
  }, repeats, () => rmSync(zout, { recursive: true, force: true }));
  rmSync(zout, { recursive: true, force: true });
  row(`zarr write, x * 2 to --out y.zarr (${mb.toFixed(0)} MiB)`, 'chunks (2000, 1000), blosc lz4 + shuffle', ms(tzw), peers?.dask_to_zarr ? ms(peers.dask_to_zarr) : null,
    'da.to_zarr', 'x faster than dask', peers?.dask_to_zarr ? peers.dask_to_zarr / tzw : null, '>= 2x');
  return { rows, problems, daskVersion: peers?.dask_version };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const engine = await Engine.start({ workers: Math.min(2, availableParallelism()) });
  const { rows, problems, daskVersion } = await hdf5Rows(engine, { quick });
  await engine.close();
  console.log(`\nTessera HDF5 benchmarks: ${engine.workers} workers, SIMD ${engine.simd}, dask ${daskVersion ?? '(not installed)'}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
  console.log(formatTable(rows));
  for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
}
