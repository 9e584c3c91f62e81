/**
 * Names each layer by the outputs it computes for, as "mean · normal-sum" rather than a bare
 * operation: a job with several reductions otherwise lists "sum-combine" three times, with no way
 * to tell whose. A layer's outputs are those whose result chunks depend on it (through the
 * layers' links finishGraph made); a layer several outputs share names the first two, and how
 * many more.
 */
import type { TaskGraph } from './graph.js';

export function labelLayersByOutput(graph: TaskGraph, outputs: readonly { name: string; keys: readonly string[] }[]): void {
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const owners = new Map<string, string[]>();
  for (const o of outputs) {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const k of o.keys) {
      const i = graph.indexOf.get(k);
      if (i !== undefined) stack.push(graph.tasks[i].layer);
    }
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const list = owners.get(name) ?? [];
      list.push(o.name);
      owners.set(name, list);
      stack.push(...(byName.get(name)?.deps ?? []));
    }
  }
  for (const l of graph.layers) {
    const o = owners.get(l.name);
    if (o?.length) l.label = `${o.length > 2 ? `${o.slice(0, 2).join(', ')} +${o.length - 2}` : o.join(', ')} · ${l.label}`;
  }
}
