/**
 * Table outputs written to files (ADR 0017) after the run that computed them (those the planner
 * expected to be small; larger ones are written by that run itself, write-tasks.ts): a second
 * graph of write_table tasks (one per partition, on the worker threads) and one commit_table per
 * output fills a CSV or Parquet file through the native writers, which write under a temporary
 * name, renamed into place once every task has succeeded (publishTableWriter). The partitions
 * are read where the first run left them (kept chunks of the engine, named for this graph only);
 * a failed or cancelled write removes its temporary files.
 */
import { native } from '../../native/addon.js';
import type { ComputeOptions, GraphRun, GraphRunner } from '../../engine/engine.js';
import { finishGraph } from '../../engine/finish-graph.js';
import type { Layer, Task } from '../../engine/graph.js';
import { duckdbLibrary } from './parquet-library.js';
import type { Column, ColumnType } from './schema.js';
import type { CommitTableSpec, WriteTableSpec } from './kinds/index.js';
import { writeTasks } from './write-tasks.js';

export type TableFileFormat = 'csv' | 'parquet';

/** Where and how table outputs too large to return inline are written. */
export interface TableFiles {
  dir: string;
  format: TableFileFormat;
  /** Rows up to which a table comes back inline (default MAX_INLINE_ROWS); 0 writes every table. */
  inlineRows?: number;
  /** Called with the bytes the files may take before any is written (the run path's free-space check). */
  reserve?: (bytes: number) => Promise<void>;
}

export interface TableFileRequest {
  name: string;
  path: string;
  columns: Column[];
  /** Rows to write from the start of the partitions (a head's limit, or all of them). */
  nrows: number;
  /** Rows of the first partition left out (a tail's cut). */
  skip?: number;
  /** The partitions' store ids, in row order (owned by `owner`). */
  ids: number[];
}

/** Text bytes a CSV value may take (a float's repr is at most 24; a timestamp with ns 29). */
const CSV_WIDTH: Record<ColumnType, number> = { int64: 20, float64: 24, bool: 5, timestamp: 29, timedelta: 32, string: 32 };

/**
 * An upper guess of a file's bytes: CSV from the widest text of each value; Parquet from the
 * in-memory width, twice (DuckDB's scratch database beside the file, until the commit).
 */
export function tableFileBytes(format: TableFileFormat, columns: Column[], nrows: number): number {
  const perRow = columns.reduce((s, c) => s + (format === 'csv' ? CSV_WIDTH[c.dtype] + 1 : 2 * (c.dtype === 'bool' ? 1 : c.dtype === 'string' ? 32 : 8)), 1);
  return 4096 + nrows * perRow;
}

export type TableWriteRun = Omit<GraphRun, 'chunks'> & { layers: Layer[] };

let nextWrite = 0;

/**
 * A native writer of a table output's file (write_table and commit_table tasks fill it): its id.
 * `inlineRows`: a streamed table that may turn out to go back inline with this many rows or fewer.
 */
export function declareTableWriter(path: string, format: TableFileFormat, columns: readonly Column[], opts: { limit?: number; inlineRows?: number } = {}): number {
  return native().declareTableWriter({
    path, format, names: columns.map((c) => c.name), types: columns.map((c) => c.dtype), ...opts, library: format === 'parquet' ? duckdbLibrary() : undefined,
  });
}

/** Writes the requested tables' files; the partitions stay with `owner`, which the caller frees. */
export async function writeTableFiles(engine: GraphRunner, owner: number, requests: TableFileRequest[], format: TableFileFormat, opts: ComputeOptions): Promise<TableWriteRun> {
  const tasks: Task<WriteTableSpec | CommitTableSpec>[] = [];
  const layers: Layer[] = [];
  const writers: number[] = [];
  const keptName = `table-files-${nextWrite++}`;
  const kept: { key: string; id: number }[] = [];
  try {
    for (const r of requests) {
      const writer = declareTableWriter(r.path, format, r.columns, { limit: r.nrows });
      writers.push(writer);
      const deps = r.ids.map((id, i) => {
        const dep = `${keptName}:${r.name}:${i}`;
        kept.push({ key: dep, id });
        return dep;
      });
      const written = writeTasks(r.name, deps, writer, { skip: r.skip });
      tasks.push(...written.tasks);
      layers.push(...written.layers);
    }
    // The partitions become readable by this graph's tasks under their own keys; the set is
    // forgotten below without freeing them (the first run's owner still holds them).
    engine.keep(keptName, owner, kept);
    const graph = finishGraph(tasks, layers);
    const writeOwner = engine.newJob();
    try {
      const { chunks: _none, ...run } = await engine.run(graph, { ...opts, owner: writeOwner, keep: new Set() });
      for (const w of writers) native().publishTableWriter(w);
      return { ...run, layers: graph.layers };
    } finally {
      engine.freeJob(writeOwner);
    }
  } catch (e) {
    for (const w of writers) native().abortTableWriter(w);
    throw e;
  } finally {
    engine.forget(keptName);
    for (const w of writers) native().forgetTableWriter(w);
  }
}
