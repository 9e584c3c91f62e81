/**
 * A partition's items, read in the worker that runs it: the lines of a text range (each with its
 * '\n', as dask.bag.read_text gives them; a line belongs to the range it starts in, as in the
 * native word counter) or their records (JSON lines), a slice of a sequence, or a range of integers.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { native } from '../../../native/addon.js';
import { TesseraError } from '../../../engine/errors.js';
import { CODECS } from '../text-source.js';
import type { PartitionSource } from './types.js';

export type TextRange = Extract<PartitionSource, { text: unknown }>['text'];

export function partitionItems(source: PartitionSource): unknown[] {
  if ('items' in source) return source.items;
  if ('range' in source) {
    const [a, b] = source.range;
    const out = new Array<number>(b - a);
    for (let i = a; i < b; i++) out[i - a] = i;
    return out;
  }
  const t = source.text;
  const { lines: out, ownedAt } = lines(t);
  return t.jsonl ? records(t, out, ownedAt) : out;
}

/**
 * JSON lines as records: each line parsed in this worker thread by V8's JSON parser (what builds JS
 * values fastest; pipelines that need no JS value run in simdjson natively, kinds/jsonl-count.ts).
 * Blank lines are skipped; a malformed line is JSONL_INVALID naming the file and line, or is
 * skipped where the dataset says "errors": "skip".
 */
function records(t: TextRange, lines: string[], ownedAt: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^[ \t\r\n]*$/.test(line)) continue; // JSON's whitespace only, as the native reader
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      if (t.jsonl!.skip) continue;
      throw new TesseraError('JSONL_INVALID', `${t.path}, line ${fileLine(t, ownedAt, i)}: not valid JSON (${(e as Error).message})`,
        'fix the line, or give the dataset "errors": "skip" to skip malformed lines');
    }
  }
  return out;
}

/** The file's line number of the i-th line a partition owns (error path: counts the lines before it). */
function fileLine(t: TextRange, ownedAt: number, i: number): number {
  if (t.compression || ownedAt === 0) return i + 1;
  const fd = openSync(t.path, 'r');
  try {
    let line = 1;
    const block = Buffer.allocUnsafe(2 ** 20);
    for (let at = 0; at < ownedAt; at += block.length) {
      const part = block.subarray(0, Math.min(block.length, ownedAt - at));
      readFully(fd, part, at);
      line += count(part);
    }
    return line + i;
  } finally {
    closeSync(fd);
  }
}

const NEWLINE = 0x0a;
const EXTEND = 64 * 1024;

/** The lines the range owns, and the file offset of the first (for line numbers in errors). */
function lines(t: TextRange): { lines: string[]; ownedAt: number } {
  const fd = open(t.path);
  try {
    const st = fstatSync(fd, { bigint: true });
    if (st.size !== BigInt(t.size) || st.mtimeNs.toString() !== t.mtimeNs) {
      throw new TesseraError('INPUT_CHANGED', `the input file ${t.path} changed since the job was planned`, 'something wrote to or replaced the file; run the job again once it is written');
    }
    let text: Buffer;
    let offset = 0; // where text starts in the file (0 for a whole decompressed file)
    if (t.compression) {
      text = native().readDecompressed(t.path, CODECS[t.compression], t.jsonl ? 'JSONL' : 'TEXT');
    } else {
      offset = Math.max(0, t.start - 1);
      text = ownedBytes(fd, offset, t.start, t.end, t.size);
    }
    const from = t.compression || t.start === 0 ? 0 : text.indexOf(NEWLINE) + 1; // byte start-1 is in text: a '\n' there starts a line at start
    if (from === 0 && !t.compression && t.start > 0) return { lines: [], ownedAt: 0 }; // no line starts in this range
    const owned = text.subarray(from);
    if (!isUtf8(owned)) throw invalidUtf8(t, owned, offset + from);
    // Each line decoded on its own: small flat strings, which JSON.parse reads 15-25 % faster than
    // slices of one partition-long string (text bags: the same speed either way).
    const out: string[] = [];
    let at = 0;
    for (;;) {
      const nl = owned.indexOf(NEWLINE, at);
      if (nl < 0) { if (at < owned.length) out.push(owned.toString('utf8', at)); break; }
      out.push(owned.toString('utf8', at, nl + 1));
      at = nl + 1;
    }
    return { lines: out, ownedAt: offset + from };
  } finally {
    closeSync(fd);
  }
}

function open(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new TesseraError('FILE_NOT_FOUND', `the input file ${path} is gone`, 'it was deleted or moved after the job was planned; run the job again');
    throw new TesseraError('FILE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, 'check the file\'s permissions');
  }
}

/**
 * Bytes [offset, end) and on to the end of the line that runs past `end` (the last line this
 * range owns). Lines that start before `start` are cut off by the caller.
 */
function ownedBytes(fd: number, offset: number, start: number, end: number, size: number): Buffer {
  // The range and the next EXTEND bytes in one read: the line that runs past `end` nearly always
  // ends in them, and the range is then never copied again (a 16 MiB copy cost a fifth of a
  // JSON-lines partition's time, with the fresh pages it touches).
  const first = Buffer.allocUnsafe(Math.min(size, end + EXTEND) - offset);
  readFully(fd, first, offset);
  const range = end - offset;
  // Only a range in which a line starts reads past its end (to finish that line).
  if (end >= size || first[range - 1] === NEWLINE || !(start === 0 || first.subarray(0, range - 1).includes(NEWLINE))) return first.subarray(0, range);
  const nl = first.indexOf(NEWLINE, range);
  if (nl >= 0) return first.subarray(0, nl + 1);
  // A line longer than EXTEND: read on until it ends.
  const parts: Buffer[] = [first];
  for (let at = offset + first.length; at < size;) {
    const more = Buffer.allocUnsafe(Math.min(EXTEND, size - at));
    readFully(fd, more, at);
    const end = more.indexOf(NEWLINE);
    parts.push(end < 0 ? more : more.subarray(0, end + 1));
    if (end >= 0) break;
    at += more.length;
  }
  return Buffer.concat(parts);
}

function readFully(fd: number, into: Buffer, position: number): void {
  for (let got = 0; got < into.length;) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) throw new TesseraError('INPUT_CHANGED', 'the input file got shorter while the job read it', 'something truncated the file; run the job again once it is written');
    got += n;
  }
}

/** TEXT_INVALID_UTF8 naming the line (counted from the file's start: error path only). */
function invalidUtf8(t: TextRange, owned: Buffer, ownedAt: number): TesseraError {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lineStart = 0;
  for (;;) {
    const nl = owned.indexOf(NEWLINE, lineStart);
    const stop = nl < 0 ? owned.length : nl + 1;
    try {
      decoder.decode(owned.subarray(lineStart, stop));
    } catch {
      break;
    }
    if (nl < 0) break;
    lineStart = stop;
  }
  const line = fileLine(t, ownedAt, count(owned.subarray(0, lineStart)));
  return new TesseraError('TEXT_INVALID_UTF8', `${t.path}, line ${line}: the text is not valid UTF-8`, 'convert the file to UTF-8 (iconv -f LATIN1 -t UTF-8, for example)');
}

function count(b: Buffer): number {
  let n = 0;
  for (let at = b.indexOf(NEWLINE); at >= 0; at = b.indexOf(NEWLINE, at + 1)) n++;
  return n;
}
