/**
 * The hash group-by's two kinds (native/table/group_by.h):
 * - group_by_partial (code 11): one partition's partial result. Keys and aggregated columns are
 *   nodes of a column-expression program over the partition, so a filter and computed keys run
 *   in the same pass. Encoding: [input types, program, filter + 1, nkeys, nkeys x node, naggs,
 *   naggs x [fn, node + 1 (0 for size)], null groups]. Deps: the partition.
 * - group_by_merge (code 12): partial results merged in order (a combine-tree node); the root is
 *   final and writes the result (keys, then one column per aggregation, sorted by key).
 *   Encoding: [nkeys, nkeys x key type, naggs, naggs x [fn, input type], final, final: names,
 *   nbuckets, bucket, null groups, row when empty] (split_out: a tree per hash bucket of the groups, each keeping its own).
 *   Deps: the partials, in partition order.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { ColumnType } from '../schema.js';
import { encodeColumnTypes, encodeProgram, type TableProgram, TYPE_CODES } from './table-program.js';

/** native/table/aggregate.h's AggFn codes. */
export const AGG_CODES = { count: 1, size: 2, sum: 3, mean: 4, min: 5, max: 6, var: 7, std: 8, first: 9, last: 10 } as const;
export type AggName = keyof typeof AGG_CODES;

export interface GroupByPartialSpec {
  kind: 'group_by_partial';
  program: TableProgram;
  filter?: number;
  keys: number[];
  aggs: { fn: AggName; node?: number }[];
  /** A null key is a group of its own (SQL's GROUP BY), not a dropped row (pandas' dropna=True). */
  nullGroups?: boolean;
  estBytes: number;
}

export interface GroupByMergeSpec {
  kind: 'group_by_merge';
  keyTypes: ColumnType[];
  aggs: { fn: AggName; input: ColumnType }[];
  /** The root: the result's column names (keys, then aggregations). */
  names?: string[];
  /** split_out: the hash bucket of groups this merge keeps, of how many. */
  bucket?: { index: number; count: number };
  nullGroups?: boolean;
  /** The root gives one group of zero keys when there is none (SQL's aggregate without GROUP BY over no rows). */
  rowWhenEmpty?: boolean;
  estBytes: number;
}

export const groupByPartialKind: TaskKind<GroupByPartialSpec> = {
  name: 'group_by_partial',
  code: 11,
  encode(w, spec, ctx) {
    encodeProgram(w, spec.program, ctx);
    w.push(spec.filter === undefined ? 0 : spec.filter + 1);
    w.push(spec.keys.length);
    for (const k of spec.keys) w.push(k);
    w.push(spec.aggs.length);
    for (const a of spec.aggs) { w.push(AGG_CODES[a.fn]); w.push(a.node === undefined ? 0 : a.node + 1); }
    w.push(spec.nullGroups ? 1 : 0);
  },
  estimate: (spec) => spec.estBytes,
};

export const groupByMergeKind: TaskKind<GroupByMergeSpec> = {
  name: 'group_by_merge',
  code: 12,
  encode(w, spec, ctx) {
    encodeColumnTypes(w, spec.keyTypes);
    w.push(spec.aggs.length);
    for (const a of spec.aggs) { w.push(AGG_CODES[a.fn]); w.push(TYPE_CODES[a.input]); }
    w.push(spec.names ? 1 : 0);
    for (const n of spec.names ?? []) w.push(ctx.stringIndex(n));
    w.push(spec.bucket?.count ?? 1); w.push(spec.bucket?.index ?? 0);
    w.push(spec.nullGroups ? 1 : 0);
    w.push(spec.rowWhenEmpty ? 1 : 0);
  },
  estimate: (spec) => spec.estBytes,
};
