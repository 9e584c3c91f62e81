/**
 * Python's meaning of the few builtins and str methods a bag pipeline names, for JS values: a
 * dask.bag user writes `b.str.split()`, `b.map(len)` or `b.max()` and expects Python's answer
 * (whitespace is Unicode's, `len` counts code points, `int(' 42\n')` is 42, strings compare by
 * code point, lists lexicographically). A value Python would refuse is a BAG_TYPE_ERROR.
 */
import { TesseraError } from '../../../engine/errors.js';

/** The characters Python's str.isspace() accepts (str.split() and str.strip() with no argument). */
const SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACES = new RegExp(`[${SPACE}]+`, 'g');
const LEADING = new RegExp(`^[${SPACE}]+`);
const TRAILING = new RegExp(`[${SPACE}]+$`);

export function typeError(msg: string, hint = 'check what the step before gives (a map or pluck that returns another type?)'): TesseraError {
  return new TesseraError('BAG_TYPE_ERROR', msg, hint);
}

/** A short text of a value for an error message. */
export function preview(v: unknown): string {
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'dict' : typeof v;
}

export function needString(v: unknown, what: string): string {
  if (typeof v !== 'string') throw typeError(`${what} needs strings, got ${pyType(v)} ${preview(v)}`);
  return v;
}

/** str.split(sep=None, maxsplit=-1). */
export function pySplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (sep === null) {
    if (maxsplit < 0) {
      const out = s.split(SPACES);
      if (out.length && out[0] === '') out.shift();
      if (out.length && out[out.length - 1] === '') out.pop();
      return out;
    }
    const out: string[] = [];
    let rest = s.replace(LEADING, '');
    while (rest && out.length < maxsplit) {
      SPACES.lastIndex = 0;
      const m = SPACES.exec(rest);
      if (!m) break;
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    if (rest) out.push(rest);
    return out;
  }
  if (sep === '') throw typeError('str.split(): empty separator', 'give a non-empty separator, or none to split on whitespace');
  if (maxsplit < 0) return s.split(sep);
  const out: string[] = [];
  let from = 0;
  while (out.length < maxsplit) {
    const at = s.indexOf(sep, from);
    if (at < 0) break;
    out.push(s.slice(from, at));
    from = at + sep.length;
  }
  out.push(s.slice(from));
  return out;
}

/** str.strip / lstrip / rstrip (chars=None: whitespace). */
export function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  if (chars === null) {
    if (left) s = s.replace(LEADING, '');
    if (right) s = s.replace(TRAILING, '');
    return s;
  }
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a])) a++;
  if (right) while (b > a && set.has(cps[b - 1])) b--;
  return a === 0 && b === cps.length ? s : cps.slice(a, b).join('');
}

/** str.replace(old, new, count=-1). */
export function pyReplace(s: string, from: string, to: string, count: number): string {
  if (from === '') {
    if (count < 0) count = Infinity;
    const cps = Array.from(s);
    let out = '';
    for (let i = 0; i <= cps.length; i++) {
      if (i < count) out += to;
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  if (count < 0) return s.split(from).join(to);
  let out = '';
  let from0 = 0;
  for (let n = 0; n < count; n++) {
    const at = s.indexOf(from, from0);
    if (at < 0) break;
    out += s.slice(from0, at) + to;
    from0 = at + from.length;
  }
  return out + s.slice(from0);
}

/** Code points in a string (Python's len). */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

export function pyLen(v: unknown): number {
  if (typeof v === 'string') return codePoints(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) return Object.keys(v).length;
  if (ArrayBuffer.isView(v)) return (v as unknown as ArrayLike<unknown>).length;
  throw typeError(`len() of ${pyType(v)} ${preview(v)}: it has no length`);
}

/** Python truthiness: 0, '', None, False and empty lists and dicts are false. */
export function pyTruthy(v: unknown): boolean {
  if (typeof v === 'number') return v !== 0; // NaN is true in Python
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

const INT_TEXT = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT_TEXT = /^[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d+(?:_\d+)*(?:[eE][+-]?\d+)?|\d+(?:_\d+)*\.(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

export function pyInt(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw typeError(`int() of ${v}: cannot convert`);
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    const t = pyStrip(v, null, true, true);
    if (INT_TEXT.test(t)) return Number(t.replace(/_/g, ''));
  }
  throw typeError(`int() cannot convert ${pyType(v)} ${preview(v)}`, 'int() takes numbers and strings of a decimal integer');
}

export function pyFloat(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = pyStrip(v, null, true, true);
    if (FLOAT_TEXT.test(t)) {
      const lower = t.toLowerCase().replace(/_/g, '');
      if (lower.endsWith('nan')) return NaN;
      if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
      return Number(lower);
    }
  }
  throw typeError(`float() cannot convert ${pyType(v)} ${preview(v)}`, 'float() takes numbers and strings of a number');
}

/** A number for arithmetic (bool counts as 0/1, as in Python). */
export function pyNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw typeError(`${what} needs numbers, got ${pyType(v)} ${preview(v)}`, `map the items to numbers first (for example .map(float)) before ${what}`);
}

/** Compares strings by code point, as Python does (JS's < compares UTF-16 code units). */
function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts above every BMP code unit.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Python's ordering: numbers (and bools) with numbers, strings with strings, lists lexicographically. */
export function pyCompare(a: unknown, b: unknown): number {
  const na = typeof a === 'number' || typeof a === 'boolean';
  const nb = typeof b === 'number' || typeof b === 'boolean';
  if (na && nb) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = pyCompare(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  throw typeError(`cannot order ${pyType(a)} ${preview(a)} and ${pyType(b)} ${preview(b)}`, 'min, max and topk compare numbers with numbers, strings with strings, lists with lists');
}

/** item[key] for a list (negative indices from the end) or an object; `undefined` when absent. */
export function getItem(item: unknown, key: string | number): unknown {
  if (Array.isArray(item) || typeof item === 'string') {
    if (typeof key !== 'number') return undefined;
    const seq = typeof item === 'string' ? Array.from(item) : item; // a string by code point, as Python's
    const i = key < 0 ? seq.length + key : key;
    return i >= 0 && i < seq.length ? seq[i] : undefined;
  }
  if (item instanceof Map) return item.get(key);
  if (item && typeof item === 'object') return Object.prototype.hasOwnProperty.call(item, key) ? (item as Record<string, unknown>)[key] : undefined;
  return undefined;
}
