/** assemble: a new chunk from pieces of others (rechunk, concatenate): [dtype, outShape, n, ...(access, shape, destOffset)]. */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { denseBytes, dtypeCode, encodeAccess } from './fields.js';

export interface AssembleSpec {
  kind: 'assemble';
  dtype: DTypeName;
  outShape: number[];
  pieces: { source: AccessTemplate; shape: number[]; destOffset: number[] }[];
}

export const assembleKind: TaskKind<AssembleSpec> = {
  name: 'assemble',
  code: 4,
  encode(w, spec, ctx) {
    w.push(dtypeCode(spec.dtype));
    w.shape(spec.outShape);
    w.push(spec.pieces.length);
    for (const p of spec.pieces) { encodeAccess(w, p.source, ctx); w.shape(p.shape); w.shape(p.destOffset); }
  },
  estimate: (spec) => denseBytes(spec.outShape, spec.dtype),
};
