/**
 * DuckDB's own Node binding (the package whose library the addon loads), for the tests only: to
 * write Parquet fixtures and read footers. A fresh in-memory database and connection per call.
 */
import { createRequire } from 'node:module';

const duckdb = createRequire(import.meta.url)('@duckdb/node-bindings') as {
  open(path?: string): Promise<unknown>;
  connect(db: unknown): Promise<unknown>;
  query(c: unknown, sql: string): Promise<unknown>;
};

/** Runs SQL on a new in-memory database (one thread: fixtures get the row groups asked for). */
export async function duckdbSql(): Promise<(text: string) => Promise<unknown>> {
  const conn = await duckdb.connect(await duckdb.open(':memory:'));
  await duckdb.query(conn, 'SET threads = 1');
  return (text) => duckdb.query(conn, text);
}

/** A query's result through @duckdb/node-api (the SQL oracle): column names and rows of JSON-like cells. */
export interface DuckResult { columns: string[]; rows: (number | string | boolean | null)[][] }

/** Runs `setup` statements, then each query, on a new in-memory database; a query that fails gives its error message. */
export async function duckdbQueries(setup: string[], queries: string[]): Promise<(DuckResult | { error: string })[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  for (const s of setup) await conn.run(s);
  const out: (DuckResult | { error: string })[] = [];
  for (const q of queries) {
    try {
      const r = await conn.runAndReadAll(q);
      const cell = (v: unknown): number | string | boolean | null => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'bigint') return Number(v);
        if (v instanceof Date) return v.toISOString().replace(/\.000Z$|Z$/, '');
        if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
        return String(v);
      };
      out.push({ columns: r.columnNames(), rows: r.getRowsJS().map((row) => row.map(cell)) });
    } catch (e) {
      out.push({ error: (e as Error).message });
    }
  }
  return out;
}
