/**
 * np.linalg on chunked arrays, composed of the array's own reductions so it needs no LAPACK:
 * `norm` with numpy's orders for vectors (None/2, 1, inf, -inf, 0, any p) and matrices (None and
 * 'fro', 1, -1, inf, -inf), over all axes, one axis or two, with numpy's dtypes (integers in
 * float64). The orders that need singular values (2, -2 and 'nuc' of a matrix) are refused.
 */
import { TesseraError } from '../../engine/errors.js';
import { elementwise, normalizeAxes, reduce, reshape, scalar } from './build.js';
import { isFloat } from './dtype.js';
import type { ExprContext, Node } from './expr.js';

export type NormOrder = number | string | null;

export function norm(ctx: ExprContext, x0: Node, ord: NormOrder, axis: number | number[] | null, keepdims: boolean): Node {
  const x = isFloat(x0.dtype) ? x0 : elementwise(ctx, 'astype_float64', [x0]);
  const nd = x.shape.length;
  const abs = () => elementwise(ctx, 'absolute', [x]);
  const sqrtSumSquares = (axes: number[] | null) => elementwise(ctx, 'sqrt', [reduce(ctx, 'sum', elementwise(ctx, 'multiply', [x, x]), axes, keepdims)]);
  if (axis === null) {
    if (ord === null || (ord === 'fro' && nd === 2) || (ord === 2 && nd === 1)) {
      // numpy: the whole array as one vector (keepdims: every axis kept as 1).
      return sqrtSumSquares(null);
    }
    if (nd !== 1 && nd !== 2) throw new TesseraError('VALUE_ERROR', 'Improper number of dimensions to norm.', 'give axis=, or ord=None for the norm of all elements');
  }
  // In the order given (normalizeAxes sorts them): a matrix norm's first axis is its rows.
  const given = axis === null ? [...Array(nd).keys()] : Array.isArray(axis) ? axis : [axis];
  const axes = given.map((a) => (a < 0 ? a + nd : a));
  if (axes.length === 2 && axes[0] === axes[1]) throw new TesseraError('VALUE_ERROR', 'Duplicate axes given.', '');
  const sorted = normalizeAxes(given, nd);
  if (axes.length === 1) {
    const a = sorted;
    if (typeof ord === 'string') throw new TesseraError('VALUE_ERROR', `Invalid norm order '${ord}' for vectors`, 'vector orders are numbers: 1, 2, inf, -inf, 0 or any p');
    if (ord === null || ord === 2) return sqrtSumSquares(a);
    if (ord === Infinity) return reduce(ctx, 'max', abs(), a, keepdims);
    if (ord === -Infinity) return reduce(ctx, 'min', abs(), a, keepdims);
    if (ord === 0) return elementwise(ctx, `astype_${x.dtype}`, [reduce(ctx, 'count_nonzero', x, a, keepdims)]);
    if (ord === 1) return reduce(ctx, 'sum', abs(), a, keepdims);
    const p = scalar(ctx, ord, 'float');
    const powered = reduce(ctx, 'sum', elementwise(ctx, 'power', [abs(), p]), a, keepdims);
    return elementwise(ctx, 'power', [powered, scalar(ctx, 1 / ord, 'float')]);
  }
  if (axes.length !== 2) throw new TesseraError('VALUE_ERROR', 'Improper number of dimensions to norm.', 'give one axis (a vector norm) or two (a matrix norm)');
  let [row, col] = axes;
  if (ord === null || ord === 'fro') return sqrtSumSquares(sorted);
  if (ord === 2 || ord === -2 || ord === 'nuc') throw new TesseraError('NOT_SUPPORTED', `norm(ord=${typeof ord === 'string' ? `'${ord}'` : ord}) of a matrix needs its singular values, which are not computed here`, "use ord='fro', 1, -1, inf or -inf");
  let result: Node;
  if (ord === 1 || ord === -1) {
    // The largest (smallest) column sum: summed over rows, then over columns.
    if (col > row) col -= 1;
    result = reduce(ctx, ord === 1 ? 'max' : 'min', reduce(ctx, 'sum', abs(), [row]), [col]);
  } else if (ord === Infinity || ord === -Infinity) {
    if (row > col) row -= 1;
    result = reduce(ctx, ord === Infinity ? 'max' : 'min', reduce(ctx, 'sum', abs(), [axes[1]]), [row]);
  } else {
    throw new TesseraError('VALUE_ERROR', 'Invalid norm order for matrices.', "use None, 'fro', 1, -1, inf or -inf");
  }
  if (!keepdims) return result;
  return reshape(ctx, result, x.shape.map((n, d) => (axes.includes(d) ? 1 : n)));
}
