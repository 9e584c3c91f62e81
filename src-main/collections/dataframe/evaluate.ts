/**
 * Table expressions in pandas' words, over the job's table datasets. A name is a DataFrame; `df.col`
 * and `df['col']` are Series (a column expression over their frame); Series combine with
 * arithmetic, comparisons and `& | ~`, and filter their frame (`df[df.delay > 15]`). Frames select
 * columns (`df[['a', 'b']]`), `assign`, `dropna`, `head`, sorts, merges and `groupby` (whose
 * aggregations are group-by-evaluator.ts's); a Series reduces to a scalar (`df.delay.mean()`),
 * and `len(df)` counts rows. Every error points at the place in the expression.
 */
import { didYouMean } from '../../lang/did-you-mean.js';
import { TesseraError } from '../../engine/errors.js';
import { type Ast, parseExpression } from '../../lang/python-expression.js';
import { type ColExpr, literal, literalAs, literalFor, type LiteralValue, lit, op, type OpName } from './column-expr.js';
import type { AggName } from './kinds/index.js';
import type { ColumnType } from './schema.js';
import {
  type Aggregation, assign, columnExpr, concat, distinct, filter, groupBy, head, join, type JoinKind, project, rowsWithin, sameRows, select, sortBy, tail, type TableNode,
} from './table-node.js';
import { GroupByEvaluator } from './group-by-evaluator.js';
import { AGGS, bad, DT_FIELDS, FRAME_METHODS, GROUP_AGGS, type Series, SERIES_METHODS, STR_METHODS, type Value } from './table-values.js';

export type TableOutput =
  | { kind: 'table'; node: TableNode }
  | { kind: 'len'; node: TableNode }
  /** df.shape: rows (counted) and columns; df.columns: the names (no task runs). */
  | { kind: 'shape'; node: TableNode }
  | { kind: 'columns'; names: string[] }
  /** A Series reduced to one value: the one-row group-by `node` (column 1 holds it; no row: an empty input). */
  | { kind: 'reduce'; node: TableNode; fn: AggName; dtype: ColumnType }
  /**
   * describe(): count, mean, std, min, max from one group-by (`stats`: per column, those five in
   * that order after its constant key), and the exact quartiles from each column's non-null values
   * sorted (`sorted[i]`: one column, ascending), interpolated as numpy's percentile does.
   */
  | { kind: 'describe'; names: string[]; stats: TableNode; sorted: TableNode[] };

export class TableEvaluator {
  private readonly groups = new GroupByEvaluator({ value: (ast) => this.value(ast) });

  constructor(private readonly tables: ReadonlyMap<string, TableNode>) {}

  evaluateOutput(src: string, output?: string): TableOutput {
    try {
      return this.output(parseExpression(src));
    } catch (e) {
      if (e instanceof TesseraError && e.position) e.position.output = output;
      throw e;
    }
  }

  /** A table expression as a frame, saying whether it was a Series (1-d as an array) or a frame. */
  evaluateTable(src: string, output?: string): { node: TableNode; series: boolean } {
    try {
      const ast = parseExpression(src);
      const v = this.value(ast);
      if (v.t === 'series') return { node: select(v.frame, [{ name: v.name ?? '0', expr: v.expr }]), series: true };
      return { node: this.frameOf(ast), series: false };
    } catch (e) {
      if (e instanceof TesseraError && e.position) e.position.output = output;
      throw e;
    }
  }

  private output(ast: Ast): TableOutput {
    if (ast.t === 'call' && ast.fn.t === 'name' && ast.fn.name === 'len') {
      if (ast.args.length !== 1 || ast.kwargs.length) throw bad(ast, 'BAD_ARGUMENTS', 'len() takes one table', 'for example len(df)');
      return { kind: 'len', node: this.frameOf(ast.args[0]) };
    }
    if (ast.t === 'attr' && (ast.name === 'shape' || ast.name === 'columns')) {
      const target = this.value(ast.obj);
      if (target.t === 'frame') return ast.name === 'shape' ? { kind: 'shape', node: target.node } : { kind: 'columns', names: target.node.columns.map((c) => c.name) };
    }
    if (ast.t === 'call' && ast.fn.t === 'attr' && ast.fn.name === 'describe') {
      this.noArguments(ast, 'describe', []);
      const target = this.value(ast.fn.obj);
      if (target.t === 'series' || target.t === 'frame') return this.describe(ast, target.t === 'series' ? this.seriesFrame(target) : target.node);
    }
    // nunique(): the distinct non-null values, counted.
    if (ast.t === 'call' && ast.fn.t === 'attr' && ast.fn.name === 'nunique') {
      const target = this.value(ast.fn.obj);
      if (target.t === 'series') {
        this.noArguments(ast, 'nunique', ['dropna']);
        return { kind: 'len', node: groupBy(target.frame, [{ name: target.name ?? '0', expr: target.expr }], [{ name: 'size', fn: 'size' }]) };
      }
    }
    // A Series reduced to a scalar.
    if (ast.t === 'call' && ast.fn.t === 'attr' && (AGGS as string[]).includes(ast.fn.name) && ast.fn.name !== 'size') {
      const target = this.value(ast.fn.obj);
      if (target.t === 'series') {
        const fn = ast.fn.name as AggName;
        this.groups.checkAggArgs(ast, fn);
        const node = groupBy(target.frame, [{ name: '__all', expr: lit(0n, 'int64') }], [this.groups.aggregation(ast, fn, target.name ?? '0', target.expr) as Aggregation]);
        return { kind: 'reduce', node, fn, dtype: node.columns[1].dtype };
      }
    }
    return { kind: 'table', node: this.frameOf(ast) };
  }

  private describe(ast: Ast, frame: TableNode): TableOutput {
    const columns = frame.columns.filter((c) => c.dtype === 'int64' || c.dtype === 'float64');
    if (!columns.length) throw bad(ast, 'UNSUPPORTED', 'describe() summarises numeric columns, and this table has none', 'select numeric columns, or count values with value_counts()');
    const stats = groupBy(frame, [{ name: '__all', expr: lit(0n, 'int64') }], columns.flatMap((c, i) => (['count', 'mean', 'std', 'min', 'max'] as AggName[])
      .map((fn) => ({ name: `${i}:${fn}`, fn, expr: columnExpr(frame, c.name) }))));
    const sorted = columns.map((c) => {
      const values = select(filter(frame, op('notna', [columnExpr(frame, c.name)])), [{ name: 'v', expr: columnExpr(frame, c.name) }]);
      return sortBy(values, [{ name: 'v', ascending: true }]);
    });
    return { kind: 'describe', names: columns.map((c) => c.name), stats, sorted };
  }

  /** A frame, or a Series as its one-column frame (named after the Series, "0" when it has no name). */
  private frameOf(ast: Ast): TableNode {
    const v = this.value(ast);
    if (v.t === 'frame') return v.node;
    if (v.t === 'series') return this.seriesFrame(v);
    if (v.t === 'groupby') throw bad(ast, 'UNSUPPORTED', 'a group-by is not a result by itself', "aggregate it: .agg(n=('delay', 'count')), .mean(), .size()");
    throw bad(ast, 'UNSUPPORTED', 'this output is not a table', 'table outputs are frames, Series, group-by aggregations, reductions and len(df)');
  }

  /** A Series as a table: its index columns (as after reset_index()), then its values. */
  private seriesFrame(s: Series): TableNode {
    return select(s.frame, [...(s.index ?? []), { name: s.name ?? '0', expr: s.expr }]);
  }

  private value(ast: Ast): Value {
    try {
      return this.valueAt(ast);
    } catch (e) {
      if (e instanceof TesseraError && !e.position) e.position = { start: ast.start, end: ast.end };
      throw e;
    }
  }

  private valueAt(ast: Ast): Value {
    switch (ast.t) {
      case 'name': {
        const t = this.tables.get(ast.name);
        if (t) return { t: 'frame', node: t };
        throw bad(ast, 'UNKNOWN_NAME', `name '${ast.name}' is not a table of this job${didYouMean(ast.name, this.tables.keys())}`, `its tables: ${[...this.tables.keys()].join(', ') || 'none'}`);
      }
      case 'num': return { t: 'scalar', value: ast.isInt ? (ast.big ?? BigInt(ast.value)) : ast.value };
      case 'str': return { t: 'scalar', value: ast.value };
      case 'const': return { t: 'scalar', value: ast.value };
      case 'list':
      case 'tuple': return { t: 'list', items: ast.items.map((x) => this.value(x)) };
      case 'attr': return this.attribute(ast);
      case 'index': return this.index(ast);
      case 'call': return this.call(ast);
      case 'unary': return this.unary(ast);
      case 'binary': return this.binary(ast);
      default:
        throw bad(ast, 'UNSUPPORTED', 'this table expression is not supported', `tables support columns, filters, arithmetic, comparisons, ${FRAME_METHODS} and group-by aggregations`);
    }
  }

  private attribute(ast: Ast & { t: 'attr' }): Value {
    const obj = this.value(ast.obj);
    if (obj.t === 'frame') {
      const c = obj.node.columns.find((x) => x.name === ast.name);
      if (c) return { t: 'series', frame: obj.node, expr: columnExpr(obj.node, c.name), name: c.name };
      throw bad(ast, 'NO_SUCH_COLUMN', `the table has no column or method '${ast.name}'${didYouMean(ast.name, [...obj.node.columns.map((x) => x.name), ...FRAME_METHODS.split(', ')])}`, `its columns: ${obj.node.columns.map((x) => x.name).join(', ')}; methods: ${FRAME_METHODS}`);
    }
    if (obj.t === 'series' && (ast.name === 'str' || ast.name === 'dt')) {
      if (ast.name === 'str' && obj.expr.dtype !== 'string') throw bad(ast, 'ATTRIBUTE_ERROR', `Can only use .str accessor with string values, not ${obj.expr.dtype}`, 'convert first: .astype("string")');
      if (ast.name === 'dt' && obj.expr.dtype !== 'timestamp' && obj.expr.dtype !== 'timedelta') throw bad(ast, 'ATTRIBUTE_ERROR', `Can only use .dt accessor with datetimelike values, not ${obj.expr.dtype}`, 'parse the column as dates: "parse_dates": ["col"] in the dataset');
      return { t: 'accessor', kind: ast.name, series: obj };
    }
    if (obj.t === 'accessor' && obj.kind === 'dt' && DT_FIELDS.includes(ast.name)) {
      const field = ast.name === 'weekday' ? 'dayofweek' : ast.name;
      return { ...obj.series, expr: op(`dt.${field}` as OpName, [obj.series.expr]) };
    }
    if (obj.t === 'groupby') return this.groups.groupSelect(ast, obj, [ast.name], true);
    throw bad(ast, 'ATTRIBUTE_ERROR', `no attribute '${ast.name}' here`, obj.t === 'series' ? `Series methods: ${SERIES_METHODS}` : obj.t === 'accessor' ? `.dt fields: ${DT_FIELDS.join(', ')}, total_seconds()` : 'see the README for the table operations');
  }

  private index(ast: Ast & { t: 'index' }): Value {
    const obj = this.value(ast.obj);
    if (ast.items.length !== 1) throw bad(ast, 'BAD_INDEX', 'index a table with one name, a list of names or a bool Series', "for example df['a'], df[['a', 'b']] or df[df.a > 1]");
    const item = ast.items[0];
    if (obj.t === 'groupby') {
      if (item.t === 'str') return this.groups.groupSelect(ast, obj, [item.value], true);
      if (item.t === 'list' && item.items.every((x) => x.t === 'str')) return this.groups.groupSelect(ast, obj, item.items.map((x) => (x as { value: string }).value), false);
      throw bad(item, 'BAD_INDEX', 'select a group-by\'s columns by name', "for example df.groupby('a')['b'] or ['b', 'c']");
    }
    if (obj.t === 'frame') {
      if (item.t === 'str') return this.attribute({ t: 'attr', obj: ast.obj, name: item.value, start: ast.start, end: ast.end });
      if (item.t === 'list' && item.items.every((x) => x.t === 'str')) return { t: 'frame', node: project(obj.node, item.items.map((x) => (x as { value: string }).value)) };
    }
    if (obj.t === 'frame' || obj.t === 'series') {
      const mask = this.value(item);
      if (mask.t === 'series') {
        const frame = obj.t === 'frame' ? obj.node : obj.frame;
        if (mask.expr.dtype !== 'bool') throw bad(item, 'TYPE_ERROR', `a row filter must be a bool Series, not ${mask.expr.dtype}`, 'for example df[df.delay > 15]');
        if (!rowsWithin(frame, mask.frame)) throw bad(item, 'UNSUPPORTED', 'the filter is a Series of another table (or of fewer of its rows)', 'filter a table by a condition on its own columns');
        const filtered = filter(frame, mask.expr);
        return obj.t === 'frame' ? { t: 'frame', node: filtered } : { ...obj, frame: filtered };
      }
    }
    throw bad(item, 'BAD_INDEX', 'index a table with one name, a list of names or a bool Series', "for example df['a'], df[['a', 'b']] or df[df.a > 1]");
  }

  private unary(ast: Ast & { t: 'unary' }): Value {
    const v = this.value(ast.arg);
    if (v.t === 'scalar') {
      if (ast.op === '-' && (typeof v.value === 'number' || typeof v.value === 'bigint')) return { t: 'scalar', value: -v.value };
      if (ast.op === '+') return v;
    }
    if (v.t !== 'series') throw bad(ast, 'UNSUPPORTED', `unary ${ast.op} needs a Series here`, 'for example -df.a or ~(df.a > 1)');
    if (ast.op === '+') return v;
    return { ...v, expr: op(ast.op === '-' ? 'neg' : 'invert', [v.expr]) };
  }

  private binary(ast: Ast & { t: 'binary' }): Value {
    const a = this.value(ast.left), b = this.value(ast.right);
    const known = ['+', '-', '*', '/', '//', '%', '**', '==', '!=', '<', '<=', '>', '>=', '&', '|', '^'];
    if (!known.includes(ast.op)) throw bad(ast, 'UNSUPPORTED', `the operator ${ast.op} does not apply to Series`, 'Series take arithmetic, comparisons and & | ^');
    if (a.t === 'series' && b.t === 'series') {
      if (!sameRows(a.frame, b.frame)) throw bad(ast, 'UNSUPPORTED', 'these Series come from different tables (or differently filtered ones)', 'pandas would align them on the index; merge the tables first, or filter after computing');
      return { t: 'series', frame: a.frame, expr: op(ast.op as OpName, [a.expr, b.expr]), name: a.name === b.name ? a.name : null, index: a.index ?? b.index };
    }
    if (a.t === 'series' && b.t === 'scalar') return { ...a, expr: op(ast.op as OpName, [a.expr, this.operand(ast.right, b.value, a.expr.dtype)]) };
    if (a.t === 'scalar' && b.t === 'series') return { ...b, expr: op(ast.op as OpName, [this.operand(ast.left, a.value, b.expr.dtype), b.expr]) };
    throw bad(ast, 'UNSUPPORTED', `${ast.op} needs a Series on one side`, 'for example df.delay * 60 or df.a > df.b');
  }

  /** A literal next to a Series of type t. */
  private operand(ast: Ast, value: LiteralValue, t: ColumnType): ColExpr {
    const x = literalFor(value, t);
    if (!x) throw bad(ast, 'TYPE_ERROR', `${JSON.stringify(String(value))} is not a ${t} value`, t === 'timestamp' ? "write dates as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'" : 'compare with a value of the column\'s type');
    return x;
  }

  private call(ast: Ast & { t: 'call' }): Value {
    if (ast.fn.t === 'name' && ast.fn.name === 'concat') {
      const list = ast.args[0];
      if (ast.args.length !== 1 || ast.kwargs.some((k) => k.name !== 'ignore_index') || (list.t !== 'list' && list.t !== 'tuple')) {
        throw bad(ast, 'BAD_ARGUMENTS', 'concat() takes a list of tables', 'for example concat([a, b])');
      }
      return { t: 'frame', node: concat(list.items.map((x) => this.frameOf(x))) };
    }
    if (ast.fn.t !== 'attr') throw bad(ast.fn, 'UNSUPPORTED', 'only methods of tables, Series and group-bys can be called here', 'for example df.head(10) or df.groupby("a").size()');
    const target = this.value(ast.fn.obj);
    const name = ast.fn.name;
    if (target.t === 'frame') return this.frameMethod(ast, target.node, name);
    if (target.t === 'series') return this.seriesMethod(ast, target, name);
    if (target.t === 'accessor') return this.accessorMethod(ast, target, name);
    if (target.t === 'groupby') return this.groups.groupMethod(ast, target, name);
    throw bad(ast.fn, 'ATTRIBUTE_ERROR', `no method '${name}' here`, 'see the README for the table operations');
  }

  private frameMethod(ast: Ast & { t: 'call' }, node: TableNode, name: string): Value {
    switch (name) {
      case 'head': return { t: 'frame', node: head(node, this.count(ast, 'n', 5)) };
      case 'assign': {
        if (ast.args.length) throw bad(ast, 'BAD_ARGUMENTS', 'assign() takes keyword arguments', 'for example df.assign(hours=df.minutes / 60)');
        const columns = ast.kwargs.map((k) => {
          const v = this.value(k.value);
          if (v.t === 'series') {
            if (!rowsWithin(node, v.frame)) throw bad(k.value, 'UNSUPPORTED', 'the new column is a Series of another table (or of fewer of its rows)', 'compute new columns from the table\'s own columns');
            return { name: k.name, expr: v.expr };
          }
          if (v.t === 'scalar') return { name: k.name, expr: literal(v.value) };
          throw bad(k.value, 'TYPE_ERROR', 'a new column is a Series or a scalar', 'for example df.assign(hours=df.minutes / 60)');
        });
        return { t: 'frame', node: assign(node, columns) };
      }
      case 'dropna': {
        const subset = ast.kwargs.find((k) => k.name === 'subset');
        if (ast.args.length || ast.kwargs.some((k) => k.name !== 'subset')) throw bad(ast, 'UNSUPPORTED', 'dropna() takes subset= only here', "for example df.dropna(subset=['delay'])");
        const names = subset ? this.names(subset.value) : node.columns.map((c) => c.name);
        const conds = names.map((n) => {
          const c = node.columns.find((x) => x.name === n);
          if (!c) throw bad(subset!.value, 'NO_SUCH_COLUMN', `the table has no column '${n}'${didYouMean(n, node.columns.map((x) => x.name))}`, `its columns: ${node.columns.map((x) => x.name).join(', ')}`);
          return op('notna', [columnExpr(node, c.name)]);
        });
        return { t: 'frame', node: conds.length ? filter(node, conds.reduce((x, y) => op('&', [x, y]))) : node };
      }
      case 'groupby': return this.groups.groupByOf(ast, node);
      case 'tail': return { t: 'frame', node: tail(node, this.count(ast, 'n', 5)) };
      case 'sort_values': {
        const by = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'by')?.value;
        if (!by) throw bad(ast, 'BAD_ARGUMENTS', 'sort_values() takes the columns to sort by', "for example sort_values('delay', ascending=False)");
        return { t: 'frame', node: sortBy(node, this.sortKeys(ast, this.names(by), 1)) };
      }
      case 'nlargest':
      case 'nsmallest': {
        const n = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'n')?.value;
        const cols = ast.args[1] ?? ast.kwargs.find((k) => k.name === 'columns')?.value;
        if (!n || n.t !== 'num' || !cols) throw bad(ast, 'BAD_ARGUMENTS', `${name}() takes a count and the columns`, `for example ${name}(5, 'delay')`);
        const names = this.names(cols);
        return { t: 'frame', node: sortBy(node, names.map((c) => ({ name: c, ascending: name === 'nsmallest' })), n.value) };
      }
      case 'drop_duplicates': {
        const subset = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'subset')?.value;
        this.checkKeep(ast);
        return { t: 'frame', node: distinct(node, subset ? this.names(subset) : []) };
      }
      case 'merge': return { t: 'frame', node: this.merge(ast, node) };
      // Tables here have no index: their keys are columns already (as after reset_index()).
      case 'reset_index': this.noArguments(ast, 'reset_index', []); return { t: 'frame', node };
      default:
        throw bad(ast.fn, 'ATTRIBUTE_ERROR', `the table has no method '${name}'${didYouMean(name, FRAME_METHODS.split(', '))}`, `frame methods: ${FRAME_METHODS}`);
    }
  }

  private seriesMethod(ast: Ast & { t: 'call' }, s: Series, name: string): Value {
    const one = (what: string): Value => {
      if (ast.args.length !== 1 || ast.kwargs.length) throw bad(ast, 'BAD_ARGUMENTS', `${name}() takes ${what}`, `for example .${name}(0)`);
      return this.value(ast.args[0]);
    };
    const none = () => {
      if (ast.args.length || ast.kwargs.length) throw bad(ast, 'BAD_ARGUMENTS', `${name}() takes no arguments`, `for example .${name}()`);
    };
    const as = (v: Value, where: Ast): ColExpr => {
      if (v.t === 'scalar') {
        const x = literalAs(v.value, s.expr.dtype);
        if (!x) throw bad(where, 'TYPE_ERROR', `${JSON.stringify(String(v.value))} is not a ${s.expr.dtype} value`, `give a ${s.expr.dtype} value`);
        return x;
      }
      throw bad(where, 'TYPE_ERROR', 'a value is expected here', 'for example 0, 1.5 or "text"');
    };
    switch (name) {
      case 'isna': case 'isnull': none(); return { ...s, expr: op('isna', [s.expr]) };
      case 'notna': case 'notnull': none(); return { ...s, expr: op('notna', [s.expr]) };
      case 'abs': none(); return { ...s, expr: op('abs', [s.expr]) };
      case 'fillna': return { ...s, expr: op('fillna', [s.expr, as(one('a value'), ast.args[0] ?? ast)]) };
      case 'astype': {
        const v = one('a dtype');
        const arg = ast.args[0];
        const spelled = v.t === 'scalar' && typeof v.value === 'string' ? v.value : arg.t === 'name' ? arg.name : '';
        const to = dtypeNamed(spelled);
        if (!to) throw bad(arg, 'TYPE_ERROR', `data type '${spelled}' not understood`, 'use int64, float64, bool or string');
        return { ...s, expr: op('astype', [s.expr], { to }) };
      }
      case 'isin': {
        const v = one('a list of values');
        if (v.t !== 'list') throw bad(ast.args[0], 'TYPE_ERROR', 'only list-like objects are allowed to be passed to isin()', "for example .isin(['JFK', 'LGA'])");
        const values = v.items.map((x, k) => as(x, (ast.args[0] as { items: Ast[] }).items[k]));
        return { ...s, expr: values.length ? op('isin', [s.expr, ...values]) : lit(false, 'bool') };
      }
      case 'between': {
        if (ast.args.length !== 2) throw bad(ast, 'BAD_ARGUMENTS', 'between() takes the two bounds', 'for example .between(0, 10)');
        const [lo, hi] = ast.args.map((a) => this.value(a));
        const inclusive = ast.kwargs.find((k) => k.name === 'inclusive');
        const mode = inclusive ? this.value(inclusive.value) : { t: 'scalar' as const, value: 'both' };
        if (mode.t !== 'scalar' || !['both', 'neither', 'left', 'right'].includes(String(mode.value))) throw bad(inclusive!.value, 'BAD_ARGUMENTS', 'inclusive is "both", "neither", "left" or "right"', 'for example .between(0, 10, inclusive="left")');
        const m = String(mode.value);
        const lower = op(m === 'both' || m === 'left' ? '>=' : '>', [s.expr, this.bound(ast.args[0], lo, s)]);
        const upper = op(m === 'both' || m === 'right' ? '<=' : '<', [s.expr, this.bound(ast.args[1], hi, s)]);
        return { ...s, expr: op('&', [lower, upper]) };
      }
      case 'where': {
        if (ast.args.length < 1 || ast.args.length > 2 || ast.kwargs.length) throw bad(ast, 'BAD_ARGUMENTS', 'where() takes a condition and a replacement', 'for example s.where(s > 0, 0)');
        const cond = this.value(ast.args[0]);
        // The condition and a replacement Series may hold more rows (t[t.x > 0].y.where(t.y > 0)):
        // pandas aligns them to the Series' index, which here means the same expressions.
        if (cond.t !== 'series' || cond.expr.dtype !== 'bool' || !rowsWithin(s.frame, cond.frame)) throw bad(ast.args[0], 'TYPE_ERROR', 'the condition is a bool Series of the same table', 'for example s.where(s > 0, 0)');
        const other = ast.args[1] ? this.value(ast.args[1]) : { t: 'scalar' as const, value: null };
        const otherExpr = other.t === 'series' && rowsWithin(s.frame, other.frame) ? other.expr : as(other, ast.args[1] ?? ast);
        if (otherExpr.dtype !== s.expr.dtype) throw bad(ast.args[1] ?? ast, 'TYPE_ERROR', `the replacement is ${otherExpr.dtype}, the Series ${s.expr.dtype}`, 'give a replacement of the Series\' type');
        return { ...s, expr: op('where', [cond.expr, s.expr, otherExpr]) };
      }
      case 'head': return { t: 'frame', node: head(this.seriesFrame(s), this.count(ast, 'n', 5)) };
      case 'tail': return { t: 'frame', node: tail(this.seriesFrame(s), this.count(ast, 'n', 5)) };
      case 'reset_index': {
        // reset_index(name='n'): the index columns, then the values under that name.
        const named = ast.kwargs.find((k) => k.name === 'name');
        if (ast.args.length || ast.kwargs.some((k) => k.name !== 'name') || (named && named.value.t !== 'str')) throw bad(ast, 'UNSUPPORTED', 'reset_index() takes name= only here', "for example .reset_index(name='n')");
        return { t: 'frame', node: this.seriesFrame(named ? { ...s, name: (named.value as { value: string }).value } : s) };
      }
      case 'sort_values': return { t: 'frame', node: sortBy(this.seriesFrame(s), this.sortKeys(ast, [s.name ?? '0'], 0)) };
      case 'nlargest':
      case 'nsmallest': {
        const n = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'n')?.value;
        if (n && n.t !== 'num') throw bad(ast, 'BAD_ARGUMENTS', `${name}() takes a count`, `for example .${name}(5)`);
        return { t: 'frame', node: sortBy(this.seriesFrame(s), [{ name: s.name ?? '0', ascending: name === 'nsmallest' }], n && n.t === 'num' ? n.value : 5) };
      }
      case 'drop_duplicates':
        this.checkKeep(ast);
        return { t: 'frame', node: distinct(this.seriesFrame(s), []) };
      case 'value_counts': {
        this.noArguments(ast, 'value_counts', ['sort', 'dropna']);
        // pandas 2: the values (named after the Series) and their counts, most frequent first (ties in value order).
        const counted = groupBy(s.frame, [{ name: s.name ?? '0', expr: s.expr }], [{ name: 'count', fn: 'size' }]);
        return { t: 'frame', node: sortBy(counted, [{ name: 'count', ascending: false }]) };
      }
      default:
        if ((AGGS as string[]).includes(name)) throw bad(ast, 'UNSUPPORTED', `${name}() of a Series is an output by itself here`, `make it its own output: "m": "df.delay.${name}()"`);
        throw bad(ast.fn, 'ATTRIBUTE_ERROR', `a Series has no method '${name}'${didYouMean(name, SERIES_METHODS.split(', '))}`, `Series methods: ${SERIES_METHODS}`);
    }
  }

  private bound(ast: Ast, v: Value, s: Series): ColExpr {
    if (v.t === 'series' && sameRows(v.frame, s.frame)) return v.expr;
    if (v.t === 'scalar') return this.operand(ast, v.value, s.expr.dtype);
    throw bad(ast, 'TYPE_ERROR', 'a bound is a value or a Series of the same table', 'for example .between(0, 10)');
  }

  private accessorMethod(ast: Ast & { t: 'call' }, a: { kind: 'str' | 'dt'; series: Series }, name: string): Value {
    const s = a.series;
    const pattern = (): string => {
      const arg = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'pat')?.value;
      if (!arg || arg.t !== 'str') throw bad(ast, 'BAD_ARGUMENTS', `str.${name}() takes a string`, `for example .str.${name}('A')`);
      return arg.value;
    };
    if (a.kind === 'dt') {
      if (name === 'total_seconds') return { ...s, expr: op('dt.total_seconds', [s.expr]) };
      throw bad(ast.fn, 'ATTRIBUTE_ERROR', `.dt has no method '${name}'${didYouMean(name, [...DT_FIELDS, 'total_seconds'])}`, `.dt fields: ${DT_FIELDS.join(', ')}, total_seconds()`);
    }
    // na=: what a missing string gives (pandas: NaN, which a filter refuses; here null, which a filter drops).
    const na = (x: ColExpr): ColExpr => {
      const k = ast.kwargs.find((y) => y.name === 'na');
      if (!k) return x;
      if (k.value.t !== 'const' || typeof k.value.value !== 'boolean') throw bad(k.value, 'BAD_ARGUMENTS', 'na= takes True or False', "for example .str.startswith('S', na=False)");
      return op('fillna', [x, lit(k.value.value, 'bool')]);
    };
    const allowed = (names: string[]) => {
      for (const k of ast.kwargs) if (!names.includes(k.name)) throw bad(k.value, 'UNSUPPORTED', `str.${name}(${k.name}=...) is not supported`, `it takes ${names.join(', ')}`);
    };
    switch (name) {
      case 'lower': case 'upper': case 'len':
        allowed([]);
        return { ...s, expr: op(`str.${name}`, [s.expr]) };
      case 'startswith': case 'endswith':
        allowed(['pat', 'na']);
        return { ...s, expr: na(op(`str.${name}`, [s.expr], { pattern: pattern() })) };
      case 'contains': {
        allowed(['pat', 'na', 'regex']);
        const pat = pattern();
        const regex = ast.kwargs.find((k) => k.name === 'regex');
        const literalOnly = regex && regex.value.t === 'const' && regex.value.value === false;
        if (!literalOnly && /[.^$*+?()[\]{}|\\]/.test(pat)) throw bad(ast, 'UNSUPPORTED', 'regular expressions in str.contains are not supported yet', 'match the text literally with regex=False');
        return { ...s, expr: na(op('str.contains', [s.expr], { pattern: pat })) };
      }
      case 'slice': {
        const n = (x: Ast | undefined): number | null => {
          if (!x || (x.t === 'const' && x.value === null)) return null;
          const v = this.value(x);
          if (v.t === 'scalar' && (typeof v.value === 'bigint' || (typeof v.value === 'number' && Number.isInteger(v.value)))) return Number(v.value);
          throw bad(x, 'BAD_ARGUMENTS', 'slice bounds are integers', 'for example .str.slice(0, 3)');
        };
        const get = (i: number, k: string) => ast.args[i] ?? ast.kwargs.find((x) => x.name === k)?.value;
        const step = n(get(2, 'step'));
        if (step !== null && step !== 1) throw bad(ast, 'UNSUPPORTED', 'str.slice with a step is not supported', 'use .str.slice(start, stop)');
        return { ...s, expr: op('str.slice', [s.expr], { slice: [n(get(0, 'start')), n(get(1, 'stop'))] }) };
      }
      default:
        throw bad(ast.fn, 'ATTRIBUTE_ERROR', `.str has no method '${name}' here${didYouMean(name, STR_METHODS)}`, `.str methods: ${STR_METHODS.join(', ')}`);
    }
  }

  /** ascending= as one bool or a list of them, one per key (the argument at `position` when positional). */
  private sortKeys(ast: Ast & { t: 'call' }, names: string[], position: number): { name: string; ascending: boolean; nullsFirst?: boolean }[] {
    const arg = ast.kwargs.find((k) => k.name === 'ascending')?.value ?? ast.args[position];
    for (const k of ast.kwargs) {
      if (!['by', 'ascending', 'kind', 'na_position', 'ignore_index'].includes(k.name)) throw bad(k.value, 'UNSUPPORTED', `sort_values(${k.name}=...) is not supported`, 'it takes by and ascending');
      if (k.name === 'na_position' && !(k.value.t === 'str' && (k.value.value === 'last' || k.value.value === 'first'))) throw bad(k.value, 'BAD_ARGUMENTS', "na_position is 'first' or 'last'", "for example na_position='first'");
    }
    let flags: boolean[] = names.map(() => true);
    if (arg) {
      const one = (x: Ast) => {
        if (x.t === 'const' && typeof x.value === 'boolean') return x.value;
        throw bad(x, 'BAD_ARGUMENTS', 'ascending is True, False or a list of them', 'for example ascending=[True, False]');
      };
      flags = arg.t === 'list' ? arg.items.map(one) : names.map(() => one(arg));
      if (flags.length !== names.length) throw bad(arg, 'VALUE_ERROR', `Length of ascending (${flags.length}) != length of by (${names.length})`, 'give one flag per column');
    }
    const na = ast.kwargs.find((k) => k.name === 'na_position')?.value;
    const nullsFirst = na?.t === 'str' && na.value === 'first';
    return names.map((name, k) => ({ name, ascending: flags[k], ...(nullsFirst ? { nullsFirst } : {}) }));
  }

  private checkKeep(ast: Ast & { t: 'call' }): void {
    for (const k of ast.kwargs) {
      if (k.name === 'subset' || k.name === 'ignore_index') continue;
      if (k.name === 'keep' && k.value.t === 'str' && k.value.value === 'first') continue;
      throw bad(k.value, 'UNSUPPORTED', `drop_duplicates(${k.name}=...) is not supported`, "the first of each duplicate is kept (keep='first')");
    }
  }

  private noArguments(ast: Ast & { t: 'call' }, name: string, defaults: string[]): void {
    if (ast.args.length) throw bad(ast, 'BAD_ARGUMENTS', `${name}() takes no positional arguments`, `for example .${name}()`);
    for (const k of ast.kwargs) {
      const fine = defaults.includes(k.name) && k.value.t === 'const' && k.value.value === true;
      if (!fine) throw bad(k.value, 'UNSUPPORTED', `${name}(${k.name}=...) is not supported`, `${name} uses pandas' defaults`);
    }
  }

  /** left.merge(right, how=, on=, left_on=, right_on=, suffixes=). */
  private merge(ast: Ast & { t: 'call' }, left: TableNode): TableNode {
    const rightAst = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'right')?.value;
    if (!rightAst || ast.args.length > 1) throw bad(ast, 'BAD_ARGUMENTS', 'merge() takes the other table and the keys', "for example flights.merge(airports, left_on='origin', right_on='iata')");
    const right = this.frameOf(rightAst);
    const kw = (name: string) => ast.kwargs.find((k) => k.name === name)?.value;
    for (const k of ast.kwargs) if (!['right', 'how', 'on', 'left_on', 'right_on', 'suffixes'].includes(k.name)) throw bad(k.value, 'UNSUPPORTED', `merge(${k.name}=...) is not supported`, 'merge takes how, on, left_on, right_on and suffixes');
    const howAst = kw('how');
    const how = howAst ? (howAst.t === 'str' ? howAst.value : '') : 'inner';
    if (!['inner', 'left', 'right', 'outer'].includes(how)) throw bad(howAst!, 'BAD_ARGUMENTS', `how must be 'inner', 'left', 'right' or 'outer'`, "for example how='left'");
    let leftOn: string[], rightOn: string[];
    const on = kw('on');
    if (on) {
      if (kw('left_on') || kw('right_on')) throw bad(on, 'BAD_ARGUMENTS', 'give on= or left_on= and right_on=, not both', "for example on='id'");
      leftOn = rightOn = this.names(on);
    } else if (kw('left_on') && kw('right_on')) {
      leftOn = this.names(kw('left_on')!);
      rightOn = this.names(kw('right_on')!);
    } else {
      // pandas: the columns both tables have.
      leftOn = rightOn = left.columns.map((c) => c.name).filter((n) => right.columns.some((c) => c.name === n));
      if (!leftOn.length) throw bad(ast, 'BAD_ARGUMENTS', 'the tables share no column to merge on', "name the keys: left_on='a', right_on='b'");
    }
    let suffixes: [string, string] | undefined;
    const sfx = kw('suffixes');
    if (sfx) {
      if ((sfx.t !== 'tuple' && sfx.t !== 'list') || sfx.items.length !== 2 || !sfx.items.every((x) => x.t === 'str')) throw bad(sfx, 'BAD_ARGUMENTS', 'suffixes is a pair of strings', "for example suffixes=('_l', '_r')");
      suffixes = sfx.items.map((x) => (x as { value: string }).value) as [string, string];
    }
    return join(left, right, how as JoinKind, leftOn, rightOn, suffixes);
  }

  private count(ast: Ast & { t: 'call' }, kw: string, dflt: number): number {
    const arg = ast.args[0] ?? ast.kwargs.find((k) => k.name === kw)?.value;
    if (ast.args.length + ast.kwargs.length > 1 || (arg && arg.t !== 'num')) throw bad(ast, 'BAD_ARGUMENTS', 'head() takes one count of rows', 'for example head(10)');
    return arg && arg.t === 'num' ? arg.value : dflt;
  }

  private names(ast: Ast): string[] {
    if (ast.t === 'str') return [ast.value];
    if (ast.t === 'list' && ast.items.every((x) => x.t === 'str')) return ast.items.map((x) => (x as { value: string }).value);
    throw bad(ast, 'BAD_ARGUMENTS', 'give column names as a string or a list of strings', "for example subset=['a', 'b']");
  }
}

function dtypeNamed(s: string): ColumnType | null {
  switch (s) {
    case 'int64': case 'int': case 'Int64': return 'int64';
    case 'float64': case 'float': return 'float64';
    case 'bool': case 'boolean': return 'bool';
    case 'str': case 'string': case 'object': return 'string';
    default: return null;
  }
}

/**
 * The names table expressions take, for completion in the window's editor (the same lists the
 * evaluator dispatches on): methods of a frame, of a group-by, of a Series, `.str` methods and
 * `.dt` fields.
 */
export function tableVocabulary(): { frame: string[]; groupby: string[]; series: string[]; str: string[]; dt: string[] } {
  return {
    frame: FRAME_METHODS.split(', '),
    groupby: ['agg', ...GROUP_AGGS],
    series: SERIES_METHODS.split(', ').filter((m) => !m.endsWith('.*')).concat(['str', 'dt', 'isnull', 'notnull']),
    str: [...STR_METHODS],
    dt: [...DT_FIELDS, 'total_seconds'],
  };
}
