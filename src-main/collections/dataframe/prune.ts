/**
 * Predicate pushdown into a source's planning: which partitions a filter cannot skip. A filter's
 * `column op literal` terms (and-ed), `isin`, `isna`/`notna`, are checked against what a source
 * knows of each partition without reading it (a Parquet row group's min/max and null count from
 * the footer, a hive folder's key). A partition is dropped only when some term is false for every
 * row it can hold; anything not understood keeps it, so pruning never changes a result.
 */
import type { ColExpr, LiteralValue } from './column-expr.js';

export type StatValue = bigint | number | string | boolean;

/** What a partition holds in one column, as far as known. */
export interface ColumnStats {
  min?: StatValue;
  max?: StatValue;
  /** Null rows, and rows: null when not known. */
  nulls: number | null;
  rows: number;
}

/** A comparison with its operands swapped (lit op col as col FLIP[op] lit). */
export const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** The and-ed terms of a filter. */
export function conjuncts(x: ColExpr, out: ColExpr[] = []): ColExpr[] {
  if (x.e === 'op' && x.op === '&' && x.dtype === 'bool') for (const a of x.args) conjuncts(a, out);
  else out.push(x);
  return out;
}

/** -1, 0, 1, or null when the two cannot be compared exactly. */
function compare(a: StatValue | LiteralValue, b: StatValue | LiteralValue): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    const safe = (v: number | bigint) => (typeof v === 'bigint' ? v >= -(2n ** 53n) && v <= 2n ** 53n : Number.isFinite(v));
    if (!safe(a) || !safe(b)) return null;
    const x = Number(a), y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}

/** Can a value v with min <= v <= max satisfy `v op lit`? */
function mayHold(op: string, s: ColumnStats, lit: LiteralValue): boolean {
  if (s.min === undefined || s.max === undefined) return true;
  const lo = compare(s.min, lit), hi = compare(s.max, lit);
  if (lo === null || hi === null) return true;
  switch (op) {
    case '==': return lo <= 0 && hi >= 0;
    case '!=': return true; // a NaN (not in the statistics) is != everything
    case '<': return lo < 0;
    case '<=': return lo <= 0;
    case '>': return hi > 0;
    case '>=': return hi >= 0;
    default: return true;
  }
}

function mayMatch(term: ColExpr, stats: (name: string) => ColumnStats | undefined): boolean {
  if (term.e !== 'op') return !(term.e === 'lit' && term.value === false);
  const [a, b] = term.args;
  if (term.op in FLIP && term.args.length === 2) {
    const colFirst = a.e === 'col' && b.e === 'lit';
    const litFirst = a.e === 'lit' && b.e === 'col';
    if (!colFirst && !litFirst) return true;
    const column = (colFirst ? a : b) as ColExpr & { e: 'col' };
    const value = ((colFirst ? b : a) as ColExpr & { e: 'lit' }).value;
    const s = stats(column.name);
    // A comparison with a null is false (!= true); NaN literals compare false too.
    if (!s || value === null || (typeof value === 'number' && Number.isNaN(value))) return true;
    if (s.nulls !== null && s.nulls === s.rows) return term.op === '!=';
    return mayHold(colFirst ? term.op : FLIP[term.op], s, value);
  }
  if (term.op === 'isin' && a.e === 'col') {
    const s = stats(a.name);
    if (!s) return true;
    return term.args.slice(1).some((v) => v.e !== 'lit' || mayHold('==', s, v.value));
  }
  if ((term.op === 'isna' || term.op === 'notna') && a.e === 'col') {
    const s = stats(a.name);
    if (!s || s.nulls === null) return true;
    return term.op === 'isna' ? s.nulls > 0 : s.nulls < s.rows;
  }
  return true;
}

/** The partitions (indices) a filter may keep rows of, given each one's column statistics. */
export function partitionsMatching(filter: ColExpr, partitions: number, stats: (partition: number, column: string) => ColumnStats | undefined): number[] {
  const terms = conjuncts(filter);
  const keep: number[] = [];
  for (let p = 0; p < partitions; p++) if (terms.every((t) => mayMatch(t, (c) => stats(p, c)))) keep.push(p);
  return keep;
}
