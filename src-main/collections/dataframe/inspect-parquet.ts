/** What a Parquet dataset holds, from its footers: columns, dtypes, null counts where the footers say, exact rows, row groups and partitions. */
import { resolve } from 'node:path';
import { parquetFiles } from './parquet-files.js';
import { planParquet, type ParquetColumn } from './parquet-source.js';

export interface ParquetInspection {
  path: string;
  kind: 'table';
  format: 'parquet';
  files: number;
  columns: Omit<ParquetColumn, 'hive'>[];
  /** Bytes on disk, all files. */
  bytes: number;
  /** Exact, from the footers. */
  rows: number;
  rowGroups: number;
  partitions: number;
}

export async function inspectParquet(path: string): Promise<ParquetInspection> {
  const source = await planParquet(await parquetFiles(resolve(path)), { keepUnsupported: true });
  return {
    path, kind: 'table', format: 'parquet', files: source.files.length, columns: source.columns.map(({ name, dtype, nulls, unsupported }) => ({ name, dtype, nulls, ...(unsupported ? { unsupported } : {}) })),
    bytes: source.files.reduce((s, f) => s + f.size, 0), rows: source.rows, rowGroups: source.rowGroups, partitions: source.partitions.length,
  };
}
