#!/usr/bin/env node
/**
 * One peer of bench/dataframes.mjs, in its own process (its thread pool and, for DuckDB, its own
 * copy of libduckdb apart from the one Tessera's addon loads): the flights filter + group-by,
 * `f[f.delay > 15].groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count'))`,
 * read + compute timed as the best of `repeats` after one warm-up. Prints one JSON line:
 * { version, seconds, rows: [[origin, mean, n], ...] sorted by origin }.
 *
 *   node bench/peers/peer.mjs polars|duckdb csv|parquet PATH_OR_GLOB REPEATS
 * Threads: 2 (POLARS_MAX_THREADS, set by the caller before Polars loads; DuckDB's SET threads).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const [system, format, path, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 5);
const require = createRequire(import.meta.url);
const versionOf = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

async function best(f) {
  let out = await f();
  let t = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    out = await f();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return { seconds: t, rows: out };
}

let result;
if (system === 'polars') {
  if (process.env.POLARS_MAX_THREADS !== '2') throw new Error('run with POLARS_MAX_THREADS=2');
  const pl = require('nodejs-polars');
  const query = async () => {
    const f = format === 'csv' ? pl.scanCSV(path) : pl.scanParquet(path);
    const df = await f.filter(pl.col('delay').gt(15)).groupBy('origin')
      .agg(pl.col('delay').mean().alias('mean'), pl.col('delay').count().alias('n')).sort('origin').collect();
    return df.rows();
  };
  result = { version: versionOf('nodejs-polars'), ...(await best(query)) };
} else if (system === 'duckdb') {
  const { DuckDBInstance } = require('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  await c.run('SET threads = 2');
  const source = format === 'csv' ? `read_csv('${path}')` : `read_parquet('${path}')`;
  const query = async () => {
    const r = await c.runAndReadAll(`SELECT origin, avg(delay) AS mean, count(delay) AS n FROM ${source} WHERE delay > 15 GROUP BY origin ORDER BY origin`);
    return r.getRows().map(([o, m, n]) => [o, m, Number(n)]);
  };
  result = { version: versionOf('@duckdb/node-api'), ...(await best(query)) };
} else {
  throw new Error(`no peer ${system}`);
}
console.log(JSON.stringify(result));
