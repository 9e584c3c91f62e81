/**
 * Generated dataframe pipelines against pandas: fast-check writes pandas expressions (filters of
 * and-ed, or-ed and negated terms over every column kind with missing values, timestamps
 * included, then a group-by with a random set of aggregations (named or a dict), a sort with a
 * head (na_position), nlargest/nsmallest, drop_duplicates, heads and tails in either order, str,
 * dt, fillna and where, concat, a merge, a Series reduction or an assign), the real CLI runs them over CSV files at
 * a random blocksize on a random number of workers, and pandas evaluates the same text over the
 * same files. What the hand-picked cases of dataframe-ops.test.ts miss shows up here as the
 * shortest expression that differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { expectSameOutput, pandasResults } from './helpers/frames.js';
import { rng } from './helpers/rng.js';
import { duckdbSql } from './helpers/duckdb.js';

/** Rows with a string key (some missing), a small int key, floats (some missing), ints, bools and timestamps (some missing). */
function rows(n: number, rnd: () => number, first: number): string {
  const keys = ['a', 'b', 'c', 'dd', ''];
  const lines = ['id,k,g,x,y,b,ts'];
  for (let i = 0; i < n; i++) {
    const x = rnd() < 0.1 ? '' : (rnd() * 20 - 10).toFixed(3);
    const ts = rnd() < 0.05 ? '' : new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 86400 * 90) * 1000).toISOString().replace('T', ' ').replace('.000Z', '');
    lines.push(`${first + i},${keys[Math.floor(rnd() * keys.length)]},${Math.floor(rnd() * 5)},${x},${Math.floor(rnd() * 101) - 50},${rnd() < 0.4 ? 'True' : 'False'},${ts}`);
  }
  return `${lines.join('\n')}\n`;
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

const term = fc.oneof(
  fc.tuple(pick(['x', 'y']), pick(['>', '>=', '<', '<=', '==', '!=']), pick(['-5', '0', '2.5', '7'])).map(([c, op, v]) => `(t.${c} ${op} ${v})`),
  fc.tuple(pick(['==', '!=']), pick(["'a'", "'dd'", "'zz'"])).map(([op, v]) => `(t.k ${op} ${v})`),
  pick(["t.k.isin(['a', 'dd'])", 't.x.isna()', 't.x.notna()', 't.k.notna()', 't.b', '~t.b', 't.y.between(-5, 20)', '(t.g == 2)', '(t.x > t.y)',
    "(t.ts >= '2024-02-01')", '(t.ts.dt.month == 3)', 't.ts.isna()', "t.k.str.startswith('d', na=False)"]),
);

const filter = fc.tuple(fc.array(term, { minLength: 1, maxLength: 3 }), pick([' & ', ' | ']), fc.boolean())
  .map(([terms, join, negate]) => {
    const f = terms.join(join);
    return negate ? `~(${f})` : f;
  });

const AGGS = ['count', 'sum', 'mean', 'min', 'max', 'std', 'var', 'size', 'first', 'last', 'nunique'];
const aggs = fc.uniqueArray(fc.tuple(pick(['x', 'y']), pick(AGGS)), { minLength: 1, maxLength: 4, selector: ([c, f]) => `${c}${f}` })
  .map((list) => list.map(([c, f], i) => `a${i}=('${c}', '${f}')`).join(', '));

/** A pandas expression over a frame written as B (t, or t filtered). */
const finish = fc.oneof(
  fc.tuple(pick(["'k'", "'g'", "['k', 'g']"]), aggs).map(([keys, a]) => (B: string) => `${B}.groupby(${keys}).agg(${a})`),
  pick(['x', 'y']).map((c) => (B: string) => `${B}.groupby(['k', 'g']).${c}.sum()`),
  fc.constant((B: string) => `${B}.groupby('g').size()`),
  fc.tuple(fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 40 })).map(([a1, a2, n]) =>
    (B: string) => `${B}.sort_values(['y', 'id'], ascending=[${a1 ? 'True' : 'False'}, ${a2 ? 'True' : 'False'}], kind='stable').head(${n})`),
  fc.tuple(pick(['nlargest', 'nsmallest']), fc.integer({ min: 1, max: 30 }), pick(["'y'", "['y', 'id']", "'x'"])).map(([m, n, c]) => (B: string) => `${B}.${m}(${n}, ${c})`),
  fc.constant((B: string) => `${B}[['k', 'g']].drop_duplicates()`),
  fc.tuple(pick(['head', 'tail']), pick(['head', 'tail']), fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 40 }))
    .map(([a, b, n, m]) => (B: string) => `${B}.${a}(${n}).${b}(${m})`),
  fc.tuple(pick(['x', 'y']), pick(['sum', 'mean', 'min', 'max', 'std', 'count', 'nunique'])).map(([c, f]) => (B: string) => `${B}.${c}.${f}()`),
  fc.constant((B: string) => `len(${B})`),
  fc.constant((B: string) => `${B}.assign(z=${B}.x * 2 + ${B}.y, w=${B}.y // 3).tail(5)`),
  fc.tuple(pick(['x', 'y']), pick(AGGS.filter((a) => a !== 'size')), pick(['x', 'y']), pick(['min', 'max', 'count'])).filter(([c1, , c2]) => c1 !== c2)
    .map(([c1, f1, c2, f2]) => (B: string) => `${B}.groupby('k').agg({'${c1}': '${f1}', '${c2}': '${f2}'})`),
  pick(["k.str.upper()", 'k.str.len()', "k.fillna('?')", 'x.fillna(0)', 'x.abs()', 'y.where(t.y > 0, 0)', "k.isin(['b', 'c'])", 'x.round()'].filter((e) => !e.includes('round')))
    .map((e) => (B: string) => `${B}.${e}.head(50)`),
  fc.constant((B: string) => `concat([${B}.head(7), t.tail(3)])`),
  pick(["groupby(t.ts.dt.dayofweek).y.sum()", "groupby('k').ts.max()", "ts.dt.hour.head(20)", "groupby('g').agg(first=('ts', 'min'), n=('ts', 'count'))"]).map((e) => (B: string) => `${B}.${e}`),
  fc.tuple(pick(['first', 'last']), fc.integer({ min: 1, max: 30 })).map(([na, n]) =>
    (B: string) => `${B}.sort_values(['x', 'id'], na_position='${na}', kind='stable').head(${n})`),
  fc.constant((B: string) => `${B}.drop_duplicates(subset=['k', 'b'])`),
  fc.tuple(pick(['inner', 'left', 'right', 'outer']), fc.boolean()).map(([how, grouped]) =>
    (B: string) => `${B}.merge(a, on='k', how='${how}')${grouped ? ".groupby('region').y.sum()" : "[['id', 'k', 'region', 'y']]"}`),
  fc.tuple(pick(['head', 'tail']), fc.integer({ min: 0, max: 1500 })).map(([a, n]) => (B: string) => `${B}.${a}(${n}).groupby('g').agg(n=('y', 'count'), s=('x', 'sum'))`),
);

const expression = fc.tuple(fc.option(filter, { nil: undefined }), finish).map(([f, fin]) => fin(f ? `t[${f}]` : 't'));
/** Outputs of one filtered frame: the only rows a job asks of the source, so the reader applies the filter's terms. */
const oneFilter = fc.tuple(filter, fc.array(finish, { minLength: 8, maxLength: 8 })).map(([f, fins]) => fins.map((fin) => fin(`t[${f}]`)));
const independent = fc.array(expression, { minLength: 8, maxLength: 8 });

describe('generated dataframe pipelines against pandas', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'parts'));
  const rnd = rng(1914);
  for (let k = 0; k < 3; k++) writeFileSync(join(dir, 'parts', `${k}.csv`), rows(400 + 200 * k, rnd, k * 1000));
  writeFileSync(join(dir, 'a.csv'), 'k,region\na,North\nb,South\ndd,North\nzz,East\n');
  const setup = String.raw`
t = pd.concat([pd.read_csv(f'parts/{k}.csv', parse_dates=['ts'], float_precision='round_trip') for k in range(3)], ignore_index=True)
a = pd.read_csv('a.csv')
`;

  // The same rows as one Parquet file of 256-row groups written by DuckDB, so that pruning and
  // the filter terms pushed into the scan take part.
  beforeAll(async () => {
    const duck = await duckdbSql();
    await duck(`COPY (SELECT * FROM read_csv('${join(dir, 'parts', '*.csv')}', header = true,
      columns = {'id': 'BIGINT', 'k': 'VARCHAR', 'g': 'BIGINT', 'x': 'DOUBLE', 'y': 'BIGINT', 'b': 'BOOLEAN', 'ts': 'TIMESTAMP'}) ORDER BY id)
      TO '${join(dir, 't.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 256)`);
  });

  it.each([['csv', 'independent'], ['csv', 'one filter'], ['parquet', 'independent'], ['parquet', 'one filter']])('every generated pipeline over %s (%s) equals pandas, at any blocksize and worker count', (format, mode) => {
    fc.assert(fc.property(mode === 'one filter' ? oneFilter : independent, pick([1024, 4096, undefined]), fc.integer({ min: 1, max: 3 }), (exprs, blocksize, workers) => {
      const outputs = Object.fromEntries(exprs.map((e, i) => [`o${i}`, e]));
      const t = format === 'csv' ? { csv: 'parts/*.csv', parse_dates: ['ts'], ...(blocksize ? { blocksize } : {}) } : { parquet: 't.parquet', ...(blocksize ? { blocksize: blocksize * 8 } : {}) };
      writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t, a: { csv: 'a.csv' } }, outputs }));
      const r = tessera(['run', 'job.json', '--json', '--workers', String(workers)], dir);
      expect(r.status, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout).outputs;
      const want = pandasResults(dir, setup, ['t', 'a'], outputs);
      // A merge's row order differs between pandas versions: its rows compare as a multiset.
      for (const [name, e] of Object.entries(outputs)) {
        expectSameOutput(`${e} (blocksize ${blocksize}, ${workers} workers)`, got[name], want[name], { unordered: e.includes('.merge(') && !e.includes('groupby') });
      }
    }), { numRuns: mode === 'one filter' ? 6 : 12, seed: 7 });
  });
});
