/**
 * The flights data of vega-datasets (data/flights-3m.parquet, 3,000,000 rows) for the dataframe
 * bench: the Parquet file, and the same rows as one CSV file (Tessera's own CSV export, pandas'
 * to_csv format) and as 8 CSV files cut from it at line boundaries, in row order. The CSV files are
 * made once and kept under the temp folder (TESSERA_BENCH_DATA to put them elsewhere).
 * test/helpers/flights.ts splits its files with this module's splitCsv.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FLIGHTS_ROWS = 3_000_000;

/** flights-3m.parquet: TESSERA_FLIGHTS, else node_modules/vega-datasets (a devDependency); null when neither has it. */
export function flightsParquet() {
  if (process.env.TESSERA_FLIGHTS) return existsSync(process.env.TESSERA_FLIGHTS) ? process.env.TESSERA_FLIGHTS : null;
  const file = join(ROOT, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
  return existsSync(file) ? file : null;
}

/** Copies `path` into `parts` files of about equal lines (each with the header), in order. */
export function splitCsv(path, outDir, parts, rows) {
  const fd = openSync(path, 'r');
  const per = Math.ceil(rows / parts);
  const buf = Buffer.alloc(1 << 22);
  let header = null, carry = Buffer.alloc(0), part = -1, out = -1, inPart = per;
  const open = () => {
    if (out >= 0) closeSync(out);
    out = openSync(join(outDir, `flights-${++part}.csv`), 'w');
    writeSync(out, header);
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
    for (;;) {
      if (data.indexOf(10, at) < 0) break;
      if (inPart === per) open();
      let end = at, lines = 0;
      while (lines < per - inPart) {
        const nl = data.indexOf(10, end);
        if (nl < 0) break;
        end = nl + 1;
        lines++;
      }
      writeSync(out, data, at, end - at);
      inPart += lines;
      at = end;
    }
    carry = Buffer.from(data.subarray(at));
  }
  if (carry.length) writeSync(out, carry);
  if (out >= 0) closeSync(out);
  closeSync(fd);
}

/** { one: the whole table as one CSV file, dir: a folder of flights-0.csv ... flights-7.csv, glob }. */
export function flightsCsv(parquet) {
  const dir = join(process.env.TESSERA_BENCH_DATA ?? tmpdir(), 'tessera-bench-flights');
  const result = { one: join(dir, 'flights.csv'), dir: join(dir, 'parts'), glob: join(dir, 'parts', 'flights-*.csv') };
  if (existsSync(join(dir, 'done'))) return result;
  process.stderr.write(`writing the flights as CSV under ${dir} (once) ...\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'parts'), { recursive: true });
  writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { f: { parquet } }, outputs: { flights: 'f' } }));
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'tessera.mjs'), 'run', 'job.json', '--json', '--out', 'export', '--format', 'csv'], { cwd: dir, encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) throw new Error(`exporting the flights as CSV failed: ${r.stderr || r.stdout}`);
  const out = JSON.parse(r.stdout).outputs.flights;
  renameSync(out.path, result.one);
  rmSync(join(dir, 'export'), { recursive: true, force: true });
  splitCsv(result.one, result.dir, 8, out.nrows);
  writeFileSync(join(dir, 'done'), '');
  return result;
}
