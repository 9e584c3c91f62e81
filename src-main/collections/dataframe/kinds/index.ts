/**
 * The dataframe collection's task kinds: each one module here and one in native/tasks/kinds/.
 * This is where they are registered with the engine (importing the dataframe collection registers
 * them).
 */
import { registerTaskKind } from '../../../engine/task-kinds.js';
import { readCsvKind, type ReadCsvColumn, type ReadCsvSpec } from './read-csv.js';
import { readParquetKind, type ReadParquetColumn, type ReadParquetSpec } from './read-parquet.js';

export type { CsvColumnDType } from './read-csv.js';
export type { ReadCsvColumn, ReadCsvSpec };
export type { ReadParquetColumn, ReadParquetSpec };

/** Every task a dataframe job makes. */
export type DataframeTaskSpec = ReadCsvSpec | ReadParquetSpec;

registerTaskKind(readCsvKind);
registerTaskKind(readParquetKind);
