/**
 * Filter pushdown into a reader: the and-ed terms of a filter a source can apply while it reads
 * (`column op literal` with op one of == < <= > >=, and `notna(column)`), with each literal as
 * text of the column's type. A reader given these terms returns a superset of the rows the filter
 * keeps (a null or NaN may pass a reader's test where pandas' comparison is false, never the other
 * way), so the job's filter still runs after the read and decides. Terms a reader could get wrong
 * are not pushed: `!=` (pandas keeps nulls, SQL drops them), an int64 column against a float
 * (numpy compares in float64, SQL exactly), a float column against an integer beyond 2**53, NaN
 * and null literals, literals outside int64. A float `x == v` is pushed as `x >= v` and `x <= v`:
 * an equality may be tested against a Parquet file's bloom filter, which hashes the bits, so
 * -0.0 would not find 0.0.
 *
 * Rows the reader drops are never converted, so a value the store cannot hold (a timestamp
 * outside the ns range) fails the job only when it is in a row the filter may keep.
 */
import { conjuncts, FLIP } from './prune.js';
import type { ColExpr } from './column-expr.js';
import { TesseraError } from '../../engine/errors.js';
import type { Column, ColumnType } from './schema.js';

export type ReadCompare = '==' | '<' | '<=' | '>' | '>=' | 'notna';

/** native/table/read_term.h's Compare. */
export const COMPARE_CODES: Record<ReadCompare, number> = { '==': 0, '<': 1, '<=': 2, '>': 3, '>=': 4, notna: 5 };

/** A term as a read task carries it: `column` indexes the read's columns. */
export interface TaskTerm {
  column: number;
  op: ReadCompare;
  /** Parquet only: the file holds the column in the store's own DuckDB type. */
  plain?: boolean;
  literal?: string;
}

/** The terms' encoding in read_csv and read_parquet (native/tasks/read_terms.h). */
export function encodeTerms(w: { push(x: number): void }, terms: TaskTerm[] | undefined, stringIndex: (s: string) => number): void {
  const list = terms ?? [];
  w.push(list.length);
  for (const t of list) {
    w.push(t.column); w.push(COMPARE_CODES[t.op]); w.push(t.plain ? 1 : 0);
    if (t.op !== 'notna') w.push(stringIndex(t.literal ?? ''));
  }
}

/** A filter's term a reader may apply, by column name. */
export interface ReadTerm {
  column: string;
  dtype: ColumnType;
  op: ReadCompare;
  /** The literal in the column's type: an int64 or ns timestamp as an integer, a float64 as a number, a bool as 0/1, a string as itself. */
  literal?: string;
}

/** The comparisons a reader applies (`!=` is not one: see above). */
const PUSHED = new Set(['==', '<', '<=', '>', '>=']);
const SAFE_INT = 2n ** 53n;
const INT64 = 2n ** 63n;

/** The literal as text of the column's type, or undefined when the comparison is not exact to push. */
function literalText(column: ColumnType, value: unknown): string | undefined {
  switch (column) {
    case 'int64':
    case 'timestamp': return typeof value === 'bigint' && value >= -INT64 && value < INT64 ? String(value) : undefined;
    case 'float64':
      if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
      return typeof value === 'bigint' && value >= -SAFE_INT && value <= SAFE_INT ? String(Number(value)) : undefined;
    case 'bool': return typeof value === 'boolean' ? (value ? '1' : '0') : undefined;
    case 'string': return typeof value === 'string' && !value.includes('\0') ? value : undefined;
    default: return undefined;
  }
}

function termsOf(x: ColExpr): ReadTerm[] {
  if (x.e !== 'op') return [];
  if (x.op === 'notna' && x.args[0]?.e === 'col') return [{ column: x.args[0].name, dtype: x.args[0].dtype, op: 'notna' }];
  if (!PUSHED.has(x.op) || x.args.length !== 2) return [];
  const [a, b] = x.args;
  const colFirst = a.e === 'col' && b.e === 'lit';
  if (!colFirst && !(a.e === 'lit' && b.e === 'col')) return [];
  const col = (colFirst ? a : b) as ColExpr & { e: 'col' };
  const lit = (colFirst ? b : a) as ColExpr & { e: 'lit' };
  if (col.dtype === 'timestamp' && lit.dtype !== 'timestamp') return [];
  const literal = literalText(col.dtype, lit.value);
  if (literal === undefined) return [];
  const op = (colFirst ? x.op : FLIP[x.op]) as ReadCompare;
  const term = (o: ReadCompare): ReadTerm => ({ column: col.name, dtype: col.dtype, op: o, literal });
  return col.dtype === 'float64' && op === '==' ? [term('>='), term('<=')] : [term(op)];
}

/** The terms of `filter` a reader may apply, in the filter's order (none: nothing to push). */
export function readTerms(filter: ColExpr | undefined): ReadTerm[] {
  if (!filter) return [];
  return conjuncts(filter).flatMap(termsOf);
}

/** The terms of `filter` over columns the reader takes itself (`reads`: not a hive key, say). */
export function termsOver<C extends Column>(filter: ColExpr, columns: readonly C[], reads: (c: C) => boolean = () => true): ReadTerm[] {
  return readTerms(filter).filter((t) => columns.some((c) => c.name === t.column && c.dtype === t.dtype && reads(c)));
}

/** Terms as a read task carries them: each by its column's index in the read's `columns`, which must read it. */
export function taskTerms<C extends Column>(kind: string, terms: ReadTerm[], columns: readonly C[], reads: (c: C) => boolean = () => true, plain?: (c: C) => boolean): TaskTerm[] {
  return terms.map((t) => {
    const column = columns.findIndex((c) => c.name === t.column && c.dtype === t.dtype && reads(c));
    if (column < 0) throw new TesseraError('INTERNAL', `${kind}: a pushed-down term names '${t.column}', which the read does not take from the file`, 'this is a bug in the planner, please report it');
    return { column, op: t.op, literal: t.literal, ...(plain ? { plain: plain(columns[column]) } : {}) };
  });
}
