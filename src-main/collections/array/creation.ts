/**
 * Array constructors: random (counter-based, so any chunking gives the same numbers), arange,
 * zeros/ones/full, and memory-mapped .npy and raw binary files.
 */
import { type DType, isDType, isFloat, isInteger, isUnsigned, itemsize } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';
import type { ExprContext, Node } from './expr.js';
import { elementwise, scalar, source, transpose } from './build.js';
import { type ChunksSpec, normalizeChunks } from './chunks.js';
import type { NpyInfo } from './files.js';
import { complexSource } from './complex-sources.js';

function checkShape(shape: unknown, what: string): number[] {
  const list = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(list) || list.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0))
    throw new TesseraError('BAD_SHAPE', `${what}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`, 'for example "shape": [1000, 1000]');
  return list as number[];
}

function checkSeed(seed: unknown): number {
  if (seed === undefined || seed === null) return 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER)
    throw new TesseraError('BAD_ARGUMENTS', `seed must be a non-negative integer, got ${JSON.stringify(seed)}`, 'for example "seed": 42');
  return seed;
}

export interface RandomOptions {
  dist: 'uniform' | 'normal';
  shape: unknown;
  seed?: unknown;
  chunks?: ChunksSpec;
  low?: number;
  high?: number;
  loc?: number;
  scale?: number;
}

/** numpy's formulas: uniform = low + (high - low) * u, normal = loc + scale * z. */
export function randomArray(ctx: ExprContext, o: RandomOptions): Node {
  if (o.dist !== 'uniform' && o.dist !== 'normal')
    throw new TesseraError('BAD_DATASET', `unknown random distribution '${o.dist}'`, 'use "uniform" or "normal"');
  const shape = checkShape(o.shape, `random.${o.dist}`);
  const grid = normalizeChunks(o.chunks, shape, 8);
  let node: Node = source(ctx, { kind: o.dist, seed: checkSeed(o.seed) }, shape, 'float64', grid);
  const [offset, scaleBy] = o.dist === 'uniform' ? [o.low ?? 0, (o.high ?? 1) - (o.low ?? 0)] : [o.loc ?? 0, o.scale ?? 1];
  if (scaleBy !== 1) node = elementwise(ctx, 'multiply', [scalar(ctx, scaleBy, 'float'), node]);
  if (offset !== 0) node = elementwise(ctx, 'add', [scalar(ctx, offset, 'float'), node]);
  return node;
}

/**
 * numpy's arange: the length is ceil((stop - start) / step), and element i is first + i * delta,
 * where first and second are start and start + step converted to the dtype, and delta is their
 * difference in the dtype (so float elements round as numpy's do, and `arange(0.5, 5, 1.5,
 * dtype=int)` steps by int(2.0) - int(0.5) = 2).
 */
export function arange(ctx: ExprContext, start: number, stop: number | undefined, step = 1, dtype?: DType, chunks?: ChunksSpec, intArgs = true): Node {
  if (stop === undefined) [start, stop] = [0, start];
  for (const v of [start, stop, step]) {
    if (!Number.isFinite(v)) throw new TesseraError('BAD_ARGUMENTS', `arange: arguments must be finite, got ${v}`, 'give finite start, stop and step');
  }
  if (step === 0) throw new TesseraError('BAD_ARGUMENTS', 'arange: step must not be zero', '');
  const span = (stop - start) / step;
  const n = span === 0 && stop !== start ? (span < 0 || Object.is(span, -0) ? 0 : 1) : Math.max(0, Math.ceil(span));
  const dt: DType = dtype ?? (intArgs ? 'int64' : 'float64');
  if (dt === 'bool' && n > 2) throw new TesseraError('BAD_ARGUMENTS', 'arange() is only supported for booleans when the result has at most length 2', "make an int64 arange and compare it, or astype('bool')");
  const toDtype = (v: number): number => (dt === 'float32' ? Math.fround(v) : isFloat(dt) ? v : Math.trunc(v));
  const first = toDtype(start);
  const delta = dt === 'float32' ? Math.fround(toDtype(start + step) - first) : toDtype(start + step) - first;
  return source(ctx, { kind: 'arange', start: first, step: delta }, [n], dt, normalizeChunks(chunks, [n], itemsize(dt)));
}

/**
 * The fill value as the dtype holds it: bool(value) for bool (NaN is True), truncated for integers.
 * A Python int that does not fit the dtype is an OverflowError in numpy 2; a float that does not
 * fit (or NaN) has no defined integer value, so it is refused too.
 */
export function full(ctx: ExprContext, shapeIn: unknown, value: unknown, dtype: DType, chunks?: ChunksSpec, pythonInt = false): Node {
  const shape = checkShape(shapeIn, 'full');
  if (typeof value !== 'number' && typeof value !== 'boolean')
    throw new TesseraError('BAD_ARGUMENTS', `full: the fill value must be a number or a boolean, got ${JSON.stringify(value)}`, 'for example "value": 1.5');
  let v: number | boolean = value;
  if (dtype === 'bool') v = typeof value === 'boolean' ? value : value !== 0;
  else if (typeof value === 'boolean') v = value ? 1 : 0;
  else if (isInteger(dtype)) {
    const bits = itemsize(dtype) * 8;
    const [min, maxExclusive] = isUnsigned(dtype) ? [0, 2 ** bits] : [-(2 ** (bits - 1)), 2 ** (bits - 1)];
    const t = Math.trunc(value);
    if (!(t >= min && t < maxExclusive)) {
      throw new TesseraError('OVERFLOW_ERROR', `${pythonInt ? 'Python integer' : 'fill value'} ${value} out of bounds for ${dtype}`,
        `use a value from ${min} to ${maxExclusive - 1}, or a wider dtype`);
    }
    v = t;
  } else if (dtype === 'float32') v = Math.fround(value);
  return source(ctx, { kind: 'full', value: v }, shape, dtype, normalizeChunks(chunks, shape, itemsize(dtype)));
}

export function npyArray(ctx: ExprContext, info: NpyInfo, chunks?: ChunksSpec): Node {
  if (info.complex) {
    // The values' (re, im) pairs as floats: chunked along the values' axes, each pair whole. A
    // Fortran-ordered file holds the transposed array in C order (each value's pair still
    // adjacent): read so, and transposed back.
    const fortran = info.fortranOrder && info.shape.length > 1;
    const grid = normalizeChunks(chunks, info.shape, 2 * itemsize(info.dtype), fortran ? 'F' : 'C');
    const file = { kind: 'file' as const, path: info.path, fileSize: info.fileSize, mtimeNs: info.mtimeNs, dataOffset: info.dataOffset, byteswap: info.bigEndian, fortran: false, complex: true };
    if (!fortran) return complexSource(source(ctx, file, [...info.shape, 2], info.dtype, [...grid, [2]]));
    const nd = info.shape.length;
    const stored = source(ctx, file, [...[...info.shape].reverse(), 2], info.dtype, [...[...grid].reverse(), [2]]);
    return complexSource(transpose(ctx, stored, [...Array.from({ length: nd }, (_, d) => nd - 1 - d), nd]));
  }
  const grid = normalizeChunks(chunks, info.shape, itemsize(info.dtype), info.fortranOrder ? 'F' : 'C');
  return source(ctx, { kind: 'file', path: info.path, fileSize: info.fileSize, mtimeNs: info.mtimeNs, dataOffset: info.dataOffset, byteswap: info.bigEndian, fortran: info.fortranOrder }, info.shape, info.dtype, grid);
}

export interface RawOptions {
  path: string;
  fileSize: number;
  /** Modification time in nanoseconds (decimal), when known: checked again before tasks read. */
  mtimeNs?: string;
  dtype: unknown;
  shape: unknown;
  order?: unknown;
  offset?: unknown;
  byteorder?: unknown;
  chunks?: ChunksSpec;
}

export function rawArray(ctx: ExprContext, o: RawOptions): Node {
  if (typeof o.dtype !== 'string' || !isDType(o.dtype))
    throw new TesseraError('BAD_DTYPE', `raw file ${o.path}: unknown dtype ${JSON.stringify(o.dtype)}`, 'use one of float64, float32, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool');
  const dtype = o.dtype;
  const shape = checkShape(o.shape, `raw file ${o.path}`);
  const order = o.order ?? 'C';
  if (order !== 'C' && order !== 'F') throw new TesseraError('BAD_DATASET', `order must be "C" or "F", got ${JSON.stringify(order)}`, '');
  const offset = o.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new TesseraError('BAD_DATASET', 'offset must be a non-negative integer (bytes)', '');
  const byteorder = o.byteorder ?? 'little';
  if (byteorder !== 'little' && byteorder !== 'big') throw new TesseraError('BAD_DATASET', 'byteorder must be "little" or "big"', '');
  const need = offset + shape.reduce((a, b) => a * b, 1) * itemsize(dtype);
  if (o.fileSize < need)
    throw new TesseraError('FILE_TRUNCATED', `raw file ${o.path} is too short: ${JSON.stringify(shape)} of ${dtype} needs ${need} bytes (from offset ${offset}) but the file has ${o.fileSize}`, 'check the dtype and shape, or that the file was written completely');
  const grid = normalizeChunks(o.chunks, shape, itemsize(dtype), order);
  return source(ctx, { kind: 'file', path: o.path, fileSize: o.fileSize, mtimeNs: o.mtimeNs, dataOffset: offset, byteswap: byteorder === 'big' && itemsize(dtype) > 1, fortran: order === 'F' }, shape, dtype, grid);
}

/**
 * np.linspace(start, stop, num, endpoint, dtype) as numpy 2 computes it: arange(num) * step +
 * start in float64 (step = (stop - start) / div; when it is 0, arange / div * delta), the last
 * element exactly stop, then floored for an integer dtype and cast.
 */
export function linspace(ctx: ExprContext, start: number, stop: number, num: number, endpoint: boolean, dtype?: DType, chunks?: ChunksSpec): Node {
  if (!Number.isInteger(num)) throw new TesseraError('TYPE_ERROR', `'${num}' object cannot be interpreted as an integer`, 'num is a count of samples');
  if (num < 0) throw new TesseraError('VALUE_ERROR', `Number of samples, ${num}, must be non-negative.`, '');
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const ramp = arange(ctx, 0, num, 1, 'float64', chunks);
  const f = (v: number) => scalar(ctx, v, 'float');
  const step = div > 0 ? delta / div : NaN;
  let y = div > 0 && step === 0
    ? elementwise(ctx, 'multiply', [elementwise(ctx, 'true_divide', [ramp, f(div)]), f(delta)])
    : elementwise(ctx, 'multiply', [ramp, f(div > 0 ? step : delta)]);
  y = elementwise(ctx, 'add', [y, f(start)]);
  if (endpoint && num > 1) {
    const last = elementwise(ctx, 'equal', [arange(ctx, 0, num, 1, 'int64', [ramp.grid[0]]), scalar(ctx, num - 1, 'int')]);
    y = elementwise(ctx, 'where', [last, f(stop), y]);
  }
  if (dtype && isInteger(dtype)) y = elementwise(ctx, 'floor', [y]);
  return dtype && dtype !== 'float64' ? elementwise(ctx, `astype_${dtype}`, [y]) : y;
}

/** np.eye(N, M, k, dtype): ones on the k-th diagonal. */
export function eye(ctx: ExprContext, n: number, m: number | undefined, k: number, dtype: DType = 'float64', chunks?: ChunksSpec): Node {
  const cols = m ?? n;
  for (const v of [n, cols]) if (!Number.isInteger(v) || v < 0) throw new TesseraError('VALUE_ERROR', `negative dimensions are not allowed (eye(${n}, ${cols}))`, '');
  const grid = normalizeChunks(chunks, [n, cols], itemsize(dtype));
  const i = source(ctx, { kind: 'arange', start: 0, step: 1 }, [n, 1], 'int64', [grid[0], [1]]);
  const j = source(ctx, { kind: 'arange', start: 0, step: 1 }, [1, cols], 'int64', [[1], grid[1]]);
  const onDiagonal = elementwise(ctx, 'equal', [elementwise(ctx, 'add', [i, scalar(ctx, k, 'int')]), j]);
  return dtype === 'bool' ? onDiagonal : elementwise(ctx, `astype_${dtype}`, [onDiagonal]);
}
