/**
 * numpy's functions that rearrange or difference an array, built from the primitives (views,
 * transposes, elementwise maps), so they plan, chunk and fuse as those do: flip, squeeze,
 * expand_dims, swapaxes, moveaxis, outer and diff, with numpy 2's arguments and errors.
 */
import { TesseraError } from '../../engine/errors.js';
import { elementwise, index, type IndexItem, normalizeAxes, reshape, transpose } from './build.js';
import type { ExprContext, Node } from './expr.js';

const ALL: IndexItem = { kind: 'slice', start: null, stop: null, step: null };

/**
 * Distinct axes of an `ndim`-dimensional array in the order given, negatives counted from the end
 * (numpy's normalize_axis_tuple; normalizeAxes checks them, and sorts, which moveaxis cannot have).
 */
function axesOf(axis: number | number[], ndim: number): number[] {
  normalizeAxes(axis, ndim);
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + ndim : a));
}

/** np.flip: the elements reversed along the axes (all of them when none is given). */
export function flip(ctx: ExprContext, x: Node, axis: number | number[] | null): Node {
  const axes = axis === null ? [...x.shape.keys()] : axesOf(axis, x.shape.length);
  return index(ctx, x, x.shape.map((_, d): IndexItem => (axes.includes(d) ? { kind: 'slice', start: null, stop: null, step: -1 } : ALL)));
}

/** np.squeeze: the length-1 axes removed (the given ones, which must have length 1). */
export function squeeze(ctx: ExprContext, x: Node, axis: number | number[] | null): Node {
  const axes = axis === null ? [...x.shape.keys()].filter((d) => x.shape[d] === 1) : axesOf(axis, x.shape.length);
  for (const d of axes) {
    if (x.shape[d] !== 1) throw new TesseraError('VALUE_ERROR', `cannot select an axis to squeeze out which has size not equal to one (axis ${d} has ${x.shape[d]})`, 'squeeze only axes of length 1');
  }
  return index(ctx, x, x.shape.map((_, d): IndexItem => (axes.includes(d) ? { kind: 'int', value: 0 } : ALL)));
}

/** np.expand_dims: length-1 axes inserted where `axis` says, counted in the result's dimensions. */
export function expandDims(ctx: ExprContext, x: Node, axis: number | number[]): Node {
  const nd = x.shape.length + (Array.isArray(axis) ? axis.length : 1);
  const axes = axesOf(axis, nd);
  return index(ctx, x, [...Array(nd).keys()].map((d): IndexItem => (axes.includes(d) ? { kind: 'newaxis' } : ALL)));
}

/** np.swapaxes: two axes exchanged. */
export function swapaxes(ctx: ExprContext, x: Node, a: number, b: number): Node {
  const [i, j] = [axesOf(a, x.shape.length)[0], axesOf(b, x.shape.length)[0]];
  const perm = [...x.shape.keys()];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(ctx, x, perm);
}

/** np.moveaxis: the axes `source` moved to positions `destination`, the others keeping their order. */
export function moveaxis(ctx: ExprContext, x: Node, source: number | number[], destination: number | number[]): Node {
  const nd = x.shape.length;
  const src = axesOf(source, nd), dst = axesOf(destination, nd);
  if (src.length !== dst.length) throw new TesseraError('VALUE_ERROR', '`source` and `destination` arguments must have the same number of elements', '');
  const order = [...Array(nd).keys()].filter((d) => !src.includes(d));
  const pairs = dst.map((d, k) => [d, src[k]] as const).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of pairs) order.splice(d, 0, s);
  return transpose(ctx, x, order);
}

/** np.outer: every element of ravel(a) times every element of ravel(b), an (a.size, b.size) array. */
export function outer(ctx: ExprContext, a: Node, b: Node): Node {
  const column = index(ctx, reshape(ctx, a, [-1]), [ALL, { kind: 'newaxis' }]);
  const row = index(ctx, reshape(ctx, b, [-1]), [{ kind: 'newaxis' }, ALL]);
  return elementwise(ctx, 'multiply', [column, row]);
}

/** np.diff: the n-th discrete difference along `axis` (bool arrays: not_equal, as numpy). */
export function diff(ctx: ExprContext, x: Node, n: number, axis: number): Node {
  if (!Number.isInteger(n) || n < 0) throw new TesseraError('VALUE_ERROR', `order must be non-negative but got ${n}`, 'use n=1 or more (n=0 returns the array)');
  if (x.shape.length === 0) throw new TesseraError('VALUE_ERROR', 'diff requires input that is at least one dimensional', '');
  const ax = axesOf(axis, x.shape.length)[0];
  let out = x;
  for (let k = 0; k < n; k++) {
    const upper = out.shape.map((_, d): IndexItem => (d === ax ? { kind: 'slice', start: 1, stop: null, step: null } : ALL));
    const lower = out.shape.map((_, d): IndexItem => (d === ax ? { kind: 'slice', start: null, stop: -1, step: null } : ALL));
    out = elementwise(ctx, out.dtype === 'bool' ? 'not_equal' : 'subtract', [index(ctx, out, upper), index(ctx, out, lower)]);
  }
  return out;
}
