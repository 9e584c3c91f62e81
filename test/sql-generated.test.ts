/**
 * Generated SQL against DuckDB (issue #20): a few hundred queries from a grammar of the supported
 * constructs (test/helpers/sql-grammar.ts) over the flights, as Parquet and as CSV, and over the
 * generated time series (DuckDB reads the same rows exported to Parquet), through the real CLI (all
 * queries as outputs of one job) and @duckdb/node-api, compared as test/sql-duckdb.test.ts does.
 * SQL_SEED picks other lists (the seed is in the test's name).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { duckdbQueries } from './helpers/duckdb.js';
import { flightsCsvDir, flightsParquet } from './helpers/flights.js';
import { sqlQueries, TIMESERIES_SCHEMA } from './helpers/sql-grammar.js';
import { AIRPORTS, airportsView, expectSameRows, orderedResult } from './helpers/sql-compare.js';

const SEED = Number(process.env.SQL_SEED ?? 20);
const parquet = flightsParquet();

describe.skipIf(!parquet)(`generated SQL against DuckDB (seed ${SEED})`, () => {
  const dir = tempDir('tessera-sql-gen-');
  let csvDir = '';
  beforeAll(() => {
    csvDir = flightsCsvDir(parquet!);
    writeFileSync(join(dir, 'airports.csv'), AIRPORTS);
  }, 600_000);

  for (const [format, count] of [['parquet', 300], ['csv', 100]] as const) {
    it(`${count} queries over ${format}`, async () => {
      const queries = sqlQueries(SEED + (format === 'csv' ? 1 : 0), count);
      const file = format === 'parquet' ? parquet! : join(csvDir, '*.csv');
      const spec = {
        tessera: 1,
        datasets: { flights: format === 'parquet' ? { parquet: file } : { csv: file, parse_dates: ['date'] }, airports: { csv: join(dir, 'airports.csv') } },
        outputs: Object.fromEntries(queries.map((q, k) => [`q${k}`, { sql: q }])),
      };
      writeFileSync(join(dir, `job-${format}.json`), JSON.stringify(spec));
      const r = tessera(['run', `job-${format}.json`, '--json'], dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const got = JSON.parse(r.stdout).outputs as Record<string, { rows: unknown[][] }>;
      const want = await duckdbQueries([
        `create view flights as select * from ${format === 'parquet' ? `read_parquet('${file}')` : `read_csv('${file}')`}`,
        airportsView(join(dir, 'airports.csv')),
      ], queries);
      queries.forEach((q, k) => {
        const w = want[k];
        if ('error' in w) throw new Error(`DuckDB failed on q${k} (${q}): ${w.error}`);
        expectSameRows(`q${k}: ${q}`, got[`q${k}`], w, orderedResult(q));
      });
    }, 900_000);
  }
});

describe(`generated SQL over the time series against DuckDB (seed ${SEED})`, () => {
  it('100 queries over dask.datasets.timeseries', async () => {
    const dir = tempDir('tessera-sql-gen-ts-');
    const spec = (outputs: Record<string, unknown>) => JSON.stringify({ tessera: 1, datasets: { df: { timeseries: { seed: 7 } } }, outputs });
    writeFileSync(join(dir, 'export.json'), spec({ ts: 'df' }));
    const exported = tessera(['run', 'export.json', '--json', '--out', 'out'], dir);
    expect(exported.stderr).toBe('');
    const path = JSON.parse(exported.stdout).outputs.ts.path as string;
    const queries = sqlQueries(SEED + 2, 100, TIMESERIES_SCHEMA);
    writeFileSync(join(dir, 'job.json'), spec(Object.fromEntries(queries.map((q, k) => [`q${k}`, { sql: q }]))));
    const r = tessera(['run', 'job.json', '--json'], dir);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout).outputs as Record<string, { rows: unknown[][] }>;
    // DuckDB sums doubles in whatever order its threads meet them (x and y in [-1, 1) cancel: its
    // sums of 2.6M of them vary from run to run beyond 1e-12); its compensated fsum and favg do not.
    const oracle = queries.map((q) => q.replace(/\bsum\(/g, 'fsum(').replace(/\bavg\(/g, 'favg('));
    const want = await duckdbQueries([`create view df as select * from read_parquet('${path}')`], oracle);
    queries.forEach((q, k) => {
      const w = want[k];
      if ('error' in w) throw new Error(`DuckDB failed on q${k} (${q}): ${w.error}`);
      expectSameRows(`q${k}: ${q}`, got[`q${k}`], w, orderedResult(q));
    });
  }, 600_000);
});
