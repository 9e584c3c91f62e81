/**
 * The combine tree: how many partial results become one. Partials are merged in groups of
 * FAN_IN, in the order given, level by level, until one task (the root) remains. The tree's shape
 * depends only on the number of partials, never on which finished first, so a combine whose merge
 * is not associative in floating point (a sum, a variance) gives the same bits for any worker
 * count and any timing. Reductions use it today; group-bys and folds merge their partials the same way.
 */
import type { Task, TaskSpec } from './graph.js';

export const COMBINE_FAN_IN = 8;

export interface CombineLevel<S extends TaskSpec> {
  /** 1 for the level that merges the partials, 2 for the one above, ... */
  depth: number;
  /** The position of this group in its level. */
  group: number;
  /** The keys of the tasks merged. */
  members: string[];
  /** True for the last task (its key is the tree's root key). */
  isRoot: boolean;
  make(key: string): Task<S>;
}

/**
 * The tasks that merge `partials` (task keys) into one task keyed `rootKey`. `makeTask` builds a
 * merge task given its depth, group, members and whether it is the root; it must set its key to
 * `keyOf(depth, group)` for inner tasks and `rootKey` for the root (the tree passes the key).
 * With one partial there is nothing to merge: no tasks (the caller finalizes the partial itself).
 */
export function combineTree<S extends TaskSpec>(
  partials: readonly string[],
  rootKey: string,
  keyOf: (depth: number, group: number) => string,
  makeTask: (key: string, at: { depth: number; group: number; members: string[]; isRoot: boolean }) => Task<S>,
  fanIn = COMBINE_FAN_IN,
): { tasks: Task<S>[]; depth: number } {
  const tasks: Task<S>[] = [];
  let level = [...partials];
  let depth = 0;
  while (level.length > 1) {
    depth++;
    const next: string[] = [];
    const isRoot = level.length <= fanIn;
    for (let g = 0; g < level.length; g += fanIn) {
      const group = g / fanIn;
      const key = isRoot ? rootKey : keyOf(depth, group);
      tasks.push(makeTask(key, { depth, group, members: level.slice(g, g + fanIn), isRoot }));
      next.push(key);
    }
    level = next;
  }
  return { tasks, depth };
}
