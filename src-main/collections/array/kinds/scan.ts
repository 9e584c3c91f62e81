/**
 * scan: a cumulative sum or product along one axis of a chunk, its input computed by a fused
 * program and its start by a carry chunk (the total of everything before it along the axis):
 * [program, outDtype, iterShape, axis, op, hasCarry, carry?, accesses].
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import type { AccessTemplate } from '../compile.js';
import { denseBytes, dtypeCode, encodeAccesses } from './fields.js';

export interface ScanSpec {
  kind: 'scan';
  program: number;
  accesses: AccessTemplate[];
  iterShape: number[];
  outDtype: DTypeName;
  axis: number;
  op: 'cumsum' | 'cumprod';
  /** The carry's dependency index, or null for the first chunk along the axis. */
  carry: number | null;
}

export const scanKind: TaskKind<ScanSpec> = {
  name: 'scan',
  code: 25,
  encode(w, spec, ctx) {
    w.push(spec.program); w.push(dtypeCode(spec.outDtype));
    w.shape(spec.iterShape);
    w.push(spec.axis); w.push(spec.op === 'cumprod' ? 1 : 0);
    w.push(spec.carry === null ? 0 : 1);
    if (spec.carry !== null) w.push(spec.carry);
    encodeAccesses(w, spec.accesses, ctx);
  },
  estimate: (spec) => denseBytes(spec.iterShape, spec.outDtype),
};
