/**
 * What a window or `tessera inspect` shows of a text or JSON-lines dataset before any job: its
 * files, bytes and partitions (as a job would cut them), about how many lines, and the first lines.
 * Lines are estimated from the first 64 KiB of the first file (plain, or gzip read as a stream);
 * a bzip2 or zstd file is previewed only when small (it is decompressed whole).
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { native } from '../../native/addon.js';
import { CODECS, planText } from './text-source.js';

export interface TextInspection {
  format: 'text' | 'jsonl';
  files: string[];
  bytes: number;
  partitions: number;
  /** From the sample's mean line length (null where the files are compressed). */
  estimatedLines: number | null;
  firstLines: string[];
}

const SAMPLE_BYTES = 64 * 1024;
const PREVIEW_LINES = 10;
/** bzip2 and zstd files are decompressed whole to preview: only up to this size. */
const WHOLE_PREVIEW_MAX = 8 * 2 ** 20;

/** Text (.txt, .text, .log, .md) or JSON lines (.jsonl, .ndjson) by the file's name, compressed or not; else null. */
export function textFormatOf(path: string): 'text' | 'jsonl' | null {
  const name = path.replace(/\.(gz|bz2|zst|zstd)$/i, '');
  if (/\.(jsonl|ndjson)$/i.test(name)) return 'jsonl';
  if (/\.(txt|text|log|md)$/i.test(name)) return 'text';
  return null;
}

/** A folder's files that would make it a table or an array rather than text. */
const NOT_TEXT = /\.(csv|tsv|parquet|parq|pq|npy|raw|bin)$/i;

/**
 * What a path is as a bag: a text or JSON-lines file by its name, or a folder of text files (the
 * Brown corpus's files have no extension): JSON lines when every file is, text otherwise, and
 * null for a folder holding tables or arrays, or no files.
 */
export async function bagFormatOf(path: string): Promise<'text' | 'jsonl' | null> {
  const byName = textFormatOf(path);
  if (byName) return byName;
  const s = await stat(path).catch(() => null);
  if (!s?.isDirectory()) return null;
  const files = (await readdir(path, { withFileTypes: true })).filter((e) => !e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  if (!files.length || files.some((f) => NOT_TEXT.test(f.replace(/\.(gz|bz2|zst|zstd)$/i, '')))) return null;
  return files.every((f) => textFormatOf(f) === 'jsonl') ? 'jsonl' : 'text';
}

export async function inspectText(path: string, format: 'text' | 'jsonl'): Promise<TextInspection> {
  const src = await planText(path, format === 'jsonl' ? { jsonl: { errors: 'raise' } } : {});
  const first = src.partitions[0];
  const sample = first ? await head(first.path, first.compression, first.end) : Buffer.alloc(0);
  const text = sample.toString('utf8');
  const cut = text.lastIndexOf('\n');
  const whole = cut >= 0 ? text.slice(0, cut + 1) : text;
  const lines = whole.split('\n').slice(0, -1);
  const compressed = src.partitions.some((p) => p.compression);
  const meanLine = lines.length ? Buffer.byteLength(whole) / lines.length : 0;
  return {
    format, files: src.files.map((f) => f.path), bytes: src.bytes, partitions: src.partitions.length,
    estimatedLines: compressed || !meanLine ? null : Math.round(src.bytes / meanLine),
    firstLines: lines.slice(0, PREVIEW_LINES).map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l)),
  };
}

/** The first SAMPLE_BYTES of a file's text. */
async function head(path: string, compression: 'gzip' | 'bz2' | 'zstd' | null, size: number): Promise<Buffer> {
  if (compression === 'gzip') {
    const parts: Buffer[] = [];
    let got = 0;
    await new Promise<void>((resolve) => {
      const gunzip = createGunzip();
      const stream = createReadStream(path).pipe(gunzip);
      stream.on('data', (b: Buffer) => {
        parts.push(b);
        got += b.length;
        if (got >= SAMPLE_BYTES) { stream.destroy(); resolve(); }
      });
      stream.on('end', resolve);
      stream.on('error', () => resolve()); // a damaged file: the job says how, the preview shows what it read
      stream.on('close', resolve);
    });
    return Buffer.concat(parts).subarray(0, SAMPLE_BYTES);
  }
  if (compression) return size <= WHOLE_PREVIEW_MAX ? native().readDecompressed(path, CODECS[compression], 'TEXT').subarray(0, SAMPLE_BYTES) : Buffer.alloc(0);
  const f = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    const { bytesRead } = await f.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}
