/**
 * numpy's tensordot and dot over any dimensions, as numpy's own tensordot computes them: the
 * summed axes of each operand moved together and both reshaped to matrices, one matmul (the
 * blocked, chunked kernel), and the result reshaped to the kept axes of a, then of b.
 */
import { TesseraError } from '../../engine/errors.js';
import { elementwise, matmul, reshape, transpose } from './build.js';
import { type ExprContext, fmtShape, type Node } from './expr.js';

const product = (xs: number[]) => xs.reduce((p, x) => p * x, 1);

/** np.tensordot(a, b, axes): `axes` a count (the last n of a with the first n of b) or two lists. */
export function tensordot(ctx: ExprContext, a: Node, b: Node, axes: number | [number[], number[]]): Node {
  const [na, nb] = [a.shape.length, b.shape.length];
  let axesA: number[], axesB: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > na || axes > nb) throw new TesseraError('VALUE_ERROR', `tensordot: axes=${axes} is more than the operands' dimensions (${na}, ${nb})`, 'give at most the smaller number of dimensions');
    axesA = Array.from({ length: axes }, (_, k) => na - axes + k);
    axesB = Array.from({ length: axes }, (_, k) => k);
  } else {
    const norm = (list: number[], nd: number) => list.map((d) => {
      if (!Number.isInteger(d) || d < -nd || d >= nd) throw new TesseraError('AXIS_ERROR', `axis ${d} is out of bounds for an array of dimension ${nd}`, '');
      return d < 0 ? d + nd : d;
    });
    [axesA, axesB] = [norm(axes[0], na), norm(axes[1], nb)];
  }
  if (axesA.length !== axesB.length || axesA.some((d, k) => a.shape[d] !== b.shape[axesB[k]]))
    throw new TesseraError('VALUE_ERROR', `shape-mismatch for sum: ${fmtShape(a.shape)} over axes (${axesA.join(', ')}) and ${fmtShape(b.shape)} over (${axesB.join(', ')})`, 'the summed axes must have equal lengths, pairwise');
  const keptA = [...a.shape.keys()].filter((d) => !axesA.includes(d));
  const keptB = [...b.shape.keys()].filter((d) => !axesB.includes(d));
  const inner = product(axesA.map((d) => a.shape[d]));
  const at = reshape(ctx, transpose(ctx, a, [...keptA, ...axesA]), [product(keptA.map((d) => a.shape[d])), inner]);
  const bt = reshape(ctx, transpose(ctx, b, [...axesB, ...keptB]), [inner, product(keptB.map((d) => b.shape[d]))]);
  return reshape(ctx, matmul(ctx, at, bt), [...keptA.map((d) => a.shape[d]), ...keptB.map((d) => b.shape[d])]);
}

/**
 * np.dot: a product with a 0-d operand; the inner product of 1-D operands; otherwise the sum over
 * the last axis of a and the second-to-last of b (the only one of a 1-D b).
 */
export function dot(ctx: ExprContext, a: Node, b: Node): Node {
  if (a.shape.length === 0 || b.shape.length === 0) return elementwise(ctx, 'multiply', [a, b]);
  const bAxis = b.shape.length === 1 ? 0 : b.shape.length - 2;
  if (a.shape[a.shape.length - 1] !== b.shape[bAxis])
    throw new TesseraError('SHAPE_MISMATCH', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} not aligned: ${a.shape[a.shape.length - 1]} (dim ${a.shape.length - 1}) != ${b.shape[bAxis]} (dim ${bAxis})`, 'the last axis of a must match the second-to-last of b');
  return tensordot(ctx, a, b, [[a.shape.length - 1], [bAxis]]);
}
