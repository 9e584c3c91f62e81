/**
 * Array constructors: random (counter-based, so any chunking gives the same numbers), arange,
 * zeros/ones/full, and memory-mapped .npy and raw binary files.
 */
import { type DType, isDType, itemsize } from '../../engine/dtype.js';
import { TesseraError } from '../../engine/errors.js';
import type { ExprContext, Node } from '../../engine/expr.js';
import { elementwise, scalar, source } from './build.js';
import { type ChunksSpec, normalizeChunks } from './chunks.js';
import type { NpyInfo } from './files.js';

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

export function arange(ctx: ExprContext, start: number, stop: number | undefined, step = 1, dtype?: DType, chunks?: ChunksSpec, intArgs = true): Node {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new TesseraError('BAD_ARGUMENTS', 'arange: step must not be zero', '');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt: DType = dtype ?? (intArgs ? 'int64' : 'float64');
  return source(ctx, { kind: 'arange', start, step }, [n], dt, normalizeChunks(chunks, [n], itemsize(dt)));
}

export function full(ctx: ExprContext, shapeIn: unknown, value: number | boolean, dtype: DType, chunks?: ChunksSpec): Node {
  const shape = checkShape(shapeIn, 'full');
  return source(ctx, { kind: 'full', value }, shape, dtype, normalizeChunks(chunks, shape, itemsize(dtype)));
}

export function npyArray(ctx: ExprContext, info: NpyInfo, chunks?: ChunksSpec): Node {
  const grid = normalizeChunks(chunks, info.shape, itemsize(info.dtype), info.fortranOrder ? 'F' : 'C');
  return source(ctx, { kind: 'file', path: info.path, fileSize: info.fileSize, dataOffset: info.dataOffset, byteswap: info.bigEndian, fortran: info.fortranOrder }, info.shape, info.dtype, grid);
}

export interface RawOptions {
  path: string;
  fileSize: number;
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
  return source(ctx, { kind: 'file', path: o.path, fileSize: o.fileSize, dataOffset: offset, byteswap: byteorder === 'big' && itemsize(dtype) > 1, fortran: order === 'F' }, shape, dtype, grid);
}
