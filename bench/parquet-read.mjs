#!/usr/bin/env node
/**
 * Reading two columns of a Parquet file through a Tessera job (read_parquet tasks on the engine's
 * worker threads, ADR 0015), against DuckDB's whole query on the same file in the same run
 * (@duckdb/node-bindings, the package whose library Tessera loads; DuckDB's own threads). The file
 * is generated once by DuckDB, flights-like (3M rows, a 300-value string column and an int column
 * among five, ZSTD, about 11 row groups), and kept under the temp folder; --file reads another
 * (flights-3m.parquet has origin and delay too).
 *
 *   node bench/parquet-read.mjs [--file PATH] [--workers 2] [--repeats 5] [--columns origin,delay]
 */
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../dist/src-main/engine/engine.js';
import { computeTables, parquetFiles, parquetTableSource, planParquet, project, sourceTable } from '../dist/src-main/collections/dataframe/index.js';
import { lowerTables, tableFiles } from '../dist/src-main/collections/dataframe/lower.js';
import { best } from './timing.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const WORKERS = Number(arg('workers', Math.min(2, availableParallelism())));
const REPEATS = Number(arg('repeats', 5));
const [A, B] = arg('columns', 'origin,delay').split(',');
const path = arg('file', join(tmpdir(), 'tessera-bench-flights-3m.parquet'));
const duckdb = createRequire(import.meta.url)('@duckdb/node-bindings');

const config = duckdb.create_config();
duckdb.set_config(config, 'threads', String(WORKERS));
const conn = await duckdb.connect(await duckdb.open(':memory:', config));
const q = (sql) => duckdb.query(conn, sql);
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;

if (!existsSync(path)) {
  await q(`COPY (SELECT TIMESTAMP '2006-01-01' + INTERVAL (i // 3) SECOND AS date,
      CAST(hash(i) % 180 AS BIGINT) - 30 AS delay, CAST(100 + hash(i * 7) % 2500 AS BIGINT) AS distance,
      'AP' || CAST(hash(i * 13) % 300 AS VARCHAR) AS origin, 'AP' || CAST(hash(i * 17) % 300 AS VARCHAR) AS destination
    FROM range(3000000) t(i)) TO ${lit(path)} (FORMAT parquet, ROW_GROUP_SIZE 280000, COMPRESSION zstd)`);
}

const engine = await Engine.start({ workers: WORKERS });
let plan = 0;
// A whole job: plan, read, and the first 10,000 rows copied out (readTable copies a whole partition).
const tessera = async () => {
  const t0 = performance.now();
  const source = parquetTableSource(await planParquet(await parquetFiles(path)));
  plan = (performance.now() - t0) / 1000;
  const node = project(sourceTable(source), [A, B]);
  const r = await computeTables(engine, [{ name: 'x', output: { kind: 'table', node } }]);
  return r.outputs[0].nrows;
};
const rows = await tessera();
const source = await planParquet(await parquetFiles(path));
// The read tasks alone, on a planned source: what a job pays before its first operator.
const node = project(sourceTable(parquetTableSource(source)), [A, B]);
const tasks = async () => {
  const owner = engine.newJob();
  try {
    const outputs = [{ name: 'x', node }];
    const graph = lowerTables(outputs);
    await engine.run(graph, { owner, keep: new Set(graph.outputs.flatMap((o) => o.keys)), files: tableFiles(outputs) });
  } finally {
    engine.freeJob(owner);
  }
};

const peer = (sql) => async () => { await q(sql); };
const results = [
  ['Tessera: read 2 columns into the store (plan + tasks)', await best(tessera, REPEATS)],
  ['  of which planning (footers)', plan],
  ['Tessera: the read tasks alone (2 columns, one task per row group)', await best(tasks, REPEATS)],
  [`DuckDB: SELECT count(${A}), sum(${B}) (reads both columns)`, await best(peer(`SELECT count(${ident(A)}), sum(${ident(B)}) FROM read_parquet(${lit(path)})`), REPEATS)],
  [`DuckDB: whole query, ${B} > 15 group by ${A} (avg, count)`, await best(peer(`SELECT ${ident(A)}, avg(${ident(B)}), count(*) FROM read_parquet(${lit(path)}) WHERE ${ident(B)} > 15 GROUP BY ${ident(A)}`), REPEATS)],
];
await engine.close();

console.log(`${path}: ${(statSync(path).size / 1e6).toFixed(1)} MB, ${rows} rows, ${source.rowGroups} row groups, ${WORKERS} worker(s) / DuckDB threads, best of ${REPEATS}`);
for (const [name, s] of results) console.log(`  ${name.padEnd(72)} ${s.toFixed(4)} s`);
