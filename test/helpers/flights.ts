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
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tessera } from './cli.js';

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

/** Splits a CSV file into `parts` files of about equal lines, each with the header, in row order. */
function splitCsv(path: string, outDir: string, parts: number, rows: number): string[] {
  const fd = openSync(path, 'r');
  const files: string[] = [];
  try {
    const per = Math.ceil(rows / parts);
    const buf = Buffer.alloc(1 << 22);
    let header: Buffer | null = null;
    let carry = Buffer.alloc(0);
    let part = -1, out = -1, inPart = per;
    const open = () => {
      if (out >= 0) closeSync(out);
      part++;
      const file = join(outDir, `flights-${part}.csv`);
      files.push(file);
      out = openSync(file, 'w');
      writeSync(out, header!);
      inPart = 0;
    };
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const data = Buffer.concat([carry, buf.subarray(0, n)]);
      let at = 0;
      if (!header) {
        const nl = data.indexOf(10);
        header = Buffer.from(data.subarray(0, nl + 1));
        at = nl + 1;
      }
      // Write whole lines, cutting where a part is full (no quoted newlines in this data).
      for (;;) {
        if (data.indexOf(10, at) < 0) break; // no full line left in this buffer
        if (inPart === per) open();
        let end = at, lines = 0;
        while (lines < per - inPart) {
          const nl = data.indexOf(10, end);
          if (nl < 0) break;
          end = nl + 1;
          lines++;
        }
        if (end > at) writeSync(out, data, at, end - at);
        inPart += lines;
        at = end;
      }
      carry = Buffer.from(data.subarray(at));
    }
    if (carry.length) writeSync(out, carry);
    if (out >= 0) closeSync(out);
  } finally {
    closeSync(fd);
  }
  return files;
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
