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
import { didYouMean } from '../../lang/did-you-mean.js';
import { TesseraError } from '../../engine/errors.js';
import { type ColExpr, col, columnsOf, op } from './column-expr.js';
import type { AggName, WindowFnName } from './kinds/index.js';
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
  /**
   * One row per distinct key, sorted by key: the keys, then the aggregations (over the input chain's
   * base). Rows with a null key are dropped (pandas), or with `nullGroups` make their own group,
   * sorted last (SQL). With `rowWhenEmpty` (SQL's aggregate without GROUP BY: int64 keys only) no
   * row read still makes one group, of zero keys: counts 0, the other aggregations null.
   */
  | { op: 'groupby'; input: TableNode; keys: { name: string; expr: ColExpr }[]; aggs: Aggregation[]; columns: Column[]; splitOut?: number; nullGroups?: boolean; rowWhenEmpty?: boolean }
  /** The last n rows. */
  | { op: 'tail'; input: TableNode; n: number; columns: Column[] }
  /**
   * SQL window functions: every row, sorted by the partition columns then the order keys, with
   * one new column per call (over the partition, or with `order` the rows up to the current
   * row's last peer).
   */
  | { op: 'window'; input: TableNode; partition: string[]; order: { name: string; ascending: boolean; nullsFirst?: boolean }[]; calls: WindowCall[]; columns: Column[] }
  /** The rows after the first `offset`, at most `n` of them (SQL's LIMIT n OFFSET offset). */
  | { op: 'slice'; input: TableNode; offset: number; n?: number; columns: Column[] }
  /** Rows stably sorted by columns (nulls last), the first `limit` of them when set (nlargest, sort + head). */
  | { op: 'sort'; input: TableNode; by: { name: string; ascending: boolean; nullsFirst?: boolean }[]; limit?: number; columns: Column[] }
  /** The first row of each distinct tuple of the `subset` columns (every column when empty), in row order. */
  | { op: 'distinct'; input: TableNode; subset: string[]; columns: Column[] }
  /** Tables one after the other (the same columns). */
  | { op: 'concat'; inputs: TableNode[]; columns: Column[] }
  /**
   * pandas' merge. Output columns name where they come from; `on` keys appear once (from the side
   * whose rows lead). Row order is pandas 2.2's: inner and left in left order, right in right
   * order, outer sorted by key.
   */
  | { op: 'join'; left: TableNode; right: TableNode; how: JoinKind; leftOn: string[]; rightOn: string[]; outputs: JoinOutput[]; columns: Column[] };

export type JoinKind = 'inner' | 'left' | 'right' | 'outer';
/** A window function call: its new column's name, and the column it aggregates (not for ranks, row_number, count(*)). */
export interface WindowCall { name: string; fn: WindowFnName; column?: string }
/** A merge's output column: a column of the left or right input, or an `on` key (from either side). */
export type JoinOutput = { name: string; from: 'left' | 'right' | 'key'; column: string; key?: number };

/** The tables a node reads. */
export function inputsOf(n: TableNode): TableNode[] {
  switch (n.op) {
    case 'source': return [];
    case 'concat': return n.inputs;
    case 'join': return [n.left, n.right];
    default: return [n.input];
  }
}

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

/** A filter's and-ed terms, as structural keys. */
function termKeys(filter: ColExpr | undefined, out = new Set<string>()): Set<string> {
  if (!filter) return out;
  if (filter.e === 'op' && filter.op === '&') for (const a of filter.args) termKeys(a, out);
  else out.add(planKey(filter));
  return out;
}

/**
 * Whether a Series of `series` can be used on the rows of `frame`, as pandas aligns it by index:
 * the same base, and every filter of the Series' frame is one of the frame's (the frame's rows
 * are some of the Series' rows: `t[t.x > 0].assign(z=t.w * 2)`, `t[t.x > 0].groupby(t.k)`).
 */
export function rowsWithin(frame: TableNode, series: TableNode): boolean {
  if (sameRows(frame, series)) return true;
  const rf = rowsOf(frame), rs = rowsOf(series);
  if (planKey(rf.base) !== planKey(rs.base)) return false;
  const have = termKeys(rf.filter);
  return [...termKeys(rs.filter)].every((k) => have.has(k));
}

/** A column of a frame as an expression over its chain's base. */
export function columnExpr(frame: TableNode, name: string): ColExpr {
  columnOf(frame, name);
  return rowsOf(frame).outputs.find((o) => o.name === name)!.expr;
}

export function columnOf(input: TableNode, name: string): Column {
  const c = input.columns.find((x) => x.name === name);
  if (!c) throw new TesseraError('NO_SUCH_COLUMN', `the table has no column '${name}'${didYouMean(name, input.columns.map((x) => x.name))}`, `its columns: ${input.columns.map((x) => x.name).join(', ')}`);
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

/**
 * `splitOut` (dask's split_out): the result in that many partitions, groups hashed among them, each
 * partition sorted by key (not the whole, as dask's); for group-bys with many groups.
 */
export function groupBy(input: TableNode, keys: { name: string; expr: ColExpr }[], aggs: Aggregation[], splitOut?: number, sql: { nullGroups?: boolean; rowWhenEmpty?: boolean } = {}): TableNode {
  const names = [...keys.map((k) => k.name), ...aggs.map((a) => a.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new TesseraError('BAD_ARGUMENTS', `the group-by result would have two columns named '${dup}'`, "name the aggregations: .agg(n=('delay', 'count'))");
  const columns = [
    ...keys.map((k) => ({ name: k.name, dtype: k.expr.dtype })),
    ...aggs.map((a) => ({ name: a.name, dtype: aggregateType(a.fn, a.expr?.dtype) })),
  ];
  if (splitOut !== undefined && !(Number.isInteger(splitOut) && splitOut >= 1 && splitOut <= 1024)) throw new TesseraError('BAD_ARGUMENTS', `split_out is a count of partitions from 1 to 1024, not ${splitOut}`, 'for example split_out=4');
  return { op: 'groupby', input, keys, aggs, columns, ...(splitOut && splitOut > 1 ? { splitOut } : {}), ...(sql.nullGroups ? { nullGroups: true } : {}), ...(sql.rowWhenEmpty ? { rowWhenEmpty: true } : {}) };
}

export function tail(input: TableNode, n = 5): TableNode {
  if (!Number.isInteger(n) || n < 0) throw new TesseraError('BAD_ARGUMENTS', `tail(n) takes a count of rows, not ${n}`, 'for example tail(10)');
  return { op: 'tail', input, n, columns: input.columns };
}

/** The dtype of a window function's result (native/table/window.cc's window_result_type). */
export function windowType(fn: WindowFnName, t: Column['dtype'] | undefined): Column['dtype'] {
  if (fn === 'avg') return 'float64';
  if (fn === 'sum') return t === 'float64' ? 'float64' : 'int64';
  if (fn === 'min' || fn === 'max') return t!;
  return 'int64';
}

export function windowed(input: TableNode, partition: string[], order: { name: string; ascending: boolean; nullsFirst?: boolean }[], calls: WindowCall[]): TableNode {
  for (const n of [...partition, ...order.map((o) => o.name), ...calls.flatMap((c) => (c.column ? [c.column] : []))]) columnOf(input, n);
  const columns = [...input.columns, ...calls.map((c) => ({ name: c.name, dtype: windowType(c.fn, c.column ? columnOf(input, c.column).dtype : undefined) }))];
  return { op: 'window', input, partition, order, calls, columns };
}

export function slice(input: TableNode, offset: number, n?: number): TableNode {
  return { op: 'slice', input, offset, ...(n === undefined ? {} : { n }), columns: input.columns };
}

export function sortBy(input: TableNode, by: { name: string; ascending: boolean; nullsFirst?: boolean }[], limit?: number): TableNode {
  for (const b of by) columnOf(input, b.name);
  if (input.op === 'sort' && limit !== undefined && JSON.stringify(input.by) === JSON.stringify(by)) return { ...input, limit: Math.min(limit, input.limit ?? Infinity) };
  return { op: 'sort', input, by, limit, columns: input.columns };
}

export function distinct(input: TableNode, subset: string[]): TableNode {
  for (const n of subset) columnOf(input, n);
  return { op: 'distinct', input, subset, columns: input.columns };
}

export function concat(inputs: TableNode[]): TableNode {
  const first = inputs[0].columns;
  for (const t of inputs.slice(1)) {
    const same = t.columns.length === first.length && t.columns.every((c, k) => c.name === first[k].name && c.dtype === first[k].dtype);
    if (!same) {
      throw new TesseraError('UNSUPPORTED', `concat needs tables with the same columns and dtypes: ${first.map((c) => `${c.name}:${c.dtype}`).join(', ')} vs ${t.columns.map((c) => `${c.name}:${c.dtype}`).join(', ')}`,
        'select and convert the columns first: t[["a", "b"]].assign(a=t.a.astype("float64"))');
    }
  }
  return { op: 'concat', inputs, columns: first };
}

/** pandas' merge: keys of the same type (int64 and float64 meet as numbers), overlapping names suffixed. */
export function join(left: TableNode, right: TableNode, how: JoinKind, leftOn: string[], rightOn: string[], suffixes: [string, string] = ['_x', '_y']): TableNode {
  if (!leftOn.length || leftOn.length !== rightOn.length) throw new TesseraError('BAD_ARGUMENTS', 'merge needs the same number of keys on each side', "for example on='id' or left_on=['a'], right_on=['b']");
  leftOn.forEach((l, k) => {
    const a = columnOf(left, l).dtype, b = columnOf(right, rightOn[k]).dtype;
    if (a !== b) {
      throw new TesseraError('VALUE_ERROR', `You are trying to merge on ${a} and ${b} columns ('${l}', '${rightOn[k]}')`, `convert one key first, for example with .assign(${rightOn[k]}=right.${rightOn[k]}.astype('${a}'))`);
    }
  });
  // Keys named alike on both sides appear once, as pandas' `on` does.
  const shared = new Set(leftOn.filter((l, k) => rightOn[k] === l));
  const leftNames = new Set(left.columns.map((c) => c.name));
  const rightNames = new Set(right.columns.filter((c) => !shared.has(c.name)).map((c) => c.name));
  const outputs: JoinOutput[] = [];
  const columns: Column[] = [];
  for (const c of left.columns) {
    if (shared.has(c.name)) {
      outputs.push({ name: c.name, from: 'key', column: c.name, key: leftOn.indexOf(c.name) });
      columns.push({ name: c.name, dtype: c.dtype });
    } else {
      const name = rightNames.has(c.name) ? c.name + suffixes[0] : c.name;
      outputs.push({ name, from: 'left', column: c.name });
      columns.push({ name, dtype: c.dtype });
    }
  }
  for (const c of right.columns) {
    if (shared.has(c.name)) continue;
    const name = leftNames.has(c.name) ? c.name + suffixes[1] : c.name;
    outputs.push({ name, from: 'right', column: c.name });
    columns.push({ name, dtype: c.dtype });
  }
  const dup = columns.find((c, i) => columns.findIndex((d) => d.name === c.name) !== i);
  if (dup) throw new TesseraError('BAD_ARGUMENTS', `the merge would have two columns named '${dup.name}'`, 'give other suffixes=(...)');
  return { op: 'join', left, right, how, leftOn, rightOn, outputs, columns };
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
