/**
 * sort: np.sort / np.argsort (stable) of every line along one axis of a chunk, its values
 * computed by a fused program: [program, valueDtype, iterShape, axis, argsort, indexBase, accesses].
 * An argsort's positions start at indexBase (the chunk's offset along the axis).
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { denseBytes, dtypeCode, encodeAccesses } from './fields.js';

export interface SortSpec {
  kind: 'sort';
  program: number;
  accesses: AccessTemplate[];
  iterShape: number[];
  valueDtype: DTypeName;
  axis: number;
  argsort: boolean;
  indexBase: number;
}

export const sortKind: TaskKind<SortSpec> = {
  name: 'sort',
  code: 27,
  encode(w, spec, ctx) {
    w.push(spec.program); w.push(dtypeCode(spec.valueDtype));
    w.shape(spec.iterShape);
    w.push(spec.axis); w.push(spec.argsort ? 1 : 0); w.push(spec.indexBase);
    encodeAccesses(w, spec.accesses, ctx);
  },
  // The values, a line and its scratch (an argsort: its positions too, and 16-byte pairs per line).
  estimate: (spec) => denseBytes(spec.iterShape, spec.valueDtype) + (spec.argsort ? denseBytes(spec.iterShape, 'int64') : 0)
    + 2 * spec.iterShape[spec.axis] * (spec.argsort ? 16 : denseBytes([1], spec.valueDtype)),
};
