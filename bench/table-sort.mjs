#!/usr/bin/env node
/**
 * A table sorted to a file, in memory and under a memory limit a third of the table's size:
 *
 *   t.sort_values('v')   over a generated CSV of 2,000,000 rows (an int of 1,000 values, a float
 *   of six decimals, a string of three values: 32 MB), written as CSV
 *
 * (one key: dask.dataframe 2022.12 sorts a table of several partitions by one column only).
 * Tessera on a warm engine (2 MB partitions; a sort of more than one partition is cut into
 * ranges, ADR 0019, and under --memory-limit its runs and ranges spill), against DuckDB
 * (`COPY (SELECT * FROM read_csv(...) ORDER BY v) TO ... (HEADER)`, 2 threads, in this
 * process through @duckdb/node-api), pandas (read_csv, a stable sort_values, to_csv; one thread)
 * and dask.dataframe (2 MB blocks, sort_values, to_csv in one file; threads, 2 workers) where installed. Each
 * is the best of its runs after a warm-up; every output's first and last lines and length are
 * checked against Tessera's.
 *
 *   node bench/table-sort.mjs [--quick]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { shape, storeNote, tesseraRuns } from './table-jobs.mjs';
import { best, formatTable, python, pyTimer } from './timing.mjs';

const ROWS = 2_000_000;
const LIMIT = 16 * 2 ** 20;

/** The generated CSV: k (int, 1,000 values), v (a float of six decimals, as Python writes it), s (one of three strings). */
function writeTable(path) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const names = ['aa', 'bbb', 'cccc'];
  const lines = ['k,v,s'];
  for (let i = 0; i < ROWS; i++) lines.push(`${Math.floor(rnd() * 1000)},${String(Math.round(rnd() * 1e6) / 1e6 || 0.5)},${names[Math.floor(rnd() * 3)]}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const quick = process.argv.includes('--quick');
const repeats = quick ? 2 : 3;
const workers = Math.min(2, availableParallelism());
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-sort-'));
const csv = join(dir, 't.csv');
writeTable(csv);
const mb = statSync(csv).size / 2 ** 20;

const { runs: tessera, simd } = await tesseraRuns({ dir, datasets: { t: { csv, blocksize: '2MB' } }, name: 's', expr: "t.sort_values('v')", limit: LIMIT, workers, repeats });

const db = await DuckDBInstance.create();
const con = await db.connect();
await con.run(`SET threads = ${workers}`);
const duckOut = join(dir, 'duckdb.csv');
const duckdb = await best(() => con.run(`COPY (SELECT * FROM read_csv('${csv}') ORDER BY v) TO '${duckOut}' (HEADER)`), repeats);
const duckShape = shape(duckOut);

const py = python(`${pyTimer(quick ? 1 : 2)}
import warnings
warnings.simplefilter('ignore')
out = {}
try:
    import pandas as pd
    out['pandas'] = best(lambda: pd.read_csv(${JSON.stringify(csv)}, float_precision='round_trip').sort_values('v', kind='stable').to_csv(${JSON.stringify(join(dir, 'pandas.csv'))}, index=False))
    out['pandasVersion'] = pd.__version__
except ImportError: pass
try:
    import dask, dask.dataframe as dd
    out['dask'] = best(lambda: dd.read_csv(${JSON.stringify(csv)}, blocksize=2 * 2 ** 20).sort_values('v').to_csv(${JSON.stringify(join(dir, 'dask.csv'))}, single_file=True, index=False, compute_kwargs={'scheduler': 'threads', 'num_workers': ${workers}}))
    out['daskVersion'] = dask.__version__
except Exception as e:
    out['daskError'] = type(e).__name__ + ': ' + str(e)[:120]
print(json.dumps(out))`);

const problems = [];
const same = (name, s) => {
  const t = tessera['in memory'].shape;
  if (s.lines !== t.lines || s.first !== t.first || s.last !== t.last) problems.push(`${name}: ${JSON.stringify(s)} vs Tessera's ${JSON.stringify(t)}`);
};
same('DuckDB', duckShape);
same('Tessera under the limit', tessera[`--memory-limit ${LIMIT / 2 ** 20} MB`].shape);
if (py?.pandas) same('pandas', shape(join(dir, 'pandas.csv')));

const ms = (s) => (s == null ? null : `${(s * 1000).toFixed(0)} ms`);
const rows = [];
const label = `sort_values('v') to CSV, ${(ROWS / 1e6).toFixed(0)}M rows (${mb.toFixed(0)} MB)`;
for (const [setting, t] of Object.entries(tessera)) {
  const store = storeNote(t.stats);
  rows.push({ bench: label, setting: `${setting} (${store})`, tessera: ms(t.seconds), peer: ms(duckdb), peerName: `DuckDB ${duckdbVersion()}, ${workers} threads`, ratioLabel: 'x faster than DuckDB', ratio: duckdb / t.seconds, target: '' });
  if (py?.pandas) rows.push({ bench: label, setting: `${setting}`, tessera: ms(t.seconds), peer: ms(py.pandas), peerName: `pandas ${py.pandasVersion}, 1 thread`, ratioLabel: 'x faster than pandas', ratio: py.pandas / t.seconds, target: '' });
  rows.push({ bench: label, setting: `${setting}`, tessera: ms(t.seconds), peer: py?.dask ? ms(py.dask) : '-', peerName: py?.dask ? `dask.dataframe ${py.daskVersion}, threads, ${workers} workers` : `dask.dataframe: ${py?.daskError ?? 'not installed'}`, ratioLabel: 'x faster than dask.dataframe', ratio: py?.dask ? py.dask / t.seconds : null, target: '' });
}
rmSync(dir, { recursive: true, force: true });
console.log(`\nTessera table sort: ${workers} workers, SIMD ${simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
console.log(formatTable(rows));
for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
