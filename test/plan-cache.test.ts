/**
 * What planning reads of a file (a Parquet footer, a CSV sniff and row starts) is kept per file
 * version (file-version-cache.ts): a second job on an unchanged file plans from what was read,
 * and a file rewritten between two jobs in one engine is planned again from its new bytes, never
 * from the old ones.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSpec, tempDir, useEngine } from './helpers/engine.js';
import { duckdbSql } from './helpers/duckdb.js';


describe('file plans kept between jobs', () => {
  const engine = useEngine();

  it('plans a rewritten file from its new footer', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.parquet');
    const duck = await duckdbSql();
    const write = (rows: number) => duck(`COPY (SELECT i AS id FROM range(${rows}) r(i)) TO '${file.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const job = async () => {
      const r = await runSpec(engine(), { datasets: { p: { parquet: 'p.parquet', blocksize: '1KiB' } }, outputs: { n: 'len(p)', s: 'p.id.sum()' } }, dir);
      const v = Object.fromEntries(r.outputs.map((o) => [o.name, o.kind === 'scalar' ? o.value : undefined]));
      return { ...v, reads: r.records.filter((x) => x.kind === 'read_parquet').length };
    };
    await write(5000);
    expect(await job()).toEqual({ n: 5000, s: 5000 * 4999 / 2, reads: 3 });
    expect(await job()).toEqual({ n: 5000, s: 5000 * 4999 / 2, reads: 3 });
    await write(9000);
    expect(await job()).toEqual({ n: 9000, s: 9000 * 8999 / 2, reads: 5 });
  });

  it('plans a rewritten CSV file from its new header, types and row starts', async () => {
    const dir = tempDir();
    const job = async () => {
      const r = await runSpec(engine(), { datasets: { t: { csv: 't.csv', blocksize: 4096 } }, outputs: { n: 'len(t)', s: 't.b.sum()', c: 't.columns' } }, dir);
      const v = Object.fromEntries(r.outputs.map((o) => [o.name, o.kind === 'scalar' ? o.value : o.kind === 'array' ? o.values : undefined]));
      return { ...v, reads: r.records.filter((x) => x.kind === 'read_csv').length };
    };
    const rows = (n: number, b: (i: number) => string) => ['a,b', ...Array.from({ length: n }, (_, i) => `${i},${b(i)}`)].join('\n') + '\n';
    writeFileSync(join(dir, 't.csv'), rows(2000, (i) => String(i)));
    const first = await job();
    expect(first).toMatchObject({ n: 2000, s: 2000 * 1999 / 2, c: ['a', 'b'] });
    expect(await job()).toEqual(first);
    // More rows, b now floats: the sniff (types) and the row starts (partitions) are new.
    writeFileSync(join(dir, 't.csv'), rows(5000, (i) => `${i}.5`));
    const second = await job();
    expect(second).toMatchObject({ n: 5000, s: 5000 * 4999 / 2 + 2500, c: ['a', 'b'] });
    expect(second.reads).toBeGreaterThan(first.reads);
  });
});
