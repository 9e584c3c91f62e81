/**
 * copy: a new chunk with the same layout, dtype, shape and bytes as its one dependency. The
 * smallest native kind, kept as the example of what a kind is: this module, its C++ twin
 * (native/tasks/kinds/copy.cc) and one line in each registry. Encoding: no fields.
 */
import type { TaskKind } from '../task-kinds.js';

export interface CopySpec {
  kind: 'copy';
  /** The bytes of the chunk copied (the caller knows them; the spec alone cannot). */
  bytes: number;
}

export const copyKind: TaskKind<CopySpec> = {
  name: 'copy',
  code: 8,
  encode: () => undefined,
  estimate: (spec) => spec.bytes,
};
