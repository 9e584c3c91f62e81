/**
 * What a dropped or named file holds, found without reading its data: the .npy header (parsed
 * natively, fuzzed), the file size, and the chunking Tessera would pick. Uses async I/O only.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { native } from '../../native/addon.js';
import type { DType } from './dtype.js';
import { itemsize } from './dtype.js';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { autoChunks } from './chunks.js';

export interface NpyInfo {
  path: string;
  fileSize: number;
  /** The file's modification time in nanoseconds (decimal), as read when the job was planned. */
  mtimeNs: string;
  version: string;
  dtype: DType;
  shape: number[];
  fortranOrder: boolean;
  bigEndian: boolean;
  dataOffset: number;
  dataBytes: number;
}

export interface Inspection {
  path: string;
  kind: 'array';
  format: 'npy';
  dtype: DType;
  shape: number[];
  bytes: number;        // size on disk
  dataBytes: number;
  order: 'C' | 'F';
  suggestedChunks: number[][];
}

/** An input file opened for reading and checked to be a regular file. */
export interface InputFile {
  fh: FileHandle;
  size: number;
  /** Modification time in nanoseconds (decimal): with the size, what a job checks the file against. */
  mtimeNs: string;
}

function kindOf(s: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAFile(path: string, kind: string): TesseraError {
  return new TesseraError('NOT_A_FILE', `${path} is ${kind}, not a regular file`, 'give the path of a regular file (a .npy file, or raw binary data)');
}

/**
 * Opens an input file for reading, on the calling thread's event loop (async I/O only), after
 * checking it is a regular file: a folder, a device or a FIFO is NOT_A_FILE before anything opens
 * it, and the open itself is non-blocking (a FIFO put in its place meanwhile cannot hang it; the
 * kind is checked again on the open descriptor). The caller closes `fh`.
 */
export async function openInputFile(path: string): Promise<InputFile> {
  let fh: FileHandle | undefined;
  try {
    const before = await stat(path);
    if (!before.isFile()) throw notAFile(path, kindOf(before));
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const s = await fh.stat({ bigint: true });
    if (!s.isFile()) throw notAFile(path, kindOf(s));
    return { fh, size: Number(s.size), mtimeNs: s.mtimeNs.toString() };
  } catch (e) {
    await fh?.close();
    if (e instanceof TesseraError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new TesseraError('FILE_NOT_FOUND', `no such file: ${path}`, 'check the path; paths in a job spec are relative to the spec file');
    if (code === 'EACCES' || code === 'EPERM') throw new TesseraError('FILE_UNREADABLE', `cannot read ${path}: permission denied`, "check the file's permissions");
    throw new TesseraError('FILE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, 'check the path and the file');
  }
}

/** The size and modification time of an input file (see openInputFile). */
export async function inputFileStamp(path: string): Promise<{ size: number; mtimeNs: string }> {
  const { fh, size, mtimeNs } = await openInputFile(path);
  await fh.close();
  return { size, mtimeNs };
}

export async function readNpyInfo(path: string): Promise<NpyInfo> {
  const { fh, size, mtimeNs } = await openInputFile(path);
  try {
    let want = Math.min(size, 4096);
    for (;;) {
      const buf = new Uint8Array(want);
      const { bytesRead } = await fh.read(buf, 0, want, 0);
      let h;
      try {
        h = native().parseNpyHeader(buf.subarray(0, bytesRead), size);
      } catch (e) {
        const err = toTesseraError(e);
        throw new TesseraError(err.code, `${path}: ${err.message}`, err.hint);
      }
      if (h.needBytes) {
        if (h.needBytes > size || bytesRead < want) throw new TesseraError('NPY_TRUNCATED', `${path}: the file ends inside its .npy header (${size} bytes)`, 'the file was cut short; write it again');
        want = h.needBytes;
        continue;
      }
      return { path, fileSize: size, mtimeNs, version: h.version, dtype: h.dtype, shape: h.shape, fortranOrder: h.fortranOrder, bigEndian: h.bigEndian, dataOffset: h.dataOffset, dataBytes: h.dataBytes };
    }
  } finally {
    await fh.close();
  }
}

export async function inspectFile(path: string): Promise<Inspection> {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') {
    const info = await readNpyInfo(path);
    const order = info.fortranOrder ? 'F' : 'C';
    return {
      path, kind: 'array', format: 'npy', dtype: info.dtype, shape: info.shape, bytes: info.fileSize, dataBytes: info.dataBytes,
      order, suggestedChunks: autoChunks(info.shape, itemsize(info.dtype), order),
    };
  }
  await inputFileStamp(path);
  if (['.csv', '.tsv', '.parquet', '.txt', '.json', '.arrow'].includes(ext))
    throw new TesseraError('UNSUPPORTED_FORMAT', `${path}: ${ext} files (tables and text) are not read yet`, 'arrays in .npy files are supported; tables and text come in a later release');
  throw new TesseraError('UNKNOWN_FORMAT', `${path}: cannot tell what this file holds`, 'save arrays with numpy.save() as .npy, or describe raw binary in a job spec: {"raw": "file", "dtype": "float64", "shape": [...]}');
}
