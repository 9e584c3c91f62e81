/**
 * Filter terms pushed into the Parquet read (read-terms.ts): DuckDB drops rows in its scan, and the
 * job's filter still runs after. Property-based: random conjunctions of `column op literal` terms
 * over every column type the store reads from Parquet (plain BIGINT/DOUBLE/VARCHAR/BOOLEAN columns,
 * cast INTEGER/FLOAT/DECIMAL/TIMESTAMP/DATE ones), with nulls, NaNs and integers around 2**53, give
 * the same rows as the same filter written so that nothing can be pushed or pruned
 * (`(F) | (p.id < 0)`: id is never negative). That unpushed path is the one the pandas-checked
 * tests cover. DuckDB writes the file with bloom filters (COPY's default), which an equality may
 * be tested against: -0.0 rows must still match `== 0`.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSpec, tempDir, useEngine } from './helpers/engine.js';
import { duckdbSql } from './helpers/duckdb.js';


/** Each column with literals to compare it with (some of a type that must not be pushed: int vs float). */
const COLUMNS: Record<string, string[]> = {
  id: ['0', '1499', '2500', '4999', '2500.5'],
  i32: ['-50', '0', '7', '50', '3.5'],
  big: ['9007199254740990', '9007199254740992', '9007199254740993', '9007199254740992.0'],
  f32: ['0', '0.1', '-1.25', '2.5', '4'],
  f64: ['0', '-0.0', '0.1', '0.30000000000000004', '1.1', '2'],
  dec: ['0', '-2.25', '1.5', '5'],
  s: ["'a'", "'b'", "'é'", "''", "'A'", "'zz'"],
  b: ['True', 'False'],
  t: ["'2001-01-01 10:00:00'", "'2001-01-02'", "'2001-01-01 00:00:30'"],
  d: ["'2001-02-01'", "'2001-03-15'"],
};
const OPS = ['==', '!=', '<', '<=', '>', '>='];

const term = fc.oneof(
  fc.record({ col: fc.constantFrom(...Object.keys(COLUMNS)), op: fc.constantFrom(...OPS), k: fc.nat(), flip: fc.boolean() })
    .map(({ col, op, k, flip }) => {
      const lit = COLUMNS[col][k % COLUMNS[col].length];
      const back: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
      return flip ? `(${lit} ${back[op]} p.${col})` : `(p.${col} ${op} ${lit})`;
    }),
  fc.record({ col: fc.constantFrom(...Object.keys(COLUMNS)), na: fc.boolean() }).map(({ col, na }) => `p.${col}.${na ? 'isna' : 'notna'}()`),
);
const filter = fc.array(term, { minLength: 1, maxLength: 3 }).map((ts) => ts.join(' & '));

describe('filters pushed into the Parquet read', () => {
  const engine = useEngine();
  const dir = tempDir();

  beforeAll(async () => {
    const duck = await duckdbSql();
    // Five row groups of 1,000 rows (rounded to DuckDB's vector size); values spread over every group.
    await duck(`COPY (SELECT i AS id,
        CASE WHEN i % 13 = 0 THEN NULL ELSE CAST((i * 7) % 101 - 50 AS INTEGER) END AS i32,
        CAST(9007199254740992 AS BIGINT) + (i % 5) - 2 AS big,
        CASE WHEN i % 19 = 0 THEN NULL WHEN i % 17 = 0 THEN CAST('nan' AS FLOAT) ELSE CAST(((i % 37) - 18) / 4.0 AS FLOAT) END AS f32,
        CASE WHEN i % 29 = 0 THEN NULL WHEN i % 11 = 0 THEN CAST('nan' AS DOUBLE) WHEN i % 5 = 0 THEN CAST('-0.0' AS DOUBLE) ELSE (i % 23) * 0.1 END AS f64,
        CAST(((i % 41) - 20) * 0.25 AS DECIMAL(6, 2)) AS dec,
        CASE WHEN i % 7 = 0 THEN NULL ELSE ['a', 'b', 'é', 'zz', 'A', ''][i % 6 + 1] END AS s,
        CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
        CASE WHEN i % 31 = 0 THEN NULL ELSE TIMESTAMP '2001-01-01' + to_seconds(i * 30) END AS t,
        DATE '2001-01-01' + CAST(i % 97 AS INTEGER) AS d
      FROM range(5000) r(i)) TO '${join(dir, 'p.parquet').replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
  });

  const datasets = { p: { parquet: 'p.parquet' } };
  // One filter per job: outputs asking one source for different rows share a read without terms.
  const countAndSum = async (f: string) => {
    const r = await runSpec(engine(), { datasets, outputs: { n: `len(p[${f}])`, s: `p[${f}].id.sum()` } }, dir);
    return r.outputs.map((o) => (o.kind === 'scalar' ? o.value : undefined));
  };

  it('keep the rows the unpushed filter keeps, for random conjunctions over every column type', async () => {
    await fc.assert(fc.asyncProperty(filter, async (f) => {
      expect(await countAndSum(f), f).toEqual(await countAndSum(`(${f}) | (p.id < 0)`));
    }), { numRuns: 100 });
  });

  it('keep the rows the unpushed filter keeps for signed zeros and the ends of the ranges', async () => {
    const filters = ['p.f64 == 0', 'p.f64 == -0.0', '(0 == p.f64)', 'p.f64 <= 0', "p.t < '2200-01-01'", 'p.big == 9007199254740993', 'p.id >= -9223372036854775808'];
    for (const f of filters) expect(await countAndSum(f), f).toEqual(await countAndSum(`(${f}) | (p.id < 0)`));
    expect((await countAndSum('p.f64 == 0'))[0]).toBeGreaterThan(500); // the -0.0 rows (every fifth) and the 0.0 ones
  });

  it('read fewer rows when a term can be pushed, and as many when none can', async () => {
    // Each filter keeps about 1 row in 100, spread over every row group (so nothing is pruned).
    const readBytes = async (f: string) => {
      const r = await runSpec(engine(), { datasets, outputs: { n: `len(p[${f}])` } }, dir);
      return { n: r.outputs[0].kind === 'scalar' ? r.outputs[0].value : undefined, bytes: r.records.filter((x) => x.kind === 'read_parquet').reduce((s, x) => s + x.bytesOut, 0) };
    };
    const everything = await readBytes('(p.i32 == 7) | (p.id < 0)');
    for (const pushed of ['p.i32 == 7', '(7 == p.i32) & (p.s != "q")', 'p.id.notna() & (p.i32 == 7)']) {
      const r = await readBytes(pushed);
      expect(r.n, pushed).toBe(everything.n);
      expect(r.bytes, pushed).toBeLessThan(everything.bytes / 10);
    }
    // != keeps nulls in pandas and drops them in SQL; an int column against a float compares in
    // float64 in numpy: neither is pushed, so the read holds every row.
    const i32 = await readBytes('(p.i32 == 7) | (p.i32 < -1000)');
    for (const unpushed of ['p.i32 != 7', 'p.i32 == 7.0']) {
      const r = await readBytes(unpushed);
      expect(r.bytes, unpushed).toBe(i32.bytes);
    }
  });
});
