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
  const hasDependents = new Set<string>();
  for (const t of g.tasks) for (const d of t.deps) hasDependents.add(d);
  const roots = g.tasks.filter((t) => !hasDependents.has(t.key));
  const done = new Set<string>();
  let next = 0;
  for (const root of roots) {
    // Iterative post-order: a frame is (task, index of the next dependency to visit).
    const stack: [string, number][] = [[root.key, 0]];
    while (stack.length) {
      const frame = stack[stack.length - 1];
      const task = g.byKey.get(frame[0])!;
      if (done.has(task.key)) { stack.pop(); continue; }
      if (frame[1] < task.deps.length) {
        const dep = task.deps[frame[1]++];
        if (!done.has(dep) && g.byKey.has(dep)) stack.push([dep, 0]); // persisted chunks are not tasks
        continue;
      }
      task.priority = next++;
      done.add(task.key);
      stack.pop();
    }
  }
}
