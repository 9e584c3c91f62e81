#!/usr/bin/env node
/**
 * One peer of bench/dataframes.mjs, in its own process (its thread pool and, for DuckDB, its own
 * copy of libduckdb apart from the one Tessera's addon loads): the flights filter + group-by,
 * `f[f.delay > 15].groupby('origin').agg(mean=('delay', 'mean'), n=('delay', 'count'))`,
 * read + compute timed as the best of `repeats` after one warm-up. Prints one JSON line:
 * { version, seconds, rows: [[origin, mean, n], ...] sorted by origin }.
 *
 *   node bench/peers/peer.mjs polars|duckdb csv|parquet PATH_OR_GLOB REPEATS
 *   node bench/peers/peer.mjs polars-sql|duckdb-sql csv|parquet PATH_OR_GLOB REPEATS QUERIES_JSON
 * (the SQL form: bench/sql.mjs's queries over the view `flights`; prints { version, results:
 * [{ seconds, rows } | { error }] })
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
} else if (system === 'polars-sql' || system === 'duckdb-sql') {
  // SQL queries over the table `flights` (bench/sql.mjs): each timed alone, read + compute.
  const queries = JSON.parse(process.argv[6]);
  const cell = (v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString().replace(/\.000Z$|Z$/, '') : v);
  let run;
  let version;
  if (system === 'polars-sql') {
    if (process.env.POLARS_MAX_THREADS !== '2') throw new Error('run with POLARS_MAX_THREADS=2');
    const pl = require('nodejs-polars');
    // The CSV's date column parsed, as Tessera's dataset says (parse_dates) and DuckDB sniffs.
    const frame = () => (format === 'csv' ? pl.scanCSV(path).withColumns(pl.col('date').str.strptime(pl.Datetime, '%Y-%m-%d %H:%M:%S')) : pl.scanParquet(path));
    run = async (q) => {
      const ctx = pl.SQLContext({ flights: frame() });
      return (await ctx.execute(q).collect()).rows().map((r) => r.map(cell));
    };
    version = versionOf('nodejs-polars');
  } else {
    const { DuckDBInstance } = require('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:', { threads: '2' });
    const c = await db.connect();
    await c.run('SET threads = 2');
    await c.run(`CREATE VIEW flights AS SELECT * FROM ${format === 'csv' ? `read_csv('${path}')` : `read_parquet('${path}')`}`);
    run = async (q) => (await c.runAndReadAll(q)).getRowsJS().map((r) => r.map(cell));
    version = versionOf('@duckdb/node-api');
  }
  const results = [];
  for (const q of queries) {
    try {
      results.push(await best(() => run(q)));
    } catch (e) {
      results.push({ error: String(e.message ?? e).split('\n')[0] });
    }
  }
  result = { version, results };
} else {
  throw new Error(`no peer ${system}`);
}
console.log(JSON.stringify(result));
