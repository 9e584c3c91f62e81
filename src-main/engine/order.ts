/**
 * Static ordering (in the spirit of dask.order): every task gets a priority, and the scheduler
 * always starts the ready task with the smallest one.
 *
 * Policy: priorities are a post-order depth-first walk from the graph's final tasks (in output
 * order), visiting each task's dependencies in the order they are listed. A task therefore comes
 * right after the last input it needs, so the scheduler finishes a subtree (the partials of one
 * combine, the map and the write of one chunk) before it opens the next one, and intermediates
 * are released soon after they are made. Memory held at once grows with the tree's depth and the
 * number of workers, not with the number of chunks.
 */
import type { TaskGraph } from './graph.js';

export function order(g: TaskGraph): void {
  const n = g.tasks.length;
  // Dependencies as task numbers; persisted chunks (not tasks of this graph) are skipped.
  const deps: number[][] = g.depIndex.map((list) => list.filter((j) => j >= 0));
  const hasDependents = new Uint8Array(n);
  for (const list of deps) for (const j of list) hasDependents[j] = 1;
  const done = new Uint8Array(n);
  const stack: number[] = [];  // pairs: task, index of the next dependency to visit
  let next = 0;
  for (let root = 0; root < n; root++) {
    if (hasDependents[root] || done[root]) continue;
    stack.push(root, 0);
    while (stack.length) {
      const top = stack.length - 2;
      const t = stack[top];
      if (done[t]) { stack.length = top; continue; }
      const k = stack[top + 1];
      if (k < deps[t].length) {
        stack[top + 1] = k + 1;
        const d = deps[t][k];
        if (!done[d]) stack.push(d, 0);
        continue;
      }
      g.tasks[t].priority = next++;
      done[t] = 1;
      stack.length = top;
    }
  }
}
