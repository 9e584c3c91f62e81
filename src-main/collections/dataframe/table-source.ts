/**
 * What a table's reader gives the plan: its columns, how many partitions it has, the files it
 * reads, and the read task of one partition for the columns a job uses (projection pushdown: a
 * source parses or decodes only those). Each format is one module that makes a TableSource (CSV:
 * csv-source.ts); the lowering knows no format.
 */
import type { TaskSpec } from '../../engine/graph.js';
import type { ColExpr } from './column-expr.js';
import type { ReadTerm } from './read-terms.js';
import type { Column } from './schema.js';

export interface SourceFile {
  path: string;
  size: number;
  mtimeNs: string;
}

export interface TableSource {
  /** The format, shown as the read layer's label (read_csv, ...). */
  label: string;
  columns: Column[];
  partitions: number;
  /** Input files, with the size and mtime the job planned with (none for generated tables). */
  files: SourceFile[];
  /** Identifies the source's data: two scans with equal identity and columns share their read tasks. */
  identity: string;
  /**
   * The task that reads partition p with only `columns` (a subset of `columns`, in that order),
   * keeping only rows that pass `where` (terms pushdown() accepted; their columns are in `columns`).
   */
  readTask(p: number, columns: Column[], where?: ReadTerm[]): { spec: TaskSpec; estBytes: number };
  /** The terms of a filter this reader can apply as it reads (read-terms.ts); absent: none. */
  pushdown?(filter: ColExpr): ReadTerm[];
  /** The partitions a filter (over these columns) may keep rows of, when the source knows enough to skip some (prune.ts). */
  prune?(filter: ColExpr): number[];
}
