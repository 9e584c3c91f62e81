/** Comparing Tessera's SQL results with DuckDB's: rows in order or as sorted multisets, floats within 1e-12 relative, NULL and NaN alike. */
import { expect } from 'vitest';
import type { DuckResult } from './duckdb.js';
import { close } from './frames.js';

/**
 * A small airport table with NULLs (a missing state, elevation and key), written as CSV by the SQL
 * tests. Tessera infers pandas' types (an integer column with a missing value is float64), DuckDB
 * BIGINT: DuckDB's view of it casts elevation to DOUBLE (airportsView).
 */
export const AIRPORTS = ['iata,state,elevation', 'SFO,CA,13', 'LAX,CA,125', 'JFK,NY,13', 'ORD,IL,672', 'SEA,WA,', 'ANC,AK,151', 'ABQ,,5355', 'ZZZ,XX,1', ',CA,0', 'ATL,GA,1026', 'DEN,CO,5431'].join('\n');

function sortRows(rows: unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

function sameCell(a: unknown, b: unknown): boolean {
  if (a === null || b === null || (typeof a === 'number' && Number.isNaN(a)) || (typeof b === 'number' && Number.isNaN(b))) {
    const na = a === null || (typeof a === 'number' && Number.isNaN(a)), nb = b === null || (typeof b === 'number' && Number.isNaN(b));
    return na && nb;
  }
  // (a variance of equal values is 0 or a rounding residue such as 1e-25, in either engine)
  if (typeof a === 'number' && typeof b === 'number') return close(a, b) || Math.abs(a - b) < 1e-12;
  return a === b;
}

export function expectSameRows(name: string, got: { rows?: unknown[][]; nrows?: number }, want: DuckResult, ordered: boolean): void {
  if (!got.rows) throw new Error(`${name}: ${got.nrows} rows, too many to be inline: make the query's result smaller`);
  const g = ordered ? got.rows : sortRows(got.rows), w = ordered ? want.rows : sortRows(want.rows);
  expect(g.length, `${name}: row count`).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    expect(g[i].length, `${name}: columns`).toBe(w[i].length);
    const ok = w[i].every((c, k) => sameCell(g[i][k], c));
    if (!ok) expect(g[i], `${name}: row ${i}`).toEqual(w[i]);
  }
}


/** DuckDB's view of the airport table at `path`, with Tessera's (pandas') column types. */
export const airportsView = (path: string) => `create view airports as select iata, state, elevation::double as elevation from read_csv('${path}')`;

/** Whether the query's own result is ordered: an ORDER BY after its last parenthesis (not one inside OVER or a subquery). */
export const orderedResult = (sql: string) => /\border by\b/i.test(sql.slice(sql.lastIndexOf(')') + 1));
