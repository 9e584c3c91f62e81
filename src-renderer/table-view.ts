/**
 * The arithmetic of a table result's views, apart from Vue (component tests and the panels share
 * it): sorting the rows held (an index, the rows untouched), which rows a virtualised grid draws,
 * whether a result is shaped like a group-by (and its bar chart), and a histogram per numeric column.
 */
export type Cell = number | string | boolean | null;

const NUMERIC = new Set(['int64', 'float64']);
export const isNumeric = (dtype: string | undefined) => !!dtype && NUMERIC.has(dtype);

/** Compares two non-null cells of a column: numbers by value (int64 beyond 2^53 come as decimal strings), text by code points, false < true. */
function compareCells(a: Exclude<Cell, null>, b: Exclude<Cell, null>, dtype: string): number {
  if (dtype === 'int64' && (typeof a === 'string' || typeof b === 'string')) {
    const x = BigInt(a as number | string), y = BigInt(b as number | string);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a), y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The order of `rows` sorted by column `col` (stable: ties keep their order), as row positions.
 * Nulls come last whichever the direction, as pandas' sort_values(na_position='last').
 */
export function sortOrder(rows: readonly Cell[][], col: number, dir: 'asc' | 'desc', dtype = ''): Uint32Array {
  const n = rows.length;
  const sign = dir === 'asc' ? 1 : -1;
  // Non-null rows first, in row order; the nulls after them, in row order.
  const valid: number[] = [];
  const nulls: number[] = [];
  let allNumbers = true;
  for (let i = 0; i < n; i++) {
    const v = rows[i][col];
    if (v === null) nulls.push(i);
    else { valid.push(i); if (typeof v !== 'number') allNumbers = false; }
  }
  const idx = Uint32Array.from(valid);
  if (allNumbers) {
    // The common case, kept fast for 10^5 rows: the keys in a typed array.
    const keys = new Float64Array(n);
    for (const i of valid) keys[i] = rows[i][col] as number;
    idx.sort((i, j) => sign * (keys[i] - keys[j]) || i - j);
  } else {
    idx.sort((i, j) => sign * compareCells(rows[i][col]!, rows[j][col]!, dtype) || i - j);
  }
  const order = new Uint32Array(n);
  order.set(idx);
  order.set(nulls, idx.length);
  return order;
}

/** Rows drawn by a virtualised grid: those in view at `scrollTop`, and `overscan` either side. */
export function visibleRange(scrollTop: number, viewportPx: number, rowPx: number, n: number, overscan = 10): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowPx) - overscan);
  const last = Math.min(n, Math.ceil((scrollTop + viewportPx) / rowPx) + overscan);
  return { first, last: Math.max(first, last) };
}

export interface BarChart {
  key: string;
  value: string;
  /** The bars, largest value first (at most MAX_BARS). */
  bars: { label: string; value: number }[];
  /** Groups in the result (rows held). */
  groups: number;
}

export const MAX_BARS = 30;

/**
 * A bar chart for a group-by shaped result: its first column a key (string, int64 or bool, each
 * value once among the rows held) and a numeric column after it (`valueCol`, or the first one).
 * The top MAX_BARS groups by value. Null when the result is not shaped so.
 */
export function barChartOf(columns: readonly string[], dtypes: readonly string[], rows: readonly Cell[][], valueCol?: number): BarChart | null {
  if (columns.length < 2 || rows.length < 2 || !['string', 'int64', 'bool'].includes(dtypes[0])) return null;
  const v = valueCol ?? dtypes.findIndex((d, i) => i > 0 && isNumeric(d));
  if (v < 1 || !isNumeric(dtypes[v])) return null;
  const keys = new Set<Cell>();
  for (const r of rows) {
    if (keys.has(r[0])) return null; // a key seen twice: not one row per group
    keys.add(r[0]);
  }
  const bars: BarChart['bars'] = [];
  for (const r of rows) {
    const x = r[v];
    const value = typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN;
    if (Number.isFinite(value)) bars.push({ label: r[0] === null ? 'null' : String(r[0]), value });
  }
  bars.sort((a, b) => b.value - a.value);
  return { key: columns[0], value: columns[v], bars: bars.slice(0, MAX_BARS), groups: rows.length };
}

export interface ColumnHistogram {
  lo: number;
  hi: number;
  counts: number[];
  /** Values counted (the non-null ones among the rows held) and nulls. */
  counted: number;
  nulls: number;
}

/** A histogram of a numeric column over the rows held. */
export function columnHistogram(rows: readonly Cell[][], col: number, bins = 24): ColumnHistogram {
  let lo = Infinity, hi = -Infinity, nulls = 0;
  const values: number[] = [];
  for (const r of rows) {
    const x = r[col];
    const v = typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN;
    if (!Number.isFinite(v)) { nulls++; continue; }
    values.push(v);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (!values.length) return { lo: 0, hi: 0, counts, counted: 0, nulls };
  const width = (hi - lo) / bins || 1;
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return { lo, hi, counts, counted: values.length, nulls };
}

/** How a null shows in a column of this dtype, as pandas prints it. */
export function nullText(dtype: string): string {
  return dtype === 'timestamp' || dtype === 'timedelta' ? 'NaT' : dtype === 'float64' || dtype === 'int64' ? 'NaN' : 'None';
}

/** A number for a label: short, exponent when large or tiny. */
export function shortNumber(v: number): string {
  return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(+v.toPrecision(5));
}
