/**
 * Group-bys in pandas' words: `df.groupby(keys)` (names or Series, several), a selection of its
 * columns (`.delay`, `['a', 'b']`), and the aggregations: named (`agg(n=('delay', 'count'))`), a
 * list over one column, one per column (`.mean()`), `size()`, nunique (two group-bys merged by
 * key) and `split_out`. A group-by's size() or one aggregation of one column is a Series indexed by
 * its keys, as in pandas.
 */
import { didYouMean } from '../../lang/did-you-mean.js';
import type { Ast } from '../../lang/python-expression.js';
import { type ColExpr, lit, op } from './column-expr.js';
import { type Aggregation, columnExpr, groupBy, join, rowsWithin, select, type TableNode } from './table-node.js';
import { bad, GROUP_AGGS, type GroupAgg, type GroupBy, NUMERIC_ONLY, type Requested, type Value } from './table-values.js';

/** What the group-by evaluator needs of the table evaluator: evaluating a subexpression. */
export interface ExpressionContext {
  value(ast: Ast): Value;
}

export class GroupByEvaluator {
  constructor(private readonly ev: ExpressionContext) {}

  groupByOf(ast: Ast & { t: 'call' }, node: TableNode): GroupBy {
    const byArg = ast.args[0] ?? ast.kwargs.find((k) => k.name === 'by')?.value;
    const others = ast.kwargs.filter((k) => k.name !== 'by');
    for (const k of others) {
      const v = this.ev.value(k.value);
      const fine = (k.name === 'sort' && v.t === 'scalar' && v.value === true) || (k.name === 'dropna' && v.t === 'scalar' && v.value === true);
      if (!fine) throw bad(k.value, 'UNSUPPORTED', `groupby(${k.name}=...) is not supported`, 'groups are sorted by key and null keys dropped, as pandas does by default');
    }
    if (!byArg || ast.args.length > 1) throw bad(ast, 'BAD_ARGUMENTS', 'groupby() takes the key: a column name, a Series or a list of them', "for example df.groupby('origin') or df.groupby(['origin', df.date.dt.hour])");
    const items = byArg.t === 'list' ? byArg.items : [byArg];
    const keys = items.map((item) => {
      const v = this.ev.value(item);
      if (v.t === 'scalar' && typeof v.value === 'string') {
        const c = node.columns.find((x) => x.name === v.value);
        if (!c) throw bad(item, 'KEY_ERROR', `no column '${v.value}' to group by${didYouMean(v.value, node.columns.map((x) => x.name))}`, `its columns: ${node.columns.map((x) => x.name).join(', ')}`);
        return { name: c.name, expr: columnExpr(node, c.name) };
      }
      if (v.t === 'series') {
        if (!rowsWithin(node, v.frame)) throw bad(item, 'UNSUPPORTED', 'the key is a Series of another table (or of fewer of its rows)', 'group by the table\'s own columns or expressions of them');
        return { name: v.name ?? `key_${items.indexOf(item)}`, expr: v.expr };
      }
      throw bad(item, 'BAD_ARGUMENTS', 'a group key is a column name or a Series', "for example 'origin' or df.date.dt.hour");
    });
    return { t: 'groupby', frame: node, keys };
  }

  groupSelect(ast: Ast, g: GroupBy, names: string[], series: boolean): GroupBy {
    if (g.selected) throw bad(ast, 'BAD_INDEX', 'the group-by already has its columns selected', "select once: df.groupby('a')[['b', 'c']]");
    for (const n of names) {
      if (!g.frame.columns.some((c) => c.name === n)) throw bad(ast, 'KEY_ERROR', `Column not found: ${n}`, `its columns: ${g.frame.columns.map((c) => c.name).join(', ')}`);
    }
    return { ...g, selected: { names, series } };
  }

  /** The columns a group-by aggregates by default: the selected ones, or every column not a key by name. */
  groupColumns(g: GroupBy): { name: string; expr: ColExpr }[] {
    const keyNames = new Set(g.keys.filter((k) => k.expr.e === 'col' && k.expr.name === k.name).map((k) => k.name));
    const names = g.selected ? g.selected.names : g.frame.columns.map((c) => c.name).filter((n) => !keyNames.has(n));
    return names.map((n) => ({ name: n, expr: columnExpr(g.frame, n) }));
  }

  groupMethod(call: Ast & { t: 'call' }, g: GroupBy, name: string): Value {
    // split_out=N (dask's): the result in N partitions of hashed groups.
    const split = call.kwargs.find((k) => k.name === 'split_out');
    if (split && (split.value.t !== 'num' || !split.value.isInt)) throw bad(split.value, 'BAD_ARGUMENTS', 'split_out is a count of partitions', 'for example split_out=4');
    const splitOut = split ? (split.value as { value: number }).value : undefined;
    const ast = { ...call, kwargs: call.kwargs.filter((k) => k.name !== 'split_out') };
    let aggs: Requested[];
    if (name === 'size') {
      if (ast.args.length || ast.kwargs.length) throw bad(ast, 'BAD_ARGUMENTS', 'size() takes no arguments', 'for example df.groupby("a").size()');
      aggs = [{ name: 'size', fn: 'size' }];
    } else if ((GROUP_AGGS as string[]).includes(name)) {
      const fn = name as GroupAgg;
      this.checkAggArgs(ast, fn);
      aggs = this.groupColumns(g).filter((c) => !NUMERIC_ONLY.has(fn) || c.expr.dtype !== 'string' || this.refuseString(ast, fn, c.name))
        .map((c) => this.aggregation(ast, fn, c.name, c.expr));
    } else if (name === 'agg' || name === 'aggregate') {
      aggs = this.aggArguments(ast, g);
    } else {
      throw bad(ast.fn, 'ATTRIBUTE_ERROR', `a group-by has no method '${name}'${didYouMean(name, ['agg', ...GROUP_AGGS])}`, `group-by methods: agg, size, ${GROUP_AGGS.filter((a) => a !== 'size').join(', ')}`);
    }
    if (!aggs.length) throw bad(ast, 'BAD_ARGUMENTS', 'nothing to aggregate', 'the group-by has no columns besides its keys');
    if (splitOut !== undefined && aggs.some((a) => a.fn === 'nunique')) throw bad(split!.value, 'UNSUPPORTED', 'split_out with nunique is not supported yet', 'leave split_out out');
    const node = this.aggregate(g, aggs, splitOut);
    // pandas gives a Series (indexed by the keys) for size(), and for one aggregation of one
    // selected column (df.groupby('a').b.mean(), .b.agg('mean')): sort_values, nlargest... apply.
    const oneValue = aggs.length === 1 && (name === 'size' || (g.selected?.series && (name !== 'agg' && name !== 'aggregate' ? true : ast.args[0]?.t === 'str')));
    if (!oneValue) return { t: 'frame', node };
    const value = aggs[0].name;
    return { t: 'series', frame: node, expr: columnExpr(node, value), name: value, index: g.keys.map((k) => ({ name: k.name, expr: columnExpr(node, k.name) })) };
  }

  /**
   * The group-by's table. nunique has no partial state of a fixed size, so it is planned as two
   * group-bys (the distinct (keys, value) pairs, then their count per key) merged onto the
   * others' result by key; a group whose values are all null counts 0, as pandas does.
   */
  aggregate(g: GroupBy, requested: Requested[], splitOut?: number): TableNode {
    const plain = requested.filter((a) => a.fn !== 'nunique') as Aggregation[];
    const distinctCounts = requested.filter((a) => a.fn === 'nunique');
    if (!distinctCounts.length) return groupBy(g.frame, g.keys, plain, splitOut);
    const keyNames = g.keys.map((k) => k.name);
    let result = groupBy(g.frame, g.keys, plain.length ? plain : [{ name: '__rows', fn: 'size' }]);
    for (const d of distinctCounts) {
      const pairs = groupBy(g.frame, [...g.keys, { name: '__value', expr: d.expr! }], [{ name: '__n', fn: 'size' }]);
      const counted = groupBy(pairs, keyNames.map((n) => ({ name: n, expr: columnExpr(pairs, n) })), [{ name: d.name, fn: 'size' }]);
      result = join(result, counted, 'left', keyNames, keyNames);
    }
    const out = result;
    return select(out, [
      ...keyNames.map((n) => ({ name: n, expr: columnExpr(out, n) })),
      ...requested.map((a) => ({ name: a.name, expr: a.fn === 'nunique' ? op('fillna', [columnExpr(out, a.name), lit(0n, 'int64')]) : columnExpr(out, a.name) })),
    ]);
  }

  refuseString(ast: Ast, fn: GroupAgg, name: string): never {
    throw bad(ast, 'TYPE_ERROR', `cannot take the ${fn} of the string column '${name}'`, `select the numeric columns first: .groupby(...)[['a', 'b']].${fn}()`);
  }

  checkAggArgs(ast: Ast & { t: 'call' }, fn: GroupAgg): void {
    for (const k of ast.kwargs) {
      const v = this.ev.value(k.value);
      const fine = (k.name === 'ddof' && (fn === 'std' || fn === 'var') && v.t === 'scalar' && Number(v.value) === 1)
        || (k.name === 'dropna' && fn === 'nunique' && v.t === 'scalar' && v.value === true)
        || ((k.name === 'skipna' || k.name === 'numeric_only') && v.t === 'scalar' && v.value === (k.name === 'skipna'));
      if (!fine) throw bad(k.value, 'UNSUPPORTED', `${fn}(${k.name}=...) is not supported`, 'aggregations skip nulls, and std/var use ddof=1, as pandas does by default');
    }
    if (ast.args.length) throw bad(ast, 'BAD_ARGUMENTS', `${fn}() takes no positional arguments here`, `for example .${fn}()`);
  }

  aggregation(ast: Ast, fn: GroupAgg, name: string, expr: ColExpr): Requested {
    if (NUMERIC_ONLY.has(fn) && !(expr.dtype === 'int64' || expr.dtype === 'float64' || expr.dtype === 'bool')) {
      throw bad(ast, 'TYPE_ERROR', `cannot take the ${fn} of ${expr.dtype} values ('${name}')`, `${fn} takes numbers; min, max, first, last and count take any column`);
    }
    return fn === 'size' ? { name, fn } : { name, fn, expr };
  }

  /** agg(n=('delay', 'count')), agg({'delay': 'mean'}), agg('mean'), agg(['mean', 'count']) on a selected column. */
  aggArguments(ast: Ast & { t: 'call' }, g: GroupBy): Requested[] {
    const fnName = (x: Ast): GroupAgg => {
      if (x.t === 'str' && (GROUP_AGGS as string[]).includes(x.value)) return x.value as GroupAgg;
      throw bad(x, 'BAD_ARGUMENTS', `unknown aggregation ${x.t === 'str' ? `'${x.value}'` : ''}`.trim(), `aggregations: ${GROUP_AGGS.join(', ')}`);
    };
    const column = (x: Ast) => {
      if (x.t !== 'str') throw bad(x, 'BAD_ARGUMENTS', 'name the aggregated column as a string', "for example n=('delay', 'count')");
      const c = g.frame.columns.find((y) => y.name === x.value);
      if (!c) throw bad(x, 'KEY_ERROR', `Column not found: ${x.value}`, `its columns: ${g.frame.columns.map((y) => y.name).join(', ')}`);
      return columnExpr(g.frame, c.name);
    };
    if (ast.kwargs.length) {
      if (ast.args.length) throw bad(ast, 'BAD_ARGUMENTS', 'agg() takes named aggregations or one positional argument, not both', "for example agg(n=('delay', 'count'))");
      return ast.kwargs.map((k) => {
        if (k.value.t === 'tuple' && k.value.items.length === 2) {
          const fn = fnName(k.value.items[1]);
          return this.aggregation(k.value, fn, k.name, column(k.value.items[0]));
        }
        if (g.selected?.series && k.value.t === 'str') {
          const c = this.groupColumns(g)[0];
          return this.aggregation(k.value, fnName(k.value), k.name, c.expr);
        }
        throw bad(k.value, 'BAD_ARGUMENTS', 'a named aggregation is (column, function)', "for example agg(n=('delay', 'count'), mean_delay=('delay', 'mean'))");
      });
    }
    if (ast.args.length !== 1) throw bad(ast, 'BAD_ARGUMENTS', 'agg() takes what to aggregate', "for example agg(n=('delay', 'count')) or agg({'delay': 'mean'})");
    const arg = ast.args[0];
    if (arg.t === 'str' || arg.t === 'list') {
      const fns = arg.t === 'str' ? [fnName(arg)] : arg.items.map(fnName);
      const columns = this.groupColumns(g);
      if (arg.t === 'list' && !(g.selected?.series)) throw bad(arg, 'UNSUPPORTED', 'a list of aggregations applies to one selected column here', "for example df.groupby('a').delay.agg(['mean', 'count'])");
      if (arg.t === 'list') return fns.map((fn) => this.aggregation(arg, fn, fn, columns[0].expr));
      return columns.map((c) => this.aggregation(arg, fns[0], c.name, c.expr));
    }
    if (arg.t === 'dict') return this.aggDict(arg, g, fnName);
    if (arg.t === 'call' || arg.t === 'name') throw bad(arg, 'UNSUPPORTED', 'aggregations are named by string here', `aggregations: ${GROUP_AGGS.join(', ')}`);
    throw bad(arg, 'BAD_ARGUMENTS', 'agg() takes a function name, a list of them, a dict or named aggregations', "for example agg({'delay': 'mean'}) or agg(n=('delay', 'count'))");
  }

  /**
   * agg({'delay': 'mean', 'distance': 'max'}): one result column per key, named by it, in the
   * dict's order (a key written twice keeps its first place and its last function, as a Python
   * dict does). A list of functions for a column makes MultiIndex columns in pandas, which tables
   * do not have: refused with the named form that says the same.
   */
  private aggDict(arg: Ast & { t: 'dict' }, g: GroupBy, fnName: (x: Ast) => GroupAgg): Requested[] {
    if (g.selected?.series) throw bad(arg, 'BAD_ARGUMENTS', 'nested renamer is not supported (a dict of aggregations on one selected column)', "name the results: .delay.agg(m='mean'), or give the dict to the group-by: df.groupby('a').agg({'delay': 'mean'})");
    if (!arg.keys.length) throw bad(arg, 'BAD_ARGUMENTS', 'No objects to concatenate (agg() got an empty dict)', "name a column and its function: agg({'delay': 'mean'})");
    const columns = this.groupColumns(g);
    const chosen = new Map<string, Ast>();
    arg.keys.forEach((k, i) => {
      if (k.t !== 'str') throw bad(k, 'BAD_ARGUMENTS', 'a dict of aggregations maps column names to functions', "for example agg({'delay': 'mean'})");
      if (!columns.some((c) => c.name === k.value)) {
        const isKey = g.keys.some((x) => x.name === k.value);
        throw bad(k, 'KEY_ERROR', isKey ? `'${k.value}' is a group key, not a column to aggregate` : `Column(s) ['${k.value}'] do not exist`,
          `aggregate one of: ${columns.map((c) => c.name).join(', ')}`);
      }
      chosen.set(k.value, arg.values[i]);
    });
    return [...chosen].map(([name, fn]) => {
      if (fn.t === 'list' || fn.t === 'tuple') {
        throw bad(fn, 'UNSUPPORTED', `several functions for '${name}' make MultiIndex columns in pandas, which a table does not have`,
          `name each result: agg(${name}_mean=('${name}', 'mean'), ${name}_max=('${name}', 'max'))`);
      }
      return this.aggregation(fn, fnName(fn), name, columns.find((c) => c.name === name)!.expr);
    });
  }
}
