#!/usr/bin/env node
/**
 * A merge of two tables written to a file, in memory and under a memory limit smaller than
 * either table:
 *
 *   a.merge(b, on='k', how='left')   a: 2,000,000 rows (an id, a key of 1,000,000 values, a float:
 *   34 MB of CSV); b: 1,000,000 rows (each key once, a float, a string of three values: 17 MB)
 *
 * Tessera on a warm engine (2 MB partitions; under --memory-limit the build side is more than an
 * eighth of the limit, so the merge is cut into hash buckets and its pieces spill, ADR 0019),
 * against DuckDB (`COPY (SELECT ... LEFT JOIN ...) TO ... (HEADER)`, 2 threads, in this process
 * through @duckdb/node-api; its rows in its own order), pandas (two read_csv, merge, to_csv; one
 * thread) and dask.dataframe (2 MB blocks, merge, to_csv in one file; threads, 2 workers) where
 * installed. Each is the best of its runs after a warm-up; every output's length is checked
 * against Tessera's, and pandas' file (the left rows' order) line for line at its ends.
 *
 *   node bench/table-merge.mjs [--quick]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { shape, storeNote, tesseraRuns } from './table-jobs.mjs';
import { best, formatTable, python, pyTimer } from './timing.mjs';

const LEFT_ROWS = 2_000_000;
const RIGHT_ROWS = 1_000_000;
const LIMIT = 16 * 2 ** 20;

/** The two generated CSV files (seeded: the same tables every run). */
function writeTables(left, right) {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const a = ['id,k,v'];
  for (let i = 0; i < LEFT_ROWS; i++) a.push(`${i},${Math.floor(rnd() * RIGHT_ROWS)},${String(Math.round(rnd() * 1e6) / 1e6 || 0.5)}`);
  writeFileSync(left, `${a.join('\n')}\n`);
  // Each key once, in a shuffled order (Fisher-Yates).
  const keys = Int32Array.from({ length: RIGHT_ROWS }, (_, i) => i);
  for (let i = RIGHT_ROWS - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [keys[i], keys[j]] = [keys[j], keys[i]]; }
  const names = ['aa', 'bbb', 'cccc'];
  const b = ['k,w,s'];
  for (let i = 0; i < RIGHT_ROWS; i++) b.push(`${keys[i]},${String(Math.round(rnd() * 1e3) / 1e3 || 0.5)},${names[Math.floor(rnd() * 3)]}`);
  writeFileSync(right, `${b.join('\n')}\n`);
}

const quick = process.argv.includes('--quick');
const repeats = quick ? 2 : 3;
const workers = Math.min(2, availableParallelism());
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-merge-'));
const [left, right] = [join(dir, 'a.csv'), join(dir, 'b.csv')];
writeTables(left, right);
const mb = (statSync(left).size + statSync(right).size) / 2 ** 20;

const expr = "a.merge(b, on='k', how='left')";
const datasets = { a: { csv: left, blocksize: '2MB' }, b: { csv: right, blocksize: '2MB' } };
const { runs: tessera, simd } = await tesseraRuns({ dir, datasets, name: 'm', expr, limit: LIMIT, workers, repeats });

const db = await DuckDBInstance.create();
const con = await db.connect();
await con.run(`SET threads = ${workers}`);
const duckOut = join(dir, 'duckdb.csv');
const duckdb = await best(() => con.run(`COPY (SELECT a.id, a.k, a.v, b.w, b.s FROM read_csv('${left}') a LEFT JOIN read_csv('${right}') b USING (k)) TO '${duckOut}' (HEADER)`), repeats);
const duckShape = shape(duckOut);

const py = python(`${pyTimer(quick ? 1 : 2)}
import warnings
warnings.simplefilter('ignore')
out = {}
try:
    import pandas as pd
    out['pandas'] = best(lambda: pd.read_csv(${JSON.stringify(left)}, float_precision='round_trip').merge(pd.read_csv(${JSON.stringify(right)}, float_precision='round_trip'), on='k', how='left').to_csv(${JSON.stringify(join(dir, 'pandas.csv'))}, index=False))
    out['pandasVersion'] = pd.__version__
except ImportError: pass
try:
    import dask, dask.dataframe as dd
    out['dask'] = best(lambda: dd.read_csv(${JSON.stringify(left)}, blocksize=2 * 2 ** 20).merge(dd.read_csv(${JSON.stringify(right)}, blocksize=2 * 2 ** 20), on='k', how='left').to_csv(${JSON.stringify(join(dir, 'dask.csv'))}, single_file=True, index=False, compute_kwargs={'scheduler': 'threads', 'num_workers': ${workers}}))
    out['daskVersion'] = dask.__version__
except Exception as e:
    out['daskError'] = type(e).__name__ + ': ' + str(e)[:120]
print(json.dumps(out))`);

const problems = [];
const t = tessera['in memory'].shape;
const limited = tessera[`--memory-limit ${LIMIT / 2 ** 20} MB`].shape;
if (JSON.stringify(limited) !== JSON.stringify(t)) problems.push(`Tessera under the limit: ${JSON.stringify(limited)} vs in memory ${JSON.stringify(t)}`);
if (duckShape.lines !== t.lines) problems.push(`DuckDB: ${duckShape.lines} lines vs Tessera's ${t.lines}`);
if (py?.pandas) {
  const p = shape(join(dir, 'pandas.csv'));
  if (JSON.stringify(p) !== JSON.stringify(t)) problems.push(`pandas: ${JSON.stringify(p)} vs Tessera's ${JSON.stringify(t)}`);
}

const ms = (s) => (s == null ? null : `${(s * 1000).toFixed(0)} ms`);
const rows = [];
const label = `${expr} to CSV, ${LEFT_ROWS / 1e6}M x ${RIGHT_ROWS / 1e6}M rows (${mb.toFixed(0)} MB)`;
for (const [setting, run] of Object.entries(tessera)) {
  rows.push({ bench: label, setting: `${setting} (${storeNote(run.stats)})`, tessera: ms(run.seconds), peer: ms(duckdb), peerName: `DuckDB ${duckdbVersion()}, ${workers} threads`, ratioLabel: 'x faster than DuckDB', ratio: duckdb / run.seconds, target: '' });
  if (py?.pandas) rows.push({ bench: label, setting, tessera: ms(run.seconds), peer: ms(py.pandas), peerName: `pandas ${py.pandasVersion}, 1 thread`, ratioLabel: 'x faster than pandas', ratio: py.pandas / run.seconds, target: '' });
  rows.push({ bench: label, setting, tessera: ms(run.seconds), peer: py?.dask ? ms(py.dask) : '-', peerName: py?.dask ? `dask.dataframe ${py.daskVersion}, threads, ${workers} workers` : `dask.dataframe: ${py?.daskError ?? 'not installed'}`, ratioLabel: 'x faster than dask.dataframe', ratio: py?.dask ? py.dask / run.seconds : null, target: '' });
}
rmSync(dir, { recursive: true, force: true });
console.log(`\nTessera table merge: ${workers} workers, SIMD ${simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
console.log(formatTable(rows));
for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
