/**
 * What a dropped or named file holds, found without reading its data: the .npy header (parsed
 * natively, fuzzed), the file size, and the chunking Tessera would pick. Uses async I/O only.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { native } from '../../native/addon.js';
import type { DType } from './dtype.js';
import { complexDtype, itemsize } from './dtype.js';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { inputFileStamp, openInputFile } from '../../engine/input-file.js';
import { autoChunks } from './chunks.js';
import { hdf5Datasets } from './hdf5.js';
import { isZarrStore, zarrArrays } from './zarr.js';

export interface NpyInfo {
  path: string;
  fileSize: number;
  /** The file's modification time in nanoseconds (decimal), as read when the job was planned. */
  mtimeNs: string;
  version: string;
  dtype: DType;
  shape: number[];
  fortranOrder: boolean;
  /** complex128 / complex64: `dtype` is the float type of each value's (re, im) parts, `shape` the values'. */
  complex: boolean;
  bigEndian: boolean;
  dataOffset: number;
  dataBytes: number;
}

export interface Inspection {
  path: string;
  kind: 'array';
  format: 'npy';
  dtype: DType | 'complex128' | 'complex64';
  shape: number[];
  bytes: number;        // size on disk
  dataBytes: number;
  order: 'C' | 'F';
  suggestedChunks: number[][];
}

/** A store of named arrays: an HDF5 file's datasets (hdf5.ts reads each) or a Zarr store's arrays (zarr.ts). */
export interface StoreInspection {
  path: string;
  kind: 'store';
  format: 'hdf5' | 'zarr';
  bytes: number;
  datasets: { name: string; dtype: DType | 'complex128' | 'complex64' | null; type: string; shape: number[]; layout: string; chunks: number[]; filters: string[] }[];
}

/** Whether a path names an HDF5 file by its extension. */
export const isHdf5File = (path: string) => /\.(h5|hdf5|he5)$/i.test(path);

export { inputFileStamp, type InputFile, openInputFile } from '../../engine/input-file.js';

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
      return { path, fileSize: size, mtimeNs, version: h.version, dtype: h.dtype, shape: h.shape, fortranOrder: h.fortranOrder, complex: h.complex, bigEndian: h.bigEndian, dataOffset: h.dataOffset, dataBytes: h.dataBytes };
    }
  } finally {
    await fh.close();
  }
}

export async function inspectFile(path: string): Promise<Inspection | StoreInspection> {
  const ext = extname(path).toLowerCase();
  if (isHdf5File(path)) {
    const { size } = await inputFileStamp(path);
    const datasets = (await hdf5Datasets(path)).map((d) => ({ name: d.name, dtype: d.complex && d.dtype ? complexDtype(d.dtype) : d.dtype, type: d.type, shape: d.shape, layout: d.layout, chunks: d.chunks, filters: d.filterNames }));
    return { path, kind: 'store', format: 'hdf5', bytes: size, datasets };
  }
  if (await isZarrStore(path)) {
    const arrays = await zarrArrays(path);
    const datasets = arrays.map((a) => ({ name: a.name, dtype: a.complex && a.dtype ? complexDtype(a.dtype) : a.dtype, type: a.type, shape: a.shape, layout: 'chunked', chunks: a.chunks, filters: a.compressor === 'none' ? [] : [a.compressor] }));
    return { path, kind: 'store', format: 'zarr', bytes: await folderBytes(path), datasets };
  }
  if (ext === '.npy') {
    const info = await readNpyInfo(path);
    const order = info.fortranOrder ? 'F' : 'C';
    return {
      path, kind: 'array', format: 'npy', dtype: info.complex ? complexDtype(info.dtype) : info.dtype, shape: info.shape,
      bytes: info.fileSize, dataBytes: info.dataBytes, order, suggestedChunks: autoChunks(info.shape, itemsize(info.dtype) * (info.complex ? 2 : 1), order),
    };
  }
  await inputFileStamp(path);
  if (['.csv', '.tsv', '.parquet', '.txt', '.json', '.arrow'].includes(ext))
    throw new TesseraError('UNSUPPORTED_FORMAT', `${path}: ${ext} files (tables and text) are not read yet`, 'arrays in .npy files are supported; tables and text come in a later release');
  throw new TesseraError('UNKNOWN_FORMAT', `${path}: cannot tell what this file holds`, 'save arrays with numpy.save() as .npy or in HDF5 (.h5), or describe raw binary in a job spec: {"raw": "file", "dtype": "float64", "shape": [...]}');
}

/** The bytes of a folder's files, all the way down (a Zarr store's size on disk). */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}
