/**
 * Dataframe operations against pandas: each output is a pandas expression, run by the real CLI
 * over CSV files (several partitions, several worker threads) and by pandas on the same files
 * (the same text, evaluated with the dataset as a DataFrame). Group-by results compare after
 * reset_index(), as the job output shows them; floats agree within 1e-12 relative, independent of
 * blocksize and worker count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { type Expected, expectSameOutput, pandasResults as pandasFrames } from './helpers/frames.js';
import { rng } from './helpers/rng.js';

/** pandas' result of each expression, with `t` the dataset's files read and concatenated, `a` the cities. */
function pandasResults(dir: string, exprs: Record<string, string>): Record<string, Expected> {
  const setup = String.raw`
t = pd.concat([pd.read_csv(f'trips/{k}.csv', parse_dates=['pickup', 'dropoff'], float_precision='round_trip') for k in range(3)], ignore_index=True)
a = pd.read_csv('cities.csv')
`;
  return pandasFrames(dir, setup, ['t', 'a'], exprs);
}

/** Trips with every kind of column and missing values, quoting and non-ASCII text. */
function trips(n: number, rnd: () => number, file: number): string {
  const cities = ['Lyon', 'Paris', '"Saint-Étienne, Loire"', 'Nice', 'Évian', ''];
  const lines = ['id,city,fare,night,pax,pickup,dropoff'];
  for (let i = 0; i < n; i++) {
    const fare = rnd() < 0.08 ? '' : (rnd() * 120 - 10).toFixed(2);
    const start = Date.UTC(2024, 0, 1) + Math.floor(rnd() * 86400 * 60) * 1000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '');
    const ride = Math.floor(rnd() * 3600) * 1000;
    lines.push(`${file * 100000 + i},${cities[Math.floor(rnd() * cities.length)]},${fare},${rnd() < 0.3 ? 'True' : 'False'},${1 + Math.floor(rnd() * 5)},${iso(start)},${iso(start + ride)}`);
  }
  return `${lines.join('\n')}\n`;
}

const OUTPUTS: Record<string, string> = {
  over20: 't[t.fare > 20]',
  logic: "t[((t.fare > 20) & ~t.night) | (t.city == 'Nice')]",
  arith: 't.assign(total=t.fare * 1.2 + t.pax, half=t.pax // 2, m=t.id % 7, p=t.pax ** 2, q=t.id / t.pax, neg=-t.pax)',
  isin: "t[t.city.isin(['Lyon', 'Nice'])][['id', 'city']]",
  aggs: "t.groupby('city').agg(n=('fare', 'count'), s=('fare', 'sum'), m=('fare', 'mean'), lo=('fare', 'min'), hi=('fare', 'max'), sd=('fare', 'std'), v=('fare', 'var'), f=('fare', 'first'), l=('fare', 'last'), sz=('fare', 'size'))",
  twoKeys: "t.groupby(['city', 'night']).pax.sum()",
  byHour: 't.groupby(t.pickup.dt.hour).size()',
  filteredAgg: "t[t.fare.notna()].groupby('pax').fare.agg(['mean', 'count'])",
  frameMean: "t[['city', 'fare', 'pax']].groupby('city').mean()",
  timeAggs: "t.groupby('pax').agg(first=('pickup', 'min'), last=('pickup', 'max'), c=('city', 'first'), z=('city', 'last'))",
  dictAgg: "t.groupby('city').agg({'fare': 'mean', 'pax': 'max', 'night': 'sum'})",
  dictAggSelected: "t.groupby(['city', 'night'])[['fare', 'id']].agg({'id': 'count', 'fare': 'std'})",
  dictAggRepeated: "t.groupby('pax').agg({'fare': 'mean', 'id': 'size', 'fare': 'max'})",
  mean: 't.fare.mean()',
  paxSum: 't.pax.sum()',
  std: 't.fare.std()',
  nights: 'len(t[t.night])',
  longShare: '((t.dropoff - t.pickup).dt.total_seconds() > 1200).mean()',
  upper: 't.city.str.upper()',
  startsS: "t[t.city.str.startswith('S', na=False)]",
  strLen: 't.city.str.len()',
  slice: 't.city.str.slice(1, 4)',
  contains: "t[t.city.str.contains('on', regex=False, na=False)].id",
  fill: "t.city.fillna('?')",
  seconds: '(t.dropoff - t.pickup).dt.total_seconds()',
  rides: 't.dropoff - t.pickup',
  dtFields: 't.assign(y=t.pickup.dt.year, mo=t.pickup.dt.month, d=t.pickup.dt.day, h=t.pickup.dt.hour, dow=t.pickup.dt.dayofweek, doy=t.pickup.dt.dayofyear, qu=t.pickup.dt.quarter)',
  truncate: "t.fare.fillna(0).astype('int64')",
  between: 't[t.pax.between(2, 4)]',
  where: 't.fare.where(t.fare > 10, 0)',
  abs: 't.fare.abs()',
  dropna: 't.dropna()',
  dropFare: "t.dropna(subset=['fare'])",
  head: 't[t.fare > 90].head(4)',
  lateDate: "t[t.pickup >= '2024-02-15']",
  sortFare: "t.sort_values('fare', ascending=False, kind='stable')",
  sortTwo: "t.sort_values(['city', 'fare'], ascending=[True, False])",
  largest: "t.nlargest(7, 'fare')",
  smallest: "t.nsmallest(5, ['pax', 'fare'])",
  topFares: 't.fare.nlargest(4)',
  sortHead: "t.sort_values('id', ascending=False).head(6)",
  nullsFirst: "t.sort_values(['fare', 'id'], ascending=[False, True], na_position='first')",
  seriesNullsFirst: "t.city.sort_values(na_position='first', kind='stable')",
  counts: 't.city.value_counts()',
  dedupe: "t[['city', 'pax']].drop_duplicates()",
  distinctCities: 't.city.nunique()',
  tail: 't.tail(3)',
  filteredTail: 't[t.fare > 50].tail(2)',
  headThenTail: 't.head(900).tail(4)',
  tailThenHead: 't.tail(900).head(4)',
  tailOfTail: 't.tail(40).tail(3)',
  lenOfCuts: 'len(t.head(900).tail(700))',
  tailColumns: "t.tail(5)[['city', 'fare']]",
  tailArith: 't.tail(6).fare * 2',
  inner: "t.merge(a, on='city')",
  left: "t.merge(a, on='city', how='left')",
  right: "t.merge(a, on='city', how='right')",
  outer: "t.merge(a, on='city', how='outer')",
  leftOnRightOn: "t.merge(a.assign(town=a.city), left_on='city', right_on='town', suffixes=('_l', '_r'))",
  stacked: 'concat([t[t.pax == 1], t[t.pax == 2]])',
  mergeThenGroup: "t.merge(a, on='city').groupby('region').fare.sum()",
  nuniqueBy: "t.groupby('pax').city.nunique()",
  aggNunique: "t.groupby('city').agg(n=('pax', 'nunique'), m=('fare', 'mean'), k=('night', 'nunique'))",
  alignAssign: 't[t.fare > 20].assign(z=t.pax * 2)',
  alignGroup: 't[t.fare > 20].groupby(t.pickup.dt.hour).size()',
  alignMask: 't[t.fare > 20][t.pax > 2]',
  splitOut: "t.groupby(['city', 'pax']).agg(s=('fare', 'sum'), n=('id', 'count'), split_out=3)",
  emptiedGroups: "t[t.pax == 1].groupby('pax').fare.mean()",
  emptiedCounts: "t[t.fare > 100].city.value_counts()",
  groupSeriesSort: "t.groupby('city').size().sort_values(ascending=False, kind='stable').head(3)",
  groupSeriesTop: "t.groupby('city').fare.mean().nlargest(2)",
  groupSeriesArith: "(t.groupby('pax').fare.sum() / 100).reset_index(name='hundreds')",
  describe: 't.describe()',
  describeFare: 't[t.pax > 1].fare.describe()',
};

/** pandas' spelling where it differs from the job's (pandas 1.5 names value_counts' columns otherwise). */
const PANDAS: Record<string, string> = {
  counts: "t.groupby('city').size().reset_index(name='count').sort_values('count', ascending=False, kind='stable')",
  describe: 't.describe().reset_index()',
  splitOut: "t.groupby(['city', 'pax']).agg(s=('fare', 'sum'), n=('id', 'count'))",
  emptiedCounts: "t[t.fare > 100].groupby('city').size().reset_index(name='count').sort_values('count', ascending=False, kind='stable')",
  describeFare: 't[t.pax > 1].fare.describe().reset_index()',
};

/** Outputs whose row order pandas 1.5 and 2.2 give differently (merge), or that are partitioned by hash (split_out): compared as multisets. */
const UNORDERED = new Set(['inner', 'outer', 'leftOnRightOn', 'splitOut']);

describe('dataframe operations against pandas', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'trips'));
  const rnd = rng(14);
  for (let k = 0; k < 3; k++) writeFileSync(join(dir, 'trips', `${k}.csv`), trips(700 + 150 * k, rnd, k));
  writeFileSync(join(dir, 'cities.csv'), 'city,region,rank\nLyon,Rhône,2\nNice,Alpes-Maritimes,5\n"Saint-Étienne, Loire",Loire,14\nÉvian,Haute-Savoie,40\nMarseille,Bouches-du-Rhône,1\n');
  const expected = pandasResults(dir, { ...OUTPUTS, ...PANDAS });

  it.each([[2048, 3], [undefined, 1]])('every output equals pandas at blocksize %s on %s workers', (blocksize, workers) => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { t: { csv: 'trips/*.csv', parse_dates: ['pickup', 'dropoff'], ...(blocksize ? { blocksize } : {}) }, a: { csv: 'cities.csv' } }, outputs: OUTPUTS,
    }));
    const r = tessera(['run', 'job.json', '--json', '--workers', String(workers)], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    for (const name of Object.keys(OUTPUTS)) expectSameOutput(name, outputs[name], expected[name], { unordered: UNORDERED.has(name) });
  });

  it('gives df.shape and df.columns as pandas does', () => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      tessera: 1, datasets: { t: { csv: 'trips/*.csv', parse_dates: ['pickup', 'dropoff'], blocksize: 2048 } },
      outputs: { shape: 't[t.pax > 2].shape', columns: "t.assign(z=t.pax)[['z', 'city']].columns" },
    }));
    const r = tessera(['run', 'job.json', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    const want = pandasResults(dir, { shape: 'list(t[t.pax > 2].shape)', columns: "list(t.assign(z=t.pax)[['z', 'city']].columns)" });
    expect(outputs.shape).toMatchObject({ kind: 'array', dtype: 'int64', shape: [2], values: want.shape.value });
    expect(outputs.columns).toMatchObject({ kind: 'array', shape: [2], values: ['z', 'city'] });
  });

  it('refuses what pandas refuses or what differs, with typed errors at the place', () => {
    const cases: [string, string][] = [
      ['t.city + 1', 'TYPE_ERROR'],
      ['t.fare.str.lower()', 'ATTRIBUTE_ERROR'],
      ["t.groupby('nope').size()", 'KEY_ERROR'],
      ['t[t.fare]', 'TYPE_ERROR'],
      ["t.groupby('city').city.mean()", 'TYPE_ERROR'],
      ['t.pax // 0', 'VALUE_ERROR'],
      ["t[t.pickup > 'yesterday']", 'TYPE_ERROR'],
      ["t.groupby('city').agg({'nope': 'mean'})", 'KEY_ERROR'],
      ["t.groupby('city').agg({'fare': ['mean', 'max']})", 'UNSUPPORTED'],
      ["t.groupby('city').agg({'fare': 'median'})", 'BAD_ARGUMENTS'],
      ["t.groupby('city').agg({})", 'BAD_ARGUMENTS'],
      ["t.groupby('city').fare.agg({'fare': 'mean'})", 'BAD_ARGUMENTS'],
    ];
    for (const [expr, code] of cases) {
      writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 'trips/*.csv', parse_dates: ['pickup', 'dropoff'] } }, outputs: { x: expr } }));
      const r = tessera(['run', 'job.json', '--json'], dir);
      expect(r.status, expr).toBe(code === 'VALUE_ERROR' ? 1 : 2);
      expect(JSON.parse(r.stdout).error.code, expr).toBe(code);
    }
  });
});
