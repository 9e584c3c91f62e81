/**
 * histogram: np.histogram's counts over one chunk, its values computed by a fused program in the
 * edges' dtype: [program, valueDtype, iterShape, edges, accesses] (edges: a dependency index).
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { denseBytes, dtypeCode, encodeAccesses } from './fields.js';

export interface HistogramSpec {
  kind: 'histogram';
  program: number;
  accesses: AccessTemplate[];
  iterShape: number[];
  valueDtype: DTypeName;
  /** The edges chunk's dependency index. */
  edges: number;
  /** Bins (the counts' length): for the estimate. */
  bins: number;
}

export const histogramKind: TaskKind<HistogramSpec> = {
  name: 'histogram',
  code: 29,
  encode(w, spec, ctx) {
    w.push(spec.program); w.push(dtypeCode(spec.valueDtype));
    w.shape(spec.iterShape);
    w.push(spec.edges);
    encodeAccesses(w, spec.accesses, ctx);
  },
  estimate: (spec) => denseBytes(spec.iterShape, spec.valueDtype) + 8 * spec.bins,
};
