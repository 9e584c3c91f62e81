/**
 * What table expressions evaluate to (frames, Series, group-bys, accessors, literals) and the
 * vocabulary and error helpers the table evaluators share (evaluate.ts, group-by-evaluator.ts).
 */
import { TesseraError } from '../../engine/errors.js';
import type { Ast } from '../../lang/python-expression.js';
import type { ColExpr, LiteralValue } from './column-expr.js';
import type { AggName } from './kinds/index.js';
import type { TableNode } from './table-node.js';

/** A Series: values over a frame's rows, and the columns that index it (a group-by's keys) when it has one. */
export type Series = { t: 'series'; frame: TableNode; expr: ColExpr; name: string | null; index?: { name: string; expr: ColExpr }[] };
export type GroupBy = { t: 'groupby'; frame: TableNode; keys: { name: string; expr: ColExpr }[]; selected?: { names: string[]; series: boolean } };
export type Value =
  | { t: 'frame'; node: TableNode }
  | Series
  | { t: 'scalar'; value: LiteralValue }
  | GroupBy
  | { t: 'accessor'; kind: 'str' | 'dt'; series: Series }
  | { t: 'list'; items: Value[] };

export const AGGS: AggName[] = ['count', 'size', 'sum', 'mean', 'min', 'max', 'var', 'std', 'first', 'last'];
/** What a group-by aggregates with: the native aggregations, and nunique (two group-bys and a merge, see aggregate()). */
export type GroupAgg = AggName | 'nunique';
export const GROUP_AGGS: GroupAgg[] = [...AGGS, 'nunique'];
/** A requested aggregation: its result column, its function and the aggregated values (none for size). */
export type Requested = { name: string; fn: GroupAgg; expr?: ColExpr };
export const NUMERIC_ONLY = new Set<string>(['sum', 'mean', 'var', 'std']);
/** The `.str` methods tables take. */
export const STR_METHODS = ['lower', 'upper', 'len', 'contains', 'startswith', 'endswith', 'slice'];
export const DT_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'dayofweek', 'weekday', 'dayofyear', 'quarter'];
export const SERIES_METHODS = 'isna, notna, fillna, astype, isin, between, abs, where, head, tail, sort_values, nlargest, nsmallest, value_counts, drop_duplicates, nunique, reset_index, str.*, dt.*, sum, mean, min, max, count, std, var, first, last';
export const FRAME_METHODS = 'head, tail, assign, dropna, groupby, sort_values, nlargest, nsmallest, drop_duplicates, merge, reset_index';

export const at = (ast: Ast) => ({ position: { start: ast.start, end: ast.end } });
export const bad = (ast: Ast, code: string, msg: string, hint: string) => new TesseraError(code, msg, hint, at(ast));

