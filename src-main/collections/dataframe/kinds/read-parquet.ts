/**
 * read_parquet: whole row groups of one Parquet file, the rows [firstRow, endRow) in the file's row
 * numbering, read by DuckDB into one table chunk holding the listed columns, cast to the store's
 * types (native/tasks/kinds/read_parquet.cc, ADR 0015). Hive keys are constant columns the task
 * fills without reading. The planner (parquet-source.ts) takes the ranges from the files' footers.
 *
 * Encoding: [file, library, rowGroup, firstRow, endRow, bytesIn, ncols, ncols x [name, dtype,
 * origin (0 file, 1 constant null, 2 constant), constant?], the filter's terms (encodeTerms)];
 * the file through the job's file table
 * (checked against the size and mtime the job planned with), strings through the string table.
 */
import { TesseraError } from '../../../engine/errors.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { ColumnType } from '../schema.js';
import { TYPE_CODES } from './table-program.js';
import type { TableDType } from '../../../native/addon.js';
import { encodeTerms, type TaskTerm } from '../read-terms.js';

export interface ReadParquetColumn {
  name: string;
  dtype: TableDType;
  /** A hive key: every row holds this value (null: every row is null). Absent: read from the file. */
  constant?: { value: string | null };
}

export interface ReadParquetSpec {
  kind: 'read_parquet';
  path: string;
  /** libduckdb's path (parquet-library.ts): the worker's addon loads it on first use. */
  library: string;
  /** The range's first row group (for messages). */
  rowGroup: number;
  firstRow: number;
  endRow: number;
  /** The range's compressed bytes in the file, for the columns read (from the footer). */
  bytesIn: number;
  /** Only the columns to read (projection), in the order of the table's columns. */
  columns: ReadParquetColumn[];
  /**
   * Filter terms DuckDB applies in its scan (read-terms.ts): the chunk holds only rows passing them.
   * `column` indexes `columns`; `plain`: the file holds it in the store's own DuckDB type, so the
   * term can name the file's column (and DuckDB test it inside the Parquet reader).
   */
  where?: TaskTerm[];
  /** The bytes the table chunk will take (the memory gate counts it before the task runs). */
  estBytes: number;
}

/** What a file holds: every column type but timedeltas (which only operators make). */
const DTYPE_CODES: Partial<Record<ColumnType, number>> = { ...TYPE_CODES, timedelta: undefined };

export const readParquetKind: TaskKind<ReadParquetSpec> = {
  name: 'read_parquet',
  code: 20,
  encode(w, spec, ctx) {
    w.push(ctx.fileIndex(spec.path)); w.push(ctx.stringIndex(spec.library));
    w.push(spec.rowGroup); w.push(spec.firstRow); w.push(spec.endRow); w.push(spec.bytesIn);
    w.push(spec.columns.length);
    for (const c of spec.columns) {
      const code = DTYPE_CODES[c.dtype];
      if (code === undefined) throw new TesseraError('INTERNAL', `read_parquet: column '${c.name}' has dtype '${c.dtype}'`, `a column is one of ${Object.keys(DTYPE_CODES).filter((k) => DTYPE_CODES[k as ColumnType]).join(', ')}`);
      w.push(ctx.stringIndex(c.name)); w.push(code);
      if (!c.constant) w.push(0);
      else if (c.constant.value === null) w.push(1);
      else { w.push(2); w.push(ctx.stringIndex(c.constant.value)); }
    }
    encodeTerms(w, spec.where, (s) => ctx.stringIndex(s));
  },
  estimate: (spec) => spec.estBytes,
};
