/**
 * write_table and commit_table: a table output written to a CSV or Parquet file (ADR 0017). One
 * write_table per partition puts it into the output's declared writer (native/table/table_writer.h),
 * which keeps the rows in partition order; commit_table, after them all, completes the file under
 * its temporary name (the job renames it into place once every task has succeeded). Neither
 * makes a chunk. write-tasks.ts builds both.
 *
 * write_table: [writer, index, skip]; deps: the partition (and the one before, held: Task.holds).
 * commit_table: [writer, partitions, inlineRows + 1 (0: always keep the file)]; deps: every
 * write_table of the output (and the last partition, held). A table streamed to its file while
 * the job runs (compute.ts) has `inlineRows`: the file is removed when the output holds no more
 * rows than that, since the job returns those rows inline.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';

export interface WriteTableSpec {
  kind: 'write_table';
  writer: number;
  index: number;
  /** The partition's first rows that are not in the output (a tail's cut). */
  skip?: number;
}

export interface CommitTableSpec {
  kind: 'commit_table';
  writer: number;
  partitions: number;
  /** Remove the file instead when the output holds at most this many rows. */
  inlineRows?: number;
}

export const writeTableKind: TaskKind<WriteTableSpec> = {
  name: 'write_table',
  code: 17,
  encode(w, spec) { w.push(spec.writer); w.push(spec.index); w.push(spec.skip ?? 0); },
  estimate: () => 0,
};

export const commitTableKind: TaskKind<CommitTableSpec> = {
  name: 'commit_table',
  code: 18,
  encode(w, spec) { w.push(spec.writer); w.push(spec.partitions); w.push(spec.inlineRows === undefined ? 0 : spec.inlineRows + 1); },
  estimate: () => 0,
};
