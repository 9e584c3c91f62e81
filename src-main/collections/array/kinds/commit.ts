/** commit: renames a written .npy file into place once every write is done: [writer]. */
import type { TaskKind } from '../../../engine/task-kinds.js';

export interface CommitSpec {
  kind: 'commit';
  writer: number;
}

export const commitKind: TaskKind<CommitSpec> = {
  name: 'commit',
  code: 7,
  encode(w, spec) {
    w.push(spec.writer);
  },
  estimate: () => 0,
};
