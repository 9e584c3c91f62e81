/**
 * Bags of the spec's own values, like dask.bag.from_sequence and dask.bag.range:
 *
 *   "xs": { "sequence": [1, 2, 3, 4, 5], "npartitions": 2 }
 *   "ns": { "range": 1000000, "npartitions": 8 }
 *
 * Items are split as dask splits them (sequenceSlices, rangeSlices), so `take(3)` and
 * `map_partitions` see the same partitions as in dask.
 */
import { TesseraError } from '../../engine/errors.js';

export interface SequenceSource {
  kind: 'sequence';
  /** The items of each partition. */
  parts: unknown[][];
}

export interface RangeSource {
  kind: 'range';
  /** Each partition's [start, stop). */
  parts: [number, number][];
}

const bad = (msg: string, hint: string) => new TesseraError('BAD_SPEC', msg, hint);

function checkOptions(opts: { npartitions?: unknown; partition_size?: unknown }): { npartitions?: number; size?: number } {
  const { npartitions, partition_size: size } = opts;
  if (npartitions !== undefined && size !== undefined) throw bad('give "npartitions" or "partition_size", not both', 'for example "npartitions": 8');
  if (npartitions !== undefined && !(Number.isInteger(npartitions) && (npartitions as number) >= 1)) throw bad(`"npartitions" must be a positive integer, not ${JSON.stringify(npartitions)}`, 'for example "npartitions": 8');
  if (size !== undefined && !(Number.isInteger(size) && (size as number) >= 1)) throw bad(`"partition_size" must be a positive integer, not ${JSON.stringify(size)}`, 'for example "partition_size": 1000');
  return { npartitions: npartitions as number | undefined, size: size as number | undefined };
}

/** Slices of `size` from 0 to n (one empty partition for n = 0). */
function slices(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < n; a += size) out.push([a, Math.min(n, a + size)]);
  return out.length ? out : [[0, 0]];
}

/**
 * from_sequence's partitions, as dask (2022.12) makes them: slices of `partition_size`; with
 * `npartitions`, slices of ceil(n / npartitions) (so there may be fewer partitions than asked);
 * with neither, one item per partition below 100 items, else slices of floor(n / 100).
 */
export function sequenceSlices(n: number, opts: { npartitions?: unknown; partition_size?: unknown }): [number, number][] {
  const { npartitions, size } = checkOptions(opts);
  if (size !== undefined) return slices(n, size);
  if (npartitions !== undefined) return slices(n, Math.max(1, Math.ceil(n / npartitions)));
  return slices(n, n < 100 ? 1 : Math.floor(n / 100));
}

/** dask.bag.range's partitions: npartitions slices of floor(n / npartitions), the last one taking the rest. */
export function rangeSlices(n: number, opts: { npartitions?: unknown; partition_size?: unknown }): [number, number][] {
  const { npartitions, size } = checkOptions(opts);
  if (npartitions === undefined) return size !== undefined ? slices(n, size) : sequenceSlices(n, {});
  const step = Math.max(1, Math.floor(n / npartitions));
  const out = slices(n, step).slice(0, npartitions);
  out[out.length - 1][1] = n;
  return out;
}

export function planSequence(d: Record<string, unknown>): SequenceSource {
  if (!Array.isArray(d.sequence)) throw bad('"sequence" must be a list of values', 'for example "sequence": [1, 2, 3]');
  const items = d.sequence as unknown[];
  return { kind: 'sequence', parts: sequenceSlices(items.length, d).map(([a, b]) => items.slice(a, b)) };
}

export function planRange(d: Record<string, unknown>): RangeSource {
  const n = d.range;
  if (!(Number.isInteger(n) && (n as number) >= 0 && (n as number) <= Number.MAX_SAFE_INTEGER)) throw bad(`"range" must be a count of integers (0, 1, ..., n-1), not ${JSON.stringify(n)}`, 'for example "range": 1000');
  return { kind: 'range', parts: rangeSlices(n as number, d) };
}
