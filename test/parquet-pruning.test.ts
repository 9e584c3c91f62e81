/**
 * Predicate pushdown into Parquet planning: row groups whose footer statistics (min/max, null
 * counts) rule out every row of a filter are never read. Checked by task counts against the same
 * filter written so that it cannot prune (`(p.id + 0) >= ...` is not `column op literal`), with
 * equal results.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/engine.js';
import { tessera } from './helpers/cli.js';
import { duckdbSql } from './helpers/duckdb.js';


describe('Parquet row groups pruned by a filter', () => {
  const dir = tempDir();
  const file = join(dir, 'p.parquet');

  beforeAll(async () => {
    const duck = await duckdbSql();
    // One thread: DuckDB writes the row groups asked for, rounded to its vector size: 9 of 2,048 rows and one
    // of 1,568, sorted by id and t; s is null from id 18000 (in the last two groups).
    await duck(`COPY (SELECT i AS id, i * 0.5 AS x, TIMESTAMP '2001-01-01' + to_minutes(i) AS t,
      CASE WHEN i >= 18000 THEN NULL ELSE 'c' || (i % 5) END AS s FROM range(20000) r(i))
      TO '${file.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 2000)`);
  });

  // One partition per row group (a 1 KiB blocksize merges none), so pruning shows in the task count.
  function run(outputs: Record<string, string>) {
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ tessera: 1, datasets: { p: { parquet: 'p.parquet', blocksize: '1KiB' } }, outputs }));
    const r = tessera(['run', 'job.json', '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { outputs: Record<string, { value?: number; rows?: unknown[][] }>; stats: { tasks: number } };
  }

  it.each([
    ['p.id >= 15000', '(p.id + 0) >= 15000', 3],
    ["(p.t < '2001-01-01 05:00:00') & (p.x > 10)", "((p.t + (p.t - p.t)) < '2001-01-01 05:00:00') & (p.x > 10)", 1],
    ["p.id.isin([5, 19999])", 'p.id.isin([5, 19999]) | (p.id < 0)', 2],
    ['p.s.isna()', '(p.s.isna()) | (p.id < 0)', 2],
    ['p.id == 123456', '(p.id + 0) == 123456', 1],
  ])('%s reads only the row groups it may match', (filter, unprunable, groups) => {
    const pruned = run({ n: `len(p[${filter}])`, g: `p[${filter}].groupby('s').x.sum()` });
    const full = run({ n: `len(p[${unprunable}])`, g: `p[${unprunable}].groupby('s').x.sum()` });
    expect(pruned.outputs.n.value).toBe(full.outputs.n.value);
    expect(pruned.outputs.g.rows).toEqual(full.outputs.g.rows);
    // Each row group read is three tasks (one read shared by both outputs, len's filter, the
    // group-by's partial); the group-by's merge tree is three tasks over 10 partials, one over up to 8.
    expect(full.stats.tasks - pruned.stats.tasks).toBe((10 - groups) * 3 + 2);
  });
});
