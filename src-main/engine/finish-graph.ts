/** The last step of every collection's lowering: from a list of tasks and layers to a runnable graph. */
import { growBox } from '../api/chunk-numbers.js';
import { TesseraError } from './errors.js';
import type { Layer, Task, TaskGraph, TaskSpec } from './graph.js';
import { order } from './order.js';

/**
 * Completes a collection's tasks and layers into a graph: numbers every dependency once (a key
 * no task makes is -1: a kept chunk), links each layer to the layers it reads and the box its
 * task indices span, and gives every task its priority (order.ts). Keys must be unique.
 */
export function finishGraph<S extends TaskSpec>(tasks: Task<S>[], layers: Layer[]): TaskGraph<S> {
  const indexOf = new Map<string, number>();
  tasks.forEach((t, i) => {
    if (indexOf.has(t.key)) throw new TesseraError('INTERNAL', `duplicate task key ${t.key}`, 'this is a planner bug');
    indexOf.set(t.key, i);
  });
  const depIndex = tasks.map((t) => t.deps.map((d) => indexOf.get(d) ?? -1));
  linkLayers(layers, tasks, depIndex);
  const graph: TaskGraph<S> = { tasks, indexOf, depIndex, layers };
  order(graph);
  return graph;
}

function linkLayers(layers: Layer[], tasks: readonly Task[], depIndex: number[][]): void {
  const deps = new Map<string, Set<string>>(layers.map((l) => [l.name, new Set()]));
  const box = new Map<string, number[]>(layers.map((l) => [l.name, []]));
  tasks.forEach((t, i) => {
    const mine = deps.get(t.layer);
    if (!mine) throw new TesseraError('INTERNAL', `task ${t.key} names no layer of the graph ('${t.layer}')`, 'this is a planner bug');
    for (const j of depIndex[i]) {
      const from = j >= 0 ? tasks[j].layer : undefined;
      if (from !== undefined && from !== t.layer) mine.add(from);
    }
    growBox(box.get(t.layer)!, t.index);
  });
  for (const l of layers) {
    l.deps = [...deps.get(l.name)!];
    const b = box.get(l.name)!;
    const counts = l.grid?.map((g) => g.length);
    l.indexShape = counts && counts.length === b.length && b.every((v, d) => v <= counts[d]) ? counts : b;
  }
}
