#!/usr/bin/env node
/**
 * The dataframe rows of `npm run bench` (`node bench/run.mjs --only dataframes`, or this file
 * alone): read + filter + group-by + aggregate over the 3,000,000 flights of vega-datasets, as 8
 * CSV files (106 MB) and as the Parquet file (13.5 MB, zstd, 11 row groups):
 *
 *   f[f.delay > 15].groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count'))
 *
 * Peers measured in the same run (in rounds, alternating with Tessera), each in its own process, 2 threads: Polars (nodejs-polars,
 * POLARS_MAX_THREADS=2), DuckDB (@duckdb/node-api, SET threads = 2), pandas (one thread) and
 * dask.dataframe (threads scheduler, 2 workers) from Debian's python3-pandas / python3-dask where
 * installed. Polars and DuckDB live in bench/peers (their own package.json and lock: never product
 * dependencies), installed on first use with `npm ci --prefix bench/peers` (not when CI is set).
 * nodejs-polars 0.26.1 (25-35% faster than 0.25.2 on the CSV query here) needs two things npm
 * does not do alone: (1) its linux-x64-gnu binary package is named beside it, because the binary
 * packages declare node >= 22 and npm skips an optional dependency whose engine does not match on
 * Node 20 ('Cannot find module'); (2) 0.26.x names platform packages that were never published
 * (android-arm64, darwin-arm64, linux-arm64-gnu/musl, win32-x64-msvc: 404), so the lock npm writes
 * lacks them and `npm ci` refuses it: the lock holds a stub entry for each (version, os, cpu, no
 * tarball), which npm ci accepts and skips on this platform. After `npm install` in bench/peers,
 * put the stubs back (or pin 0.25.2, whose platform packages all exist).
 * Every system's result is checked against DuckDB's (groups, counts, means within 1e-12).
 * Plus the native CSV parse in MB/s per thread on the flights CSV against the memory read
 * bandwidth of one thread (bench/csv-parse.mjs, bench/bandwidth.mjs).
 *
 *   node bench/dataframes.mjs [--quick]
 * Targets (issue #14): faster than the fastest of Polars/DuckDB on CSV, within 1.5x of the fastest
 * on Parquet, at least 10x faster than dask.dataframe on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { readBandwidth } from './bandwidth.mjs';
import { peer, peersInstalled } from './peer-processes.mjs';
import { measureCsvParse } from './csv-parse.mjs';
import { flightsCsv, flightsParquet } from './flights-data.mjs';
import { best, formatTable, python, pyTimer } from './timing.mjs';

const QUERY = "f[f.delay > 15].groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count'))";

function pythonPeers(csvGlob, parquet, repeats, workers) {
  const common = `${pyTimer(repeats)}
import glob, warnings
warnings.simplefilter('ignore')
import pandas as pd
def rows(r):
    r = r.sort_index()
    return [[k, float(m), int(n)] for k, m, n in zip(r.index, r['mean'], r['n'])]
def engine():
    for m in ('pyarrow', 'fastparquet'):
        try:
            __import__(m); return m
        except ImportError: pass
    return None
files = sorted(glob.glob(${JSON.stringify(csvGlob)}))
out = {'parquetEngine': engine()}
`;
  const pandas = python(`${common}
def q(f): return f[f.delay > 15].groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count'))
res = {}
res['csv'] = best(lambda: res.__setitem__('csvRows', rows(q(pd.concat([pd.read_csv(p) for p in files], ignore_index=True)))))
if out['parquetEngine']:
    res['parquet'] = best(lambda: res.__setitem__('parquetRows', rows(q(pd.read_parquet(${JSON.stringify(parquet)})))))
out.update(res); out['version'] = pd.__version__
print(json.dumps(out))`);
  const dask = python(`${common}
import dask, dask.dataframe as dd
def q(f):
    r = f[f.delay > 15].groupby('origin').delay.agg(['mean', 'count']).compute(scheduler='threads', num_workers=${workers})
    return r.rename(columns={'count': 'n'})
res = {}
res['csv'] = best(lambda: res.__setitem__('csvRows', rows(q(dd.read_csv(${JSON.stringify(csvGlob)}, blocksize=16 * 2 ** 20)))))
if out['parquetEngine']:
    res['parquet'] = best(lambda: res.__setitem__('parquetRows', rows(q(dd.read_parquet(${JSON.stringify(parquet)})))))
out.update(res); out['version'] = dask.__version__
print(json.dumps(out))`);
  return { pandas, dask };
}

/** Differences between a result's rows and the reference's (DuckDB's), in words; '' when equal. */
function check(rows, ref) {
  if (!rows || !ref) return '';
  if (rows.length !== ref.length) return `${rows.length} groups, not ${ref.length}`;
  for (let i = 0; i < ref.length; i++) {
    const [k, m, n] = rows[i], [rk, rm, rn] = ref[i];
    if (k !== rk || n !== rn || !(Math.abs(m - rm) <= 1e-12 * Math.abs(rm))) return `row ${i}: ${JSON.stringify(rows[i])} vs ${JSON.stringify(ref[i])}`;
  }
  return '';
}

/** The dataframe rows of the bench table. */
export async function dataframeRows(engine, { quick = false } = {}) {
  const rows = [];
  const row = (bench, setting, tessera, peer, peerName, ratioLabel, ratio, target) =>
    rows.push({ bench, setting, tessera, peer: peer ?? '-', peerName: peerName ?? '', ratioLabel: ratioLabel ?? '', ratio, target: target ?? '' });
  const parquet = flightsParquet();
  if (!parquet) {
    process.stderr.write('flights-3m.parquet not found (npm install: vega-datasets is a devDependency; or TESSERA_FLIGHTS=path): dataframe rows skipped\n');
    return { rows, problems: [] };
  }
  const csv = flightsCsv(parquet);
  const repeats = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const workers = engine.workers ?? Math.min(2, availableParallelism());
  const ms = (s) => (s === null || s === undefined ? null : `${(s * 1000).toFixed(0)} ms`);
  const problems = [];

  // Rounds of Polars, DuckDB and Tessera in turn (each the best of `repeats` after a warm-up, the
  // peers in their own processes while Tessera's engine idles), the best of each over the rounds:
  // on a shared machine a slow spell then hits all three, not one.
  const have = peersInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-df-'));
  const backend = new LocalBackend(engine);
  const peers = { csv: { polars: null, duckdb: null }, parquet: { polars: null, duckdb: null } };
  const tessera = {};
  const better = (a, b) => (!a || (b && b.seconds < a.seconds) ? b : a);
  for (let round = 0; round < rounds; round++) {
    for (const format of ['csv', 'parquet']) {
      const path = format === 'csv' ? csv.glob : parquet;
      if (have) for (const system of ['polars', 'duckdb']) peers[format][system] = better(peers[format][system], peer(system, format, path, repeats));
      const spec = validateSpec({ tessera: 1, datasets: { f: format === 'csv' ? { csv: csv.glob } : { parquet } }, outputs: { r: QUERY } });
      let out;
      // The job is built (files sniffed, footers read) and run on this engine, each time.
      const seconds = await best(async () => { out = await runBuiltJob(backend, await buildJob(spec, dir), { outDir: join(dir, 'out') }); }, repeats);
      tessera[format] = better(tessera[format], { seconds, rows: out.outputs[0].rows.map(([k, m, n]) => [k, m, n]) });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const py = pythonPeers(csv.glob, parquet, quick ? 1 : 3, 2);

  for (const format of ['csv', 'parquet']) {
    const label = format === 'csv' ? 'flights filter + group-by, 8 CSV files (106 MB)' : 'flights filter + group-by, Parquet (13.5 MB zstd)';
    const t = tessera[format];
    const { polars, duckdb } = peers[format];
    const ref = duckdb?.rows ?? polars?.rows;
    const mark = (name, r) => { const d = check(r, ref); if (d) problems.push(`${name} on ${format}: ${d}`); };
    mark('Tessera', t.rows);
    if (polars) mark('Polars', polars.rows);
    const fx = (p) => (p ? p.seconds / t.seconds : null);
    row(label, `vs Polars ${polars?.version ?? 'n/a'}`, ms(t.seconds), ms(polars?.seconds), 'Polars, 2 threads', 'x faster than Polars', fx(polars));
    row(label, `vs DuckDB ${duckdb?.version ?? 'n/a'}`, ms(t.seconds), ms(duckdb?.seconds), 'DuckDB, 2 threads', 'x faster than DuckDB', fx(duckdb));
    const fastest = [polars, duckdb].filter(Boolean).sort((a, b) => a.seconds - b.seconds)[0];
    row(label, 'vs the fastest of Polars/DuckDB', ms(t.seconds), ms(fastest?.seconds), fastest ? (fastest === polars ? 'Polars' : 'DuckDB') : '',
      'x faster than the fastest', fx(fastest), format === 'csv' ? '> 1 (faster)' : '>= 0.67 (within 1.5x)');
    for (const [name, res, who, target] of [['pandas', py.pandas, 'pandas, 1 thread', ''], ['dask.dataframe', py.dask, 'Dask threads, 2 workers', '>= 10x']]) {
      const s = res?.[format] ?? null;
      if (res?.[`${format}Rows`]) mark(name, res[`${format}Rows`]);
      const why = !res ? '(not installed)' : s === null ? '(no pyarrow/fastparquet)' : '';
      row(label, `vs ${name} ${res?.version ?? ''} ${why}`.trim(), ms(t.seconds), ms(s), who, `x faster than ${name}`, s ? s / t.seconds : null, target);
    }
  }

  // The native CSV parse on the flights CSV against the read bandwidth of one thread and of all.
  const parse = await measureCsvParse({ path: csv.one, repeats: quick ? 2 : 5, workers });
  const bw = await readBandwidth(engine, { n: quick ? 25_000_000 : 50_000_000, threads: workers, repeats: quick ? 2 : 5 });
  const per1 = parse.mb / parse.oneThreadS, perPool = parse.mb / parse.poolS / parse.workers;
  row(`CSV parse, flights.csv (${parse.mb.toFixed(0)} MB, ${parse.partitions} partitions)`, '1 thread', `${per1.toFixed(0)} MB/s per thread`,
    `${bw.one.toFixed(2)} GB/s`, 'memory read, 1 thread', 'fraction of read bandwidth', per1 / (bw.one * 1000));
  row(`CSV parse, flights.csv (${parse.mb.toFixed(0)} MB, ${parse.partitions} partitions)`, `${parse.workers} worker threads`, `${perPool.toFixed(0)} MB/s per thread`,
    `${(bw.all / bw.threads).toFixed(2)} GB/s`, `memory read per thread, ${bw.threads} threads`, 'fraction of read bandwidth', perPool / (bw.all / bw.threads * 1000));
  return { rows, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const workers = Math.min(2, availableParallelism());
  const engine = await Engine.start({ workers });
  const { rows, problems } = await dataframeRows(engine, { quick });
  await engine.close();
  console.log(`\nTessera dataframe benchmarks: ${workers} workers, SIMD ${engine.simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
  console.log(formatTable(rows));
  for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
}
