/** What a CSV file holds, found from a sample: its dialect, columns and dtypes, estimated rows and the partitions a job would read. */
import { csvFiles } from './csv-files.js';
import { DEFAULT_BLOCKSIZE, planCsv } from './csv-source.js';
import type { Column } from './schema.js';

export interface TableInspection {
  path: string;
  kind: 'table';
  format: 'csv';
  files: number;
  columns: Column[];
  sep: string;
  header: boolean;
  /** Bytes on disk, all files. */
  bytes: number;
  /** From the sampled rows' mean length: an estimate, not a count. */
  estimatedRows: number;
  partitions: number;
  blocksize: number;
}

export async function inspectCsv(path: string): Promise<TableInspection> {
  const source = await planCsv(await csvFiles(path));
  const bytes = source.files.reduce((s, f) => s + f.size, 0);
  const data = source.files.reduce((s, f) => s + Math.max(f.gzip?.inflatedSize ?? f.size, f.size) - f.dataOffset, 0);
  return {
    path, kind: 'table', format: 'csv', files: source.files.length, columns: source.columns.map(({ name, dtype }) => ({ name, dtype })),
    sep: source.sep, header: source.header, bytes, estimatedRows: Math.round(data / source.bytesPerRow),
    partitions: source.partitions.length, blocksize: DEFAULT_BLOCKSIZE,
  };
}
