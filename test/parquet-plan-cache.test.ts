/**
 * Footers read once per file version: a second job on an unchanged Parquet file plans from the
 * footers already read (parquet-source.ts), and a file rewritten between two jobs in one engine is
 * planned again from its new footer, never from the old one.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSpec, tempDir, useEngine } from './helpers/engine.js';

const duckdb = createRequire(import.meta.url)('@duckdb/node-bindings') as {
  open(path?: string): Promise<unknown>;
  connect(db: unknown): Promise<unknown>;
  query(c: unknown, sql: string): Promise<unknown>;
};

describe('Parquet footers kept between jobs', () => {
  const engine = useEngine();

  it('plans a rewritten file from its new footer', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.parquet');
    const conn = await duckdb.connect(await duckdb.open());
    await duckdb.query(conn, 'SET threads = 1');
    const write = (rows: number) => duckdb.query(conn, `COPY (SELECT i AS id FROM range(${rows}) r(i)) TO '${file.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const job = async () => {
      const r = await runSpec(engine(), { datasets: { p: { parquet: 'p.parquet' } }, outputs: { n: 'len(p)', s: 'p.id.sum()' } }, dir);
      const v = Object.fromEntries(r.outputs.map((o) => [o.name, o.kind === 'scalar' ? o.value : undefined]));
      return { ...v, reads: r.records.filter((x) => x.kind === 'read_parquet').length };
    };
    await write(5000);
    expect(await job()).toEqual({ n: 5000, s: 5000 * 4999 / 2, reads: 3 });
    expect(await job()).toEqual({ n: 5000, s: 5000 * 4999 / 2, reads: 3 });
    await write(9000);
    expect(await job()).toEqual({ n: 9000, s: 9000 * 8999 / 2, reads: 5 });
  });
});
