/**
 * Tables from Parquet files (ADR 0015) through the job spec and the real CLI (real addon, DuckDB
 * loaded in the CLI's process, real worker threads). The fixtures are written by DuckDB itself from
 * CSV files generated here, and pandas reading those CSV files is the oracle: values, not shapes.
 * Covered: several row groups, int64/float64/bool/timestamp/string, nulls, dictionary and plain
 * pages, zstd/snappy/gzip, one file, a glob, a folder, hive folders; results independent of the
 * worker count; partitions = row groups merged up to the blocksize; damaged inputs fail with typed errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { ENV, tessera } from './helpers/cli.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';
import { duckdbSql } from './helpers/duckdb.js';


let sql: (text: string) => Promise<unknown>;

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const CSV_TYPES = "{'id': 'BIGINT', 'passengers': 'BIGINT', 'fare': 'DOUBLE', 'night': 'BOOLEAN', 'pickup': 'TIMESTAMP', 'city': 'VARCHAR', 'tag': 'VARCHAR', 'note': 'VARCHAR'}";
const DTYPES = ['int64', 'int64', 'float64', 'bool', 'timestamp', 'string', 'string', 'string'];
const CITIES = ['Lyon', 'Paris', 'Saint-Étienne', "O'Brien Town", 'Aix-en-Provence-sur-Arc'];

/** Trips as CSV: nulls in passengers, fare, pickup and note; city has few values (dictionary pages), tag one per row (plain pages). */
function trips(n: number, seed: number): string {
  const r = rng(seed);
  const lines = ['id,passengers,fare,night,pickup,city,tag,note'];
  for (let i = 0; i < n; i++) {
    const id = seed * 1_000_000 + i;
    const passengers = r() < 0.1 ? '' : String(1 + Math.floor(r() * 6));
    const fare = r() < 0.05 ? '' : (r() * 100 - 10).toFixed(2).replace(/^-0\.00$/, '0.00'); // JSON has no -0
    const pickup = r() < 0.03 ? '' : new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 86400 * 60) * 1000).toISOString().replace('.000Z', '');
    const note = r() < 0.8 ? '' : ['ok', 'late', 'très bien'][Math.floor(r() * 3)];
    lines.push(`${id},${passengers},${fare},${r() < 0.3 ? 'true' : 'false'},${pickup},${CITIES[Math.floor(r() * CITIES.length)]},tag-${id.toString(36)}-${Math.floor(r() * 1e9).toString(16)},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `csv` as Parquet through DuckDB. */
/** DuckDB cuts a row group at the first 2,048-row chunk that takes it past rowGroupSize. */
async function toParquet(csv: string, parquet: string, compression: string, rowGroupSize = 2048): Promise<void> {
  await sql(`COPY (SELECT * FROM read_csv(${lit(csv)}, header = true, auto_detect = false, columns = ${CSV_TYPES}, nullstr = '')) TO ${lit(parquet)} (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupSize}, COMPRESSION ${compression})`);
}

type Rows = unknown[][];
interface Oracle { columns: string[]; rows: Rows; n: number; head: Rows; nulls: Record<string, number> }

/** pandas reading the CSV files (concatenated, with constant columns added per file) as our output shows rows. */
function pandas(files: { csv: string; extra?: Record<string, string | number> }[], cwd: string): Oracle {
  const script = `import json, math, sys, pandas as pd
def cell(v):
    if (isinstance(v, float) and math.isnan(v)) or v is pd.NaT: return None
    if isinstance(v, pd.Timestamp): return v.isoformat()
    if type(v).__name__ == 'bool_': return bool(v)
    if type(v).__name__ in ('int64', 'float64'): return v.item()
    return v
def rows(df): return [[cell(v) for v in r] for r in df.itertuples(index=False)]
frames = []
for f in json.loads(sys.stdin.read()):
    df = pd.read_csv(f['csv'], parse_dates=['pickup'], float_precision='round_trip', keep_default_na=False, na_values=[''])
    for k, v in (f.get('extra') or {}).items(): df[k] = v
    frames.append(df)
df = pd.concat(frames, ignore_index=True)
print(json.dumps({'columns': list(df.columns), 'rows': rows(df), 'n': len(df), 'head': rows(df.head(7)), 'nulls': {c: int(df[c].isna().sum()) for c in df.columns}}))`;
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', script], { cwd, input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as Oracle;
}

function run(dir: string, dataset: Record<string, unknown>, outputs: Record<string, string>, workers = 2) {
  writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: dataset }, outputs }));
  const r = tessera(['run', 'job.json', '--json', '--workers', String(workers)], dir);
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : undefined };
}

function inspect(path: string, cwd: string) {
  const r = tessera(['inspect', path, '--json'], cwd);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const OUTPUTS = { all: 't', first: 't.head(7)', n: 'len(t)', pair: "t[['city', 'fare']]" };

/** The outputs of OUTPUTS against the oracle. */
function expectAsPandas(outputs: Record<string, { columns: string[]; dtypes: string[]; rows: Rows; nrows: number; value?: number }>, oracle: Oracle, dtypes: string[]): void {
  expect(outputs.all.columns).toEqual(oracle.columns);
  expect(outputs.all.dtypes).toEqual(dtypes);
  expect(outputs.all.nrows).toBe(oracle.n);
  expect(outputs.all.rows).toEqual(oracle.rows);
  expect(outputs.first.rows).toEqual(oracle.head);
  expect(outputs.n).toEqual({ kind: 'scalar', dtype: 'int64', value: oracle.n });
  const [ci, fi] = ['city', 'fare'].map((c) => oracle.columns.indexOf(c));
  expect(outputs.pair.columns).toEqual(['city', 'fare']);
  expect(outputs.pair.rows).toEqual(oracle.rows.map((row) => [row[ci], row[fi]]));
}

describe('tables from Parquet files', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'months'));
  for (const d of ['year=2020/region=north', 'year=2020/region=south', 'year=2021/region=north', 'year=2021/region=south']) mkdirSync(join(dir, 'hive', d), { recursive: true });

  beforeAll(async () => {
    sql = await duckdbSql();
    await sql('SET threads = 1'); // row groups cut as ROW_GROUP_SIZE says (parallel writers merge small ones)
    writeFileSync(join(dir, 'one.csv'), trips(9000, 1));
    await toParquet(join(dir, 'one.csv'), join(dir, 'one.parquet'), 'zstd');
    const codecs = ['snappy', 'gzip', 'zstd'];
    for (let k = 0; k < 3; k++) {
      writeFileSync(join(dir, `month-${k}.csv`), trips(3000, 10 + k));
      await toParquet(join(dir, `month-${k}.csv`), join(dir, 'months', `month-${k}.parquet`), codecs[k], 1000);
    }
    writeFileSync(join(dir, 'months', '_SUCCESS'), '');
    let k = 0;
    for (const year of [2020, 2021]) for (const region of ['north', 'south']) {
      writeFileSync(join(dir, `hive-${k}.csv`), trips(1000 + 100 * k, 20 + k));
      await toParquet(join(dir, `hive-${k}.csv`), join(dir, 'hive', `year=${year}`, `region=${region}`, 'part-0.parquet'), 'zstd', 2048);
      k++;
    }
  }, 60_000);

  it('reads one file of five row groups as pandas reads the same data, in one read or five, on one worker or two', () => {
    const oracle = pandas([{ csv: 'one.csv' }], dir);
    const one = run(dir, { parquet: 'one.parquet' }, OUTPUTS, 1);
    expect(one.status, one.stderr).toBe(0);
    expectAsPandas(one.json.outputs, oracle, DTYPES);
    for (const workers of [1, 2]) {
      const five = run(dir, { parquet: 'one.parquet', blocksize: '1KiB' }, OUTPUTS, workers);
      expect(five.status, five.stderr).toBe(0);
      expect(five.json.outputs).toEqual(one.json.outputs);
    }
  });

  it('has dictionary and plain pages in the fixture, and inspect shows exact rows, null counts and the row groups merged into one partition', async () => {
    const encodings = await lines(`SELECT path_in_schema || ':' || encodings FROM parquet_metadata(${lit(join(dir, 'one.parquet'))})`, dir);
    expect(encodings.some((e) => e.startsWith('city:') && e.includes('DICTIONARY'))).toBe(true);
    expect(encodings.some((e) => e.startsWith('tag:') && !e.includes('DICTIONARY'))).toBe(true);

    const oracle = pandas([{ csv: 'one.csv' }], dir);
    const info = inspect('one.parquet', dir);
    expect(info).toMatchObject({ kind: 'table', format: 'parquet', files: 1, rows: 9000, rowGroups: 5, partitions: 1 });
    expect(info.columns.map((c: { name: string }) => c.name)).toEqual(oracle.columns);
    expect(info.columns.map((c: { dtype: string }) => c.dtype)).toEqual(DTYPES);
    expect(Object.fromEntries(info.columns.map((c: { name: string; nulls: number }) => [c.name, c.nulls]))).toEqual(oracle.nulls);
    expect(oracle.nulls.passengers).toBeGreaterThan(0);
    const text = tessera(['inspect', 'one.parquet'], dir);
    expect(text.stdout).toContain('rows     9000');
    expect(text.stdout).toContain('1 partition(s)');
    expect(text.stdout).toMatch(/column {3}note: string, \d+ null/);
  });

  it('reads a glob and a folder of three files (snappy, gzip, zstd), two row groups each', () => {
    const oracle = pandas([0, 1, 2].map((k) => ({ csv: `month-${k}.csv` })), dir);
    for (const parquet of ['months/*.parquet', 'months', 'months/']) {
      const r = run(dir, { parquet }, OUTPUTS);
      expect(r.status, r.stderr).toBe(0);
      expectAsPandas(r.json.outputs, oracle, DTYPES);
    }
    expect(inspect('months', dir)).toMatchObject({ files: 3, rows: 9000, rowGroups: 6, partitions: 3 }); // merged, never across files
    const counted = run(dir, { parquet: 'months' }, { n: 'len(t)' });
    expect(counted.json.stats.tasks).toBe(3);
  });

  it('reads hive folders year=/region= with the keys as int64 and string columns', () => {
    const keys = [[2020, 'north'], [2020, 'south'], [2021, 'north'], [2021, 'south']];
    const oracle = pandas(keys.map(([year, region], k) => ({ csv: `hive-${k}.csv`, extra: { year, region } })), dir);
    const r = run(dir, { parquet: 'hive' }, { ...OUTPUTS, keys: "t[['region', 'year', 'id']]" });
    expect(r.status, r.stderr).toBe(0);
    expectAsPandas(r.json.outputs, oracle, [...DTYPES, 'int64', 'string']);
    expect(r.json.outputs.keys.rows.slice(0, 2)).toEqual([['north', 2020, 20_000_000], ['north', 2020, 20_000_001]]);
    expect(inspect('hive', dir).columns.slice(-2)).toEqual([{ name: 'year', dtype: 'int64', nulls: 0 }, { name: 'region', dtype: 'string', nulls: 0 }]);
  });

  it('reads short strings of every inline length (0-12 bytes) and longer ones, differing only in their last byte, with nulls, as DuckDB does', async () => {
    // The reader caches the codes of strings of up to 12 bytes by their bytes as DuckDB hands them
    // over: strings that share a prefix and differ in length or in their last byte must not meet.
    const path = join(dir, 'short.parquet');
    await sql(`COPY (SELECT i AS id, CASE WHEN i % 17 = 0 THEN NULL ELSE repeat('ab', (i % 15) // 2) || CASE WHEN i % 2 = 0 THEN '' ELSE chr(CAST(97 + (i // 15) % 3 AS INTEGER)) END END AS s
      FROM range(20000) r(i)) TO ${lit(path)} (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    const want = (await lines(`SELECT coalesce(s, '<null>') || '=' || count(*) FROM read_parquet(${lit(path)}) GROUP BY s ORDER BY s NULLS LAST`, dir)).sort();
    const r = run(dir, { parquet: 'short.parquet' }, { counts: 't.s.fillna("<null>").value_counts()' });
    expect(r.status, r.stderr).toBe(0);
    const got = (r.json.outputs.counts.rows as [string, number][]).map(([s, n]) => `${s}=${n}`).sort();
    expect(got).toEqual(want);
    expect(got.length).toBeGreaterThan(30);
  });

  it('reads one row group per partition with a small blocksize, and "columns" keeps only those named', () => {
    const oracle = pandas([0, 1, 2].map((k) => ({ csv: `month-${k}.csv` })), dir);
    const single = run(dir, { parquet: 'months', blocksize: '1KiB' }, OUTPUTS);
    expect(single.status, single.stderr).toBe(0);
    expectAsPandas(single.json.outputs, oracle, DTYPES);
    expect(run(dir, { parquet: 'months', blocksize: '1KiB' }, { n: 'len(t)' }).json.stats.tasks).toBe(6);
    const some = run(dir, { parquet: 'months', columns: ['tag', 'id'] }, { all: 't' });
    expect(some.json.outputs.all.columns).toEqual(['tag', 'id']);
    expect(some.json.outputs.all.rows.slice(0, 3)).toEqual(oracle.rows.slice(0, 3).map((row) => [row[6], row[0]]));
  });

  it('refuses an empty, truncated or damaged file and a missing path at planning (exit 2), and names the row group of a damaged page', async () => {
    const bytes = readFileSync(join(dir, 'one.parquet'));
    writeFileSync(join(dir, 'empty.parquet'), '');
    writeFileSync(join(dir, 'truncated.parquet'), bytes.subarray(0, bytes.length - 300));
    const footer = Buffer.from(bytes);
    footer.fill(0x5a, footer.length - 400, footer.length - 8); // the footer's metadata, magic kept
    writeFileSync(join(dir, 'footer.parquet'), footer);
    for (const [file, code] of [['empty.parquet', 'PARQUET_INVALID'], ['truncated.parquet', 'PARQUET_INVALID'], ['footer.parquet', 'PARQUET_INVALID'], ['nowhere.parquet', 'FILE_NOT_FOUND'], ['nowhere/', 'FILE_NOT_FOUND']]) {
      const r = run(dir, { parquet: file }, { n: 'len(t)', all: 't' });
      expect(r.status, `${file}: ${r.stderr}`).toBe(2);
      expect(r.json.outputs).toBeUndefined();
      expect(r.json.error.code).toBe(code);
      if (code === 'PARQUET_INVALID') expect(r.json.error.message).toContain(file);
      const i = tessera(['inspect', file], dir);
      expect(i.status).toBe(2);
      expect(i.stderr).toContain(`error[${code}]`);
    }
    // A page header overwritten: the footer is intact, so planning passes and the task that reads
    // that row group fails, naming the file, the row group and the column, whether its read holds
    // that row group alone or all five (the default blocksize merges them).
    const [page] = (await lines(`SELECT data_page_offset FROM parquet_metadata(${lit(join(dir, 'one.parquet'))}) WHERE path_in_schema = 'fare' AND row_group_id = 2`, dir)).map(Number);
    const damaged = Buffer.from(bytes);
    damaged.fill(0xff, page, page + 24);
    writeFileSync(join(dir, 'page.parquet'), damaged);
    for (const blocksize of [undefined, '1KiB']) {
      const r = run(dir, { parquet: 'page.parquet', ...(blocksize ? { blocksize } : {}) }, { all: 't' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.json.error.code).toBe('PARQUET_INVALID');
      expect(r.json.error.message).toMatch(/page\.parquet, row group 2, column 'fare'/);
    }
  });

  it('says which package is missing when DuckDB cannot be loaded, and a CSV job never loads it', () => {
    const addon = fileURLToPath(new URL('../build/Release/tessera.node', import.meta.url));
    const probe = spawnSync(process.execPath, ['-e', `
      const a = require(${JSON.stringify(addon)});
      try { a.parquetPlan('/nowhere/libduckdb.so', ['x.parquet']); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); }`], { encoding: 'utf8' });
    const e = JSON.parse(probe.stdout);
    expect(e.code).toBe('PARQUET_UNAVAILABLE');
    expect(e.hint).toContain('@duckdb/node-bindings');

    const main = fileURLToPath(new URL('../dist/src-main/hosts/cli/main.js', import.meta.url));
    writeFileSync(join(dir, 'csv-job.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 'one.csv' } }, outputs: { n: 'len(t)', all: 't.head(3)' } }));
    writeFileSync(join(dir, 'pq-job.json'), JSON.stringify({ tessera: 1, datasets: { t: { parquet: 'one.parquet' } }, outputs: { n: 'len(t)', all: 't.head(3)' } }));
    // A script file, not -e: worker threads inherit the process's exec arguments.
    writeFileSync(join(dir, 'maps.mjs'), `import { readFileSync } from 'node:fs';
const { main } = await import(${JSON.stringify(main)});
const code = await main(['run', process.argv[2], '--workers', '2']);
console.log(JSON.stringify({ code, duckdb: readFileSync('/proc/self/maps', 'utf8').includes('libduckdb') }));
`);
    const loads = (job: string) => spawnSync(process.execPath, ['maps.mjs', job], { cwd: dir, encoding: 'utf8', env: ENV });
    const lines = (s: string) => JSON.parse(s.trim().split('\n').pop()!);
    expect(lines(loads('csv-job.json').stdout)).toEqual({ code: 0, duckdb: false });
    expect(lines(loads('pq-job.json').stdout)).toEqual({ code: 0, duckdb: true });
  });
});

/** A query's first column as text lines, through DuckDB's COPY to a CSV file (the JS API's vectors are raw bytes). */
async function lines(query: string, dir: string): Promise<string[]> {
  const out = join(dir, `query-${Math.random().toString(36).slice(2)}.csv`);
  await sql(`COPY (${query}) TO ${lit(out)} (FORMAT csv, HEADER false, QUOTE '')`);
  return readFileSync(out, 'utf8').split('\n').filter(Boolean);
}
