/**
 * compress: the rows of a chunk (computed by a fused program) where a bool mask chunk is true,
 * `count` of them: [program, outDtype, iterShape, count, mask, accesses].
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { denseBytes, dtypeCode, encodeAccesses } from './fields.js';

export interface CompressSpec {
  kind: 'compress';
  program: number;
  accesses: AccessTemplate[];
  /** The chunk's rows and the rest of each row: [rows, ...rest]. */
  iterShape: number[];
  outDtype: DTypeName;
  /** Rows kept (the mask's count of true here, from the count run). */
  count: number;
  /** The mask chunk's dependency index. */
  mask: number;
}

export const compressKind: TaskKind<CompressSpec> = {
  name: 'compress',
  code: 26,
  encode(w, spec, ctx) {
    w.push(spec.program); w.push(dtypeCode(spec.outDtype));
    w.shape(spec.iterShape);
    w.push(spec.count); w.push(spec.mask);
    encodeAccesses(w, spec.accesses, ctx);
  },
  // The kept rows go straight into the output as their blocks are computed.
  estimate: (spec) => denseBytes([spec.count, ...spec.iterShape.slice(1)], spec.outDtype),
};
