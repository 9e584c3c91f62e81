/**
 * The row-operation kinds (native/table/row_ops.h): rows picked from partitions, every column kept.
 * - sort_rows (13): the rows of its deps in order, stably sorted by key columns (nulls last),
 *   the first `limit` of them (with no keys and `last`, the last: a tail). Encoding: [nkeys,
 *   nkeys x [column, flags (1 ascending, 2 nulls first)], limit + 1 (0: all), last (0/1), skip,
 *   sample, every, ndrop, ndrop x column].
 *   `skip` drops that many rows from the front of the result (SQL's OFFSET, on the root);
 *   `sample` m keeps only m rows spread evenly over the result (a range sort's splitters), `every`
 *   k every k-th row (its samples of a sorted run); `drop` leaves columns out of the result (a
 *   partitioned join's row tags).
 * - first_rows (14): the first row of each distinct key tuple, in dep order (drop_duplicates).
 *   Encoding: [ncols, ncols x column] (none: every column).
 * - range_rows (35): range `range` of a sorted run (dep 0), cut by the splitters (dep 1): the rows
 *   not before splitter range - 1 and before splitter range. Encoding: [nkeys, nkeys x [column,
 *   flags], range].
 * - hash_join (15): probe partitions joined with build partitions (merge). Encoding: [nprobe,
 *   nkeys, probe columns, build columns, how (1 inner, 2 outer: unmatched probe rows kept, 3 anti:
 *   only those), nout, nout x [side (0 probe, 1 build), column, name]]. Deps: nprobe probe
 *   partitions, then the build partitions.
 * - hash_split (36): a partition's rows grouped by the bucket of their join key (a partitioned
 *   join), each bucket's rows in order, with a bucket column and on the probe side a row column
 *   (partition * 2^32 + row). Encoding: [nkeys, nkeys x [column, mixed (an int64 key joined with a
 *   float64 one)], nbuckets, partition + 1 (0: no row column), bucket column name, row column name].
 * - slice_rows (37): the rows whose int64 column (sorted) is in [lo, hi), some columns dropped.
 *   Encoding: [column, lo, hi, ndrop, ndrop x column].
 */
import type { TaskKind, Writer } from '../../../engine/task-kinds.js';

export interface SortRowsSpec {
  kind: 'sort_rows';
  keys: { column: number; ascending: boolean; nullsFirst?: boolean }[];
  limit?: number;
  /** Keep the last `limit` rows instead of the first (a tail; no keys). */
  last?: boolean;
  /** Rows dropped from the front of the result (OFFSET). */
  skip?: number;
  /** Keep only this many rows, spread evenly over the result. */
  sample?: number;
  /** Keep only every k-th row of the result. */
  every?: number;
  /** Columns left out of the result. */
  drop?: number[];
  estBytes: number;
}

export interface RangeRowsSpec {
  kind: 'range_rows';
  keys: SortRowsSpec['keys'];
  range: number;
  estBytes: number;
}

export interface FirstRowsSpec {
  kind: 'first_rows';
  columns: number[];
  estBytes: number;
}

export const JOIN_HOW = { inner: 1, outer: 2, anti: 3 } as const;

export interface HashJoinSpec {
  kind: 'hash_join';
  /** How many of the deps are probe partitions (the rest are the build side's). */
  probes: number;
  probeKeys: number[];
  buildKeys: number[];
  how: keyof typeof JOIN_HOW;
  columns: { side: 0 | 1; column: number; name: string }[];
  estBytes: number;
}

export interface HashSplitSpec {
  kind: 'hash_split';
  keys: { column: number; mixed: boolean }[];
  buckets: number;
  /** The partition's index, tagging each row (probe side), or absent (no row column). */
  partition?: number;
  bucketColumn: string;
  rowColumn: string;
  estBytes: number;
}

export interface SliceRowsSpec {
  kind: 'slice_rows';
  column: number;
  lo: number;
  hi: number;
  drop: number[];
  estBytes: number;
}

/** Columns left out of a row operation's result: n, n x column. */
function encodeDropped(w: Writer, drop: readonly number[] | undefined): void {
  w.push(drop?.length ?? 0);
  for (const c of drop ?? []) w.push(c);
}

/** Sort keys as the row kinds encode them (native/tasks/table_inputs.h's read_sort_keys). */
export function encodeSortKeys(w: Writer, keys: SortRowsSpec['keys']): void {
  w.push(keys.length);
  for (const k of keys) { w.push(k.column); w.push((k.ascending ? 1 : 0) | (k.nullsFirst ? 2 : 0)); }
}

export const sortRowsKind: TaskKind<SortRowsSpec> = {
  name: 'sort_rows',
  code: 13,
  encode(w, spec) {
    encodeSortKeys(w, spec.keys);
    w.push(spec.limit === undefined ? 0 : spec.limit + 1);
    w.push(spec.last ? 1 : 0);
    w.push(spec.skip ?? 0);
    w.push(spec.sample ?? 0);
    w.push(spec.every ?? 0);
    encodeDropped(w, spec.drop);
  },
  estimate: (spec) => spec.estBytes,
};

export const rangeRowsKind: TaskKind<RangeRowsSpec> = {
  name: 'range_rows',
  code: 35,
  encode(w, spec) {
    encodeSortKeys(w, spec.keys);
    w.push(spec.range);
  },
  estimate: (spec) => spec.estBytes,
};

export const firstRowsKind: TaskKind<FirstRowsSpec> = {
  name: 'first_rows',
  code: 14,
  encode(w, spec) {
    w.push(spec.columns.length);
    for (const c of spec.columns) w.push(c);
  },
  estimate: (spec) => spec.estBytes,
};

export const hashJoinKind: TaskKind<HashJoinSpec> = {
  name: 'hash_join',
  code: 15,
  encode(w, spec, ctx) {
    w.push(spec.probes);
    w.push(spec.probeKeys.length);
    for (const k of spec.probeKeys) w.push(k);
    for (const k of spec.buildKeys) w.push(k);
    w.push(JOIN_HOW[spec.how]);
    w.push(spec.columns.length);
    for (const c of spec.columns) { w.push(c.side); w.push(c.column); w.push(ctx.stringIndex(c.name)); }
  },
  estimate: (spec) => spec.estBytes,
};

export const hashSplitKind: TaskKind<HashSplitSpec> = {
  name: 'hash_split',
  code: 36,
  encode(w, spec, ctx) {
    w.push(spec.keys.length);
    for (const k of spec.keys) { w.push(k.column); w.push(k.mixed ? 1 : 0); }
    w.push(spec.buckets);
    w.push(spec.partition === undefined ? 0 : spec.partition + 1);
    w.push(ctx.stringIndex(spec.bucketColumn));
    w.push(ctx.stringIndex(spec.rowColumn));
  },
  estimate: (spec) => spec.estBytes,
};

export const sliceRowsKind: TaskKind<SliceRowsSpec> = {
  name: 'slice_rows',
  code: 37,
  encode(w, spec) {
    w.push(spec.column);
    w.push(spec.lo);
    w.push(spec.hi);
    encodeDropped(w, spec.drop);
  },
  estimate: (spec) => spec.estBytes,
};
