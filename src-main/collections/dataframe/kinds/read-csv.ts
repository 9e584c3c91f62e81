/**
 * read_csv: one partition of a CSV file, the rows that begin in the byte range [start, end),
 * parsed natively into one table chunk holding the listed columns (native/tasks/kinds/read_csv.cc;
 * the chunk's format: native/table/table_format.h; read it back with native().readTable).
 *
 * The planner takes the file's layout from native().sniffCsv (sep, quote, columns and their dtypes,
 * dataOffset, naValues) and the partition boundaries from native().csvRowStarts (exact row starts,
 * so a quoted line break never splits a row: ADR 0014); consecutive boundaries make the ranges.
 *
 * Encoding: [file, start, end, sep, quote, nfields, ncols, ncols x [name, dtype, index], nna,
 * nna x naValue, the filter's terms (encodeTerms)]; the file through the job's file table (mapped once per worker, checked against the
 * size and mtime the job planned with), every string through its string table.
 */
import { TesseraError } from '../../../engine/errors.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { ColumnType } from '../schema.js';
import { TYPE_CODES } from './table-program.js';
import type { TableDType } from '../../../native/addon.js';
import { encodeTerms, type TaskTerm } from '../read-terms.js';

export type CsvColumnDType = Exclude<TableDType, 'timedelta'>;

export interface ReadCsvColumn {
  name: string;
  dtype: CsvColumnDType;
  /** The field's position in a row (0-based). */
  index: number;
}

export interface ReadCsvSpec {
  kind: 'read_csv';
  path: string;
  /** A row start (csvRowStarts), and the next partition's start (or the file's size). */
  start: number;
  end: number;
  sep: string;
  /** '' for no quoting. */
  quote: string;
  /** Fields in every row (the sniffer's columns.length): a row with another count is CSV_RAGGED_ROW. */
  nfields: number;
  /** Only the columns to parse (usecols, projection), in the order of the table's columns. */
  columns: ReadCsvColumn[];
  /** The strings that mean a missing value (the sniffer's naValues). */
  naValues: string[];
  /** Filter terms (read-terms.ts) a row must pass to be kept; it is parsed and checked whole either way. */
  where?: TaskTerm[];
  /** The bytes the table chunk will take (the memory gate counts it before the task runs). */
  estBytes: number;
}

/** What a file holds: every column type but timedeltas (which only operators make). */
const DTYPE_CODES: Partial<Record<ColumnType, number>> = { ...TYPE_CODES, timedelta: undefined };

export const readCsvKind: TaskKind<ReadCsvSpec> = {
  name: 'read_csv',
  code: 9,
  encode(w, spec, ctx) {
    w.push(ctx.fileIndex(spec.path)); w.push(spec.start); w.push(spec.end);
    w.push(ctx.stringIndex(spec.sep)); w.push(ctx.stringIndex(spec.quote));
    w.push(spec.nfields); w.push(spec.columns.length);
    for (const c of spec.columns) {
      const code = DTYPE_CODES[c.dtype];
      if (code === undefined) throw new TesseraError('INTERNAL', `read_csv: column '${c.name}' has dtype '${c.dtype}'`, `a CSV column is one of ${Object.keys(DTYPE_CODES).filter((k) => DTYPE_CODES[k as ColumnType]).join(', ')}`);
      w.push(ctx.stringIndex(c.name)); w.push(code); w.push(c.index);
    }
    w.push(spec.naValues.length);
    for (const v of spec.naValues) w.push(ctx.stringIndex(v));
    encodeTerms(w, spec.where, (s) => ctx.stringIndex(s));
  },
  estimate: (spec) => spec.estBytes,
};
