/**
 * The files a dataset names: one file, a folder (its files of the kinds the collection reads), or
 * a glob whose last part has `*` or `?` (`trips/*.csv`). Sorted by name, so partitions keep a
 * stable order. The CSV, Parquet and text datasets all name files this way.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TesseraError } from './errors.js';

export function globPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

export interface InputKind {
  /** The names of a folder's files that are read. */
  folderFiles: RegExp;
  /** What the files are, for the error when none is found ("CSV files"). */
  what: string;
  /** How a folder is read, for that error. */
  folderHint: string;
}

export async function inputFiles(path: string, kind: InputKind): Promise<string[]> {
  const dir = dirname(path);
  const last = basename(path);
  if (/[*?]/.test(dir)) {
    throw new TesseraError('BAD_SPEC', `${path}: only the last part of a path may hold * or ?`, 'name a folder, or a pattern of file names in one folder such as data/*.csv');
  }
  let files: string[];
  if (/[*?]/.test(last)) {
    const re = globPattern(last);
    files = (await readdir(dir).catch(() => { throw new TesseraError('FILE_NOT_FOUND', `no such folder: ${dir}`, 'check the path'); }))
      .filter((f) => re.test(f)).map((f) => join(dir, f));
  } else {
    const s = await stat(path).catch(() => null);
    if (!s) throw new TesseraError('FILE_NOT_FOUND', `no such file or folder: ${path}`, 'check the path; paths in a job spec are relative to the spec file');
    // A folder's files, not its subfolders (a link counts as a file; opening it says what it is).
    files = s.isDirectory()
      ? (await readdir(path, { withFileTypes: true })).filter((e) => !e.isDirectory() && kind.folderFiles.test(e.name)).map((e) => join(path, e.name))
      : [path];
  }
  files.sort();
  if (!files.length) throw new TesseraError('FILE_NOT_FOUND', `${path} names no ${kind.what}`, `${kind.folderHint}; a pattern must match at least one file`);
  return files;
}
