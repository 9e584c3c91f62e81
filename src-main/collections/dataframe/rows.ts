/**
 * Table results as JSON: row-major rows of plain values, as the job outputs show them. Nulls are
 * JSON null (a float NaN is pandas' null too), timestamps ISO 8601 strings (UTC, to the
 * nanosecond when it has them), timedeltas as pandas prints them, int64 beyond 2^53 decimal strings.
 */
import type { ColumnType } from './schema.js';

export type Cell = number | string | boolean | null;

export interface TableColumnValues {
  name: string;
  dtype: ColumnType;
  values: Float64Array | BigInt64Array | Uint8Array | string[];
  valid: Uint8Array | null;
}

function isoTimestamp(ns: bigint): string {
  const G = 1_000_000_000n;
  const frac = ((ns % G) + G) % G;  // floor division: before 1970 too
  const sec = (ns - frac) / G;
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return frac === 0n ? base : `${base}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
}

/** pandas' spelling of a Timedelta: '-1 days +23:59:59.500000', '0 days 00:20:00'. */
function timedeltaText(ns: bigint): string {
  const DAY = 86_400_000_000_000n;
  const days = ns >= 0n ? ns / DAY : -((-ns + DAY - 1n) / DAY);
  let rest = ns - days * DAY;
  const h = rest / 3_600_000_000_000n; rest -= h * 3_600_000_000_000n;
  const m = rest / 60_000_000_000n; rest -= m * 60_000_000_000n;
  const s = rest / 1_000_000_000n; rest -= s * 1_000_000_000n;
  const two = (x: bigint) => x.toString().padStart(2, '0');
  const frac = rest === 0n ? '' : rest % 1000n === 0n ? `.${(rest / 1000n).toString().padStart(6, '0')}` : `.${rest.toString().padStart(9, '0')}`;
  return `${days} days ${days < 0n ? '+' : ''}${two(h)}:${two(m)}:${two(s)}${frac}`;
}

export function cell(c: TableColumnValues, i: number): Cell {
  if (c.valid && !c.valid[i]) return null;
  switch (c.dtype) {
    case 'float64': { const v = (c.values as Float64Array)[i]; return Number.isNaN(v) ? null : v; }
    case 'int64': { const v = (c.values as BigInt64Array)[i]; return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString(); }
    case 'bool': return (c.values as Uint8Array)[i] !== 0;
    case 'timestamp': return isoTimestamp((c.values as BigInt64Array)[i]);
    case 'timedelta': return timedeltaText((c.values as BigInt64Array)[i]);
    default: return (c.values as string[])[i];
  }
}

export function toRows(columns: TableColumnValues[], nrows: number, limit = nrows): Cell[][] {
  const rows: Cell[][] = [];
  for (let i = 0; i < Math.min(nrows, limit); i++) rows.push(columns.map((c) => cell(c, i)));
  return rows;
}
