/** A table's columns: names and the dtypes the native table chunks hold (native/table/table_format.h). */
export type ColumnType = 'int64' | 'float64' | 'bool' | 'string' | 'timestamp';

export interface Column {
  name: string;
  dtype: ColumnType;
}

export const COLUMN_TYPES: readonly ColumnType[] = ['int64', 'float64', 'bool', 'string', 'timestamp'];

/** pandas' names for the dtypes a spec may give (`"dtype": {"n": "Int64"}` is not nullable-int: int64). */
const ALIASES: Record<string, ColumnType> = {
  int64: 'int64', int: 'int64', Int64: 'int64',
  float64: 'float64', float: 'float64', Float64: 'float64',
  bool: 'bool', boolean: 'bool',
  string: 'string', str: 'string', object: 'string',
  timestamp: 'timestamp', datetime: 'timestamp', 'datetime64[ns]': 'timestamp', 'datetime64': 'timestamp',
};

export function columnType(name: string): ColumnType | undefined {
  return ALIASES[name];
}

/** Bytes a value of the dtype takes in a partition (strings: a code, plus their share of the dictionary, guessed). */
export function bytesPerValue(t: ColumnType): number {
  return t === 'bool' ? 1 : t === 'string' ? 16 : 8;
}
