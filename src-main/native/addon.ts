/**
 * The typed face of the native addon, and the only module that loads the `.node` file.
 * Everything the engine asks of C++ goes through the functions declared here.
 */
import { createRequire } from 'node:module';
import { packageRoot } from './package-root.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type DTypeName =
  | 'float64' | 'float32' | 'int64' | 'int32' | 'int16' | 'int8'
  | 'uint64' | 'uint32' | 'uint16' | 'uint8' | 'bool';
export type CTypeName = 'f64' | 'f32' | 'i64' | 'u64';
export type ReduceName =
  | 'sum' | 'prod' | 'mean' | 'var' | 'min' | 'max' | 'argmin' | 'argmax' | 'any' | 'all' | 'count_nonzero';

/** [op, type, dst, a, b, c, imm, srcType?] */
/** [op, type, dst, a, b, c, imm, srcType?]: imm is a BigInt for 64-bit integer constants a double cannot hold. */
export type Instruction = [string, CTypeName, number, number, number, number, number | bigint, CTypeName?];

export interface ProgramSpec {
  nregs: number;
  result: number;
  resultType: CTypeName;
  code: Instruction[];
}

export interface NativeAccess {
  kind: 'chunk' | 'file' | 'uniform' | 'normal' | 'arange';
  dtype?: DTypeName;
  byteswap?: boolean;
  chunk?: number;
  file?: number;
  dataOffset?: number;
  dataElements?: number;
  base: number;
  strides: number[];
  seed?: number;
  start?: number;
  step?: number;
}

export interface NativeResult {
  chunk: number;
  bytesIn: number;
  bytesOut: number;
}

export interface StoreStats {
  currentBytes: number;
  peakBytes: number;
  chunks: number;
  owners: Record<string, { currentBytes: number; peakBytes: number }>;
}

export interface NpyHeaderInfo {
  needBytes?: number;
  version: string;
  dtype: DTypeName;
  bigEndian: boolean;
  fortranOrder: boolean;
  /** complex128 / complex64: `dtype` is the float type of each value's (re, im) parts. */
  complex: boolean;
  shape: number[];
  dataOffset: number;
  dataBytes: number;
}

/** The column types of a table partition (native/table/table_format.h). */
export type TableDType = 'int64' | 'float64' | 'bool' | 'string' | 'timestamp' | 'timedelta';

export interface SniffCsvOptions {
  /** One character; detected among , \t ; | when not given. */
  sep?: string;
  /** One character, or '' for no quoting; '"' when not given. */
  quote?: string;
  /** Whether the first row names the columns (pandas' default: true). */
  header?: boolean;
  /** How much of the file's start to look at (256 KiB when not given; more when a row is longer). */
  sampleBytes?: number;
  /** Column name -> type: int64 (int), float64 (float), bool (boolean), string (str, object),
   * timestamp (datetime64[ns], datetime64). A name the file does not have is ignored, as pandas does. */
  dtype?: Record<string, string>;
  /** Strings that mean a missing value, added to pandas' defaults (all of them when keepDefaultNa is false). */
  naValues?: string[];
  /** false: only naValues mean a missing value (pandas' keep_default_na). Default true. */
  keepDefaultNa?: boolean;
  /** Columns to read as timestamps (ISO 8601; int64 ns since 1970 UTC). */
  parseDates?: string[];
}

export interface SniffCsvResult {
  sep: string;
  quote: string;
  header: boolean;
  /** The byte after the header row (without a header: 0, or 3 after a UTF-8 byte-order mark). */
  dataOffset: number;
  /** Every field of a row, in order: a read_csv task's nfields is columns.length. */
  columns: { name: string; dtype: TableDType }[];
  /** Data rows in the sample and the bytes they take: rows are about sampleRows * (fileSize - dataOffset) / sampleBytes. */
  sampleRows: number;
  sampleBytes: number;
  fileSize: number;
  /** A gzip file: dataOffset and the sample are in its inflated text; its trailer's size hint (mod 2^32). */
  gzip: boolean;
  inflatedSizeHint: number;
  /** The missing-value strings in effect (pandas' defaults and naValues): a read_csv task's naValues. */
  naValues: string[];
}

/** One Parquet file as its footer describes it (native/parquet/parquet_plan.h). */
export interface ParquetPlanFile {
  /** The columns as DuckDB reads them: its type names (BIGINT, DECIMAL(21,1), VARCHAR, ...). */
  columns: { name: string; duckType: string }[];
  /**
   * firstRow: the group's first row in the file's row numbering. nullCounts per column, null when
   * the footer has no statistics; stats: per column [min, max] as DuckDB spells the values, or null.
   */
  rowGroups: { rows: number; firstRow: number; compressedBytes: number; nullCounts: (number | null)[]; stats: ([string, string] | null)[] }[];
}

/** An HDF5 dataset's metadata (native/binding/hdf5_convert.h). */
export interface Hdf5DatasetInfo {
  name: string;
  /** Its Tessera dtype (a complex dataset's part type), or null when it has none (float16, strings, other compounds, ...). */
  dtype: DTypeName | null;
  /** h5py's complex (a compound of float "r" and "i"): read as (re, im) pairs. */
  complex: boolean;
  /** The file's type in words. */
  type: string;
  bigEndian: boolean;
  shape: number[];
  layout: 'contiguous' | 'chunked' | 'compact' | 'virtual';
  chunks: number[];
  filters: number[];
  filterNames: string[];
  /** Where a contiguous dataset's data start in the file (null if never written). */
  dataOffset: number | null;
  /** The fill value as decimal text (exact for 64-bit integers). */
  fill: string;
  storedBytes: number;
  /** Fewer bits of precision than its size (n-bit data): read through the library. */
  packed: boolean;
  /** Edge chunks stored unfiltered: read through the library. */
  partialUnfiltered: boolean;
  /** Its raw data lives in other files. */
  externalStorage: boolean;
  /** Reached through an external link: the file it lives in. */
  linkedFile: string | null;
  /** Filters this libhdf5 cannot apply (absent plugins). */
  missingFilters: string[];
  /** Whether the chunk index was built (not for very many chunks: read through the library). */
  indexed: boolean;
}

/** A table partition copied out of the store. Null rows hold NaN (float64), 0 / 0n (int64, bool,
 * timestamp) or '' (string) in `values`; `valid` (1 valid, 0 null) is null when no row is null. */
export interface TableColumnValues {
  name: string;
  dtype: TableDType;
  values: Float64Array | BigInt64Array | Uint8Array | string[];
  valid: Uint8Array | null;
}

/** A column for putTable: nrows values (string codes as Int32Array into the dictionary), validity 1/0 per row or null (all valid). */
export interface TableColumnBuffers {
  name: string;
  dtype: TableDType;
  data: Float64Array | BigInt64Array | Uint8Array | Int32Array;
  valid: Uint8Array | null;
  /** Strings: entry k of the dictionary is dictBytes[dictOffsets[k], dictOffsets[k + 1]) (UTF-8, distinct entries). */
  dictOffsets?: BigUint64Array;
  dictBytes?: Uint8Array;
}

export interface NativeAddon {
  simdLevel(): string;
  simdLevels(): string;
  setSimdLevel(level: string): void;
  registerProgram(p: ProgramSpec): number;
  dropProgram(id: number): void;
  /** Runs one encoded task (see engine/task-kinds.ts) reading chunks `ids`, files `fileIds` (by
   * the task's file indices) and the job's string table `strings` (an openStrings id, for kinds with
   * string fields); writes [chunk, bytesIn, bytesOut] to `out`. */
  runEncoded(spec: Float64Array, ids: Float64Array, fileIds: Float64Array, out: Float64Array, strings?: number): void;
  /** Decodes and checks one encoded task exactly as runEncoded would (every field read, none
   * left over) without running it; returns its kind's name ('map', 'reduce', ...).
   * A malformed task throws BAD_TASK; map and reduce look their program up, so it must be
   * registered. For round-trip tests of the encoder. */
  checkEncoded(spec: Float64Array, ids: Float64Array, fileIds: Float64Array, strings?: string[]): string;
  /** Makes a job's string table native (a task names its strings by index); its id for runEncoded. */
  openStrings(strings: string[]): number;
  closeStrings(id: number): void;
  /** What a CSV file holds, from a sample of its start: separator, header, columns and their types
   * inferred as pandas would (native/csv/sniff.h). EMPTY_FILE for a file with no row; CSV_* errors
   * (with the line) for a malformed sample. Reads the file synchronously (a sample, not the file). */
  sniffCsv(path: string, opts?: SniffCsvOptions): SniffCsvResult;
  /** For each target byte offset, the first row start at or after it (dataOffset for targets before
   * it, the file's size past the last row): exact partition boundaries, quoted line breaks
   * included (native/csv/row_scan.h, ADR 0014). Reads the whole file once, synchronously. */
  csvRowStarts(path: string, opts: { sep: string; quote: string; dataOffset: number }, targets: number[]): number[];
  /** Each Parquet file's columns and row groups, from its footer only, in one call for the dataset;
   * loads DuckDB from `library` (its path) on first use: PARQUET_UNAVAILABLE if that fails,
   * PARQUET_INVALID naming a file that is missing, empty, truncated or damaged. Synchronous. */
  parquetPlan(library: string, paths: string[]): ParquetPlanFile[];
  /** A copy of a table partition (a chunk a read_csv task made), checked first (BAD_TABLE if
   * corrupt); NOT_TABLE for another kind of chunk. Timestamps are ns since 1970 UTC. */
  readTable(id: number): { nrows: number; columns: TableColumnValues[] };
  /** A new table partition of `owner` from its columns' buffers (checked as readers check one: BAD_TABLE); its id. */
  putTable(owner: number, table: { nrows: number; columns: TableColumnBuffers[] }): number;
  /** A table partition's row count (no copy). */
  tableRows(id: number): number;
  storeStats(): StoreStats;
  /** Resident bytes of the process, and of them those backed by files (mapped inputs, code). */
  processMemory(): { rssBytes: number; fileBytes: number };
  resetPeak(): void;
  release(chunk: number): boolean;
  releaseOwner(owner: number): number;
  forgetOwner(owner: number): void;
  /** A copy of an array chunk. A bytes chunk (putBytes) or a table is refused with NOT_DENSE. */
  readChunk(chunk: number): { dtype: DTypeName; shape: number[]; data: ArrayBuffer };
  putChunk(c: { dtype: DTypeName; shape: number[]; data: ArrayBufferView; owner?: number }): number;
  /** Copies an opaque payload (serialized records, a table partition) into a new bytes chunk of
   * `owner`, counted and released like any chunk (dtype uint8, shape [length]); returns its id.
   * Array tasks refuse to read it (NOT_DENSE). */
  putBytes(owner: number, data: Uint8Array): number;
  /** What a chunk holds: an array ('dense'), a payload ('bytes', putBytes) or a table partition ('table', readTable). */
  chunkLayout(chunk: number): 'dense' | 'bytes' | 'table';
  /** A copy of a bytes chunk's payload. CHUNK_NOT_FOUND as readChunk; NOT_BYTES for an array chunk. */
  getBytes(id: number): Uint8Array;
  /** A table partition's bytes made by another process (a cluster's task host): checked (BAD_TABLE) and published as a table chunk of `owner`. */
  putTableBytes(owner: number, data: Uint8Array): number;
  /** A copy of a table partition's bytes; NOT_TABLE for another layout. */
  getTableBytes(id: number): Uint8Array;
  /** Creates a job's spill file (chunks appended to it); its handle. SPILL_FAILED names the path. */
  openSpillFile(path: string): number;
  /** Appends a chunk to a spill file (the caller releases the chunk); its offset there. DISK_FULL / SPILL_FAILED. */
  spillChunk(file: number, id: number): number;
  /** Reads the chunk at `offset` of a spill file back into a new chunk of `owner` (its region given back to the disk); its id. */
  unspillChunk(file: number, offset: number, owner: number): number;
  /** A spilled chunk no longer needed: its region of the spill file goes back to the disk. */
  dropSpilled(file: number, offset: number): void;
  /** Closes and removes a spill file. */
  closeSpillFile(file: number): void;
  /** Gives the allocator's free memory back to the system (after spilling, so RSS falls with the store). */
  returnFreeMemory(): void;
  /** A word-count chunk (the bag kinds word_count / word_count_merge) as words and their counts, in its order. */
  readWordCounts(id: number): { words: string[]; counts: number[] };
  /** A compressed file's bytes: codec 1 gzip, 2 bzip2, 3 zstd; errors are `<errorPrefix>_BAD_GZIP` (_BZ2, _ZSTD). */
  readDecompressed(path: string, codec: 1 | 2 | 3, errorPrefix: string): Buffer;
  /** Maps a file; given the size and mtime a job planned with, a file that differs is INPUT_CHANGED. */
  openFile(path: string, size?: number, mtimeSec?: number, mtimeNsec?: number, keepPages?: boolean): { id: number; size: number };
  /** Reads one byte of a mapped file as tasks read (guarded against the file shrinking): tests only. */
  readFileByte(id: number, offset: number): number;
  closeFile(id: number): void;
  parseNpyHeader(bytes: Uint8Array, fileSize?: number): NpyHeaderInfo;
  /**
   * A .npy output written under a temporary name; `attach` writes into the temporary file `tempPath` another process opened (a cluster's task hosts).
   * With `hdf5Dataset`, the output is that dataset (chunked as `chunks`) of the HDF5 file `path`, which several outputs share;
   * with `zarrArray`, that array (chunks of `chunks`, a regular grid) of the Zarr store (a folder) `path`.
   */
  declareWriter(w: { path: string; dtype: DTypeName; shape: number[]; tempPath?: string; attach?: boolean; complex?: boolean; hdf5Dataset?: string; zarrArray?: string; chunks?: number[] }): number;
  /** Every dataset of an HDF5 file, from its metadata (native/hdf5/hdf5_plan.h). */
  hdf5Datasets(path: string): Hdf5DatasetInfo[];
  /** One dataset of an HDF5 file, with its chunk index: address, stored size and filter mask per chunk, C order of its chunk grid. */
  hdf5Dataset(path: string, name: string): Hdf5DatasetInfo & { chunkIndex: Float64Array };
  /** Creates and sizes the output's temporary file now (else the first write does); returns its name. */
  openWriter(id: number): string;
  abortWriter(id: number): void;
  forgetWriter(id: number): void;
  /** A CSV or Parquet file for a table output, filled by write_table tasks (ADR 0017); `limit`: rows kept (a head). */
  declareTableWriter(w: { path: string; format: 'csv' | 'parquet'; names: string[]; types: string[]; limit?: number; inlineRows?: number; library?: string }): number;
  abortTableWriter(id: number): void;
  forgetTableWriter(id: number): void;
  /** Renames a committed table output's file into place (after its job has succeeded). */
  publishTableWriter(id: number): void;
  /** The rows a table output holds (after its head's limit): all of them once committed. */
  tableWriterRows(id: number): number;
  philox(p: { counter: number[]; key: number[] }): number[];
  /** Reads every byte of a chunk once (the benchmarks' memory-bandwidth probe). */
  readProbe(chunk: number): number;
}

/** An error thrown by the addon carries a stable code and a hint. */
export interface NativeError extends Error {
  code: string;
  hint: string;
}

export function isNativeError(e: unknown): e is NativeError {
  return e instanceof Error && typeof (e as NativeError).code === 'string' && 'hint' in e;
}

/** Where the built addon lives: build/Release under the package root. */
export function addonPath(): string {
  const candidate = join(packageRoot(), 'build', 'Release', 'tessera.node');
  if (existsSync(candidate)) return candidate;
  throw new Error('the native addon is not built: run `npm run build:native` (or `npm ci`, which builds it)');
}

let loaded: NativeAddon | undefined;

export function native(): NativeAddon {
  if (!loaded) loaded = createRequire(import.meta.url)(addonPath()) as NativeAddon;
  return loaded;
}
