/**
 * hdf5_read: one chunk of an HDF5 dataset (native/tasks/kinds/hdf5_read.cc): [file, path,
 * dataset, dtype, byteswap, library, pairs, fill, filters, fileChunk, offset, shape, chunks] where
 * chunks is [n, (address, size, mask, ...origin) * n], the stored chunks the region overlaps.
 * `pairs`: a complex dataset (h5py's compound of "r" and "i") read as (re, im) pairs of `dtype`
 * along a last axis of 2 (in fileChunk, offset, shape and the origins).
 * The file is also in the job's file table, so the task reads the mapping whose size and mtime
 * were checked against the plan's.
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import { denseBytes, dtypeCode } from './fields.js';

export interface Hdf5ReadSpec {
  kind: 'hdf5_read';
  path: string;
  dataset: string;
  dtype: DTypeName;
  byteswap: boolean;
  library: boolean;
  pairs?: boolean;
  /** The fill value as decimal text (exact for 64-bit integers; "nan", "inf" for floats). */
  fill: string;
  filters: number[];
  fileChunk: number[];
  offset: number[];
  shape: number[];
  chunks: { address: number; size: number; mask: number; origin: number[] }[];
}

export const hdf5ReadKind: TaskKind<Hdf5ReadSpec> = {
  name: 'hdf5_read',
  code: 30,
  encode(w, spec, ctx) {
    w.push(ctx.fileIndex(spec.path)); w.push(ctx.stringIndex(spec.path)); w.push(ctx.stringIndex(spec.dataset));
    w.push(dtypeCode(spec.dtype)); w.push(spec.byteswap ? 1 : 0); w.push(spec.library ? 1 : 0); w.push(spec.pairs ? 1 : 0); w.push(ctx.stringIndex(spec.fill));
    w.push(spec.filters.length);
    for (const f of spec.filters) w.push(f);
    w.shape(spec.fileChunk); w.shape(spec.offset); w.shape(spec.shape);
    w.push(spec.chunks.length);
    for (const c of spec.chunks) {
      w.push(c.address); w.push(c.size); w.push(c.mask);
      for (const o of c.origin) w.push(o);
    }
  },
  estimate: (spec) => denseBytes(spec.shape, spec.dtype),
};
