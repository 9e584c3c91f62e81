/**
 * table_to_dense (code 16): columns of a table partition as a dense array chunk
 * (native/tasks/kinds/table_to_dense.cc): the bridge from tables to arrays. Encoding: [ncols,
 * ncols x column, dtype (the array DType code), 2-d (0/1)]. Deps: the partition.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';

/** The array dtypes a table's numeric columns become, with native/common/dtype.h's codes. */
export const DENSE_DTYPES = { float64: 0, int64: 2, bool: 10 } as const;
export type DenseDType = keyof typeof DENSE_DTYPES;

export interface TableToDenseSpec {
  kind: 'table_to_dense';
  columns: number[];
  dtype: DenseDType;
  /** Rows x columns (to_numpy of a frame) rather than one column's rows. */
  matrix: boolean;
  estBytes: number;
}

export const tableToDenseKind: TaskKind<TableToDenseSpec> = {
  name: 'table_to_dense',
  code: 16,
  encode(w, spec) {
    w.push(spec.columns.length);
    for (const c of spec.columns) w.push(c);
    w.push(DENSE_DTYPES[spec.dtype]);
    w.push(spec.matrix ? 1 : 0);
  },
  estimate: (spec) => spec.estBytes,
};
