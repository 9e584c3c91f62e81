/**
 * Column expressions: what a Series is before it runs. A tree of operations over a frame's
 * columns and literals, each node typed by the rules native/table/expr.cc checks again (pandas'
 * with numpy dtypes: int64 arithmetic stays int64, `/` is float64, comparisons are bool, a
 * timestamp minus a timestamp is a timedelta). The type errors a user can make are found here,
 * with pandas' wording where it has one, before any task exists.
 */
import { TesseraError } from '../../engine/errors.js';
import type { ColumnType } from './schema.js';

/** Node codes of native/table/expr.h's ExprOp. */
export const OP_CODES = {
  col: 1, lit: 2, neg: 3, invert: 4, isna: 5, notna: 6, abs: 7,
  '+': 10, '-': 11, '*': 12, '/': 13, '//': 14, '%': 15, '**': 16,
  '==': 20, '!=': 21, '<': 22, '<=': 23, '>': 24, '>=': 25,
  '&': 30, '|': 31, '^': 32,
  fillna: 40, astype: 41, isin: 42, where: 43,
  'str.lower': 50, 'str.upper': 51, 'str.len': 52, 'str.contains': 53, 'str.startswith': 54, 'str.endswith': 55, 'str.slice': 56, 'str.like': 57,
  'dt.year': 60, 'dt.month': 61, 'dt.day': 62, 'dt.hour': 63, 'dt.minute': 64, 'dt.second': 65, 'dt.dayofweek': 66, 'dt.dayofyear': 67,
  'dt.quarter': 68, 'dt.total_seconds': 69, 'dt.trunc': 70,
} as const;

/** date_trunc's units (native/table/expr.h's DtUnit); a dt.trunc node names one as its `pattern`. */
export const DT_UNITS = { year: 1, quarter: 2, month: 3, week: 4, day: 5, hour: 6, minute: 7, second: 8 } as const;

export type OpName = Exclude<keyof typeof OP_CODES, 'col' | 'lit'>;
export type LiteralValue = number | bigint | string | boolean | null;

export type ColExpr =
  | { e: 'col'; name: string; dtype: ColumnType }
  /** int64, timestamp and timedelta literals are bigint (ns for the time types). */
  | { e: 'lit'; value: LiteralValue; dtype: ColumnType }
  | { e: 'op'; op: OpName; args: ColExpr[]; dtype: ColumnType; pattern?: string; slice?: [number | null, number | null] };

const ARITH = new Set(['+', '-', '*', '/', '//', '%', '**']);
const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);
const LOGIC = new Set(['&', '|', '^']);

const isNumeric = (t: ColumnType) => t === 'int64' || t === 'float64' || t === 'bool';
const isIntegral = (t: ColumnType) => t === 'int64' || t === 'bool';

const typeError = (msg: string, hint: string) => new TesseraError('TYPE_ERROR', msg, hint);

function arithType(op: string, a: ColumnType, b: ColumnType): ColumnType {
  if (isNumeric(a) && isNumeric(b)) {
    if (a === 'bool' && b === 'bool') throw typeError(`${op} of two bool columns`, 'use | & ^ for logic, or .astype("int64") first');
    if (op === '/') return 'float64';
    return a === 'float64' || b === 'float64' ? 'float64' : 'int64';
  }
  if (op === '+' && ((a === 'timestamp' && b === 'timedelta') || (a === 'timedelta' && b === 'timestamp'))) return 'timestamp';
  if (op === '-' && a === 'timestamp' && b === 'timestamp') return 'timedelta';
  if (op === '-' && a === 'timestamp' && b === 'timedelta') return 'timestamp';
  if ((op === '+' || op === '-') && a === 'timedelta' && b === 'timedelta') return 'timedelta';
  if (op === '/' && a === 'timedelta' && b === 'timedelta') return 'float64';
  throw typeError(`unsupported operand type(s) for ${op}: ${a} and ${b}`, a === 'string' || b === 'string' ? 'string columns take .str methods, not arithmetic' : 'convert with .astype(...) first');
}

const CASTS: Record<ColumnType, ColumnType[]> = {
  int64: ['int64', 'float64', 'bool', 'string'],
  float64: ['int64', 'float64', 'bool'],
  bool: ['int64', 'float64', 'bool', 'string'],
  string: ['string'],
  timestamp: ['timestamp', 'int64'],
  timedelta: ['timedelta', 'int64'],
};

/** The type an operation makes of its operands (the same rules as expr.cc's infer). */
function resultType(op: OpName, args: ColExpr[], to?: ColumnType): ColumnType {
  const [a, b] = args.map((x) => x.dtype);
  if (ARITH.has(op)) return arithType(op, a, b);
  if (COMPARE.has(op)) {
    if ((isNumeric(a) && isNumeric(b)) || a === b) return 'bool';
    throw typeError(`cannot compare ${a} with ${b}`, a === 'timestamp' || b === 'timestamp' ? "compare timestamps with a date string such as '2001-01-31'" : 'convert with .astype(...) first');
  }
  if (LOGIC.has(op)) {
    if (a === 'bool' && b === 'bool') return 'bool';
    if (isIntegral(a) && isIntegral(b)) return 'int64';
    throw typeError(`unsupported operand type(s) for ${op}: ${a} and ${b}`, 'combine conditions in parentheses: (df.a > 1) & (df.b < 2)');
  }
  switch (op) {
    case 'neg':
    case 'abs':
      if (a === 'int64' || a === 'float64' || a === 'timedelta') return a;
      throw typeError(`bad operand type for ${op === 'neg' ? 'unary -' : 'abs()'}: ${a}`, 'only numbers and timedeltas negate');
    case 'invert':
      if (a === 'bool' || a === 'int64') return a;
      throw typeError(`bad operand type for unary ~: ${a}`, '~ inverts a bool condition such as ~(df.a > 1)');
    case 'isna':
    case 'notna':
    case 'isin':
      return 'bool';
    case 'fillna':
    case 'where':
      return args[op === 'where' ? 1 : 0].dtype;
    case 'astype':
      if (!CASTS[a].includes(to!)) throw typeError(`cannot convert ${a} to ${to}`, `a ${a} column converts to ${CASTS[a].join(', ')}`);
      return to!;
    case 'str.lower': case 'str.upper': case 'str.slice':
      if (a !== 'string') throw strOnly(op, a);
      return 'string';
    case 'str.len':
      if (a !== 'string') throw strOnly(op, a);
      return 'int64';
    case 'str.contains': case 'str.startswith': case 'str.endswith': case 'str.like':
      if (a !== 'string') throw strOnly(op, a);
      return 'bool';
    case 'dt.trunc':
      if (a !== 'timestamp') throw typeError(`date_trunc needs a timestamp, not ${a}`, 'parse the column as dates: "parse_dates": ["col"] in the dataset');
      return 'timestamp';
    case 'dt.total_seconds':
      if (a !== 'timedelta') throw typeError(`.dt.total_seconds() needs timedeltas, not ${a}`, 'subtract two timestamp columns to get timedeltas');
      return 'float64';
    default:
      if (a !== 'timestamp') throw typeError(`.${op} needs a timestamp column, not ${a}`, 'parse the column as dates: "parse_dates": ["col"] in the dataset');
      return 'int64';
  }
}

function strOnly(op: string, t: ColumnType) {
  return new TesseraError('ATTRIBUTE_ERROR', `Can only use .str accessor with string values, not ${t} (.${op})`, 'convert first: .astype("string")');
}

export function col(name: string, dtype: ColumnType): ColExpr {
  return { e: 'col', name, dtype };
}

export function lit(value: LiteralValue, dtype: ColumnType): ColExpr {
  return { e: 'lit', value, dtype };
}

export function op(name: OpName, args: ColExpr[], extra: { to?: ColumnType; pattern?: string; slice?: [number | null, number | null] } = {}): ColExpr {
  const dtype = resultType(name, args, extra.to);
  const node: ColExpr = { e: 'op', op: name, args, dtype };
  if (extra.pattern !== undefined) node.pattern = extra.pattern;
  if (extra.slice) node.slice = extra.slice;
  return node;
}

/** A date or timestamp string (ISO 8601, UTC) as ns since the epoch, as pandas compares them with a timestamp column. */
export function parseTimestamp(s: string): bigint | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]00:?00)?$/.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(ms)) return null;
  const date = new Date(ms);
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return null;
  return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}

/**
 * A literal as an operand next to a column of type `t`: pandas converts a date string compared
 * with timestamps and a number used with floats. Returns null when the literal does not fit.
 */
export function literalFor(value: LiteralValue, t: ColumnType): ColExpr | null {
  if (value === null) return lit(null, t);
  if (t === 'timestamp' && typeof value === 'string') {
    const ns = parseTimestamp(value);
    return ns === null ? null : lit(ns, 'timestamp');
  }
  return literal(value);
}

/** The literal's own type (Python's: int, float, str, bool). */
export function literal(value: LiteralValue): ColExpr {
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new TesseraError('OVERFLOW_ERROR', `Python int too large to convert to C long: ${value}`, 'int64 columns hold -2**63 .. 2**63-1');
    return lit(value, 'int64');
  }
  if (typeof value === 'number') return lit(value, 'float64');
  if (typeof value === 'string') return lit(value, 'string');
  if (typeof value === 'boolean') return lit(value, 'bool');
  return lit(null, 'float64');
}

/** The literal converted to the type `t` (fillna, isin and where take the column's type). */
export function literalAs(value: LiteralValue, t: ColumnType): ColExpr | null {
  if (value === null) return lit(null, t);
  switch (t) {
    case 'float64': return typeof value === 'number' || typeof value === 'bigint' ? lit(Number(value), t) : typeof value === 'boolean' ? lit(value ? 1 : 0, t) : null;
    case 'int64':
      if (typeof value === 'bigint') return literal(value);
      if (typeof value === 'boolean') return lit(value ? 1n : 0n, t);
      return typeof value === 'number' && Number.isInteger(value) ? lit(BigInt(value), t) : null;
    case 'bool': return typeof value === 'boolean' ? lit(value, t) : null;
    case 'string': return typeof value === 'string' ? lit(value, t) : null;
    case 'timestamp': return typeof value === 'string' ? literalFor(value, t) : null;
    default: return null;
  }
}

/** The column names an expression reads. */
export function columnsOf(x: ColExpr, out = new Set<string>()): Set<string> {
  if (x.e === 'col') out.add(x.name);
  else if (x.e === 'op') for (const a of x.args) columnsOf(a, out);
  return out;
}

/** The expression with each column reference replaced (composing a computed frame into its consumer). */
export function substitute(x: ColExpr, by: (name: string) => ColExpr): ColExpr {
  if (x.e === 'col') return by(x.name);
  if (x.e === 'lit') return x;
  return { ...x, args: x.args.map((a) => substitute(a, by)) };
}
