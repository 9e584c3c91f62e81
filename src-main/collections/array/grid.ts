/**
 * Chunk grids: per dimension, the list of chunk sizes (dask's `chunks`). Helpers to refine grids,
 * find the chunk holding an index, and enumerate chunk indices.
 */
export type Grid = number[][];

// Chunk numbering is shared with the window (api/task-columns.ts): it lives in the contract layer.
export { chunkIndex, chunkNumber, growBox } from '../../api/chunk-numbers.js';

import { largest, product } from '../../engine/numbers.js';

export { largest, product };

export function boundaries(sizes: readonly number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1] + s);
  return out;
}

/** The coarsest grid whose boundaries include those of every input (all of the same extent). */
export function refine(dims: readonly (readonly number[])[]): number[] {
  if (dims.length === 1) return [...dims[0]];
  const cuts = new Set<number>();
  for (const d of dims) for (const b of boundaries(d)) cuts.add(b);
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 1; i < sorted.length; i++) out.push(sorted[i] - sorted[i - 1]);
  return out.length ? out : [0];
}

/** Chunk index along one dimension holding `index` (binary search over boundaries). */
export function chunkOf(bounds: readonly number[], index: number): number {
  let lo = 0, hi = bounds.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid] <= index) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** All chunk indices of a grid in C order. */
export function* chunkIndices(grid: Grid): Generator<number[]> {
  const n = grid.length;
  if (grid.some((d) => d.length === 0)) return;
  const idx = new Array<number>(n).fill(0);
  while (true) {
    yield [...idx];
    let d = n - 1;
    while (d >= 0) {
      if (++idx[d] < grid[d].length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

export function chunkCount(grid: readonly (readonly number[])[]): number {
  return product(grid.map((d) => d.length));
}

const boundsCache = new WeakMap<Grid, number[][]>();

/** Chunk boundaries per dimension, computed once per grid (grids are immutable). */
export function gridBounds(grid: Grid): number[][] {
  let b = boundsCache.get(grid);
  if (!b) {
    b = grid.map(boundaries);
    boundsCache.set(grid, b);
  }
  return b;
}

/** Offsets and shape of one chunk. */
export function chunkRegion(grid: Grid, index: readonly number[]): { offset: number[]; shape: number[] } {
  const bounds = gridBounds(grid);
  const offset: number[] = [], shape: number[] = [];
  for (let d = 0; d < grid.length; d++) {
    offset.push(bounds[d][index[d]]);
    shape.push(grid[d][index[d]]);
  }
  return { offset, shape };
}

/** Regular chunks of `size` along an extent of `n` (the last may be smaller). */
export function regular(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let o = 0; o < n; o += size) out.push(Math.min(size, n - o));
  return out;
}

export function cStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

export function fStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = 0; d < shape.length; d++) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}
