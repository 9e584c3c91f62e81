/**
 * Computes bag outputs: a count is a scalar; frequencies (or their top k) are a list of
 * [word, count] pairs, most frequent first (ties by word), inline up to MAX_INLINE_VALUES and
 * written as JSON lines (`<dir>/<name>.jsonl`, through a temporary file and a rename) beyond.
 */
import type { ComputeOptions, Engine, GraphRun } from '../../engine/engine.js';
import type { FileStamp } from '../../engine/executor.js';
import { native } from '../../native/addon.js';
import type { BagPlan } from './evaluate.js';
import { type BagGraph, lowerBags } from './lower.js';

/** Values a list output holds inline; more are written to a file. */
export const MAX_INLINE_VALUES = 10_000;

export type BagOutput =
  | { name: string; kind: 'scalar'; dtype: 'int64'; value: number }
  | { name: string; kind: 'list'; values?: [string, number][]; count: number; path?: string };

export interface BagComputeResult extends Omit<GraphRun, 'chunks'> {
  outputs: BagOutput[];
  layers: BagGraph['graph']['layers'];
}

export interface BagComputeOptions extends ComputeOptions {
  /** Writes a list too long to return inline (JSON lines) and returns its path. */
  writeList(name: string, lines: string[]): Promise<string>;
}

export async function computeBags(engine: Engine, outputs: { name: string; plan: BagPlan }[], opts: BagComputeOptions): Promise<BagComputeResult> {
  const { writeList, ...compute } = opts;
  const { graph, roots } = lowerBags(outputs.map((o) => o.plan));
  const files = new Map<string, FileStamp>();
  for (const o of outputs) for (const f of o.plan.source.files) files.set(f.path, { size: f.size, mtimeNs: f.mtimeNs });
  const owner = engine.newJob();
  try {
    const run = await engine.run(graph, { ...compute, owner, keep: new Set(roots), files });
    const results: BagOutput[] = [];
    for (const [i, o] of outputs.entries()) {
      const { words, counts } = native().readWordCounts(run.chunks.get(roots[i])!);
      if (o.plan.result === 'count') results.push({ name: o.name, kind: 'scalar', dtype: 'int64', value: counts.reduce((a, b) => a + b, 0) });
      else if (o.plan.result === 'distinct_count') results.push({ name: o.name, kind: 'scalar', dtype: 'int64', value: words.length });
      else if (words.length <= MAX_INLINE_VALUES) results.push({ name: o.name, kind: 'list', values: words.map((w, k) => [w, counts[k]]), count: words.length });
      else results.push({ name: o.name, kind: 'list', count: words.length, path: await writeList(o.name, words.map((w, k) => JSON.stringify([w, counts[k]]))) });
    }
    const { chunks: _chunks, ...rest } = run;
    return { ...rest, outputs: results, layers: graph.layers };
  } finally {
    engine.freeJob(owner);
  }
}
