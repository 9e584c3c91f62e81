/**
 * A text dataset planned (`{"text": "corpus/*.txt"}`, like dask.bag.read_text; `{"jsonl": ...}`
 * the same, a record per line): its files, with the
 * size and mtime the job plans with, and its partitions. A plain file is split into byte ranges of
 * about `blocksize`; the task reading a range counts the lines that start in it, so no line is read
 * twice and no scan is needed to plan. A compressed file (.gz, .bz2, .zst) is one partition: it
 * cannot be split without decompressing what comes before (dask does the same).
 */
import { TesseraError } from '../../engine/errors.js';
import { inputFileStamp } from '../../engine/input-file.js';
import { inputFiles } from '../../engine/input-paths.js';

/** As CSV's (dataframe/csv-source.ts): measured there, and a text partition is read the same way. */
export const DEFAULT_BLOCKSIZE = 16 * 2 ** 20;

export type Compression = 'gzip' | 'bz2' | 'zstd' | null;

/** The codec numbers the native readers take (native/io/decompress.h). */
export const CODECS = { gzip: 1, bz2: 2, zstd: 3 } as const;

export function compressionOf(path: string): Compression {
  if (/\.gz$/i.test(path)) return 'gzip';
  if (/\.bz2$/i.test(path)) return 'bz2';
  if (/\.(zst|zstd)$/i.test(path)) return 'zstd';
  return null;
}

export interface TextPartition {
  path: string;
  start: number;
  end: number;
  /** The file's compression (by its name), or null. */
  compression: Compression;
}

/** About how many bytes of text a partition holds: its range, or a compressed file's guessed inflated size (4x). */
export function textBytes(p: TextPartition): number {
  return p.compression ? 4 * p.end : p.end - p.start;
}

export interface TextSource {
  /** Lines of text, or JSON lines (a record per line). */
  kind: 'text' | 'jsonl';
  /** JSON lines: what a malformed line does (fail the job, or be skipped). */
  errors: 'raise' | 'skip';
  files: { path: string; size: number; mtimeNs: string }[];
  partitions: TextPartition[];
  bytes: number;
  /** Whether the spec set the blocksize (else DEFAULT_BLOCKSIZE): a native count then keeps its partitions as they are. */
  blocksizeGiven: boolean;
}

const TEXT_FILES = { folderFiles: /^[^.].*/, what: 'files', folderHint: 'a folder is read for all its files (not its subfolders or hidden files)' };

/**
 * `readable` (a window's jobs) is asked about every file before any is opened, so a job cannot
 * learn what exists outside the files it may read.
 */
export async function planText(path: string, opts: { blocksize?: number; readable?: (path: string) => Promise<void>; jsonl?: { errors: 'raise' | 'skip' } } = {}): Promise<TextSource> {
  const blocksize = opts.blocksize ?? DEFAULT_BLOCKSIZE;
  if (!(Number.isInteger(blocksize) && blocksize >= 1024)) throw new TesseraError('BAD_SPEC', `blocksize must be at least 1 KiB, not ${opts.blocksize}`, 'for example "blocksize": "64MB"');
  const names = await inputFiles(path, TEXT_FILES);
  if (opts.readable) for (const p of names) await opts.readable(p);
  const files = await Promise.all(names.map(async (p) => ({ path: p, ...(await inputFileStamp(p)) })));
  const partitions: TextPartition[] = [];
  for (const f of files) {
    const compression = compressionOf(f.path);
    if (compression || f.size <= blocksize) {
      partitions.push({ path: f.path, start: 0, end: f.size, compression });
      continue;
    }
    for (let s = 0; s < f.size; s += blocksize) partitions.push({ path: f.path, start: s, end: Math.min(f.size, s + blocksize), compression: null });
  }
  return { kind: opts.jsonl ? 'jsonl' : 'text', errors: opts.jsonl?.errors ?? 'raise', files, partitions, bytes: files.reduce((s, f) => s + f.size, 0), blocksizeGiven: opts.blocksize !== undefined };
}
