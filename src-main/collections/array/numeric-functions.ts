/**
 * numpy's numeric helpers built from the primitives, each the way numpy's own Python code builds
 * it, so dtypes and roundings are numpy's: isfinite, isinf, isclose, allclose, average (with
 * weights), cov and corrcoef (numpy's formula: centre, multiply by the transpose, scale by
 * 1 / (n - ddof)).
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, concatenate, elementwise, index, matmul, normalizeAxes, reduce, reshape, scalar, transpose } from './build.js';
import { type DType, isFloat, promote, promoteDtypes } from './dtype.js';
import type { ExprContext, Node, ScalarNode } from './expr.js';
import { squeeze } from './shape-functions.js';
import { full } from './creation.js';

const map = (ctx: ExprContext, fn: string, ...args: Node[]) => elementwise(ctx, fn, args);
const float = (ctx: ExprContext, v: number) => scalar(ctx, v, 'float');

/** np.isfinite: x - x is 0 for every finite x and NaN for inf and NaN; integers and bools are finite. */
export function isfinite(ctx: ExprContext, x0: Node): Node {
  const x = asNumpyScalar(ctx, x0);
  if (!isFloat(x.dtype)) return map(ctx, 'equal', x, x);
  return map(ctx, 'equal', map(ctx, 'subtract', x, x), scalar(ctx, 0, 'int'));
}

/** np.isinf: not NaN, but x - x is. */
export function isinf(ctx: ExprContext, x0: Node): Node {
  const x = asNumpyScalar(ctx, x0);
  if (!isFloat(x.dtype)) return map(ctx, 'not_equal', x, x);
  return map(ctx, 'logical_and', map(ctx, 'logical_not', map(ctx, 'isnan', x)), map(ctx, 'isnan', map(ctx, 'subtract', x, x)));
}

/**
 * np.isclose (numpy 2): |x - y| <= atol + rtol * |y| where y is finite, or x == y; y is made
 * inexact first (result_type(y, 1.0)), a Python int y a Python float.
 */
export function isclose(ctx: ExprContext, x: Node, y0: Node, rtol: number, atol: number, equalNan: boolean): Node {
  let y = y0;
  if (y.weak === null) {
    const t = promote([{ dtype: y.dtype, weak: null }, { dtype: 'float64', weak: 'float' }]);
    if (t !== y.dtype) y = map(ctx, `astype_${t}`, y);
  } else if (y.op === 'scalar' && y.weak !== 'float') {
    y = float(ctx, Number((y as ScalarNode).exact ?? Number(y.value)));
  }
  const tolerance = map(ctx, 'add', float(ctx, atol), map(ctx, 'multiply', float(ctx, rtol), map(ctx, 'absolute', y)));
  const near = map(ctx, 'bitwise_and', map(ctx, 'less_equal', map(ctx, 'absolute', map(ctx, 'subtract', x, y)), tolerance), isfinite(ctx, y));
  const result = map(ctx, 'bitwise_or', near, map(ctx, 'equal', x, y));
  return equalNan ? map(ctx, 'bitwise_or', result, map(ctx, 'bitwise_and', map(ctx, 'isnan', x), map(ctx, 'isnan', y))) : result;
}

/** np.allclose: all of isclose (a 0-d bool array where numpy returns a Python bool). */
export function allclose(ctx: ExprContext, x: Node, y: Node, rtol: number, atol: number, equalNan: boolean): Node {
  return reduce(ctx, 'all', isclose(ctx, x, y, rtol, atol, equalNan), null);
}

/**
 * np.average: the mean without weights; with weights, sum(a * w) / sum(w) in the promoted float
 * dtype (float64 for integer and bool `a`), 1-D weights laid along `axis`. Weights that sum to
 * zero raise ZeroDivisionError, as numpy, where the result is computed.
 */
export function average(ctx: ExprContext, a: Node, axis: number | number[] | null, weights: Node | null, keepdims: boolean): Node {
  if (!weights) return reduce(ctx, 'mean', a, axis, keepdims);
  const resultDtype: DType = isFloat(a.dtype) ? promoteDtypes(a.dtype, weights.dtype) : promoteDtypes(promoteDtypes(a.dtype, weights.dtype), 'float64');
  let w = weights;
  const axes = axis === null ? null : normalizeAxes(axis, a.shape.length);
  if (w.shape.length !== a.shape.length || w.shape.some((n, d) => n !== a.shape[d])) {
    if (axes === null) throw new TesseraError('TYPE_ERROR', 'Axis must be specified when shapes of a and weights differ.', 'give axis=, the axis the weights lie along');
    const given = Array.isArray(axis) ? (axis as number[]).map((d) => (d < 0 ? d + a.shape.length : d)) : [axes[0]];
    if (w.shape.length !== given.length || w.shape.some((n, k) => n !== a.shape[given[k]]))
      throw new TesseraError('VALUE_ERROR', 'Shape of weights must be consistent with shape of a along specified axis.', `weights of shape (${given.map((d) => a.shape[d]).join(', ')}${given.length === 1 ? ',' : ''}) lie along axis ${given.join(', ')}`);
    // numpy: the weights' axes put in increasing order, then length-1 axes where a has others.
    const order = given.map((d, k) => [d, k] as const).sort((p, q) => p[0] - q[0]).map(([, k]) => k);
    w = reshape(ctx, transpose(ctx, w, order), a.shape.map((n, d) => (axes.includes(d) ? n : 1)));
  }
  const cast = (n: Node) => (n.dtype === resultDtype ? n : map(ctx, `astype_${resultDtype}`, n));
  const scale = reduce(ctx, 'sum', cast(w), axes, keepdims);
  const total = reduce(ctx, 'sum', map(ctx, 'multiply', cast(a), cast(w)), axes, keepdims);
  const zero = map(ctx, 'check_zero_weights', map(ctx, 'equal', scale, scalar(ctx, 0, 'int')));
  return map(ctx, 'where', zero, scalar(ctx, 0, 'int'), map(ctx, 'true_divide', total, scale));
}

/** np.cov(m, y, rowvar, bias, ddof): variables in rows (or columns), computed in float64. */
export function cov(ctx: ExprContext, m: Node, y: Node | null, rowvar: boolean, bias: boolean, ddof: number | null): Node {
  // numpy transposes m whenever it is not 1-D, y only when it has more than one row.
  const asRows = (v: Node, transposeIf: (two: Node) => boolean): Node => {
    if (v.shape.length > 2) throw new TesseraError('VALUE_ERROR', `${v === m ? 'm' : 'y'} has more than 2 dimensions`, 'cov takes a 1-D or 2-D array');
    const f = v.dtype === 'float64' ? asNumpyScalar(ctx, v) : map(ctx, 'astype_float64', asNumpyScalar(ctx, v));
    const two = f.shape.length === 2 ? f : reshape(ctx, f, [1, f.shape.length ? f.shape[0] : 1]);
    return !rowvar && transposeIf(two) ? transpose(ctx, two) : two;
  };
  let X = asRows(m, () => m.shape.length !== 1);
  if (X.shape[0] === 0) return full(ctx, [0, 0], 0, 'float64'); // numpy: np.array([]).reshape(0, 0)
  if (y) X = concatenate(ctx, [X, asRows(y, (two) => two.shape[0] !== 1)], 0);
  const dof = ddof ?? (bias ? 0 : 1);
  const fact = Math.max(X.shape[1] - dof, 0);
  const centred = map(ctx, 'subtract', X, reduce(ctx, 'mean', X, 1, true));
  const c = map(ctx, 'multiply', matmul(ctx, centred, transpose(ctx, centred)), float(ctx, 1 / fact));
  return squeeze(ctx, c, null);
}

/** np.corrcoef: cov scaled by the outer product of its diagonal's square roots, clipped to [-1, 1]. */
export function corrcoef(ctx: ExprContext, x: Node, y: Node | null, rowvar: boolean): Node {
  const c = cov(ctx, x, y, rowvar, false, null);
  if (c.shape.length === 0) return map(ctx, 'true_divide', c, c); // numpy: a scalar covariance
  const k = c.shape[0];
  const diagonal = index(ctx, reshape(ctx, c, [k * k]), [{ kind: 'slice', start: null, stop: null, step: k + 1 }]);
  const stddev = map(ctx, 'sqrt', diagonal);
  const all = { kind: 'slice', start: null, stop: null, step: null } as const;
  const r = map(ctx, 'true_divide', map(ctx, 'true_divide', c, index(ctx, stddev, [all, { kind: 'newaxis' }])), index(ctx, stddev, [{ kind: 'newaxis' }, all]));
  return map(ctx, 'minimum', map(ctx, 'maximum', r, scalar(ctx, -1, 'int')), scalar(ctx, 1, 'int'));
}

/**
 * np.gradient along one axis with a scalar spacing: central differences inside, one-sided ones
 * at the edges (first or second order), as numpy computes them; integers in float64.
 */
export function gradient(ctx: ExprContext, f0: Node, axis: number, spacing: number, edgeOrder: 1 | 2): Node {
  const f = isFloat(f0.dtype) || f0.dtype === 'bool' ? f0 : map(ctx, 'astype_float64', f0);
  const n = f.shape[axis];
  if (n < edgeOrder + 1)
    throw new TesseraError('VALUE_ERROR', `Shape of array too small to calculate a numerical gradient, at least (edge_order + 1) elements are required.`, `axis ${axis} has ${n}`);
  const at = (start: number | null, stop: number | null) =>
    index(ctx, f, f.shape.map((_, d) => (d === axis ? { kind: 'slice' as const, start, stop, step: null } : { kind: 'slice' as const, start: null, stop: null, step: null })));
  const sub = (p: Node, q: Node) => map(ctx, 'subtract', p, q);
  const div = (p: Node, v: number) => map(ctx, 'true_divide', p, float(ctx, v));
  const mul = (v: number, p: Node) => map(ctx, 'multiply', float(ctx, v), p);
  const add = (p: Node, q: Node) => map(ctx, 'add', p, q);
  const inside = div(sub(at(2, null), at(null, -2)), 2 * spacing);
  let first: Node, last: Node;
  if (edgeOrder === 1) {
    first = div(sub(at(1, 2), at(0, 1)), spacing);
    last = div(sub(at(n - 1, n), at(n - 2, n - 1)), spacing);
  } else {
    first = add(add(mul(-1.5 / spacing, at(0, 1)), mul(2 / spacing, at(1, 2))), mul(-0.5 / spacing, at(2, 3)));
    last = add(add(mul(0.5 / spacing, at(n - 3, n - 2)), mul(-2 / spacing, at(n - 2, n - 1))), mul(1.5 / spacing, at(n - 1, n)));
  }
  return concatenate(ctx, n > 2 ? [first, inside, last] : [first, last], axis);
}
