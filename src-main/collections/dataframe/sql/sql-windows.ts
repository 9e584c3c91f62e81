/**
 * Window functions of one SELECT (`rank() over (partition by k order by x desc)`): each distinct
 * call becomes a column of a window node (table-node.ts) computed over the rows the SELECT list
 * reads, after WHERE, GROUP BY and HAVING. The calls' arguments, partition and order expressions
 * are computed first as hidden columns beside the columns the SELECT list and ORDER BY read;
 * those keep their names, so the list's expressions read the window node as they read its input.
 */
import { type ColExpr, col, columnsOf } from '../column-expr.js';
import type { WindowFnName } from '../kinds/index.js';
import { rowsOf, select, type TableNode, type WindowCall, windowed, windowType } from '../table-node.js';
import { functionName, locationOf, type SqlExpressions } from './sql-expressions.js';
import { type PgNode, sqlError } from './sql-text.js';

const FUNCTIONS: Record<string, WindowFnName> = {
  row_number: 'row_number', rank: 'rank', dense_rank: 'dense_rank', count: 'count', sum: 'sum', avg: 'avg', mean: 'avg', min: 'min', max: 'max',
};
/** PostgreSQL's frameOptions of the default frame (RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), and the bits that only say it was written out (NONDEFAULT, BETWEEN). */
const DEFAULT_FRAME = 1058;
const WRITTEN = 0x1 | 0x10;

interface Planned {
  key: string;
  call: WindowCall;
  arg?: ColExpr;
  partition: ColExpr[];
  order: { expr: ColExpr; ascending: boolean; nullsFirst: boolean }[];
  result: ColExpr;
}

export class SqlWindows {
  readonly calls: Planned[] = [];

  constructor(private readonly text: string, private readonly fresh: () => string) {}

  private error(n: PgNode, code: string, message: string, hint = '') {
    const at = locationOf(n);
    return sqlError(code, this.text, at, at + 1, message, hint);
  }

  /** The column a window call's value is in (planned once per distinct call). */
  column(n: PgNode, ex: SqlExpressions): ColExpr {
    const key = JSON.stringify(n, (k, v) => (k === 'location' ? undefined : v));
    const known = this.calls.find((c) => c.key === key);
    if (known) return known.result;
    const c = n.FuncCall;
    const name = functionName(c);
    const fn = FUNCTIONS[name];
    if (!fn) throw this.error(n, 'SQL_UNSUPPORTED', `the window function ${name}() is not supported`, `window functions: ${Object.keys(FUNCTIONS).join(', ')}`);
    const over = c.over;
    if (over.name || over.refname) throw this.error(n, 'SQL_UNSUPPORTED', 'named windows (OVER w, WINDOW w AS ...) are not supported', 'write the window in the call: OVER (PARTITION BY ... ORDER BY ...)');
    if ((over.frameOptions & ~WRITTEN) !== DEFAULT_FRAME) throw this.error(n, 'SQL_UNSUPPORTED', 'window frames (ROWS/RANGE BETWEEN ...) are not supported: only the default frame', 'leave the frame out: the partition, or with ORDER BY the rows up to the current one and its peers');
    if (c.agg_distinct || c.agg_filter) throw this.error(n, 'SQL_UNSUPPORTED', `${name}(DISTINCT ...) and FILTER over a window are not supported`);
    const args = (c.args ?? []) as PgNode[];
    const nested = [args, over.partitionClause, over.orderClause].some((x) => JSON.stringify(x ?? null).includes('"over":'));
    if (nested) throw this.error(n, 'SQL_MISPLACED_WINDOW', 'window functions cannot be nested', 'compute the inner one in a subquery');
    const ranking = fn === 'row_number' || fn === 'rank' || fn === 'dense_rank';
    if (ranking && args.length) throw this.error(n, 'SQL_BAD_ARGUMENTS', `${name}() takes no argument`);
    if (!ranking && !c.agg_star && args.length !== 1) throw this.error(n, 'SQL_BAD_ARGUMENTS', `${name}() takes one argument`);
    if (c.agg_star && fn !== 'count') throw this.error(n, 'SQL_BAD_ARGUMENTS', `${name}(*) is not a function: only count(*)`);
    const arg = !ranking && !c.agg_star ? ex.value(args[0]) : undefined;
    if (arg && (fn === 'sum' || fn === 'avg') && !['int64', 'float64', 'bool'].includes(arg.dtype)) throw this.error(args[0], 'SQL_TYPE', `${name}() of a ${arg.dtype} is not defined`);
    if (arg && (fn === 'min' || fn === 'max') && (arg.dtype === 'string' || arg.dtype === 'bool')) throw this.error(args[0], 'SQL_UNSUPPORTED', `${name}() over a window of ${arg.dtype} values is not supported`);
    const partition = ((over.partitionClause ?? []) as PgNode[]).map((p) => ex.value(p));
    const order = ((over.orderClause ?? []) as PgNode[]).map((o) => ({
      expr: ex.value(o.SortBy.node), ascending: o.SortBy.sortby_dir !== 'SORTBY_DESC', nullsFirst: o.SortBy.sortby_nulls === 'SORTBY_NULLS_FIRST',
    }));
    const column = this.fresh();
    const planned: Planned = { key, call: { name: column, fn }, arg, partition, order, result: col(column, windowType(fn, arg?.dtype)) };
    this.calls.push(planned);
    return planned.result;
  }

  /** The window node over `source`, holding the columns `reads` (expressions over source's chain base) read. */
  plan(source: TableNode, reads: ColExpr[]): TableNode {
    const base = rowsOf(source).base;
    const mine = new Set(this.calls.map((c) => c.call.name));
    const used = new Set<string>();
    for (const r of reads) columnsOf(r, used);
    const kept = base.columns.filter((c) => used.has(c.name) && !mine.has(c.name));
    const hidden: { name: string; expr: ColExpr }[] = [];
    const as = (expr: ColExpr): string => {
      if (expr.e === 'col' && kept.some((c) => c.name === expr.name)) return expr.name;
      const name = this.fresh();
      hidden.push({ name, expr });
      return name;
    };
    const windows = this.calls.map((p) => ({
      p,
      partition: p.partition.map(as),
      order: p.order.map((o) => ({ name: as(o.expr), ascending: o.ascending, ...(o.nullsFirst ? { nullsFirst: true } : {}) })),
      column: p.arg ? as(p.arg) : undefined,
    }));
    let node = select(source, [...kept.map((c) => ({ name: c.name, expr: col(c.name, c.dtype) })), ...hidden]);
    // Calls over the same window are one node; each further window is a node over the last.
    const groups = new Map<string, typeof windows>();
    for (const w of windows) {
      const k = JSON.stringify([w.partition, w.order]);
      groups.set(k, [...(groups.get(k) ?? []), w]);
    }
    for (const [first, ...rest] of groups.values()) {
      node = windowed(node, first.partition, first.order, [first, ...rest].map((w) => ({ name: w.p.call.name, fn: w.p.call.fn, ...(w.column ? { column: w.column } : {}) })));
    }
    return node;
  }
}
