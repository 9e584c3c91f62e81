/**
 * reduce: a fused program over one chunk's region folded into partial state (or, alone for its
 * output chunk, finalized): [program, reduce, finalize, iterShape, ...reduced, indexBase,
 * ...indexStrides, outShape, accesses].
 */
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { product } from '../grid.js';
import { denseBytes, encodeAccesses, encodeReduce, reducePlanes, type ReduceFields } from './fields.js';

export interface ReduceSpec extends ReduceFields {
  kind: 'reduce';
  program: number;
  accesses: AccessTemplate[];
  iterShape: number[];
  /** Per iteration dimension: 1 where it is reduced. */
  reduced: number[];
  /** argmin/argmax: the flat index of iteration point 0, and each dimension's step in it. */
  indexBase: number;
  indexStrides: number[];
  finalize: boolean;
  outShape?: number[];
}

export const reduceKind: TaskKind<ReduceSpec> = {
  name: 'reduce',
  code: 2,
  encode(w, spec, ctx) {
    w.push(spec.program);
    encodeReduce(w, spec);
    w.push(spec.finalize ? 1 : 0);
    w.shape(spec.iterShape);
    w.list(spec.reduced); w.push(spec.indexBase); w.list(spec.indexStrides);
    w.shape(spec.outShape ?? []);
    encodeAccesses(w, spec.accesses, ctx);
  },
  // Finalized: the output chunk; else the partial state, one slot per kept iteration point.
  estimate: (spec) => (spec.finalize ? denseBytes(spec.outShape!, spec.outDtype) : reducePlanes(spec) * product(spec.iterShape.map((s, d) => (spec.reduced[d] ? 1 : s))) * 8),
};
