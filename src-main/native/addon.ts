/**
 * The typed face of the native addon, and the only module that loads the `.node` file.
 * Everything the engine asks of C++ goes through the functions declared here.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  shape: number[];
  dataOffset: number;
  dataBytes: number;
}

export interface NativeAddon {
  simdLevel(): string;
  simdLevels(): string;
  setSimdLevel(level: string): void;
  registerProgram(p: ProgramSpec): number;
  dropProgram(id: number): void;
  /** Runs one encoded task (see engine/task-kinds.ts) reading chunks `ids` and files `fileIds` (by
   * the task's file indices); writes [chunk, bytesIn, bytesOut] to `out`. */
  runEncoded(spec: Float64Array, ids: Float64Array, fileIds: Float64Array, out: Float64Array): void;
  /** Decodes and checks one encoded task exactly as runEncoded would (every field read, none
   * left over) without running it; returns its kind's name ('map', 'reduce', ...).
   * A malformed task throws BAD_TASK; map and reduce look their program up, so it must be
   * registered. For round-trip tests of the encoder. */
  checkEncoded(spec: Float64Array, ids: Float64Array, fileIds: Float64Array): string;
  storeStats(): StoreStats;
  /** Resident bytes of the process, and of them those backed by files (mapped inputs, code). */
  processMemory(): { rssBytes: number; fileBytes: number };
  resetPeak(): void;
  release(chunk: number): boolean;
  releaseOwner(owner: number): number;
  forgetOwner(owner: number): void;
  /** A copy of an array chunk. A bytes chunk (putBytes) is refused with NOT_DENSE: use getBytes. */
  readChunk(chunk: number): { dtype: DTypeName; shape: number[]; data: ArrayBuffer };
  putChunk(c: { dtype: DTypeName; shape: number[]; data: ArrayBufferView; owner?: number }): number;
  /** Copies an opaque payload (serialized records, a table partition) into a new bytes chunk of
   * `owner`, counted and released like any chunk (dtype uint8, shape [length]); returns its id.
   * Array tasks refuse to read it (NOT_DENSE). */
  putBytes(owner: number, data: Uint8Array): number;
  /** What a chunk holds: an array ('dense') or a payload ('bytes', putBytes). */
  chunkLayout(chunk: number): 'dense' | 'bytes';
  /** A copy of a bytes chunk's payload. CHUNK_NOT_FOUND as readChunk; NOT_BYTES for an array chunk. */
  getBytes(id: number): Uint8Array;
  /** Maps a file; given the size and mtime a job planned with, a file that differs is INPUT_CHANGED. */
  openFile(path: string, size?: number, mtimeSec?: number, mtimeNsec?: number): { id: number; size: number };
  /** Reads one byte of a mapped file as tasks read (guarded against the file shrinking): tests only. */
  readFileByte(id: number, offset: number): number;
  closeFile(id: number): void;
  parseNpyHeader(bytes: Uint8Array, fileSize?: number): NpyHeaderInfo;
  declareWriter(w: { path: string; dtype: DTypeName; shape: number[] }): number;
  abortWriter(id: number): void;
  forgetWriter(id: number): void;
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

/** Where the built addon lives: build/Release under the package root (found from this file). */
export function addonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'build', 'Release', 'tessera.node');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('the native addon is not built: run `npm run build:native` (or `npm ci`, which builds it)');
}

let loaded: NativeAddon | undefined;

export function native(): NativeAddon {
  if (!loaded) loaded = createRequire(import.meta.url)(addonPath()) as NativeAddon;
  return loaded;
}
