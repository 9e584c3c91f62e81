/**
 * Fields the array kinds share in their encodings (native/tasks/reader.h reads them):
 *   access:  [kind, dtype, byteswap, ref, dataOffset, dataElements, base, seed, start, step, ndim, ...strides]
 *            ref = dependency index (chunk) or index into the job's file table (file)
 *   shape:   [ndim, ...dims]
 *   reduce:  [reduceKind, acc, ddof, sqrt, outDtype]
 */
import type { CTypeName, DTypeName, ReduceName } from '../../../native/addon.js';
import type { EncodeContext, Writer } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { DTYPES, itemsize } from '../dtype.js';
import { product } from '../grid.js';

export const CTYPES: CTypeName[] = ['f64', 'f32', 'i64', 'u64'];
const REDUCTIONS: ReduceName[] = ['sum', 'prod', 'mean', 'var', 'min', 'max', 'argmin', 'argmax', 'any', 'all', 'count_nonzero'];
const ACCESS_KINDS = ['chunk', 'file', 'uniform', 'normal', 'arange'];

export const dtypeCode = (d: DTypeName | undefined) => (d ? DTYPES.indexOf(d) : 0);

/** What a reduction computes: shared by its partial (reduce) and merge (combine) tasks. */
export interface ReduceFields {
  reduce: ReduceName;
  acc: CTypeName;
  ddof: number;
  sqrt: boolean;
  outDtype: DTypeName;
}

/** Bytes of a dense chunk. */
export const denseBytes = (shape: readonly number[], dtype: DTypeName) => product(shape) * itemsize(dtype);

/** Numbers of partial state a reduction keeps per output element (native reduce_planes), 8 bytes each. */
export function reducePlanes(r: ReduceFields): number {
  if (r.reduce === 'sum' || r.reduce === 'prod') return r.acc === 'f64' ? 2 : 1;  // compensated: value and error
  if (r.reduce === 'mean' || r.reduce === 'var') return 3;   // count, mean, M2 (Chan's merge)
  if (r.reduce === 'argmin' || r.reduce === 'argmax') return 2;  // value and index
  return 1;
}

export function encodeAccess(w: Writer, a: AccessTemplate, ctx: EncodeContext): void {
  const ref = a.kind === 'chunk' ? a.dep! : a.kind === 'file' ? ctx.fileIndex(a.path!) : 0;
  w.push(ACCESS_KINDS.indexOf(a.kind)); w.push(dtypeCode(a.dtype)); w.push(a.byteswap ? 1 : 0); w.push(ref);
  w.push(a.dataOffset ?? 0); w.push(a.dataElements ?? 0); w.push(a.base); w.push(a.seed ?? 0);
  w.push(a.start ?? 0); w.push(a.step ?? 1);
  w.shape(a.strides);
}

export function encodeAccesses(w: Writer, accesses: readonly AccessTemplate[], ctx: EncodeContext): void {
  w.push(accesses.length);
  for (const a of accesses) encodeAccess(w, a, ctx);
}

export function encodeReduce(w: Writer, r: ReduceFields): void {
  w.push(REDUCTIONS.indexOf(r.reduce)); w.push(CTYPES.indexOf(r.acc)); w.push(r.ddof); w.push(r.sqrt ? 1 : 0); w.push(dtypeCode(r.outDtype));
}
