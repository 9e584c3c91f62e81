/**
 * np.median, np.percentile and np.quantile, exact: each is read from the stable sort along the
 * axis (sorting.ts; a 1-D array merges only the ranks it reads), then combined the way numpy 2's
 * own Python code combines them, so dtypes and roundings are numpy's:
 * - percentile/quantile (method "linear"): the virtual index v = (n - 1) * q, its neighbours
 *   floor(v) and floor(v) + 1 (both n - 1 from the last element on), gamma = v - floor(v), and
 *   numpy's _lerp: a + (b - a) * gamma, or b - (b - a) * (1 - gamma) where gamma >= 0.5. b - a is
 *   taken in the input's dtype (so narrow integers wrap, as numpy's do). A q given as a Python
 *   number is weak (a float32 input gives float32); a list makes gamma a float64 array.
 * - median: the mean of the middle one or two elements (numpy's mean: float64 for integers).
 * Both give the NaN itself where the line holds a NaN (it sorts last).
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, elementwise, index, type IndexItem, normalizeAxes, reduce, reshape, scalar, stack, transpose } from './build.js';
import { full } from './creation.js';
import { isFloat } from './dtype.js';
import type { ExprContext, Node } from './expr.js';
import { type Bands, isBanded, type RankRange, rankSlice, rankSlices } from './rank-slices.js';

export type Axis = number | number[] | null;

/**
 * q as given: its numbers; whether they came as a list (else one value, a 0-d q); whether it is
 * one Python int or float (weak: numpy 2 keeps gamma a Python float); whether all are integers.
 */
export interface QuantileQ { values: number[]; list: boolean; weak: boolean; ints: boolean }

const map = (ctx: ExprContext, fn: string, ...args: Node[]) => elementwise(ctx, fn, args);

/**
 * The input with the reduced axes merged into one last axis (flattened for axis None), and how
 * to put them back for keepdims.
 */
function lines(ctx: ExprContext, x0: Node, axis: Axis): { x: Node; axis: number; kept: number[]; reduced: number[] } {
  const x1 = asNumpyScalar(ctx, x0);
  if (axis === null) return { x: reshape(ctx, x1, [-1]), axis: 0, kept: [], reduced: x1.shape.map((_, d) => d) };
  const reduced = normalizeAxes(axis, x1.shape.length);
  const kept = x1.shape.map((_, d) => d).filter((d) => !reduced.includes(d));
  if (reduced.length === 1) return { x: x1, axis: reduced[0], kept, reduced };
  const moved = transpose(ctx, x1, [...kept, ...reduced]);
  const x = reshape(ctx, moved, [...kept.map((d) => x1.shape[d]), -1]);
  return { x, axis: kept.length, kept, reduced };
}

/** A reduced result with the reduced axes back as length 1 (keepdims); `lead` axes of q come first. */
function keepDims(ctx: ExprContext, r: Node, ndim: number, reduced: number[], lead: number): Node {
  const shape = [...r.shape.slice(0, lead)];
  let k = lead;
  for (let d = 0; d < ndim; d++) shape.push(reduced.includes(d) ? 1 : r.shape[k++]);
  return reshape(ctx, r, shape);
}

/** Ranks [start, start + count) along the axis (rank-slices.ts), with the axis dropped when count is 1 and `drop`. */
function ranks(ctx: ExprContext, x: Node, axis: number, start: number, count: number, drop: boolean, bands: Bands): Node {
  const s = rankSlice(ctx, x, axis, start, count, bands);
  return drop ? at(ctx, s, axis, 0) : s;
}

/** Element k along the axis, the axis dropped. */
function at(ctx: ExprContext, s: Node, axis: number, k: number): Node {
  return index(ctx, s, s.shape.map((_, d): IndexItem => (d === axis ? { kind: 'int', value: k } : { kind: 'slice', start: null, stop: null, step: null })));
}

/**
 * Where the line's last sorted element is NaN, that NaN; else `r`. A long array found by a band
 * is never sorted to its last element: there any NaN in it gives a NaN.
 */
function nanWhereLastIs(ctx: ExprContext, x: Node, axis: number, r: Node, bands: Bands): Node {
  if (!isFloat(x.dtype)) return r;
  if (isBanded(x, axis, bands)) return map(ctx, 'where', reduce(ctx, 'any', map(ctx, 'isnan', x), null), full(ctx, [], NaN, x.dtype), r);
  const last = ranks(ctx, x, axis, x.shape[axis] - 1, 1, true, bands);
  return map(ctx, 'where', map(ctx, 'isnan', last), last, r);
}

export function median(ctx: ExprContext, x0: Node, axis: Axis, keepdims: boolean, bands: Bands): Node {
  const { x, axis: ax, reduced } = lines(ctx, x0, axis);
  const n = x.shape[ax];
  let r: Node;
  if (n === 0) {
    // numpy: the mean of nothing, NaN (with a RuntimeWarning).
    const shape = x.shape.filter((_, d) => d !== ax);
    r = full(ctx, shape, NaN, isFloat(x.dtype) ? x.dtype : 'float64');
  } else {
    const middle = n % 2 === 1 ? ranks(ctx, x, ax, (n - 1) / 2, 1, false, bands) : ranks(ctx, x, ax, n / 2 - 1, 2, false, bands);
    r = nanWhereLastIs(ctx, x, ax, reduce(ctx, 'mean', middle, ax), bands);
  }
  return keepdims ? keepDims(ctx, r, asNumpyScalar(ctx, x0).shape.length, reduced, 0) : r;
}

/** np.percentile (q in [0, 100]) and np.quantile (q in [0, 1]), method "linear". */
export function quantile(ctx: ExprContext, which: 'percentile' | 'quantile', x0: Node, q: QuantileQ, axis: Axis, keepdims: boolean, method: string, bands: Bands): Node {
  if (method !== 'linear') throw new TesseraError('NOT_SUPPORTED', `${which}(method='${method}') is not supported`, "use the default method, 'linear'");
  // quantile's integer q (0 or 1) is an integer virtual index: numpy takes that element itself.
  const exact = which === 'quantile' && q.ints;
  if (x0.dtype === 'bool' && !exact) {
    throw new TesseraError('TYPE_ERROR', 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.', `convert first: ${which}(x.astype(int), ...)`);
  }
  const qs = q.values.map((v) => (which === 'percentile' ? v / 100 : v));
  if (qs.some((v) => !(v >= 0 && v <= 1))) {
    throw new TesseraError('VALUE_ERROR', which === 'percentile' ? 'Percentiles must be in the range [0, 100]' : 'Quantiles must be in the range [0, 1]', 'give q within the range');
  }
  const { x, axis: ax, reduced } = lines(ctx, x0, axis);
  const n = x.shape[ax];
  if (n === 0) throw new TesseraError('INDEX_ERROR', `index -1 is out of bounds for axis ${ax} with size 0`, `${which} of an empty array is undefined`);
  if (qs.length === 0) { // numpy: an empty result of q's shape and the reduced shape
    const shape = [0, ...(keepdims ? x0.shape.map((m, d) => (reduced.includes(d) ? 1 : m)) : x.shape.filter((_, d) => d !== ax))];
    return full(ctx, shape, 0, 'float64');
  }
  // Every q's ranks found at once (one counting run for a long array's bands).
  const plans = qs.map((qv) => (exact ? null : lerpPlan(n, (n - 1) * qv)));
  const wanted = qs.map((qv, k): RankRange => plans[k]?.range ?? [(n - 1) * qv, 1]);
  const slices = rankSlices(ctx, x, ax, wanted, bands);
  const results = qs.map((_, k) => nanWhereLastIs(ctx, x, ax, plans[k] ? lerp(ctx, slices[k], ax, plans[k]!, q.weak) : at(ctx, slices[k], ax, 0), bands));
  let r = q.list ? stack(ctx, results, 0) : results[0];
  if (keepdims) r = keepDims(ctx, r, asNumpyScalar(ctx, x0).shape.length, reduced, q.list ? 1 : 0);
  return r;
}

/** numpy's _get_indexes and _get_gamma at one virtual index: the ranks to read (one, or two neighbours) and gamma. */
function lerpPlan(n: number, v: number): { range: RankRange; gamma: number } {
  let previous = Math.floor(v);
  let next = previous + 1;
  if (v >= n - 1) previous = next = n - 1; // numpy's -1: the last element
  const gamma = v - (v >= n - 1 ? -1 : previous); // numpy subtracts the index it will read, -1 there
  return { range: [previous, next === previous ? 1 : 2], gamma };
}

/** numpy's _lerp between the plan's ranks (the slice of them along the axis). */
function lerp(ctx: ExprContext, slice: Node, axis: number, plan: { range: RankRange; gamma: number }, weak: boolean): Node {
  const { gamma } = plan;
  const a = at(ctx, slice, axis, 0);
  const b = plan.range[1] === 2 ? at(ctx, slice, axis, 1) : a;
  const t = (g: number) => (weak ? scalar(ctx, g, 'float') : asNumpyScalar(ctx, scalar(ctx, g, 'float')));
  const diff = map(ctx, 'subtract', b, a);
  return gamma >= 0.5
    ? map(ctx, 'subtract', b, map(ctx, 'multiply', diff, t(1 - gamma)))
    : map(ctx, 'add', a, map(ctx, 'multiply', diff, t(gamma)));
}
