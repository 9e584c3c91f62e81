/**
 * cumsum and cumprod (numpy's, dask's plan): each chunk along the axis is scanned by its own task,
 * started from a carry, the total of every chunk before it: carry_k = carry_{k-1} + total_{k-1},
 * where total_j is the chunk's sum (product) along the axis. The totals are reductions of one
 * chunk each and the carries small elementwise chains, so a scan reads its input twice and runs
 * in parallel over the chunks; the pieces are concatenated back along the axis.
 *
 * dtypes are numpy's: integers and bool accumulate in int64 (uint64 for unsigned), floats in
 * their own type; with dtype= the input is cast first and the result has that dtype (integer
 * accumulation wraps, so wrapping once at the end is what numpy's narrow accumulation gives).
 */
import { TesseraError } from '../../engine/errors.js';
import { concatenate, elementwise, index, type IndexItem, normalizeAxes, reduce, reshape } from './build.js';
import { type DType, isFloat, reductionTypes } from './dtype.js';
import type { ExprContext, Node, ScanNode } from './expr.js';
import { boundaries } from './grid.js';
import { replaceNan } from './nan-reductions.js';

const ALL: IndexItem = { kind: 'slice', start: null, stop: null, step: null };

export function cumulative(ctx: ExprContext, fn: 'cumsum' | 'cumprod', x0: Node, axis: number | null, dtype?: DType): Node {
  if (dtype === 'bool') throw new TesseraError('NOT_SUPPORTED', `${fn}(dtype=bool) is not supported`, "use the default dtype and compare, e.g. cumsum(x) > 0");
  // A 0-d array accumulates as a 1-d one along axis 0 (or -1), as numpy's.
  const flat = axis === null || (x0.shape.length === 0 && (axis === 0 || axis === -1));
  let x = flat ? reshape(ctx, x0, [-1]) : x0;
  const ax = flat ? 0 : normalizeAxes(axis, x.shape.length)[0];
  if (dtype && x.dtype !== dtype) x = elementwise(ctx, `astype_${dtype}`, [x]);
  const total = fn === 'cumsum' ? 'sum' : 'prod';
  const out = reductionTypes(total, x.dtype).out;
  const result = x.shape[ax] === 0 ? elementwise(ctx, `astype_${out}`, [x]) : scanChunks(ctx, fn, x, ax, out);
  return dtype && result.dtype !== dtype ? elementwise(ctx, `astype_${dtype}`, [result]) : result;
}

/** nancumsum / nancumprod: NaN read as 0 (1). */
export function nanCumulative(ctx: ExprContext, fn: 'cumsum' | 'cumprod', x: Node, axis: number | null, dtype?: DType): Node {
  return cumulative(ctx, fn, isFloat(x.dtype) ? replaceNan(ctx, x, fn === 'cumsum' ? 0 : 1) : x, axis, dtype);
}

function scanChunks(ctx: ExprContext, fn: 'cumsum' | 'cumprod', x: Node, ax: number, out: DType): Node {
  const bounds = boundaries(x.grid[ax]);
  const piece = (k: number) => index(ctx, x, x.shape.map((_, d): IndexItem => (d === ax ? { kind: 'slice', start: bounds[k], stop: bounds[k + 1], step: null } : ALL)));
  const combine = fn === 'cumsum' ? 'add' : 'multiply';
  const scans: Node[] = [];
  let carry: Node | null = null;
  for (let k = 0; k < bounds.length - 1; k++) {
    const input = piece(k);
    if (input.shape[ax] === 0) continue;
    scans.push(ctx.intern<ScanNode>({ op: 'scan', fn, axis: ax, input, carry, shape: input.shape, dtype: out, weak: null, grid: input.grid }, [fn, ax]));
    const chunkTotal = reduce(ctx, fn === 'cumsum' ? 'sum' : 'prod', input, ax, true);
    carry = carry ? elementwise(ctx, combine, [carry, chunkTotal]) : chunkTotal;
  }
  return scans.length === 1 ? scans[0] : concatenate(ctx, scans, ax);
}
