/**
 * An HDF5 dataset as an array (dask's `da.from_array(h5py.File(path)[name])`), planned from the
 * file's metadata (native/hdf5/hdf5_plan.h, ADR 0034):
 * - contiguous storage is a plain file region: memory-mapped and read by the fused programs, as a
 *   .npy file's data are (any chunking, no copy);
 * - chunked storage is read by hdf5_read tasks, each decoding the stored chunks its region
 *   overlaps straight from the mapped file (deflate and shuffle, in parallel), or through the
 *   library for a filter it does not decode (szip, fletcher32, plugins), serialised by its lock;
 * - storage never written reads as the fill value, and compact storage through the library.
 * The default chunking is the file's own, whole file chunks grouped up to the "auto" size, so no
 * stored chunk is decoded twice.
 */
import { native, type Hdf5DatasetInfo } from '../../native/addon.js';
import { TesseraError, toTesseraError } from '../../engine/errors.js';
import { inputFileStamp } from '../../engine/input-file.js';
import { didYouMean } from '../../lang/did-you-mean.js';
import { source } from './build.js';
import { type ChunksSpec, normalizeChunks, storedChunkGrid } from './chunks.js';
import { type DType, itemsize } from './dtype.js';
import type { ExprContext, Node } from './expr.js';
import { complexSource } from './complex-sources.js';

/** The filters hdf5_read decodes itself: deflate (gzip) and shuffle. */
const DECODED_FILTERS = new Set([1, 2]);

/** Every dataset of an HDF5 file (for `tessera inspect` and the window's picker). */
export async function hdf5Datasets(path: string): Promise<Hdf5DatasetInfo[]> {
  await inputFileStamp(path); // FILE_NOT_FOUND / NOT_A_FILE as for every input
  return native().hdf5Datasets(path);
}

/** The dataset `name` of the HDF5 file at `path` as an array node. */
export async function hdf5Array(ctx: ExprContext, path: string, name: unknown, chunks?: ChunksSpec): Promise<Node> {
  if (typeof name !== 'string' || !name) {
    throw new TesseraError('BAD_SPEC', `${path}: an HDF5 dataset needs "dataset": the dataset's path in the file`, `for example {"hdf5": "${path}", "dataset": "/x"}; tessera inspect ${path} lists them`);
  }
  const { size, mtimeNs } = await inputFileStamp(path);
  const info = describe(path, name);
  const where = `${path}:${info.name}`;
  if (info.dtype === null) {
    throw new TesseraError('UNSUPPORTED_DTYPE', `${where} holds ${info.type} values, which have no array dtype here`,
      'arrays hold float64, float32, signed and unsigned integers and bool: convert the dataset (in h5py, f[name][...].astype("float32")) or pick another');
  }
  if (info.layout === 'virtual') throw new TesseraError('UNSUPPORTED', `${where} is a virtual dataset`, 'read the datasets it maps instead');
  // Only the file the user named is read: data in other files (an external link, external raw
  // storage) would be a file nobody chose.
  if (info.linkedFile) throw new TesseraError('UNSUPPORTED', `${where} is an external link into ${info.linkedFile}`, `read that file directly: {"hdf5": "${info.linkedFile}", "dataset": ...}`);
  if (info.externalStorage) throw new TesseraError('UNSUPPORTED', `${where} keeps its raw data in other files (external storage)`, 'copy the dataset into the file (h5py: f.copy, or write it again without external=)');
  if (info.missingFilters.length) {
    throw new TesseraError('UNSUPPORTED', `${where} needs the filter${info.missingFilters.length > 1 ? 's' : ''} ${info.missingFilters.join(', ')}, which this HDF5 library does not have`,
      'install the filter plugin (HDF5_PLUGIN_PATH), or write the dataset again with gzip');
  }
  if (info.complex) return complexSource(complexDataset(ctx, path, info, size, mtimeNs, chunks));
  const dtype: DType = info.dtype;
  const item = itemsize(dtype);
  const byteswap = info.bigEndian && item > 1;
  if (info.layout === 'contiguous' && info.dataOffset !== null && !info.packed) {
    const need = info.dataOffset + info.shape.reduce((a, b) => a * b, 1) * item;
    if (size < need) throw new TesseraError('HDF5_CORRUPT', `${where} needs ${need} bytes of the file, which has ${size}`, 'the file was cut short; write it again');
    const grid = normalizeChunks(chunks, info.shape, item);
    return source(ctx, { kind: 'file', path, fileSize: size, mtimeNs, dataOffset: info.dataOffset, byteswap, fortran: false }, info.shape, dtype, grid);
  }
  if (info.layout === 'contiguous' && info.dataOffset === null) {
    // Never written: every element is the fill value.
    return source(ctx, { kind: 'full', value: dtype === 'bool' ? info.fill !== '0' : Number(info.fill) }, info.shape, dtype, normalizeChunks(chunks, info.shape, item));
  }
  const chunked = info.layout === 'chunked';
  // Through the library: compact or packed (n-bit) storage, filters decoded only by it, edge
  // chunks stored unfiltered, or too many chunks to index at plan time (ADR 0034).
  const library = !chunked || info.packed || info.partialUnfiltered || !info.indexed || info.filters.some((f) => !DECODED_FILTERS.has(f));
  const fileChunks = chunked ? info.chunks : info.shape.map((d) => Math.max(1, d));
  const grid = storedChunkGrid(info.shape, chunked ? info.chunks : null, item, chunks);
  return source(ctx, {
    kind: 'hdf5', path, fileSize: size, mtimeNs, dataset: info.name, byteswap, library, fill: info.fill,
    filters: info.filters, fileChunks, index: library ? new Float64Array(0) : info.chunkIndex,
  }, info.shape, dtype, grid);
}

/**
 * A complex dataset (h5py's compound of "r" and "i"): its values' (re, im) pairs as a float array
 * with a last axis of 2, whole in every chunk; contiguous data mapped as they lie, chunked data
 * read by hdf5_read tasks with `pairs` (the shuffle filter then shuffles whole pairs).
 */
function complexDataset(ctx: ExprContext, path: string, info: Hdf5DatasetInfo & { chunkIndex: Float64Array }, size: number, mtimeNs: string | undefined, chunks?: ChunksSpec): Node {
  const where = `${path}:${info.name}`;
  if (info.fill === 'pair') throw new TesseraError('UNSUPPORTED', `${where} has a complex fill value with different parts, which is not read`, 'write the dataset with the default fill value (0)');
  const dtype = info.dtype!;
  const item = itemsize(dtype);
  const shape = [...info.shape, 2];
  const byteswap = info.bigEndian;
  if (info.layout === 'contiguous' && info.dataOffset !== null) {
    const need = info.dataOffset + info.shape.reduce((a, b) => a * b, 1) * 2 * item;
    if (size < need) throw new TesseraError('HDF5_CORRUPT', `${where} needs ${need} bytes of the file, which has ${size}`, 'the file was cut short; write it again');
    return source(ctx, { kind: 'file', path, fileSize: size, mtimeNs, dataOffset: info.dataOffset, byteswap, fortran: false, complex: true }, shape, dtype, [...normalizeChunks(chunks, info.shape, 2 * item), [2]]);
  }
  if (info.layout === 'contiguous') return source(ctx, { kind: 'full', value: Number(info.fill), complex: true }, shape, dtype, [...normalizeChunks(chunks, info.shape, 2 * item), [2]]);
  const chunked = info.layout === 'chunked';
  const library = !chunked || info.partialUnfiltered || !info.indexed || info.filters.some((f) => !DECODED_FILTERS.has(f));
  const fileChunks = [...(chunked ? info.chunks : info.shape.map((d) => Math.max(1, d))), 2];
  const grid = [...storedChunkGrid(info.shape, chunked ? info.chunks : null, 2 * item, chunks), [2]];
  return source(ctx, {
    kind: 'hdf5', path, fileSize: size, mtimeNs, dataset: info.name, byteswap, library, fill: info.fill,
    filters: info.filters, fileChunks, index: library ? new Float64Array(0) : info.chunkIndex, pairs: true,
  }, shape, dtype, grid);
}

function describe(path: string, name: string): Hdf5DatasetInfo & { chunkIndex: Float64Array } {
  try {
    return native().hdf5Dataset(path, name);
  } catch (e) {
    const err = toTesseraError(e);
    if (err.code !== 'HDF5_NO_DATASET') throw err;
    const names = native().hdf5Datasets(path).map((d) => d.name);
    const full = name.startsWith('/') ? name : `/${name}`;
    throw new TesseraError(err.code, `${path} has no dataset ${full}${didYouMean(full, names)}`,
      names.length ? `its datasets: ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, ... (${names.length})` : ''}` : 'the file holds no datasets');
  }
}

/** The stored chunks a region overlaps: each one's address, stored size, filter mask and origin (dataset coordinates). */
export function overlappedChunks(spec: { fileChunks: number[]; index: Float64Array }, shape: readonly number[], offset: readonly number[], region: readonly number[]):
  { address: number; size: number; mask: number; origin: number[] }[] {
  const nd = shape.length;
  if (region.some((n) => n === 0)) return [];
  const counts = shape.map((n, d) => Math.ceil(n / spec.fileChunks[d]));
  const lo = offset.map((o, d) => Math.floor(o / spec.fileChunks[d]));
  const hi = offset.map((o, d) => Math.floor((o + region[d] - 1) / spec.fileChunks[d]));
  const out: { address: number; size: number; mask: number; origin: number[] }[] = [];
  const idx = [...lo];
  for (;;) {
    let flat = 0;
    for (let d = 0; d < nd; d++) flat = flat * counts[d] + idx[d];
    out.push({ address: spec.index[3 * flat], size: spec.index[3 * flat + 1], mask: spec.index[3 * flat + 2], origin: idx.map((i, d) => i * spec.fileChunks[d]) });
    let d = nd - 1;
    while (d >= 0 && ++idx[d] > hi[d]) { idx[d] = lo[d]; d--; }
    if (d < 0) return out;
  }
}
