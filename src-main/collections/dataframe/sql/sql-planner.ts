/**
 * A SELECT statement as a table plan (table-node.ts): the same plan the pandas-style expressions
 * make, so column pruning, filter pushdown into the readers, the fused per-partition programs and
 * the group-by combine tree serve SQL too. SQL is a front end here, not a second engine.
 *
 * A query is planned in SQL's logical order: WITH, FROM (tables, files, subqueries, joins), WHERE
 * (`x IN (SELECT ...)` as a join with the subquery's distinct values), GROUP BY and the aggregates
 * (one group-by: null keys are a group, an aggregate without GROUP BY is one row even over no
 * rows, a SUM of no value is NULL; COUNT(DISTINCT) as a second group-by joined back), HAVING, the
 * SELECT list, DISTINCT, ORDER BY (by output name, position or any expression of the query;
 * NULLS LAST unless asked, as DuckDB), LIMIT; UNION ALL concatenates. Row order is only what
 * ORDER BY fixes.
 */
import { didYouMean } from '../../../lang/did-you-mean.js';
import { type ColExpr, lit, op } from '../column-expr.js';
import type { AggName } from '../kinds/index.js';
import {
  type Aggregation, columnExpr, concat, distinct, filter, groupBy, head, join, type JoinKind, planKey, select, slice, sortBy, type TableNode,
} from '../table-node.js';
import { AGGREGATES, functionName, type Grouped, isAggregateCall, locationOf, SqlExpressions } from './sql-expressions.js';
import { type Field, refParts, type Relation, relationOf, resolveField } from './sql-scope.js';
import { SqlWindows } from './sql-windows.js';
import { type PgNode, sqlError } from './sql-text.js';

/** A file named in FROM: `'x.csv'`, `"data/*.parquet"`, `read_csv('x.csv')`, `read_parquet('x')`. */
export interface SqlFileRef {
  path: string;
  format: 'csv' | 'parquet';
  /** Where the query names it. */
  at: number;
}

const AGG_FN: Record<string, AggName> = { count: 'count', sum: 'sum', avg: 'mean', mean: 'mean', min: 'min', max: 'max', stddev: 'std', stddev_samp: 'std', variance: 'var', var_samp: 'var' };
const FILE_FUNCTIONS: Record<string, 'csv' | 'parquet'> = { read_csv: 'csv', read_csv_auto: 'csv', read_parquet: 'parquet', parquet_scan: 'parquet' };
const JOINS: Record<string, JoinKind> = { JOIN_INNER: 'inner', JOIN_LEFT: 'left', JOIN_RIGHT: 'right', JOIN_FULL: 'outer' };

/** Does a table name look like a file (DuckDB's replacement scan: a path, a pattern or an extension)? */
export function looksLikeFile(name: string): boolean {
  return /[/\\*]|\.(csv|tsv|txt|parquet)(\.gz)?$/i.test(name);
}

/** The format of a file named in FROM by itself, from its extension. */
function formatOf(path: string): 'csv' | 'parquet' | null {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(csv|tsv|txt)(\.gz)?$/i.test(path)) return 'csv';
  return null;
}

/** Every file a query names in FROM (to be opened before it is planned). */
export function sqlFileRefs(stmt: PgNode, text: string): SqlFileRef[] {
  const out: SqlFileRef[] = [];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(visit); return; }
    const o = n as PgNode;
    if (o.RangeVar && !o.RangeVar.schemaname && looksLikeFile(o.RangeVar.relname)) {
      const path = o.RangeVar.relname as string;
      const format = formatOf(path);
      if (!format) throw sqlError('SQL_UNKNOWN_TABLE', text, o.RangeVar.location, o.RangeVar.location + path.length + 2, `cannot tell the format of '${path}' from its name`, `name it with read_csv('${path}') or read_parquet('${path}')`);
      out.push({ path, format, at: o.RangeVar.location });
    }
    if (o.RangeFunction) {
      const call = o.RangeFunction.functions?.[0]?.List?.items?.[0]?.FuncCall;
      const format = call && FILE_FUNCTIONS[functionName(call)];
      if (format) {
        const arg = call.args?.[0]?.A_Const?.sval?.sval;
        if (typeof arg !== 'string' || call.args.length !== 1) throw sqlError('SQL_UNSUPPORTED', text, call.location, call.location + 1, `${functionName(call)}() takes one file name or pattern here`, `for example ${functionName(call)}('data/*.${format}')`);
        out.push({ path: arg, format, at: call.location });
      }
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(stmt);
  return out;
}

export const fileKey = (f: { path: string; format: string }) => `${f.format}:${f.path}`;

/** The tables a query can name: the job's, earlier outputs', and the files it names (opened by the caller). */
export interface SqlTables {
  tables: ReadonlyMap<string, TableNode>;
  files: ReadonlyMap<string, TableNode>;
}

export class SqlPlanner {
  private hidden = 0;

  constructor(private readonly text: string, private readonly sources: SqlTables) {}

  /** The query's result: its columns named as the query names them. */
  plan(stmt: PgNode): TableNode {
    return this.query(stmt, new Map()).node;
  }

  private error(n: PgNode | number, code: string, message: string, hint = '') {
    const at = typeof n === 'number' ? n : locationOf(n);
    return sqlError(code, this.text, at, at + 1, message, hint);
  }

  /** Where a keyword first appears in the query (for errors about constructs the tree gives no place for). */
  private word(re: RegExp): number {
    return Math.max(0, this.text.search(re));
  }

  private fresh(prefix: string): string {
    return `__${prefix}${this.hidden++}`;
  }

  /** A SELECT (or a UNION of them) with the CTEs in scope. */
  private query(s: PgNode, ctes: ReadonlyMap<string, TableNode>): Relation {
    const scope = new Map(ctes);
    for (const c of (s.withClause?.ctes ?? []) as PgNode[]) {
      const cte = c.CommonTableExpr;
      if (s.withClause.recursive) throw this.error(cte.location, 'SQL_UNSUPPORTED', 'WITH RECURSIVE is not supported');
      let node = this.query(cte.ctequery.SelectStmt, scope).node;
      if (cte.aliascolnames) node = this.renamed(node, (cte.aliascolnames as PgNode[]).map((a) => a.String.sval), cte.location);
      scope.set(cte.ctename, node);
    }
    if (s.op && s.op !== 'SETOP_NONE') return this.setOperation(s, scope);
    if (s.valuesLists) throw this.error(locationOf(s.valuesLists[0][0]), 'SQL_UNSUPPORTED', 'VALUES lists are not supported', 'read the values from a file');
    if (!s.fromClause?.length) throw this.error(0, 'SQL_UNSUPPORTED', 'a query without FROM is not supported', 'select from a table of the job or a file');
    if (s.fromClause.length > 1) throw this.error(locationOf(s.fromClause[1]), 'SQL_UNSUPPORTED', 'a comma between tables (a cross join) is not supported', 'join them: FROM a JOIN b ON a.k = b.k');
    if (s.windowClause?.length) throw this.error(s.windowClause[0].WindowDef?.location ?? 0, 'SQL_UNSUPPORTED', 'named windows (WINDOW w AS ...) are not supported', 'write the window in the call: OVER (PARTITION BY ... ORDER BY ...)');
    let rel = this.from(s.fromClause[0], scope);
    if (s.whereClause) rel = this.where(rel, s.whereClause, scope);
    return this.finish(s, rel);
  }

  /** The rows of a FROM item. */
  private from(n: PgNode, ctes: ReadonlyMap<string, TableNode>): Relation {
    if (n.RangeVar) {
      const r = n.RangeVar;
      const name = r.relname as string;
      const alias = r.alias?.aliasname ?? (looksLikeFile(name) ? fileStem(name) : name);
      const node = this.table(name, r.location, ctes);
      return this.aliased(relationOf(node, alias), r.alias, r.location);
    }
    if (n.RangeFunction) {
      const call = n.RangeFunction.functions?.[0]?.List?.items?.[0]?.FuncCall;
      const fn = call ? functionName(call) : '?';
      const format = FILE_FUNCTIONS[fn];
      if (!format) throw this.error(call ?? 0, 'SQL_UNSUPPORTED', `the table function ${fn}() is not supported`, 'read files with read_csv(...) or read_parquet(...)');
      const path = call.args[0].A_Const.sval.sval as string;
      const node = this.sources.files.get(fileKey({ path, format }))!;
      return this.aliased(relationOf(node, n.RangeFunction.alias?.aliasname ?? fileStem(path)), n.RangeFunction.alias, call.location);
    }
    if (n.RangeSubselect) {
      if (n.RangeSubselect.lateral) throw this.error(this.word(/\blateral\b/i), 'SQL_UNSUPPORTED', 'LATERAL subqueries are not supported');
      const inner = this.query(n.RangeSubselect.subquery.SelectStmt, ctes);
      return this.aliased(relationOf(inner.node, n.RangeSubselect.alias?.aliasname ?? null), n.RangeSubselect.alias, locationOf(n.RangeSubselect.subquery));
    }
    if (n.JoinExpr) return this.joined(n.JoinExpr, ctes);
    throw this.error(n, 'SQL_UNSUPPORTED', `this kind of FROM item (${Object.keys(n)[0]}) is not supported`);
  }

  /** A table by name: a CTE, a table of the job (or an earlier output), or a file named in FROM. */
  private table(name: string, at: number, ctes: ReadonlyMap<string, TableNode>): TableNode {
    const byName = (m: ReadonlyMap<string, TableNode>) => m.get(name) ?? [...m].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const found = byName(ctes) ?? byName(this.sources.tables);
    if (found) return found;
    if (looksLikeFile(name)) {
      const format = formatOf(name)!;
      return this.sources.files.get(fileKey({ path: name, format }))!;
    }
    const names = [...ctes.keys(), ...this.sources.tables.keys()];
    throw sqlError('SQL_UNKNOWN_TABLE', this.text, at, at + name.length, `no table named '${name}'${didYouMean(name, names)}`,
      `its tables: ${names.join(', ') || 'none'}; a file is named in quotes: FROM 'data/*.csv'`);
  }

  /** A relation under its alias, its columns renamed when the alias lists names: `t(a, b)`. */
  private aliased(rel: Relation, alias: PgNode | undefined, at: number): Relation {
    if (!alias?.colnames) return rel;
    const names = (alias.colnames as PgNode[]).map((c) => c.String.sval as string);
    const node = this.renamed(rel.node, names, at);
    return relationOf(node, alias.aliasname);
  }

  /** The first columns of a table under new names (`WITH t(a, b) AS ...`). */
  private renamed(node: TableNode, names: string[], at: number): TableNode {
    if (names.length > node.columns.length) throw this.error(at, 'SQL_BAD_ARGUMENTS', `${names.length} column names for a table of ${node.columns.length} columns`);
    return select(node, node.columns.map((c, k) => ({ name: names[k] ?? c.name, expr: columnExpr(node, c.name) })));
  }

  private joined(j: PgNode, ctes: ReadonlyMap<string, TableNode>): Relation {
    const how = JOINS[j.jointype];
    if (!how) throw this.error(locationOf(j.rarg), 'SQL_UNSUPPORTED', `this kind of join (${j.jointype}) is not supported`, 'use [INNER | LEFT | RIGHT | FULL] JOIN ... ON');
    if (j.isNatural) throw this.error(this.word(/\bnatural\b/i), 'SQL_UNSUPPORTED', 'NATURAL JOIN is not supported', 'name the keys: JOIN ... USING (k) or ON a.k = b.k');
    const left = this.from(j.larg, ctes);
    let right = this.from(j.rarg, ctes);
    // The plan's column names stay unique: the right side's colliding names get a suffix.
    const taken = new Set(left.node.columns.map((c) => c.name));
    const renames = right.node.columns.map((c) => {
      let name = c.name;
      for (let k = 1; taken.has(name); k++) name = `${c.name}_${k}`;
      taken.add(name);
      return name;
    });
    if (renames.some((n, k) => n !== right.node.columns[k].name)) {
      const node = select(right.node, right.node.columns.map((c, k) => ({ name: renames[k], expr: columnExpr(right.node, c.name) })));
      right = { node, fields: right.fields.map((f) => ({ ...f, column: renames[right.node.columns.findIndex((c) => c.name === f.column)] })) };
    }
    const both: Relation = { node: left.node, fields: [...left.fields, ...right.fields] };
    const pairs: [Field, Field][] = [];
    const extra: PgNode[] = [];
    if (j.usingClause) {
      for (const u of j.usingClause as PgNode[]) {
        const name = u.String.sval as string;
        pairs.push([resolveField(left, [name], this.text, 0), resolveField(right, [name], this.text, 0)]);
      }
      if (how === 'outer') throw this.error(this.word(/\busing\b/i), 'SQL_UNSUPPORTED', 'FULL JOIN ... USING is not supported', 'write FULL JOIN ... ON a.k = b.k and COALESCE the keys');
    } else if (j.quals) {
      for (const term of conjuncts(j.quals)) {
        const pair = this.keyPair(term, left, right);
        if (pair) pairs.push(pair);
        else extra.push(term);
      }
    }
    if (!pairs.length) throw this.error(j.quals ?? 0, 'SQL_UNSUPPORTED', 'a join needs at least one equality between the two sides (a.k = b.k)', 'cross joins and joins on other conditions are not supported');
    if (extra.length && how !== 'inner') throw this.error(extra[0], 'SQL_UNSUPPORTED', `an outer join's ON takes only equalities between the two sides`, 'filter a side in a subquery first');
    for (const [l, r] of pairs) {
      const a = left.node.columns.find((c) => c.name === l.column)!.dtype, b = right.node.columns.find((c) => c.name === r.column)!.dtype;
      if (a !== b) throw this.error(j.quals ?? 0, 'SQL_TYPE', `the join keys ${l.qualifier}.${l.name} (${a}) and ${r.qualifier}.${r.name} (${b}) have different types`, 'CAST one side in a subquery');
    }
    // SQL never matches a NULL key (pandas' merge does): an inner side drops them first.
    const present = (rel: Relation, side: Field[]) => filterRows(rel.node, side.map((f) => op('notna', [columnExpr(rel.node, f.column)])));
    const l = how === 'inner' || how === 'right' ? present(left, pairs.map((p) => p[0])) : left.node;
    const r = how === 'inner' || how === 'left' ? present(right, pairs.map((p) => p[1])) : right.node;
    let node: TableNode;
    if (how === 'outer') node = this.fullJoin(left.node, right.node, pairs);
    else node = join(l, r, how, pairs.map((p) => p[0].column), pairs.map((p) => p[1].column));
    // USING's key shows once: the side whose rows all appear (the left, or the right of a RIGHT JOIN).
    // `*` lists USING's keys first, as SQL does, then the other columns of each side.
    const hiddenSide = how === 'right' ? 0 : 1;
    let fields = both.fields;
    if (j.usingClause) {
      const keys = pairs.map((p) => p[1 - hiddenSide]);
      const hidden = pairs.map((p) => ({ ...p[hiddenSide], hidden: true }));
      fields = [...keys, ...both.fields.filter((f) => !pairs.some((p) => p[0] === f || p[1] === f)), ...hidden];
    }
    let rel: Relation = { node, fields };
    if (j.alias) rel = relationOf(node, j.alias.aliasname);
    for (const term of extra) rel = { ...rel, node: filter(rel.node, new SqlExpressions(this.text, rel).truth(term)) };
    return rel;
  }

  /**
   * FULL JOIN: pandas' outer merge of the rows whose keys are all present, then each side's rows
   * with a NULL key, unmatched (SQL never matches them), the other side's columns NULL.
   */
  private fullJoin(left: TableNode, right: TableNode, pairs: [Field, Field][]): TableNode {
    const keyed = (t: TableNode, side: 0 | 1) => pairs.map((p) => columnExpr(t, p[side].column));
    const matched = join(filterRows(left, keyed(left, 0).map((x) => op('notna', [x]))), filterRows(right, keyed(right, 1).map((x) => op('notna', [x]))), 'outer',
      pairs.map((p) => p[0].column), pairs.map((p) => p[1].column));
    const anyNull = (t: TableNode, side: 0 | 1) => keyed(t, side).map((x) => op('isna', [x])).reduce((a, b) => op('|', [a, b]));
    const padded = (t: TableNode, side: 0 | 1) => {
      const rows = filter(t, anyNull(t, side));
      return select(rows, matched.columns.map((c) => ({ name: c.name, expr: t.columns.some((x) => x.name === c.name) ? columnExpr(rows, c.name) : lit(null, c.dtype) })));
    };
    return concat([matched, padded(left, 0), padded(right, 1)]);
  }

  /** `l.x = r.y` between the two sides (either way round), or null for another condition. */
  private keyPair(term: PgNode, left: Relation, right: Relation): [Field, Field] | null {
    const e = term.A_Expr;
    if (!e || e.kind !== 'AEXPR_OP' || e.name?.[0]?.String?.sval !== '=' || !e.lexpr?.ColumnRef || !e.rexpr?.ColumnRef) return null;
    const side = (ref: PgNode, rel: Relation) => {
      try { return resolveField(rel, refParts(ref.ColumnRef).parts, this.text, ref.ColumnRef.location); } catch { return null; }
    };
    const a = side(e.lexpr, left), b = side(e.rexpr, right);
    if (a && b) return [a, b];
    const c = side(e.rexpr, left), d = side(e.lexpr, right);
    return c && d ? [c, d] : null;
  }

  /** WHERE: `x IN (SELECT ...)` terms as joins, the rest one filter. */
  private where(rel: Relation, w: PgNode, ctes: ReadonlyMap<string, TableNode>): Relation {
    let node = rel.node;
    const rest: PgNode[] = [];
    for (const term of conjuncts(w)) {
      const sub = term.SubLink;
      if (sub && sub.subLinkType === 'ANY_SUBLINK' && sub.testexpr?.ColumnRef && (!sub.operName || sub.operName[0]?.String?.sval === '=')) {
        const f = resolveField(rel, refParts(sub.testexpr.ColumnRef).parts, this.text, sub.testexpr.ColumnRef.location);
        const inner = this.query(sub.subselect.SelectStmt, ctes).node;
        if (inner.columns.length !== 1) throw this.error(term, 'SQL_BAD_ARGUMENTS', `the subquery of IN returns ${inner.columns.length} columns, not 1`);
        const key = this.fresh('in');
        const values = select(inner, [{ name: key, expr: columnExpr(inner, inner.columns[0].name) }]);
        const distinctValues = distinct(filter(values, op('notna', [columnExpr(values, key)])), []);
        const mine = node.columns.find((c) => c.name === f.column)!.dtype;
        if (mine !== values.columns[0].dtype) throw this.error(term, 'SQL_TYPE', `IN compares ${f.name} (${mine}) with a subquery of ${values.columns[0].dtype}`, 'CAST one of them');
        const joined = join(node, distinctValues, 'inner', [f.column], [key]);
        node = select(joined, node.columns.map((c) => ({ name: c.name, expr: columnExpr(joined, c.name) })));
        continue;
      }
      if (sub) throw this.error(term, 'SQL_UNSUPPORTED', 'this subquery is not supported: only `column IN (SELECT ...)` as a WHERE condition', 'join the subquery instead');
      rest.push(term);
    }
    const current: Relation = { node, fields: rel.fields };
    const ex = new SqlExpressions(this.text, current);
    const preds = rest.map((t) => ex.truth(t));
    return { node: preds.length ? filterRows(node, preds) : node, fields: rel.fields };
  }

  /** GROUP BY, HAVING, SELECT, DISTINCT, ORDER BY and LIMIT over the rows of FROM and WHERE. */
  private finish(s: PgNode, rel: Relation): Relation {
    const targets = (s.targetList ?? []) as PgNode[];
    const sorts = (s.sortClause ?? []) as PgNode[];
    const aggregates = collectAggregates([...targets.map((t) => t.ResTarget.val), s.havingClause, ...sorts.map((x) => x.SortBy.node)], this.text);
    const grouped = s.groupClause?.length || aggregates.length ? this.grouping(s, rel, aggregates) : null;
    let source = grouped ? grouped.node : rel.node;
    const windows = new SqlWindows(this.text, () => this.fresh('w'));
    const ex: SqlExpressions = new SqlExpressions(this.text, rel, grouped?.grouped, (call): ColExpr => windows.column(call, ex));
    if (s.havingClause) {
      if (!grouped) throw this.error(s.havingClause, 'SQL_UNSUPPORTED', 'HAVING needs a GROUP BY or an aggregate');
      // (no window functions here: they are computed after HAVING)
      source = filter(source, new SqlExpressions(this.text, rel, grouped.grouped).truth(s.havingClause));
    }
    // The SELECT list (`*` expanded): an item's alias, else a column's name, a function's name or col<k>; duplicates suffixed.
    const outputs: { name: string; expr: ColExpr; node?: PgNode }[] = [];
    for (const t of targets) {
      const r = t.ResTarget;
      const star = r.val?.ColumnRef && refParts(r.val.ColumnRef);
      if (star && star.star) {
        if (grouped) throw this.error(r.val, 'SQL_UNSUPPORTED', 'SELECT * with GROUP BY is not supported', 'name the keys and aggregates');
        const q = star.parts[0];
        const fields = rel.fields.filter((f) => !f.hidden && (q === undefined || f.qualifier?.toLowerCase() === q.toLowerCase()));
        if (!fields.length) throw this.error(r.val, 'SQL_UNKNOWN_TABLE', `no table named '${q}' in this query's FROM`);
        for (const f of fields) outputs.push({ name: f.name, expr: columnExpr(rel.node, f.column) });
        continue;
      }
      outputs.push({ name: r.name ?? this.derivedName(r.val, outputs.length), expr: ex.value(r.val), node: r.val });
    }
    const used = new Set<string>();
    for (const o of outputs) {
      let name = o.name;
      for (let k = 1; used.has(name); k++) name = `${o.name}_${k}`;
      used.add(name);
      o.name = name;
    }
    // ORDER BY: an output by name or position, else an expression of the query computed beside the outputs.
    const hidden: { name: string; expr: ColExpr }[] = [];
    const by = sorts.map((x) => {
      const sb = x.SortBy;
      if (sb.useOp) throw this.error(sb.node, 'SQL_UNSUPPORTED', 'ORDER BY ... USING is not supported');
      const ascending = sb.sortby_dir !== 'SORTBY_DESC';
      const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST';
      const n = sb.node;
      let name: string | undefined;
      const k = positionOf(n);
      if (k !== null) {
        if (k < 1 || k > outputs.length) throw this.error(n, 'SQL_BAD_ARGUMENTS', `ORDER BY position ${k} is not in the select list (1 to ${outputs.length})`);
        name = outputs[k - 1].name;
      } else if (n.ColumnRef && refParts(n.ColumnRef).parts.length === 1) {
        const ref = refParts(n.ColumnRef).parts[0];
        name = outputs.find((o) => o.name === ref)?.name ?? outputs.find((o) => o.name.toLowerCase() === ref.toLowerCase())?.name;
      }
      if (!name) {
        const expr = ex.value(n);
        name = outputs.find((o) => planKey(o.expr) === planKey(expr))?.name;
        if (!name) {
          if (s.distinctClause) throw this.error(n, 'SQL_BAD_ARGUMENTS', 'with SELECT DISTINCT, ORDER BY expressions must appear in the select list');
          name = this.fresh('order');
          hidden.push({ name, expr });
        }
      }
      return { name, ascending, nullsFirst };
    });
    const columns = [...outputs.map((o) => ({ name: o.name, expr: o.expr })), ...hidden];
    if (windows.calls.length) source = windows.plan(source, columns.map((c) => c.expr));
    let node = select(source, columns);
    if (s.distinctClause) {
      if (s.distinctClause.some((d: PgNode) => Object.keys(d).length)) throw this.error(this.word(/\bdistinct\s+on\b/i), 'SQL_UNSUPPORTED', 'DISTINCT ON is not supported', 'use GROUP BY');
      node = distinct(node, []);
    }
    node = this.limited(s, node, by);
    if (hidden.length) node = select(node, outputs.map((o) => ({ name: o.name, expr: columnExpr(node, o.name) })));
    return relationOf(node, null);
  }

  /** ORDER BY, LIMIT and OFFSET (the sort keeps only the rows up to the end of the limit). */
  private limited(s: PgNode, node: TableNode, by: { name: string; ascending: boolean; nullsFirst: boolean }[]): TableNode {
    const count = (n: PgNode | undefined, what: string): number | undefined => {
      if (!n || n.A_Const?.isnull) return undefined;
      const k = positionOf(n);
      if (k === null || k < 0) throw this.error(n, 'SQL_BAD_ARGUMENTS', `${what} takes a count of rows (a non-negative integer constant)`);
      return k;
    };
    const limit = count(s.limitCount, 'LIMIT');
    const offset = count(s.limitOffset, 'OFFSET') ?? 0;
    if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw this.error(this.word(/\bwith\s+ties\b/i), 'SQL_UNSUPPORTED', 'FETCH ... WITH TIES is not supported');
    const end = limit === undefined ? undefined : offset + limit;
    let out = by.length ? sortBy(node, by, end) : end === undefined || offset ? node : head(node, end);
    if (offset) out = slice(out, offset, limit);
    return out;
  }

  /** The group-by of a grouped query, and how its expressions read it. */
  private grouping(s: PgNode, rel: Relation, aggregates: PgNode[]): { node: TableNode; grouped: Grouped } {
    const input = new SqlExpressions(this.text, rel);
    const targets = (s.targetList ?? []) as PgNode[];
    const keyNodes = ((s.groupClause ?? []) as PgNode[]).map((g) => {
      if (g.GroupingSet) throw this.error(g.GroupingSet.location ?? 0, 'SQL_UNSUPPORTED', 'GROUPING SETS, ROLLUP and CUBE are not supported');
      const k = positionOf(g);
      if (k !== null) {
        if (k < 1 || k > targets.length) throw this.error(g, 'SQL_BAD_ARGUMENTS', `GROUP BY position ${k} is not in the select list (1 to ${targets.length})`);
        return targets[k - 1].ResTarget.val as PgNode;
      }
      // A select alias (DuckDB's extension) where no column has the name.
      if (g.ColumnRef && refParts(g.ColumnRef).parts.length === 1) {
        const name = refParts(g.ColumnRef).parts[0];
        const alias = targets.find((t) => t.ResTarget.name === name);
        if (alias && !rel.fields.some((f) => f.name === name)) return alias.ResTarget.val as PgNode;
      }
      return g;
    });
    const keyExprs = keyNodes.map((k) => {
      if (isAggregateCall(k)) throw this.error(k, 'SQL_MISPLACED_AGGREGATE', 'GROUP BY cannot hold an aggregate');
      return input.value(k);
    });
    const keys = keyExprs.length ? keyExprs.map((expr, i) => ({ name: this.fresh(`k${i}_`), expr })) : [{ name: this.fresh('all'), expr: lit(0n, 'int64') as ColExpr }];
    const aggs: Aggregation[] = [];
    const later: ((g: TableNode) => TableNode)[] = [];
    const values = new Map<string, (g: TableNode) => ColExpr>();
    for (const call of aggregates) {
      const key = aggregateKey(call);
      if (values.has(key)) continue;
      const c = call.FuncCall;
      const fn = functionName(c);
      const args = (c.args ?? []) as PgNode[];
      if (c.agg_order || c.agg_filter || c.agg_within_group) throw this.error(call, 'SQL_UNSUPPORTED', `${fn}() with ORDER BY, FILTER or WITHIN GROUP is not supported`);
      if (c.agg_star) {
        if (fn !== 'count') throw this.error(call, 'SQL_BAD_ARGUMENTS', `${fn}(*) is not an aggregate: only count(*)`);
        const name = this.fresh('a');
        aggs.push({ name, fn: 'size' });
        values.set(key, (g) => columnExpr(g, name));
        continue;
      }
      if (args.length !== 1) throw this.error(call, 'SQL_BAD_ARGUMENTS', `${fn}() takes one argument, not ${args.length}`);
      const arg = args[0];
      const inner = collectAggregates([arg], this.text);
      if (inner.length) throw this.error(inner[0], 'SQL_MISPLACED_AGGREGATE', 'an aggregate cannot hold another aggregate');
      const expr = input.value(arg);
      if (c.agg_distinct) {
        if (fn !== 'count') throw this.error(call, 'SQL_UNSUPPORTED', `${fn}(DISTINCT ...) is not supported: only count(DISTINCT ...)`);
        const name = this.fresh('a');
        later.push((g) => this.countDistinct(g, rel.node, keys, expr, name));
        values.set(key, (g) => op('fillna', [columnExpr(g, name), lit(0n, 'int64')]));
        continue;
      }
      const agg = AGG_FN[fn];
      if ((agg === 'sum' || agg === 'mean' || agg === 'std' || agg === 'var') && (expr.dtype === 'string' || expr.dtype === 'timestamp')) {
        throw this.error(call, 'SQL_TYPE', `${fn}() of a ${expr.dtype === 'string' ? 'VARCHAR' : 'TIMESTAMP'} is not defined`, 'aggregate a numeric column, or use min/max/count');
      }
      const name = this.fresh('a');
      aggs.push({ name, fn: agg, expr });
      if (agg === 'sum') {
        // SUM of no value is NULL in SQL (0 in pandas).
        const n = this.fresh('n');
        aggs.push({ name: n, fn: 'count', expr });
        values.set(key, (g) => op('where', [op('>', [columnExpr(g, n), lit(0n, 'int64')]), columnExpr(g, name), lit(null, g.columns.find((x) => x.name === name)!.dtype)]));
      } else {
        values.set(key, (g) => columnExpr(g, name));
      }
    }
    let node = groupBy(rel.node, keys, aggs.length ? aggs : [{ name: this.fresh('rows'), fn: 'size' }], undefined, { nullGroups: true, rowWhenEmpty: !keyExprs.length });
    for (const step of later) node = step(node);
    const g = node;
    const keyMap = new Map<string, ColExpr>();
    keyExprs.forEach((e, i) => keyMap.set(planKey(e), columnExpr(g, keys[i].name)));
    return {
      node,
      grouped: {
        input: rel,
        keys: keyMap,
        aggregate: (call) => {
          const v = values.get(aggregateKey(call));
          if (!v) throw this.error(call, 'SQL_MISPLACED_AGGREGATE', 'this aggregate is not allowed here');
          return v(g);
        },
      },
    };
  }

  /** count(DISTINCT x) per group: the distinct (keys, x) pairs counted per key, joined onto the group-by (NULL keys match here: they are one group). */
  private countDistinct(g: TableNode, rows: TableNode, keys: { name: string; expr: ColExpr }[], expr: ColExpr, name: string): TableNode {
    const value = this.fresh('v');
    const pairs = groupBy(rows, [...keys, { name: value, expr }], [{ name: this.fresh('n'), fn: 'size' }], undefined, { nullGroups: true });
    const counted = groupBy(pairs, keys.map((k) => ({ name: k.name, expr: columnExpr(pairs, k.name) })), [{ name, fn: 'count', expr: columnExpr(pairs, value) }], undefined, { nullGroups: true });
    const keyNames = keys.map((k) => k.name);
    const joined = join(g, counted, 'left', keyNames, keyNames);
    return select(joined, joined.columns.map((c) => ({ name: c.name, expr: columnExpr(joined, c.name) })));
  }

  /** UNION ALL (and UNION: distinct rows of it); INTERSECT and EXCEPT are not supported. */
  private setOperation(s: PgNode, ctes: ReadonlyMap<string, TableNode>): Relation {
    if (s.op !== 'SETOP_UNION') throw this.error(this.word(s.op === 'SETOP_INTERSECT' ? /\bintersect\b/i : /\bexcept\b/i), 'SQL_UNSUPPORTED', `${s.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT'} is not supported`, 'use a join, or IN (SELECT ...)');
    const l = this.query(s.larg, ctes).node, r = this.query(s.rarg, ctes).node;
    if (l.columns.length !== r.columns.length) throw this.error(this.word(/\bunion\b/i), 'SQL_BAD_ARGUMENTS', `UNION of ${l.columns.length} and ${r.columns.length} columns`, 'select as many columns on each side');
    const types = l.columns.map((c, k) => {
      const a = c.dtype, b = r.columns[k].dtype;
      if (a === b) return a;
      if ((a === 'int64' || a === 'float64') && (b === 'int64' || b === 'float64')) return 'float64' as const;
      throw this.error(this.word(/\bunion\b/i), 'SQL_TYPE', `UNION column ${k + 1} is ${a} on one side and ${b} on the other`, 'CAST one side');
    });
    const as = (t: TableNode) => select(t, t.columns.map((c, k) => ({ name: l.columns[k].name, expr: c.dtype === types[k] ? columnExpr(t, c.name) : op('astype', [columnExpr(t, c.name)], { to: types[k] }) })));
    let node = concat([as(l), as(r)]);
    if (!s.all) node = distinct(node, []);
    const sorts = (s.sortClause ?? []) as PgNode[];
    const by = sorts.map((x) => {
      const n = x.SortBy.node;
      const k = positionOf(n);
      const name = k !== null ? node.columns[k - 1]?.name : n.ColumnRef ? refParts(n.ColumnRef).parts.join('.') : undefined;
      if (!name || !node.columns.some((c) => c.name === name)) throw this.error(n, 'SQL_UNSUPPORTED', "a UNION's ORDER BY names an output column or its position");
      return { name, ascending: x.SortBy.sortby_dir !== 'SORTBY_DESC', nullsFirst: x.SortBy.sortby_nulls === 'SORTBY_NULLS_FIRST' };
    });
    return relationOf(this.limited(s, node, by), null);
  }

  /** An unnamed select item's name: a column's own name, a function's name, else DuckDB's col<k>. */
  private derivedName(n: PgNode, k: number): string {
    if (n.ColumnRef) {
      const { parts } = refParts(n.ColumnRef);
      return parts[parts.length - 1];
    }
    if (n.FuncCall) return functionName(n.FuncCall);
    if (n.TypeCast?.arg?.ColumnRef) return this.derivedName(n.TypeCast.arg, k);
    return `col${k}`;
  }
}

/** The and-ed terms of a condition. */
function conjuncts(n: PgNode): PgNode[] {
  if (n.BoolExpr?.boolop === 'AND_EXPR') return (n.BoolExpr.args as PgNode[]).flatMap(conjuncts);
  return [n];
}

function filterRows(node: TableNode, preds: ColExpr[]): TableNode {
  return preds.length ? filter(node, preds.reduce((a, b) => op('&', [a, b]))) : node;
}

/** An integer constant (a position in GROUP BY / ORDER BY, a LIMIT), or null. */
function positionOf(n: PgNode): number | null {
  const v = n?.A_Const?.ival;
  if (v !== undefined) return Number(v.ival ?? 0);
  const big = n?.A_Const?.fval?.fval;
  if (typeof big === 'string' && /^\d+$/.test(big)) return Number(big);
  return null;
}

/** The aggregate calls in expressions (not inside another aggregate's arguments). */
function collectAggregates(nodes: (PgNode | undefined)[], text: string): PgNode[] {
  const out: PgNode[] = [];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(visit); return; }
    const o = n as PgNode;
    if (o.SelectStmt) return; // a subquery's own
    if (o.FuncCall && !o.FuncCall.over && AGGREGATES.has(functionName(o.FuncCall))) {
      out.push(o);
      return;
    }
    for (const v of Object.values(o)) visit(v);
  };
  nodes.forEach(visit);
  return out;
}

/** Two aggregate calls alike but for where they are written are one aggregation. */
function aggregateKey(call: PgNode): string {
  return JSON.stringify(call, (k, v) => (k === 'location' ? undefined : v));
}

function fileStem(path: string): string {
  const base = path.split(/[/\\]/).pop() ?? path;
  return base.replace(/\.(csv|tsv|txt|parquet)(\.gz)?$/i, '').replace(/[*?]/g, '') || 'file';
}

