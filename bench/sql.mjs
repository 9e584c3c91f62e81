#!/usr/bin/env node
/**
 * The SQL rows of `npm run bench` (`node bench/run.mjs --only sql`, or this file alone): the seed's
 * query and five analytic queries over the 3,000,000 flights of vega-datasets, as 8 CSV files and
 * as the Parquet file, through Tessera's SQL outputs (each query one job, built and run on a warm
 * engine: the file sniffed, the footer read, each time) against DuckDB (@duckdb/node-api) and
 * Polars' SQL context (nodejs-polars), each in its own process with 2 threads (bench/peers). Every
 * result is checked against DuckDB's (floats within 1e-12 relative).
 *
 *   node bench/sql.mjs [--quick]
 * Target (issue #20): as fast as the fastest peer on Parquet, faster on CSV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/src-main/engine/engine.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { flightsCsv, flightsParquet } from './flights-data.mjs';
import { peer, peersInstalled } from './peer-processes.mjs';
import { best, formatTable } from './timing.mjs';

export const SQL_QUERIES = {
  seed: 'select origin as name, avg(delay) as mean_x, count(*) as n from flights group by origin order by mean_x desc, name limit 5',
  late: 'select origin, avg(delay) as d, count(*) as n from flights where delay > 15 group by origin having count(*) > 100 order by d desc, origin limit 10',
  routes: 'select origin, destination, count(*) as n, max(distance) as far from flights group by origin, destination order by n desc, origin, destination limit 10',
  monthly: 'select extract(month from date) as m, avg(delay) as d, count(*) as n, stddev(delay) as s from flights group by 1 order by 1',
  buckets: "select case when delay > 60 then 'late' when delay < 0 then 'early' else 'ok' end as kind, count(*) as n, avg(distance) as far from flights group by 1 order by 1",
  longest: "select origin, destination, distance, delay from flights where origin in ('SFO', 'LAX', 'SEA') and delay > 300 order by distance desc, delay desc, origin, destination limit 10",
};

const close = (a, b) => a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)));

/** Differences between two results (rows in order), in words; '' when equal. */
function differs(rows, ref) {
  if (!rows || !ref) return '';
  if (rows.length !== ref.length) return `${rows.length} rows, not ${ref.length}`;
  for (let i = 0; i < ref.length; i++) if (rows[i].length !== ref[i].length || !rows[i].every((c, k) => close(c, ref[i][k]))) return `row ${i}: ${JSON.stringify(rows[i])} vs ${JSON.stringify(ref[i])}`;
  return '';
}

/** The SQL rows of the bench table. */
export async function sqlRows(engine, { quick = false } = {}) {
  const rows = [];
  const problems = [];
  const parquet = flightsParquet();
  if (!parquet) {
    process.stderr.write('flights-3m.parquet not found (vega-datasets is a devDependency): SQL rows skipped\n');
    return { rows, problems };
  }
  const csv = flightsCsv(parquet);
  const repeats = quick ? 2 : 3;
  const rounds = quick ? 1 : 2;
  const names = Object.keys(SQL_QUERIES);
  const have = peersInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-sql-'));
  const backend = new LocalBackend(engine);
  const better = (a, b) => (!a || (b && b.seconds < a.seconds) ? b : a);
  const times = { csv: {}, parquet: {} };
  for (let round = 0; round < rounds; round++) {
    for (const format of ['csv', 'parquet']) {
      const path = format === 'csv' ? csv.glob : parquet;
      const t = times[format];
      if (have) {
        for (const system of ['duckdb-sql', 'polars-sql']) {
          const r = peer(system, format, path, repeats, JSON.stringify(names.map((n) => SQL_QUERIES[n])));
          names.forEach((n, k) => { t[n] ??= {}; const x = r?.results[k]; if (x && !x.error) t[n][system] = better(t[n][system], { ...x, version: r.version }); else if (x?.error) problems.push(`${system} on ${format}, ${n}: ${x.error}`); });
        }
      }
      const dataset = format === 'csv' ? { csv: csv.glob, parse_dates: ['date'] } : { parquet };
      for (const n of names) {
        const spec = validateSpec({ tessera: 1, datasets: { flights: dataset }, outputs: { r: { sql: SQL_QUERIES[n] } } });
        let out;
        const seconds = await best(async () => { out = await runBuiltJob(backend, await buildJob(spec, dir), { outDir: join(dir, 'out') }); }, repeats);
        t[n] ??= {};
        t[n].tessera = better(t[n].tessera, { seconds, rows: out.outputs[0].rows });
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const ms = (s) => (s === null || s === undefined ? null : `${(s * 1000).toFixed(0)} ms`);
  for (const format of ['csv', 'parquet']) {
    for (const n of names) {
      const { tessera, 'duckdb-sql': duckdb, 'polars-sql': polars } = times[format][n];
      const ref = duckdb?.rows;
      const d = differs(tessera.rows, ref);
      if (d) problems.push(`Tessera on ${format}, ${n}: ${d}`);
      const dp = differs(polars?.rows, ref);
      if (dp) problems.push(`Polars on ${format}, ${n}: ${dp}`);
      const fastest = [duckdb, polars].filter(Boolean).sort((a, b) => a.seconds - b.seconds)[0];
      const who = fastest === duckdb ? `DuckDB ${duckdb?.version}` : `Polars ${polars?.version}`;
      rows.push({
        bench: `SQL ${n}, flights ${format === 'csv' ? '8 CSV files' : 'Parquet'}`, setting: `DuckDB ${ms(duckdb?.seconds) ?? 'n/a'}, Polars ${ms(polars?.seconds) ?? 'n/a'}`,
        tessera: ms(tessera.seconds), peer: ms(fastest?.seconds) ?? '-', peerName: fastest ? `${who}, 2 threads` : '', ratioLabel: 'x faster than the fastest',
        ratio: fastest ? fastest.seconds / tessera.seconds : null, target: format === 'csv' ? '> 1 (faster)' : '>= 1 (as fast)',
      });
    }
  }
  return { rows, problems };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const workers = Math.min(2, availableParallelism());
  const engine = await Engine.start({ workers });
  const { rows, problems } = await sqlRows(engine, { quick });
  await engine.close();
  console.log(`\nTessera SQL benchmarks: ${workers} workers, SIMD ${engine.simd}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}\n`);
  console.log(formatTable(rows));
  for (const p of problems) console.log(`RESULT DIFFERS: ${p}`);
}
