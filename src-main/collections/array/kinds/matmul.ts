/** matmul: one output block from block pairs along the inner dimension: [ctype, m, n, outDtype, pairs, ...(k, accessA, accessB)]. */
import type { CTypeName, DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { CTYPES, denseBytes, dtypeCode, encodeAccess } from './fields.js';

export interface MatmulSpec {
  kind: 'matmul';
  type: CTypeName;
  a: AccessTemplate[];
  b: AccessTemplate[];
  k: number[];
  m: number;
  n: number;
  outDtype: DTypeName;
}

export const matmulKind: TaskKind<MatmulSpec> = {
  name: 'matmul',
  code: 5,
  encode(w, spec, ctx) {
    w.push(CTYPES.indexOf(spec.type)); w.push(spec.m); w.push(spec.n); w.push(dtypeCode(spec.outDtype)); w.push(spec.k.length);
    spec.k.forEach((k, i) => { w.push(k); encodeAccess(w, spec.a[i], ctx); encodeAccess(w, spec.b[i], ctx); });
  },
  estimate: (spec) => denseBytes([spec.m, spec.n], spec.outDtype),
};
