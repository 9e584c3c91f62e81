/**
 * Node constructors for arrays, with numpy's rules for shapes, broadcasting, indexing and dtypes.
 * Each returns an interned Expr node; each raises a TesseraError that names the shapes or
 * arguments at fault.
 */
import { type DType, isFloat, isInteger, isUnsigned, itemsize, promoteDtypes, reductionTypes, type WeakKind } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';
import {
  broadcastGrid, broadcastShapes, type ConcatNode, type ExprContext, fmtShape, type MapNode, type MatmulNode, type Node,
  type BlocksNode, type RechunkNode, type ReduceNode, type ReshapeNode, type ScalarNode, type SourceNode, type SourceSpec, type ViewDim,
  type ViewNode, viewGrid,
} from './expr.js';
import { type Grid, largest, product, refine, regular } from './grid.js';
import { getUfunc } from './ufuncs.js';

export function source(ctx: ExprContext, spec: SourceSpec, shape: number[], dtype: DType, grid: Grid): SourceNode {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new TesseraError('BAD_SHAPE', `shape ${fmtShape(shape)} has a dimension that is not a non-negative integer`, 'give the shape as a list of whole numbers');
  }
  // An HDF5 source is known by its file, stamp and dataset; its chunk index is not part of the key.
  const params = spec.kind === 'hdf5' ? { ...spec, index: spec.index.length } : spec;
  return ctx.intern<SourceNode>({ op: 'source', source: spec, shape, dtype, weak: null, grid }, params);
}

export function scalar(ctx: ExprContext, value: number | boolean, kind: Exclude<WeakKind, null>, big?: bigint): ScalarNode {
  const dtype: DType = kind === 'float' ? 'float64' : kind === 'int' ? 'int64' : 'bool';
  const exact = big === undefined ? undefined : big.toString();
  return ctx.intern<ScalarNode>({ op: 'scalar', value, exact, shape: [], dtype, weak: kind, grid: [] }, [value, kind, exact]);
}

/**
 * What np.asarray makes of a Python literal that a numpy function is given with no array beside
 * it (`np.floor(65535)`, `np.log(-100)`): a numpy scalar of the default dtype, which, unlike the
 * literal, takes part in promotion (int64, or uint64 from 2^63; float64; bool).
 */
export function asNumpyScalar(ctx: ExprContext, n: Node): Node {
  if (n.weak === null) return n;
  if (n.op !== 'scalar') return elementwise(ctx, `astype_${n.dtype}`, [n]);
  let dtype: DType = n.dtype;
  if (n.weak === 'int') {
    const v = intValue(n);
    if (v >= 2n ** 63n && v < 2n ** 64n) dtype = 'uint64';
    else if (v < -(2n ** 63n) || v >= 2n ** 64n)
      throw new TesseraError('OVERFLOW_ERROR', `Python int ${v} too large to convert to a numpy integer`, 'numpy holds integers in 64 bits: write it as a float, e.g. 1e20');
  }
  // 'numpy' keeps this node apart from the literal of the same value and dtype.
  return ctx.intern<ScalarNode>({ op: 'scalar', value: n.value, exact: n.exact, shape: [], dtype, weak: null, grid: [] }, [n.value, 'numpy', n.exact]);
}

/** A Python int literal's exact value. */
export function intValue(n: ScalarNode): bigint {
  return n.exact !== undefined ? BigInt(n.exact) : BigInt(n.value as number);
}

const COMPARISONS: Record<string, { flip: string; belowMin: boolean }> = {
  // flip: the same comparison with its operands swapped; belowMin: its value when the literal
  // lies below every value of the array's dtype (above every value, it is the opposite, except
  // for equal and not_equal, whose value is the same either way).
  less: { flip: 'greater', belowMin: false }, less_equal: { flip: 'greater_equal', belowMin: false },
  greater: { flip: 'less', belowMin: true }, greater_equal: { flip: 'less_equal', belowMin: true },
  equal: { flip: 'equal', belowMin: false }, not_equal: { flip: 'not_equal', belowMin: true },
};

/** The values of an integer dtype. */
export function integerRange(d: DType): { min: bigint; max: bigint } {
  const bits = BigInt(itemsize(d) * 8);
  return isUnsigned(d) ? { min: 0n, max: (1n << bits) - 1n } : { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

const isPythonInt = (n: Node): n is ScalarNode => n.op === 'scalar' && n.weak === 'int';
const isPythonNumber = (n: Node): n is ScalarNode => n.op === 'scalar' && (n.weak === 'int' || n.weak === 'float');
const truthOf = (n: ScalarNode): boolean => (n.exact !== undefined ? BigInt(n.exact) !== 0n : Number(n.value) !== 0);
const LOGICAL = new Set(['logical_and', 'logical_or', 'logical_xor']);

/**
 * A Python int operand is converted to the dtype the ufunc computes in (NEP 50): if it does not
 * fit, numpy 2 raises OverflowError, except in comparisons, whose result it then knows without
 * looking at the array (`u8 < -1` is all False). Returns the node to use instead, if any.
 */
function pythonIntOperands(ctx: ExprContext, fn: string, args: Node[], compute: DType): Node | null {
  if (!isInteger(compute)) return null;
  const { min, max } = integerRange(compute);
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (!isPythonInt(a) || (fn === 'where' && k === 0)) continue;
    const v = intValue(a);
    if (v >= min && v <= max) continue;
    if (fn === 'logical_and' || fn === 'logical_or' || fn === 'logical_xor') {
      // Only the literal's truth matters to a logical function.
      const args2 = [...args];
      args2[k] = scalar(ctx, v !== 0n, 'bool');
      return elementwise(ctx, fn, args2);
    }
    const cmp = COMPARISONS[fn];
    if (cmp && args.length === 2) {
      const other = args[1 - k];
      // Written as "array OP literal": swap a comparison whose literal came first.
      const op = k === 0 ? cmp.flip : fn;
      const below = v < min;
      const value = op === 'equal' ? false : op === 'not_equal' ? true : below ? COMPARISONS[op].belowMin : !COMPARISONS[op].belowMin;
      // Integers are never NaN: x == x is all True, x != x all False, and x is still computed.
      return elementwise(ctx, value ? 'equal' : 'not_equal', [other, other]);
    }
    throw new TesseraError('OVERFLOW_ERROR', `Python integer ${v} out of bounds for ${compute}`,
      `numpy 2 converts a Python int to the array's dtype; use a value from ${min} to ${max}, or astype() the array to a wider dtype first`);
  }
  return null;
}

export function elementwise(ctx: ExprContext, fn: string, args: Node[]): MapNode {
  const u = getUfunc(fn);
  if (args.length !== u.arity) throw new TesseraError('BAD_ARGUMENTS', `${fn} takes ${u.arity} argument(s), got ${args.length}`, '');
  if (LOGICAL.has(fn) && args.some((a) => a.weak === null) && args.some(isPythonNumber)) {
    // numpy 2's logical ufuncs take each operand's truth (their promoter computes in bool): a
    // Python number is its truth value, never first cast to the array's dtype (1e-300 beside a
    // float32 array is True, where float32 would make it 0).
    return elementwise(ctx, fn, args.map((a) => (isPythonNumber(a) ? scalar(ctx, truthOf(a), 'bool') : a)));
  }
  const types = u.types(args.map((a) => ({ dtype: a.dtype, weak: a.weak })));
  const replaced = pythonIntOperands(ctx, fn, args, types.compute);
  if (replaced) return replaced as MapNode;
  const shape = broadcastShapes(args.map((a) => a.shape));
  const grid = broadcastGrid(shape, args);
  // A result of only Python literals stays one (2 < 3.0 is a Python bool); numpy functions make
  // numpy scalars of their literals first (asNumpyScalar), so this is the operators' case.
  const weak: WeakKind = args.every((a) => a.weak !== null) && !fn.startsWith('astype_')
    ? (isFloat(types.out) ? 'float' : types.out === 'bool' ? 'bool' : 'int') : null;
  return ctx.intern<MapNode>({ op: 'map', fn, args, shape, dtype: types.out, weak, grid }, fn);
}

export function normalizeAxes(axes: number | number[] | null | undefined, ndim: number): number[] {
  if (axes === null || axes === undefined) return [...Array(ndim).keys()];
  const list = Array.isArray(axes) ? axes : [axes];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim)
      throw new TesseraError('AXIS_ERROR', `axis ${a} is out of bounds for an array of dimension ${ndim}`, ndim === 0
        ? 'a 0-d array has no axes: leave axis out (numpy 2 raises here too; numpy 1.x accepted axis 0 or -1 on a 0-d array)'
        : `use an axis from ${-ndim} to ${ndim - 1}`);
    return a < 0 ? a + ndim : a;
  });
  if (new Set(out).size !== out.length) throw new TesseraError('AXIS_ERROR', 'an axis is repeated', 'list each axis once');
  return out.sort((a, b) => a - b);
}

export function reduce(ctx: ExprContext, fn: string, input: Node, axis: number | number[] | null | undefined, keepdims = false, ddof = 0): ReduceNode {
  const axes = normalizeAxes(axis, input.shape.length);
  if ((fn === 'argmin' || fn === 'argmax') && axis !== null && axis !== undefined && axes.length !== 1)
    throw new TesseraError('AXIS_ERROR', `${fn} takes one axis or none`, 'give a single axis, or none to search the flattened array');
  // numpy divides by max(n - ddof, 0); a negative ddof is allowed. The bound keeps it in the task's int field.
  if (!Number.isInteger(ddof) || Math.abs(ddof) > 2 ** 30) throw new TesseraError('BAD_ARGUMENTS', `ddof must be an integer from -2^30 to 2^30, not ${ddof}`, '');
  const reducedCount = product(axes.map((a) => input.shape[a]));
  if (reducedCount === 0 && ['min', 'max', 'argmin', 'argmax'].includes(fn))
    throw new TesseraError('EMPTY_REDUCTION', `zero-size array to reduction operation ${fn} which has no identity`, 'the array (or the reduced axes) is empty');
  const { out } = reductionTypes(fn, input.dtype);
  const shape: number[] = [], grid: Grid = [];
  input.shape.forEach((n, d) => {
    if (!axes.includes(d)) { shape.push(n); grid.push(input.grid[d]); }
    else if (keepdims) { shape.push(1); grid.push([1]); }
  });
  return ctx.intern<ReduceNode>({ op: 'reduce', fn, axes, keepdims, ddof, input, shape, dtype: out, weak: null, grid }, [fn, axes, keepdims, ddof]);
}

export function view(ctx: ExprContext, input: Node, dims: ViewDim[], fixed: (number | null)[]): Node {
  // A view of a view is one view: compose the index maps.
  if (input.op === 'view') {
    const inner = input;
    const composedDims: ViewDim[] = dims.map((d) => {
      if (d.src === null) return d;
      const id = inner.dims[d.src];
      if (id.src === null) return { src: null, start: 0, step: 1, size: d.size };
      return { src: id.src, start: id.start + id.step * d.start, step: id.step * d.step, size: d.size };
    });
    const composedFixed = [...inner.fixed];
    inner.dims.forEach((id, k) => {
      if (id.src === null) return;
      const mapped = dims.some((d) => d.src === k);
      if (!mapped) composedFixed[id.src] = id.start + id.step * (fixed[k] ?? 0);
    });
    return view(ctx, inner.input, composedDims, composedFixed);
  }
  const shape = dims.map((d) => d.size);
  const identity = dims.length === input.shape.length && dims.every((d, k) => d.src === k && d.start === 0 && d.step === 1 && d.size === input.shape[k]);
  if (identity) return input;
  const grid = viewGrid(input, dims);
  return ctx.intern<ViewNode>({ op: 'view', input, dims, fixed, shape, dtype: input.dtype, weak: input.weak, grid }, [dims, fixed]);
}

/** One entry of a subscript: an integer, a slice, None (newaxis) or ... (ellipsis). */
export type IndexItem = { kind: 'int'; value: number } | { kind: 'slice'; start: number | null; stop: number | null; step: number | null } | { kind: 'newaxis' } | { kind: 'ellipsis' };

/** Python's slice.indices(): clamps start/stop for a dimension of length n. */
function sliceIndices(n: number, s: { start: number | null; stop: number | null; step: number | null }): { start: number; step: number; size: number } {
  const step = s.step ?? 1;
  if (step === 0) throw new TesseraError('INDEX_ERROR', 'slice step cannot be zero', 'use a positive or negative step');
  let start: number, stop: number;
  if (step > 0) {
    start = s.start === null ? 0 : s.start < 0 ? Math.max(0, s.start + n) : Math.min(s.start, n);
    stop = s.stop === null ? n : s.stop < 0 ? Math.max(0, s.stop + n) : Math.min(s.stop, n);
  } else {
    start = s.start === null ? n - 1 : s.start < 0 ? Math.max(-1, s.start + n) : Math.min(s.start, n - 1);
    stop = s.stop === null ? -1 : s.stop < 0 ? Math.max(-1, s.stop + n) : Math.min(s.stop, n - 1);
  }
  const size = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((stop - start) / step));
  return { start: size > 0 ? start : 0, step, size };
}

export function index(ctx: ExprContext, input: Node, items: IndexItem[]): Node {
  const nd = input.shape.length;
  const ellipses = items.filter((i) => i.kind === 'ellipsis').length;
  if (ellipses > 1) throw new TesseraError('INDEX_ERROR', 'an index can only have a single ellipsis (...)', '');
  const consuming = items.filter((i) => i.kind === 'int' || i.kind === 'slice').length;
  if (consuming > nd) throw new TesseraError('INDEX_ERROR', `too many indices: the array is ${nd}-dimensional, but ${consuming} were indexed`, '');
  const expanded: IndexItem[] = [];
  for (const it of items) {
    if (it.kind === 'ellipsis') for (let k = 0; k < nd - consuming; k++) expanded.push({ kind: 'slice', start: null, stop: null, step: null });
    else expanded.push(it);
  }
  while (expanded.filter((i) => i.kind !== 'newaxis').length < nd) expanded.push({ kind: 'slice', start: null, stop: null, step: null });
  const dims: ViewDim[] = [];
  const fixed: (number | null)[] = new Array(nd).fill(null);
  let src = 0;
  for (const it of expanded) {
    if (it.kind === 'newaxis') { dims.push({ src: null, start: 0, step: 1, size: 1 }); continue; }
    const n = input.shape[src];
    if (it.kind === 'int') {
      const v = it.value < 0 ? it.value + n : it.value;
      if (!Number.isInteger(it.value) || v < 0 || v >= n)
        throw new TesseraError('INDEX_ERROR', `index ${it.value} is out of bounds for axis ${src} with size ${n}`, `use an index from ${-n} to ${n - 1}`);
      fixed[src] = v;
    } else if (it.kind === 'slice') {
      dims.push({ src, ...sliceIndices(n, it) });
    }
    src++;
  }
  return view(ctx, input, dims, fixed);
}

export function transpose(ctx: ExprContext, input: Node, axes?: number[]): Node {
  const nd = input.shape.length;
  const perm = axes && axes.length ? axes.map((a) => (a < 0 ? a + nd : a)) : [...Array(nd).keys()].reverse();
  if (perm.length !== nd || new Set(perm).size !== nd || perm.some((a) => a < 0 || a >= nd))
    throw new TesseraError('AXIS_ERROR', `axes ${JSON.stringify(axes)} do not match an array of dimension ${nd}`, 'give a permutation of the axes');
  return view(ctx, input, perm.map((src) => ({ src, start: 0, step: 1, size: input.shape[src] })), new Array(nd).fill(null));
}

/** A source read by index arithmetic alone, so any shape and grid can be laid over it: not a
 * Fortran-order file (its rows are not runs), a persisted array (its chunks are fixed, read by
 * key) nor an HDF5 or Zarr array (its stored chunks are boxes of its own shape). */
function isPlainSource(n: Node): n is SourceNode {
  return n.op === 'source' && n.source.kind !== 'stored' && n.source.kind !== 'hdf5' && n.source.kind !== 'zarr' && (n.source.kind !== 'file' || !n.source.fortran);
}

export function reshape(ctx: ExprContext, input: Node, shapeIn: number[]): Node {
  const total = product(input.shape);
  const unknown = shapeIn.filter((d) => d === -1).length;
  if (unknown > 1) throw new TesseraError('BAD_SHAPE', 'can only specify one unknown dimension (-1)', '');
  const known = product(shapeIn.filter((d) => d !== -1));
  if (unknown && known === 0)
    throw new TesseraError('BAD_SHAPE', `cannot reshape array of size ${total} into shape ${fmtShape(shapeIn)}`, 'with a 0 in the shape, -1 could be any size: give every dimension');
  const shape = shapeIn.map((d) => (d === -1 ? (known === 0 ? 0 : total / known) : d));
  if (product(shape) !== total || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new TesseraError('BAD_SHAPE', `cannot reshape array of size ${total} into shape ${fmtShape(shapeIn)}`, 'the new shape must hold the same number of elements');
  if (shape.length === input.shape.length && shape.every((d, i) => d === input.shape[i])) return input;
  // An empty array has no chunks to alias (its rows need not correspond to its input's): it is a
  // constant of its shape.
  if (total === 0) return source(ctx, { kind: 'full', value: 0 }, shape, input.dtype, shape.map((n) => [n]));
  const chunkElems = Math.max(1, Math.floor(product(input.grid.map((d) => largest(d, 1)))));
  // A plain source has no chunks of its own in memory: it is re-indexed, not moved.
  if (isPlainSource(input)) {
    const rowElems = product(shape.slice(1));
    const rows = Math.max(1, Math.floor(chunkElems / Math.max(1, rowElems)));
    const grid = shape.map((n, d) => (d === 0 ? regular(n, rows) : [n]));
    return source(ctx, input.source, shape, input.dtype, grid);
  }
  // Otherwise chunks must be runs of whole rows in both shapes: each input chunk is then exactly
  // one output chunk, in the same memory order. Rechunk the input to such row blocks if needed.
  // (From here on both shapes hold elements, so rows are not empty.)
  if (input.shape.length === 0) {
    return ctx.intern<ReshapeNode>({ op: 'reshape', input, shape, dtype: input.dtype, weak: null, grid: shape.map((n) => [n]) }, shape);
  }
  const inRow = product(input.shape.slice(1));
  const outRow = product(shape.slice(1));
  const rowsMultiple = outRow / gcd(inRow, outRow);
  // A 0-d result has no rows to carry its input's row chunks: its one chunk is its input's one chunk.
  const fits = (shape.length > 0 || input.grid[0].length === 1) && input.grid.slice(1).every((d) => d.length === 1)
    && input.grid[0].every((r) => (r * inRow) % outRow === 0);
  let src: Node = input;
  if (!fits) {
    const target = Math.max(rowsMultiple, Math.floor(chunkElems / inRow / rowsMultiple) * rowsMultiple);
    src = rechunk(ctx, input, input.shape.map((n, d) => (d === 0 ? regular(n, target) : [n])));
  }
  const grid = shape.map((n, d) => (d === 0 ? src.grid[0].map((r) => (r * inRow) / outRow) : [n]));
  return ctx.intern<ReshapeNode>({ op: 'reshape', input: src, shape, dtype: input.dtype, weak: null, grid }, shape);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function rechunk(ctx: ExprContext, input: Node, grid: Grid): Node {
  if (grid.length === input.grid.length && grid.every((d, i) => d.length === input.grid[i].length && d.every((x, j) => x === input.grid[i][j]))) return input;
  if (input.op === 'source' && input.source.kind !== 'stored') return source(ctx, input.source, input.shape, input.dtype, grid);
  return ctx.intern<RechunkNode>({ op: 'rechunk', input, shape: input.shape, dtype: input.dtype, weak: null, grid }, grid);
}

/**
 * map_blocks: the user's function `fn` (an export of `module` at `version`) on each chunk of
 * `input`, giving a chunk of the same shape of `dtype` (the input's unless said, as the function
 * runs only in the workers and cannot be asked beforehand, unlike dask's meta inference).
 */
export function mapBlocks(ctx: ExprContext, input: Node, fn: string, module: { path: string; version: string }, dtype: DType = input.dtype): BlocksNode {
  return ctx.intern<BlocksNode>({ op: 'blocks', fn, module: module.path, version: module.version, input, shape: input.shape, dtype, weak: null, grid: input.grid }, [fn, module.path, module.version]);
}

export function concatenate(ctx: ExprContext, inputs: Node[], axis = 0): ConcatNode {
  if (!inputs.length) throw new TesseraError('BAD_ARGUMENTS', 'need at least one array to concatenate', '');
  const nd = inputs[0].shape.length;
  if (nd === 0) throw new TesseraError('BAD_ARGUMENTS', 'zero-dimensional arrays cannot be concatenated', 'use stack instead');
  const ax = normalizeAxes(axis, nd)[0];
  for (const x of inputs) {
    if (x.shape.length !== nd || x.shape.some((n, d) => d !== ax && n !== inputs[0].shape[d]))
      throw new TesseraError('SHAPE_MISMATCH', `all the input array dimensions except for the concatenation axis must match exactly, but got shapes ${inputs.map((i) => fmtShape(i.shape)).join(' ')}`, '');
  }
  const dtype = inputs.map((i) => i.dtype).reduce((a, b) => promoteDtypes(a, b));
  const cast = inputs.map((x) => (x.dtype === dtype ? x : elementwise(ctx, `astype_${dtype}`, [x])));
  const shape = inputs[0].shape.map((n, d) => (d === ax ? inputs.reduce((s, x) => s + x.shape[d], 0) : n));
  const grid: Grid = shape.map((_, d) => (d === ax ? cast.flatMap((x) => x.grid[d]) : refine(cast.map((x) => x.grid[d]))));
  return ctx.intern<ConcatNode>({ op: 'concat', axis: ax, inputs: cast, shape, dtype, weak: null, grid }, ax);
}


export function stack(ctx: ExprContext, inputs: Node[], axis = 0): Node {
  if (!inputs.length) throw new TesseraError('BAD_ARGUMENTS', 'need at least one array to stack', '');
  const nd = inputs[0].shape.length;
  if (inputs.some((x) => x.shape.length !== nd || x.shape.some((n, d) => n !== inputs[0].shape[d])))
    throw new TesseraError('SHAPE_MISMATCH', `all input arrays must have the same shape, but got ${inputs.map((i) => fmtShape(i.shape)).join(' ')}`, '');
  const ax = normalizeAxes(axis, nd + 1)[0];
  const expanded = inputs.map((x) => index(ctx, x, [...Array(ax).fill({ kind: 'slice', start: null, stop: null, step: null }), { kind: 'newaxis' }]));
  return concatenate(ctx, expanded, ax);
}

export function matmul(ctx: ExprContext, a: Node, b: Node): MatmulNode {
  if (a.shape.length !== 2 || b.shape.length !== 2)
    throw new TesseraError('SHAPE_MISMATCH', `matmul supports 2-D arrays; got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, 'reshape the operands to 2-D');
  if (a.shape[1] !== b.shape[0])
    throw new TesseraError('SHAPE_MISMATCH', `matmul: input operand 1 has a mismatch in its core dimension 0 (size ${b.shape[0]} is different from ${a.shape[1]}): shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`, 'the inner dimensions must be equal');
  const dtype = promoteDtypes(a.dtype, b.dtype);
  return ctx.intern<MatmulNode>({ op: 'matmul', a, b, shape: [a.shape[0], b.shape[1]], dtype, weak: null, grid: [a.grid[0], b.grid[1]] }, null);
}

