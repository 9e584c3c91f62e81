#!/usr/bin/env node
/**
 * The array-breadth rows of `npm run bench` (issue #19), measured side by side in one run against
 * numpy (one thread, x already in memory) and dask.array's threaded scheduler at its best of a few
 * chunkings, over 100M uniform doubles in a .npy file (800 MB, kept in the temp folder, read from
 * the page cache: Tessera maps it, dask reads it through np.load's memory map, numpy loads it):
 * - the cumulative sum, `cumsum(x).sum()` on every side (no 800 MB result is gathered);
 * - boolean-mask indexing, `x[x > 0.5].sum()` (one pass in Tessera: a reduction of where(mask, x, 0));
 * - the sort, `sort(x)[::1000].sum()` (every chunk merged; dask.array has no sort: numpy only);
 * - exact percentiles, `percentile(x, [1, 50, 99])` (sorted runs, then a merge of the six ranks
 *   read), against numpy's and dask.array's da.percentile (which is approximate: it merges
 *   per-chunk percentiles).
 * - the FFT of every row, `abs(np.fft.fft(x[:m].reshape(-1, 4096), axis=1)).sum()` (rows of a power
 *   of two, m the largest multiple of 4096) and of rows of 4000 (Bluestein's lengths), against numpy's pocketfft and da.fft.fft
 *   (whose rows must be one chunk, as here).
 * Debian's dask 2022.12 cumsum is not measured: it takes minutes at 200,000 elements and did not
 * finish in 90 s over 20M (in memory; over the memmap it grew past 15 GB), so its row says so.
 * Results are checked against numpy's to 1e-9 relative.
 *   node bench/arrays.mjs [--quick]      (also `npm run bench -- --only arrays`)
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
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
export async function jobValue(engine, datasets, expr) {
  const spec = validateSpec({ tessera: 1, datasets, outputs: { o: expr } });
  const job = await buildJob(spec, tmpdir(), {});
  const r = await runBuiltJob(new LocalBackend(engine), job, { outDir: tmpdir() });
  return r.outputs[0].value;
}

/** A .npy file numpy writes once (`make`: its Python expression) and the temp folder keeps; its path. */
export function npyFile(name, bytes, make) {
  const dir = join(tmpdir(), 'tessera-bench-arrays');
  const path = join(dir, name);
  if (existsSync(path) && statSync(path).size > bytes) return path;
  mkdirSync(dir, { recursive: true });
  python(`import numpy as np\nnp.save(${JSON.stringify(path)}, ${make})\nprint(0)`);
  return path;
}

export async function arrayRows(engine, { quick = false } = {}) {
  const rows = [], problems = [];
  const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
    rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });
  const repeats = quick ? 2 : 4;
  const n = quick ? 20_000_000 : 100_000_000;
  const chunkings = [2_000_000, 5_000_000, 10_000_000];
  const workers = engine.workers;
  const path = npyFile(`uniform-${n}.npy`, n * 8, `np.random.default_rng(1).random(${n})`);
  const peers = python(`${pyTimer(repeats)}
import numpy as np
out = {}
x = np.load(${JSON.stringify(path)})
for name, f in (("cumsum", lambda: np.cumsum(x).sum()), ("mask", lambda: x[x > 0.5].sum()),
                ("sort", lambda: np.sort(x, kind="stable")[::1000].sum()), ("percentile", lambda: np.percentile(x, [1, 50, 99]).sum()),
                ("fft4096", lambda: np.abs(np.fft.fft(x[:${n - n % 4096}].reshape(-1, 4096), axis=1)).sum()), ("fft4000", lambda: np.abs(np.fft.fft(x.reshape(-1, 4000), axis=1)).sum())):
    out["numpy_" + name] = best(f, repeats=${quick ? 1 : 2}) if name in ("sort", "percentile") or name.startswith("fft") else best(f)
    out["numpy_" + name + "_value"] = float(f())
del x
try:
    import dask, dask.array as da
    out["dask_version"] = dask.__version__
    for c in ${JSON.stringify(chunkings)}:
        x = da.from_array(np.load(${JSON.stringify(path)}, mmap_mode='r'), chunks=c)
        z = x[x > 0.5].sum()
        out["mask" + str(c)] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
        p = da.percentile(x, [1, 50, 99]).sum()
        out["percentile" + str(c)] = best(lambda: p.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
        for w in (4096, 4000):
            rows = x[:${n} - ${n} % w].reshape(-1, w).rechunk((max(1, c // w), w))
            f = abs(da.fft.fft(rows, axis=1)).sum()
            out["fft" + str(w) + "_" + str(c)] = best(lambda: f.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
except ImportError:
    pass
print(json.dumps(out))`);

  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  const exprs = [['cumsum', 'cumsum(x).sum()'], ['mask', 'x[x > 0.5].sum()'], ['sort', 'sort(x)[::1000].sum()'], ['percentile', 'percentile(x, [1, 50, 99]).sum()'],
    ['fft4096', `abs(np.fft.fft(x[:${n - (n % 4096)}].reshape(-1, 4096), axis=1)).sum()`], ['fft4000', 'abs(np.fft.fft(x.reshape(-1, 4000), axis=1)).sum()']];
  for (const [name, expr] of exprs) {
    let tBest = Infinity, value = NaN;
    const heavy = name === 'sort' || name === 'percentile' || name.startsWith('fft');
    for (const c of chunkings) {
      // The FFT rows' chunks: whole rows, about c elements each (x's chunks a multiple of the row).
      const chunk = name.startsWith('fft') ? Math.max(1, Math.floor(c / Number(name.slice(3)))) * Number(name.slice(3)) : c;
      const t = await best(async () => { value = await jobValue(engine, { x: { npy: path, chunks: [chunk] } }, expr); }, heavy ? (quick ? 1 : 2) : repeats);
      tBest = Math.min(tBest, t);
    }
    const want = peers?.[`numpy_${name}_value`];
    if (want && Math.abs(value / want - 1) > 1e-9) problems.push(`${expr} is ${value}, numpy's ${want}`);
    const daskBest = peers?.dask_version && name !== 'sort' && name !== 'cumsum' ? Math.min(...chunkings.map((c) => peers[name.startsWith('fft') ? `${name}_${c}` : name + String(c)])) : null;
    const label = `${expr}, ${n / 1e6}M uniform`;
    const np1 = peers?.[`numpy_${name}`];
    if (name !== 'sort') {
      const daskName = name === 'cumsum' ? 'dask.array 2022.12 cumsum: no result in 90 s' : `dask.array ${peers?.dask_version ?? '(not installed)'} threads${name === 'percentile' ? ' (approximate)' : ''}`;
      row(label, 'best vs dask.array best', ms(tBest), daskBest ? ms(daskBest) : null, daskName, 'x faster than dask', daskBest ? daskBest / tBest : null, '>= 2x');
    }
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
