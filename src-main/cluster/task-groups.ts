/**
 * How a job's tasks go to a cluster: in groups, one Dask task each. A task takes with it the
 * source tasks only it reads (tasks that read no chunk: a reduction's partials over generated or
 * file data), so a combine and the partials under it are one call to a task host, and the chunks
 * between them never leave it. Every other task is a group of its own. Dask then schedules a
 * fraction of the tasks, and each group's inputs are the outputs of other groups (the chunks Dask
 * moves). Kept chunks (the job's outputs) are never taken into another task's group.
 */
import type { TaskGraph } from '../engine/graph.js';

export interface TaskGroup {
  /** The key of the group's last task, whose chunk the group makes (its Dask key). */
  key: string;
  /** Task numbers in the order they run, the group's own task last. */
  members: number[];
  /** Keys of the chunks it reads from other groups, each once. */
  inputs: string[];
}

export function groupTasks(graph: Pick<TaskGraph, 'tasks' | 'depIndex'>, outputKeys: ReadonlySet<string>): TaskGroup[] {
  const n = graph.tasks.length;
  const readers = new Int32Array(n);
  for (const deps of graph.depIndex) for (const d of deps) if (d >= 0) readers[d]++;
  const absorbed = new Uint8Array(n);
  const groups: TaskGroup[] = [];
  const absorbable = (d: number) => d >= 0 && readers[d] === 1 && graph.depIndex[d].length === 0 && !outputKeys.has(graph.tasks[d].key);
  for (let i = 0; i < n; i++) {
    const deps = graph.depIndex[i];
    for (const d of deps) if (absorbable(d)) absorbed[d] = 1;
  }
  for (let i = 0; i < n; i++) {
    if (absorbed[i]) continue;
    const members: number[] = [];
    const inputs: string[] = [];
    graph.depIndex[i].forEach((d, k) => {
      if (absorbed[d]) members.push(d);
      else if (!inputs.includes(graph.tasks[i].deps[k])) inputs.push(graph.tasks[i].deps[k]);
    });
    members.push(i);
    groups.push({ key: graph.tasks[i].key, members, inputs });
  }
  return groups;
}
