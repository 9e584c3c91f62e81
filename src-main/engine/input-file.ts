/**
 * Opening an input file of any collection: checked to be a regular file before and after the
 * open, opened non-blocking, with the size and modification time a job plans with (and checks
 * again as its tasks read the file: native/io/mapped_file.h).
 */
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { TesseraError } from './errors.js';

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
  return new TesseraError('NOT_A_FILE', `${path} is ${kind}, not a regular file`, 'give the path of a regular file');
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

