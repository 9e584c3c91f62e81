/**
 * Boolean-mask indexing (`x[mask]`) and what is built on it (nonzero, flatnonzero, argwhere,
 * extract): results whose length depends on the data, as dask's chunks of unknown length.
 *
 * The planner needs every shape, so a mask's counts of true per chunk are computed first: the
 * evaluator meets `x[mask]` without them, throws MaskCountsNeeded naming the mask (raveled, on the
 * chunking the result will have), the runner computes the counts in a run of its own
 * (`maskCountOutputs`) and evaluates the output again with them (run-job.ts). The second run then
 * computes the mask again where it compresses: a mask read twice, the price of static plans.
 */
import { TesseraError } from '../../engine/errors.js';
import { concatenate, elementwise, index, type IndexItem, reduce, rechunk, reshape, scalar, source } from './build.js';
import type { CompressNode, ExprContext, Node } from './expr.js';
import { boundaries, refine } from './grid.js';

/**
 * A mask whose counts the evaluator needs: count true per chunk of `grid` (along its one axis).
 * With `range`, the values needed are instead the minimum and maximum of `mask` (an integer
 * array: bincount's length), as [min, max].
 */
export interface MaskRequest {
  key: string;
  mask: Node;
  grid: number[];
  range?: true;
  /** Bands around ranges of ranks [start, count] of the 1-D array `mask` (rank-slices.ts): their bounds and counts. */
  band?: { ranges: [number, number][] };
}

/** Thrown while evaluating an output that compresses by a mask not yet counted. */
export class MaskCountsNeeded extends TesseraError {
  constructor(readonly requests: MaskRequest[]) {
    super('NOT_SUPPORTED', 'boolean-mask indexing is not supported here: its result\'s length must be counted first', 'use it in an output of a job (not in a delayed call\'s arguments)');
  }
}

export type MaskCounts = ReadonlyMap<string, number[]>;

export const maskKey = (mask: Node, grid: number[]) => `${mask.key}|${grid.join(',')}`;

/**
 * x[mask]: mask (bool) of x's shape or of its leading axes; the result is 1-D over those axes, in
 * C order, with x's other axes after (a 0-d mask: a new leading axis of length 1 or 0). Both are raveled over the mask's axes and share the chunks
 * of that axis; x's other axes are one chunk each in the result.
 */
export function booleanIndex(ctx: ExprContext, x: Node, mask: Node, counts: MaskCounts | null): Node {
  const k = mask.shape.length;
  // numpy: a 0-d mask adds a leading axis that it keeps (length 1) or drops (length 0).
  if (k === 0) return booleanIndex(ctx, reshape(ctx, x, [1, ...x.shape]), reshape(ctx, mask, [1]), counts);
  if (k > x.shape.length) throw new TesseraError('INDEX_ERROR', `too many indices for array: array is ${x.shape.length}-dimensional, but ${k} were indexed`, '');
  for (let d = 0; d < k; d++) {
    if (mask.shape[d] !== x.shape[d])
      throw new TesseraError('INDEX_ERROR', `boolean index did not match indexed array along axis ${d}; size of axis is ${x.shape[d]} but size of corresponding boolean axis is ${mask.shape[d]}`, 'the mask must have the shape of the array (or of its leading axes)');
  }
  const rest = x.shape.slice(k);
  const rows = x.shape.slice(0, k).reduce((p, n) => p * n, 1);
  const flatX = k === 1 ? x : reshape(ctx, x, [rows, ...rest]);
  const flatMask = k === 1 ? mask : reshape(ctx, mask, [rows]);
  const grid = refine([flatX.grid[0], flatMask.grid[0]]);
  const request: MaskRequest = { key: maskKey(flatMask, grid), mask: flatMask, grid };
  const found = counts?.get(request.key);
  if (!found) throw new MaskCountsNeeded([request]);
  const input = rechunk(ctx, flatX, [grid, ...rest.map((n) => [n])]);
  const m = rechunk(ctx, flatMask, [grid]);
  const total = found.reduce((p, n) => p + n, 0);
  return ctx.intern<CompressNode>({ op: 'compress', input, mask: m, shape: [total, ...rest], dtype: x.dtype, weak: null, grid: [found, ...rest.map((n) => [n])] }, found);
}

/** The outputs that count a request's mask: count_nonzero of each chunk, named `${prefix}${k}` (a range request: its min and max). */
export function maskCountOutputs(ctx: ExprContext, r: MaskRequest, prefix: string): { name: string; node: Node }[] {
  if (r.range) return [{ name: `${prefix}0`, node: reduce(ctx, 'min', r.mask, null) }, { name: `${prefix}1`, node: reduce(ctx, 'max', r.mask, null) }];
  const b = boundaries(r.grid);
  return r.grid.map((_, k) => ({
    name: `${prefix}${k}`,
    node: reduce(ctx, 'count_nonzero', index(ctx, r.mask, [{ kind: 'slice', start: b[k], stop: b[k + 1], step: null }]), null),
  }));
}

/** np.flatnonzero: the flat indices where x is not zero. */
export function flatnonzero(ctx: ExprContext, x: Node, counts: MaskCounts | null): Node {
  const flat = reshape(ctx, x, [-1]);
  const positions = source(ctx, { kind: 'arange', start: 0, step: 1 }, flat.shape, 'int64', flat.grid);
  return booleanIndex(ctx, positions, truth(ctx, flat), counts);
}

/** np.nonzero: per axis, the index of each non-zero element along it (C order). */
export function nonzero(ctx: ExprContext, x: Node, counts: MaskCounts | null): Node[] {
  if (x.shape.length === 0) throw new TesseraError('VALUE_ERROR', 'Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.', '');
  const flat = flatnonzero(ctx, x, counts);
  return x.shape.map((n, d) => {
    const stride = x.shape.slice(d + 1).reduce((p, m) => p * m, 1);
    const along = elementwise(ctx, 'floor_divide', [flat, int64(ctx, stride)]);
    return d === 0 ? along : elementwise(ctx, 'remainder', [along, int64(ctx, n)]);
  });
}

/** np.argwhere: one row of indices per non-zero element, (count, ndim). */
export function argwhere(ctx: ExprContext, x: Node, counts: MaskCounts | null): Node {
  if (x.shape.length === 0) {
    const flat = flatnonzero(ctx, x, counts);
    return reshape(ctx, flat.shape[0] === 0 ? flat : index(ctx, flat, [{ kind: 'slice', start: 0, stop: 0, step: null }]), [flat.shape[0], 0]);
  }
  const column: IndexItem[] = [{ kind: 'slice', start: null, stop: null, step: null }, { kind: 'newaxis' }];
  return concatenate(ctx, nonzero(ctx, x, counts).map((c) => index(ctx, c, column)), 1);
}

/** An int64 numpy scalar (not a weak literal: the result stays int64). */
const int64 = (ctx: ExprContext, v: number) => source(ctx, { kind: 'full', value: v }, [], 'int64', []);

/** x != 0 as bool (a bool array as it is). */
function truth(ctx: ExprContext, x: Node): Node {
  return x.dtype === 'bool' ? x : elementwise(ctx, 'astype_bool', [x]);
}

/** The reductions of a masked array that need no count: x[mask].f() over all elements is f of where(mask, x, identity). */
export const MASKED_REDUCTIONS = new Set(['sum', 'prod', 'mean', 'any', 'all', 'max', 'min', 'amax', 'amin']);

/**
 * x[mask].f() with mask of x's shape, in one pass and without counting first: the selected
 * elements reduced with the others replaced by f's identity (numpy's dtypes: a mean divides by
 * the count in float64; max/min of an empty selection raise, where a task computes it). Null where
 * the rewrite does not apply (max/min of integers, whose identities need exact 64-bit constants).
 */
export function maskedReduction(ctx: ExprContext, fn: string, x: Node, mask: Node): Node | null {
  const f = fn === 'amax' ? 'max' : fn === 'amin' ? 'min' : fn;
  const isFloatX = x.dtype === 'float64' || x.dtype === 'float32';
  const where = (fill: number) => elementwise(ctx, 'where', [mask, x, scalarOf(ctx, fill)]);
  switch (f) {
    case 'sum': return reduce(ctx, 'sum', where(0), null);
    case 'prod': return reduce(ctx, 'prod', where(1), null);
    case 'any': return reduce(ctx, 'any', elementwise(ctx, 'logical_and', [mask, x]), null);
    case 'all': return reduce(ctx, 'all', elementwise(ctx, 'logical_or', [elementwise(ctx, 'logical_not', [mask]), x]), null);
    case 'mean': {
      const total = reduce(ctx, 'sum', where(0), null);
      const q = elementwise(ctx, 'true_divide', [total, reduce(ctx, 'count_nonzero', mask, null)]);
      return x.dtype === 'float32' ? elementwise(ctx, 'astype_float32', [q]) : q;
    }
    case 'max': case 'min': {
      if (!isFloatX) return null;
      const m = reduce(ctx, f, where(f === 'max' ? -Infinity : Infinity), null);
      const none = elementwise(ctx, 'check_empty_selection', [elementwise(ctx, 'logical_not', [reduce(ctx, 'any', mask, null)])]);
      return elementwise(ctx, 'where', [none, scalarOf(ctx, 0), m]);
    }
    default: return null;
  }
}

const scalarOf = (ctx: ExprContext, v: number) => scalar(ctx, v, Number.isInteger(v) ? 'int' : 'float');
