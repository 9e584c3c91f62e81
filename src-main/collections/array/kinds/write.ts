/**
 * write: one chunk (dependency 0) into an open .npy writer: [writer, offset, shape]. The chunk's
 * elements in C order are the box `shape` at `offset` of the output (for a reshaped output, not
 * the chunk's own shape: its chunks are its input's).
 */
import type { TaskKind } from '../../../engine/task-kinds.js';

export interface WriteSpec {
  kind: 'write';
  writer: number;
  offset: number[];
  shape: number[];
}

export const writeKind: TaskKind<WriteSpec> = {
  name: 'write',
  code: 6,
  encode(w, spec) {
    w.push(spec.writer);
    w.shape(spec.offset);
    w.shape(spec.shape);
  },
  estimate: () => 0, // makes no chunk
};
