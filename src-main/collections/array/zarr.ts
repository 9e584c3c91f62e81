/**
 * A Zarr v2 array as an array (dask's `da.from_zarr`): `{"zarr": "xs.zarr"}` for an array store,
 * `{"zarr": "out.zarr", "dataset": "y"}` for an array of a group (what `--out out.zarr` writes).
 * Its `.zarray` (JSON) is read here; each chunk of the Tessera array is a zarr_read task that
 * reads and decodes the chunk files its region overlaps (blosc, zlib, gzip, zstd or none), so
 * reads are parallel and need no library. The default chunking is the store's, whole chunks
 * grouped up to the "auto" size, as for HDF5 (ADR 0035).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { TesseraError } from '../../engine/errors.js';
import { didYouMean } from '../../lang/did-you-mean.js';
import { source } from './build.js';
import { type ChunksSpec, storedChunkGrid } from './chunks.js';
import { type DType, itemsize } from './dtype.js';
import { complexSource } from './complex-sources.js';
import type { ExprContext, Node } from './expr.js';

/** zarr_read's codec numbers (native/zarr/zarr_codecs.h). */
const CODECS: Record<string, number> = { blosc: 1, zlib: 2, gzip: 3, zstd: 4 };

/** numpy's type codes as zarr writes them, by kind and size, to Tessera's dtypes. */
const DTYPES: Record<string, DType> = {
  f8: 'float64', f4: 'float32', i8: 'int64', i4: 'int32', i2: 'int16', i1: 'int8', u8: 'uint64', u4: 'uint32', u2: 'uint16', u1: 'uint8', b1: 'bool',
};

export interface ZarrMeta {
  /** The array's folder. */
  folder: string;
  /** A complex array's part dtype (with `complex`). */
  dtype: DType | null;
  /** complex128 / complex64: values stored as their (re, im) pairs. */
  complex: boolean;
  /** The store's dtype string ('<f8', '|b1', '<f2', ...). */
  type: string;
  bigEndian: boolean;
  shape: number[];
  chunks: number[];
  compressor: string;
  codec: number | null;
  filters: string[];
  /** The fill value as decimal text (an integer as written, exact beyond 2^53; "nan", "inf"). */
  fill: string;
  order: 'C' | 'F';
  separator: '.' | '/';
}

/** Whether a folder is a Zarr store (an array or a group). */
export async function isZarrStore(path: string): Promise<boolean> {
  for (const f of ['.zarray', '.zgroup']) if (await stat(join(path, f)).then((s) => s.isFile(), () => false)) return true;
  return false;
}

/** The arrays of a Zarr store (the store itself when it is one), each with its path inside the store ('' for the root). */
export async function zarrArrays(path: string): Promise<(ZarrMeta & { name: string })[]> {
  const out: (ZarrMeta & { name: string })[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (await stat(join(dir, '.zarray')).then(() => true, () => false)) {
      out.push({ name: relative(path, dir), ...(await zarrMeta(dir)) });
      return;
    }
    if (depth > 16) return;
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(path, 0);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** An array's metadata, from its `.zarray`. */
export async function zarrMeta(folder: string): Promise<ZarrMeta> {
  let text: string;
  try {
    text = await readFile(join(folder, '.zarray'), 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new TesseraError('ZARR_NO_ARRAY', `${folder} is not a Zarr array (it has no .zarray)`, 'name the folder of a Zarr v2 array, or a group and its array with "dataset"');
    throw new TesseraError('FILE_UNREADABLE', `cannot read ${join(folder, '.zarray')}: ${(e as Error).message}`, '');
  }
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new TesseraError('ZARR_CORRUPT', `${join(folder, '.zarray')} is not valid JSON`, 'the store is damaged; write it again');
  }
  const where = join(folder, '.zarray');
  if (m.zarr_format !== 2) throw new TesseraError('UNSUPPORTED', `${where}: zarr_format ${JSON.stringify(m.zarr_format)} is not read (Zarr v2 is)`, 'write the store with zarr 2 (zarr.open(..., zarr_version=2))');
  const ints = (v: unknown, what: string) => {
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) throw new TesseraError('ZARR_CORRUPT', `${where}: "${what}" is not a list of sizes`, 'the store is damaged; write it again');
    return v as number[];
  };
  const shape = ints(m.shape, 'shape');
  const chunks = ints(m.chunks, 'chunks');
  if (chunks.length !== shape.length || chunks.some((c) => c < 1)) throw new TesseraError('ZARR_CORRUPT', `${where}: "chunks" do not match "shape"`, 'the store is damaged; write it again');
  const type = typeof m.dtype === 'string' ? m.dtype : JSON.stringify(m.dtype);
  const t = /^([<>|=])([a-z])(\d+)$/.exec(type);
  const complex = !!t && t[2] === 'c' && (t[3] === '16' || t[3] === '8');
  const dtype = t ? (complex ? (t[3] === '16' ? 'float64' : 'float32') : DTYPES[`${t[2]}${t[3]}`] ?? null) : null;
  const compressor = m.compressor === null ? null : (m.compressor as { id?: unknown } | undefined)?.id;
  const filters = Array.isArray(m.filters) ? m.filters.map((f) => String((f as { id?: unknown })?.id)) : [];
  const fv = m.fill_value;
  // An integer fill as its digits in the file (JSON.parse rounds those beyond 2^53).
  const digits = /"fill_value"\s*:\s*(-?\d+)\s*[,}]/.exec(text)?.[1];
  const text1 = (v: unknown) => (v === null || v === undefined ? '0' : v === 'NaN' ? 'nan' : v === 'Infinity' ? 'inf' : v === '-Infinity' ? '-inf'
    : typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'number' ? String(v) : '0');
  // A complex fill is [re, im]: one value for both parts, which is what a chunk never written can hold here.
  const fill = Array.isArray(fv) ? (text1(fv[0]) === text1(fv[1]) ? text1(fv[0]) : 'pair') : digits ?? text1(fv);
  return {
    folder, dtype, complex, type, bigEndian: t?.[1] === '>', shape, chunks, compressor: compressor === null ? 'none' : String(compressor),
    codec: compressor === null ? 0 : CODECS[String(compressor)] ?? null, filters, fill,
    order: m.order === 'F' ? 'F' : 'C', separator: m.dimension_separator === '/' ? '/' : '.',
  };
}

/** The Zarr array at `path` (or its array `name`, for a group) as an array node. */
export async function zarrArray(ctx: ExprContext, path: string, name: unknown, chunks?: ChunksSpec): Promise<Node> {
  if (name !== undefined && (typeof name !== 'string' || !name)) throw new TesseraError('BAD_SPEC', `${path}: "dataset" names an array of the Zarr group, as a path inside it`, 'for example "dataset": "y"');
  const inner = typeof name === 'string' ? name.replace(/^\/+/, '') : '';
  // Inside the store only: the store is what the user chose (a window's job reads nothing else).
  if (inner.split('/').some((p) => p === '..')) throw new TesseraError('BAD_SPEC', `${path}: the array ${inner} is not inside the store`, 'name an array by its path inside the store, without ..');
  const folder = inner ? join(path, inner) : path;
  if (!(await stat(path).then((s) => s.isDirectory(), () => false))) {
    const exists = await stat(path).then(() => true, () => false);
    throw new TesseraError(exists ? 'NOT_A_FOLDER' : 'FILE_NOT_FOUND', exists ? `${path} is not a Zarr store (a folder)` : `${path}: no such Zarr store`, 'give the folder of a Zarr v2 store (xs.zarr)');
  }
  let meta: ZarrMeta;
  try {
    meta = await zarrMeta(folder);
  } catch (e) {
    if (!(e instanceof TesseraError) || e.code !== 'ZARR_NO_ARRAY') throw e;
    const names = (await zarrArrays(path)).map((a) => a.name);
    if (!inner && names.length) throw new TesseraError('BAD_SPEC', `${path} is a Zarr group: name one of its arrays with "dataset"`, `its arrays: ${names.slice(0, 8).join(', ')}`);
    throw new TesseraError('ZARR_NO_ARRAY', `${path} has no array ${inner || '(at its root)'}${didYouMean(inner, names)}`, names.length ? `its arrays: ${names.slice(0, 8).join(', ')}` : 'the store holds no arrays');
  }
  const where = inner ? `${path}:${inner}` : path;
  if (meta.dtype === null) throw new TesseraError('UNSUPPORTED_DTYPE', `${where} holds ${meta.type} values, which have no array dtype here`, 'arrays hold float64, float32, signed and unsigned integers and bool: convert the array, or pick another');
  if (meta.codec === null) throw new TesseraError('UNSUPPORTED', `${where} is compressed with ${meta.compressor}, which is not read`, 'blosc, zlib, gzip, zstd and no compression are read: write the store with one of those');
  if (meta.filters.length) throw new TesseraError('UNSUPPORTED', `${where} has filters (${meta.filters.join(', ')}), which are not read`, 'write the store without filters');
  if (meta.order === 'F') throw new TesseraError('UNSUPPORTED', `${where} stores its chunks in Fortran order, which is not read`, 'write the store with order="C" (zarr\'s default)');
  if (meta.fill === 'pair') throw new TesseraError('UNSUPPORTED', `${where} has a complex fill value with different parts, which is not read`, 'write the store with a fill value of 0 (zarr\'s default)');
  const dtype = meta.dtype;
  const item = itemsize(dtype);
  const { mtimeNs } = await stat(join(folder, '.zarray'), { bigint: true }).then((s) => ({ mtimeNs: String(s.mtimeNs) }));
  const file = { kind: 'zarr' as const, folder, mtimeNs, byteswap: meta.bigEndian && item > 1, codec: meta.codec, fill: meta.fill, zarrChunks: meta.chunks, separator: meta.separator };
  if (meta.complex) {
    // The values' (re, im) pairs as floats: a last axis of 2, whole in every chunk.
    const grid = [...storedChunkGrid(meta.shape, meta.chunks, 2 * item, chunks), [2]];
    return complexSource(source(ctx, { ...file, zarrChunks: [...meta.chunks, 2], pairs: true }, [...meta.shape, 2], dtype, grid));
  }
  return source(ctx, file, meta.shape, dtype, storedChunkGrid(meta.shape, meta.chunks, item, chunks));
}
