/** A table's columns: names and the dtypes the native table chunks hold (native/table/table_format.h). */
export type ColumnType = 'int64' | 'float64' | 'bool' | 'string' | 'timestamp' | 'timedelta';

export interface Column {
  name: string;
  dtype: ColumnType;
}

/** Bytes a value of the dtype takes in a partition (strings: a code, plus their share of the dictionary, guessed). */
export function bytesPerValue(t: ColumnType): number {
  return t === 'bool' ? 1 : t === 'string' ? 16 : 8;
}
