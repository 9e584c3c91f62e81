/**
 * Word counts as tasks (and counts of JSON lines' plucked values, jsonl_count, which make the same
 * tables): a word_count task per partition of the text, merged in the combine
 * tree (engine/combine-tree.ts: fan-in 8, a shape that depends only on the partition count); the
 * root keeps the top k, or sorts every word by count. Outputs over the same text and fold share
 * their partition tasks.
 */
import { textBytes } from './text-source.js';
import { combineTree } from '../../engine/combine-tree.js';
import type { Layer, Task } from '../../engine/graph.js';
import type { WordCountPlan } from './evaluate.js';
import type { JsonlCountSpec, WordCountMergeSpec, WordCountSpec } from './kinds/index.js';

export type WordCountTaskSpec = WordCountSpec | JsonlCountSpec | WordCountMergeSpec;

export interface WordCountTasks {
  tasks: Task<WordCountTaskSpec>[];
  layers: Layer[];
  /** Per plan, the key of the chunk that holds its word counts. */
  roots: string[];
}

/** Word-count tables are small next to their text: a guess for the memory gate (1/8 of the bytes read). */
const TABLE_SHARE = 1 / 8;

export function lowerWordCounts(plans: readonly WordCountPlan[]): WordCountTasks {
  const tasks: Task<WordCountTaskSpec>[] = [];
  const layers: Layer[] = [];
  const counted = new Map<string, { keys: string[]; bytes: number }>();
  const roots = plans.map((p, o) => {
    const jsonl = p.source.kind === 'jsonl';
    const id = `${p.source.files.map((f) => f.path).join('\0')}\0${jsonl ? `jsonl\0${p.source.errors}\0${JSON.stringify(p.pluck)}` : p.fold}`;
    let parts = counted.get(id);
    if (!parts) {
      const layer = `word-count-${counted.size}`;
      const label = jsonl ? `parse${p.pluck!.path.map((k) => `-pluck(${JSON.stringify(k)})`).join('')}-count` : `${p.fold === 'keep' ? '' : `${p.fold}-`}split-count`;
      layers.push({ name: layer, label, kind: jsonl ? 'jsonl_count' : 'word_count', tasks: p.source.partitions.length, deps: [], indexShape: [] });
      const keys = p.source.partitions.map((part, i) => {
        const key = `${layer}:${i}`;
        const estBytes = Math.ceil(textBytes(part) * TABLE_SHARE) + 4096;
        const at = { path: part.path, start: part.start, end: part.end, compression: part.compression, estBytes };
        const spec: WordCountTaskSpec = jsonl
          ? { kind: 'jsonl_count', ...at, skipMalformed: p.source.errors === 'skip', pluck: p.pluck!.path, defaultJson: p.pluck!.defaultJson }
          : { kind: 'word_count', ...at, fold: p.fold };
        tasks.push({ key, layer, index: [i], deps: [], priority: 0, estBytes, spec });
        return key;
      });
      parts = { keys, bytes: Math.ceil(p.source.bytes * TABLE_SHARE) + 4096 };
      counted.set(id, parts);
    }
    const layer = `word-merge-${o}`;
    const top = p.result === 'frequencies' ? p.top ?? 0 : 0;
    const merge = (key: string, members: string[], isRoot: boolean, index: number[]): Task<WordCountTaskSpec> => ({
      key, layer, index, deps: members, priority: 0, estBytes: parts!.bytes,
      spec: { kind: 'word_count_merge', top: isRoot ? top : 0, sorted: isRoot && p.result === 'frequencies', estBytes: parts!.bytes },
    });
    const root = `${layer}:root`;
    // One partition still gets a root task: it sorts or keeps the top k.
    const tree = parts.keys.length > 1
      ? combineTree(parts.keys, root, (d, g) => `${layer}:${d}-${g}`, (key, at) => merge(key, at.members, at.isRoot, [at.depth, at.group])).tasks
      : [merge(root, parts.keys, true, [1, 0])];
    tasks.push(...tree);
    layers.push({ name: layer, label: p.top ? `merge-top${p.top}` : 'merge-counts', kind: 'word_count_merge', tasks: tree.length, deps: [], indexShape: [] });
    return root;
  });
  return { tasks, layers, roots };
}
