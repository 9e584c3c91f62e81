/**
 * np.histogram(a, bins, range, density): the counts and the bin edges, numpy 2's.
 *
 * The edges are numpy's own steps: given edges (1-D, increasing); or `bins` equal bins over
 * `range` (Python numbers: numpy's linspace computes them in float64, then casts to the edges'
 * dtype), or over the data's min and max (a lazy linspace in the edges' dtype from the two
 * reductions, widened by 0.5 each way where they are equal, a data-dependent error where either is
 * NaN or infinite). The edges' dtype is float32 for float32 data, else float64 (a bool array
 * counts as uint8, as numpy converts it). The counts are a HistogramNode (per-chunk rows, each
 * value binned by a search of the edges, the last bin closed) summed over its rows.
 *
 * With weights (of `a`'s shape), each value adds its weight: summed in float64 per chunk and over
 * the chunks, then cast to the weights' dtype as numpy's result has it (numpy sums blocks of
 * 65,536 in float64 too, so float64 results agree to rounding; integer sums are exact below 2^53).
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, elementwise, reduce, rechunk, reshape, scalar } from './build.js';
import { arange, full, linspace } from './creation.js';
import type { DType } from './dtype.js';
import type { ExprContext, HistogramNode, Node } from './expr.js';
import { product } from './grid.js';
import { diff } from './shape-functions.js';

/** `bins` as given: a count of equal bins, or the edges (np.asarray of the list) and their values. */
export type Bins = { count: number } | { edges: Node; values: number[] };

const map = (ctx: ExprContext, fn: string, ...args: Node[]) => elementwise(ctx, fn, args);
const pyFloat = (ctx: ExprContext, v: number) => scalar(ctx, v, 'float');
const pyInt = (ctx: ExprContext, v: number) => scalar(ctx, v, 'int');

export function histogram(ctx: ExprContext, a0: Node, bins: Bins, range: [number, number] | null, density: boolean, weights: Node | null = null): [Node, Node] {
  let a = asNumpyScalar(ctx, a0);
  if (weights && !sameShape(weights.shape, a.shape)) throw new TesseraError('VALUE_ERROR', 'weights should have the same shape as a.', `give weights of shape (${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`);
  if (a.dtype === 'bool') a = map(ctx, 'astype_uint8', a);
  const edgeType: DType = a.dtype === 'float32' ? 'float32' : 'float64';
  let edges: Node, countIn: Node;
  if ('edges' in bins) {
    const e = bins.values;
    if (e.length === 0) throw new TesseraError('VALUE_ERROR', 'bins must have at least one edge', 'give two or more edges, or a count of bins');
    if (e.some((v, i) => i > 0 && !(v >= e[i - 1]))) throw new TesseraError('VALUE_ERROR', '`bins` must increase monotonically, when an array', 'list the edges in increasing order');
    edges = bins.edges;
    if (e.length === 1) return [full(ctx, [0], 0, weights ? weights.dtype : 'int64'), edges]; // one edge: no bins (numpy's empty counts)
    // The values meet the edges as numpy compares them: both in float64 (float32 data too).
    countIn = edges.dtype === 'float64' ? edges : map(ctx, 'astype_float64', edges);
  } else {
    if (!Number.isInteger(bins.count) || bins.count < 1) throw new TesseraError('VALUE_ERROR', '`bins` must be positive, when an integer', 'give a count of bins of 1 or more');
    edges = range || product(a.shape) === 0 ? fixedEdges(ctx, range ?? [0, 1], bins.count, edgeType) : dataEdges(ctx, a, bins.count, edgeType);
    countIn = edges;
  }
  if (countIn.grid[0].length > 1) countIn = rechunk(ctx, countIn, [[countIn.shape[0]]]);
  const nbins = countIn.shape[0] - 1;
  let counts = binCounts(ctx, a.shape.length ? a : reshape(ctx, a, [1]), countIn, weights && (weights.shape.length ? weights : reshape(ctx, weights, [1])));
  if (weights && weights.dtype !== 'float64') counts = map(ctx, `astype_${weights.dtype}`, counts);
  if (density) {
    // numpy: n / db / n.sum() with db = np.diff(bin_edges) as float64.
    const widths = map(ctx, 'astype_float64', diff(ctx, edges, 1, 0));
    counts = map(ctx, 'true_divide', map(ctx, 'true_divide', counts, widths), reduce(ctx, 'sum', counts, null));
  }
  return [counts, edges];
}

/**
 * Its count (or its weights' sum, float64) in each bin of `edges` (one chunk) of each chunk of
 * `input`, summed over the chunks.
 */
export function binCounts(ctx: ExprContext, input: Node, edges: Node, weights: Node | null): Node {
  return reduce(ctx, 'sum', binCountsPerChunk(ctx, input, edges, weights), 0);
}

/** Per chunk of `input` (C order), its count (or weights' sum) in each bin of `edges`: [chunks, bins]. */
export function binCountsPerChunk(ctx: ExprContext, input: Node, edges: Node, weights: Node | null = null): Node {
  const nbins = edges.shape[0] - 1;
  const rows = Math.max(1, input.grid.reduce((n, g) => n * g.length, 1));
  const w = weights && rechunk(ctx, weights.dtype === 'float64' ? weights : map(ctx, 'astype_float64', weights), input.grid);
  return ctx.intern<HistogramNode>({
    op: 'histogram', input, edges, weights: w,
    shape: [rows, nbins], dtype: w ? 'float64' : 'int64', weak: null, grid: [new Array<number>(rows).fill(1), [nbins]],
  }, null);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Edges over a range of Python numbers: numpy's linspace in float64, cast to the edges' dtype. */
function fixedEdges(ctx: ExprContext, [lo0, hi0]: [number, number], bins: number, dtype: DType): Node {
  if (!(lo0 <= hi0)) {
    if (Number.isFinite(lo0) && Number.isFinite(hi0)) throw new TesseraError('VALUE_ERROR', 'max must be larger than min in range parameter.', 'give range=(lo, hi) with lo <= hi');
  }
  if (!Number.isFinite(lo0) || !Number.isFinite(hi0)) throw new TesseraError('VALUE_ERROR', `supplied range of [${lo0}, ${hi0}] is not finite`, 'give a finite range');
  const [lo, hi] = lo0 === hi0 ? [lo0 - 0.5, hi0 + 0.5] : [lo0, hi0];
  return linspace(ctx, lo, hi, bins + 1, true, dtype);
}

/**
 * Edges over the data's min and max: numpy's linspace in the edges' dtype, step by step (delta,
 * step = delta / bins, the ramp times step, or divided by bins and times delta where the step is
 * 0; plus the start; the last edge the stop).
 */
function dataEdges(ctx: ExprContext, a: Node, bins: number, dtype: DType): Node {
  const as = (x: Node) => (x.dtype === dtype ? x : map(ctx, `astype_${dtype}`, x));
  let lo: Node = reduce(ctx, 'min', a, null), hi: Node = reduce(ctx, 'max', a, null);
  const notFinite = (x: Node) => map(ctx, 'logical_not', map(ctx, 'equal', map(ctx, 'subtract', as(x), as(x)), pyInt(ctx, 0)));
  const check = map(ctx, 'check_range_not_finite', map(ctx, 'logical_or', notFinite(lo), notFinite(hi)));
  const same = map(ctx, 'equal', lo, hi);
  lo = map(ctx, 'where', same, map(ctx, 'subtract', lo, pyFloat(ctx, 0.5)), lo);
  hi = map(ctx, 'where', same, map(ctx, 'add', hi, pyFloat(ctx, 0.5)), hi);
  lo = as(map(ctx, 'add', lo, check)); // the check is 0: it raises where the range is not finite
  hi = as(hi);
  const num = bins + 1;
  const ramp = arange(ctx, 0, num, 1, dtype);
  const delta = map(ctx, 'subtract', hi, lo);
  const step = map(ctx, 'true_divide', delta, pyInt(ctx, bins));
  const scaled = map(ctx, 'where', map(ctx, 'equal', step, pyInt(ctx, 0)),
    map(ctx, 'multiply', map(ctx, 'true_divide', ramp, pyInt(ctx, bins)), delta), map(ctx, 'multiply', ramp, step));
  const y = map(ctx, 'add', scaled, lo);
  const last = map(ctx, 'equal', arange(ctx, 0, num, 1, 'int64', [ramp.grid[0]]), pyInt(ctx, num - 1));
  return map(ctx, 'where', last, hi, y);
}
