/**
 * The sorted values of ranks [start, start + count) along an axis: what median, percentile,
 * quantile and topk read. Along an axis of one chunk, or a short 1-D array, they are sliced from
 * the sort (sorting.ts). A long 1-D array is not sorted whole: a few ranks of it are found by a
 * band around them, in the way boolean-mask indexing learns its lengths (masks.ts):
 *
 * 1. A run before the job's own (run-job.ts, `countOutputs`) sorts a sample of every stride-th
 *    element (about SAMPLE of them) and reads two values L <= H off it, at the sample's ranks of
 *    the wanted ones widened by five standard deviations of a sample quantile. The same run counts
 *    the elements below L, those in [L, H] per chunk, and the NaNs.
 * 2. The counts prove the bracket: when at most `start` elements lie below L and at least
 *    `start + count` lie at or below H (NaNs, which sort last, above every wanted rank), the
 *    wanted ranks are ranks [start - below, ...) of the elements in [L, H]. The job keeps those
 *    (a compress with the counts known), sorts only them (about 1% of a 10^8-element array) and
 *    slices. The band keeps the input's order, so the stable sort's ties come out as in the
 *    whole array's sort: the values are exactly the full sort's.
 * 3. Where the counts do not prove it (a sample that missed, a NaN among the wanted ranks, an
 *    integer bound past 2^53 or an infinite one, which the run's results cannot carry exactly), the
 *    array is sorted whole as before: never a wrong value, at worst the time of the sample run.
 *
 * `bands` is the evaluator's table of counts (masks.ts's MaskCounts): null before any run
 * (a band is asked for), a map after; undefined where no run can come first (a delayed call's
 * arguments), which sorts whole.
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, elementwise, index, type IndexItem, normalizeAxes, reduce, scalar } from './build.js';
import { isFloat, isInteger } from './dtype.js';
import type { ExprContext, Node } from './expr.js';
import { boundaries } from './grid.js';
import { booleanIndex, type MaskCounts, MaskCountsNeeded, maskCountOutputs, maskKey, type MaskRequest } from './masks.js';
import { flip } from './shape-functions.js';
import { sortedSlice } from './sorting.js';

/** Arrays shorter than this are sorted whole: their sort costs less than the sample run. */
export const BAND_MIN = 1 << 22;
/** About this many sampled elements bracket the wanted ranks. */
export const SAMPLE = 1 << 18;

const rangeOf = (start: number, stop: number | null, step: number | null = null): IndexItem => ({ kind: 'slice', start, stop, step });

/** The sorted values of ranks [start, start + count) along `axis` (x at least 1-D, axis normalised). */
export function rankSlice(ctx: ExprContext, x: Node, axis: number, start: number, count: number, bands: MaskCounts | null | undefined): Node {
  const plan = isBanded(x, axis, bands) ? bandPlan(x.shape[0], start, count) : null;
  if (!plan) return sortedSlice(ctx, x, axis, start, count);
  const request = bandRequest(x, start, count);
  const found = bands?.get(request.key);
  if (!found) throw new MaskCountsNeeded([request]);
  return fromBand(ctx, x, start, count, plan, found) ?? sortedSlice(ctx, x, axis, start, count);
}

/**
 * dask's topk(a, k, axis=-1): the k largest along the axis, largest first, or for a negative k
 * the -k smallest, smallest first. NaN counts as the largest value (numpy's sort order).
 */
export function topk(ctx: ExprContext, x0: Node, k: number, axis: number, bands: MaskCounts | null | undefined): Node {
  const x = asNumpyScalar(ctx, x0);
  if (x.shape.length === 0) throw new TesseraError('AXIS_ERROR', 'topk needs an array of at least one dimension', 'reshape the value to 1-D first');
  const ax = normalizeAxes(axis, x.shape.length)[0];
  const n = x.shape[ax];
  if (!Number.isInteger(k) || k === 0 || Math.abs(k) > n) {
    throw new TesseraError('VALUE_ERROR', `topk's k must be a non-zero integer of at most the axis length ${n} in size, not ${k}`, 'k > 0 gives the k largest, k < 0 the -k smallest');
  }
  if (k < 0) return rankSlice(ctx, x, ax, 0, -k, bands);
  return flip(ctx, rankSlice(ctx, x, ax, n - k, k, bands), ax);
}

/** The outputs of a counting run's request: a band's (below) or a mask's counts (masks.ts). */
export function countOutputs(ctx: ExprContext, r: MaskRequest, prefix: string): { name: string; node: Node }[] {
  return r.band ? bandOutputs(ctx, r.mask, r.band.start, r.band.count, prefix) : maskCountOutputs(ctx, r, prefix);
}

/**
 * Whether ranks of x along the axis are found by a band: a long 1-D array of several chunks, of
 * numbers (bools sort as two values: a band saves nothing), where a counting run can come first.
 */
export function isBanded(x: Node, axis: number, bands: MaskCounts | null | undefined): boolean {
  return bands !== undefined && x.shape.length === 1 && axis === 0 && x.grid[0].length > 1 && x.shape[0] >= BAND_MIN && x.dtype !== 'bool';
}

function bandRequest(x: Node, start: number, count: number): MaskRequest {
  // The key names x's chunks, as a mask's does: the counts are per chunk.
  return { key: `band|${start}|${count}|${maskKey(x, x.grid[0])}`, mask: x, grid: x.grid[0], band: { start, count } };
}

/**
 * The sample of every stride-th element (m of them) and its ranks lo and hi that bracket ranks
 * [start, start + count) of n elements, widened by five standard deviations of a sample quantile
 * (sqrt(p (1 - p) m) sample ranks) and two ranks. A bracket at the sample's first or last rank is
 * open on that side (the band reaches the array's end: topk's largest ranks). Null when both are:
 * the band would be the whole array.
 */
function bandPlan(n: number, start: number, count: number): { stride: number; lo: number; hi: number; openLow: boolean; openHigh: boolean } | null {
  const stride = Math.max(1, Math.floor(n / SAMPLE));
  const m = Math.ceil(n / stride);
  const widen = (p: number) => 5 * Math.sqrt(p * (1 - p) * m) + 2;
  const pLo = start / n, pHi = (start + count) / n;
  const lo = Math.max(0, Math.floor(pLo * m - widen(pLo)));
  const hi = Math.min(m - 1, Math.ceil(pHi * m + widen(pHi)));
  const openLow = lo === 0, openHigh = hi === m - 1;
  return openLow && openHigh ? null : { stride, lo, hi, openLow, openHigh };
}

/** The band's elements, x in [L, H] (a side open where the plan says). */
function inBand(ctx: ExprContext, x: Node, L: Node, H: Node, plan: { openLow: boolean; openHigh: boolean }): Node {
  const above = elementwise(ctx, 'greater_equal', [x, L]), under = elementwise(ctx, 'less_equal', [x, H]);
  return plan.openLow ? under : plan.openHigh ? above : elementwise(ctx, 'logical_and', [above, under]);
}

/**
 * The sample run's outputs for ranks [start, start + count) of x, in this order: L, H, the count
 * below L, the NaNs, then the count in the band of each chunk of x (an open side's bound is read
 * but not used: below an open L lies nothing).
 */
function bandOutputs(ctx: ExprContext, x: Node, start: number, count: number, prefix: string): { name: string; node: Node }[] {
  const plan = bandPlan(x.shape[0], start, count)!;
  const sample = index(ctx, x, [rangeOf(0, null, plan.stride)]);
  const valueAt = (r: number) => index(ctx, sortedSlice(ctx, sample, 0, r, 1), [{ kind: 'int', value: 0 }]);
  const L = valueAt(plan.lo), H = valueAt(plan.hi);
  const count0 = (b: Node) => reduce(ctx, 'count_nonzero', b, null);
  const inside = inBand(ctx, x, L, H, plan);
  const b = boundaries(x.grid[0]);
  const nodes = [
    L, H, plan.openLow ? scalar(ctx, 0, 'int') : count0(elementwise(ctx, 'less', [x, L])),
    isFloat(x.dtype) ? count0(elementwise(ctx, 'isnan', [x])) : scalar(ctx, 0, 'int'),
    ...x.grid[0].map((_, k) => count0(index(ctx, inside, [rangeOf(b[k], b[k + 1])]))),
  ];
  return nodes.map((node, k) => ({ name: `${prefix}${k}`, node }));
}

/** The ranks from the band the counts prove, or null where they do not (see the module's doc). */
function fromBand(ctx: ExprContext, x: Node, start: number, count: number, plan: { openLow: boolean; openHigh: boolean }, found: number[]): Node | null {
  const [low, high, below, nans] = found;
  const inside = found.slice(4);
  const n = x.shape[0];
  const total = inside.reduce((s, c) => s + c, 0);
  const usable = (v: number, open: boolean) => open || (isInteger(x.dtype) ? Number.isSafeInteger(v) : Number.isFinite(v));
  if (!usable(low, plan.openLow) || !usable(high, plan.openHigh) || inside.length !== x.grid[0].length) return null;
  if (below > start || below + total < start + count || start + count > n - nans) return null;
  const kind = isInteger(x.dtype) ? 'int' : 'float';
  const mask = inBand(ctx, x, scalar(ctx, plan.openLow ? 0 : low, kind), scalar(ctx, plan.openHigh ? 0 : high, kind), plan);
  const band = booleanIndex(ctx, x, mask, new Map([[maskKey(mask, x.grid[0]), inside]]));
  return sortedSlice(ctx, band, 0, start - below, count);
}
