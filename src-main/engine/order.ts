/**
 * Static ordering (in the spirit of dask.order): every task gets a priority, and the scheduler
 * always starts the ready task with the smallest one.
 *
 * Policy: a task comes right after the last input it needs. Priorities are given by a post-order
 * depth-first walk from the graph's final tasks (in output order), visiting each task's
 * dependencies in the order they are listed; and whenever a task gets its priority, each of its
 * dependents whose inputs all have theirs gets the next ones at once (in graph order, and so on
 * from each), whichever output it belongs to. So the scheduler finishes a subtree (the partials of
 * one combine, the map and the write of one chunk) before it opens the next one, and a chunk that
 * several outputs read is read by all of them while it is in memory, not kept (or spilled) until
 * the walk reaches the last output's subtree. Memory held at once grows with the trees' depth and
 * the number of workers, not with the number of chunks or outputs.
 */
import type { TaskGraph } from './graph.js';

export function order(g: TaskGraph): void {
  const n = g.tasks.length;
  // Dependencies as task numbers (each once); persisted chunks (not tasks of this graph) are skipped.
  const deps: number[][] = g.depIndex.map((list) => [...new Set(list.filter((j) => j >= 0))]);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  deps.forEach((list, i) => { for (const j of list) dependents[j].push(i); });
  // Per task, its dependencies without a priority yet.
  const waiting = Int32Array.from(deps, (list) => list.length);
  const done = new Uint8Array(n);
  let next = 0;

  /** Gives t the next priority, then the dependents that became orderable, depth first. */
  const assign = (first: number): void => {
    const pending = [first];
    while (pending.length) {
      const t = pending.pop()!;
      if (done[t]) continue;
      g.tasks[t].priority = next++;
      done[t] = 1;
      const ds = dependents[t];
      // In reverse onto the stack, so the first in graph order comes next.
      for (let k = ds.length - 1; k >= 0; k--) if (--waiting[ds[k]] === 0 && !done[ds[k]]) pending.push(ds[k]);
    }
  };

  const stack: number[] = [];  // pairs: task, index of the next dependency to visit
  for (let root = 0; root < n; root++) {
    if (dependents[root].length || done[root]) continue;
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
      assign(t);
      stack.length = top;
    }
  }
}
