/**
 * Sorts cut into ranges (lower.ts rangeSort, native range_rows): each partition sorted alone,
 * splitters from samples of the runs, each run's ranges merged into a partition of the result.
 * Generated sorts (one to three keys of every column kind, with ties, nulls and NaN, each key's
 * direction, na_position) over a random number of partitions and workers are written to a CSV
 * file and compared byte for byte with pandas' stable sort of the same file; and a sort of a table
 * several times the memory limit keeps the store under it and writes the same file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';

/** n rows (40,000: about 1.5 MB): an id, a string key (some missing) and a small int key (many ties), floats with missing values, timestamps with missing values. */
function rows(rnd: () => number, n: number): string {
  const keys = ['a', 'b', 'c', 'dd', ''];
  const lines = ['id,k,g,x,ts'];
  for (let i = 0; i < n; i++) {
    const x = rnd() < 0.1 ? '' : (rnd() * 200 - 100).toFixed(2);
    const ts = rnd() < 0.05 ? '' : new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 86400 * 30) * 1000).toISOString().replace('T', ' ').replace('.000Z', '');
    lines.push(`${i},${keys[Math.floor(rnd() * keys.length)]},${Math.floor(rnd() * 5)},${x},${ts}`);
  }
  return `${lines.join('\n')}\n`;
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const sortExpr = fc.tuple(
  fc.uniqueArray(pick(['k', 'g', 'x', 'ts', 'id']), { minLength: 1, maxLength: 3 }),
  fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  pick(['first', 'last']),
).map(([cols, asc, na]) => `t.sort_values([${cols.map((c) => `'${c}'`).join(', ')}], ascending=[${cols.map((_, i) => (asc[i] ? 'True' : 'False')).join(', ')}], na_position='${na}', kind='stable')`);
const SPEC = { blocksize: pick([64 * 1024, 256 * 1024, 1024 * 1024]), workers: fc.integer({ min: 1, max: 3 }) };

/** pandas' to_csv(index=False) of each expression over t.csv. */
function pandasCsv(dir: string, exprs: string[], file = 't.csv'): string[] {
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', String.raw`
import json, sys
import pandas as pd
t = pd.read_csv('${file}', parse_dates=['ts'], float_precision='round_trip')
print(json.dumps([eval(e, {'t': t}).to_csv(index=False) for e in json.loads(sys.stdin.read())]))`], { cwd: dir, input: JSON.stringify(exprs), encoding: 'utf8', maxBuffer: 1024 * 2 ** 20 }));
}

/** The job's layers that ran, from its trace. */
const layersRun = (trace: string) => new Set((JSON.parse(trace) as { traceEvents: { cat?: string }[] }).traceEvents.map((e) => e.cat?.replace(/-\d+$/, '')));

describe('sorts cut into ranges', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 't.csv'), rows(rng(61), 40_000));

  it('generated sorts over 2 to 24 partitions on 1 to 3 workers: pandas\' stable sort, byte for byte', () => {
    const cases = fc.sample(fc.record({ expr: sortExpr, ...SPEC }), { numRuns: 14, seed: 11 });
    const want = pandasCsv(dir, cases.map((c) => c.expr));
    cases.forEach(({ expr, blocksize, workers }, i) => {
      writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 't.csv', parse_dates: ['ts'], blocksize } }, outputs: { s: expr } }));
      const r = tessera(['run', 'job.json', '--json', '--out', 'out', '--format', 'csv', '--workers', String(workers), '--trace', 'trace.json'], dir);
      expect(r.status, r.stderr).toBe(0);
      const what = `${expr} (blocksize ${blocksize}, ${workers} workers)`;
      expect(layersRun(readFileSync(join(dir, 'trace.json'), 'utf8')).has('range-rows'), what).toBe(true);
      const got = readFileSync(join(dir, 'out', 's.csv'), 'utf8');
      if (got !== want[i]) expect(got.slice(0, 3000), what).toBe(want[i].slice(0, 3000));
      expect(got === want[i], what).toBe(true);
    });
  }, 240_000);

  it('sorts by one numeric key (float with NaN, int, int with ties, timestamp with missing) either way, missing first or last: pandas, byte for byte', () => {
    // One numeric key takes the sort's fast path (values sorted beside their rows).
    const cases = ['x', 'id', 'g', 'ts'].flatMap((c) => [true, false].flatMap((asc) => ['first', 'last'].map((na) =>
      `t.sort_values('${c}', ascending=${asc ? 'True' : 'False'}, na_position='${na}', kind='stable')`)));
    const want = pandasCsv(dir, cases);
    cases.forEach((expr, i) => {
      writeFileSync(join(dir, 'one.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 't.csv', parse_dates: ['ts'], blocksize: 256 * 1024 } }, outputs: { s: expr } }));
      const r = tessera(['run', 'one.json', '--json', '--out', 'one', '--format', 'csv'], dir);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'one', 's.csv'), 'utf8') === want[i], expr).toBe(true);
    });
  }, 120_000);

  it('an outer merge sorts its rows by key through ranges too: pandas\' rows, sorted by key', () => {
    writeFileSync(join(dir, 'a.csv'), 'k,region\na,North\nb,South\ndd,North\nzz,East\n');
    const expr = "t.merge(a, on='k', how='outer')";
    writeFileSync(join(dir, 'outer.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 't.csv', parse_dates: ['ts'], blocksize: 128 * 1024 }, a: { csv: 'a.csv' } }, outputs: { m: expr } }));
    const r = tessera(['run', 'outer.json', '--json', '--out', 'outer', '--format', 'csv', '--trace', 'outer-trace.json'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(layersRun(readFileSync(join(dir, 'outer-trace.json'), 'utf8')).has('range-rows')).toBe(true);
    const [want] = JSON.parse(execFileSync(pythonWithPandas(), ['-c', String.raw`
import json
import pandas as pd
t = pd.read_csv('t.csv', parse_dates=['ts'], float_precision='round_trip')
a = pd.read_csv('a.csv')
print(json.dumps([${expr}.to_csv(index=False)]))`], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 })) as string[];
    const got = readFileSync(join(dir, 'outer', 'm.csv'), 'utf8');
    // pandas 1.5 (the oracle here) orders an outer merge's rows otherwise than pandas 2.2, which
    // sorts them by key as Tessera does (ADR 0019): the rows as a multiset, and the keys sorted
    // (missing last). Numbers compare as numbers (pandas makes the int columns of an outer merge
    // floats; Tessera keeps int64 with nulls, ADR 0019).
    const lines = (text: string) => text.trim().split('\n').map((l) => l.split(',').map((f) => (f !== '' && !Number.isNaN(Number(f)) ? String(Number(f)) : f)).join(','));
    const [ours, theirs] = [lines(got), lines(want)];
    expect(ours).toHaveLength(theirs.length);
    const bag = (xs: string[]) => [...xs].sort().join('\n');
    expect(bag(ours) === bag(theirs)).toBe(true);
    const keys = ours.slice(1).map((l) => l.split(',')[1]);
    const present = keys.filter((k) => k !== '');
    expect(present.every((k, i) => i === 0 || present[i - 1] <= k)).toBe(true);
    expect(keys.slice(present.length).every((k) => k === '')).toBe(true);
    expect(new Set(present)).toEqual(new Set(['a', 'b', 'c', 'dd', 'zz']));
  }, 60_000);

  // Written as Parquet: a CSV output with a timestamp column holds the partitions of a pandas
  // block of rows in its writer (ADR 0017), more than one where partitions are as small as here.
  it('sorts a table 5x the memory limit with the store under it (spilling the runs and ranges), into the same table', () => {
    writeFileSync(join(dir, 'big.csv'), rows(rng(62), 300_000));
    const expr = "t.sort_values(['x', 'id'], ascending=[False, True])";
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ tessera: 1, datasets: { t: { csv: 'big.csv', parse_dates: ['ts'], blocksize: 256 * 1024 } }, outputs: { s: expr } }));
    const limit = 2 * 2 ** 20;
    const r = tessera(['run', 'big.json', '--json', '--out', 'limited', '--memory-limit', String(limit)], dir);
    expect(r.status, r.stderr).toBe(0);
    const { stats } = JSON.parse(r.stdout);
    expect(stats.peak_store_bytes).toBeLessThanOrEqual(limit);
    expect(stats.spilled_bytes).toBeGreaterThan(2 * limit);
    // Read back and written as CSV: pandas' stable sort of the same file, and 5x the limit.
    writeFileSync(join(dir, 'back.json'), JSON.stringify({ tessera: 1, datasets: { s: { parquet: 'limited/s.parquet' } }, outputs: { s: 's' } }));
    const back = tessera(['run', 'back.json', '--json', '--out', 'back', '--format', 'csv'], dir);
    expect(back.status, back.stderr).toBe(0);
    const got = readFileSync(join(dir, 'back', 's.csv'), 'utf8');
    expect(got.length).toBeGreaterThan(5 * limit);
    const [want] = pandasCsv(dir, [`${expr.slice(0, -1)}, kind='stable')`], 'big.csv');
    expect(got === want).toBe(true);
  }, 120_000);
});
