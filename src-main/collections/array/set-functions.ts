/**
 * np.unique (with index, inverse and counts) over any chunking, from the array's own parts: the
 * flattened array sorted (numpy's stable sort, the runs merged by rank), a mask of the first
 * element of each run of equal values (NaNs one run, as numpy 2's equal_nan=True; -0.0 and 0.0 one
 * value), the masked values, and each run's length from the mask's true positions. The mask's
 * length is data, so the job counts it first (masks.ts), as for any boolean index. The first
 * occurrences (return_index) are the stable argsort masked the same way; the inverse gives each
 * sorted position its run's number (a cumsum of the mask) and puts it back in the original order
 * by one more sort, of position * n + run (no gather needed: the positions are a permutation).
 *
 * np.bincount likewise: its length is the largest value + 1, so the job finds the values' range
 * first (a range request, masks.ts), then counts each chunk's values into that many unit bins
 * with the histogram task (edges at the half-integers, exact in float64) and sums the rows; with
 * weights, sums them (float64, as numpy's result) in those bins instead.
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, concatenate, elementwise, index, type IndexItem, rechunk, reshape, source } from './build.js';
import { binCounts } from './histogram.js';
import { full } from './creation.js';
import { isFloat } from './dtype.js';
import type { ExprContext, Node } from './expr.js';
import { booleanIndex, flatnonzero, type MaskCounts, MaskCountsNeeded } from './masks.js';
import { sortAlong } from './sorting.js';
import { cumulative } from './cumulative.js';

const slice = (start: number | null, stop: number | null): IndexItem => ({ kind: 'slice', start, stop, step: null });

export interface UniqueReturns { index: boolean; inverse: boolean; counts: boolean }

/** np.unique(x, return_index, return_inverse, return_counts): [values, index?, inverse? (x's shape, as numpy 2), counts?]. */
export function unique(ctx: ExprContext, x: Node, want: UniqueReturns, maskCounts: MaskCounts | null): Node[] {
  const flat = reshape(ctx, x, [-1]);
  const sorted = sortAlong(ctx, 'sort', flat, null);
  const n = sorted.shape[0];
  const none = full(ctx, [0], 0, 'int64');
  if (n === 0) return [sorted, ...(want.index ? [none] : []), ...(want.inverse ? [reshape(ctx, none, x.shape)] : []), ...(want.counts ? [none] : [])];
  if (want.inverse && n > 3_000_000_000) throw new TesseraError('VALUE_ERROR', 'unique(return_inverse=True) of more than 3e9 elements is not supported', 'compute the inverse of a part at a time');
  const tail = index(ctx, sorted, [slice(1, null)]), head = index(ctx, sorted, [slice(null, -1)]);
  let starts = elementwise(ctx, 'not_equal', [tail, head]);
  if (isFloat(x.dtype)) {
    const bothNan = elementwise(ctx, 'logical_and', [elementwise(ctx, 'isnan', [tail]), elementwise(ctx, 'isnan', [head])]);
    starts = elementwise(ctx, 'logical_and', [starts, elementwise(ctx, 'logical_not', [bothNan])]);
  }
  const keep = concatenate(ctx, [full(ctx, [1], true, 'bool'), starts], 0);
  const out = [booleanIndex(ctx, sorted, keep, maskCounts)];
  const perm = want.index || want.inverse ? sortAlong(ctx, 'argsort', flat, null) : null;
  if (want.index) out.push(booleanIndex(ctx, perm!, keep, maskCounts));
  if (want.inverse) {
    const int = (v: number) => full(ctx, [], v, 'int64');
    const run = elementwise(ctx, 'subtract', [cumulative(ctx, 'cumsum', elementwise(ctx, 'astype_int64', [keep]), 0), int(1)]);
    const byPosition = sortAlong(ctx, 'sort', elementwise(ctx, 'add', [elementwise(ctx, 'multiply', [perm!, int(n)]), run]), null);
    out.push(reshape(ctx, elementwise(ctx, 'remainder', [byPosition, int(n)]), x.shape));
  }
  if (want.counts) {
    // Each run's length: the next run's start (or n) minus its own.
    const at = flatnonzero(ctx, keep, maskCounts);
    const next = concatenate(ctx, [index(ctx, at, [slice(1, null)]), full(ctx, [1], n, 'int64')], 0);
    out.push(elementwise(ctx, 'subtract', [next, at]));
  }
  return out;
}


/** np.bincount(x, weights, minlength): the count (or the weights' sum) of each value 0 .. max(x) of a 1-D array of non-negative integers. */
export function bincount(ctx: ExprContext, x0: Node, minlength: number, maskCounts: MaskCounts | null, weights0: Node | null = null): Node {
  const x = asNumpyScalar(ctx, x0);
  const weights = weights0 && asNumpyScalar(ctx, weights0);
  if (weights && (weights.shape.length !== 1 || weights.shape[0] !== x.shape[0])) {
    throw new TesseraError('VALUE_ERROR', weights.shape.length > 1 ? 'object too deep for desired array' : "The weights and list don't have the same length.", 'give one weight per value of x');
  }
  if (x.shape.length !== 1) throw new TesseraError('VALUE_ERROR', 'object too deep for desired array', 'bincount counts a 1-D array: ravel it first');
  if (x.dtype === 'uint64' || isFloat(x.dtype)) throw new TesseraError('TYPE_ERROR', `Cannot cast array data from dtype('${x.dtype}') to dtype('int64') according to the rule 'safe'`, "give integers: x.astype('int64')");
  if (!Number.isInteger(minlength) || minlength < 0) throw new TesseraError('VALUE_ERROR', "'minlength' must not be negative", '');
  let length = minlength;
  if (x.shape[0] > 0) {
    const key = `range|${x.key}`;
    const range = maskCounts?.get(key);
    if (!range) throw new MaskCountsNeeded([{ key, mask: x, grid: [1, 1], range: true }]); // two values: min and max
    if (range[0] < 0) throw new TesseraError('VALUE_ERROR', "'list' argument must have no negative elements", 'bincount counts values 0, 1, 2, ...: shift or filter the negative ones');
    length = Math.max(minlength, range[1] + 1);
  }
  // numpy: an empty x counts into int64 zeros, weights or not.
  if (length === 0 || x.shape[0] === 0) return full(ctx, [length], 0, weights && x.shape[0] ? 'float64' : 'int64');
  // Unit bins [k - 0.5, k + 0.5): the histogram task's comparisons are exact here (float64).
  const edges = source(ctx, { kind: 'arange', start: -0.5, step: 1 }, [length + 1], 'float64', [[length + 1]]);
  return binCounts(ctx, x.dtype === 'bool' ? elementwise(ctx, 'astype_uint8', [x]) : x, rechunk(ctx, edges, [[length + 1]]), weights);
}
