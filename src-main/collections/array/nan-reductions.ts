/**
 * numpy's NaN-ignoring reductions, built as numpy's nanfunctions build them so results and dtypes
 * are numpy's: the NaNs replaced by the reduction's identity, counts of the other elements where
 * a mean needs them, and numpy's data-dependent errors as Checks (see ufuncs.ts). Integer and bool
 * arrays hold no NaN: each is its plain reduction, as numpy shortcuts it.
 *
 * nansum, nanprod  the sum/product with NaN read as 0/1 (all NaN: 0/1)
 * nanmean          nansum / count of non-NaN (all NaN: nan)
 * nanvar, nanstd   two passes, as numpy: the mean, then squared deviations with NaN read as 0,
 *                  divided by count - ddof (nan where that is <= 0)
 * nanmin, nanmax   fmin/fmax: min over NaN read as +inf, nan where every element is NaN
 * nanargmin/max    argmin over NaN read as +inf (-inf for max); a slice of NaNs only raises
 */
import { elementwise, reduce, scalar } from './build.js';
import { isFloat } from './dtype.js';
import type { ExprContext, Node } from './expr.js';

type Axis = number | number[] | null;

export const NAN_REDUCTIONS = ['nansum', 'nanprod', 'nanmean', 'nanvar', 'nanstd', 'nanmin', 'nanmax', 'nanargmin', 'nanargmax'] as const;

/** x with its NaNs replaced by `fill` (numpy's _replace_nan); arrays without NaN as they are. */
export function replaceNan(ctx: ExprContext, x: Node, fill: number): Node {
  if (!isFloat(x.dtype)) return x;
  return elementwise(ctx, 'where', [elementwise(ctx, 'isnan', [x]), scalar(ctx, fill, Number.isInteger(fill) ? 'int' : 'float'), x]);
}

/** The number of non-NaN elements along the axes (int64). */
function countNotNan(ctx: ExprContext, x: Node, axis: Axis, keepdims: boolean): Node {
  return reduce(ctx, 'count_nonzero', elementwise(ctx, 'logical_not', [elementwise(ctx, 'isnan', [x])]), axis, keepdims);
}

/** numpy's _divide_by_count: the division in float64, the result in the numerator's dtype. */
function divideByCount(ctx: ExprContext, total: Node, count: Node): Node {
  const q = elementwise(ctx, 'true_divide', [total, count]);
  return q.dtype === total.dtype ? q : elementwise(ctx, `astype_${total.dtype}`, [q]);
}

export function nanMean(ctx: ExprContext, x: Node, axis: Axis, keepdims: boolean): Node {
  if (!isFloat(x.dtype)) return reduce(ctx, 'mean', x, axis, keepdims);
  return divideByCount(ctx, reduce(ctx, 'sum', replaceNan(ctx, x, 0), axis, keepdims), countNotNan(ctx, x, axis, keepdims));
}

export function nanVar(ctx: ExprContext, x: Node, axis: Axis, keepdims: boolean, ddof: number, sqrt: boolean): Node {
  if (!isFloat(x.dtype)) return reduce(ctx, sqrt ? 'std' : 'var', x, axis, keepdims, ddof);
  const zeroed = replaceNan(ctx, x, 0);
  const mean = divideByCount(ctx, reduce(ctx, 'sum', zeroed, axis, true), countNotNan(ctx, x, axis, true));
  // Zero where x is NaN only (numpy's _copyto with the mask): inf - inf stays NaN, as in numpy.
  const deviation = elementwise(ctx, 'where', [elementwise(ctx, 'isnan', [x]), scalar(ctx, 0, 'int'), elementwise(ctx, 'subtract', [x, mean])]);
  const squares = reduce(ctx, 'sum', elementwise(ctx, 'multiply', [deviation, deviation]), axis, keepdims);
  const dof = elementwise(ctx, 'subtract', [countNotNan(ctx, x, axis, keepdims), scalar(ctx, ddof, 'int')]);
  const variance = divideByCount(ctx, squares, dof);
  const v = elementwise(ctx, 'where', [elementwise(ctx, 'less_equal', [dof, scalar(ctx, 0, 'int')]), scalar(ctx, NaN, 'float'), variance]);
  return sqrt ? elementwise(ctx, 'sqrt', [v]) : v;
}

export function nanMinMax(ctx: ExprContext, fn: 'min' | 'max', x: Node, axis: Axis, keepdims: boolean): Node {
  if (!isFloat(x.dtype)) return reduce(ctx, fn, x, axis, keepdims);
  const m = reduce(ctx, fn, replaceNan(ctx, x, fn === 'min' ? Infinity : -Infinity), axis, keepdims);
  const allNan = reduce(ctx, 'all', elementwise(ctx, 'isnan', [x]), axis, keepdims);
  return elementwise(ctx, 'where', [allNan, scalar(ctx, NaN, 'float'), m]);
}

export function nanArg(ctx: ExprContext, fn: 'argmin' | 'argmax', x: Node, axis: number | null, keepdims: boolean): Node {
  if (!isFloat(x.dtype)) return reduce(ctx, fn, x, axis, keepdims);
  const index = reduce(ctx, fn, replaceNan(ctx, x, fn === 'argmin' ? Infinity : -Infinity), axis, keepdims);
  const allNan = reduce(ctx, 'all', elementwise(ctx, 'isnan', [x]), axis, keepdims);
  return elementwise(ctx, 'add', [index, elementwise(ctx, 'check_all_nan_slice', [allNan])]);
}
