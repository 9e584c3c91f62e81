/**
 * The differential test's generator: random jobs (datasets of every dtype, 0-3 dimensions, random
 * chunkings; several numpy expressions per job; a worker count or the sync scheduler).
 *
 * fast-check draws a "tape" of small integers; `jobFromTape` reads it choice by choice to build a
 * job that is mostly well typed (it tracks dtypes and shapes as it goes). Every choice's 0 is its
 * simplest option and an exhausted tape reads as zeros, so fast-check's shrinking of the tape
 * (shorter, smaller numbers) shrinks the job: fewer outputs, shallower expressions, float64, small
 * shapes, one chunk. One generator serves `npm test` (test/differential.test.ts) and
 * `npm run difftest` (scripts/difftest.mjs).
 */
import fc from 'fast-check';
import { promoteDtypes as promote } from '../../dist/src-main/collections/array/dtype.js';

export const DTYPES = ['float64', 'float32', 'int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool'];
const INTS = ['int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8'];
const isFloat = (d) => d === 'float64' || d === 'float32';
const isInt = (d) => INTS.includes(d);
const isUnsigned = (d) => d.startsWith('uint');
const SIZE = { float64: 8, float32: 4, int64: 8, int32: 4, int16: 2, int8: 1, uint64: 8, uint32: 4, uint16: 2, uint8: 1, bool: 1 };

const choice = fc.noBias(fc.nat({ max: 0xffff }));
/** Tapes as generated: long enough for a job of several outputs (an exhausted tape reads as 0s). */
export const tapeArbitrary = fc.array(choice, { minLength: 300, maxLength: 600 });
/** The same tapes for shrinking: fast-check shrinks them toward [] (all choices 0). */
export const shrinkTapeArbitrary = fc.array(choice, { minLength: 0, maxLength: 600 });

class Tape {
  constructor(t) { this.t = t; this.i = 0; }
  int(n) { return n <= 1 ? 0 : (this.i < this.t.length ? this.t[this.i++] : 0) % n; }
  pick(a) { return a[this.int(a.length)]; }
  /** Weighted choice: [[weight, value], ...]; the first entry is what an exhausted tape picks. */
  w(opts) {
    const total = opts.reduce((s, o) => s + o[0], 0);
    let x = this.int(total);
    for (const [wt, v] of opts) { if (x < wt) return v; x -= wt; }
    return opts[0][1];
  }
  chance(p) { return this.int(1000) < p * 1000; }
}

// ---------------------------------------------------------------- dtype rules (numpy 2's array
// promotion, the engine's own; only used to steer generation toward well-typed expressions)
/** dtype of a node: an array dtype, or a Python literal kind 'pyint' | 'pyfloat' | 'pybool'. */
function promoteT(a, b) {
  const weak = (w, s) => (w === 'pyfloat' ? (isFloat(s) ? s : 'float64') : w === 'pyint' ? (s === 'bool' ? 'int64' : s) : s);
  const aw = a.startsWith('py'), bw = b.startsWith('py');
  if (aw && bw) return a === 'pyfloat' || b === 'pyfloat' ? 'pyfloat' : a === 'pyint' || b === 'pyint' ? 'pyint' : 'pybool';
  if (aw) return weak(a, b);
  if (bw) return weak(b, a);
  return promote(a, b);
}
const concrete = (t) => (t === 'pyfloat' ? 'float64' : t === 'pyint' ? 'int64' : t === 'pybool' ? 'bool' : t);
const floatFor = (t) => { const d = concrete(t); return isFloat(d) ? d : SIZE[d] <= 2 ? 'float32' : 'float64'; };

function broadcast(a, b) {
  if (!a) return b;
  if (!b) return a;
  const n = Math.max(a.length, b.length), out = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}
const prod = (s) => s.reduce((p, x) => p * x, 1);

// ---------------------------------------------------------------- literals
const INT_LITERALS = ['0', '1', '2', '3', '-1', '-2', '7', '-7', '100', '127', '128', '-128', '-129', '255', '256', '-1000',
  '32767', '65535', '65536', '2147483647', '2147483648', '-2147483649', '4294967296', '9007199254740993',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '18446744073709551615', '18446744073709551616'];
const FLOAT_LITERALS = ['0.5', '1.5', '2.0', '-2.5', '0.0', '-0.0', 'nan', 'inf', '-inf', '1e-300', '1e300', '3.5e38', '0.1', '-0.0', 'nan', 'inf', '-inf', '0.0', '1e-45', '100.25'];

function literal(r, hint) {
  const kind = r.w([[hint === 'float' ? 4 : 3, 'int'], [3, 'float'], [1, 'bool']]);
  if (kind === 'int') {
    const s = r.w([[6, () => r.pick(INT_LITERALS.slice(0, 10))], [3, () => r.pick(INT_LITERALS)]])();
    return { s, t: 'pyint', shape: null, lit: true };
  }
  if (kind === 'float') return { s: r.pick(FLOAT_LITERALS), t: 'pyfloat', shape: null, lit: true };
  return { s: r.pick(['True', 'False']), t: 'pybool', shape: null, lit: true };
}

// ---------------------------------------------------------------- datasets
function genShape(r) {
  const nd = r.w([[3, 1], [3, 2], [2, 3], [1, 0]]);
  const dims = [];
  for (let i = 0; i < nd; i++) dims.push(r.w([[4, 3], [3, 1], [4, 4 + r.int(4)], [2, 2], [1, 0]]));
  return dims;
}

function genChunks(r, shape) {
  const form = r.w([[1, 'whole'], [3, 'perdim'], [1, 'number'], [1, 'explicit']]);
  if (form === 'whole') return shape.map(() => -1);
  if (form === 'number') return 1 + r.int(4);
  return shape.map((d) => {
    if (d === 0) return -1;
    if (form === 'explicit' && r.chance(0.5)) {
      const parts = [];
      let left = d;
      while (left > 0) { const p = 1 + r.int(left); parts.push(p); left -= p; }
      return parts;
    }
    return r.w([[1, -1], [3, 1 + r.int(d)]]);
  });
}

function genDataset(r, baseShape, big) {
  const kind = r.w([[10, 'npy'], [2, 'arange'], [1, 'zeros'], [1, 'ones'], [2, 'full']]);
  const dtype = r.pick(DTYPES);
  let shape;
  if (big) shape = r.pick([[10001 + r.int(5000)], [101, 100 + r.int(30)], [3, 60, 60 + r.int(10)]]);
  else shape = r.w([[5, () => baseShape.slice()], [2, () => baseShape.slice(r.int(baseShape.length + 1)).map((d) => (r.chance(0.3) ? 1 : d))], [2, () => genShape(r)]])();
  if (kind === 'npy') {
    const rec = { kind: 'npy', dtype, shape, pool: r.w([[1, 0], [2, 1], [5, 2], [2, 3]]), seed: r.int(1 << 16),
      order: r.chance(0.15) ? 'F' : 'C', byteorder: r.chance(0.1) ? '>' : '<' };
    return { recipe: rec, spec: { npy: null, chunks: genChunks(r, shape) }, dtype, shape };
  }
  if (kind === 'arange') {
    const floats = r.chance(0.5);
    let args;
    if (floats) args = [r.pick([0, -3.5, 0.1, 1.25, -1e-3]), r.pick([5, 7.3, 2.2, -1.5, 10.01]), r.pick([1, 0.3, 0.7, -0.25, 1.1])];
    else args = [r.pick([0, -5, 3, 10]), r.pick([7, 20, -3, 0, 50]), r.pick([1, 2, 3, -1, -2])];
    const n = Math.max(0, Math.ceil((args[1] - args[0]) / args[2]));
    const dt = floats ? r.w([[3, undefined], [1, 'float32']]) : r.w([[3, undefined], [1, r.pick(DTYPES.filter((d) => d !== 'bool' && !isUnsigned(d)))]]);
    const spec = { arange: args, chunks: genChunks(r, [n]) };
    if (dt) spec.dtype = dt;
    return { recipe: { kind: 'ctor', spec }, spec, dtype: dt ?? (floats ? 'float64' : 'int64'), shape: [n] };
  }
  const dt = r.w([[2, undefined], [1, dtype]]);
  const spec = {};
  let out = dt ?? 'float64';
  if (kind === 'zeros' || kind === 'ones') spec[kind] = shape;
  else {
    spec.full = shape;
    const v = r.w([[1, 1], [1, true], [1, false], [1, 2.5], [1, -3], [1, 0.0], [1, 7]]);
    spec.value = (isUnsigned(out) && v === -3) || (dt === 'bool' && typeof v !== 'boolean') ? 1 : v;
    if (!dt) out = typeof spec.value === 'boolean' ? 'bool' : Number.isInteger(spec.value) && spec.value !== 2.5 ? 'int64' : 'float64';
  }
  if (dt) spec.dtype = dt;
  spec.chunks = genChunks(r, shape);
  return { recipe: { kind: 'ctor', spec }, spec, dtype: out, shape };
}

// ---------------------------------------------------------------- expressions
const MATH = ['sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'log2', 'log10', 'exp2', 'expm1'];
const ROUNDING = ['floor', 'ceil', 'rint', 'abs', 'sign', 'isnan', 'logical_not'];
const ARITH = ['+', '-', '*', '/', '//', '%', '**'];
const CMP = ['<', '<=', '>', '>=', '==', '!='];
const BIT = ['&', '|', '^'];
const REDS = ['sum', 'prod', 'mean', 'var', 'std', 'min', 'max', 'argmin', 'argmax', 'any', 'all', 'count_nonzero'];
const NAN_REDS = ['nansum', 'nanprod', 'nanmean', 'nanvar', 'nanstd', 'nanmin', 'nanmax', 'nanargmin', 'nanargmax'];

class ExprGen {
  constructor(r, datasets) { this.r = r; this.ds = datasets; this.complexDs = []; }

  /**
   * A complex .npy dataset of this shape (complex128 or complex64, parts from the float pools,
   * random chunking, Fortran order and big-endian sometimes), made when a complex expression
   * first asks (so jobs without one draw nothing more); only complexOps reads it.
   */
  complexDataset(shape) {
    const r = this.r;
    const found = this.complexDs.find((d) => JSON.stringify(d.shape) === JSON.stringify(shape));
    if (found) return found;
    const dtype = r.w([[3, 'complex128'], [1, 'complex64']]);
    const name = `z${this.complexDs.length}`;
    const recipe = { kind: 'npy', dtype, shape, pool: r.w([[2, 1], [5, 2], [2, 3]]), seed: r.int(1 << 16), order: r.chance(0.2) ? 'F' : 'C', byteorder: r.chance(0.15) ? '>' : '<' };
    const d = { name, recipe, spec: { npy: null, chunks: genChunks(r, shape) }, dtype, shape };
    this.complexDs.push(d);
    return d;
  }

  leaf(hint) {
    const r = this.r;
    const fits = this.ds.filter((d) => !hint || broadcast(d.shape, hint));
    const choice = r.w([[8, 'dataset'], [2, 'literal'], [1, 'ctor']]);
    if (choice === 'dataset' || (choice === 'literal' && !hint)) {
      const d = fits.length && r.chance(0.85) ? r.pick(fits) : r.pick(this.ds);
      return { s: d.name, t: d.dtype, shape: d.shape };
    }
    if (choice === 'literal') return literal(r);
    const shape = hint ?? [1 + r.int(4)];
    const dt = r.pick(DTYPES);
    const sh = shape.length === 1 ? String(shape[0]) : `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
    return r.w([
      [2, () => ({ s: `zeros(${shape.length ? `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})` : '()'}, dtype=${dt === 'bool' ? 'bool_' : dt})`, t: dt, shape })],
      [1, () => ({ s: `ones(${shape.length ? sh : '()'})`, t: 'float64', shape })],
      [2, () => { const v = r.pick(['2', '-1.5', 'True', 'nan', '-0.0', '7']); return { s: `full(${shape.length ? sh : '()'}, ${v})`, t: v === 'True' ? 'bool' : /[.na]/.test(v) ? 'float64' : 'int64', shape }; }],
      [2, () => { const n = prod(shape); const f = r.chance(0.5); const s = f ? `arange(${n}.0)` : `arange(${n})`; return { s: shape.length === 1 ? s : `${s}.reshape(${shape.length ? `(${shape.join(', ')})` : '()'})`, t: f ? 'float64' : 'int64', shape }; }],
      [1, () => {
        const n = prod(shape), end = r.chance(0.7), lo = r.pick(['0', '-1.5', '1e-300', '3']), hi = r.pick(['1', '2.5', '-7', '1e300', '3']);
        const dtype = r.w([[3, null], [1, 'float32'], [1, 'int64']]);
        const s = `linspace(${lo}, ${hi}, ${n}${end ? '' : ', endpoint=False'}${dtype ? `, dtype=${dtype}` : ''})`;
        return { s: shape.length === 1 ? s : `${s}.reshape(${shape.length ? `(${shape.join(', ')})` : '()'})`, t: dtype ?? 'float64', shape };
      }],
      [1, () => {
        const n = shape.length === 2 ? shape[0] : 1 + r.int(5), m = shape.length === 2 ? shape[1] : 1 + r.int(5), k = r.pick([0, 0, 1, -1, 3]);
        const dtype = r.w([[2, null], [1, 'int8'], [1, 'bool_']]);
        return { s: `eye(${n}, ${m}${k ? `, k=${k}` : ''}${dtype ? `, dtype=${dtype}` : ''})`, t: dtype === 'bool_' ? 'bool' : dtype ?? 'float64', shape: [n, m] };
      }],
    ])();
  }

  gen(depth, hint) {
    const r = this.r;
    if (depth <= 0 || r.chance(0.15)) return this.leaf(hint);
    const kind = r.w([[1, 'leaf'], [6, 'arith'], [2, 'cmp'], [2, 'bit'], [3, 'math'], [3, 'round'], [2, 'unary'], [2, 'func2'],
      [2, 'where'], [1, 'clip'], [2, 'astype'], [4, 'reduce'], [3, 'index'], [2, 'shape'], [1, 'concat'], [1, 'rechunk'], [1, 'matmul'],
      [2, 'nanReduce'], [2, 'numeric'], [2, 'arrange'], [1, 'covariance'], [2, 'scan'], [1, 'products'], [2, 'mask'], [3, 'order']]);
    if (kind === 'leaf') return this.leaf(hint);
    // Outer products, tiles and grids can multiply sizes: an expression past 200,000 elements
    // (the oracle's answer would be too long a line) is a leaf instead.
    const out = this[kind](depth - 1, hint);
    return out.shape && prod(out.shape) > 200_000 ? this.leaf(hint) : out;
  }

  /** An operand compatible with x's shape (a literal, or an expression of a broadcastable shape). */
  partner(depth, x, hintKind) {
    if (this.r.chance(0.35)) return literal(this.r, hintKind);
    return this.gen(depth, x.shape ?? undefined);
  }

  binop(op, a, b, t) {
    const shape = a.shape && b.shape ? broadcast(a.shape, b.shape) ?? a.shape : a.shape ?? b.shape;
    return { s: `${wrap(a)} ${op} ${wrap(b)}`, t, shape, bin: true };
  }

  leafOf(x) { return x; }
  arith(d, hint) {
    const op = this.r.pick(ARITH);
    const a = this.gen(d, hint), b = this.partner(d, a);
    const [x, y] = this.r.chance(0.25) ? [b, a] : [a, b];
    let t = promoteT(x.t, y.t);
    if (op === '/') t = t.startsWith('py') ? 'pyfloat' : floatFor(t);
    if (t === 'bool' && ['//', '%', '**'].includes(op)) t = 'int8';
    return this.binop(op, x, y, t);
  }
  cmp(d, hint) {
    const a = this.gen(d, hint), b = this.partner(d, a);
    return this.binop(this.r.pick(CMP), a, b, 'bool');
  }
  bit(d, hint) {
    const a = this.gen(d, hint), b = this.partner(d, a, 'int');
    const fix = (x) => (isFloat(concrete(x.t)) && !x.lit && this.r.chance(0.85) ? { s: `(${x.s} > 0)`, t: 'bool', shape: x.shape } : x);
    const x = fix(a), y = b.t === 'pyfloat' ? literal(this.r, 'int') : fix(b);
    return this.binop(this.r.pick(BIT), x, y, promoteT(x.t, y.t));
  }
  math(d, hint) {
    const a = this.gen(d, hint);
    const f = this.r.pick(MATH);
    return { s: `${this.ns()}${f}(${a.s})`, t: floatFor(a.t), shape: a.shape };
  }
  ns() { return this.r.w([[6, ''], [2, 'np.'], [1, 'numpy.'], [1, 'da.']]); }
  round(d, hint) {
    const a = this.gen(d, hint);
    const r = this.r;
    const f = r.w([[3, 'rnd'], [7, 'other']]) === 'rnd' ? 'round' : r.pick(ROUNDING);
    if (f === 'round') {
      const dec = r.w([[2, null], [2, 1], [1, 2], [2, -1], [1, -2], [1, 0], [1, 3]]);
      const form = r.chance(0.5) && !a.lit ? `${wrap(a)}.round(${dec === null ? '' : dec})` : `round(${a.s}${dec === null ? '' : `, ${r.chance(0.5) ? 'decimals=' : ''}${dec}`})`;
      return { s: form, t: a.t === 'bool' ? 'float32' : a.t, shape: a.shape };
    }
    const t = f === 'isnan' || f === 'logical_not' ? 'bool' : f === 'rint' ? (isFloat(concrete(a.t)) ? a.t : floatFor(a.t)) : a.t;
    return { s: `${this.ns()}${f}(${a.s})`, t, shape: a.shape };
  }
  unary(d, hint) {
    const a = this.gen(d, hint);
    const op = isFloat(concrete(a.t)) || this.r.chance(0.5) ? '-' : '~';
    return { s: `${op}${wrap(a)}`, t: a.t, shape: a.shape };
  }
  func2(d, hint) {
    const f = this.r.pick(['minimum', 'maximum', 'logical_and', 'logical_or', 'logical_xor', 'arctan2', 'hypot']);
    const a = this.gen(d, hint), b = this.partner(d, a);
    const t = f.startsWith('logical') ? 'bool' : ['arctan2', 'hypot'].includes(f) ? floatFor(promoteT(a.t, b.t)) : promoteT(a.t, b.t);
    return { s: `${this.ns()}${f}(${a.s}, ${b.s})`, t, shape: broadcast(a.shape, b.shape) ?? a.shape ?? b.shape };
  }
  where(d, hint) {
    const c = this.gen(d, hint);
    const cond = c.t === 'bool' || this.r.chance(0.2) ? c : { s: `${wrap(c)} > 0`, t: 'bool', shape: c.shape, bin: true };
    const x = this.partner(d, c), y = this.partner(d, c);
    return { s: `where(${cond.s}, ${x.s}, ${y.s})`, t: promoteT(x.t, y.t), shape: broadcast(broadcast(cond.shape, x.shape), y.shape) ?? cond.shape };
  }
  clip(d, hint) {
    const a = this.gen(d, hint);
    const r = this.r;
    const bound = () => literal(r);
    const lo = r.w([[3, bound], [1, () => ({ s: 'None', t: null })], [1, () => this.gen(d - 1, a.shape)]])();
    const hi = lo.s === 'None' ? bound() : r.w([[3, bound], [1, () => ({ s: 'None', t: null })]])();
    let t = a.t;
    for (const b of [lo, hi]) if (b.t) t = promoteT(t, b.t);
    const s = r.chance(0.5) && !a.lit ? `${wrap(a)}.clip(${lo.s}, ${hi.s})` : `clip(${a.s}, ${lo.s}, ${hi.s})`;
    return { s, t, shape: a.shape };
  }
  astype(d, hint) {
    const a = this.gen(d, hint);
    const dt = this.r.pick(DTYPES);
    const name = this.r.w([[4, dt === 'bool' ? 'bool_' : dt], [1, `'${dt}'`]]);
    if (a.lit) return a;
    return { s: `${wrap(a)}.astype(${name})`, t: dt, shape: a.shape };
  }
  reduce(d) { return this.reduction(d, REDS); }
  nanReduce(d) { return this.reduction(d, NAN_REDS); }
  reduction(d, names) {
    const r = this.r;
    const a = this.gen(d);
    const f = r.pick(names);
    const varLike = f.endsWith('var') || f.endsWith('std');
    const nd = a.shape ? a.shape.length : 0;
    const axisForm = r.w([[3, 'none'], [4, 'int'], [1, 'tuple'], [1, 'bad']]);
    let axis = null;
    if (axisForm === 'int' && nd) axis = r.chance(0.3) ? -(1 + r.int(nd)) : r.int(nd);
    else if (axisForm === 'tuple' && nd) { const k = 1 + r.int(nd); axis = [...new Set(Array.from({ length: k }, () => r.int(nd)))]; }
    else if (axisForm === 'bad') axis = r.pick([nd, -nd - 1, 0]);
    const keep = r.chance(0.25);
    const args = [];
    const axisText = axis === null ? null : Array.isArray(axis) ? `(${axis.join(', ')}${axis.length === 1 ? ',' : ''})` : String(axis);
    const pos = r.chance(0.1); // extra positional arguments, as numpy reads them
    if (axisText !== null) args.push(pos ? axisText : `axis=${axisText}`);
    if (varLike && r.chance(0.5)) args.push(`ddof=${r.pick([1, 0, -1, 2, 5, 100])}`);
    if (keep && f !== 'count_nonzero') args.push(pos && axisText !== null && !varLike ? 'True' : 'keepdims=True');
    if (pos && axisText !== null && f.endsWith('std') && r.chance(0.5)) args.splice(1, 0, '1');
    const method = f !== 'count_nonzero' && !f.startsWith('nan') && !a.lit && r.chance(0.5);
    const s = method ? `${wrap(a)}.${f}(${args.join(', ')})` : `${this.ns()}${f}(${[a.s, ...args].join(', ')})`;
    const axes = axis === null ? Array.from({ length: nd }, (_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((x) => ((x % (nd || 1)) + (nd || 1)) % (nd || 1));
    const shape = a.shape ? (keep ? a.shape.map((x, i) => (axes.includes(i) ? 1 : x)) : a.shape.filter((_, i) => !axes.includes(i))) : [];
    const c = concrete(a.t), base = f.replace(/^nan/, '');
    const t = ['sum', 'prod'].includes(base) ? (isFloat(c) ? c : isUnsigned(c) ? 'uint64' : 'int64')
      : ['mean', 'var', 'std'].includes(base) ? (c === 'float32' ? 'float32' : 'float64')
        : ['argmin', 'argmax', 'count_nonzero'].includes(base) ? 'int64' : ['any', 'all'].includes(base) ? 'bool' : c;
    return { s, t, shape };
  }
  /** isfinite, isinf, isclose, allclose, average (with weights along an axis, or of a's shape). */
  numeric(d, hint) {
    const r = this.r;
    const a = this.gen(d, hint);
    const f = r.pick(['isfinite', 'isinf', 'isclose', 'allclose', 'average']);
    if (f === 'isfinite' || f === 'isinf') return { s: `${this.ns()}${f}(${a.s})`, t: 'bool', shape: a.shape };
    if (f === 'isclose' || f === 'allclose') {
      const b = this.partner(d, a);
      const opts = r.w([[3, ''], [1, ', equal_nan=True'], [1, ', rtol=0.1'], [1, ', atol=1.5, rtol=0']]);
      return { s: `${this.ns()}${f}(${a.s}, ${b.s}${opts})`, t: 'bool', shape: f === 'allclose' ? [] : broadcast(a.shape, b.shape) ?? a.shape ?? b.shape };
    }
    if (!a.shape || a.lit) return { s: `average(${a.s})`, t: 'float64', shape: [] };
    const nd = a.shape.length;
    const floatOf = (x) => (isFloat(concrete(x)) ? concrete(x) : 'float64');
    if (!nd || r.chance(0.3)) return { s: `average(${a.s})`, t: floatOf(a.t), shape: [] };
    const axis = r.int(nd);
    const same = r.chance(0.4) ? this.ds.find((x) => x.shape.length === nd && x.shape.every((n, i) => n === a.shape[i])) : null;
    const w = same ? same.name : r.w([[2, () => `arange(1, ${a.shape[axis] + 1})`], [1, () => `ones(${a.shape[axis]})`], [1, () => `linspace(-1, 1, ${a.shape[axis]})`]])();
    const shape = a.shape.filter((_, i) => i !== axis);
    return { s: `average(${a.s}, axis=${r.chance(0.3) ? axis - nd : axis}, weights=${w})`, t: floatOf(promoteT(a.t, 'float64')), shape };
  }
  /** broadcast_to, roll, repeat, tile, pad, tril, triu (a result that would grow past 20,000 elements: the operand). */
  arrange(d) {
    const a = this.gen(d);
    const out = this.arrangeOf(a);
    return a.shape && prod(out.shape) > Math.max(20000, prod(a.shape)) ? a : out;
  }
  arrangeOf(a) {
    const r = this.r;
    if (!a.shape || a.lit) return a;
    const nd = a.shape.length;
    const f = r.pick(['broadcast_to', 'roll', 'repeat', 'tile', 'pad', 'tril', 'triu', 'take', 'meshgrid', 'gradient']);
    const ax = () => r.int(2 * nd) - nd;
    if (f === 'take') {
      if (!nd) return a;
      const axis = ax(), n = a.shape[(axis + nd) % nd];
      const idx = n ? Array.from({ length: r.int(5) }, () => r.int(2 * n) - n) : [];
      const form = r.int(3);
      if (form === 0 && (axis + nd) % nd === 0 && idx.length) return { s: `${wrap(a)}[[${idx.join(', ')}]]`, t: a.t, shape: [idx.length, ...a.shape.slice(1)] };
      if (form === 1 && idx.length === 1) return { s: `take(${a.s}, ${idx[0]}, axis=${axis})`, t: a.t, shape: a.shape.filter((_, i) => i !== (axis + nd) % nd) };
      return { s: `take(${a.s}, [${idx.join(', ')}], axis=${axis})`, t: a.t, shape: a.shape.map((m, i) => (i === (axis + nd) % nd ? idx.length : m)) };
    }
    if (f === 'meshgrid') {
      const b = this.gen(0);
      if (!b.shape || b.lit) return a;
      const ij = r.chance(0.5), k = r.int(2);
      const [n1, n2] = [prod(a.shape), prod(b.shape)];
      return { s: `meshgrid(${a.s}, ${b.s}${ij ? ", indexing='ij'" : ''})[${k}]`, t: k ? b.t : a.t, shape: ij ? [n1, n2] : [n2, n1] };
    }
    if (f === 'gradient') {
      const edge = r.chance(0.3) ? ', edge_order=2' : '';
      const t = isFloat(concrete(a.t)) ? a.t : 'float64';
      if (nd === 1 || r.chance(0.5)) return { s: `gradient(${a.s}${r.chance(0.3) ? ', 0.5' : ''}${nd > 1 ? `, axis=${ax()}` : ''}${edge})`, t, shape: a.shape };
      return { s: `gradient(${a.s}${edge})[${r.int(nd)}]`, t, shape: a.shape };
    }
    if (f === 'broadcast_to') {
      const extra = r.int(3);
      const shape = [...Array(extra).fill(0).map(() => 1 + r.int(3)), ...a.shape.map((n) => (n === 1 && r.chance(0.5) ? 2 + r.int(3) : n))];
      return { s: `broadcast_to(${a.s}, (${shape.join(', ')}${shape.length === 1 ? ',' : ''}))`, t: a.t, shape };
    }
    if (f === 'roll') {
      const shift = r.pick([1, -1, 2, 7, -13, 0]);
      if (!nd || r.chance(0.3)) return { s: `roll(${a.s}, ${shift})`, t: a.t, shape: a.shape };
      return { s: `roll(${a.s}, ${shift}, axis=${ax()})`, t: a.t, shape: a.shape };
    }
    if (f === 'repeat') {
      const k = r.pick([1, 2, 3, 0]);
      if (!nd || r.chance(0.3)) return { s: r.chance(0.5) ? `repeat(${a.s}, ${k})` : `${wrap(a)}.repeat(${k})`, t: a.t, shape: [prod(a.shape) * k] };
      const axis = ax(), i = (axis + nd) % nd;
      return { s: `repeat(${a.s}, ${k}, axis=${axis})`, t: a.t, shape: a.shape.map((n, j) => (j === i ? n * k : n)) };
    }
    if (f === 'tile') {
      const reps = Array.from({ length: 1 + r.int(3) }, () => r.pick([1, 2, 3, 0]));
      const n = Math.max(nd, reps.length);
      const rr = [...Array(n - reps.length).fill(1), ...reps], sh = [...Array(n - nd).fill(1), ...a.shape];
      return { s: `tile(${a.s}, ${reps.length === 1 && r.chance(0.5) ? reps[0] : `(${reps.join(', ')}${reps.length === 1 ? ',' : ''})`})`, t: a.t, shape: sh.map((x, i) => x * rr[i]) };
    }
    if (f === 'pad') {
      if (!nd) return a;
      const mode = r.pick(['constant', 'constant', 'edge', 'wrap', 'reflect', 'symmetric']);
      const widths = a.shape.map((n) => {
        const limit = mode === 'reflect' ? n - 1 : mode === 'constant' || mode === 'edge' ? 3 : n;
        return [r.int(Math.max(0, Math.min(limit, 3)) + 1), r.int(Math.max(0, Math.min(limit, 3)) + 1)];
      });
      const form = r.int(3);
      const width = form === 0 && widths.every((w) => w[0] === widths[0][0]) ? String(widths[0][0]) : `(${widths.map((w) => `(${w[0]}, ${w[1]})`).join(', ')}${nd === 1 ? ',' : ''})`;
      const cv = mode === 'constant' && r.chance(0.5) ? `, constant_values=${r.pick(['1', '7', '-2'])}` : '';
      return { s: `pad(${a.s}, ${width}${mode === 'constant' && r.chance(0.5) ? '' : `, mode='${mode}'`}${cv})`, t: a.t, shape: a.shape.map((n, i) => n + widths[i][0] + widths[i][1]) };
    }
    const k = r.pick([0, 0, 1, -1, 2]);
    const shape = nd === 1 ? [a.shape[0], a.shape[0]] : a.shape;
    return { s: `${f}(${a.s}${k ? `, ${k}` : ''})`, t: a.t, shape };
  }
  /** cumsum, cumprod and their NaN-ignoring forms, along an axis or of the flattened array. */
  scan(d) {
    const r = this.r;
    const a = this.gen(d);
    const f = r.pick(['cumsum', 'cumsum', 'cumprod', 'nancumsum', 'nancumprod']);
    const nd = a.shape ? a.shape.length : 0;
    const axis = nd && r.chance(0.6) ? r.int(2 * nd) - nd : null;
    const dtype = r.chance(0.15) ? r.pick(['float32', 'int8', 'uint16', 'float64']) : null;
    const args = [...(axis === null ? [] : [r.chance(0.5) ? `axis=${axis}` : String(axis)]), ...(dtype ? [`dtype=${dtype}`] : [])];
    if (axis === null && dtype && args[0] !== `dtype=${dtype}`) args.unshift('None');
    const method = !f.startsWith('nan') && !a.lit && r.chance(0.4);
    const s = method ? `${wrap(a)}.${f}(${args.join(', ')})` : `${this.ns()}${f}(${[a.s, ...args].join(', ')})`;
    const c = concrete(a.t);
    const t = dtype ?? (isFloat(c) ? c : isUnsigned(c) ? 'uint64' : 'int64');
    return { s, t, shape: axis === null ? [a.shape ? prod(a.shape) : 1] : a.shape };
  }
  /**
   * Boolean-mask indexing (a mask of the operand's shape or of its leading axes, often reduced
   * after), nonzero, flatnonzero, argwhere, extract: results of data-dependent length (shape null).
   */
  mask(d) {
    const r = this.r;
    const a = this.gen(d);
    if (!a.shape || a.lit || !a.shape.length) return a;
    const lead = r.chance(0.7) ? a.shape.length : 1 + r.int(a.shape.length);
    const lead0 = lead === a.shape.length ? a.s : `${wrap(a)}[${Array(lead).fill(':').join(', ')}${', 0'.repeat(a.shape.length - lead)}]`;
    const cond = r.w([[3, () => `${wrap({ s: lead0 })} > ${r.pick(['0', '0.5', '-1', '3', '100'])}`], [1, () => `isnan(${lead0})`], [1, () => `${wrap({ s: lead0 })} % 2 == 1`]])();
    const f = r.w([[5, 'index'], [1, 'nonzero'], [1, 'flatnonzero'], [1, 'argwhere'], [1, 'extract']]);
    let out;
    if (f === 'index') out = { s: `${wrap(a)}[${cond}]`, t: a.t, shape: lead === a.shape.length ? null : null };
    else if (f === 'nonzero') out = { s: `nonzero(${cond})[${r.int(lead)}]`, t: 'int64', shape: null };
    else if (f === 'flatnonzero') out = { s: `flatnonzero(${a.s})`, t: 'int64', shape: null };
    else if (f === 'argwhere') out = { s: `argwhere(${a.s})`, t: 'int64', shape: null };
    else out = { s: `extract(${cond}, ${lead0})`, t: a.t, shape: null };
    // unique and bincount: lengths that depend on the data, as a mask's.
    if (r.chance(0.25)) {
      const ret = r.w([[4, 'values'], [3, 'counts'], [2, 'index'], [2, 'inverse']]);
      const arg = { values: ')', counts: ', return_counts=True)[1]', index: ', return_index=True)[1]', inverse: `, return_inverse=True${r.chance(0.3) ? ', return_index=True)[2]' : ')[1]'}` }[ret];
      out = { s: `${this.ns()}unique(${a.s}${arg}`, t: ret === 'values' ? a.t : 'int64', shape: ret === 'inverse' ? a.shape : null };
    } else if (r.chance(0.2) && (concrete(a.t) === 'bool' || /int/.test(concrete(a.t)))) {
      // Weights of quarters (exact in float64 in any order of summing).
      const weights = r.chance(0.3) ? `, weights=(${wrap(a)}.ravel() % 3) * 0.25` : '';
      out = { s: `${this.ns()}bincount(${wrap(a)}.ravel() % ${r.pick([3, 17, 64])}${weights}${r.chance(0.3) ? `, minlength=${r.pick([0, 5, 70])}` : ''})`, t: weights ? 'float64' : 'int64', shape: null };
    }
    if (!r.chance(0.5)) return out;
    const red = r.pick(['sum', 'max', 'mean', 'prod', 'any']);
    return { s: `${wrap(out)}.${red}()`, t: red === 'mean' ? floatFor(a.t) : red === 'any' ? 'bool' : red === 'max' ? concrete(out.t) : concrete(out.t) === 'bool' ? 'int64' : concrete(out.t), shape: [] };
  }
  /**
   * np.fft at an output's root (complex results flow into few operations; the oracle's tolerance
   * for a transform's rounding is set by the root): 1-D transforms with n, axis and norm, 2-D and
   * N-D ones with s and axes, a transform of a transform, and the frequencies and shifts.
   */
  fourier(d) {
    const r = this.r;
    const a = this.gen(d);
    if (!a.shape || a.lit || !a.shape.length) {
      const f = r.pick(['fftfreq', 'rfftfreq']);
      return { s: `np.fft.${f}(${r.int(9)}${r.chance(0.5) ? `, d=${r.pick(['0.5', '2', '0.1', '3'])}` : ''})`, t: 'float64', shape: null };
    }
    const nd = a.shape.length;
    const anAxis = () => (r.chance(0.05) ? nd : r.int(2 * nd) - nd);
    const norm = () => (r.chance(0.3) ? [`norm=${r.pick(["'ortho'", "'forward'", "'backward'"])}`] : []);
    const nArg = (len) => (r.chance(0.3) ? [`n=${r.w([[3, () => 1 + r.int(2 * len + 2)], [1, () => r.pick([0, -1])]])()}`] : []);
    const one = (x) => {
      const f = r.w([[3, 'fft'], [2, 'ifft'], [3, 'rfft'], [2, 'irfft']]);
      const ax = r.chance(0.4) ? anAxis() : -1;
      const len = x.shape[((ax % nd) + nd) % nd] ?? 1;
      const args = [x.s, ...nArg(len), ...(ax !== -1 || r.chance(0.2) ? [`axis=${ax}`] : []), ...norm()];
      return { s: `np.fft.${f}(${args.join(', ')})`, t: 'complex', shape: x.shape };
    };
    const f = r.w([[6, 'one'], [2, 'twice'], [2, 'many'], [1, 'shift']]);
    if (f === 'one') return one(a);
    if (f === 'twice') return one(one(a));
    if (f === 'shift') return { s: `np.fft.${r.pick(['fftshift', 'ifftshift'])}(${a.s}${r.chance(0.4) ? `, axes=${anAxis()}` : ''})`, t: a.t, shape: a.shape };
    const g = nd >= 2 ? r.pick(['fft2', 'ifft2', 'rfft2', 'irfft2', 'fftn', 'ifftn', 'rfftn', 'irfftn']) : r.pick(['fftn', 'ifftn', 'rfftn', 'irfftn']);
    const args = [a.s];
    if (r.chance(0.3)) {
      const k = g.endsWith('2') ? 2 : 1 + r.int(nd);
      args.push(`s=(${Array.from({ length: k }, () => 1 + r.int(9)).join(', ')}${k === 1 ? ',' : ''})`);
      if (r.chance(0.5) || !g.endsWith('2')) args.push(`axes=(${Array.from({ length: k }, (_, i) => i - k).join(', ')}${k === 1 ? ',' : ''})`);
    }
    return { s: `np.fft.${g}(${[...args, ...norm()].join(', ')})`, t: 'complex', shape: a.shape };
  }
  /**
   * Complex values at an output's root (they flow into few operations): a real array made complex
   * with a Python complex literal (`a * 1j`, `a + (1.5-2j)`, `a + b * 1j`), then complex arithmetic
   * with literals and arrays, comparisons, powers, exp, sqrt, square, logs, conj, isnan/isinf/isfinite,
   * abs, .real/.imag, sum and mean.
   */
  complexOps(d) {
    const r = this.r;
    const lit = () => r.pick(['1j', '2j', '-1j', '0.5j', '(1+2j)', '(1.5-2j)', '(-0.0-1j)', '(3+0j)', '(0.25+0.75j)', '1e300j', '(2-1e-300j)']);
    const a = this.gen(Math.max(0, d - 1));
    if (!a.shape || a.lit) return a;
    let z = r.w([[3, () => `${wrap(a)} * ${lit()}`], [2, () => `${wrap(a)} + ${lit()}`], [2, () => `${lit()} - ${wrap(a)}`],
      [2, () => { const b = this.gen(Math.max(0, d - 2), a.shape); return `${wrap(a)} + ${wrap(b)} * 1j`; }],
      [3, () => { const c = this.complexDataset(a.shape); return r.chance(0.5) ? c.name : `${c.name} ${r.pick(['+', '-', '*', '/'])} ${wrap(a)}`; }]])();
    const t = concrete(a.t) === 'float32' ? 'complex64' : 'complex128';
    for (let k = r.int(3); k >= 0; k--) {
      const step = r.w([[3, 'arith'], [2, 'fn'], [1, 'pow'], [1, 'lit']]);
      if (step === 'arith') {
        const b = r.chance(0.5) ? lit() : wrap(this.gen(Math.max(0, d - 2), a.shape));
        const op = r.pick(['+', '-', '*', '/']);
        z = r.chance(0.3) ? `${b} ${op} (${z})` : `(${z}) ${op} ${b}`;
      } else if (step === 'fn') {
        z = `${this.ns() || 'np.'}${r.pick(['exp', 'sqrt', 'square', 'log', 'log10', 'log2', 'conj', 'negative'])}(${z})`;
      } else if (step === 'pow') {
        z = `(${z}) ** ${r.pick(['0', '1', '2', '3', '4', '7', '-1', '-2', '-3', '0.5', '2.0', '-1.0'])}`;
      } else {
        z = `(${z}) * ${r.pick(['(1+2j) * 3', '(2j - 1) / (1 + 1j)', '(1j) ** 2', '(1+1j) ** -2', '2 ** 0.5j'])}`;
      }
    }
    const shape = a.shape;
    const end = r.w([[6, 'as is'], [2, 'part'], [1, 'abs'], [1, 'test'], [1, 'cmp'], [2, 'reduce']]);
    if (end === 'part') return { s: `(${z}).${r.pick(['real', 'imag'])}`, t: t === 'complex64' ? 'float32' : 'float64', shape };
    if (end === 'abs') return { s: `abs(${z})`, t: t === 'complex64' ? 'float32' : 'float64', shape };
    if (end === 'test') return { s: `${r.pick(['isnan', 'isinf', 'isfinite'])}(${z})`, t: 'bool', shape };
    if (end === 'cmp') return { s: `(${z}) ${r.pick(['==', '!=', '<', '<=', '>', '>='])} ${r.chance(0.5) ? lit() : `np.conj(${z})`}`, t: 'bool', shape };
    if (end === 'reduce') return { s: `(${z}).${r.pick(['sum', 'mean'])}()`, t: 'complex', shape: [] };
    return { s: z, t: 'complex', shape };
  }
  /** sort, argsort, topk (dask's), median, percentile and quantile, along an axis or of the flattened array. */
  order(d) {
    const r = this.r;
    const a = this.gen(d);
    if (!a.shape || a.lit) return a;
    const nd = a.shape.length, c = concrete(a.t);
    const f = r.w([[3, 'sort'], [2, 'argsort'], [1, 'topk'], [2, 'median'], [2, 'percentile'], [2, 'quantile'], [2, 'histogram']]);
    const anAxis = () => (nd ? r.int(2 * nd) - nd : 0);
    if (f === 'sort' || f === 'argsort') {
      const axis = r.w([[3, 'default'], [2, 'none'], [3, 'int']]);
      const ax = axis === 'int' ? anAxis() : -1;
      const args = axis === 'none' ? ['axis=None'] : axis === 'int' ? [r.chance(0.5) ? `axis=${ax}` : String(ax)] : [];
      if (r.chance(0.2)) args.push(`kind=${r.pick(["'stable'", "'quicksort'", "'mergesort'"])}`);
      const method = f === 'argsort' && r.chance(0.4);
      const shape = axis === 'none' || !nd ? [prod(a.shape)] : a.shape;
      return { s: method ? `${wrap(a)}.argsort(${args.join(', ')})` : `${this.ns()}${f}(${[a.s, ...args].join(', ')})`, t: f === 'sort' ? c : 'int64', shape };
    }
    if (f === 'histogram') {
      const bins = r.w([[3, () => 1 + r.int(12)], [1, () => `[${r.pick(['0, 0.5, 1', '-1, 0, 2, 2.5', '0, 1, 10, 100', '-3, 3'])}]`]])();
      const range = typeof bins === 'number' && r.chance(0.4) ? `, range=(${r.pick(['0, 1', '-1, 1', '0.25, 0.75', '-100, 100', '2, 2', '0, 10'])})` : '';
      const density = r.chance(0.2) ? ', density=True' : '';
      // Weights of halves where a is a number (exact in any order of summing).
      const weights = r.chance(0.25) ? `, weights=(${wrap(a)} == ${wrap(a)}) * 0.5` : '';
      const which = r.int(2);
      const n = typeof bins === 'number' ? bins : bins.split(',').length - 1;
      const t = which === 1 ? (typeof bins === 'number' ? (c === 'float32' ? 'float32' : 'float64') : bins.includes('.') ? 'float64' : 'int64') : density || weights ? 'float64' : 'int64';
      return { s: `${this.ns()}histogram(${a.s}, ${bins}${range}${density}${weights})[${which}]`, t, shape: [which === 1 ? n + 1 : n] };
    }
    if (f === 'topk') {
      if (!nd) return a;
      const ax = anAxis(), n = a.shape[(ax + nd) % nd];
      if (!n) return a;
      const k = (1 + r.int(Math.min(n, 6))) * (r.chance(0.4) ? -1 : 1);
      const axisArg = ax === -1 && r.chance(0.5) ? '' : `, axis=${ax}`;
      const s = r.chance(0.4) && !a.lit ? `${wrap(a)}.topk(${k}${axisArg})` : `da.topk(${a.s}, ${k}${axisArg})`;
      return { s, t: c, shape: a.shape.map((x, i) => (i === (ax + nd) % nd ? Math.abs(k) : x)) };
    }
    const axis = !nd || r.chance(0.4) ? null : r.chance(0.2) && nd > 1 ? [0, nd - 1] : anAxis();
    const keep = r.chance(0.2);
    const axes = axis === null ? a.shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((x) => (x + nd) % nd);
    const reduced = keep ? a.shape.map((x, i) => (axes.includes(i) ? 1 : x)) : a.shape.filter((_, i) => !axes.includes(i));
    const axisText = axis === null ? [] : [`axis=${Array.isArray(axis) ? `(${axis.join(', ')})` : axis}`];
    const opts = [...axisText, ...(keep ? ['keepdims=True'] : [])];
    if (f === 'median') return { s: `${this.ns()}median(${[a.s, ...opts].join(', ')})`, t: isFloat(c) ? c : 'float64', shape: reduced };
    const scale = f === 'percentile' ? 100 : 1;
    const one = () => r.w([[3, () => (r.int(100001) / 100000) * scale], [1, () => r.pick([0, scale, scale / 2])], [1, () => r.pick([0, 1])]])();
    const list = r.chance(0.35);
    const q = list ? `[${Array.from({ length: 1 + r.int(3) }, one).join(', ')}]` : String(one());
    const t = list ? 'float64' : isFloat(c) ? c : 'float64';
    return { s: `${this.ns()}${f}(${[a.s, q, ...opts].join(', ')})`, t, shape: list ? [q.split(',').length, ...reduced] : reduced };
  }
  /** dot, tensordot and einsum over any dimensions, and linalg.norm. */
  products(d) {
    const r = this.r;
    const a = this.gen(d);
    if (!a.shape || a.lit) return a;
    const nd = a.shape.length;
    if (nd >= 1 && r.chance(0.25)) return this.norm(a);
    const last = nd ? a.shape[nd - 1] : null;
    const fits = this.ds.filter((x) => nd === 0 || x.shape.length === 0 || (x.shape.length === 1 ? x.shape[0] === last : x.shape[x.shape.length - 2] === last));
    const b = fits.length ? (() => { const x = r.pick(fits); return { s: x.name, t: x.dtype, shape: x.shape }; })() : a;
    const bAxis = b.shape.length === 1 ? 0 : b.shape.length - 2;
    if (r.chance(0.5) || nd === 0 || b.shape.length === 0) {
      const shape = nd === 0 || b.shape.length === 0 ? broadcast(a.shape, b.shape) ?? a.shape : [...a.shape.slice(0, -1), ...b.shape.filter((_, i) => i !== bAxis)];
      return { s: r.chance(0.5) && !a.lit ? `${wrap(a)}.dot(${b.s})` : `dot(${a.s}, ${b.s})`, t: promoteT(a.t, b.t), shape };
    }
    if (r.chance(0.35)) return this.einsum(a, b, bAxis);
    const k = r.int(Math.min(nd, b.shape.length) + 1);
    const axesA = Array.from({ length: k }, (_, i) => nd - k + i), axesB = Array.from({ length: k }, (_, i) => i);
    const ok = axesA.every((x, i) => a.shape[x] === b.shape[axesB[i]]);
    const form = ok && r.chance(0.5) ? `${k}` : `([${nd - 1}], [${bAxis}])`;
    const shape = form === `${k}` ? [...a.shape.slice(0, nd - k), ...b.shape.slice(k)] : [...a.shape.slice(0, -1), ...b.shape.filter((_, i) => i !== bAxis)];
    return { s: `tensordot(${a.s}, ${b.s}, ${form})`, t: promoteT(a.t, b.t), shape };
  }
  /**
   * einsum: of a alone (a permutation of a subset of its labels; a trace or diagonal of a square
   * pair), or of a and b contracted over a's last axis and b's dot axis, the output implicit or
   * an explicit order of some of the labels left.
   */
  einsum(a, b, bAxis) {
    const r = this.r;
    const nd = a.shape.length;
    const la = 'abcd'.slice(0, nd).split('');
    const order = (labels) => [...labels].sort(() => r.int(3) - 1);
    if (r.chance(0.4)) {
      if (nd === 2 && a.shape[0] === a.shape[1] && r.chance(0.5)) {
        const diag = r.chance(0.5);
        return { s: `einsum('aa${diag ? '->a' : ''}', ${a.s})`, t: a.t, shape: diag ? [a.shape[0]] : [] };
      }
      if (nd >= 2 && r.chance(0.35)) {
        // '...' for the leading axes: implicit (they come first, the rest sorted: a itself), or an
        // explicit output with '...' before or after some of the other labels.
        const ell = 1 + r.int(nd - 1), labels = la.slice(ell), lead = a.shape.slice(0, ell);
        if (r.chance(0.4)) return { s: `einsum('...${labels.join('')}', ${a.s})`, t: a.t, shape: a.shape };
        const out = order(labels.filter(() => r.chance(0.7)));
        const size = out.map((l) => a.shape[la.indexOf(l)]);
        const first = r.chance(0.5);
        return { s: `einsum('...${labels.join('')}->${first ? `...${out.join('')}` : `${out.join('')}...`}', ${a.s})`, t: a.t, shape: first ? [...lead, ...size] : [...size, ...lead] };
      }
      const out = order(la.filter(() => r.chance(0.7)));
      return { s: `einsum('${la.join('')}->${out.join('')}', ${a.s})`, t: a.t, shape: out.map((l) => a.shape[la.indexOf(l)]) };
    }
    const lb = b.shape.map((_, i) => (i === bAxis ? la[nd - 1] : 'wxyz'[i]));
    const left = [...la.slice(0, -1), ...lb.filter((_, i) => i !== bAxis)];
    const size = (l) => (la.includes(l) ? a.shape[la.indexOf(l)] : b.shape[lb.indexOf(l)]);
    const explicit = r.chance(0.6);
    const out = explicit ? order(left.filter(() => r.chance(0.8))) : [...left].sort();
    return { s: `einsum('${la.join('')},${lb.join('')}${explicit ? `->${out.join('')}` : ''}', ${a.s}, ${b.s})`, t: promoteT(a.t, b.t), shape: out.map(size) };
  }
  /** np.linalg.norm: vector orders along one axis, matrix orders over two, or the whole array. */
  norm(a) {
    const r = this.r;
    const nd = a.shape.length;
    const t = isFloat(a.t) ? a.t : 'float64';
    const keep = r.chance(0.2);
    const kd = keep ? ', keepdims=True' : '';
    const form = r.w([[2, 'all'], [3, 'vector'], [nd >= 2 ? 2 : 0, 'matrix']]);
    if (form === 'all') return { s: `np.linalg.norm(${a.s}${kd})`, t, shape: keep ? a.shape.map(() => 1) : [] };
    if (form === 'vector') {
      const ax = r.int(nd);
      const ord = r.pick(['None', '1', '2', 'np.inf', '-np.inf', '0', '3', '0.5']);
      return { s: `np.linalg.norm(${a.s}, ${ord}, axis=${ax}${kd})`, t, shape: a.shape.flatMap((n, i) => (i === ax ? (keep ? [1] : []) : [n])) };
    }
    const r0 = r.int(nd);
    let r1 = r.int(nd - 1);
    if (r1 >= r0) r1 += 1;
    const ord = r.pick(['None', "'fro'", '1', '-1', 'np.inf', '-np.inf', ...(nd === 2 ? ['2', '-2', "'nuc'"] : [])]);
    return { s: `np.linalg.norm(${a.s}, ${ord}, axis=(${r0}, ${r1})${kd})`, t, shape: a.shape.flatMap((n, i) => (i === r0 || i === r1 ? (keep ? [1] : []) : [n])) };
  }
  /** cov and corrcoef of a 1-D or 2-D operand (variables in rows, or columns with rowvar=False). */
  covariance(d) {
    const r = this.r;
    const small = this.ds.filter((x) => x.shape.length === 1 || x.shape.length === 2);
    const a = small.length && r.chance(0.7) ? (() => { const x = r.pick(small); return { s: x.name, t: x.dtype, shape: x.shape }; })() : this.gen(d);
    if (!a.shape || a.lit || a.shape.length > 2 || a.shape.length === 0) return a;
    const f = r.pick(['cov', 'corrcoef']);
    const rowvar = a.shape.length === 2 && r.chance(0.3);
    const opts = `${rowvar ? ', rowvar=False' : ''}${f === 'cov' && r.chance(0.3) ? `, ${r.pick(['bias=True', 'ddof=0', 'ddof=2'])}` : ''}`;
    const vars = a.shape.length === 1 ? 1 : rowvar ? a.shape[1] : a.shape[0];
    return { s: `${f}(${a.s}${opts})`, t: 'float64', shape: vars === 1 ? [] : [vars, vars] };
  }
  index(d) {
    const r = this.r;
    const a = this.gen(d);
    if (!a.shape || a.lit) return a;
    const items = [];
    const shape = [];
    let dim = 0;
    const nd = a.shape.length;
    const nItems = r.int(nd + 2);
    let ellipsis = false;
    for (let k = 0; k < nItems; k++) {
      const n = a.shape[dim];
      const form = r.w([[3, 'slice'], [3, 'int'], [1, 'none'], [1, 'ellipsis'], [1, 'bad']]);
      if (form === 'none') { items.push('None'); shape.push(1); continue; }
      if (form === 'ellipsis' && !ellipsis) {
        ellipsis = true; items.push('...');
        const rest = nd - dim - (nItems - k - 1);
        for (let j = 0; j < Math.max(0, rest); j++) shape.push(a.shape[dim++]);
        continue;
      }
      if (dim >= nd) { if (form === 'bad') items.push('0'); continue; }
      if (form === 'int' && n > 0) { const i = r.int(n); items.push(String(r.chance(0.3) ? i - n : i)); dim++; continue; }
      if (form === 'bad') { items.push(String(r.pick([n, -n - 1, 100]))); dim++; continue; }
      const step = r.w([[4, null], [2, 2], [2, -1], [1, -2], [1, 3]]);
      const lo = r.chance(0.4) ? r.int(n + 3) - 1 : null, hi = r.chance(0.4) ? r.int(n + 3) - 1 : null;
      items.push(`${lo ?? ''}:${hi ?? ''}${step === null ? '' : `:${step}`}`);
      shape.push(sliceLen(n, lo, hi, step ?? 1));
      dim++;
    }
    for (; dim < nd; dim++) shape.push(a.shape[dim]);
    if (!items.length) items.push('...');
    return { s: `${wrap(a)}[${items.join(', ')}]`, t: a.t, shape };
  }
  shape(d) {
    const r = this.r;
    const a = this.gen(d);
    if (!a.shape || a.lit) return a;
    const n = prod(a.shape);
    const form = r.pick(['T', 'transpose', 'reshape', 'ravel', 'reshape_fn', 'transpose_fn']);
    if (form === 'T') return { s: `${wrap(a)}.T`, t: a.t, shape: a.shape.slice().reverse() };
    if (form === 'transpose' || form === 'transpose_fn') {
      const perm = a.shape.map((_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) { const j = r.int(i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
      const s = form === 'transpose' ? `${wrap(a)}.transpose(${perm.join(', ')})` : `transpose(${a.s}, (${perm.join(', ')}${perm.length === 1 ? ',' : ''}))`;
      return { s, t: a.t, shape: perm.map((p) => a.shape[p]) };
    }
    if (form === 'ravel') return { s: r.chance(0.5) ? `${wrap(a)}.ravel()` : `ravel(${a.s})`, t: a.t, shape: [n] };
    const divs = [];
    for (let k = 1; k <= n; k++) if (n % k === 0) divs.push(k);
    let shape;
    const nd = r.int(4);
    if (n === 0) shape = r.pick([[0], [0, 3], [2, 0]]);
    else if (nd === 0) shape = n === 1 ? [] : [n];
    else if (nd === 1) shape = [n];
    else if (nd === 2) { const k = r.pick(divs); shape = [k, n / k]; }
    else { const k = r.pick(divs); const m = n / k; const mdivs = divs.filter((x) => m % x === 0); const j = r.pick(mdivs); shape = [k, j, m / j]; }
    const shown = shape.map((x, i) => (i === 0 && shape.length > 1 && r.chance(0.3) ? -1 : x));
    const s = form === 'reshape' ? `${wrap(a)}.reshape(${shown.length === 1 ? shown[0] : `(${shown.join(', ')})`})` : `reshape(${a.s}, (${shown.join(', ')}${shown.length === 1 ? ',' : ''}))`;
    return { s, t: a.t, shape };
  }
  concat(d, hint) {
    const r = this.r;
    const a = this.gen(d, hint);
    if (!a.shape || a.lit) return a;
    const b = this.gen(d, a.shape);
    const stack = r.chance(0.4);
    const nd = a.shape.length;
    const axis = stack ? r.int(nd + 1) - (r.chance(0.2) ? nd + 1 : 0) : nd ? r.int(nd) - (r.chance(0.2) ? nd : 0) : 0;
    const parts = r.chance(0.3) ? [a.s, b.s, a.s] : [a.s, b.s];
    let shape;
    const ax = ((axis % (nd + (stack ? 1 : 0))) + nd + (stack ? 1 : 0)) % (nd + (stack ? 1 : 0) || 1);
    if (stack) { shape = a.shape.slice(); shape.splice(ax, 0, parts.length); } else { shape = a.shape.slice(); if (nd) shape[ax] = (a.shape[ax] ?? 0) * parts.length; }
    const ax0 = r.chance(0.3) ? '' : `, axis=${axis}`;
    return { s: `${stack ? 'stack' : 'concatenate'}([${parts.join(', ')}]${stack && ax0 === '' ? '' : ax0 || ', axis=0'})`, t: b.shape ? promoteT(a.t, b.t) : a.t, shape };
  }
  rechunk(d, hint) {
    const a = this.gen(d, hint);
    if (!a.shape || a.lit) return a;
    const ch = this.r.w([[2, () => String(1 + this.r.int(3))], [2, () => `(${a.shape.map((x) => (x ? 1 + this.r.int(x) : -1)).join(', ')}${a.shape.length === 1 ? ',' : ''})`], [1, () => "'auto'"]])();
    return { s: this.r.chance(0.5) ? `rechunk(${a.s}, ${ch})` : `${wrap(a)}.rechunk(${ch})`, t: a.t, shape: a.shape };
  }
  matmul(d) {
    const r = this.r;
    const two = this.ds.filter((x) => x.shape.length === 2);
    const a = two.length && r.chance(0.7) ? (() => { const x = r.pick(two); return { s: x.name, t: x.dtype, shape: x.shape }; })() : this.gen(d);
    if (!a.shape || a.shape.length !== 2) return a;
    const k = a.shape[1];
    const cand = this.ds.filter((x) => x.shape.length === 2 && x.shape[0] === k);
    const candT = this.ds.filter((x) => x.shape.length === 2 && x.shape[1] === k);
    let b;
    if (cand.length && r.chance(0.5)) { const x = r.pick(cand); b = { s: x.name, t: x.dtype, shape: x.shape }; }
    else if (candT.length) { const x = r.pick(candT); b = { s: `${x.name}.T`, t: x.dtype, shape: [k, x.shape[0]] }; }
    else b = { s: `${wrap(a)}.T`, t: a.t, shape: [k, a.shape[0]] };
    // numpy's other operand ranks: a vector on either side (its axis dropped), or stacks of
    // matrices whose leading axes broadcast.
    let [ea, eb, shape] = [wrap(a), wrap(b), [a.shape[0], b.shape[1]]];
    const form = r.w([[6, 'matrices'], [1, 'row'], [1, 'column'], [1, 'stack'], [1, 'stacks']]);
    if (form === 'row') [ea, shape] = [`${wrap(a)}[${r.int(a.shape[0])}]`, [b.shape[1]]];
    if (form === 'column') [eb, shape] = [`${wrap(b)}[:, ${r.int(b.shape[1])}]`, [a.shape[0]]];
    if (form === 'stack') [ea, shape] = [`stack([${a.s}, ${wrap(a)} * 2])`, [2, a.shape[0], b.shape[1]]];
    if (form === 'stacks') [ea, eb, shape] = [`stack([${a.s}, ${wrap(a)} - 1])[:, None]`, `stack([${b.s}, ${b.s}, ${b.s}])`, [2, 3, a.shape[0], b.shape[1]]];
    const s = r.w([[2, `${ea} @ ${eb}`], [1, `matmul(${ea}, ${eb})`]]);
    return { s, t: promoteT(a.t, b.t), shape };
  }
}

function sliceLen(n, lo, hi, step) {
  // Python's slice.indices
  const norm = (v, dflt) => {
    if (v === null) return dflt;
    if (v < 0) v += n;
    return step > 0 ? Math.min(Math.max(v, 0), n) : Math.min(Math.max(v, -1), n - 1);
  };
  const start = norm(lo, step > 0 ? 0 : n - 1), stop = norm(hi, step > 0 ? n : -1);
  return Math.max(0, Math.ceil((stop - start) / step));
}

/** A name or one call (its first parenthesis closes at the end: `f(a) != g(b)` is not one call). */
function atom(s) {
  const m = /^[A-Za-z_][\w.]*/.exec(s);
  if (!m) return false;
  if (m[0].length === s.length) return true;
  if (s[m[0].length] !== '(') return false;
  let depth = 0;
  for (let i = m[0].length; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '[') depth++;
    else if (s[i] === ')' || s[i] === ']') depth--;
    if (depth === 0) return i === s.length - 1;
  }
  return false;
}
const wrap = (x) => ((atom(x.s) || (x.lit && /^[\d.]/.test(x.s))) && !x.bin && !/^-/.test(x.s) ? x.s : `(${x.s})`);

/** Builds a job from a tape: { datasets, outputs, engine, recipes }. */
export function jobFromTape(tape) {
  const r = new Tape(tape);
  const baseShape = genShape(r);
  const nDatasets = 1 + r.w([[3, 0], [3, 1], [2, 2]]);
  const big = r.chance(0.04);
  const datasets = [];
  for (let i = 0; i < nDatasets; i++) {
    const d = genDataset(r, baseShape, big && i === 0);
    datasets.push({ name: 'abc'[i], ...d });
  }
  const g = new ExprGen(r, datasets);
  const nOut = 1 + r.w([[2, 0], [3, 2], [3, 4], [2, 6]]);
  const outputs = {};
  for (let i = 0; i < nOut; i++) {
    const depth = r.w([[1, 1], [2, 2], [3, 3], [2, 4], [1, 5]]);
    const root = r.w([[18, 'gen'], [2, 'fourier'], [1, 'complexOps']]);
    outputs[`o${i}`] = (root === 'fourier' ? g.fourier(depth) : root === 'complexOps' ? g.complexOps(depth) : g.gen(depth)).s;
  }
  const engine = r.w([[3, 'w2'], [2, 'w1'], [2, 'w3'], [1, 'sync']]);
  datasets.push(...g.complexDs);
  return {
    engine,
    datasets: Object.fromEntries(datasets.map((d) => [d.name, d.recipe.kind === 'npy' ? { npy: `${d.name}.npy`, chunks: d.spec.chunks } : d.spec])),
    recipes: Object.fromEntries(datasets.map((d) => [d.name, d.recipe])),
    outputs,
  };
}

/** Jobs number `start` .. `start + count - 1` of a seed: the same jobs on every machine. */
export function sampleJobs(seed, start, count) {
  const tapes = fc.sample(tapeArbitrary, { seed: seed + start * 7919, numRuns: count });
  return tapes.map((tape, i) => ({ index: start + i, tape, job: jobFromTape(tape) }));
}
