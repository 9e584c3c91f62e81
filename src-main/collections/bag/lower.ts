/**
 * Word counts as tasks (and counts of JSON lines' plucked values, jsonl_count, which make the same
 * tables): a word_count task per range of the text (countRanges), merged in the combine
 * tree (engine/combine-tree.ts: fan-in 8, a shape that depends only on the range count); the
 * root keeps the top k, or sorts every word by count. Outputs over the same text and fold share
 * their range tasks.
 */
import { textBytes, type TextPartition, type TextSource } from './text-source.js';
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

/** The most bytes of text one count task reads when the blocksize is the default. */
export const COUNT_RANGE_BYTES = 64 * 2 ** 20;

/**
 * The byte ranges the count tasks read. A count streams its range in 256 KiB blocks
 * (native/io/owned_lines.h), so a range's size costs no memory, while each range's table has a
 * fixed cost: every distinct word is inserted anew, then encoded and merged (about 4 ms for the
 * Brown corpus' 50,000 words; with 16 MiB ranges a one-worker count of 200 MB took 15-20 % longer
 * than with 64 MiB ones). So when the blocksize is the default, adjacent partitions of one file are
 * read by one task, up to COUNT_RANGE_BYTES, keeping at least two tasks per worker. A range
 * [start of the first, end of the last) owns exactly the lines its partitions own. A blocksize the
 * spec sets is kept as it is, and so is each compressed file (one partition already).
 */
export function countRanges(source: TextSource, workers: number): TextPartition[] {
  if (source.blocksizeGiven) return source.partitions;
  const target = Math.min(COUNT_RANGE_BYTES, Math.ceil(source.bytes / (2 * Math.max(1, workers))));
  const out: TextPartition[] = [];
  for (const p of source.partitions) {
    const last = out[out.length - 1];
    if (last && !p.compression && !last.compression && last.path === p.path && last.end === p.start && p.end - last.start <= target) out[out.length - 1] = { ...last, end: p.end };
    else out.push(p);
  }
  return out;
}

export function lowerWordCounts(plans: readonly WordCountPlan[], workers: number): WordCountTasks {
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
      const ranges = countRanges(p.source, workers);
      layers.push({ name: layer, label, kind: jsonl ? 'jsonl_count' : 'word_count', tasks: ranges.length, deps: [], indexShape: [] });
      const keys = ranges.map((part, i) => {
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
