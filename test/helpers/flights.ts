/**
 * The flights data of the npm package vega-datasets (data/flights-3m.parquet: 3,000,000 real US
 * flights of 2001; date, delay, distance, origin, destination) as a test oracle's input, in both
 * forms the dataframe engine reads: the Parquet file as shipped, and the same rows as CSV split
 * into 8 files, written by Tessera itself (one CSV export of the whole table through the real CLI,
 * pandas' to_csv format, then cut at line boundaries into 8 files of about equal rows, in order).
 * The CSV files are made once per test run (under the run's temp root) and reused.
 *
 * Where the file is: node_modules/vega-datasets/data/flights-3m.parquet (a devDependency), or the
 * path in TESSERA_FLIGHTS (e.g. an unpacked `npm pack vega-datasets@3.2.1`).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tessera } from './cli.js';
import { splitCsv } from '../../bench/flights-data.mjs'; // the bench's, the one CSV splitter

export const FLIGHTS_ROWS = 3_000_000;
export const FLIGHTS_CSV_FILES = 8;

/** The Parquet file, or null when neither the package nor TESSERA_FLIGHTS has it. */
export function flightsParquet(): string | null {
  const env = process.env.TESSERA_FLIGHTS;
  if (env) {
    if (!existsSync(env)) throw new Error(`TESSERA_FLIGHTS names ${env}, which does not exist`);
    return env;
  }
  // (vega-datasets' exports map hides its package.json from require.resolve: the path directly)
  const direct = new URL('../../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url).pathname;
  return existsSync(direct) ? direct : null;
}

/** The flights as 8 CSV files (a folder, `flights-0.csv` ... `flights-7.csv`), made once per test run. */
export function flightsCsvDir(parquet: string): string {
  const root = process.env.TESSERA_TESTS_TMP ?? tmpdir();
  const dir = join(root, 'flights-csv');
  if (existsSync(join(dir, 'done'))) return dir;
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'export'), { recursive: true });
  writeFileSync(join(work, 'job.json'), JSON.stringify({ tessera: 1, datasets: { f: { parquet } }, outputs: { flights: 'f' } }));
  const r = tessera(['run', 'job.json', '--json', '--out', 'export', '--format', 'csv'], work);
  if (r.status !== 0) throw new Error(`exporting the flights as CSV failed: ${r.stderr || r.stdout}`);
  const out = JSON.parse(r.stdout).outputs.flights;
  if (out.nrows !== FLIGHTS_ROWS) throw new Error(`the flights export has ${out.nrows} rows, not ${FLIGHTS_ROWS}`);
  mkdirSync(join(work, 'csv'));
  splitCsv(out.path, join(work, 'csv'), FLIGHTS_CSV_FILES, out.nrows);
  rmSync(join(work, 'export'), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'csv'), dir);
  rmSync(work, { recursive: true, force: true });
  writeFileSync(join(dir, 'done'), '');
  return dir;
}
