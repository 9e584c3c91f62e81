/**
 * np.linalg on chunked arrays:
 * - `norm`, composed of the array's own reductions: numpy's orders for vectors (None/2, 1, inf,
 *   -inf, 0, any p) and matrices (None and 'fro', 1, -1, inf, -inf; 2, -2 and 'nuc' from the
 *   singular values of svd below, for one matrix), over all axes, one axis or two, with numpy's
 *   dtypes (integers in float64);
 * - `qr` of a tall-skinny matrix by TSQR (dask's): a LAPACK QR of each row chunk, a QR of their
 *   stacked R factors, and each chunk's Q times its block of the second Q (a matmul per chunk);
 * - `svd` of a tall-skinny (or, transposed, short-fat) matrix: its QR, the SVD of R, U = Q U_R;
 * - `solve` of a square system, the matrix and right-hand side made one chunk each.
 * The factorisations are made unique (R's diagonal non-negative, each singular pair signed by its
 * right vector's largest component), so they do not depend on the chunking; numpy's own signs are
 * LAPACK's and may differ by a sign per column. float32 inputs compute in float64 and are rounded
 * once; integers give float64.
 */
import { TesseraError } from '../../engine/errors.js';
import { concatenate, elementwise, index, type IndexItem, matmul, normalizeAxes, rechunk, reduce, reshape, scalar, transpose } from './build.js';
import { isFloat } from './dtype.js';
import type { ExprContext, LinalgNode, Node } from './expr.js';

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
  let result: Node;
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    // From the singular values (svd below): the largest, the smallest, or their sum.
    if (nd !== 2) throw new TesseraError('NOT_SUPPORTED', `norm(ord=${typeof ord === 'string' ? `'${ord}'` : ord}) of a stack of matrices is not supported`, 'take the norm of one matrix at a time');
    if (Math.min(...x.shape) === 0) {
      // numpy: no singular values; their sum is 0, their max or min has no identity.
      if (ord !== 'nuc') throw new TesseraError('VALUE_ERROR', `zero-size array to reduction operation ${ord === 2 ? 'maximum' : 'minimum'} which has no identity`, '');
      result = reduce(ctx, 'sum', reshape(ctx, x, [0]), null);
      return keepdims ? reshape(ctx, result, [1, 1]) : result;
    }
    const [s] = svd(ctx, row < col ? x : transpose(ctx, x), false, false);
    result = reduce(ctx, ord === 2 ? 'max' : ord === -2 ? 'min' : 'sum', s, null);
    return keepdims ? reshape(ctx, result, [1, 1]) : result;
  }
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

const rows = (start: number, stop: number): IndexItem[] => [{ kind: 'slice', start, stop, step: null }, { kind: 'slice', start: null, stop: null, step: null }];

/** The dtype numpy's linalg returns for an input: float32 stays, everything else is float64. */
const outType = (x: Node) => (x.dtype === 'float32' ? 'float32' : 'float64');
/**
 * An operand as LAPACK reads it: float64 chunks of its own shape. A reshape's chunks are stored
 * under its input's shape, so a reshape (of a slice, say) is copied into chunks of its own.
 */
const asF64 = (ctx: ExprContext, x: Node) => (x.dtype === 'float64' && x.op !== 'reshape' ? x : elementwise(ctx, 'astype_float64', [x]));
const back = (ctx: ExprContext, x: Node, like: Node) => (outType(like) === 'float64' ? x : elementwise(ctx, 'astype_float32', [x]));

function linalgNode(ctx: ExprContext, fn: LinalgNode['fn'], inputs: Node[], shape: number[], grid: number[][]): LinalgNode {
  return ctx.intern<LinalgNode>({ op: 'linalg', fn, inputs, shape, dtype: 'float64', weak: null, grid }, fn);
}

function matrixOf(x: Node, what: string): [number, number] {
  if (x.shape.length !== 2) throw new TesseraError(x.shape.length < 2 ? 'LINALG_ERROR' : 'NOT_SUPPORTED', `${x.shape.length}-dimensional array given. Array must be two-dimensional`, `${what} takes one matrix here`);
  return [x.shape[0], x.shape[1]];
}

/** np.linalg.qr(a) (mode 'reduced') of an m x n matrix with m >= n: [Q (m x n), R (n x n)]. */
export function qr(ctx: ExprContext, a0: Node): [Node, Node] {
  const [m, n] = matrixOf(a0, 'qr');
  if (m < n) throw new TesseraError('NOT_SUPPORTED', `qr of a ${m} x ${n} matrix: only tall-and-skinny matrices (rows >= columns) are factorised here, as dask's tsqr`, 'factorise the transpose, or make the matrix taller');
  if (n === 0) throw new TesseraError('NOT_SUPPORTED', 'qr of a matrix without columns', '');
  const [q, r] = tsqr(ctx, asF64(ctx, a0));
  return [back(ctx, q, a0), back(ctx, r, a0)];
}

function tsqr(ctx: ExprContext, a: Node): [Node, Node] {
  const [m, n] = a.shape;
  // Row chunks of at least n rows (a LAPACK QR of a block needs rows >= columns), all columns in one.
  const blocks: number[] = [];
  for (const r of a.grid[0]) {
    if (blocks.length && blocks[blocks.length - 1] < n) blocks[blocks.length - 1] += r;
    else blocks.push(r);
  }
  if (blocks.length > 1 && blocks[blocks.length - 1] < n) blocks[blocks.length - 2] += blocks.pop()!;
  const input = rechunk(ctx, a, [blocks, [n]]);
  const first = linalgNode(ctx, 'qr', [input], [m + blocks.length * n, n], [blocks.map((r) => r + n), [n]]);
  const offsets = blocks.map((_, i) => blocks.slice(0, i).reduce((s, r) => s + r + n, 0));
  if (blocks.length === 1) return [index(ctx, first, rows(0, m)), index(ctx, first, rows(m, m + n))];
  // The stacked R factors, factorised again: R, and per block the n x n piece of Q2 its Q meets.
  const stacked = rechunk(ctx, concatenate(ctx, blocks.map((r, i) => index(ctx, first, rows(offsets[i] + r, offsets[i] + r + n))), 0), [[blocks.length * n], [n]]);
  const second = linalgNode(ctx, 'qr', [stacked], [blocks.length * n + n, n], [[blocks.length * n + n], [n]]);
  const q = concatenate(ctx, blocks.map((r, i) => matmul(ctx, index(ctx, first, rows(offsets[i], offsets[i] + r)), index(ctx, second, rows(i * n, (i + 1) * n)))), 0);
  return [q, index(ctx, second, rows(blocks.length * n, blocks.length * n + n))];
}

/** np.linalg.svd(a, full_matrices, compute_uv): [U, S, Vh] (or [S]) of a tall or short matrix, reduced. */
export function svd(ctx: ExprContext, a0: Node, fullMatrices: boolean, computeUv: boolean): Node[] {
  const [m, n] = matrixOf(a0, 'svd');
  if (fullMatrices && m !== n && computeUv) throw new TesseraError('NOT_SUPPORTED', `svd(full_matrices=True) of a ${m} x ${n} matrix would make a ${Math.max(m, n)} x ${Math.max(m, n)} factor`, 'pass full_matrices=False (what dask.array.linalg.svd returns)');
  if (Math.min(m, n) === 0) throw new TesseraError('NOT_SUPPORTED', 'svd of an empty matrix', '');
  const a = asF64(ctx, a0);
  const tall = m >= n;
  const [q, r] = tsqr(ctx, tall ? a : transpose(ctx, a));
  const k = Math.min(m, n);
  const f = linalgNode(ctx, 'svd', [rechunk(ctx, r, [[k], [k]])], [2 * k + 1, k], [[2 * k + 1], [k]]);
  const s = back(ctx, reshape(ctx, index(ctx, f, rows(k, k + 1)), [k]), a0);
  if (!computeUv) return [s];
  const u = matmul(ctx, q, index(ctx, f, rows(0, k)));
  const vt = index(ctx, f, rows(k + 1, 2 * k + 1));
  // A short matrix: the factors of its transpose, swapped and transposed.
  return tall ? [back(ctx, u, a0), s, back(ctx, vt, a0)] : [back(ctx, transpose(ctx, vt), a0), s, back(ctx, transpose(ctx, u), a0)];
}

/** np.linalg.solve(a, b) of a square a and b of shape (n,) or (n, k). */
export function solve(ctx: ExprContext, a0: Node, b0: Node): Node {
  const [m, n] = matrixOf(a0, 'solve');
  if (m !== n) throw new TesseraError('LINALG_ERROR', 'Last 2 dimensions of the array must be square', 'solve takes a square matrix');
  if (b0.shape.length < 1 || b0.shape.length > 2 || b0.shape[0] !== n) {
    throw new TesseraError('VALUE_ERROR', `solve: Input operand 1 has a mismatch in its core dimension 0 (size ${b0.shape[0] ?? 0} is different from ${n})`, 'b has as many rows as a');
  }
  const k = b0.shape.length === 1 ? 1 : b0.shape[1];
  const a = rechunk(ctx, asF64(ctx, a0), [[n], [n]]);
  const b = rechunk(ctx, reshape(ctx, asF64(ctx, b0), [n, k]), [[n], [k]]);
  const x = linalgNode(ctx, 'solve', [a, b], [n, k], [[n], [k]]);
  const typed = a0.dtype === 'float32' && (b0.dtype === 'float32' || b0.weak) ? elementwise(ctx, 'astype_float32', [x]) : x;
  return b0.shape.length === 1 ? reshape(ctx, typed, [n]) : typed;
}
