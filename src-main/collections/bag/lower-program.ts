/**
 * Bag programs as task graphs: a bag_partition task per partition of the source (its items
 * through the first stage, then that stage's partial), merged by bag_combine tasks in the combine
 * tree (engine/combine-tree.ts); the root always runs, even over one partition, since it finishes
 * the aggregation and runs the later stages. Outputs whose first stages read the same source the
 * same way share their partition tasks. `take(k)` reads only its leading partitions, as dask's does.
 */
import { textBytes } from './text-source.js';
import { combineTree } from '../../engine/combine-tree.js';
import type { Layer, Task } from '../../engine/graph.js';
import type { BagCombineSpec, BagPartitionSpec } from './kinds/index.js';
import type { BagSource, ProgramPlan } from './evaluate.js';
import { type Aggregation, type PartitionSource, type Program, type Stage, takesFirst } from './program/types.js';

export type ProgramTaskSpec = BagPartitionSpec | BagCombineSpec;

interface Partition {
  source: PartitionSource;
  label: string;
  /** About what its items take in memory, for the memory gate. */
  bytes: number;
}

/** What a partial takes next to its partition's items: all of them for lists, a share for tables, little for a number. */
function partialShare(agg: Aggregation): number {
  switch (agg.op) {
    case 'list': case 'groupby': return 2;
    case 'frequencies': case 'distinct': case 'foldby': return 0.5;
    default: return 0;
  }
}

export function partitionsOf(source: BagSource): Partition[] {
  switch (source.kind) {
    case 'text':
    case 'jsonl': {
      const jsonl = source.kind === 'jsonl' ? { jsonl: { skip: source.errors === 'skip' } } : {};
      const stamps = new Map(source.files.map((f) => [f.path, f]));
      return source.partitions.map((p, i) => {
        const f = stamps.get(p.path)!;
        return {
          source: { text: { path: p.path, start: p.start, end: p.end, compression: p.compression, size: f.size, mtimeNs: f.mtimeNs, ...jsonl } } satisfies PartitionSource,
          label: `partition ${i}: ${p.path}${p.compression ? '' : ` bytes ${p.start}-${p.end}`}`,
          bytes: 2 * textBytes(p),
        };
      });
    }
    case 'sequence': {
      let first = 0;
      return source.parts.map((items, i) => {
        const label = `partition ${i} (items ${first}-${first + items.length - 1})`;
        first += items.length;
        return { source: { items }, label, bytes: 2 * (JSON.stringify(items)?.length ?? 0) + 64 };
      });
    }
    case 'range':
      return source.parts.map(([a, b], i) => ({ source: { range: [a, b] }, label: `partition ${i} (${a} to ${b - 1})`, bytes: 16 * (b - a) + 64 }));
  }
}

export function lowerPrograms(plans: readonly { plan: ProgramPlan; output: string }[]): { tasks: Task<ProgramTaskSpec>[]; layers: Layer[]; roots: string[] } {
  const tasks: Task<ProgramTaskSpec>[] = [];
  const layers: Layer[] = [];
  const shared = new Map<string, string[]>();
  const roots = plans.map(({ plan, output }) => {
    const first = plan.stages[0];
    let parts = partitionsOf(plan.source);
    if (takesFirst(first.agg) && first.agg.npartitions !== -1) parts = parts.slice(0, first.agg.npartitions);
    const firstOnly: Program = { stages: [first], module: plan.module };
    const program = JSON.stringify(firstOnly);
    const sourceId = plan.source.kind === 'text' || plan.source.kind === 'jsonl' ? plan.source.files.map((f) => `${f.path}\0${f.mtimeNs}`).join('\0') : `dataset ${plan.dataset}`;
    const id = `${plan.source.kind}\0${plan.source.kind === 'jsonl' ? plan.source.errors : ''}\0${sourceId}\0${program}\0${parts.map((p) => p.label).join('\n')}`; // labels name each partition's file and byte range
    const share = partialShare(first.agg);
    let keys = shared.get(id);
    if (!keys) {
      const layer = `bag-${output}`;
      layers.push({ name: layer, label: label(first, true), kind: 'bag_partition', tasks: parts.length, deps: [], indexShape: [] });
      keys = parts.map((p, i) => {
        const key = `${layer}:${i}`;
        const estBytes = Math.ceil(p.bytes * share) + 4096;
        tasks.push({ key, layer, index: [i], deps: [], priority: 0, estBytes, spec: { kind: 'bag_partition', program, source: p.source, label: p.label, last: i === parts.length - 1, estBytes } });
        return key;
      });
      shared.set(id, keys);
    }
    const layer = `bag-${output}-combine`;
    const whole = JSON.stringify({ stages: plan.stages, module: plan.module } satisfies Program);
    const estBytes = Math.ceil(parts.reduce((s, p) => s + p.bytes, 0) * share) + 4096;
    const root = `${layer}:root`;
    const merge = (key: string, members: string[], isRoot: boolean, index: number[]): Task<ProgramTaskSpec> => ({
      key, layer, index, deps: members, priority: 0, estBytes,
      spec: { kind: 'bag_combine', program: isRoot ? whole : program, root: isRoot, label: `${output}: combining ${members.length} partials`, estBytes },
    });
    const tree = keys.length > 1
      ? combineTree(keys, root, (d, g) => `${layer}:${d}-${g}`, (key, at) => merge(key, at.members, at.isRoot, [at.depth, at.group])).tasks
      : [merge(root, keys, true, [1, 0])];
    tasks.push(...tree);
    layers.push({ name: layer, label: plan.stages.slice(1).reduce((s, st) => `${s}-${label(st, false)}`, `combine-${first.agg.op}`), kind: 'bag_combine', tasks: tree.length, deps: [], indexShape: [] });
    return root;
  });
  return { tasks, layers, roots };
}

/** A stage for people: its steps and aggregation, as "map(parse)-filter(ok)-frequencies". */
function label(stage: Stage, partial: boolean): string {
  const names = stage.steps.map((s) => {
    if (s.op === 'str') return `str.${s.method}`;
    if (s.op === 'map' || s.op === 'filter' || s.op === 'map_partitions') return `${s.op === 'filter' && !s.keep ? 'remove' : s.op}(${'user' in s.fn ? s.fn.user : s.fn.builtin})`;
    return s.op;
  });
  if (stage.agg.op !== 'list' || !partial) names.push(stage.agg.op);
  return names.join('-') || 'items';
}
