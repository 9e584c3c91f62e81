/**
 * Table datasets of a job spec: each format's keys validated into its source's options, its files
 * found and checked readable, and the source planned. One builder per format, keyed by the spec key
 * that names it (`{"csv": ...}`).
 */
import { isAbsolute, resolve } from 'node:path';
import {
  csvFiles, csvTableSource, parquetFiles, parquetTableSource, planCsv, planParquet, planTimeseries, sourceTable, type TableNode, timeseriesTableSource,
} from '../collections/dataframe/index.js';
import { TesseraError } from '../engine/errors.js';
import { parseBytes } from '../engine/units.js';

/** Resolves if a job may read a file (absolute path); see file-access.ts. */
export type ReadableCheck = (path: string) => Promise<void>;

type TableBuilder = (name: string, d: Record<string, unknown>, baseDir: string, readable?: ReadableCheck) => Promise<TableNode>;

const specError = (msg: string, hint = 'see the job spec format in the README') => new TesseraError('BAD_SPEC', msg, hint);

/** A dataset's optional keys, checked by type. */
function optionReader(name: string, d: Record<string, unknown>) {
  return {
    strings(k: string): string[] | undefined {
      const v = d[k];
      if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))) throw specError(`dataset '${name}': "${k}" must be a list of strings`);
      return v as string[] | undefined;
    },
    char(k: string): string | undefined {
      const v = d[k];
      if (v !== undefined && (typeof v !== 'string' || v.length !== 1)) throw specError(`dataset '${name}': "${k}" must be one character`);
      return v as string | undefined;
    },
    bytes(k: string): number | undefined {
      const v = d[k];
      return v === undefined || v === 'auto' ? undefined : typeof v === 'number' ? v : typeof v === 'string' ? parseBytes(v) : NaN;
    },
  };
}

function checkKeys(name: string, d: Record<string, unknown>, format: string, keys: string[]): void {
  for (const k of Object.keys(d)) if (!keys.includes(k)) throw specError(`dataset '${name}': unknown key "${k}" for a ${format} dataset`, `a ${format} dataset takes ${keys.join(', ')}`);
}

const CSV_KEYS = ['csv', 'sep', 'quote', 'header', 'dtype', 'na_values', 'parse_dates', 'usecols', 'blocksize'];

const buildCsv: TableBuilder = async (name, d, baseDir, readable) => {
  checkKeys(name, d, 'CSV', CSV_KEYS);
  if (typeof d.csv !== 'string' || !d.csv) throw specError(`dataset '${name}': "csv" must be a path, a folder or a pattern such as data/*.csv`);
  const opt = optionReader(name, d);
  if (d.header !== undefined && typeof d.header !== 'boolean') throw specError(`dataset '${name}': "header" must be true or false`);
  if (d.dtype !== undefined && (typeof d.dtype !== 'object' || Array.isArray(d.dtype) || !d.dtype)) throw specError(`dataset '${name}': "dtype" must map column names to dtypes`, 'for example "dtype": {"id": "int64", "name": "string"}');
  const files = await csvFiles(isAbsolute(d.csv) ? d.csv : resolve(baseDir, d.csv));
  for (const f of files) await readable?.(f);
  return sourceTable(csvTableSource(await planCsv(files, {
    sep: opt.char('sep'), quote: opt.char('quote'), header: d.header as boolean | undefined, dtype: d.dtype as Record<string, string> | undefined,
    naValues: opt.strings('na_values'), parseDates: opt.strings('parse_dates'), usecols: opt.strings('usecols'), blocksize: opt.bytes('blocksize'),
  })));
};

const PARQUET_KEYS = ['parquet', 'columns', 'blocksize'];

const buildParquet: TableBuilder = async (name, d, baseDir, readable) => {
  checkKeys(name, d, 'Parquet', PARQUET_KEYS);
  if (typeof d.parquet !== 'string' || !d.parquet) throw specError(`dataset '${name}': "parquet" must be a path, a folder (hive key=value folders too) or a pattern such as data/*.parquet`);
  const opt = optionReader(name, d);
  const files = await parquetFiles(isAbsolute(d.parquet) ? d.parquet : resolve(baseDir, d.parquet));
  for (const f of files) await readable?.(f.path);
  return sourceTable(parquetTableSource(await planParquet(files, { columns: opt.strings('columns'), blocksize: opt.bytes('blocksize') })));
};

const TIMESERIES_KEYS = ['start', 'end', 'freq', 'partition_freq', 'seed', 'dtypes'];

/** {"timeseries": {start, end, freq, partition_freq, seed, dtypes}}: every key optional (dask's defaults). */
const buildTimeseries: TableBuilder = async (name, d) => {
  checkKeys(name, d, 'timeseries', ['timeseries']);
  const t = d.timeseries;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw specError(`dataset '${name}': "timeseries" must be an object of options ({} for dask's defaults)`, `for example {"timeseries": {"start": "2000-01-01", "end": "2000-01-31", "freq": "1s"}}`);
  const o = t as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TIMESERIES_KEYS.includes(k)) throw specError(`dataset '${name}': unknown timeseries option "${k}"`, `a timeseries takes ${TIMESERIES_KEYS.join(', ')}`);
  for (const k of ['start', 'end', 'freq', 'partition_freq']) if (o[k] !== undefined && typeof o[k] !== 'string') throw specError(`dataset '${name}': "${k}" must be a string`, "for example \"start\": \"2000-01-01\", \"freq\": \"1s\"");
  if (o.dtypes !== undefined && (typeof o.dtypes !== 'object' || o.dtypes === null || Array.isArray(o.dtypes))) throw specError(`dataset '${name}': "dtypes" must map column names to dtypes`, 'for example "dtypes": {"name": "string", "id": "int64", "x": "float64"}');
  return sourceTable(timeseriesTableSource(planTimeseries({
    start: o.start as string | undefined, end: o.end as string | undefined, freq: o.freq as string | undefined, partitionFreq: o.partition_freq as string | undefined,
    seed: o.seed as number | undefined, dtypes: o.dtypes as Record<string, string> | undefined,
  })));
};

/** The spec key that names each table format, and its builder. */
const BUILDERS: Record<string, TableBuilder> = { csv: buildCsv, parquet: buildParquet, timeseries: buildTimeseries };

/** Keys of table datasets whose value is a path (the files a spec reads). */
export const TABLE_PATH_KEYS = ['csv', 'parquet'];

/** A dataset of the dataframe collection (a table) rather than an array. */
export const isTableDataset = (d: Record<string, unknown>) => Object.keys(BUILDERS).some((k) => k in d);

export function buildTable(name: string, d: Record<string, unknown>, baseDir: string, readable?: ReadableCheck): Promise<TableNode> {
  const format = Object.keys(BUILDERS).find((k) => k in d)!;
  return BUILDERS[format](name, d, baseDir, readable);
}
