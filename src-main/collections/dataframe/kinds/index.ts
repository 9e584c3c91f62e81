/**
 * The dataframe collection's task kinds: each one module here and one in native/tasks/kinds/.
 * This is where they are registered with the engine (importing the dataframe collection registers
 * them).
 */
import { registerTaskKind } from '../../../engine/task-kinds.js';
import { groupByMergeKind, groupByPartialKind, type GroupByMergeSpec, type GroupByPartialSpec } from './group-by.js';
import { readCsvKind, type ReadCsvColumn, type ReadCsvSpec } from './read-csv.js';
import { readParquetKind, type ReadParquetColumn, type ReadParquetSpec } from './read-parquet.js';
import { firstRowsKind, type FirstRowsSpec, hashJoinKind, type HashJoinSpec, hashSplitKind, type HashSplitSpec, rangeRowsKind, type RangeRowsSpec, sliceRowsKind, type SliceRowsSpec, sortRowsKind, type SortRowsSpec } from './row-ops.js';
import { tableMapKind, type TableMapSpec } from './table-map.js';
import { tableToDenseKind, type TableToDenseSpec } from './table-to-dense.js';
import { timeseriesKind, type TimeseriesSpec } from './timeseries.js';
import { windowKind, type WindowSpec } from './window.js';
import { commitTableKind, type CommitTableSpec, writeTableKind, type WriteTableSpec } from './write-table.js';

export type { CsvColumnDType } from './read-csv.js';
export type { AggName } from './group-by.js';
export type { CommitTableSpec, GroupByMergeSpec, GroupByPartialSpec, ReadCsvColumn, ReadCsvSpec, ReadParquetColumn, ReadParquetSpec, TableMapSpec, WriteTableSpec };
export type { FirstRowsSpec, HashJoinSpec, HashSplitSpec, RangeRowsSpec, SliceRowsSpec, SortRowsSpec, TableToDenseSpec };
export type { DenseDType } from './table-to-dense.js';
export type { WindowFnName, WindowSpec } from './window.js';
export type { TimeseriesColumn, TimeseriesGenerator, TimeseriesSpec } from './timeseries.js';

/** Every task a dataframe job makes. */
export type DataframeTaskSpec = ReadCsvSpec | ReadParquetSpec | TableMapSpec | GroupByPartialSpec | GroupByMergeSpec | TimeseriesSpec
  | SortRowsSpec | RangeRowsSpec | FirstRowsSpec | HashJoinSpec | HashSplitSpec | SliceRowsSpec | TableToDenseSpec | WriteTableSpec | CommitTableSpec | WindowSpec;

registerTaskKind(readCsvKind);
registerTaskKind(readParquetKind);
registerTaskKind(tableMapKind);
registerTaskKind(groupByPartialKind);
registerTaskKind(groupByMergeKind);
registerTaskKind(timeseriesKind);
registerTaskKind(sortRowsKind);
registerTaskKind(rangeRowsKind);
registerTaskKind(firstRowsKind);
registerTaskKind(hashJoinKind);
registerTaskKind(hashSplitKind);
registerTaskKind(sliceRowsKind);
registerTaskKind(tableToDenseKind);
registerTaskKind(writeTableKind);
registerTaskKind(commitTableKind);
registerTaskKind(windowKind);
