/** combine: merges partial states (every dependency, in order): [reduce, finalize, outShape]. */
import type { TaskKind } from '../../../engine/task-kinds.js';
import { product } from '../grid.js';
import { denseBytes, encodeReduce, reducePlanes, type ReduceFields } from './fields.js';

export interface CombineSpec extends ReduceFields {
  kind: 'combine';
  finalize: boolean;
  /** The output chunk's shape (its elements are the partial states' slots). */
  outShape: number[];
}

export const combineKind: TaskKind<CombineSpec> = {
  name: 'combine',
  code: 3,
  encode(w, spec) {
    encodeReduce(w, spec);
    w.push(spec.finalize ? 1 : 0);
    w.shape(spec.outShape);
  },
  estimate: (spec) => (spec.finalize ? denseBytes(spec.outShape, spec.outDtype) : reducePlanes(spec) * product(spec.outShape) * 8),
};
