/**
 * The dataframe collection's logical plan: a small tree of table operations. Each node knows its
 * columns; the lowering (lower.ts) fuses chains of selections and filters into one program per
 * partition, pushes the columns they read into the reader, and turns group-bys into partial
 * results merged in the combine tree.
 *
 * Selections and filters form chains over a base (a source, a head or a group-by: a node whose
 * rows are its own). Their expressions are written over the base's columns, not their input's,
 * so Series of two frames of one chain with the same rows combine as pandas aligns them by index
 * (`df.assign(k=...)[df.a > 1]`), and a chain is one program with no substitution left to do.
 */
import { TesseraError } from '../../engine/errors.js';
import { type ColExpr, col, columnsOf, op } from './column-expr.js';
import type { AggName } from './kinds/index.js';
import type { Column } from './schema.js';
import type { TableSource } from './table-source.js';

export interface Aggregation {
  /** The result column's name. */
  name: string;
  fn: AggName;
  /** The aggregated values (none for size). */
  expr?: ColExpr;
}

export type TableNode =
  /** A table read from a source (CSV files, ...), all its columns. */
  | { op: 'source'; source: TableSource; columns: Column[] }
  /** Columns computed over the chain's base (a selection is the plain column references). */
  | { op: 'select'; input: TableNode; exprs: ColExpr[]; columns: Column[] }
  /** The rows where the predicate (over the chain's base) is true; a null is false. */
  | { op: 'filter'; input: TableNode; predicate: ColExpr; columns: Column[] }
  /** The first n rows. */
  | { op: 'head'; input: TableNode; n: number; columns: Column[] }
  /** One row per distinct key (nulls dropped), sorted by key: the keys, then the aggregations (over the input chain's base). */
  | { op: 'groupby'; input: TableNode; keys: { name: string; expr: ColExpr }[]; aggs: Aggregation[]; columns: Column[] };

export function sourceTable(source: TableSource): TableNode {
  return { op: 'source', source, columns: source.columns };
}

/** A chain of selections and filters: its base, its and-ed filters and its columns' expressions over the base's columns. */
export interface Rows {
  base: TableNode;
  filter?: ColExpr;
  outputs: { name: string; expr: ColExpr }[];
}

export function rowsOf(n: TableNode): Rows {
  switch (n.op) {
    case 'select': return { ...rowsOf(n.input), outputs: n.exprs.map((expr, k) => ({ name: n.columns[k].name, expr })) };
    case 'filter': {
      const r = rowsOf(n.input);
      return { ...r, filter: r.filter ? op('&', [r.filter, n.predicate]) : n.predicate };
    }
    default: return { base: n, outputs: n.columns.map((c) => ({ name: c.name, expr: col(c.name, c.dtype) })) };
  }
}

/** A structural key of plan parts (sources by identity, bigints spelled out). */
export function planKey(n: unknown): string {
  return JSON.stringify(n, (k, v) => (k === 'source' ? v.identity : typeof v === 'bigint' ? `${v}n` : v));
}

/** Whether two frames hold the same rows (one chain's base and filters): their Series align. */
export function sameRows(a: TableNode, b: TableNode): boolean {
  if (a === b) return true;
  const ra = rowsOf(a), rb = rowsOf(b);
  return planKey([ra.base, ra.filter]) === planKey([rb.base, rb.filter]);
}

/** A column of a frame as an expression over its chain's base. */
export function columnExpr(frame: TableNode, name: string): ColExpr {
  columnOf(frame, name);
  return rowsOf(frame).outputs.find((o) => o.name === name)!.expr;
}

export function columnOf(input: TableNode, name: string): Column {
  const c = input.columns.find((x) => x.name === name);
  if (!c) throw new TesseraError('NO_SUCH_COLUMN', `the table has no column '${name}'`, `its columns: ${input.columns.map((x) => x.name).join(', ')}`);
  return c;
}

export function select(input: TableNode, columns: { name: string; expr: ColExpr }[]): TableNode {
  const names = new Set<string>();
  for (const c of columns) {
    if (names.has(c.name)) throw new TesseraError('BAD_ARGUMENTS', `the column '${c.name}' is selected twice`, 'a table has one column of each name');
    names.add(c.name);
  }
  const base = rowsOf(input).base;
  for (const c of columns) for (const used of columnsOf(c.expr)) columnOf(base, used);
  return { op: 'select', input, exprs: columns.map((c) => c.expr), columns: columns.map((c) => ({ name: c.name, dtype: c.expr.dtype })) };
}

export function project(input: TableNode, names: string[]): TableNode {
  return select(input, names.map((name) => ({ name, expr: columnExpr(input, name) })));
}

/** df.assign(**columns): the input's columns (a new value replaces a column in place), then the new ones. */
export function assign(input: TableNode, columns: { name: string; expr: ColExpr }[]): TableNode {
  const out = rowsOf(input).outputs.map((o) => ({ ...o }));
  for (const c of columns) {
    const at = out.findIndex((o) => o.name === c.name);
    if (at >= 0) out[at] = c;
    else out.push(c);
  }
  return select(input, out);
}

export function filter(input: TableNode, predicate: ColExpr): TableNode {
  if (predicate.dtype !== 'bool') throw new TesseraError('TYPE_ERROR', `a row filter must be a bool Series, not ${predicate.dtype}`, 'for example df[df.delay > 15]');
  return { op: 'filter', input, predicate, columns: input.columns };
}

export function head(input: TableNode, n = 5): TableNode {
  if (!Number.isInteger(n) || n < 0) throw new TesseraError('BAD_ARGUMENTS', `head(n) takes a count of rows, not ${n}`, 'for example head(10)');
  return { op: 'head', input, n, columns: input.columns };
}

export function groupBy(input: TableNode, keys: { name: string; expr: ColExpr }[], aggs: Aggregation[]): TableNode {
  const names = [...keys.map((k) => k.name), ...aggs.map((a) => a.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new TesseraError('BAD_ARGUMENTS', `the group-by result would have two columns named '${dup}'`, "name the aggregations: .agg(n=('delay', 'count'))");
  const columns = [
    ...keys.map((k) => ({ name: k.name, dtype: k.expr.dtype })),
    ...aggs.map((a) => ({ name: a.name, dtype: aggregateType(a.fn, a.expr?.dtype) })),
  ];
  return { op: 'groupby', input, keys, aggs, columns };
}

/** The dtype of an aggregation's result (native/table/aggregate.cc's agg_result_type). */
export function aggregateType(fn: AggName, t: Column['dtype'] | undefined): Column['dtype'] {
  switch (fn) {
    case 'count':
    case 'size':
      return 'int64';
    case 'sum':
      return t === 'float64' ? 'float64' : 'int64';
    case 'mean':
    case 'var':
    case 'std':
      return 'float64';
    default:
      return t!;
  }
}
