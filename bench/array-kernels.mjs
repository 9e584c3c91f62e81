#!/usr/bin/env node
/**
 * The rest of issue #19's array rows of `npm run bench`, side by side in one run against numpy
 * (one process; its OpenBLAS may use every core for matmul and QR) and dask.array's threaded
 * scheduler at its best of a few chunkings:
 * - `histogram(x, 100, range=(0, 1))[0].max()` over the uniform doubles of bench/arrays.mjs (100M,
 *   20M with --quick; dask's histogram needs the range, so every side is given it);
 * - `(a @ b).sum()` of two 4000 x 4000 standard normal matrices (2000 with --quick), row and
 *   column blocks of a few sizes;
 * - `abs(np.linalg.qr(x)[1]).sum()`, the R of a tall-skinny 400,000 x 100 matrix (200,000 with
 *   --quick) by TSQR over row blocks (numpy: one LAPACK QR, Q formed too, as dask and Tessera do);
 * - `abs(np.fft.fft(x[:2**24])).sum()`, one transform of 2^24 points (the four-step path; dask's
 *   axis must be one chunk: numpy's pocketfft in one task).
 * Inputs are .npy files written once by numpy into the temp folder and read from the page cache.
 * Results are checked against numpy's to 1e-9 relative.
 *   node bench/array-kernels.mjs [--quick]      (also `npm run bench -- --only arrays`)
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/src-main/engine/engine.js';
import { jobValue, npyFile } from './arrays.mjs';
import { best, formatTable, python, pyTimer } from './timing.mjs';

export async function arrayKernelRows(engine, { quick = false } = {}) {
  const rows = [], problems = [];
  const workers = engine.workers;
  const n = quick ? 20_000_000 : 100_000_000, side = quick ? 2000 : 4000, tall = quick ? 200_000 : 400_000;
  const x = npyFile(`uniform-${n}.npy`, n * 8, `np.random.default_rng(1).random(${n})`);
  const a = npyFile(`normal-a-${side}.npy`, side * side * 8, `np.random.default_rng(2).standard_normal((${side}, ${side}))`);
  const b = npyFile(`normal-b-${side}.npy`, side * side * 8, `np.random.default_rng(3).standard_normal((${side}, ${side}))`);
  const t = npyFile(`normal-tall-${tall}.npy`, tall * 100 * 8, `np.random.default_rng(4).standard_normal((${tall}, 100))`);
  const fftN = 2 ** 24;
  const cases = [
    { name: 'histogram', label: `histogram(x, 100, range=(0, 1))[0].max(), ${n / 1e6}M uniform`, expr: 'histogram(x, 100, range=(0, 1))[0].max()',
      chunkings: [2_000_000, 5_000_000, 10_000_000].map((c) => ({ x: { npy: x, chunks: [c] } })), daskChunks: [2_000_000, 5_000_000, 10_000_000] },
    { name: 'matmul', label: `(a @ b).sum(), ${side} x ${side} float64`, expr: '(a @ b).sum()',
      chunkings: [side / 4, side / 2].map((c) => ({ a: { npy: a, chunks: [c, side] }, b: { npy: b, chunks: [side, c] } })), daskChunks: [side / 4, side / 2, side] },
    { name: 'qr', label: `abs(np.linalg.qr(x)[1]).sum(), ${tall / 1000}k x 100 float64`, expr: 'abs(np.linalg.qr(x)[1]).sum()',
      chunkings: [tall / 8, tall / 4].map((c) => ({ x: { npy: t, chunks: [c, 100] } })), daskChunks: [tall / 8, tall / 4, tall / 2] },
    { name: 'fft', label: 'abs(np.fft.fft(x[:2**24])).sum(), 2^24 points', expr: `abs(np.fft.fft(x[:${fftN}])).sum()`,
      chunkings: [{ x: { npy: x, chunks: [fftN] } }], daskChunks: [fftN] },
  ];
  const peers = python(`${pyTimer(1)}
import numpy as np
out = {}
x = np.load(${JSON.stringify(x)}); a = np.load(${JSON.stringify(a)}); b = np.load(${JSON.stringify(b)}); t = np.load(${JSON.stringify(t)})
for name, f in (("histogram", lambda: np.histogram(x, 100, range=(0, 1))[0].max()), ("matmul", lambda: (a @ b).sum()),
                ("qr", lambda: abs(np.linalg.qr(t)[1]).sum()), ("fft", lambda: abs(np.fft.fft(x[:${fftN}])).sum())):
    out["numpy_" + name] = best(f, repeats=${quick ? 1 : 2})
    out["numpy_" + name + "_value"] = float(f())
try:
    import dask, dask.array as da
    out["dask_version"] = dask.__version__
    for c in ${JSON.stringify(cases[0].daskChunks)}:
        z = da.histogram(da.from_array(x, chunks=c), 100, range=(0, 1))[0].max()
        out["histogram" + str(c)] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=${quick ? 1 : 2})
    for c in ${JSON.stringify(cases[1].daskChunks)}:
        z = (da.from_array(a, chunks=(c, ${side})) @ da.from_array(b, chunks=(${side}, c))).sum()
        out["matmul" + str(c)] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=1)
    for c in ${JSON.stringify(cases[2].daskChunks)}:
        z = abs(da.linalg.qr(da.from_array(t, chunks=(c, 100)))[1]).sum()
        out["qr" + str(c)] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=1)
    z = abs(da.fft.fft(da.from_array(x[:${fftN}], chunks=${fftN}))).sum()
    out["fft${fftN}"] = best(lambda: z.compute(scheduler='threads', num_workers=${workers}), repeats=1)
except ImportError:
    pass
print(json.dumps(out))`);
  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
    rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });
  for (const c of cases) {
    let tBest = Infinity, value = NaN;
    for (const datasets of c.chunkings) tBest = Math.min(tBest, await best(async () => { value = await jobValue(engine, datasets, c.expr); }, quick ? 1 : 2));
    const want = peers?.[`numpy_${c.name}_value`];
    if (want !== undefined && Math.abs(value / want - 1) > 1e-9) problems.push(`${c.expr} is ${value}, numpy's ${want}`);
    const daskBest = peers?.dask_version ? Math.min(...c.daskChunks.map((k) => peers[c.name + String(k)])) : null;
    row(c.label, 'best vs dask.array best', ms(tBest), daskBest ? ms(daskBest) : null, `dask.array ${peers?.dask_version ?? '(not installed)'} threads`, 'x faster than dask', daskBest ? daskBest / tBest : null, '>= 2x');
    const np1 = peers?.[`numpy_${c.name}`];
    row(c.label, 'best vs numpy (inputs in memory)', ms(tBest), np1 ? ms(np1) : null, c.name === 'matmul' || c.name === 'qr' ? 'numpy, OpenBLAS threads' : 'numpy, 1 thread', 'x faster than numpy', np1 ? np1 / tBest : null);
  }
  return { rows, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const engine = await Engine.start({ workers: Math.min(2, availableParallelism()) });
  const { rows, problems } = await arrayKernelRows(engine, { quick });
  await engine.close();
  console.log(`\nTessera array kernel benchmarks: ${engine.workers} workers, SIMD ${engine.simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
  console.log(formatTable(rows));
  for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
}
