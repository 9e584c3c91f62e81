/**
 * histogram: np.histogram's counts over one chunk, its values computed by a fused program in the
 * edges' dtype: [program, valueDtype, iterShape, edges, hasWeights, weights?, accesses] (edges and
 * weights: dependency indices). With weights (a float64 chunk of the values' shape) the counts are
 * their sums, float64.
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { dtypeCode, encodeAccesses } from './fields.js';

export interface HistogramSpec {
  kind: 'histogram';
  program: number;
  accesses: AccessTemplate[];
  iterShape: number[];
  valueDtype: DTypeName;
  /** The edges chunk's dependency index. */
  edges: number;
  /** The weights chunk's dependency index, or null to count. */
  weights: number | null;
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
    w.push(spec.weights === null ? 0 : 1);
    if (spec.weights !== null) w.push(spec.weights);
    encodeAccesses(w, spec.accesses, ctx);
  },
  // The values are counted block by block as they are computed: only the counts are made.
  estimate: (spec) => 8 * spec.bins,
};
