/**
 * numpy's functions that rearrange, repeat, pad or difference an array, built from the
 * primitives (views, transposes, reshapes, concatenations, elementwise maps), so they plan, chunk
 * and fuse as those do: flip, squeeze, expand_dims, swapaxes, moveaxis, outer, diff,
 * broadcast_to, roll, repeat, tile, pad, tril and triu, with numpy 2's arguments and errors.
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, concatenate, elementwise, index, type IndexItem, integerRange, intValue, normalizeAxes, reshape, scalar, source, transpose } from './build.js';
import { autoChunks } from './chunks.js';
import { arange, full } from './creation.js';
import { type DType, isInteger, itemsize } from './dtype.js';
import { type ExprContext, fmtShape, type Node } from './expr.js';

const ALL: IndexItem = { kind: 'slice', start: null, stop: null, step: null };

/**
 * Distinct axes of an `ndim`-dimensional array in the order given, negatives counted from the end
 * (numpy's normalize_axis_tuple; normalizeAxes checks them, and sorts, which moveaxis cannot have).
 */
function axesOf(axis: number | number[], ndim: number): number[] {
  normalizeAxes(axis, ndim);
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + ndim : a));
}

/** np.flip: the elements reversed along the axes (all of them when none is given). */
export function flip(ctx: ExprContext, x: Node, axis: number | number[] | null): Node {
  const axes = axis === null ? [...x.shape.keys()] : axesOf(axis, x.shape.length);
  return index(ctx, x, x.shape.map((_, d): IndexItem => (axes.includes(d) ? { kind: 'slice', start: null, stop: null, step: -1 } : ALL)));
}

/** np.squeeze: the length-1 axes removed (the given ones, which must have length 1). */
export function squeeze(ctx: ExprContext, x: Node, axis: number | number[] | null): Node {
  const axes = axis === null ? [...x.shape.keys()].filter((d) => x.shape[d] === 1) : axesOf(axis, x.shape.length);
  for (const d of axes) {
    if (x.shape[d] !== 1) throw new TesseraError('VALUE_ERROR', `cannot select an axis to squeeze out which has size not equal to one (axis ${d} has ${x.shape[d]})`, 'squeeze only axes of length 1');
  }
  return index(ctx, x, x.shape.map((_, d): IndexItem => (axes.includes(d) ? { kind: 'int', value: 0 } : ALL)));
}

/** np.expand_dims: length-1 axes inserted where `axis` says, counted in the result's dimensions. */
export function expandDims(ctx: ExprContext, x: Node, axis: number | number[]): Node {
  const nd = x.shape.length + (Array.isArray(axis) ? axis.length : 1);
  const axes = axesOf(axis, nd);
  return index(ctx, x, [...Array(nd).keys()].map((d): IndexItem => (axes.includes(d) ? { kind: 'newaxis' } : ALL)));
}

/** np.swapaxes: two axes exchanged. */
export function swapaxes(ctx: ExprContext, x: Node, a: number, b: number): Node {
  const [i, j] = [axesOf(a, x.shape.length)[0], axesOf(b, x.shape.length)[0]];
  const perm = [...x.shape.keys()];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(ctx, x, perm);
}

/** np.moveaxis: the axes `source` moved to positions `destination`, the others keeping their order. */
export function moveaxis(ctx: ExprContext, x: Node, source: number | number[], destination: number | number[]): Node {
  const nd = x.shape.length;
  const src = axesOf(source, nd), dst = axesOf(destination, nd);
  if (src.length !== dst.length) throw new TesseraError('VALUE_ERROR', '`source` and `destination` arguments must have the same number of elements', '');
  const order = [...Array(nd).keys()].filter((d) => !src.includes(d));
  const pairs = dst.map((d, k) => [d, src[k]] as const).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of pairs) order.splice(d, 0, s);
  return transpose(ctx, x, order);
}

/** np.outer: every element of ravel(a) times every element of ravel(b), an (a.size, b.size) array. */
export function outer(ctx: ExprContext, a: Node, b: Node): Node {
  const column = index(ctx, reshape(ctx, a, [-1]), [ALL, { kind: 'newaxis' }]);
  const row = index(ctx, reshape(ctx, b, [-1]), [{ kind: 'newaxis' }, ALL]);
  return elementwise(ctx, 'multiply', [column, row]);
}

/** np.diff: the n-th discrete difference along `axis` (bool arrays: not_equal, as numpy). */
export function diff(ctx: ExprContext, x: Node, n: number, axis: number): Node {
  if (!Number.isInteger(n) || n < 0) throw new TesseraError('VALUE_ERROR', `order must be non-negative but got ${n}`, 'use n=1 or more (n=0 returns the array)');
  if (x.shape.length === 0) throw new TesseraError('VALUE_ERROR', 'diff requires input that is at least one dimensional', '');
  const ax = axesOf(axis, x.shape.length)[0];
  let out = x;
  for (let k = 0; k < n; k++) {
    const upper = out.shape.map((_, d): IndexItem => (d === ax ? { kind: 'slice', start: 1, stop: null, step: null } : ALL));
    const lower = out.shape.map((_, d): IndexItem => (d === ax ? { kind: 'slice', start: null, stop: -1, step: null } : ALL));
    out = elementwise(ctx, out.dtype === 'bool' ? 'not_equal' : 'subtract', [index(ctx, out, upper), index(ctx, out, lower)]);
  }
  return out;
}

/**
 * np.broadcast_to: x repeated along the axes the shape adds or stretches from length 1, as a
 * where() over a constant True of that shape (exact for every dtype, -0.0 and NaN included). The
 * axes x has keep its chunks; the others are chunked as "auto" would.
 */
export function broadcastTo(ctx: ExprContext, x0: Node, shape: number[]): Node {
  const x = asNumpyScalar(ctx, x0);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new TesseraError('VALUE_ERROR', 'all elements of broadcast shape must be non-negative', '');
  const nd = shape.length, off = nd - x.shape.length;
  const fits = off >= 0 && x.shape.every((n, d) => n === shape[d + off] || n === 1);
  if (!fits)
    throw new TesseraError('VALUE_ERROR', `operands could not be broadcast together with remapped shapes [original->remapped]: ${fmtShape(x.shape)} and requested shape ${fmtShape(shape)}`,
      'each dimension of the array must equal the requested one or be 1, aligned from the right');
  if (nd === x.shape.length && x.shape.every((n, d) => n === shape[d])) return x;
  const auto = autoChunks(shape, itemsize(x.dtype));
  const grid = shape.map((n, d) => (d >= off && x.shape[d - off] === n ? x.grid[d - off] : auto[d]));
  const everywhere = source(ctx, { kind: 'full', value: true }, shape, 'bool', grid);
  return elementwise(ctx, 'where', [everywhere, x, x]);
}

/** np.roll: elements shifted along an axis (or the flattened array) and wrapped round. */
export function roll(ctx: ExprContext, x: Node, shift: number | number[], axis: number | number[] | null): Node {
  if (axis === null) {
    if (Array.isArray(shift)) throw new TesseraError('VALUE_ERROR', "'shift' and 'axis' should be scalars or 1D sequences of the same length", 'give one axis per shift');
    return reshape(ctx, roll(ctx, reshape(ctx, x, [-1]), shift, 0), x.shape);
  }
  let axes = Array.isArray(axis) ? axis : [axis];
  const shifts = Array.isArray(shift) ? shift : axes.map(() => shift);
  if (!Array.isArray(axis)) axes = shifts.map(() => axis);  // one axis, several shifts: they add up
  if (shifts.length !== axes.length) throw new TesseraError('VALUE_ERROR', "'shift' and 'axis' should be scalars or 1D sequences of the same length", '');
  // numpy adds the shifts of a repeated axis.
  const total = new Map<number, number>();
  axes.forEach((a, k) => { const d = axesOf(a, x.shape.length)[0]; total.set(d, (total.get(d) ?? 0) + shifts[k]); });
  let out = x;
  for (const [d, s] of total) {
    const n = out.shape[d];
    const k = n === 0 ? 0 : ((s % n) + n) % n;
    if (k === 0) continue;
    const part = (start: number | null, stop: number | null) => index(ctx, out, out.shape.map((_, e): IndexItem => (e === d ? { kind: 'slice', start, stop, step: null } : ALL)));
    out = concatenate(ctx, [part(n - k, null), part(null, n - k)], d);
  }
  return out;
}

/** np.repeat with one count: each element `repeats` times along the axis (of the flattened array when none). */
export function repeat(ctx: ExprContext, x0: Node, repeats: number, axis: number | null): Node {
  if (!Number.isInteger(repeats) || repeats < 0) throw new TesseraError('VALUE_ERROR', 'repeats may not contain negative values.', 'give a count of 0 or more');
  // A 0-d array repeats as a 1-d one along axis 0 (or -1), as numpy's.
  const flat = axis === null || (x0.shape.length === 0 && (axis === 0 || axis === -1));
  const x = flat ? reshape(ctx, asNumpyScalar(ctx, x0), [-1]) : x0;
  const d = flat ? 0 : axesOf(axis!, x.shape.length)[0];
  const after = expandDims(ctx, x, d + 1);
  const spread = broadcastTo(ctx, after, after.shape.map((n, e) => (e === d + 1 ? repeats : n)));
  return reshape(ctx, spread, x.shape.map((n, e) => (e === d ? n * repeats : n)));
}

/** np.tile: the array repeated `reps` times along each axis (reps aligned from the right). */
export function tile(ctx: ExprContext, x0: Node, reps: number[]): Node {
  if (reps.some((r) => !Number.isInteger(r) || r < 0)) throw new TesseraError('VALUE_ERROR', 'negative dimensions are not allowed', 'give repetition counts of 0 or more');
  const x = asNumpyScalar(ctx, x0);
  const nd = Math.max(reps.length, x.shape.length);
  const r = [...Array(nd - reps.length).fill(1), ...reps];
  const shape = [...Array(nd - x.shape.length).fill(1), ...x.shape];
  // (s0, s1) -> (1, s0, 1, s1) -> (r0, s0, r1, s1) -> (r0*s0, r1*s1)
  const interleaved = reshape(ctx, x, shape.flatMap((n) => [1, n]));
  const spread = broadcastTo(ctx, interleaved, shape.flatMap((n, d) => [r[d], n]));
  return reshape(ctx, spread, shape.map((n, d) => n * r[d]));
}

export type PadMode = 'constant' | 'edge' | 'wrap' | 'reflect' | 'symmetric';

/**
 * np.pad with pad_width per axis (before, after) and the modes constant (constant_values),
 * edge, wrap, reflect and symmetric; wrap and reflect pads no wider than the axis (numpy
 * repeats them then, which is refused here with a hint).
 */
export function pad(ctx: ExprContext, x: Node, widths: [number, number][], mode: PadMode, constant: Node): Node {
  const fill = mode === 'constant' ? padValue(ctx, constant, x.dtype) : null;
  let out = x;
  widths.forEach(([before, after], d) => {
    if (before < 0 || after < 0 || !Number.isInteger(before) || !Number.isInteger(after)) throw new TesseraError('VALUE_ERROR', "index can't contain negative values", 'pad widths are counts of 0 or more');
    if (!before && !after) return;
    const n = out.shape[d];
    if (mode !== 'constant' && n === 0) throw new TesseraError('VALUE_ERROR', `can't extend empty axis ${d} using modes other than 'constant' or 'empty'`, '');
    const slice = (start: number | null, stop: number | null, step: number | null = null) =>
      index(ctx, out, out.shape.map((_, e): IndexItem => (e === d ? { kind: 'slice', start, stop, step } : ALL)));
    const side = (w: number, atEnd: boolean): Node => {
      const shape = out.shape.map((m, e) => (e === d ? w : m));
      if (fill) return broadcastTo(ctx, fill, shape);
      if (mode === 'edge') return broadcastTo(ctx, atEnd ? slice(n - 1, n) : slice(0, 1), shape);
      const limit = mode === 'reflect' ? n - 1 : n;
      if (w > limit) throw new TesseraError('NOT_SUPPORTED', `pad mode '${mode}' wider than the axis (${w} > ${limit}) is not supported`, 'pad in steps, or use mode edge or constant');
      if (mode === 'wrap') return atEnd ? slice(0, w) : slice(n - w, n);
      const down = (start: number) => slice(start, start - w >= 0 ? start - w : null, -1);  // w elements from start backwards
      if (mode === 'reflect') return atEnd ? down(n - 2) : down(w);
      return atEnd ? down(n - 1) : down(w - 1);  // symmetric
    };
    const parts = [...(before ? [side(before, false)] : []), out, ...(after ? [side(after, true)] : [])];
    out = concatenate(ctx, parts, d);
  });
  return out;
}

/**
 * pad's constant as numpy 2 assigns it (a Python number into the array's dtype): an int must fit
 * it, a float is converted (truncated for integers; nan and inf have no integer).
 */
function padValue(ctx: ExprContext, c: Node, dtype: DType): Node {
  if (c.shape.length) throw new TesseraError('NOT_SUPPORTED', 'pad takes one constant value here', 'give constant_values as a number');
  if (isInteger(dtype) && c.op === 'scalar' && c.weak === 'int') {
    const v = intValue(c), { min, max } = integerRange(dtype);
    if (v < min || v > max) throw new TesseraError('OVERFLOW_ERROR', `Python integer ${v} out of bounds for ${dtype}`, `use a value from ${min} to ${max}`);
  }
  if (isInteger(dtype) && c.op === 'scalar' && c.weak === 'float' && !Number.isFinite(c.value as number)) {
    throw Number.isNaN(c.value as number)
      ? new TesseraError('VALUE_ERROR', 'cannot convert float NaN to integer', 'pad an integer array with an integer')
      : new TesseraError('OVERFLOW_ERROR', 'cannot convert float infinity to integer', 'pad an integer array with an integer');
  }
  const numpyScalar = asNumpyScalar(ctx, c);
  return numpyScalar.dtype === dtype ? numpyScalar : elementwise(ctx, `astype_${dtype}`, [numpyScalar]);
}

/** np.tril / np.triu: the elements on and below (above) the k-th diagonal of the last two axes, zeros elsewhere. */
export function triangle(ctx: ExprContext, which: 'tril' | 'triu', m: Node, k: number): Node {
  if (m.shape.length === 0) throw new TesseraError('VALUE_ERROR', `${which} needs an array of at least one dimension`, '');
  const [rows, cols] = m.shape.length === 1 ? [m.shape[0], m.shape[0]] : m.shape.slice(-2);
  const i = index(ctx, arange(ctx, 0, rows), [ALL, { kind: 'newaxis' }]);
  const j = index(ctx, arange(ctx, 0, cols), [{ kind: 'newaxis' }, ALL]);
  // numpy's tri(k): j <= i + k; triu is where(tri(k - 1), 0, m).
  const lower = elementwise(ctx, 'less_equal', [j, elementwise(ctx, 'add', [i, scalar(ctx, which === 'tril' ? k : k - 1, 'int')])]);
  const zero = full(ctx, [], 0, m.dtype);
  return which === 'tril' ? elementwise(ctx, 'where', [lower, m, zero]) : elementwise(ctx, 'where', [lower, zero, m]);
}

/** np.meshgrid: each vector along its own axis of the grid ('xy': the first two swapped), broadcast to the grid unless sparse. */
export function meshgrid(ctx: ExprContext, xs: Node[], indexing: 'xy' | 'ij', sparse: boolean): Node[] {
  const nd = xs.length;
  const axisOf = (i: number) => (indexing === 'xy' && nd > 1 && i < 2 ? 1 - i : i);
  const shape = new Array<number>(nd).fill(1);
  xs.forEach((x, i) => { shape[axisOf(i)] = x.shape.reduce((p, n) => p * n, 1); });
  const placed = xs.map((x, i) => reshape(ctx, asNumpyScalar(ctx, x), shape.map((n, d) => (d === axisOf(i) ? n : 1))));
  return sparse ? placed : placed.map((p) => broadcastTo(ctx, p, shape));
}

/**
 * np.take with a list of indices (and x[[i, j, ...]] along one axis): the selected positions along
 * the axis (of the flattened array when none), negative ones from the end; consecutive runs are
 * one slice each, concatenated. A scalar index removes the axis.
 */
export function take(ctx: ExprContext, x0: Node, indices: number | number[], axis: number | null): Node {
  // numpy takes from a 0-d array as from one of one element (its axis 0 or -1).
  const x = axis === null || x0.shape.length === 0 ? reshape(ctx, asNumpyScalar(ctx, x0), [-1]) : x0;
  const d = axis === null ? 0 : axesOf(axis, x.shape.length)[0];
  const n = x.shape[d];
  const list = Array.isArray(indices) ? indices : [indices];
  const norm = list.map((i) => {
    if (!Number.isInteger(i) || i < -n || i >= n) throw new TesseraError('INDEX_ERROR', `index ${i} is out of bounds for axis ${d} with size ${n}`, `use indices from ${-n} to ${n - 1}`);
    return i < 0 ? i + n : i;
  });
  if (!Array.isArray(indices)) return index(ctx, x, x.shape.map((_, e): IndexItem => (e === d ? { kind: 'int', value: norm[0] } : ALL)));
  const runs: [number, number][] = [];
  for (const i of norm) {
    const last = runs[runs.length - 1];
    if (last && i === last[1]) last[1]++;
    else runs.push([i, i + 1]);
  }
  const pieces = runs.map(([start, stop]) => index(ctx, x, x.shape.map((_, e): IndexItem => (e === d ? { kind: 'slice', start, stop, step: null } : ALL))));
  if (!pieces.length) return index(ctx, x, x.shape.map((_, e): IndexItem => (e === d ? { kind: 'slice', start: 0, stop: 0, step: null } : ALL)));
  return pieces.length === 1 ? pieces[0] : concatenate(ctx, pieces, d);
}
