/**
 * The sorted values of ranks along an axis: what median, percentile, quantile and topk read.
 * Along an axis of one chunk, or of a short 1-D array, they are sliced from the sort (sorting.ts).
 * A long 1-D array is not sorted whole: the ranks are found in bands around them, in the way
 * boolean-mask indexing learns its lengths (masks.ts):
 *
 * 1. A run before the job's own (run-job.ts, `countOutputs`) sorts a sample of every stride-th
 *    element (about SAMPLE of them) and reads, for each wanted range of ranks, two values L <= H
 *    off it: at the sample's ranks of the range's ends, widened by five standard deviations of a
 *    sample quantile and two ranks. Ranges whose sample ranks overlap share one band [L, H]
 *    (closed: heavy ties give L = H); a band at the sample's first or last rank is open on that
 *    side (topk's largest ranks). The same run counts, per chunk, the elements between every two
 *    bounds and the NaNs: one pass, a histogram of each element's number of bounds passed.
 * 2. The counts prove each range's band: at most `start` elements below L and at least
 *    `start + count` at or below H (NaNs, which sort last, above every wanted rank). The job keeps the
 *    elements inside any band (one compress, counts known), sorts only those (about 1% of a
 *    10^8-element array a band) and slices each range at its band's place. The bands keep the
 *    input's order, so ties (-0.0 and 0.0) come out as in the stable sort of the whole: the values
 *    are exactly the whole sort's.
 * 3. Where the counts do not prove it (a sample that missed, a NaN among the wanted ranks, an
 *    integer bound past 2^53 or an infinite one, which the run's results cannot carry exactly), the
 *    array is sorted whole as before: never a wrong value, at worst the time of the sample run.
 *
 * `bands` is the evaluator's table of counts (masks.ts's MaskCounts): null before any run (the
 * bands are asked for), a map after; undefined where no run can come first (a delayed call's
 * arguments), which sorts whole.
 */
import { TesseraError } from '../../engine/errors.js';
import { asNumpyScalar, elementwise, index, type IndexItem, normalizeAxes, scalar, source } from './build.js';
import { isFloat, isInteger } from './dtype.js';
import type { ExprContext, Node } from './expr.js';
import { binCountsPerChunk } from './histogram.js';
import { booleanIndex, type MaskCounts, MaskCountsNeeded, maskCountOutputs, maskKey, type MaskRequest } from './masks.js';
import { flip } from './shape-functions.js';
import { sortedSlice } from './sorting.js';

/** Arrays shorter than this are sorted whole: their sort costs less than the sample run. */
export const BAND_MIN = 1 << 22;
/** About this many sampled elements bracket the wanted ranks. */
export const SAMPLE = 1 << 18;

const rangeOf = (start: number, stop: number | null, step: number | null = null): IndexItem => ({ kind: 'slice', start, stop, step });

/** A range of ranks: [start, start + count). */
export type RankRange = [start: number, count: number];
/** The evaluator's counts for bands: null before the counting run, undefined where none can come first. */
export type Bands = MaskCounts | null | undefined;

/** The sorted values of ranks [start, start + count) along `axis` (x at least 1-D, axis normalised). */
export function rankSlice(ctx: ExprContext, x: Node, axis: number, start: number, count: number, bands: Bands): Node {
  return rankSlices(ctx, x, axis, [[start, count]], bands)[0];
}

/** Each range's sorted values, as rankSlice's, the ranges of a long array found through one counting run. */
export function rankSlices(ctx: ExprContext, x: Node, axis: number, ranges: RankRange[], bands: Bands): Node[] {
  const plan = isBanded(x, axis, bands) ? bandPlan(x.shape[0], ranges) : null;
  const whole = () => ranges.map(([start, count]) => sortedSlice(ctx, x, axis, start, count));
  if (!plan) return whole();
  const request: MaskRequest = { key: `band|${JSON.stringify(ranges)}|${maskKey(x, x.grid[0])}`, mask: x, grid: x.grid[0], band: { ranges } };
  const found = bands?.get(request.key);
  if (!found) throw new MaskCountsNeeded([request]);
  return fromBands(ctx, x, ranges, plan, found) ?? whole();
}

/**
 * dask's topk(a, k, axis=-1): the k largest along the axis, largest first, or for a negative k
 * the -k smallest, smallest first. NaN counts as the largest value (numpy's sort order).
 */
export function topk(ctx: ExprContext, x0: Node, k: number, axis: number, bands: Bands): Node {
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
  return r.band ? bandOutputs(ctx, r.mask, r.band.ranges, prefix) : maskCountOutputs(ctx, r, prefix);
}

/**
 * Whether ranks of x along the axis are found by bands: a long 1-D array of several chunks, of
 * numbers (bools sort as two values: a band saves nothing), where a counting run can come first.
 */
export function isBanded(x: Node, axis: number, bands: Bands): boolean {
  return bands !== undefined && x.shape.length === 1 && axis === 0 && x.grid[0].length > 1 && x.shape[0] >= BAND_MIN && x.dtype !== 'bool';
}

/** A band: its bounds' sample ranks, its sides' openness, and the requested ranges it holds. */
interface Band { lo: number; hi: number; openLow: boolean; openHigh: boolean; ranges: number[] }

/**
 * The sample (every stride-th element) and the bands over the ranges (see the module's doc), in
 * increasing order; null when one band would be the whole array.
 */
function bandPlan(n: number, ranges: RankRange[]): { stride: number; bands: Band[] } | null {
  const stride = Math.max(1, Math.floor(n / SAMPLE));
  const m = Math.ceil(n / stride);
  const widen = (p: number) => 5 * Math.sqrt(p * (1 - p) * m) + 2;
  const spans = ranges.map(([start, count], k) => {
    const pLo = start / n, pHi = (start + count) / n;
    return { lo: Math.max(0, Math.floor(pLo * m - widen(pLo))), hi: Math.min(m - 1, Math.ceil(pHi * m + widen(pHi))), k };
  }).sort((a, b) => a.lo - b.lo);
  const bands: Band[] = [];
  for (const s of spans) {
    const last = bands[bands.length - 1];
    if (last && s.lo <= last.hi) {
      last.hi = Math.max(last.hi, s.hi);
      last.ranges.push(s.k);
    } else {
      bands.push({ lo: s.lo, hi: s.hi, openLow: false, openHigh: false, ranges: [s.k] });
    }
  }
  bands[0].openLow = bands[0].lo === 0;
  bands[bands.length - 1].openHigh = bands[bands.length - 1].hi === m - 1;
  if (bands.length === 1 && bands[0].openLow && bands[0].openHigh) return null;
  return { stride, bands };
}

/**
 * Each element's count of the bounds it has passed, x >= L or x > H (2i + 1 inside band i, 2i
 * just below it); bands whose values touch are left to the whole sort (fromBands), so the codes
 * and the mask agree.
 */
function boundsBelow(ctx: ExprContext, x: Node, bounds: { L: Node; H: Node }[], bands: Band[]): Node {
  const one = (fn: string, b: Node) => elementwise(ctx, 'astype_int64', [elementwise(ctx, fn, [x, b])]);
  let code: Node = scalar(ctx, bands[0].openLow ? 1 : 0, 'int');
  bands.forEach((band, i) => {
    if (!band.openLow) code = elementwise(ctx, 'add', [code, one('greater_equal', bounds[i].L)]);
    if (!band.openHigh) code = elementwise(ctx, 'add', [code, one('greater', bounds[i].H)]);
  });
  return code;
}

/** Whether an element lies in any band: [L, H], an open side unbounded. */
function inBands(ctx: ExprContext, x: Node, bounds: { L: Node; H: Node }[], bands: Band[]): Node {
  const parts = bands.map((band, i) => {
    const above = elementwise(ctx, 'greater_equal', [x, bounds[i].L]), under = elementwise(ctx, 'less_equal', [x, bounds[i].H]);
    return band.openLow ? under : band.openHigh ? above : elementwise(ctx, 'logical_and', [above, under]);
  });
  return parts.reduce((a, b) => elementwise(ctx, 'logical_or', [a, b]));
}

/**
 * The sample run's outputs for the ranges of x: each band's L and H (an open side's is read but
 * not used), then per chunk of x the count of each code of boundsBelow (2 per band, plus the
 * elements above the last and, last, the NaNs), as one histogram pass.
 */
function bandOutputs(ctx: ExprContext, x: Node, ranges: RankRange[], prefix: string): { name: string; node: Node }[] {
  const plan = bandPlan(x.shape[0], ranges)!;
  const sample = index(ctx, x, [rangeOf(0, null, plan.stride)]);
  const valueAt = (r: number) => index(ctx, sortedSlice(ctx, sample, 0, r, 1), [{ kind: 'int', value: 0 }]);
  const bounds = plan.bands.map((b) => ({ L: valueAt(b.lo), H: valueAt(b.hi) }));
  const codes = 2 * plan.bands.length + 2;
  const code = boundsBelow(ctx, x, bounds, plan.bands);
  const coded = isFloat(x.dtype) ? elementwise(ctx, 'where', [elementwise(ctx, 'isnan', [x]), scalar(ctx, codes - 1, 'int'), code]) : code;
  const edges = source(ctx, { kind: 'arange', start: -0.5, step: 1 }, [codes + 1], 'float64', [[codes + 1]]);
  const perChunk = binCountsPerChunk(ctx, coded, edges);
  const nodes = [...bounds.flatMap((b) => [b.L, b.H]), perChunk];
  return nodes.map((node, k) => ({ name: `${prefix}${k}`, node }));
}

/** Each range's ranks from the bands the counts prove, or null where they do not (see the module's doc). */
function fromBands(ctx: ExprContext, x: Node, ranges: RankRange[], plan: { bands: Band[] }, found: number[]): Node[] | null {
  const { bands } = plan;
  const n = x.shape[0], chunks = x.grid[0].length, codes = 2 * bands.length + 2;
  if (found.length !== 2 * bands.length + chunks * codes) return null;
  const perChunk = (k: number, c: number) => found[2 * bands.length + k * codes + c];
  const sum = (f: (k: number) => number) => x.grid[0].reduce((s, _, k) => s + f(k), 0);
  const nans = sum((k) => perChunk(k, codes - 1));
  const usable = (v: number, open: boolean) => open || (isInteger(x.dtype) ? Number.isSafeInteger(v) : Number.isFinite(v));
  const kind = isInteger(x.dtype) ? 'int' : 'float';
  const bounds: { L: Node; H: Node }[] = [];
  const below: number[] = [], inside: number[][] = [];
  for (const [i, band] of bands.entries()) {
    const [low, high] = [found[2 * i], found[2 * i + 1]];
    if (!usable(low, band.openLow) || !usable(high, band.openHigh)) return null;
    bounds.push({ L: scalar(ctx, band.openLow ? 0 : low, kind), H: scalar(ctx, band.openHigh ? 0 : high, kind) });
    below.push(sum((k) => Array.from({ length: 2 * i + 1 }, (_, c) => perChunk(k, c)).reduce((a, b) => a + b, 0)));
    inside.push(x.grid[0].map((_, k) => perChunk(k, 2 * i + 1)));
  }
  // Bands whose values touch (ties across both) would count the shared value in neither.
  for (let i = 0; i + 1 < bands.length; i++) if (!(found[2 * i + 1] < found[2 * i + 2])) return null;
  const total = inside.map((ks) => ks.reduce((a, b) => a + b, 0));
  const bandOf = new Map<number, number>();
  bands.forEach((band, i) => band.ranges.forEach((r) => bandOf.set(r, i)));
  for (const [r, [start, count]] of ranges.entries()) {
    const i = bandOf.get(r)!;
    if (below[i] > start || below[i] + total[i] < start + count || start + count > n - nans) return null;
  }
  const mask = inBands(ctx, x, bounds, bands);
  const union = booleanIndex(ctx, x, mask, new Map([[maskKey(mask, x.grid[0]), x.grid[0].map((_, k) => inside.reduce((s, ks) => s + ks[k], 0))]]));
  const offset = total.map((_, i) => total.slice(0, i).reduce((a, b) => a + b, 0));
  return ranges.map(([start, count], r) => {
    const i = bandOf.get(r)!;
    return sortedSlice(ctx, union, 0, offset[i] + start - below[i], count);
  });
}
