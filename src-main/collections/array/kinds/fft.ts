/**
 * fft: a discrete Fourier transform of every line along the last axis of one chunk
 * (native/tasks/kinds/fft.cc): [op, n, scale, outDtype, lines, nIn, shape] with the input as
 * dependency 0, read as `lines` lines of `nIn` values (a reshape's chunk keeps its input's shape).
 */
import type { DTypeName } from '../../../native/addon.js';
import type { TaskKind } from '../../../engine/task-kinds.js';
import { denseBytes, dtypeCode } from './fields.js';

export interface FftSpec {
  kind: 'fft';
  fn: 'c2c' | 'c2c_inverse' | 'r2c' | 'c2r' | 'r2c_full' | 'r2c_full_inverse';
  /** The transform's length. */
  n: number;
  /** What every output is multiplied by (numpy's norm). */
  scale: number;
  outDtype: DTypeName;
  /** The input's lines (the product of its other axes) and their length. */
  lines: number;
  nIn: number;
  /** The output chunk's shape. */
  shape: number[];
}

const OPS = ['c2c', 'c2c_inverse', 'r2c', 'c2r', 'r2c_full', 'r2c_full_inverse'];

export const fftKind: TaskKind<FftSpec> = {
  name: 'fft',
  code: 33,
  encode(w, spec) {
    w.push(OPS.indexOf(spec.fn));
    w.push(spec.n);
    w.push(spec.scale);
    w.push(dtypeCode(spec.outDtype));
    w.push(spec.lines);
    w.push(spec.nIn);
    w.shape(spec.shape);
    w.push(0);
  },
  estimate: (spec) => denseBytes(spec.shape, spec.outDtype),
};
