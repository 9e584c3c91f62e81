/** linalg: a LAPACK factorisation of whole float64 chunks (native/tasks/kinds/linalg.cc): [fn] with the operands as dependencies. */
import type { TaskKind } from '../../../engine/task-kinds.js';
import { denseBytes } from './fields.js';

export interface LinalgSpec {
  kind: 'linalg';
  fn: 'qr' | 'svd' | 'solve';
  /** The output chunk's shape (for the estimate). */
  shape: number[];
}

const FNS = ['qr', 'svd', 'solve'];

export const linalgKind: TaskKind<LinalgSpec> = {
  name: 'linalg',
  code: 32,
  encode(w, spec) {
    w.push(FNS.indexOf(spec.fn));
    w.push(0);
    if (spec.fn === 'solve') w.push(1);
  },
  // The output, LAPACK's column-major copy of the block and, for QR, dorgtsqr's workspace of
  // about the block again (native/kernels/linalg.cc).
  estimate: (spec) => (spec.fn === 'qr' ? 3 : 2) * denseBytes(spec.shape, 'float64'),
};
