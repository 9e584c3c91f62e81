/**
 * Bags of the spec's own values, like dask.bag.from_sequence and dask.bag.range:
 *
 *   "xs": { "sequence": [1, 2, 3, 4, 5], "npartitions": 2 }
 *   "ns": { "range": 1000000, "npartitions": 8 }
 *
 * Items are split into `npartitions` slices of sizes that differ by at most one (or slices of
 * `partition_size`); without either, into at most DEFAULT_PARTITIONS.
 */
import { TesseraError } from '../../engine/errors.js';

export const DEFAULT_PARTITIONS = 100;

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

/** [start, stop) of each partition of n items. */
export function splitCount(n: number, opts: { npartitions?: unknown; partition_size?: unknown }): [number, number][] {
  const { npartitions, partition_size: size } = opts;
  if (npartitions !== undefined && size !== undefined) throw bad('give "npartitions" or "partition_size", not both', 'for example "npartitions": 8');
  if (npartitions !== undefined && !(Number.isInteger(npartitions) && (npartitions as number) >= 1)) throw bad(`"npartitions" must be a positive integer, not ${JSON.stringify(npartitions)}`, 'for example "npartitions": 8');
  if (size !== undefined && !(Number.isInteger(size) && (size as number) >= 1)) throw bad(`"partition_size" must be a positive integer, not ${JSON.stringify(size)}`, 'for example "partition_size": 1000');
  const out: [number, number][] = [];
  if (size !== undefined) {
    for (let a = 0; a < n; a += size as number) out.push([a, Math.min(n, a + (size as number))]);
    return out;
  }
  const parts = Math.max(1, Math.min(n, (npartitions as number | undefined) ?? DEFAULT_PARTITIONS));
  for (let p = 0; p < parts; p++) out.push([Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)]);
  return out;
}

export function planSequence(d: Record<string, unknown>): SequenceSource {
  if (!Array.isArray(d.sequence)) throw bad('"sequence" must be a list of values', 'for example "sequence": [1, 2, 3]');
  const items = d.sequence as unknown[];
  return { kind: 'sequence', parts: splitCount(items.length, d).map(([a, b]) => items.slice(a, b)) };
}

export function planRange(d: Record<string, unknown>): RangeSource {
  const n = d.range;
  if (!(Number.isInteger(n) && (n as number) >= 0 && (n as number) <= Number.MAX_SAFE_INTEGER)) throw bad(`"range" must be a count of integers (0, 1, ..., n-1), not ${JSON.stringify(n)}`, 'for example "range": 1000');
  return { kind: 'range', parts: splitCount(n as number, d) };
}
