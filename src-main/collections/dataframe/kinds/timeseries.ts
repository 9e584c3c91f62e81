/**
 * timeseries: one partition of a generated table like dask.datasets.timeseries, rows [row0,
 * row0 + nrows) of the whole table, generated natively into one table chunk holding only the listed
 * columns (native/tasks/kinds/timeseries.cc, which says how each generator draws its values from
 * Philox4x32-10 keyed by the seed). The planner is ../timeseries-source.ts.
 *
 * Encoding: [seed, start seconds, start ns within the second, freq ns, row0, nrows, ncols,
 * ncols x [generator, stream, name]]; names through the job's string table. The start is split
 * because ns since 1970 pass 2^53 (a field is a double) in April 1970.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';

/** How a column's values are made (the codes of the C++ module's Generator). */
export type TimeseriesGenerator = 'timestamp' | 'uniform' | 'choice' | 'poisson';

const GENERATOR_CODES: Record<TimeseriesGenerator, number> = { timestamp: 1, uniform: 2, choice: 3, poisson: 4 };

export interface TimeseriesColumn {
  name: string;
  generator: TimeseriesGenerator;
  /** The column's Philox stream: distinct per column, from its name alone. */
  stream: number;
}

export interface TimeseriesSpec {
  kind: 'timeseries';
  seed: number;
  /** The table's first timestamp, ns since 1970 UTC, as a decimal string (it passes 2^53). */
  startNs: string;
  freqNs: number;
  /** The partition's first row in the whole table, and its row count. */
  row0: number;
  nrows: number;
  columns: TimeseriesColumn[];
  /** The bytes the table chunk will take (the memory gate counts it before the task runs). */
  estBytes: number;
}

const G = 1_000_000_000n;

export const timeseriesKind: TaskKind<TimeseriesSpec> = {
  name: 'timeseries',
  code: 21,
  encode(w, spec, ctx) {
    const ns = BigInt(spec.startNs);
    const frac = ((ns % G) + G) % G; // floor division: before 1970 too
    w.push(spec.seed); w.push(Number((ns - frac) / G)); w.push(Number(frac));
    w.push(spec.freqNs); w.push(spec.row0); w.push(spec.nrows);
    w.push(spec.columns.length);
    for (const c of spec.columns) { w.push(GENERATOR_CODES[c.generator]); w.push(c.stream); w.push(ctx.stringIndex(c.name)); }
  },
  estimate: (spec) => spec.estBytes,
};
