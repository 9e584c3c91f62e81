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
import { type DType, promoteDtypes } from './dtype.js';
import { broadcastShapes, type ExprContext, type Node } from './expr.js';

/** The complex dtype whose parts are of this float dtype (float32 pairs: complex64). */
export function complexDtype(part: string): 'complex128' | 'complex64' {
  return part === 'float32' ? 'complex64' : 'complex128';
}

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
function partDtype(a: Node, b: Node, aComplex: boolean, bComplex: boolean): DType {
  let d: DType = aComplex && bComplex ? promoteDtypes(a.dtype, b.dtype) : aComplex ? a.dtype : b.dtype;
  const real = aComplex && bComplex ? null : aComplex ? b : a;
  if (real && real.weak === null && promoteDtypes(d, real.dtype) !== 'float32') d = 'float64';
  return d === 'float32' ? 'float32' : 'float64';
}

/** A real array as complex pairs of `dtype`: its values, and +0 imaginary parts. */
export function fromReal(ctx: ExprContext, x: Node, dtype: DType): Node {
  const re = x.dtype === dtype ? x : elementwise(ctx, `astype_${dtype}`, [x]);
  return pairsOf(ctx, re, full(ctx, x.shape, 0, dtype));
}

/** An operand of a complex operation: its parts in `dtype`. */
function parts(ctx: ExprContext, v: Node, complex: boolean, dtype: DType): [Node, Node] {
  if (!complex) {
    const re = v.weak !== null ? v : v.dtype === dtype ? v : elementwise(ctx, `astype_${dtype}`, [v]);
    return [re, scalar(ctx, 0, 'float')];
  }
  const as = (x: Node) => (x.dtype === dtype ? x : elementwise(ctx, `astype_${dtype}`, [x]));
  return [as(part(ctx, v, 0)), as(part(ctx, v, 1))];
}

const map = (ctx: ExprContext, fn: string, ...args: Node[]) => elementwise(ctx, fn, args);

/** a op b (+ - * /), either or both complex, as numpy's complex loops compute it. */
export function complexBinary(ctx: ExprContext, op: string, a: Node, aComplex: boolean, b: Node, bComplex: boolean): Node {
  const dtype = partDtype(a, b, aComplex, bComplex);
  const [ar, ai] = parts(ctx, a, aComplex, dtype), [br, bi] = parts(ctx, b, bComplex, dtype);
  switch (op) {
    case '+': return pairsOf(ctx, map(ctx, 'add', ar, br), map(ctx, 'add', ai, bi));
    case '-': return pairsOf(ctx, map(ctx, 'subtract', ar, br), map(ctx, 'subtract', ai, bi));
    case '*': return pairsOf(ctx, map(ctx, 'subtract', map(ctx, 'multiply', ar, br), map(ctx, 'multiply', ai, bi)),
      map(ctx, 'add', map(ctx, 'multiply', ar, bi), map(ctx, 'multiply', ai, br)));
    case '/': return divide(ctx, ar, ai, br, bi);
    default: throw new TesseraError('TYPE_ERROR', `complex arrays take + - * and /, not ${op}`, 'take .real, .imag or abs() first');
  }
}

/** numpy's complex division (Smith's method, with its case for a zero divisor). */
function divide(ctx: ExprContext, ar: Node, ai: Node, br: Node, bi: Node): Node {
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
  return pairsOf(ctx, pick(re0, re1, re2), pick(im0, im1, im2));
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
    default: throw unsupported(fn);
  }
}

/** z.sum(axis, keepdims) or z.mean(...): numpy's sum of each part, and the mean as that sum divided by the count as numpy divides complex numbers. */
export function complexReduce(ctx: ExprContext, fn: 'sum' | 'mean', z: Node, axis: number | number[] | null, keepdims: boolean): Node {
  const nd = logicalShape(z).length;
  const axes = normalizeAxes(axis, nd);
  const sum = reduce(ctx, 'sum', z, axes, keepdims);
  if (fn === 'sum') return sum;
  const count = axes.reduce((n, d) => n * z.shape[d], 1);
  return complexBinary(ctx, '/', sum, true, scalar(ctx, count, 'int'), false);
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
    'complex arrays take + - * /, unary -, abs, angle, conj, .real, .imag, sum, mean, .T, transpose, reshape, indexing with integers and slices, and the np.fft functions; take .real, .imag or abs() first for anything else');
}
