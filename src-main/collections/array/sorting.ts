/**
 * np.sort and np.argsort, and the sorted slices median, percentile and topk read (rank-slices.ts).
 *
 * Every sort is numpy's stable sort (kind="stable"): NaN after every number, equal values in
 * input order, so the result is one well-defined array whichever kind= numpy is asked for.
 *
 * Along an axis of an N-D array, the axis is made one chunk (as dask does for its median) and
 * each chunk's lines are sorted by one task. A 1-D array of several chunks is sorted in two
 * parallel steps instead: each chunk is sorted by its own task (a run), then each chunk of the
 * result is merged from the parts of every run that land in it (the merge kind finds those
 * parts by rank, without merging what comes before). A slice of the sorted array (a median's
 * middle elements, a topk's last k) merges only the ranks it needs.
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, index, type IndexItem, normalizeAxes, rechunk, reshape } from './build.js';
import type { ExprContext, MergeNode, Node, SortNode } from './expr.js';
import { type Grid, product, regular } from './grid.js';

type SortFn = 'sort' | 'argsort';

const ALL: IndexItem = { kind: 'slice', start: null, stop: null, step: null };

/** np.sort(x, axis) / np.argsort(x, axis): axis None sorts the flattened array. */
export function sortAlong(ctx: ExprContext, fn: SortFn, x0: Node, axis0: number | null): Node {
  // numpy's argsort of a 0-d array is [0] for axis 0, -1 or None (its sort raises AxisError).
  const axis = fn === 'argsort' && x0.shape.length === 0 && (axis0 === 0 || axis0 === -1) ? null : axis0;
  const x = axis === null ? reshape(ctx, asNumpyScalar(ctx, x0), [-1]) : asNumpyScalar(ctx, x0);
  const ax = normalizeAxes(axis ?? 0, x.shape.length)[0];
  if (isMergeable(x, ax)) {
    const runs = fewRuns(ctx, x);
    return merged(ctx, fn, runs, 0, x.shape[0], runs.grid[0]);
  }
  return sortNode(ctx, fn, oneChunkAlong(ctx, x, ax), ax);
}

/**
 * The sorted values of ranks [start, start + count) along `axis` (the other axes whole): what a
 * median or percentile reads. `x` is at least 1-D and `axis` normalised.
 */
export function sortedSlice(ctx: ExprContext, x: Node, axis: number, start: number, count: number): Node {
  if (isMergeable(x, axis)) return merged(ctx, 'sort', fewRuns(ctx, x), start, count, [count]);
  const sorted = sortNode(ctx, 'sort', oneChunkAlong(ctx, x, axis), axis);
  return index(ctx, sorted, x.shape.map((_, d): IndexItem => (d === axis ? { kind: 'slice', start, stop: start + count, step: null } : ALL)));
}

/**
 * Every merge task reads every run (its ranks may come from any), so a 1-D array of more than
 * MAX_RUNS chunks is first rechunked into MAX_RUNS even ones: the merges' work and dependencies
 * grow with the runs squared, and a few large runs sort as fast as many small ones.
 */
export const MAX_RUNS = 64;

function fewRuns(ctx: ExprContext, x: Node): Node {
  if (x.grid[0].length <= MAX_RUNS) return x;
  return rechunk(ctx, x, [regular(x.shape[0], Math.ceil(x.shape[0] / MAX_RUNS))]);
}

/** A 1-D array of several chunks: sorted as runs and merged. */
function isMergeable(x: Node, axis: number): boolean {
  return x.shape.length === 1 && axis === 0 && x.grid[0].length > 1;
}

function sortNode(ctx: ExprContext, fn: SortFn, x: Node, axis: number): SortNode {
  return ctx.intern<SortNode>({ op: 'sort', fn, axis, input: x, shape: x.shape, dtype: fn === 'sort' ? x.dtype : 'int64', weak: null, grid: x.grid }, [fn, axis]);
}

/** Ranks [start, start + count) of a 1-D array's stable sort, in chunks `grid` (summing to count). */
function merged(ctx: ExprContext, fn: SortFn, x: Node, start: number, count: number, chunks: number[]): Node {
  const runs = sortNode(ctx, 'sort', x, 0);
  const positions = fn === 'argsort' ? sortNode(ctx, 'argsort', x, 0) : null;
  return ctx.intern<MergeNode>({ op: 'merge', fn, runs, positions, start, shape: [count], dtype: fn === 'sort' ? x.dtype : 'int64', weak: null, grid: [chunks] }, [fn, start]);
}

/**
 * x with `axis` in one chunk. The other axes' chunks shrink (the largest first, halving) until a
 * chunk holds no more elements than the larger of the largest old chunk and one whole line.
 */
function oneChunkAlong(ctx: ExprContext, x: Node, axis: number): Node {
  if (x.grid[axis].length === 1) return x;
  const widest = (g: readonly number[]) => g.reduce((m, c) => Math.max(m, c), 1);
  const sizes = x.grid.map(widest);
  const budget = Math.max(product(sizes), x.shape[axis]);
  sizes[axis] = x.shape[axis];
  for (;;) {
    let widest = -1;
    for (let d = 0; d < sizes.length; d++) if (d !== axis && sizes[d] > 1 && (widest < 0 || sizes[d] > sizes[widest])) widest = d;
    if (widest < 0 || product(sizes) <= budget) break;
    sizes[widest] = Math.ceil(sizes[widest] / 2);
  }
  const grid: Grid = x.shape.map((n, d) => (d === axis ? [n] : sizes[d] >= widest(x.grid[d]) ? x.grid[d] : regular(n, sizes[d])));
  return rechunk(ctx, x, grid);
}
