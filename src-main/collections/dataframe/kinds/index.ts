/**
 * The dataframe collection's task kinds: each one module here and one in native/tasks/kinds/.
 * This is where they are registered with the engine (importing the dataframe collection registers
 * them).
 */
import { registerTaskKind } from '../../../engine/task-kinds.js';
import { readCsvKind, type ReadCsvColumn, type ReadCsvSpec } from './read-csv.js';
import { timeseriesKind, type TimeseriesSpec } from './timeseries.js';

export type { CsvColumnDType } from './read-csv.js';
export type { ReadCsvColumn, ReadCsvSpec };
export type { TimeseriesColumn, TimeseriesGenerator, TimeseriesSpec } from './timeseries.js';

/** Every task a dataframe job makes. */
export type DataframeTaskSpec = ReadCsvSpec | TimeseriesSpec;

registerTaskKind(readCsvKind);
registerTaskKind(timeseriesKind);
