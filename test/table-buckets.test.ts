/**
 * Joins and drop_duplicates cut into hash buckets (lower.ts bucketJoin and bucketDistinct, native
 * hash_split and slice_rows): under a memory limit, a merge whose build side would not fit a
 * task's share of it splits both sides by the hash of the key, joins bucket by bucket and puts
 * the rows back in probe order by their row tags; drop_duplicates of a table larger than that
 * share finds each bucket's first occurrences and puts them back in order the same way. Merges
 * (every `how`, one or two keys, string and int keys with missing values, left_on/right_on with a
 * key of one name on both sides, keys matching several rows, filtered sides, a lookup table of a
 * few rows) and drop_duplicates (subsets, every column, after a filter, missing values) over
 * random partitions, workers and limits give exactly the file the same job gives with no limit
 * (the plans the other merge and drop_duplicates tests check against pandas), pandas' rows as a
 * multiset, and pandas' file itself for drop_duplicates and most left merges; a merge of tables
 * several times the limit keeps the store under it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { pythonWithPandas } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';

/** The left table: an id, an int key (ids repeat), a string key (some missing), a float. */
function leftRows(rnd: () => number, n: number): string {
  const names = ['a', 'b', 'c', 'dd', ''];
  const lines = ['id,k,s,x'];
  for (let i = 0; i < n; i++) lines.push(`${i},${Math.floor(rnd() * n / 4)},${names[Math.floor(rnd() * names.length)]},${(rnd() * 100).toFixed(2)}`);
  return `${lines.join('\n')}\n`;
}

/** The right table: an int key (some repeated, some no left row has), the same key as a float (some missing, some halves), a string key, a value. */
function rightRows(rnd: () => number, n: number, leftKeys: number): string {
  const names = ['a', 'b', 'c', 'zz', ''];
  const lines = ['k,kf,s,w,label'];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rnd() * leftKeys * 1.3);
    const kf = rnd() < 0.05 ? '' : rnd() < 0.05 ? `${k}.5` : `${k}.0`;
    lines.push(`${k},${kf},${names[Math.floor(rnd() * names.length)]},${(rnd() * 10).toFixed(3)},r${Math.floor(rnd() * 500)}`);
  }
  return `${lines.join('\n')}\n`;
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
/**
 * Merges, with whether pandas' left merge is Tessera's file (no int column from the right side,
 * which pandas makes float where a row has no match; Tessera keeps int64 with nulls, ADR 0019) and
 * whether the right side is a few rows (a left or inner merge then builds it whole: no buckets;
 * a right or outer merge builds the left side).
 */
const MERGES: { expr: (how: string) => string; sameFile: boolean; smallRight?: boolean }[] = [
  { expr: (how) => `l.merge(r, on='k', how='${how}')`, sameFile: true },
  { expr: (how) => `l.merge(r, on=['k', 's'], how='${how}')`, sameFile: true },
  { expr: (how) => `l.merge(a, on='s', how='${how}')`, sameFile: true, smallRight: true },
  { expr: (how) => `l.merge(r.assign(key=r.k), left_on='k', right_on='key', how='${how}')`, sameFile: false },
  { expr: (how) => `l.merge(r.assign(kk=r.k), left_on=['s', 'k'], right_on=['s', 'kk'], how='${how}')`, sameFile: false },
  { expr: (how) => `l[l.x > 20].merge(r[r.w < 8], on='k', how='${how}', suffixes=('_l', '_r'))`, sameFile: true },
];
const HOWS = ['left', 'inner', 'right', 'outer'];
/** How each merge runs (every merge is run every way). */
const SETTING = fc.record({
  blocksize: pick([64 * 1024, 128 * 1024, 256 * 1024]),
  workers: fc.integer({ min: 1, max: 3 }),
  limit: pick([1, 2, 4].map((mb) => mb * 2 ** 20)),
});

/** The job's layers that ran, from its trace. */
const layersRun = (trace: string) => new Set((JSON.parse(trace) as { traceEvents: { cat?: string }[] }).traceEvents.map((e) => e.cat?.replace(/-\d+$/, '')));

/** pandas' to_csv(index=False) of each expression over l.csv, r.csv and a.csv. */
function pandasCsv(dir: string, exprs: string[]): string[] {
  return JSON.parse(execFileSync(pythonWithPandas(), ['-c', String.raw`
import json, sys
import pandas as pd
l = pd.read_csv('l.csv', keep_default_na=False, na_values=[''], float_precision='round_trip')
r = pd.read_csv('r.csv', keep_default_na=False, na_values=[''], float_precision='round_trip')
a = pd.read_csv('a.csv')
print(json.dumps([eval(e, {'l': l, 'r': r, 'a': a}).to_csv(index=False) for e in json.loads(sys.stdin.read())]))`], { cwd: dir, input: JSON.stringify(exprs), encoding: 'utf8', maxBuffer: 1024 * 2 ** 20 }));
}

/** A CSV's rows as a sorted multiset, numbers compared as numbers (pandas makes an outer or right merge's int columns floats; Tessera keeps int64 with nulls, ADR 0019). */
function rowBag(csv: string): string {
  const lines = csv.trim().split('\n');
  return [lines[0], ...lines.slice(1).map((l) => l.split(',').map((f) => (f !== '' && !Number.isNaN(Number(f)) ? String(Number(f)) : f)).join(',')).sort()].join('\n');
}

describe('joins and drop_duplicates cut into hash buckets', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'l.csv'), leftRows(rng(71), 30_000));
  writeFileSync(join(dir, 'r.csv'), rightRows(rng(72), 30_000, 30_000 / 4));
  writeFileSync(join(dir, 'a.csv'), 's,region\na,North\nb,South\ndd,North\nzz,East\n');

  // Every table here has more rows than come back inline, so it is a file (removed before each run).
  const run = (name: string, expr: string, blocksize: number, args: string[]) => {
    rmSync(join(dir, name), { recursive: true, force: true });
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ tessera: 1, datasets: { l: { csv: 'l.csv', blocksize }, r: { csv: 'r.csv', blocksize }, a: { csv: 'a.csv' } }, outputs: { m: expr } }));
    const r = tessera(['run', `${name}.json`, '--json', '--out', name, '--format', 'csv', '--trace', `${name}-trace.json`, ...args], dir);
    expect(r.status, `${expr}: ${r.stderr}`).toBe(0);
    expect(existsSync(join(dir, name, 'm.csv')), `${expr}: ${r.stdout.slice(0, 300)}`).toBe(true);
    return { csv: readFileSync(join(dir, name, 'm.csv'), 'utf8'), layers: layersRun(readFileSync(join(dir, `${name}-trace.json`), 'utf8')), stats: JSON.parse(r.stdout).stats };
  };

  it('every merge, every way, under a generated limit, partitions and workers: the file the same merge writes with no limit, pandas\' rows, and pandas\' file for most left merges', () => {
    const settings = fc.sample(SETTING, { numRuns: MERGES.length * HOWS.length, seed: 23 });
    const cases = MERGES.flatMap((merge) => HOWS.map((how) => ({ merge, how })));
    const exprs = cases.map((c) => c.merge.expr(c.how));
    const want = pandasCsv(dir, exprs);
    cases.forEach(({ merge, how }, i) => {
      const { blocksize, workers, limit } = settings[i];
      const what = `${exprs[i]} (blocksize ${blocksize}, ${workers} workers, limit ${limit})`;
      const limited = run('limited', exprs[i], blocksize, ['--workers', String(workers), '--memory-limit', String(limit)]);
      expect(limited.layers.has('hash-split'), what).toBe(!(merge.smallRight && (how === 'left' || how === 'inner')));
      const whole = run('whole', exprs[i], blocksize, ['--workers', String(workers)]);
      expect(whole.layers.has('hash-split'), what).toBe(false);
      expect(limited.csv === whole.csv, what).toBe(true);
      expect(rowBag(limited.csv) === rowBag(want[i]), what).toBe(true);
      if (how === 'left' && merge.sameFile) expect(limited.csv === want[i], what).toBe(true);
    });
  }, 300_000);

  it('drop_duplicates under a memory limit, cut into hash buckets: the file it writes with no limit, and pandas\' file', () => {
    const exprs = ["l.drop_duplicates(['k', 's'])", 'l.drop_duplicates()', "l[l.x > 10].drop_duplicates(['s', 'k'])", "r.drop_duplicates(['kf', 's'])"];
    const settings = fc.sample(SETTING, { numRuns: exprs.length, seed: 29 });
    const want = pandasCsv(dir, exprs);
    exprs.forEach((expr, i) => {
      const { blocksize, workers, limit } = settings[i];
      const what = `${expr} (blocksize ${blocksize}, ${workers} workers, limit ${limit})`;
      const limited = run('limited', expr, blocksize, ['--workers', String(workers), '--memory-limit', String(limit)]);
      expect(limited.layers.has('hash-split'), what).toBe(true);
      expect(limited.stats.peak_store_bytes, what).toBeLessThanOrEqual(limit);
      const whole = run('whole', expr, blocksize, ['--workers', String(workers)]);
      expect(whole.layers.has('hash-split'), what).toBe(false);
      expect(limited.csv === whole.csv, what).toBe(true);
      expect(limited.csv === want[i], what).toBe(true);
    });
  }, 120_000);

  it('a left merge of tables several times the memory limit keeps the store under it and writes pandas\' file', () => {
    writeFileSync(join(dir, 'l.csv'), leftRows(rng(73), 150_000));
    writeFileSync(join(dir, 'r.csv'), rightRows(rng(74), 60_000, 150_000 / 4));
    const expr = "l.merge(r, on='k', how='left')";
    const limit = 2 * 2 ** 20;
    const got = run('big', expr, 256 * 1024, ['--memory-limit', String(limit)]);
    expect(got.layers.has('hash-split')).toBe(true);
    expect(got.stats.peak_store_bytes).toBeLessThanOrEqual(limit);
    expect(got.stats.spilled_bytes).toBeGreaterThan(limit);
    expect(got.csv.length).toBeGreaterThan(3 * limit);
    const [want] = pandasCsv(dir, [expr]);
    expect(got.csv === want).toBe(true);
  }, 120_000);
});
