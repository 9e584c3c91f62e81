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
