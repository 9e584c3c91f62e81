/**
 * Neighbourhood operations, built from the array's own views so they fuse and cross chunk edges
 * without a halo exchange of their own (what dask's map_overlap does by hand):
 * - `coarsen(reduction, x, {axis: factor})` (dask's da.coarsen): each axis cut into blocks of
 *   `factor` by a reshape, the reduction taken over the block axes;
 * - `uniform_filter(x, size, mode, cval)` (scipy.ndimage's): the mean over a window of `size`
 *   along every axis in turn, the array padded as the mode says, each output element the sum of
 *   the window's shifted slices (one fused pass per axis), cast back to the input's dtype after
 *   each axis as scipy does (integers truncated toward zero).
 */
import { TesseraError } from '../../engine/errors.js';
import { elementwise, index, reshape, scalar, type IndexItem } from './build.js';
import { isFloat, isInteger } from './dtype.js';
import type { ExprContext, Node } from './expr.js';
import { pad, type PadMode } from './shape-functions.js';

/**
 * x reshaped so that each coarsened axis is (blocks, factor): returns the node and the block
 * axes to reduce. `trim` drops the excess at each axis's end, else a factor that does not divide
 * its axis is dask's error.
 */
export function coarsenBlocks(ctx: ExprContext, x: Node, factors: Map<number, number>, trim: boolean): { node: Node; axes: number[] } {
  const nd = x.shape.length;
  const f = x.shape.map(() => 1);
  for (const [axis0, factor] of factors) {
    const axis = axis0 < 0 ? axis0 + nd : axis0;
    if (!Number.isInteger(axis) || axis < 0 || axis >= nd) throw new TesseraError('AXIS_ERROR', `axis ${axis0} is out of bounds for array of dimension ${nd}`, 'coarsen\'s axes are keys of the dict: {axis: factor}');
    if (!Number.isInteger(factor) || factor < 1) throw new TesseraError('VALUE_ERROR', `coarsening factor ${factor} for axis ${axis0} is not a positive integer`, 'give each axis a whole factor of 1 or more');
    f[axis] = factor;
  }
  let input = x;
  if (x.shape.some((n, d) => n % f[d] !== 0)) {
    if (!trim) {
      const dict = `{${[...factors].map(([a, k]) => `${a}: ${k}`).join(', ')}}`;
      throw new TesseraError('VALUE_ERROR', `Coarsening factors ${dict} do not align with array shape (${x.shape.join(', ')}${nd === 1 ? ',' : ''}).`, 'pass trim_excess=True to drop the elements past the last whole block');
    }
    input = index(ctx, x, x.shape.map((n, d): IndexItem => ({ kind: 'slice', start: null, stop: n - (n % f[d]), step: null })));
  }
  const node = reshape(ctx, input, input.shape.flatMap((n, d) => [n / f[d], f[d]]));
  return { node, axes: input.shape.map((_, d) => 2 * d + 1) };
}

/** scipy.ndimage's modes as np.pad spells them. */
const PAD_MODES: Record<string, PadMode> = { reflect: 'symmetric', mirror: 'reflect', nearest: 'edge', wrap: 'wrap', constant: 'constant', 'grid-wrap': 'wrap', 'grid-mirror': 'reflect', 'grid-constant': 'constant' };

export function uniformFilter(ctx: ExprContext, x: Node, sizes: number[], mode: string, cval: number): Node {
  const nd = x.shape.length;
  const size = sizes.length === 1 ? x.shape.map(() => sizes[0]) : sizes;
  if (size.length !== nd) throw new TesseraError('RUNTIME_ERROR', 'sequence argument must have length equal to input rank', `give one size, or ${nd}`);
  if (size.some((s) => !Number.isInteger(s) || s < 1)) throw new TesseraError('RUNTIME_ERROR', 'incorrect filter size', 'sizes are whole numbers of 1 or more');
  const padMode = PAD_MODES[mode];
  if (!padMode) throw new TesseraError('RUNTIME_ERROR', 'boundary mode not supported', `use one of ${Object.keys(PAD_MODES).join(', ')}`);
  if (x.dtype === 'float32' || x.dtype === 'float64' || isInteger(x.dtype) || x.dtype === 'bool') { /* scipy's dtypes */ } else {
    throw new TesseraError('TYPE_ERROR', `uniform_filter of ${x.dtype} is not supported`, '');
  }
  let out = x;
  size.forEach((s, axis) => {
    if (s === 1 || out.shape[axis] === 0) return;
    const n = out.shape[axis];
    const before = Math.floor(s / 2), after = s - 1 - before;
    const widths = out.shape.map((_, d): [number, number] => (d === axis ? [before, after] : [0, 0]));
    // The window's sum in float64 (scipy's double accumulator), over the padded line.
    const wide = out.dtype === 'float64' ? out : elementwise(ctx, 'astype_float64', [out]);
    const padded = pad(ctx, wide, widths, padMode, scalar(ctx, cval, 'float'));
    let sum: Node | null = null;
    for (let j = 0; j < s; j++) {
      const shifted = index(ctx, padded, padded.shape.map((_, d): IndexItem => (d === axis ? { kind: 'slice', start: j, stop: j + n, step: null } : { kind: 'slice', start: null, stop: null, step: null })));
      sum = sum ? elementwise(ctx, 'add', [sum, shifted]) : shifted;
    }
    const mean = elementwise(ctx, 'true_divide', [sum!, scalar(ctx, s, 'float')]);
    out = castBack(ctx, mean, x.dtype);
  });
  return out;
}

/** A float64 mean stored in the input's dtype as scipy stores it: integers truncated toward zero, a bool true only at 1. */
function castBack(ctx: ExprContext, mean: Node, dtype: Node['dtype']): Node {
  if (dtype === 'float64') return mean;
  if (isFloat(dtype)) return elementwise(ctx, `astype_${dtype}`, [mean]);
  if (dtype === 'bool') return elementwise(ctx, 'astype_bool', [elementwise(ctx, 'astype_int8', [mean])]);
  return elementwise(ctx, `astype_${dtype}`, [mean]);
}
