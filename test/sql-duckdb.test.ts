/**
 * SQL outputs against DuckDB as the oracle (issue #20): the same queries over the 3,000,000 flights
 * (Parquet, and the same rows as 8 CSV files) and a small airport table with NULLs, through the
 * real CLI and through @duckdb/node-api. Row order is compared only where ORDER BY fixes it (the
 * queries order by enough keys to have no ties); floats within 1e-12 relative. Also: SQL's NULL
 * rules where pandas' differ, errors that point at the SQL text, and SQL mixed with pandas-style
 * outputs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { duckdbQueries } from './helpers/duckdb.js';
import { flightsCsvDir, flightsParquet } from './helpers/flights.js';
import { AIRPORTS, airportsView, expectSameRows, orderedResult } from './helpers/sql-compare.js';

const QUERIES: Record<string, string> = {
  seed: 'select origin, avg(delay) as d, count(*) as n from flights where delay > 15 group by origin having count(*) > 100 order by d desc, origin limit 10',
  lesson: 'select origin as name, avg(delay) as mean_x, count(*) as n from flights group by origin order by mean_x desc, name limit 5',
  counts: 'select count(*), count(delay), sum(delay), min(delay), max(delay), avg(distance), min(date), max(date) from flights',
  std: 'select origin, stddev(delay) as s, variance(distance) as v, stddev_samp(delay) from flights group by origin',
  twoKeys: 'select origin, destination, count(*) as n, max(distance) as far from flights where distance > 2000 group by origin, destination',
  byPosition: 'select destination, sum(distance) from flights group by 1 order by 2 desc, 1 limit 7',
  byExpression: 'select extract(hour from date) as h, avg(delay) from flights group by extract(hour from date)',
  byAlias: 'select extract(month from date) as m, count(*) as n from flights group by m',
  dateParts: 'select year(date) as y, quarter(date) as q, extract(dow from date) as dw, extract(doy from date) as dy, count(*) from flights where delay > 300 group by 1, 2, 3, 4',
  distinct: 'select distinct origin from flights where delay > 500',
  distinctPairs: 'select distinct origin, destination from flights where distance < 100',
  countDistinct: 'select count(distinct destination) as d, count(distinct origin) as o from flights',
  countDistinctGrouped: "select origin, count(distinct destination) as d, count(*) as n from flights where origin like 'S%' group by origin",
  caseWhen: "select case when delay > 60 then 'late' when delay < 0 then 'early' else 'ok' end as kind, count(*) as n from flights group by 1",
  simpleCase: "select case origin when 'SFO' then 1 when 'LAX' then 2 end as k, count(*) from flights group by 1",
  between: 'select count(*), sum(distance) from flights where delay between -5 and 5 and distance not between 100 and 2000',
  inList: "select origin, count(*) from flights where origin in ('SFO', 'LAX', 'JFK') and destination not in ('SEA', 'PDX') group by origin",
  like: "select count(*) from flights where origin like 'S%' and destination like '%X' and origin not like '%F%'",
  ilike: "select count(*) from flights where lower(origin) ilike 'sf%'",
  strings: "select upper(lower(origin)) as o, length(destination) as l, substr(destination, 2, 2) as s, count(*) from flights where distance > 2500 group by 1, 2, 3",
  arithmetic: 'select origin, sum(delay * 2 + 1), avg(distance / 60.0), max(delay % 7), min(delay // 7), sum(-delay) from flights group by origin',
  cast: 'select cast(avg(delay) as bigint) as a, cast(sum(distance) as double) as b, cast(min(delay) as varchar) as c, max(delay)::double from flights',
  castRound: 'select cast(delay / 4 as bigint) as q, count(*) from flights where delay between -20 and 20 group by 1',
  coalesce: 'select coalesce(a.state, \'none\') as st, count(*) from flights f left join airports a on f.origin = a.iata group by 1',
  nullTest: 'select count(*) from flights f left join airports a on f.origin = a.iata where a.state is null',
  innerJoin: 'select a.state, count(*) as n, avg(f.delay) as d from flights f join airports a on f.origin = a.iata group by a.state',
  joinUsing: 'select state, count(*) from flights join (select iata as origin, state from airports) s using (origin) group by state',
  rightJoin: 'select a.iata, count(f.delay) as n from (select * from flights where delay > 900) f right join airports a on f.origin = a.iata group by a.iata',
  fullJoin: "select coalesce(x.origin, y.iata) as k, x.n, y.elevation from (select origin, count(*) as n from flights where origin like 'A%' group by origin) x full join airports y on x.origin = y.iata",
  nullGroup: 'select state, count(*) as n, sum(elevation) as e, min(iata) from airports group by state',
  sumOfNothing: 'select sum(delay), count(*), min(delay), avg(delay) from flights where delay > 100000',
  cte: 'with late as (select * from flights where delay > 120), per as (select origin, count(*) as n from late group by origin) select n, count(*) as origins from per group by n',
  subquery: 'select o, n from (select origin as o, count(*) as n from flights group by origin) t where n > 50000',
  inSubquery: "select count(*), sum(delay) from flights where origin in (select iata from airports where state = 'CA')",
  unionAll: "select origin as k, count(*) from flights where delay > 700 group by origin union all select destination, count(*) from flights where delay > 700 group by destination",
  union: "select origin from flights where delay > 800 union select destination from flights where delay > 800",
  orderNulls: 'select state, iata from airports order by state nulls first, iata',
  orderDescNullsLast: 'select state, elevation from airports order by elevation desc, iata',
  orderHidden: 'select origin from flights where delay > 1000 order by delay desc, origin, date limit 5',
  having: 'select destination, avg(delay) as d from flights group by destination having avg(delay) > 10 and count(*) >= 1000',
  notAndOr: "select count(*) from flights where not (origin = 'SFO' or delay <= 30) and (distance > 1000 or destination = 'LAX')",
  notEqualNull: 'select count(*) from airports where state <> \'CA\'',
  qualifiedStar: "select f.*, a.state from flights f join airports a on f.origin = a.iata where f.delay > 1200",
  fileInFrom: "select count(*), max(delay) from 'FLIGHTS_FILE'",
  readFunction: "select origin, count(*) from READ_FN('FLIGHTS_FILE') where delay > 900 group by origin",
  predicateValue: 'select delay > 30 as late, iata is null as none, count(*) from flights f left join airports a on f.origin = a.iata group by 1, 2',
  // (inf compared: JSON has no inf to print)
  divideByZero: 'select state, sum(elevation) / count(state) > 1000 as high, 0 / count(state) as zero from airports group by state',
  earlierOutput: 'select n, count(*) from byAlias group by n',
  likePatterns: "select count(*), count(distinct origin) from flights where origin like '_F_' or destination like 'S%A%' or origin like '%_N_'",
  dateTrunc: "select date_trunc('month', date) as m, date_trunc('week', date) as w, count(*) from flights where delay > 600 group by 1, 2",
  dateTruncSmall: "select date_trunc('hour', date) as h, date_trunc('quarter', date) as q, date_trunc('year', date) as y, date_trunc('minute', date) as mi, date_trunc('day', date) as d from flights where delay > 1300",
  windowRank: 'select origin, n, rank() over (order by n desc) as r from (select origin, count(*) as n from flights group by origin) t order by r, origin limit 20',
  windowPartition: 'select iata, state, elevation, row_number() over (partition by state order by elevation desc, iata) as rn, sum(elevation) over (partition by state) as s, avg(elevation) over (partition by state order by iata) as a, count(*) over () as n, min(elevation) over (partition by state) as lo, max(elevation) over (partition by state order by elevation) as hi, dense_rank() over (order by state) as dr, count(elevation) over (order by iata nulls first) as c from airports',
  topPerGroup: "select * from (select origin, destination, count(*) as n, row_number() over (partition by origin order by count(*) desc, destination) as rn from flights group by origin, destination) t where rn <= 2 and origin like 'S%'",
  runningSum: "select d, n, sum(n) over (order by d) as running from (select date_trunc('month', date) as d, count(*) as n from flights group by 1) t",
  windowOverRows: 'select count(*), sum(r), max(r), sum(c) from (select rank() over (partition by origin order by delay) as r, count(*) over (partition by destination) as c from flights where delay > 300) t',
  substrFromEnd: 'select iata, substr(iata, -2) as a, substr(iata, -2, 1) as b, substr(iata, -3, 2) as c, substr(iata, -2, 2) as d from airports',
  windowsAlone: 'select row_number() over () as r, count(*) over () as c, rank() over (order by state) as k from airports',
  explicitFrame: 'select iata, sum(elevation) over (order by iata range between unbounded preceding and current row) as s from airports',
  rightJoinUsing: "select * from (select state, iata from airports where state = 'CA') a right join (select state, count(*) as n from airports group by state) x using (state)",
  unicode: "select lower('École') as l, upper('école') as u, 'café' as c, count(*) as n from airports where 'é' like '_'",
  castConstants: 'select cast(2.5 as bigint) as a, cast(-2.5 as bigint) as b, cast(3.5::double as bigint) as c, cast(4503599627370497.0 as bigint) as d from airports limit 1',
  bigLimit: 'select iata from airports order by iata limit 3000000000',
  offset: 'select origin, count(*) as n from flights group by origin order by n desc, origin limit 5 offset 3',
  offsetOnly: 'select destination, max(delay) as m from flights group by destination order by m, destination offset 200',
  offsetPastEnd: 'select state from airports order by iata limit 3 offset 100',
};

const parquet = flightsParquet();

describe.skipIf(!parquet)('SQL outputs against DuckDB over the flights', () => {
  const dir = tempDir('tessera-sql-');
  let csvDir = '';
  beforeAll(() => {
    csvDir = flightsCsvDir(parquet!);
    writeFileSync(join(dir, 'airports.csv'), AIRPORTS);
  }, 600_000);

  for (const format of ['parquet', 'csv'] as const) {
    it(`gives DuckDB's results reading ${format}`, async () => {
      const file = format === 'parquet' ? parquet! : join(csvDir, '*.csv');
      const text = (q: string) => q.replaceAll('FLIGHTS_FILE', file).replace('READ_FN', format === 'parquet' ? 'read_parquet' : 'read_csv');
      const spec = {
        tessera: 1,
        datasets: { flights: format === 'parquet' ? { parquet: file } : { csv: file, parse_dates: ['date'] }, airports: { csv: join(dir, 'airports.csv') } },
        outputs: Object.fromEntries(Object.entries(QUERIES).map(([k, q]) => [k, { sql: text(q) }])),
      };
      writeFileSync(join(dir, `job-${format}.json`), JSON.stringify(spec));
      const r = tessera(['run', `job-${format}.json`, '--json'], dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const got = JSON.parse(r.stdout).outputs as Record<string, { rows: unknown[][] }>;
      const setup = [
        `create view flights as select * from ${format === 'parquet' ? `read_parquet('${file}')` : `read_csv('${file}')`}`,
        airportsView(join(dir, 'airports.csv')),
        `create view byAlias as ${QUERIES.byAlias}`,
      ];
      const names = Object.keys(QUERIES);
      const want = await duckdbQueries(setup, names.map((n) => text(QUERIES[n])));
      names.forEach((n, k) => {
        const w = want[k];
        if ('error' in w) throw new Error(`DuckDB failed on ${n}: ${w.error}`);
        expectSameRows(n, got[n], w, orderedResult(QUERIES[n]) && !/union/i.test(QUERIES[n]));
      });
    }, 600_000);
  }
});

describe('SQL outputs: errors and mixing with pandas-style outputs', () => {
  const dir = tempDir('tessera-sql-errors-');
  writeFileSync(join(dir, 'airports.csv'), AIRPORTS);
  const run = (outputs: Record<string, unknown>) => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { airports: { csv: 'airports.csv' } }, outputs }));
    return tessera(['run', 'job.json', '--json'], dir);
  };
  const errorOf = (outputs: Record<string, unknown>) => {
    const r = run(outputs);
    expect(r.status).not.toBe(0);
    return JSON.parse(r.stdout || r.stderr).error as { code: string; message: string; hint: string; position?: { output?: string; start: number; end: number } };
  };

  it('points at the SQL text with a line and column', () => {
    const sql = 'select state,\n  count(*) as n\nfrom airports\nwher state is not null';
    const e = errorOf({ q: { sql } });
    expect(e.code).toBe('SQL_SYNTAX');
    expect(e.message).toMatch(/line 4, column 6/);
    expect(e.position?.output).toBe('q');
    expect(sql.slice(e.position!.start, e.position!.end)).toBe('state');
  });

  it('names unknown tables and columns with a "did you mean"', () => {
    const t = errorOf({ q: { sql: 'select * from airport' } });
    expect(t.code).toBe('SQL_UNKNOWN_TABLE');
    expect(t.message).toMatch(/no table named 'airport'.*Did you mean: 'airports'/);
    const c = errorOf({ q: { sql: 'select stat, count(*) from airports' } });
    expect(c.code).toBe('SQL_UNKNOWN_COLUMN');
    expect(c.message).toMatch(/no column named 'stat'.*Did you mean: 'state'.*line 1, column 8/);
  });

  it('says which construct is not supported', () => {
    expect(errorOf({ q: { sql: 'select iata, sum(elevation) over (order by iata rows between 1 preceding and current row) from airports' } })).toMatchObject({ code: 'SQL_UNSUPPORTED', message: expect.stringMatching(/window frames/) });
    expect(errorOf({ q: { sql: 'select iata from airports where row_number() over () > 1' } })).toMatchObject({ code: 'SQL_MISPLACED_WINDOW' });
    expect(errorOf({ q: { sql: 'select iata from airports intersect select iata from airports' } })).toMatchObject({ code: 'SQL_UNSUPPORTED', message: expect.stringMatching(/INTERSECT/) });
    expect(errorOf({ q: { sql: 'delete from airports' } })).toMatchObject({ code: 'SQL_UNSUPPORTED', message: expect.stringMatching(/SELECT/) });
    expect(errorOf({ q: { sql: 'select iata from airports where elevation > 1 group by state' } })).toMatchObject({ code: 'SQL_NOT_GROUPED', message: expect.stringMatching(/iata.*GROUP BY/) });
    expect(errorOf({ q: { sql: 'select iata from airports where count(*) > 1' } })).toMatchObject({ code: 'SQL_MISPLACED_AGGREGATE' });
    expect(errorOf({ q: { sql: 'select sum(state) from airports' } })).toMatchObject({ code: 'SQL_TYPE' });
    expect(errorOf({ q: { select: 'x' } })).toMatchObject({ code: 'BAD_SPEC' });
  });

  it('counts columns in characters, not UTF-8 bytes, and reads a file named after non-ASCII text', () => {
    const e = errorOf({ q: { sql: "select 'café' as c, nope from airports" } });
    expect(e.message).toMatch(/no column named 'nope'.*line 1, column 21/);
    const r = run({ q: { sql: "select 'café' as c, count(*) as n from 'airports.csv'" } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).outputs.q.rows).toEqual([['café', 11]]);
  });

  it('reads a file named in FROM by a path longer than the 63 bytes of a PostgreSQL identifier', () => {
    const deep = join(dir, 'a-folder-with-a-long-name-so-that-the-path-passes-sixty-three-bytes', 'more');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'airport-table.csv'), AIRPORTS);
    const r = run({ q: { sql: `select count(*) from '${join(deep, 'airport-table.csv')}' a join airports b on a.iata = b.iata` } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).outputs.q.rows).toEqual([[10]]);
  });

  it('refuses what it does not plan, and windows out of place, with typed errors', () => {
    for (const sql of ["select iata is distinct from 'SFO' from airports", 'select nullif(elevation, 13) from airports', "select iata from airports where iata similar to 'S%'",
      'select elevation between symmetric 5 and 1 from airports']) {
      expect(errorOf({ q: { sql } })).toMatchObject({ code: 'SQL_UNSUPPORTED' });
    }
    expect(errorOf({ q: { sql: 'select state from airports group by state having rank() over (order by state) > 1' } })).toMatchObject({ code: 'SQL_MISPLACED_WINDOW' });
    expect(errorOf({ q: { sql: 'select sum(rank() over (order by iata)) over () from airports' } })).toMatchObject({ code: 'SQL_MISPLACED_WINDOW', message: expect.stringMatching(/nested/) });
    expect(errorOf({ q: { sql: 'select cast(elevation as decimal(10, 2)) from airports' } })).toMatchObject({ code: 'SQL_UNSUPPORTED', message: expect.stringMatching(/DECIMAL/) });
    const x = errorOf({ q: { sql: 'select iata from airports\nintersect select iata from airports' } });
    expect(x.message).toMatch(/INTERSECT.*line 2, column 1/);
  });

  it('a missing file named in FROM is a typed error at its name', () => {
    const sql = "select count(*) from 'nothing/*.csv'";
    const e = errorOf({ q: { sql } });
    expect(e.code).toMatch(/NOT_FOUND|NO_FILES/);
    expect(sql.slice(e.position!.start, e.position!.end)).toBe("'nothing/*.csv'");
  });

  it('SQL reads pandas-style outputs and pandas-style outputs read SQL ones, in spec order', () => {
    const r = run({
      ca: "airports[airports.state == 'CA']",
      high: { sql: 'select iata, elevation from ca where elevation > 10 order by iata' },
      n: 'len(high)',
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout).outputs;
    expect(out.high.rows).toEqual([['LAX', 125], ['SFO', 13]]);
    expect(out.n.value).toBe(2);
  });
});

describe("SQL over the generated time series (dask.datasets.timeseries), against DuckDB reading the same rows", () => {
  const dir = tempDir('tessera-sql-ts-');
  const TS_QUERIES: Record<string, string> = {
    // the seed's lesson, word for word
    seed: 'select name, avg(x) as mean_x, count(*) as n from df group by name order by mean_x desc limit 5',
    daily: "select date_trunc('day', timestamp) as d, count(*) as n, avg(y) as y, max(id) as top from df where x > 0.5 group by 1",
    hourly: "select extract(hour from timestamp) as h, name, sum(id) as s from df where name in ('Alice', 'Bob') group by 1, 2",
    ranked: 'select name, n, rank() over (order by n desc) as r from (select name, count(*) as n from df where y < -0.9 group by name) t',
    lateRows: "select count(*), min(timestamp), max(x) from df where timestamp between '2000-01-10' and '2000-01-12 06:00:00'",
  };

  it("gives DuckDB's answer for the seed's query and others", async () => {
    const spec = (outputs: Record<string, unknown>) => JSON.stringify({ tessera: 1, datasets: { df: { timeseries: { seed: 42 } } }, outputs });
    writeFileSync(join(dir, 'export.json'), spec({ ts: 'df' }));
    const exported = tessera(['run', 'export.json', '--json', '--out', 'out'], dir);
    expect(exported.stderr).toBe('');
    const path = JSON.parse(exported.stdout).outputs.ts.path as string;
    writeFileSync(join(dir, 'job.json'), spec(Object.fromEntries(Object.entries(TS_QUERIES).map(([k, q]) => [k, { sql: q }]))));
    const r = tessera(['run', 'job.json', '--json'], dir);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout).outputs as Record<string, { rows: unknown[][] }>;
    const names = Object.keys(TS_QUERIES);
    const want = await duckdbQueries([`create view df as select * from read_parquet('${path}')`], names.map((n) => TS_QUERIES[n]));
    expect(got.seed.rows.length).toBe(5);
    names.forEach((n, k) => {
      const w = want[k];
      if ('error' in w) throw new Error(`DuckDB failed on ${n}: ${w.error}`);
      expectSameRows(n, got[n], w, orderedResult(TS_QUERIES[n]));
    });
  }, 300_000);
});
