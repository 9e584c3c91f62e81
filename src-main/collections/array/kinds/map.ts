/** map: a fused elementwise program over one chunk's region: [program, outDtype, iterShape, outShape, accesses]. */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { denseBytes, dtypeCode, encodeAccesses } from './fields.js';

export interface MapSpec {
  kind: 'map';
  program: number;
  accesses: AccessTemplate[];
  iterShape: number[];
  outDtype: DTypeName;
  /** Same element count as iterShape (a reshape relabels). */
  outShape: number[];
}

export const mapKind: TaskKind<MapSpec> = {
  name: 'map',
  code: 1,
  encode(w, spec, ctx) {
    w.push(spec.program); w.push(dtypeCode(spec.outDtype));
    w.shape(spec.iterShape);
    w.shape(spec.outShape);
    encodeAccesses(w, spec.accesses, ctx);
  },
  estimate: (spec) => denseBytes(spec.outShape, spec.outDtype),
};
