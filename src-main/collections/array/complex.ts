/**
 * Complex arrays (ADR 0038): numpy's layout, a float array with a trailing axis of 2 holding each
 * value's (real, imaginary) pair; float64 pairs are complex128, float32 pairs complex64. The fused
 * kernels stay real: each complex operation is numpy's formula over the two parts (its
 * multiplication, Smith's division as numpy's loops do it, hypot for abs, arctan2 for angle), so
 * results are numpy's bit for bit where numpy's own loops are these formulas. A real operand meets
 * a complex one as numpy promotes it: the real part, and an imaginary part of +0.
 *
 * The evaluator carries a complex value as its pairs node with the shape that excludes the pair
 * axis ("logical" shape here); only the operations below, the fft functions (fft.ts) and the
 * output path know the layout.
 */
import { TesseraError } from '../../engine/errors.js';
import { elementwise, type IndexItem, index, normalizeAxes, reduce, reshape, scalar, stack, transpose } from './build.js';
import { broadcastTo } from './shape-functions.js';
import { full } from './creation.js';
import { isfinite, isinf } from './numeric-functions.js';
import { type DType, promoteDtypes } from './dtype.js';
import { broadcastShapes, type ExprContext, type Node } from './expr.js';


/** The logical shape of a pairs node (without the pair axis). */
export function logicalShape(pairs: Node): number[] {
  return pairs.shape.slice(0, -1);
}

const ALL: IndexItem = { kind: 'slice', start: null, stop: null, step: null };

/** The real (0) or imaginary (1) parts of a pairs node. */
export function part(ctx: ExprContext, pairs: Node, which: 0 | 1): Node {
  return index(ctx, pairs, [...logicalShape(pairs).map(() => ALL), { kind: 'int', value: which }]);
}

/** Pairs from real and imaginary parts (broadcast together; a weak scalar part takes the other's dtype). */
export function pairsOf(ctx: ExprContext, re0: Node, im0: Node): Node {
  const dtype: DType = re0.weak === null ? re0.dtype : im0.weak === null ? im0.dtype : 'float64';
  const as = (x: Node) => (x.dtype === dtype && x.weak === null ? x : elementwise(ctx, `astype_${dtype}`, [x]));
  const shape = broadcastShapes([re0.shape, im0.shape]);
  return stack(ctx, [broadcastTo(ctx, as(re0), shape), broadcastTo(ctx, as(im0), shape)], -1);
}

/**
 * The float dtype of a complex result's parts, as numpy promotes: two complex operands, the wider;
 * a complex64 with a real array that float32 cannot hold (int32, int64, float64, ...), float64; a
 * Python number keeps the complex one's.
 */
function partDtype(a: Operand, b: Operand): DType {
  // A Python complex is weak (numpy 2): the other operand's complex dtype, or complex64 beside float32.
  if (a.kind === 'py' || b.kind === 'py') {
    const other = a.kind === 'py' ? b : a;
    if (other.kind === 'py') return 'float64';
    return other.node.dtype === 'float32' ? 'float32' : 'float64';
  }
  const aComplex = a.kind === 'complex', bComplex = b.kind === 'complex';
  let d: DType = aComplex && bComplex ? promoteDtypes(a.node.dtype, b.node.dtype) : aComplex ? a.node.dtype : b.node.dtype;
  const real = aComplex && bComplex ? null : aComplex ? b.node : a.node;
  if (real && real.weak === null && promoteDtypes(d, real.dtype) !== 'float32') d = 'float64';
  return d === 'float32' ? 'float32' : 'float64';
}

/**
 * An operand of a complex operation: a real array (or Python number), complex pairs, or a Python
 * complex number (weak: it takes the other operand's precision, as numpy 2 promotes).
 */
export type Operand = { kind: 'real' | 'complex'; node: Node } | { kind: 'py'; re: number; im: number };

/** A real array as complex pairs of `dtype`: its values, and +0 imaginary parts. */
export function fromReal(ctx: ExprContext, x: Node, dtype: DType): Node {
  const re = x.dtype === dtype ? x : elementwise(ctx, `astype_${dtype}`, [x]);
  return pairsOf(ctx, re, full(ctx, x.shape, 0, dtype));
}

/** An operand of a complex operation: its parts in `dtype`. */
function parts(ctx: ExprContext, o: Operand, dtype: DType): [Node, Node] {
  // Python numbers are cast to the parts' type first, as numpy converts them to the complex dtype
  // (1e300 is inf in complex64, and 0 * inf is then NaN, not the 0 of double arithmetic).
  if (o.kind === 'py') return [full(ctx, [], o.re, dtype), full(ctx, [], o.im, dtype)];
  const v = o.node;
  const as = (x: Node) => (x.dtype === dtype && x.weak === null ? x : elementwise(ctx, `astype_${dtype}`, [x]));
  if (o.kind === 'real') return [as(v), full(ctx, [], 0, dtype)];
  return [as(part(ctx, v, 0)), as(part(ctx, v, 1))];
}

const map = (ctx: ExprContext, fn: string, ...args: Node[]) => elementwise(ctx, fn, args);

/** a op b (+ - * / and the comparisons), either or both complex, as numpy's complex loops compute it. */
export function complexBinary(ctx: ExprContext, op: string, a: Operand, b: Operand): { complex: boolean; node: Node } {
  const dtype = partDtype(a, b);
  const [ar, ai] = parts(ctx, a, dtype), [br, bi] = parts(ctx, b, dtype);
  if (op === '==') return { complex: false, node: map(ctx, 'logical_and', map(ctx, 'equal', ar, br), map(ctx, 'equal', ai, bi)) };
  if (op === '!=') return { complex: false, node: map(ctx, 'logical_or', map(ctx, 'not_equal', ar, br), map(ctx, 'not_equal', ai, bi)) };
  if (op === '<' || op === '>') return { complex: false, node: op === '<' ? before(ctx, ar, ai, br, bi, 'less') : before(ctx, br, bi, ar, ai, 'less') };
  if (op === '<=' || op === '>=') return { complex: false, node: op === '<=' ? before(ctx, ar, ai, br, bi, 'less_equal') : before(ctx, br, bi, ar, ai, 'less_equal') };
  return { complex: true, node: pairsOf(ctx, ...arithmetic(ctx, op, ar, ai, br, bi)) };
}

/**
 * numpy's order of complex numbers (its CLT, or CLE with `imag` less_equal): by real parts, then
 * imaginary ones; a NaN imaginary part makes a smaller real part not smaller.
 */
function before(ctx: ExprContext, ar: Node, ai: Node, br: Node, bi: Node, imag: 'less' | 'less_equal'): Node {
  const numbers = map(ctx, 'logical_not', map(ctx, 'logical_or', map(ctx, 'isnan', ai), map(ctx, 'isnan', bi)));
  return map(ctx, 'logical_or', map(ctx, 'logical_and', map(ctx, 'less', ar, br), numbers),
    map(ctx, 'logical_and', map(ctx, 'equal', ar, br), map(ctx, imag, ai, bi)));
}

/**
 * A complex value's real and imaginary parts as two real nodes. The functions below compute on
 * these and make pairs once, at the end: pairs taken apart again (a stack indexed) would cut the
 * fused elementwise chains into layers of their own.
 */
type Parts = [Node, Node];

/** The parts of (ar + i ai) op (br + i bi) for + - * /. */
function arithmetic(ctx: ExprContext, op: string, ar: Node, ai: Node, br: Node, bi: Node): Parts {
  switch (op) {
    case '+': return [map(ctx, 'add', ar, br), map(ctx, 'add', ai, bi)];
    case '-': return [map(ctx, 'subtract', ar, br), map(ctx, 'subtract', ai, bi)];
    case '*': return [map(ctx, 'subtract', map(ctx, 'multiply', ar, br), map(ctx, 'multiply', ai, bi)),
      map(ctx, 'add', map(ctx, 'multiply', ar, bi), map(ctx, 'multiply', ai, br))];
    case '/': return divide(ctx, ar, ai, br, bi);
    default: throw new TesseraError('TYPE_ERROR', `complex arrays take + - * / ** and comparisons, not ${op}`, 'take .real, .imag or abs() first');
  }
}

/** numpy's complex division (Smith's method, with its case for a zero divisor). */
function divide(ctx: ExprContext, ar: Node, ai: Node, br: Node, bi: Node): Parts {
  const one = scalar(ctx, 1, 'float');
  const absR = map(ctx, 'absolute', br), absI = map(ctx, 'absolute', bi);
  const byReal = map(ctx, 'greater_equal', absR, absI);
  const zero = map(ctx, 'logical_and', map(ctx, 'equal', absR, scalar(ctx, 0, 'int')), map(ctx, 'equal', absI, scalar(ctx, 0, 'int')));
  // |br| >= |bi|: rat = bi / br, scl = 1 / (br + bi * rat).
  const rat1 = map(ctx, 'true_divide', bi, br);
  const scl1 = map(ctx, 'true_divide', one, map(ctx, 'add', br, map(ctx, 'multiply', bi, rat1)));
  const re1 = map(ctx, 'multiply', map(ctx, 'add', ar, map(ctx, 'multiply', ai, rat1)), scl1);
  const im1 = map(ctx, 'multiply', map(ctx, 'subtract', ai, map(ctx, 'multiply', ar, rat1)), scl1);
  // |br| < |bi|: rat = br / bi, scl = 1 / (bi + br * rat).
  const rat2 = map(ctx, 'true_divide', br, bi);
  const scl2 = map(ctx, 'true_divide', one, map(ctx, 'add', bi, map(ctx, 'multiply', br, rat2)));
  const re2 = map(ctx, 'multiply', map(ctx, 'add', map(ctx, 'multiply', ar, rat2), ai), scl2);
  const im2 = map(ctx, 'multiply', map(ctx, 'subtract', map(ctx, 'multiply', ai, rat2), ar), scl2);
  // Both zero: each part over its own divisor's magnitude (an inf or a nan).
  const re0 = map(ctx, 'true_divide', ar, absR), im0 = map(ctx, 'true_divide', ai, absI);
  const pick = (z: Node, p1: Node, p2: Node) => map(ctx, 'where', byReal, map(ctx, 'where', zero, z, p1), p2);
  return [pick(re0, re1, re2), pick(im0, im1, im2)];
}

/** -z, conj(z), abs(z), angle(z), z.real, z.imag. */
export function complexUnary(ctx: ExprContext, fn: string, z: Node): { complex: boolean; node: Node } {
  const re = part(ctx, z, 0), im = part(ctx, z, 1);
  switch (fn) {
    case 'negative': return { complex: true, node: pairsOf(ctx, map(ctx, 'negative', re), map(ctx, 'negative', im)) };
    case 'positive': return { complex: true, node: z };
    case 'conj': case 'conjugate': return { complex: true, node: pairsOf(ctx, re, map(ctx, 'negative', im)) };
    case 'abs': case 'absolute': return { complex: false, node: map(ctx, 'hypot', re, im) };
    case 'angle': return { complex: false, node: map(ctx, 'arctan2', im, re) };
    case 'real': return { complex: false, node: re };
    case 'imag': return { complex: false, node: im };
    case 'isnan': return { complex: false, node: map(ctx, 'logical_or', map(ctx, 'isnan', re), map(ctx, 'isnan', im)) };
    case 'isinf': return { complex: false, node: map(ctx, 'logical_or', isinf(ctx, re), isinf(ctx, im)) };
    case 'isfinite': return { complex: false, node: map(ctx, 'logical_and', isfinite(ctx, re), isfinite(ctx, im)) };
    case 'square': return { complex: true, node: pairsOf(ctx, ...arithmetic(ctx, '*', re, im, re, im)) };
    case 'exp': return { complex: true, node: pairsOf(ctx, ...exp(ctx, re, im)) };
    case 'sqrt': return { complex: true, node: pairsOf(ctx, ...sqrt(ctx, re, im)) };
    case 'log': return { complex: true, node: pairsOf(ctx, ...log(ctx, re, im)) };
    // numpy's: the natural log's parts times log10(e) or log2(e).
    case 'log10': case 'log2': {
      const [lr, li] = log(ctx, re, im), k = scalar(ctx, fn === 'log10' ? Math.LOG10E : Math.LOG2E, 'float');
      return { complex: true, node: pairsOf(ctx, map(ctx, 'multiply', lr, k), map(ctx, 'multiply', li, k)) };
    }
    default: throw unsupported(fn);
  }
}

/** The smallest normal, largest finite, epsilon and mantissa digits of float32 or float64 (C's FLT_ and DBL_ constants). */
function floatLimits(dtype: DType): { min: number; max: number; eps: number; mant: number } {
  return dtype === 'float32' ? { min: 2 ** -126, max: 3.4028234663852886e38, eps: 2 ** -23, mant: 24 } : { min: 2 ** -1022, max: Number.MAX_VALUE, eps: 2 ** -52, mant: 53 };
}

/** x with the sign of y (C's copysign: a negative zero's and a NaN's sign bit count). */
function copysign(ctx: ExprContext, x: Node, y: Node): Node {
  const negative = map(ctx, 'logical_or', map(ctx, 'less', y, scalar(ctx, 0, 'int')),
    map(ctx, 'logical_and', map(ctx, 'equal', y, scalar(ctx, 0, 'int')), map(ctx, 'less', map(ctx, 'true_divide', scalar(ctx, 1, 'float'), y), scalar(ctx, 0, 'int'))));
  const magnitude = map(ctx, 'absolute', x);
  return map(ctx, 'where', negative, map(ctx, 'negative', magnitude), magnitude);
}

/**
 * exp(x + iy) as glibc's cexp (numpy calls the C library's): e^x (cos y + i sin y), with Annex G's
 * special values: y = 0 gives (e^x, y) for every x; x = +inf with y inf or NaN gives (inf, NaN),
 * x = -inf with those (0, +-0). Past x = 709 (float: 88), e^x is applied in steps of e^709 to
 * cos y and sin y first, as glibc does, so a finite result does not overflow on the way.
 */
function exp(ctx: ExprContext, x: Node, y: Node): Parts {
  const f = (v: number) => scalar(ctx, v, 'float');
  const single = x.dtype === 'float32';
  // glibc's t = (int) ((MAX_EXP - 1) ln 2), 709 (cexpf: 88), and e^t of the parts' type.
  const tValue = single ? 88 : 709;
  const t = f(tValue), expT = f(single ? Math.fround(Math.exp(tValue)) : Math.exp(tValue));
  let c = map(ctx, 'cos', y), sn = map(ctx, 'sin', y), xr = x;
  for (let step = 0; step < 2; step++) {
    const over = map(ctx, 'greater', xr, t);
    c = map(ctx, 'where', over, map(ctx, 'multiply', c, expT), c);
    sn = map(ctx, 'where', over, map(ctx, 'multiply', sn, expT), sn);
    xr = map(ctx, 'where', over, map(ctx, 'subtract', xr, t), xr);
  }
  const overflow = map(ctx, 'greater', xr, t);
  const ex = map(ctx, 'where', overflow, f(floatLimits(x.dtype).max), map(ctx, 'exp', xr));
  let re = map(ctx, 'multiply', ex, c), im = map(ctx, 'multiply', ex, sn);
  // Constants of the parts' type: a where of Python numbers alone would be float64.
  const zero = full(ctx, [], 0, x.dtype), inf = f(Infinity);
  const yBad = map(ctx, 'logical_not', isfinite(ctx, y));
  const plusInf = map(ctx, 'logical_and', map(ctx, 'equal', x, inf), yBad);
  const minusInf = map(ctx, 'logical_and', map(ctx, 'equal', x, f(-Infinity)), yBad);
  re = map(ctx, 'where', plusInf, inf, map(ctx, 'where', minusInf, zero, re));
  im = map(ctx, 'where', plusInf, f(NaN), map(ctx, 'where', minusInf, copysign(ctx, zero, y), im));
  // y = 0: glibc takes sin y = y (cos 0 is 1 exactly, so the real part is already its).
  return [re, map(ctx, 'where', map(ctx, 'equal', y, zero), y, im)];
}

/**
 * sqrt(x + iy) as glibc's csqrt: the principal root, the sign of y on the imaginary part (so
 * -4 - 0j gives -2j). y = 0: (sqrt(x), y) or (0, +-sqrt(-x)); x = 0: r = sqrt(|y| / 2) both parts;
 * otherwise with d = |x + iy|, x > 0: r = sqrt((d + x) / 2), s = (y / r) / 2; else s = sqrt((d -
 * x) / 2), r = |(y / s) / 2| (no cancellation either way), computed on x and y scaled by 1/4
 * where either exceeds a quarter of the largest finite value and up (by 2^54, float 2^24) where
 * both are below twice the smallest normal, as glibc does. Annex G: y = +-inf gives (inf, y); x = -inf gives (0 or NaN, +-inf), x = +inf
 * gives (inf, +-0 or NaN); other NaNs give NaN.
 */
function sqrt(ctx: ExprContext, x: Node, y: Node): Parts {
  const f = (v: number) => scalar(ctx, v, 'float');
  // Constants of the parts' type: a where of Python numbers alone would be float64.
  const zero = full(ctx, [], 0, x.dtype), half = f(0.5), inf = f(Infinity), nan = full(ctx, [], NaN, x.dtype);
  // The parts' type's smallest normal and largest finite values, and glibc's scale for tiny parts (2^((MANT_DIG + 1) / 2)).
  const { min: MIN, max: MAX, mant } = floatLimits(x.dtype);
  const up = 2 ** (2 * Math.floor((mant + 1) / 2)), down = 2 ** -Math.floor((mant + 1) / 2);
  const ax = map(ctx, 'absolute', x), ay = map(ctx, 'absolute', y);
  const big = map(ctx, 'logical_or', map(ctx, 'greater', ax, f(MAX / 4)), map(ctx, 'greater', ay, f(MAX / 4)));
  const tiny = map(ctx, 'logical_and', map(ctx, 'less', ax, f(2 * MIN)), map(ctx, 'less', ay, f(2 * MIN)));
  const xKeep = map(ctx, 'logical_or', map(ctx, 'greater', ax, f(MAX / 4)), map(ctx, 'greater_equal', ax, f(4 * MIN)));
  const xs = map(ctx, 'where', big, map(ctx, 'where', xKeep, map(ctx, 'multiply', x, f(0.25)), zero), map(ctx, 'where', tiny, map(ctx, 'multiply', x, f(up)), x));
  const ys = map(ctx, 'absolute', map(ctx, 'where', big, map(ctx, 'multiply', y, f(0.25)), map(ctx, 'where', tiny, map(ctx, 'multiply', y, f(up)), y)));
  // The factor the roots are scaled back by, in the parts' type (a where of Python numbers alone would be float64).
  const factor = map(ctx, `astype_${x.dtype}`, map(ctx, 'where', big, f(2), map(ctx, 'where', tiny, f(down), f(1))));
  const direct = map(ctx, 'logical_and', big, map(ctx, 'less', ys, f(1)));
  const d = map(ctx, 'hypot', xs, ys);
  const r1 = map(ctx, 'sqrt', map(ctx, 'multiply', half, map(ctx, 'add', d, xs)));
  const s1 = map(ctx, 'where', direct, map(ctx, 'true_divide', ys, r1), map(ctx, 'multiply', map(ctx, 'multiply', half, map(ctx, 'true_divide', ys, r1)), factor));
  const s2 = map(ctx, 'sqrt', map(ctx, 'multiply', half, map(ctx, 'subtract', d, xs)));
  const r2 = map(ctx, 'where', direct, map(ctx, 'true_divide', ys, s2), map(ctx, 'multiply', map(ctx, 'multiply', half, map(ctx, 'true_divide', ys, s2)), factor));
  const positive = map(ctx, 'greater', x, zero);
  let re = map(ctx, 'where', positive, map(ctx, 'multiply', r1, factor), r2);
  let im = map(ctx, 'where', positive, s1, map(ctx, 'multiply', s2, factor));
  // x = 0 (y not): both parts sqrt(|y| / 2), halved after the root where |y| is subnormal.
  const onImag = map(ctx, 'where', map(ctx, 'greater_equal', ay, f(2 * MIN)), map(ctx, 'sqrt', map(ctx, 'multiply', half, ay)),
    map(ctx, 'multiply', half, map(ctx, 'sqrt', map(ctx, 'multiply', f(2), ay))));
  const xZero = map(ctx, 'equal', x, zero);
  re = map(ctx, 'where', xZero, onImag, re);
  im = map(ctx, 'where', xZero, onImag, im);
  // y = 0: the real axis.
  const yZero = map(ctx, 'equal', y, zero);
  const xNeg = map(ctx, 'less', x, zero);
  re = map(ctx, 'where', yZero, map(ctx, 'where', xNeg, zero, map(ctx, 'absolute', map(ctx, 'sqrt', x))), re);
  im = map(ctx, 'where', yZero, map(ctx, 'where', xNeg, map(ctx, 'sqrt', map(ctx, 'negative', x)), zero), im);
  // Infinities and NaNs (Annex G), last so they win.
  const xNan = map(ctx, 'isnan', x), yNan = map(ctx, 'isnan', y);
  const xPosInf = map(ctx, 'equal', x, inf), xNegInf = map(ctx, 'equal', x, f(-Infinity)), yInf = map(ctx, 'equal', ay, inf);
  re = map(ctx, 'where', yInf, inf, map(ctx, 'where', xNegInf, map(ctx, 'where', yNan, nan, zero), map(ctx, 'where', xPosInf, inf, map(ctx, 'where', map(ctx, 'logical_or', xNan, yNan), nan, re))));
  im = map(ctx, 'where', yInf, ay, map(ctx, 'where', xNegInf, inf, map(ctx, 'where', xPosInf, map(ctx, 'where', yNan, nan, zero), map(ctx, 'where', map(ctx, 'logical_or', xNan, yNan), nan, im))));
  return [re, copysign(ctx, im, y)];
}

/** numpy's complex reciprocal loop: 1/z by the ratio of the smaller part to the larger. */
function reciprocal(ctx: ExprContext, x: Node, y: Node): Parts {
  const one = scalar(ctx, 1, 'float');
  const byReal = map(ctx, 'less_equal', map(ctx, 'absolute', y), map(ctx, 'absolute', x));
  const r1 = map(ctx, 'true_divide', y, x), d1 = map(ctx, 'add', x, map(ctx, 'multiply', y, r1));
  const r2 = map(ctx, 'true_divide', x, y), d2 = map(ctx, 'add', map(ctx, 'multiply', x, r2), y);
  return [map(ctx, 'where', byReal, map(ctx, 'true_divide', one, d1), map(ctx, 'true_divide', r2, d2)),
    map(ctx, 'where', byReal, map(ctx, 'true_divide', map(ctx, 'negative', r1), d1), map(ctx, 'true_divide', map(ctx, 'negative', one), d2))];
}

/**
 * numpy 2's `z ** p` of a complex array: a Python int 2 is square(z), -1 reciprocal(z), a Python
 * float 0.5 sqrt(z) (its operator's shortcuts); any other integer exponent numpy's power loop
 * (complexPower).
 */
export function complexPowerOperator(ctx: ExprContext, z: Node, p: number, pythonInt: boolean): Node {
  const re = part(ctx, z, 0), im = part(ctx, z, 1);
  if (pythonInt && p === 2) return pairsOf(ctx, ...arithmetic(ctx, '*', re, im, re, im));
  if (pythonInt && p === -1) return pairsOf(ctx, ...reciprocal(ctx, re, im));
  if (!pythonInt && p === 0.5) return pairsOf(ctx, ...sqrt(ctx, re, im));
  return complexPower(ctx, z, p);
}

/**
 * x*x as its rounded product and the rounding's error (Dekker's product over Veltkamp's split:
 * exact, as no kernel fuses a multiply-add), in x's float type.
 */
function square2(ctx: ExprContext, x: Node): [Node, Node] {
  const f = (v: number) => scalar(ctx, v, 'float');
  const t = map(ctx, 'multiply', x, f(x.dtype === 'float32' ? 4097 : 134217729));
  const hi = map(ctx, 'subtract', t, map(ctx, 'subtract', t, x)), lo = map(ctx, 'subtract', x, hi);
  const p = map(ctx, 'multiply', x, x);
  const err = map(ctx, 'add', map(ctx, 'add', map(ctx, 'subtract', map(ctx, 'multiply', hi, hi), p), map(ctx, 'multiply', f(2), map(ctx, 'multiply', hi, lo))), map(ctx, 'multiply', lo, lo));
  return [p, err];
}

/**
 * log(x + iy) as glibc's clog: real part log|z|, with log1p where |z| is near 1 so it keeps its
 * digits there: the larger part exactly 1, log1p(y^2) / 2; between 1 and 2 (the smaller below 1),
 * log1p((a - 1)(a + 1) + b^2) / 2; from 1/2 to 1 with x^2 + y^2 >= 1/2, log1p of x^2 + y^2 - 1
 * from the squares' exact products (glibc's __x2y2m1); else log(hypot), its parts scaled down by
 * 2 past half the largest value and up by 2^53 (float 2^24) below the smallest normal.
 * Imaginary part atan2(y, x). Annex G: log(+-0 + 0i) is -inf + i(0 or +-pi); an infinite part
 * gives +inf, a NaN one NaN.
 */
function log(ctx: ExprContext, x: Node, y: Node): Parts {
  const f = (v: number) => scalar(ctx, v, 'float');
  const { min: MIN, max: MAX, eps: EPS, mant: MANT } = floatLimits(x.dtype);
  const one = f(1), half = f(0.5);
  const ax0 = map(ctx, 'absolute', x), ay0 = map(ctx, 'absolute', y);
  const swap = map(ctx, 'less', ax0, ay0);
  let a = map(ctx, 'where', swap, ay0, ax0), b = map(ctx, 'where', swap, ax0, ay0);
  const big = map(ctx, 'greater', a, f(MAX / 2));
  const tiny = map(ctx, 'logical_and', map(ctx, 'less', a, f(MIN)), map(ctx, 'less', b, f(MIN)));
  a = map(ctx, 'where', big, map(ctx, 'multiply', a, half), map(ctx, 'where', tiny, map(ctx, 'multiply', a, f(2 ** MANT)), a));
  b = map(ctx, 'where', big, map(ctx, 'where', map(ctx, 'greater_equal', b, f(2 * MIN)), map(ctx, 'multiply', b, half), f(0)),
    map(ctx, 'where', tiny, map(ctx, 'multiply', b, f(2 ** MANT)), b));
  const unscaled = map(ctx, 'logical_not', map(ctx, 'logical_or', big, tiny));
  const l1p = (v: Node) => map(ctx, 'multiply', map(ctx, 'log1p', v), half);
  const am1ap1 = map(ctx, 'multiply', map(ctx, 'subtract', a, one), map(ctx, 'add', a, one));
  const bb = map(ctx, 'multiply', b, b);
  // __x2y2m1: a^2 + b^2 - 1 from exact products; a^2 + b^2 lies in [1/2, 2], so subtracting 1 is exact.
  const [pa, ea] = square2(ctx, a), [pb, eb] = square2(ctx, b);
  const s = map(ctx, 'add', pa, pb), bv = map(ctx, 'subtract', s, pa);
  const se = map(ctx, 'add', map(ctx, 'subtract', pa, map(ctx, 'subtract', s, bv)), map(ctx, 'subtract', pb, bv));
  const x2y2m1 = map(ctx, 'add', map(ctx, 'subtract', s, one), map(ctx, 'add', se, map(ctx, 'add', ea, eb)));
  const lt1 = map(ctx, 'logical_and', map(ctx, 'less', a, one), map(ctx, 'greater_equal', a, half));
  const scaledLog = map(ctx, 'subtract', map(ctx, 'log', map(ctx, 'hypot', a, b)),
    map(ctx, 'where', big, f(-Math.LN2), map(ctx, 'where', tiny, f(MANT * Math.LN2), f(0))));
  let re = scaledLog;
  re = map(ctx, 'where', map(ctx, 'logical_and', map(ctx, 'logical_and', lt1, unscaled), map(ctx, 'greater_equal', map(ctx, 'add', map(ctx, 'multiply', a, a), bb), half)), l1p(x2y2m1), re);
  re = map(ctx, 'where', map(ctx, 'logical_and', map(ctx, 'logical_and', lt1, unscaled), map(ctx, 'less', b, f(EPS / 2))), l1p(am1ap1), re);
  const in12 = map(ctx, 'logical_and', map(ctx, 'logical_and', map(ctx, 'greater', a, one), map(ctx, 'less', a, f(2))), map(ctx, 'logical_and', map(ctx, 'less', b, one), unscaled));
  re = map(ctx, 'where', in12, l1p(map(ctx, 'where', map(ctx, 'greater_equal', b, f(EPS)), map(ctx, 'add', am1ap1, bb), am1ap1)), re);
  re = map(ctx, 'where', map(ctx, 'logical_and', map(ctx, 'equal', a, one), unscaled), l1p(bb), re);
  // Annex G: zeros, infinities, NaNs.
  const zero = map(ctx, 'logical_and', map(ctx, 'equal', x, scalar(ctx, 0, 'int')), map(ctx, 'equal', y, scalar(ctx, 0, 'int')));
  const anyInf = map(ctx, 'logical_or', isinf(ctx, x), isinf(ctx, y));
  const anyNan = map(ctx, 'logical_or', map(ctx, 'isnan', x), map(ctx, 'isnan', y));
  re = map(ctx, 'where', zero, f(-Infinity), map(ctx, 'where', anyInf, f(Infinity), map(ctx, 'where', anyNan, f(NaN), re)));
  const angle = map(ctx, 'arctan2', y, x);
  return [map(ctx, 'astype_' + x.dtype, re), map(ctx, 'where', map(ctx, 'logical_and', anyNan, map(ctx, 'logical_not', zero)), f(NaN), angle)];
}

/**
 * z ** n for an integer n, as numpy's complex power loop computes it: 0 gives 1 for every z; 1 z;
 * 2 z*z; 3 z*(z*z); otherwise (|n| < 100) by binary powering, a negative n dividing 1 by the
 * result; a zero z gives 0 for a positive n and NaN otherwise. Other exponents are refused.
 */
export function complexPower(ctx: ExprContext, z: Node, n: number): Node {
  if (!Number.isInteger(n) || Math.abs(n) >= 100) {
    throw new TesseraError('UNSUPPORTED_COMPLEX', `a complex array to the power ${n} is not supported`, 'complex arrays take integer powers from -99 to 99 and 0.5 here');
  }
  const re = part(ctx, z, 0), im = part(ctx, z, 1);
  const one: Parts = [full(ctx, re.shape, 1, re.dtype), full(ctx, re.shape, 0, re.dtype)];
  if (n === 0) return pairsOf(ctx, ...one);
  const mul = (a: Parts, b: Parts): Parts => arithmetic(ctx, '*', a[0], a[1], b[0], b[1]);
  const zz: Parts = [re, im];
  let r: Parts;
  if (n === 1) r = zz;
  else if (n === 2) r = mul(zz, zz);
  else if (n === 3) r = mul(zz, mul(zz, zz));
  else {
    const k = Math.abs(n);
    let p = zz, acc: Parts | null = null;
    for (let mask = 1; ; mask <<= 1) {
      if (k & mask) acc = mul(acc ?? one, p);
      if (k < mask << 1) break;
      p = mul(p, p);
    }
    r = acc!;
    if (n < 0) r = arithmetic(ctx, '/', one[0], one[1], r[0], r[1]);
  }
  // A zero z: 0 for a positive n (both zeros +0), NaN otherwise, whatever the formula gave.
  const zero = map(ctx, 'logical_and', map(ctx, 'equal', re, scalar(ctx, 0, 'int')), map(ctx, 'equal', im, scalar(ctx, 0, 'int')));
  const at0 = n > 0 ? scalar(ctx, 0, 'int') : scalar(ctx, NaN, 'float');
  return pairsOf(ctx, map(ctx, 'where', zero, at0, r[0]), map(ctx, 'where', zero, at0, r[1]));
}

/**
 * A product summed over an axis (matmul, dot, tensordot) with a complex operand, over the parts:
 * (ar + i ai)(br + i bi) = (ar br - ai bi) + i (ar bi + ai br), each a real product (a real
 * operand's imaginary products are not made). numpy's zgemm accumulates both terms of a part in
 * one sum; these round each product's sum apart (within an ulp of the terms' scale).
 */
export function complexProduct(ctx: ExprContext, a: Operand, b: Operand, product: (x: Node, y: Node) => Node): Node {
  const dtype = partDtype(a, b);
  const [ar, ai] = parts(ctx, a, dtype), [br, bi] = parts(ctx, b, dtype);
  if (a.kind !== 'complex') return pairsOf(ctx, product(ar, br), product(ar, bi));
  if (b.kind !== 'complex') return pairsOf(ctx, product(ar, br), product(ai, br));
  return pairsOf(ctx, map(ctx, 'subtract', product(ar, br), product(ai, bi)), map(ctx, 'add', product(ar, bi), product(ai, br)));
}

/**
 * z.var / z.std as numpy's _var computes them for complex arrays: the complex mean, then the sum
 * of |z - mean|^2 as re^2 + im^2 (real), divided by max(n - ddof, 0); std its square root.
 */
export function complexVariance(ctx: ExprContext, fn: 'var' | 'std', z: Node, axis: number | number[] | null, keepdims: boolean, ddof: number): Node {
  const nd = logicalShape(z).length;
  const axes = normalizeAxes(axis, nd);
  const mean = complexReduce(ctx, 'mean', z, axes, true);
  const [re, im] = arithmetic(ctx, '-', part(ctx, z, 0), part(ctx, z, 1), part(ctx, mean, 0), part(ctx, mean, 1));
  const sq = map(ctx, 'add', map(ctx, 'multiply', re, re), map(ctx, 'multiply', im, im));
  const count = axes.reduce((n, k) => n * z.shape[k], 1);
  const v = map(ctx, 'true_divide', reduce(ctx, 'sum', sq, axes, keepdims), scalar(ctx, Math.max(count - ddof, 0), 'int'));
  return fn === 'var' ? v : map(ctx, 'sqrt', v);
}

/** z.sum(axis, keepdims) or z.mean(...): numpy's sum of each part, and the mean as that sum divided by the count as numpy divides complex numbers. */
export function complexReduce(ctx: ExprContext, fn: 'sum' | 'mean', z: Node, axis: number | number[] | null, keepdims: boolean): Node {
  const nd = logicalShape(z).length;
  const axes = normalizeAxes(axis, nd);
  const sum = reduce(ctx, 'sum', z, axes, keepdims);
  if (fn === 'sum') return sum;
  const count = axes.reduce((n, d) => n * z.shape[d], 1);
  return complexBinary(ctx, '/', { kind: 'complex', node: sum }, { kind: 'real', node: scalar(ctx, count, 'int') }).node;
}

/** z.T / transpose(z, axes) over the logical axes (the pair axis stays last). */
export function complexTranspose(ctx: ExprContext, z: Node, axes?: number[]): Node {
  const nd = logicalShape(z).length;
  // Each axis normalised in its place (normalizeAxes would sort them: every order the identity).
  const order = axes ? axes.map((a) => normalizeAxes(a, nd)[0]) : [...Array(nd).keys()].reverse();
  if (order.length !== nd || new Set(order).size !== nd) throw new TesseraError('VALUE_ERROR', "axes don't match array", `give a permutation of the ${nd} axes`);
  return transpose(ctx, z, [...order, nd]);
}

/** z.reshape(shape) over the logical shape. */
export function complexReshape(ctx: ExprContext, z: Node, shape: number[]): Node {
  return reshape(ctx, z, [...shape, 2]);
}

/** z[items]: the items index the logical axes; the pairs stay whole. */
export function complexIndex(ctx: ExprContext, z: Node, items: IndexItem[]): Node {
  if (items.some((it) => it.kind !== 'slice' && it.kind !== 'int' && it.kind !== 'newaxis' && it.kind !== 'ellipsis'))
    throw new TesseraError('INDEX_ERROR', 'a complex array is indexed with integers, slices, None and ... here', 'index .real and .imag apart for boolean or list indexing');
  return index(ctx, z, [...items, ...(items.some((it) => it.kind === 'ellipsis') ? [] : [{ kind: 'ellipsis' } as IndexItem]), ALL]);
}

/** What a complex array cannot do here, and what can. */
export function unsupported(what: string): TesseraError {
  return new TesseraError('UNSUPPORTED_COMPLEX', `${what} is not supported for complex arrays`,
    'complex arrays take + - * /, comparisons, ** with an integer or 0.5, @, matmul, dot, tensordot, outer, unary -, abs, angle, conj, exp, log, log10, log2, sqrt, square, isnan, isinf, isfinite, .real, .imag, sum, mean, var, std, cumsum, astype, .T, transpose, reshape, indexing with integers and slices, and the np.fft functions; take .real, .imag or abs() first for anything else');
}
