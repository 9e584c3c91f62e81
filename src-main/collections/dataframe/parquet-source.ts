/**
 * A Parquet dataset planned from its files' footers (ADR 0015): the columns as DuckDB reads them,
 * mapped to the store's types (the same in every file, int64 and float64 widening to float64 as
 * for CSV), hive keys as typed constant columns, and the partitions: adjacent row groups of a file
 * merged while their estimated size in memory stays within `blocksize` (DEFAULT_PARQUET_BLOCKSIZE
 * unless said), as dask.dataframe.read_parquet aggregates row groups. A row group is never split,
 * and a partition never spans files. Nothing of the data is read here.
 *
 * A filter's `column op literal` terms checked against each partition's min/max statistics and
 * null counts (and hive keys) drop the partitions no row of which can match (prune.ts); those a
 * reader can test go into each read task (read-terms.ts), so DuckDB drops rows as it scans.
 */
import { native, type ParquetPlanFile } from '../../native/addon.js';
import { TesseraError } from '../../engine/errors.js';
import { inputFileStamp } from '../../engine/input-file.js';
import type { ReadParquetSpec } from './kinds/index.js';
import { duckdbLibrary } from './parquet-library.js';
import type { ParquetFile } from './parquet-files.js';
import { bytesPerValue, type Column, type ColumnType } from './schema.js';
import type { SourceFile, TableSource } from './table-source.js';
import { parseTimestamp } from './column-expr.js';
import { type ColumnStats, partitionsMatching, type StatValue } from './prune.js';
import { taskTerms, termsOver } from './read-terms.js';
import { FileVersionCache } from './file-version-cache.js';

/**
 * Each read is a DuckDB query, whose cost does not shrink with its rows: about 1.1 ms to start, and
 * a scan of a row range costs about twice a whole-file scan per row group (ADR 0015). On the flights
 * file (11 row groups of 272,727 rows, about 11 MB each in memory) reads of up to 6 row groups ran
 * the bench's filtered group-by in 28-29 ms, against 33-44 ms with one read per row group (best of
 * 25, alternating). dask.dataframe.read_parquet aggregates row groups up to 256 MiB by default;
 * 64 MiB keeps several partitions per worker on files of a few hundred MB and more.
 */
export const DEFAULT_PARQUET_BLOCKSIZE = 64 * 2 ** 20;

export interface ParquetOptions {
  /** Only these columns, in this order (pandas.read_parquet's columns); hive keys may be named. */
  columns?: string[];
  /** Merge adjacent row groups of a file into partitions of up to this many bytes in memory (DEFAULT_PARQUET_BLOCKSIZE unless said). */
  blocksize?: number;
  /** Keep columns of types the store cannot hold (marked `unsupported`) instead of refusing them: for inspect. */
  keepUnsupported?: boolean;
}

export interface ParquetColumn extends Column {
  /** Rows that are null, from the footers' statistics; null when a footer does not say. */
  nulls: number | null;
  /** A hive key: each file's value, by file index. */
  hive?: (string | null)[];
  /** DuckDB's type of a column the store cannot hold (kept only for inspect). */
  unsupported?: string;
  /** A column read from the files: DuckDB's type of it in each file, by file index. */
  fileTypes?: string[];
}

export interface ParquetPartition {
  file: number;
  /** The first row group, and how many are merged. */
  rowGroup: number;
  rowGroups: number;
  firstRow: number;
  endRow: number;
  compressedBytes: number;
  /** Per column of the source (in `columns` order): what the footers say of this partition's values. */
  stats: (ColumnStats | undefined)[];
}

export interface ParquetSource {
  kind: 'parquet';
  library: string;
  files: (SourceFile & { rows: number; rowGroups: number })[];
  /** The columns the job may use, in order. */
  columns: ParquetColumn[];
  /** Columns read from the files (hive keys aside), all of them: what bytesIn is shared over. */
  fileColumns: number;
  partitions: ParquetPartition[];
  rows: number;
  rowGroups: number;
}

/** The store's type for DuckDB's type of a column; undefined for what the store cannot hold. */
export function storeType(duckType: string): ColumnType | undefined {
  const t = duckType.toUpperCase();
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(t)) return 'int64';
  if (t === 'FLOAT' || t === 'DOUBLE' || t.startsWith('DECIMAL')) return 'float64';
  if (t === 'BOOLEAN') return 'bool';
  if (t === 'VARCHAR' || t === 'UUID' || t.startsWith('ENUM(')) return 'string';
  if (/^TIMESTAMP(_S|_MS|_NS| WITH TIME ZONE)?$/.test(t) || t === 'DATE') return 'timestamp';
  return undefined;
}

/** Footers already read (a footer is the same for one file version). */
const footers = new FileVersionCache<ParquetPlanFile>(1024);

/** DuckDB would read * ? [ in a path as a pattern (the path goes to read_parquet as a literal). */
const DUCKDB_GLOB = /[*?[]/;

export async function planParquet(files: ParquetFile[], opts: ParquetOptions = {}): Promise<ParquetSource> {
  const blocksize = opts.blocksize ?? DEFAULT_PARQUET_BLOCKSIZE;
  if (!(Number.isInteger(blocksize) && blocksize >= 1024)) throw new TesseraError('BAD_SPEC', `blocksize must be at least 1 KiB, not ${blocksize}`, 'for example "blocksize": "64MB"');
  const stamped: ParquetSource['files'] = [];
  for (const f of files) {
    if (DUCKDB_GLOB.test(f.path)) throw new TesseraError('BAD_SPEC', `${f.path}: a Parquet file's path may not hold * ? or [`, 'rename the file or its folder');
    stamped.push({ path: f.path, ...(await inputFileStamp(f.path)), rows: 0, rowGroups: 0 });
  }
  const library = duckdbLibrary();
  const plan = footers.getAll(stamped, library, (missing) => native().parquetPlan(library, missing.map((f) => f.path)));
  const first = plan[0];
  // Names must agree in order; types may widen from int64 to float64.
  const types = first.columns.map((c) => storeType(c.duckType));
  plan.forEach((p, i) => {
    const names = p.columns.map((c) => c.name).join(', ');
    if (names !== first.columns.map((c) => c.name).join(', ')) {
      throw new TesseraError('PARQUET_SCHEMA_MISMATCH', `${files[i].path} has the columns ${names}, not those of ${files[0].path} (${first.columns.map((c) => c.name).join(', ')})`,
        'the files of one dataset must have the same columns; read them as separate datasets');
    }
    p.columns.forEach((c, k) => {
      const t = storeType(c.duckType);
      if (t === types[k]) return;
      if (t && types[k] && [t, types[k]].every((x) => x === 'int64' || x === 'float64')) types[k] = 'float64';
      else if (t && types[k]) throw new TesseraError('PARQUET_SCHEMA_MISMATCH', `column '${c.name}' is ${c.duckType} in ${files[i].path} but ${first.columns[k].duckType} in ${files[0].path}`, 'the files of one dataset must have the same column types');
      else types[k] = undefined;
    });
  });

  const nulls = first.columns.map((_, k) => plan.reduce<number | null>((s, p) => p.rowGroups.reduce<number | null>((t, g) => (t === null || g.nullCounts[k] === null ? null : t + g.nullCounts[k]!), s), 0));
  let all: ParquetColumn[] = first.columns.map((c, k) => ({
    name: c.name, dtype: types[k] ?? 'string', nulls: nulls[k], fileTypes: plan.map((p) => p.columns[k].duckType), ...(types[k] ? {} : { unsupported: c.duckType }),
  }));
  const fileRows = plan.map((p) => p.rowGroups.reduce((s, g) => s + g.rows, 0));
  for (const [k, [key]] of files[0].hive.entries()) {
    if (all.some((c) => c.name === key)) throw new TesseraError('PARQUET_SCHEMA_MISMATCH', `the hive key '${key}' is also a column of ${files[0].path}`, 'rename the key=value folders or the column');
    const values = files.map((f) => f.hive[k][1]);
    const int = values.every((v) => v === null || (/^-?\d{1,19}$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n));
    all.push({ name: key, dtype: int ? 'int64' : 'string', nulls: values.reduce((s, v, i) => s + (v === null ? fileRows[i] : 0), 0), hive: values });
  }
  if (opts.columns) {
    all = opts.columns.map((name) => {
      const c = all.find((x) => x.name === name);
      if (!c) throw new TesseraError('PARQUET_NO_SUCH_COLUMN', `"columns" names '${name}', which ${files[0].path} does not have`, `its columns: ${all.map((x) => x.name).join(', ')}`);
      return c;
    });
  }
  const bad = all.find((c) => c.unsupported);
  if (bad && !opts.keepUnsupported) {
    throw new TesseraError('PARQUET_UNSUPPORTED_TYPE', `column '${bad.name}' of ${files[0].path} is ${bad.unsupported}, which a table cannot hold yet (int64, float64, bool, timestamp and string columns can)`,
      `leave it out with "columns": [${all.filter((c) => !c.unsupported).map((c) => JSON.stringify(c.name)).join(', ')}]`);
  }

  const perRow = all.reduce((s, c) => s + bytesPerValue(c.dtype), 0) + 8;
  const partitions: ParquetPartition[] = [];
  const fileIndex = all.map((c) => first.columns.findIndex((f) => f.name === c.name));
  plan.forEach((p, i) => {
    stamped[i].rows = fileRows[i];
    stamped[i].rowGroups = p.rowGroups.length;
    p.rowGroups.forEach((g, k) => {
      const stats = all.map((c, j) => groupStats(c, fileIndex[j], g, g.rows, i));
      const last = partitions[partitions.length - 1];
      const merge = last?.file === i && (last.endRow - last.firstRow + g.rows) * perRow <= blocksize;
      if (merge) {
        last.endRow += g.rows; last.rowGroups++; last.compressedBytes += g.compressedBytes;
        last.stats = last.stats.map((s, j) => mergeStats(s, stats[j]));
      } else {
        partitions.push({ file: i, rowGroup: k, rowGroups: 1, firstRow: g.firstRow, endRow: g.firstRow + g.rows, compressedBytes: g.compressedBytes, stats });
      }
    });
  });
  // A dataset of files without row groups is one empty partition, so every output has a partition.
  if (!partitions.length) partitions.push({ file: 0, rowGroup: 0, rowGroups: 0, firstRow: 0, endRow: 0, compressedBytes: 0, stats: [] });
  return {
    kind: 'parquet', library, files: stamped, columns: all, fileColumns: first.columns.length, partitions,
    rows: fileRows.reduce((s, n) => s + n, 0), rowGroups: plan.reduce((s, p) => s + p.rowGroups.length, 0),
  };
}

/** A footer's min/max text as a value of the column's type (undefined when it does not parse). */
function statValue(t: ColumnType, text: string): StatValue | undefined {
  switch (t) {
    case 'int64': return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    case 'float64': { const x = Number(text); return text.trim() !== '' && Number.isFinite(x) ? x : undefined; }
    case 'timestamp': return parseTimestamp(text) ?? undefined;
    case 'bool': return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'string': return text;
    default: return undefined;
  }
}

/** What a row group's footer (or its file's hive folder) says of one column. */
function groupStats(c: ParquetColumn, fileColumn: number, g: { nullCounts: (number | null)[]; stats: ([string, string] | null)[] }, rows: number, fileNo: number): ColumnStats | undefined {
  if (c.hive) {
    const v = c.hive[fileNo];
    const value = v === null ? undefined : c.dtype === 'int64' ? BigInt(v) : v;
    return { min: value, max: value, nulls: v === null ? rows : 0, rows };
  }
  if (fileColumn < 0) return undefined;
  const mm = g.stats[fileColumn];
  const min = mm ? statValue(c.dtype, mm[0]) : undefined, max = mm ? statValue(c.dtype, mm[1]) : undefined;
  return { min: min !== undefined && max !== undefined ? min : undefined, max: min !== undefined && max !== undefined ? max : undefined, nulls: g.nullCounts[fileColumn], rows };
}

/** Two adjacent row groups' statistics as one partition's. */
function mergeStats(a: ColumnStats | undefined, b: ColumnStats | undefined): ColumnStats | undefined {
  if (!a || !b) return undefined;
  const lower = (x?: StatValue, y?: StatValue) => (x === undefined || y === undefined ? undefined : x < y ? x : y);
  const upper = (x?: StatValue, y?: StatValue) => (x === undefined || y === undefined ? undefined : x > y ? x : y);
  return { min: lower(a.min, b.min), max: upper(a.max, b.max), nulls: a.nulls === null || b.nulls === null ? null : a.nulls + b.nulls, rows: a.rows + b.rows };
}

/** DuckDB's type that is the store's type as it is: a term on such a column can name the file's column. */
const PLAIN_TYPES: Partial<Record<ColumnType, string>> = { int64: 'BIGINT', float64: 'DOUBLE', string: 'VARCHAR', bool: 'BOOLEAN' };

/** The Parquet source as the plan sees it: one read_parquet task per partition, reading only the columns asked for. */
export function parquetTableSource(source: ParquetSource): TableSource {
  return {
    label: 'read_parquet',
    columns: source.columns.map(({ name, dtype }) => ({ name, dtype })),
    partitions: source.partitions.length,
    files: source.files.map(({ path, size, mtimeNs }) => ({ path, size, mtimeNs })),
    identity: JSON.stringify(['parquet', source.files.map((f) => f.path), source.partitions.map((p) => [p.file, p.firstRow, p.endRow])]),
    prune(filter) {
      return partitionsMatching(filter, source.partitions.length, (p, name) => source.partitions[p].stats[source.columns.findIndex((c) => c.name === name)]);
    },
    pushdown(filter) {
      return termsOver(filter, source.columns, (c) => !c.hive);
    },
    readTask(p, columns, terms = []) {
      const part = source.partitions[p];
      const wanted = columns.map((c) => source.columns.find((s) => s.name === c.name)!);
      const where = taskTerms('read_parquet', terms, wanted, (c) => !c.hive, (c) => c.fileTypes?.[part.file] === PLAIN_TYPES[c.dtype]);
      const rows = part.endRow - part.firstRow;
      const estBytes = rows * (wanted.reduce((s, c) => s + bytesPerValue(c.dtype), 0) + 8) + 4096;
      const read = wanted.filter((c) => !c.hive).length;
      const spec: ReadParquetSpec = {
        kind: 'read_parquet', path: source.files[part.file].path, library: source.library, rowGroup: part.rowGroup,
        firstRow: part.firstRow, endRow: part.endRow, bytesIn: Math.round((part.compressedBytes * read) / Math.max(1, source.fileColumns)),
        columns: wanted.map((c) => ({ name: c.name, dtype: c.dtype, ...(c.hive ? { constant: { value: c.hive[part.file] } } : {}) })),
        ...(where.length ? { where } : {}), estBytes,
      };
      return { spec, estBytes };
    },
  };
}
