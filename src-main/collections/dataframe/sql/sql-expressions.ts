/**
 * SQL expressions as column expressions (column-expr.ts), with SQL's meaning where it differs from
 * pandas': three-valued logic, truncating integer `//` and `%` (NULL by zero), CAST rounding.
 *
 * Logic: every predicate is planned twice, as `truth` (the rows where it is TRUE) and `falsity`
 * (where it is FALSE); a NULL is neither. A WHERE, HAVING, ON or WHEN keeps its truth; NOT swaps
 * the two; a predicate used as a value is TRUE, FALSE or NULL from both. This is what makes
 * `x <> 1` skip a NULL x, and `NOT (x IN (1, 2))` too, where pandas' `~x.isin(...)` keeps it.
 *
 * After a GROUP BY an expression may read the group's keys (the same expression as a key) and
 * aggregates; anything else is the "must appear in the GROUP BY clause" error.
 */
import { TesseraError } from '../../../engine/errors.js';
import { type ColExpr, DT_UNITS, lit, literalFor, op, type OpName } from '../column-expr.js';
import type { ColumnType } from '../schema.js';
import { planKey } from '../table-node.js';
import { fieldExpr, refParts, type Relation, resolveField } from './sql-scope.js';
import { type PgNode, sqlError } from './sql-text.js';

/** Aggregate functions by their SQL names (the planner maps them to group-by aggregations). */
export const AGGREGATES = new Set(['count', 'sum', 'avg', 'mean', 'min', 'max', 'stddev', 'stddev_samp', 'variance', 'var_samp']);

/** What an expression may read after a GROUP BY. */
export interface Grouped {
  /** The relation the group-by read (its rows, before grouping). */
  input: Relation;
  /** The keys: each key expression over the input (as planKey) and its value in the result. */
  keys: Map<string, ColExpr>;
  /** An aggregate call's value in the result. */
  aggregate(call: PgNode): ColExpr;
}

const COMPARE: Record<string, OpName> = { '=': '==', '==': '==', '<>': '!=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const NEGATED: Record<string, OpName> = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
const ARITH: Record<string, OpName> = { '+': '+', '-': '-', '*': '*', '/': '/' };

const SQL_TYPES: Record<string, ColumnType> = {
  double: 'float64', float8: 'float64', float: 'float64', float4: 'float64', real: 'float64',
  bigint: 'int64', int8: 'int64', int: 'int64', int4: 'int64', integer: 'int64', int2: 'int64', smallint: 'int64', tinyint: 'int64', hugeint: 'int64',
  varchar: 'string', text: 'string', string: 'string', bpchar: 'string', char: 'string',
  boolean: 'bool', bool: 'bool',
};

const DATE_PARTS: Record<string, OpName> = {
  year: 'dt.year', month: 'dt.month', day: 'dt.day', hour: 'dt.hour', minute: 'dt.minute', second: 'dt.second', doy: 'dt.dayofyear', dayofyear: 'dt.dayofyear', quarter: 'dt.quarter',
};

const nullOf = (t: ColumnType): ColExpr => lit(null, t);
const TRUE = lit(true, 'bool');
const FALSE = lit(false, 'bool');
const and = (...xs: ColExpr[]) => xs.reduce((a, b) => op('&', [a, b]));
const or = (...xs: ColExpr[]) => xs.reduce((a, b) => op('|', [a, b]));
const notNull = (x: ColExpr) => op('notna', [x]);
const isLiteral = (x: ColExpr, value?: unknown) => x.e === 'lit' && (value === undefined || x.value === value);

/** The name of a function call, lower case, without the pg_catalog. prefix the grammar adds. */
export function functionName(call: PgNode): string {
  const parts = (call.funcname as PgNode[]).map((p) => p.String.sval as string);
  return parts[parts.length - 1].toLowerCase();
}

export const isAggregateCall = (n: PgNode): boolean => !!n.FuncCall && AGGREGATES.has(functionName(n.FuncCall)) && !n.FuncCall.over;

/** Where a node starts in the SQL text (its own location, or its first operand's). */
export function locationOf(n: PgNode | undefined): number {
  if (!n || typeof n !== 'object') return 0;
  const inner = Object.values(n)[0] as PgNode | undefined;
  if (inner && typeof inner === 'object' && typeof inner.location === 'number' && inner.location >= 0) return inner.location;
  for (const k of ['lexpr', 'arg', 'args']) {
    const v = inner?.[k];
    const first = Array.isArray(v) ? v[0] : v;
    if (first) return locationOf(first);
  }
  return 0;
}

export class SqlExpressions {
  /** `windows`: a window function call's column (in SELECT and ORDER BY only). */
  constructor(private readonly text: string, private readonly rel: Relation, private readonly grouped?: Grouped, private readonly windows?: (call: PgNode) => ColExpr) {}

  /** An error at a node of the query. */
  error(n: PgNode, code: string, message: string, hint = ''): TesseraError {
    const at = locationOf(n);
    return sqlError(code, this.text, at, at + 1, message, hint);
  }

  /** The expression's value (a predicate: TRUE, FALSE or NULL). */
  value(n: PgNode): ColExpr {
    return this.at(n, () => this.valueOf(n));
  }

  /** The rows where the predicate is TRUE. */
  truth(n: PgNode): ColExpr {
    return this.at(n, () => this.truthOf(n, false));
  }

  /** The rows where the predicate is FALSE. */
  falsity(n: PgNode): ColExpr {
    return this.at(n, () => this.truthOf(n, true));
  }

  /** Errors of the column-expression rules (pandas' words) pointed at the node. */
  private at(n: PgNode, f: () => ColExpr): ColExpr {
    try {
      return f();
    } catch (e) {
      if (e instanceof TesseraError && !e.position) throw this.error(n, e.code, e.message, e.hint);
      throw e;
    }
  }

  private valueOf(n: PgNode): ColExpr {
    if (n.FuncCall?.over) {
      if (!this.windows) throw this.error(n, 'SQL_MISPLACED_WINDOW', `the window function ${functionName(n.FuncCall)}() is not allowed here`, 'window functions belong in SELECT and ORDER BY; filter on them in an outer query');
      return this.windows(n);
    }
    if (this.grouped) {
      const g = this.grouped;
      if (isAggregateCall(n)) return g.aggregate(n);
      let input: ColExpr | null = null;
      try {
        input = new SqlExpressions(this.text, g.input, undefined, this.windows).value(n);
      } catch (e) {
        // A name the query does not have is that error, not a grouping one.
        if (n.ColumnRef && e instanceof TesseraError && /^SQL_(UNKNOWN|AMBIGUOUS)/.test(e.code)) throw e;
      }
      const key = input && g.keys.get(planKey(input));
      if (key) return key;
      if (n.ColumnRef) {
        const { parts } = refParts(n.ColumnRef);
        throw this.error(n, 'SQL_NOT_GROUPED', `column '${parts.join('.')}' must appear in the GROUP BY clause or be used in an aggregate function`,
          `add it to GROUP BY, or aggregate it: any_value is not supported, min(${parts.join('.')}) or max(...) is`);
      }
    } else if (isAggregateCall(n)) {
      throw this.error(n, 'SQL_MISPLACED_AGGREGATE', `the aggregate ${functionName(n.FuncCall)}() is not allowed here`, 'aggregates belong in SELECT, HAVING and ORDER BY of a grouped query; filter groups with HAVING');
    }
    if (n.ColumnRef) {
      const { parts, star } = refParts(n.ColumnRef);
      if (star) throw this.error(n, 'SQL_UNSUPPORTED', '* is only a SELECT item by itself', 'name the columns');
      return fieldExpr(this.rel, resolveField(this.rel, parts, this.text, n.ColumnRef.location));
    }
    if (n.A_Const) return this.constant(n.A_Const);
    if (n.TypeCast) return this.cast(n.TypeCast);
    if (n.FuncCall) return this.call(n);
    if (n.CoalesceExpr) return this.coalesce(n.CoalesceExpr.args);
    if (n.CaseExpr) return this.caseOf(n.CaseExpr);
    if (n.A_Expr && n.A_Expr.kind === 'AEXPR_OP' && !COMPARE[opName(n.A_Expr)]) return this.arithmetic(n);
    if (n.NullTest) return this.truthOf(n, false); // never NULL
    if (n.SubLink) throw this.error(n, 'SQL_UNSUPPORTED', 'a subquery is only supported in FROM and as `column IN (SELECT ...)` in WHERE', 'join the subquery instead');
    if (n.BoolExpr || n.A_Expr || n.BooleanTest) {
      // A predicate as a value: TRUE, FALSE or NULL.
      return op('where', [this.truthOf(n, false), TRUE, op('where', [this.truthOf(n, true), FALSE, nullOf('bool')])]);
    }
    throw this.error(n, 'SQL_UNSUPPORTED', `this kind of expression (${Object.keys(n)[0]}) is not supported`, 'see the README for the SQL Tessera reads');
  }

  private constant(c: PgNode): ColExpr {
    if (c.isnull) return nullOf('float64');
    if (c.ival !== undefined) return lit(BigInt(c.ival.ival ?? 0), 'int64');
    if (c.fval !== undefined) {
      const s = c.fval.fval as string;
      if (/^-?\d+$/.test(s)) {
        const v = BigInt(s);
        if (v >= -(2n ** 63n) && v < 2n ** 63n) return lit(v, 'int64');
      }
      return lit(Number(s), 'float64');
    }
    if (c.sval !== undefined) return lit(c.sval.sval ?? '', 'string');
    if (c.boolval !== undefined) return lit(!!c.boolval.boolval, 'bool');
    throw this.error({ A_Const: c }, 'SQL_UNSUPPORTED', 'this kind of constant is not supported');
  }

  /** Two operands of one comparison or arithmetic: a string constant beside a timestamp is a timestamp, as DuckDB casts it. */
  private operands(l: PgNode, r: PgNode): [ColExpr, ColExpr] {
    let a = this.value(l), b = this.value(r);
    const asTime = (x: ColExpr, other: ColExpr, node: PgNode) => {
      if (other.dtype !== 'timestamp' || x.e !== 'lit' || typeof x.value !== 'string') return x;
      const t = literalFor(x.value, 'timestamp');
      if (!t) throw this.error(node, 'SQL_TYPE', `'${x.value}' is not a date or timestamp`, "write dates as '2001-01-31' or '2001-01-31 13:45:00'");
      return t;
    };
    a = asTime(a, b, l);
    b = asTime(b, a, r);
    // A NULL constant takes its partner's type.
    if (isLiteral(a, null)) a = nullOf(b.dtype);
    if (isLiteral(b, null)) b = nullOf(a.dtype);
    return [a, b];
  }

  private arithmetic(n: PgNode): ColExpr {
    const e = n.A_Expr;
    const name = opName(e);
    if (!e.lexpr) {
      const x = this.value(e.rexpr);
      if (name === '-') return op('neg', [x]);
      if (name === '+') return x;
    }
    if (!e.lexpr || !e.rexpr) throw this.error(n, 'SQL_UNSUPPORTED', `the operator ${name} is not supported here`);
    const [a, b] = this.operands(e.lexpr, e.rexpr);
    const zero = (x: ColExpr) => op('==', [x, x.dtype === 'float64' ? lit(0, 'float64') : lit(0n, 'int64')]);
    switch (name) {
      case '+': case '-': case '*': return op(ARITH[name], [a, b]);
      case '/':
        // IEEE: x / 0 is ±inf and 0 / 0 NaN (NULL), as DuckDB's vectorised division gives.
        return op('/', [a, b]);
      case '//': case '%': {
        // DuckDB: `//` of a DOUBLE is plain division.
        if (name === '//' && (a.dtype === 'float64' || b.dtype === 'float64')) return op('/', [a, b]);
        // Truncating, as C and DuckDB do (pandas floors); by zero NULL.
        const safe = op('where', [zero(b), b.dtype === 'float64' ? lit(1, 'float64') : lit(1n, 'int64'), b]);
        const r = op('%', [a, safe]);
        const signsDiffer = op('!=', [op('<', [a, lit(0n, 'int64')]), op('<', [safe, lit(0n, 'int64')])]);
        const adjust = and(op('!=', [r, lit(0n, 'int64')]), signsDiffer);
        const result = name === '%'
          ? op('where', [adjust, op('-', [r, safe]), r])
          : op('where', [adjust, op('+', [op('//', [a, safe]), lit(1n, 'int64')]), op('//', [a, safe])]);
        return op('where', [zero(b), nullOf(result.dtype), result]);
      }
      default:
        throw this.error(n, 'SQL_UNSUPPORTED', `the operator ${name} is not supported`, 'Tessera reads + - * / // % and comparisons');
    }
  }

  private cast(c: PgNode): ColExpr {
    const names = (c.typeName.names as PgNode[]).map((p) => (p.String.sval as string).toLowerCase());
    const sqlType = names[names.length - 1];
    const to = SQL_TYPES[sqlType];
    if (c.typeName.arrayBounds) throw this.error({ TypeCast: c }, 'SQL_UNSUPPORTED', 'CAST to a list type is not supported', 'cast to DOUBLE, BIGINT, VARCHAR or BOOLEAN');
    if (sqlType === 'numeric' || sqlType === 'decimal') throw this.error({ TypeCast: c }, 'SQL_UNSUPPORTED', 'DECIMAL is not supported: Tessera computes in DOUBLE', 'cast to DOUBLE (and round in the reader of the result)');
    if (!to) throw this.error({ TypeCast: c }, 'SQL_UNSUPPORTED', `CAST to ${sqlType.toUpperCase()} is not supported`, 'cast to DOUBLE, BIGINT, VARCHAR or BOOLEAN');
    const x = this.value(c.arg);
    if (x.e === 'lit') {
      if (x.value === null) return nullOf(to);
      if (to === 'float64' && (typeof x.value === 'bigint' || typeof x.value === 'number')) return lit(Number(x.value), 'float64');
      if (to === 'int64' && typeof x.value === 'string' && /^\s*-?\d+\s*$/.test(x.value)) return lit(BigInt(x.value.trim()), 'int64');
      if (to === 'float64' && typeof x.value === 'string' && x.value.trim() && Number.isFinite(Number(x.value))) return lit(Number(x.value), 'float64');
      // A constant such as 2.5 is a DECIMAL in DuckDB, and rounds halves away from zero.
      if (to === 'int64' && typeof x.value === 'number' && Number.isFinite(x.value)) return lit(BigInt(Math.sign(x.value) * Math.round(Math.abs(x.value))), 'int64');
    }
    if (x.dtype === to) return x;
    if (x.dtype === 'float64' && to === 'int64') {
      // DuckDB rounds a DOUBLE to the nearest integer, halves to even; astype truncates.
      const up = op('+', [x, lit(0.5, 'float64')]);
      const floor = op('//', [up, lit(1, 'float64')]);
      const tieToOdd = op('&', [op('==', [up, floor]), op('==', [op('%', [floor, lit(2, 'float64')]), lit(1, 'float64')])]);
      // (from 2^52 on every double is an integer, and x + 0.5 would round)
      const big = op('>=', [op('abs', [x]), lit(2 ** 52, 'float64')]);
      const rounded = op('where', [big, x, op('where', [tieToOdd, op('-', [floor, lit(1, 'float64')]), floor])]);
      // A NULL (NaN) stays NULL; astype would refuse it.
      return op('where', [op('notna', [x]), op('astype', [op('fillna', [rounded, lit(0, 'float64')])], { to }), nullOf('int64')]);
    }
    return op('astype', [x], { to });
  }

  private coalesce(args: PgNode[]): ColExpr {
    const xs = this.unified(args.map((a) => this.value(a)));
    // (fillna takes a constant; a where picks between two columns)
    return xs.reduceRight((rest, x) => (rest ? (rest.e === 'lit' ? op('fillna', [x, rest]) : op('where', [op('notna', [x]), x, rest])) : x));
  }

  /** Values of one type: int64 among float64 become float64, a NULL constant takes the others' type. */
  private unified(xs: ColExpr[]): ColExpr[] {
    const typed = xs.filter((x) => !isLiteral(x, null));
    const types = new Set(typed.map((x) => x.dtype));
    let t: ColumnType = typed[0]?.dtype ?? 'float64';
    if (types.size > 1) {
      if ([...types].every((x) => x === 'int64' || x === 'float64' || x === 'bool')) t = 'float64';
      else throw new TesseraError('SQL_TYPE', `these values have different types (${[...types].join(', ')})`, 'CAST them to one type');
    }
    return xs.map((x) => (isLiteral(x, null) ? nullOf(t) : x.dtype === t ? x : x.e === 'lit' && typeof x.value === 'bigint' ? lit(Number(x.value), t) : op('astype', [x], { to: t })));
  }

  private caseOf(c: PgNode): ColExpr {
    const whens = c.args as PgNode[];
    const conds = whens.map((w) => {
      const cw = w.CaseWhen;
      if (!c.arg) return this.truth(cw.expr);
      const [a, b] = this.operands(c.arg, cw.expr);
      return op('==', [a, b]);
    });
    const values = this.unified([...whens.map((w) => this.value(w.CaseWhen.result)), c.defresult ? this.value(c.defresult) : nullOf('float64')]);
    let out = values[values.length - 1];
    for (let i = whens.length - 1; i >= 0; i--) out = op('where', [conds[i], values[i], out]);
    return out;
  }

  private call(n: PgNode): ColExpr {
    const c = n.FuncCall;
    const name = functionName(c);
    const args = (c.args ?? []) as PgNode[];
    const want = (k: number) => {
      if (args.length !== k) throw this.error(n, 'SQL_BAD_ARGUMENTS', `${name}() takes ${k} argument${k === 1 ? '' : 's'}, not ${args.length}`);
    };
    const intConstant = (a: PgNode, what: string): number => {
      const x = this.value(a);
      if (x.e !== 'lit' || typeof x.value !== 'bigint') throw this.error(a, 'SQL_UNSUPPORTED', `${name}()'s ${what} must be an integer constant here`);
      return Number(x.value);
    };
    switch (name) {
      case 'lower': want(1); return op('str.lower', [this.value(args[0])]);
      case 'upper': want(1); return op('str.upper', [this.value(args[0])]);
      case 'length': case 'char_length': case 'character_length': case 'len': want(1); return op('str.len', [this.value(args[0])]);
      case 'abs': want(1); return op('abs', [this.value(args[0])]);
      case 'coalesce': return this.coalesce(args);
      case 'substr': case 'substring': {
        if (args.length !== 2 && args.length !== 3) throw this.error(n, 'SQL_BAD_ARGUMENTS', `${name}() takes a string, a start and a length`);
        const s = this.value(args[0]);
        const start = intConstant(args[1], 'start');
        const length = args.length === 3 ? intConstant(args[2], 'length') : null;
        if (length !== null && length < 0) throw this.error(args[2], 'SQL_UNSUPPORTED', `${name}() with a negative length is not supported`);
        if (start < 0) {
          // Counted from the end (DuckDB): the slice [start, start + length), to the end when that reaches it.
          const stop = length === null || start + length >= 0 ? null : start + length;
          return op('str.slice', [s], { slice: [start, stop] });
        }
        const from = Math.max(0, start - 1);
        const stop = length === null ? null : Math.max(0, start - 1 + length);
        return op('str.slice', [s], { slice: [from, stop === null ? null : Math.max(from, stop)] });
      }
      case 'extract': case 'date_part': case 'datepart': {
        want(2);
        const part = this.value(args[0]);
        if (part.e !== 'lit' || typeof part.value !== 'string') throw this.error(args[0], 'SQL_UNSUPPORTED', `${name}()'s part must be a constant such as 'year'`);
        return this.datePart(part.value.toLowerCase(), this.value(args[1]), args[0]);
      }
      case 'year': case 'month': case 'day': case 'hour': case 'minute': case 'second': case 'quarter': case 'dayofyear':
        want(1);
        return this.datePart(name, this.value(args[0]), n);
      case 'dayofweek':
        want(1);
        return this.datePart('dow', this.value(args[0]), n);
      case 'date_trunc': case 'datetrunc': {
        want(2);
        const unit = this.value(args[0]);
        const units = Object.keys(DT_UNITS);
        if (unit.e !== 'lit' || typeof unit.value !== 'string' || !units.includes(unit.value.toLowerCase())) {
          throw this.error(args[0], 'SQL_UNSUPPORTED', `date_trunc's unit must be one of ${units.join(', ')} (a constant)`, "for example date_trunc('month', date)");
        }
        return op('dt.trunc', [this.value(args[1])], { pattern: unit.value.toLowerCase() });
      }
      default:
        if (isAggregateCall(n)) throw this.error(n, 'SQL_MISPLACED_AGGREGATE', `the aggregate ${name}() is not allowed here`);
        throw this.error(n, 'SQL_UNKNOWN_FUNCTION', `the function ${name}() is not supported`,
          'Tessera reads lower, upper, length, substr, coalesce, abs, extract/date_part, date_trunc, the aggregates count, sum, avg, min, max, stddev, variance');
    }
  }

  private datePart(part: string, x: ColExpr, at: PgNode): ColExpr {
    if (part === 'dow' || part === 'isodow') {
      // DuckDB: Sunday 0 (dow) or 7 (isodow); pandas' dayofweek: Monday 0.
      const monday0 = op('dt.dayofweek', [x]);
      return part === 'isodow' ? op('+', [monday0, lit(1n, 'int64')]) : op('%', [op('+', [monday0, lit(1n, 'int64')]), lit(7n, 'int64')]);
    }
    const fn = DATE_PARTS[part];
    if (!fn) throw this.error(at, 'SQL_UNSUPPORTED', `the date part '${part}' is not supported`, `parts: ${[...Object.keys(DATE_PARTS), 'dow', 'isodow'].join(', ')}`);
    return op(fn, [x]);
  }

  /** Where the predicate is TRUE (or, with `negate`, FALSE). */
  private truthOf(n: PgNode, negate: boolean): ColExpr {
    if (n.BoolExpr) {
      const b = n.BoolExpr;
      const args = b.args as PgNode[];
      if (b.boolop === 'NOT_EXPR') return this.truthOf(args[0], !negate);
      const parts = args.map((a) => this.truthOf(a, negate));
      const isAnd = b.boolop === 'AND_EXPR';
      return isAnd !== negate ? and(...parts) : or(...parts);
    }
    if (n.NullTest) {
      const x = this.value(n.NullTest.arg);
      const isNull = n.NullTest.nulltesttype === 'IS_NULL';
      return op(isNull !== negate ? 'isna' : 'notna', [x]);
    }
    if (n.BooleanTest) {
      const x = this.truthOf(n.BooleanTest.arg, false), f = this.truthOf(n.BooleanTest.arg, true);
      const kinds: Record<string, ColExpr> = {
        IS_TRUE: x, IS_NOT_TRUE: op('invert', [x]), IS_FALSE: f, IS_NOT_FALSE: op('invert', [f]),
        IS_UNKNOWN: op('invert', [or(x, f)]), IS_NOT_UNKNOWN: or(x, f),
      };
      const t = kinds[n.BooleanTest.booltesttype as string];
      return negate ? op('invert', [t]) : t;
    }
    if (n.A_Expr) {
      const e = n.A_Expr;
      const name = opName(e);
      if (e.kind === 'AEXPR_OP' && COMPARE[name]) {
        const [a, b] = this.operands(e.lexpr, e.rexpr);
        const cmp = negate ? NEGATED[COMPARE[name]] : COMPARE[name];
        // A comparison with a null is false, but for != (true): that one needs its operands present.
        return cmp === '!=' ? and(op(cmp, [a, b]), ...nullable(a), ...nullable(b)) : op(cmp, [a, b]);
      }
      if (e.kind === 'AEXPR_BETWEEN' || e.kind === 'AEXPR_NOT_BETWEEN') {
        const [lo, hi] = e.rexpr.List.items as PgNode[];
        const [x, l] = this.operands(e.lexpr, lo);
        const [x2, h] = this.operands(e.lexpr, hi);
        const inside = { t: and(op('>=', [x, l]), op('<=', [x2, h])), f: or(and(op('<', [x, l]), ...nullable(l)), and(op('>', [x2, h]), ...nullable(h))) };
        const within = e.kind === 'AEXPR_BETWEEN';
        return within !== negate ? inside.t : and(inside.f, ...nullable(x));
      }
      if (e.kind === 'AEXPR_IN') {
        const x = this.value(e.lexpr);
        const items = (e.rexpr.List?.items ?? []) as PgNode[];
        const values = this.unified([x, ...items.map((i) => this.value(i))]);
        const [lhs, ...list] = values;
        if (!list.every((v) => v.e === 'lit')) throw this.error(n, 'SQL_UNSUPPORTED', 'IN (...) takes constants here', 'compare with = and OR, or join');
        const listHasNull = list.some((v) => isLiteral(v, null));
        const present = list.filter((v) => !isLiteral(v, null));
        const isIn = present.length ? op('isin', [lhs, ...present]) : FALSE;
        const positive = name === '=';
        if (positive !== negate) return and(isIn, notNull(lhs));
        // NOT IN: FALSE for a NULL operand, never TRUE when the list holds a NULL.
        return listHasNull ? FALSE : and(op('invert', [isIn]), notNull(lhs));
      }
      if (e.kind === 'AEXPR_LIKE' || e.kind === 'AEXPR_ILIKE') {
        const x = this.value(e.lexpr);
        const p = this.value(e.rexpr);
        if (p.e !== 'lit' || typeof p.value !== 'string') throw this.error(e.rexpr, 'SQL_UNSUPPORTED', 'LIKE takes a constant pattern here');
        const subject = e.kind === 'AEXPR_ILIKE' ? op('str.lower', [x]) : x;
        const pattern = e.kind === 'AEXPR_ILIKE' ? p.value.toLowerCase() : p.value;
        const matches = this.like(subject, pattern);
        const positive = name === '~~' || name === '~~*';
        return positive !== negate ? and(matches, notNull(x)) : and(op('invert', [matches]), notNull(x));
      }
    }
    if (n.SubLink) throw this.error(n, 'SQL_UNSUPPORTED', 'a subquery is only supported in FROM and as `column IN (SELECT ...)` in WHERE', 'join the subquery instead');
    if (n.A_Expr || n.BoolExpr) throw this.error(n, 'SQL_UNSUPPORTED', `this operator (${describeExpr(n.A_Expr)}) is not supported`, 'write it with = <> < <= > >=, BETWEEN, IN, LIKE, IS [NOT] NULL, AND/OR/NOT');
    // A bool value: TRUE where it is true and not NULL.
    const v = this.value(n);
    if (v.dtype !== 'bool') throw this.error(n, 'SQL_TYPE', `a condition must be a boolean, not ${v.dtype}`, 'compare it: x > 0, x IS NOT NULL');
    return op('fillna', [negate ? op('invert', [v]) : v, FALSE]);
  }

  /** LIKE: text with % at either end as the plain string tests, any other pattern by the native matcher. */
  private like(x: ColExpr, pattern: string): ColExpr {
    const core = pattern.replace(/^%+/, '').replace(/%+$/, '');
    if (/[%_]/.test(core)) return op('str.like', [x], { pattern });
    const starts = pattern.startsWith('%'), ends = pattern.endsWith('%');
    if (starts && ends) return core ? op('str.contains', [x], { pattern: core }) : op('notna', [x]);
    if (ends) return op('str.startswith', [x], { pattern: core });
    if (starts) return op('str.endswith', [x], { pattern: core });
    return op('==', [x, lit(core, 'string')]);
  }
}

/** An A_Expr's kind in SQL's words, for an error. */
function describeExpr(e: PgNode | undefined): string {
  const kinds: Record<string, string> = {
    AEXPR_DISTINCT: 'IS DISTINCT FROM', AEXPR_NOT_DISTINCT: 'IS NOT DISTINCT FROM', AEXPR_NULLIF: 'NULLIF', AEXPR_OP_ANY: 'ANY', AEXPR_OP_ALL: 'ALL',
    AEXPR_SIMILAR: 'SIMILAR TO', AEXPR_BETWEEN_SYM: 'BETWEEN SYMMETRIC', AEXPR_NOT_BETWEEN_SYM: 'NOT BETWEEN SYMMETRIC',
  };
  if (!e) return 'this expression';
  return kinds[e.kind as string] ?? (e.name ? opName(e) : String(e.kind));
}

function opName(e: PgNode): string {
  const parts = (e.name as PgNode[]).map((p) => p.String.sval as string);
  return parts[parts.length - 1];
}

/** Operands that may be NULL, as not-null conditions (a literal never is, a NULL constant always is). */
function nullable(x: ColExpr): ColExpr[] {
  if (x.e === 'lit') return x.value === null ? [FALSE] : [];
  return [notNull(x)];
}
