/**
 * merge: one chunk of a sorted 1-D array (ranks start .. start + count) merged from sorted runs,
 * with, for an argsort, each run's global positions: [valueDtype, argsort, start, count, runs,
 * ...run values, ...run positions] (dependency indices).
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import { denseBytes, dtypeCode } from './fields.js';

export interface MergeSpec {
  kind: 'merge';
  valueDtype: DTypeName;
  argsort: boolean;
  start: number;
  count: number;
  /** Dependency indices of the sorted runs' values. */
  runs: number[];
  /** Dependency indices of the runs' positions (an argsort), in the same order. */
  positions: number[];
}

export const mergeKind: TaskKind<MergeSpec> = {
  name: 'merge',
  code: 28,
  encode(w, spec) {
    w.push(dtypeCode(spec.valueDtype)); w.push(spec.argsort ? 1 : 0);
    w.push(spec.start); w.push(spec.count);
    w.push(spec.runs.length);
    for (const r of spec.runs) w.push(r);
    if (spec.argsort) for (const p of spec.positions) w.push(p);
  },
  // The output, and the pieces gathered from the runs twice over (the pairwise merge's two buffers).
  estimate: (spec) => (spec.argsort ? 5 : 3) * denseBytes([spec.count], spec.argsort ? 'int64' : spec.valueDtype),
};
