/**
 * zarr_read: one chunk of a Zarr v2 array (native/tasks/kinds/zarr_read.cc): [folder, dtype,
 * byteswap, codec, fill, separator, pairs, zarrChunk, offset, shape]; the task finds the chunk
 * files its region overlaps itself. `pairs`: a complex array's values as (re, im) pairs along a
 * last axis of 2, which the chunk files' keys do not count.
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import { denseBytes, dtypeCode } from './fields.js';

export interface ZarrReadSpec {
  kind: 'zarr_read';
  folder: string;
  dtype: DTypeName;
  byteswap: boolean;
  codec: number;
  /** The fill value as decimal text (exact for 64-bit integers; "nan", "inf" for floats). */
  fill: string;
  separator: '.' | '/';
  pairs?: boolean;
  zarrChunk: number[];
  offset: number[];
  shape: number[];
}

export const zarrReadKind: TaskKind<ZarrReadSpec> = {
  name: 'zarr_read',
  code: 31,
  encode(w, spec, ctx) {
    w.push(ctx.stringIndex(spec.folder)); w.push(dtypeCode(spec.dtype)); w.push(spec.byteswap ? 1 : 0); w.push(spec.codec);
    w.push(ctx.stringIndex(spec.fill)); w.push(spec.separator === '/' ? 1 : 0); w.push(spec.pairs ? 1 : 0);
    w.shape(spec.zarrChunk); w.shape(spec.offset); w.shape(spec.shape);
  },
  estimate: (spec) => denseBytes(spec.shape, spec.dtype),
};
