/**
 * The files a Parquet dataset names: one file, a glob whose last part has `*` or `?`
 * (`flights/*.parquet`), or a folder, read recursively for its .parquet files (.parq, .pq too) as
 * pyarrow reads a dataset: names starting with `_` or `.` are skipped (`_SUCCESS`, `_metadata`,
 * `.crc`), and folders named `key=value` are hive partitions, whose keys become columns. Sorted by
 * path, so partitions keep a stable order.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { TesseraError } from '../../engine/errors.js';
import { globPattern } from '../../engine/input-paths.js';

export interface ParquetFile {
  path: string;
  /** The hive keys of the folders between the dataset's folder and the file, outermost first; a
   * null value is hive's __HIVE_DEFAULT_PARTITION__. */
  hive: [key: string, value: string | null][];
}

const PARQUET_FILE = /\.(parquet|parq|pq)$/i;
const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';
const skipped = (name: string) => name.startsWith('_') || name.startsWith('.');

/** Whether `inspect` should read a path as Parquet: a Parquet file name or pattern, or a folder holding Parquet files. */
export async function isParquetPath(path: string): Promise<boolean> {
  if (PARQUET_FILE.test(path)) return true;
  const s = await stat(path).catch(() => null);
  return !!s?.isDirectory() && (await walk(path)).length > 0;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (skipped(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (PARQUET_FILE.test(e.name)) out.push(p);
  }
  return out;
}

function hiveKeys(root: string, file: string, where: string): ParquetFile['hive'] {
  return relative(root, dirname(file)).split(sep).filter((s) => s && s !== '.').map((segment) => {
    const eq = segment.indexOf('=');
    if (eq <= 0) throw new TesseraError('BAD_SPEC', `${where}: the folder '${segment}' above ${file} is not a hive partition (key=value)`, 'a folder of Parquet files may hold files and key=value folders only');
    const value = decodeURIComponent(segment.slice(eq + 1));
    return [decodeURIComponent(segment.slice(0, eq)), value === HIVE_NULL ? null : value];
  });
}

export async function parquetFiles(path: string): Promise<ParquetFile[]> {
  const dir = dirname(path);
  const last = basename(path);
  if (/[*?]/.test(dir)) {
    throw new TesseraError('BAD_SPEC', `${path}: only the last part of a path may hold * or ?`, 'name a folder (hive folders key=value/ are read too), or a pattern of file names in one folder such as data/*.parquet');
  }
  let files: ParquetFile[];
  if (/[*?]/.test(last)) {
    const re = globPattern(last);
    files = (await readdir(dir).catch(() => { throw new TesseraError('FILE_NOT_FOUND', `no such folder: ${dir}`, 'check the path'); }))
      .filter((f) => re.test(f)).map((f) => ({ path: join(dir, f), hive: [] }));
  } else {
    const s = await stat(path).catch(() => null);
    if (!s) throw new TesseraError('FILE_NOT_FOUND', `no such file or folder: ${path}`, 'check the path; paths in a job spec are relative to the spec file');
    files = s.isDirectory() ? (await walk(path)).map((f) => ({ path: f, hive: hiveKeys(path, f, path) })) : [{ path, hive: [] }];
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (!files.length) throw new TesseraError('FILE_NOT_FOUND', `${path} names no Parquet files`, 'a folder is read for its .parquet files (in key=value folders too); a pattern such as data/*.parquet must match at least one');
  const keys = files[0].hive.map(([k]) => k).join('/');
  const odd = files.find((f) => f.hive.map(([k]) => k).join('/') !== keys);
  if (odd) throw new TesseraError('PARQUET_SCHEMA_MISMATCH', `${odd.path} is under the hive keys ${odd.hive.map(([k]) => k).join('/') || '(none)'}, not ${keys || '(none)'} as ${files[0].path}`, 'every file of a hive dataset sits at the same depth of key=value folders');
  return files;
}
