/**
 * The tasks that write one table output to its file (ADR 0017): a write_table per partition, in
 * row order, into the output's declared writer, and a commit_table after them all. Both ways a
 * table reaches its file build them here: after the run that computed it (write-tables.ts), or in
 * that run itself, each partition written as soon as it is made and then released (a table
 * streamed to its file: lower.ts, so a table larger than the memory limit is never held whole).
 */
import { type Layer, type Task, taskKey } from '../../engine/graph.js';
import type { CommitTableSpec, WriteTableSpec } from './kinds/index.js';

export interface WriteTasks {
  tasks: Task<WriteTableSpec | CommitTableSpec>[];
  layers: Layer[];
  /** The commit's key: done when the file is. */
  commit: string;
}

/**
 * `partitions` (keys of the chunks, in row order) written through `writer`: the first's first
 * `skip` rows left out (a tail's cut); with `inlineRows`, the commit removes the file when the
 * output holds no more rows than that (its rows go back inline instead).
 */
export function writeTasks(output: string, partitions: readonly string[], writer: number, opts: { skip?: number; inlineRows?: number } = {}): WriteTasks {
  const writeLayer = `write-table-${output}`;
  const commitLayer = `commit-table-${output}`;
  // A writer may still hold the partition before (native/table/table_writer.h: one that arrived
  // early waits for those before it, and CSV holds a partition until the rows after it are in), so
  // each write holds it (Task.holds), and the commit the last: the scheduler counts those chunks
  // against the memory limit, and does not spill them, while the writer may hold them. A CSV
  // writer can hold more where partitions are shorter than pandas' block of rows (ADR 0017).
  const tasks: WriteTasks['tasks'] = partitions.map((dep, i) => ({
    key: taskKey(writeLayer, [i]), layer: writeLayer, index: [i], deps: i > 0 ? [dep, partitions[i - 1]] : [dep], ...(i > 0 ? { holds: [partitions[i - 1]] } : {}),
    spec: { kind: 'write_table', writer, index: i, ...(i === 0 && opts.skip ? { skip: opts.skip } : {}) }, estBytes: 0, priority: 0,
  }));
  const commit = taskKey(commitLayer, []);
  const spec: CommitTableSpec = { kind: 'commit_table', writer, partitions: partitions.length, ...(opts.inlineRows !== undefined ? { inlineRows: opts.inlineRows } : {}) };
  tasks.push({ key: commit, layer: commitLayer, index: [], deps: [...tasks.map((t) => t.key), ...partitions.slice(-1)], holds: partitions.slice(-1), spec, estBytes: 0, priority: 0 });
  const layers: Layer[] = [
    { name: writeLayer, label: 'write_table', kind: 'write_table', tasks: partitions.length, deps: [], indexShape: [] },
    { name: commitLayer, label: 'commit_table', kind: 'commit_table', tasks: 1, deps: [], indexShape: [] },
  ];
  return { tasks, layers, commit };
}
