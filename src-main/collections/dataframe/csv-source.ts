/**
 * A CSV dataset planned: its files (with the size and mtime the job plans with), the dialect and
 * schema sniffed from a sample of the first file (every other file must have the same columns),
 * and its partitions: byte ranges of one file that each begin at a row start, so every row is
 * parsed by exactly one task. Partitions are about `blocksize` bytes, as dask.dataframe.read_csv's.
 */
import { native, type SniffCsvResult } from '../../native/addon.js';
import { TesseraError } from '../../engine/errors.js';
import { inputFileStamp } from '../../engine/input-file.js';
import type { ReadCsvSpec } from './kinds/index.js';
import { bytesPerValue, type Column, type ColumnType } from './schema.js';
import type { TableSource } from './table-source.js';
import { FileVersionCache } from './file-version-cache.js';
import { taskTerms, termsOver } from './read-terms.js';

/**
 * Big enough to amortise a task, small enough for several per worker. Measured (bench/csv-parse.mjs):
 * 16 MiB partitions parse at about twice the bytes per second of 64 MiB ones (dask's default),
 * whose fresh allocations over 32 MB page-fault as they are first written.
 */
export const DEFAULT_BLOCKSIZE = 16 * 2 ** 20;

export interface CsvOptions {
  sep?: string;
  quote?: string;
  header?: boolean;
  /** Column dtypes that override the inferred ones (pandas names: int64, float64, bool, string/object, datetime64[ns]). */
  dtype?: Record<string, string>;
  naValues?: string[];
  parseDates?: string[];
  /** Only these columns exist for the job (pandas' usecols). */
  usecols?: string[];
  blocksize?: number;
}

export interface CsvFile {
  path: string;
  size: number;
  mtimeNs: string;
  /** The byte after the header row (in the inflated text of a gzip file). */
  dataOffset: number;
  /** A gzip file (read whole, one partition) and its inflated size as its trailer says. */
  gzip?: { inflatedSize: number };
}

export interface CsvPartition {
  /** Index into `files`. */
  file: number;
  start: number;
  end: number;
}

export interface CsvSource {
  kind: 'csv';
  files: CsvFile[];
  sep: string;
  quote: string;
  header: boolean;
  /** The columns the job may use, in file order, with their positions in a row. */
  columns: (Column & { index: number })[];
  /** Fields in every row of the files (all columns, used or not). */
  nfields: number;
  naValues: string[];
  partitions: CsvPartition[];
  /** Bytes per row in the sampled rows: what estimates a partition's rows and size. */
  bytesPerRow: number;
}

/** Sniffs and row starts already found (the same for one file version and options). */
const sniffs = new FileVersionCache<SniffCsvResult>(1024);
const rowStarts = new FileVersionCache<number[]>(1024);

export async function planCsv(paths: string[], opts: CsvOptions = {}): Promise<CsvSource> {
  const blocksize = opts.blocksize ?? DEFAULT_BLOCKSIZE;
  if (!(Number.isInteger(blocksize) && blocksize >= 1024)) throw new TesseraError('BAD_SPEC', `blocksize must be at least 1 KiB, not ${opts.blocksize}`, 'for example "blocksize": "64MB"');
  // dtype names (pandas' and their aliases) are checked by the sniffer (CSV_BAD_OPTION).
  const sniffOpts = { sep: opts.sep, quote: opts.quote, header: opts.header, dtype: opts.dtype, naValues: opts.naValues, parseDates: opts.parseDates };
  const files: CsvFile[] = [];
  let first: SniffCsvResult | undefined;
  for (const path of paths) {
    const { size, mtimeNs } = await inputFileStamp(path);
    const options = first ? { ...sniffOpts, sep: first.sep, quote: first.quote, header: first.header } : sniffOpts;
    const sniff = structuredClone(sniffs.get({ path, size, mtimeNs }, options, () => native().sniffCsv(path, options)));
    if (!first) first = sniff;
    else if (sniff.columns.map((c) => c.name).join('\0') !== first.columns.map((c) => c.name).join('\0')) {
      throw new TesseraError('CSV_SCHEMA_MISMATCH', `${path} has the columns ${sniff.columns.map((c) => c.name).join(', ')}, not those of ${paths[0]} (${first.columns.map((c) => c.name).join(', ')})`,
        'the files of one dataset must have the same header; read them as separate datasets');
    } else {
      first.columns = first.columns.map((c, i) => ({ ...c, dtype: wider(c.dtype, sniff.columns[i].dtype) }));
    }
    files.push({ path, size, mtimeNs, dataOffset: sniff.dataOffset, ...(sniff.gzip ? { gzip: { inflatedSize: sniff.inflatedSizeHint } } : {}) });
  }
  const columns = first!.columns.map((c, index) => ({ name: c.name, dtype: c.dtype as ColumnType, index }));
  for (const name of opts.usecols ?? []) {
    if (!columns.some((c) => c.name === name)) throw new TesseraError('CSV_NO_SUCH_COLUMN', `usecols names '${name}', which ${paths[0]} does not have`, `its columns: ${columns.map((c) => c.name).join(', ')}`);
  }
  const kept = opts.usecols ? columns.filter((c) => opts.usecols!.includes(c.name)) : columns;
  const partitions: CsvPartition[] = [];
  files.forEach((f, i) => {
    // A compressed file cannot be split without inflating what comes before: one partition, read whole.
    if (f.gzip) {
      partitions.push({ file: i, start: f.dataOffset, end: Math.max(f.size, f.dataOffset) });
      return;
    }
    const targets: number[] = [];
    for (let t = f.dataOffset + blocksize; t < f.size; t += blocksize) targets.push(t);
    const dialect = { sep: first!.sep, quote: first!.quote, dataOffset: f.dataOffset };
    const starts = targets.length ? rowStarts.get(f, [dialect, targets], () => native().csvRowStarts(f.path, dialect, targets)) : [];
    const bounds = [...new Set([f.dataOffset, ...starts.filter((s) => s > f.dataOffset && s < f.size), f.size])].sort((a, b) => a - b);
    for (let k = 0; k + 1 < bounds.length || k === 0; k++) partitions.push({ file: i, start: bounds[k], end: bounds[k + 1] ?? f.size });
  });
  return {
    kind: 'csv', files, sep: first!.sep, quote: first!.quote, header: first!.header, columns: kept, nfields: columns.length,
    naValues: first!.naValues, partitions, bytesPerRow: first!.sampleRows ? first!.sampleBytes / first!.sampleRows : 64,
  };
}

/** The dtype that holds values of both (pandas reading two files into one column). */
function wider(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if ((a === 'int64' && b === 'float64') || (a === 'float64' && b === 'int64')) return 'float64';
  return 'string';
}

/** The CSV source as the plan sees it: one read_csv task per partition, parsing only the columns asked for. */
export function csvTableSource(source: CsvSource): TableSource {
  return {
    label: 'read_csv',
    columns: source.columns.map(({ name, dtype }) => ({ name, dtype })),
    partitions: source.partitions.length,
    files: source.files.map(({ path, size, mtimeNs }) => ({ path, size, mtimeNs })),
    identity: JSON.stringify(['csv', source.files.map((f) => f.path), source.sep, source.quote, source.naValues]),
    pushdown(filter) {
      return termsOver(filter, source.columns);
    },
    readTask(p, columns, terms = []) {
      const part = source.partitions[p];
      const wanted = columns.map((c) => source.columns.find((s) => s.name === c.name)!);
      const where = taskTerms('read_csv', terms, wanted);
      const perRow = wanted.reduce((s, c) => s + bytesPerValue(c.dtype), 0) + 8;
      const file = source.files[part.file];
      const textBytes = file.gzip ? Math.max(file.gzip.inflatedSize, file.size) - part.start : part.end - part.start;
      // A gzip task also holds the inflated text while it parses.
      const estBytes = Math.ceil((textBytes / source.bytesPerRow) * perRow) + (file.gzip ? textBytes : 0) + 4096;
      const spec: ReadCsvSpec = {
        kind: 'read_csv', path: source.files[part.file].path, start: part.start, end: part.end, sep: source.sep, quote: source.quote,
        nfields: source.nfields, columns: wanted.map((c) => ({ name: c.name, dtype: c.dtype as ReadCsvSpec['columns'][number]['dtype'], index: c.index })), naValues: source.naValues,
        ...(where.length ? { where } : {}), estBytes,
      };
      return { spec, estBytes };
    },
  };
}
