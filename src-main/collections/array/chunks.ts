/**
 * Turning a user's `chunks` (a number, a tuple, nested sizes, "auto", or a byte size such as
 * "64MB") into a grid. "auto" and a byte size aim at a target chunk size in bytes and follow the
 * memory order of the data, so a chunk of a C-order file is a run of whole rows (contiguous on
 * disk) and of a Fortran-order file a run of whole columns. What "auto" aims at is the caller's
 * choice (the job spec asks the chunk model, profile/auto-chunks.ts); AUTO_CHUNK_BYTES otherwise.
 */
import { TesseraError } from '../../engine/errors.js';
import { checkRegular } from './chunk-limit.js';
import { type Grid, product, regular as regularUnchecked } from './grid.js';

/** A regular split, refused before it is made if it would be too many chunks. */
function regular(n: number, size: number): number[] {
  checkRegular(n, size);
  return regularUnchecked(n, size);
}
import { parseBytes } from '../../engine/units.js';

export type ChunksSpec = number | string | (number | null | number[])[];

/** The default byte target of "auto": big enough to amortise per-task overhead, small enough
 * that a job over an array of tens of MB still yields several tasks per worker. */
export const AUTO_CHUNK_BYTES = 8 * 2 ** 20;

function bad(msg: string): TesseraError {
  return new TesseraError('BAD_CHUNKS', msg, 'give chunks as a number, a list with one entry per dimension (-1 for the whole dimension), "auto", or a size such as "64MB"');
}

export function autoChunks(shape: readonly number[], itemsize: number, order: 'C' | 'F' = 'C', targetBytes = AUTO_CHUNK_BYTES): Grid {
  const target = Math.max(1, Math.floor(targetBytes / itemsize));
  const nd = shape.length;
  const sizes = new Array<number>(nd).fill(1);
  const dims = order === 'C' ? [...Array(nd).keys()].reverse() : [...Array(nd).keys()];
  let acc = 1;
  for (const d of dims) {
    if (acc * shape[d] <= target) {
      sizes[d] = shape[d];
      acc *= shape[d];
    } else {
      sizes[d] = Math.max(1, Math.floor(target / acc));
      break;
    }
  }
  return shape.map((n, d) => regular(n, Math.max(1, sizes[d])));
}

export function normalizeChunks(spec: ChunksSpec | undefined, shape: readonly number[], itemsize: number, order: 'C' | 'F' = 'C', autoBytes = AUTO_CHUNK_BYTES): Grid {
  if (spec === undefined || spec === 'auto') return autoChunks(shape, itemsize, order, autoBytes);
  if (typeof spec === 'string') {
    let bytes: number;
    try { bytes = parseBytes(spec); } catch { throw bad(`chunks '${spec}' is neither "auto" nor a size such as "64MB"`); }
    return autoChunks(shape, itemsize, order, bytes);
  }
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec <= 0) throw bad(`chunks must be a positive integer, not ${spec}`);
    return shape.map((n) => regular(n, spec));
  }
  if (!Array.isArray(spec)) throw bad('chunks has an unknown form');
  if (spec.length !== shape.length) throw bad(`chunks has ${spec.length} entries but the array has ${shape.length} dimensions`);
  return spec.map((c, d) => {
    if (c === null || c === -1) return [shape[d]];
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || c <= 0) throw bad(`chunk size ${c} along dimension ${d} is not a positive integer`);
      return regular(shape[d], c);
    }
    if (Array.isArray(c)) {
      if (c.some((x) => !Number.isInteger(x) || x < 0)) throw bad(`chunk sizes along dimension ${d} must be non-negative integers`);
      if (product([c.reduce((a, b) => a + b, 0)]) !== shape[d]) throw bad(`chunk sizes along dimension ${d} add up to ${c.reduce((a, b) => a + b, 0)}, not ${shape[d]}`);
      return c.length ? [...c] : [0]; // a zero-length dimension still has its one (empty) chunk
    }
    throw bad(`chunks entry ${d} has an unknown form`);
  });
}

/**
 * The grid of an array stored in chunks (an HDF5 dataset, a Zarr array). Unless `chunks` gives sizes per dimension, the file's chunks
 * grouped into Tessera chunks of about the "auto" size (or the byte size `chunks` names, as
 * dask's "auto" respects an array's previous chunks): each dimension's chunk a whole multiple of
 * the file's (from the first dimension on), so every stored chunk is decoded by one task.
 * Without stored chunks (HDF5's compact storage), the grid `chunks` gives.
 */
export function storedChunkGrid(shape: readonly number[], fileChunks: readonly number[] | null, item: number, chunks?: ChunksSpec): Grid {
  const target = chunks === undefined || chunks === 'auto' ? AUTO_CHUNK_BYTES : typeof chunks === 'string' ? parseBytes(chunks) : null;
  if (!fileChunks || target === null) return normalizeChunks(chunks, shape, item);
  const c = shape.map((n, d) => Math.max(1, Math.min(n, fileChunks[d])));
  const bytes = () => c.reduce((a, b) => a * b, item);
  for (let d = 0; d < c.length && bytes() * 2 <= target; d++) {
    const times = Math.max(1, Math.floor(target / bytes()));
    c[d] = Math.min(Math.max(1, shape[d]), c[d] * times);
  }
  return shape.map((n, d) => regular(n, c[d]));
}
