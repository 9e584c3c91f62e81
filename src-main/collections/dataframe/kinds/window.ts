/**
 * The window kind (code 34, native/tasks/kinds/window.cc): SQL window functions over a whole table,
 * its partitions' rows sorted by the partition columns and order keys, each input column kept and
 * one new column per call. Encoding: [npartition, columns, norder, norder x [column, flags (1
 * ascending, 2 nulls first)], ncalls, ncalls x [fn, column, name]]. Deps: every partition.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';
import { encodeSortKeys } from './row-ops.js';

/** native/table/window.h's WindowFn codes. */
export const WINDOW_CODES = { row_number: 1, rank: 2, dense_rank: 3, count: 4, count_star: 5, sum: 6, avg: 7, min: 8, max: 9 } as const;
export type WindowFnName = keyof typeof WINDOW_CODES;

export interface WindowSpec {
  kind: 'window';
  partition: number[];
  order: { column: number; ascending: boolean; nullsFirst?: boolean }[];
  calls: { fn: WindowFnName; column: number; name: string }[];
  estBytes: number;
}

export const windowKind: TaskKind<WindowSpec> = {
  name: 'window',
  code: 34,
  encode(w, spec, ctx) {
    w.push(spec.partition.length);
    for (const c of spec.partition) w.push(c);
    encodeSortKeys(w, spec.order);
    w.push(spec.calls.length);
    for (const c of spec.calls) { w.push(WINDOW_CODES[c.fn]); w.push(c.column); w.push(ctx.stringIndex(c.name)); }
  },
  estimate: (spec) => spec.estBytes,
};
