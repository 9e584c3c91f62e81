/**
 * Computes bag outputs in one engine job. Word counts (evaluate.ts) run natively; other chains
 * run as programs in the worker threads, after a check that the user functions they name exist
 * (engine/user-modules/check-functions.ts). A reduction to a number or a bool is a scalar (int64
 * when the number is whole: JS numbers do not tell 1.0 from 1; a sum is float64 when an item was
 * not whole); a
 * fold's or a reduction's other values are values (as JSON); a bag is a list, inline up to
 * MAX_INLINE_VALUES and written as JSON lines (`<dir>/<name>.jsonl`, through a temporary file and
 * a rename) beyond. Frequencies are [item, count] pairs, most frequent first.
 */
import type { ComputeOptions, GraphRun, GraphRunner } from '../../engine/engine.js';
import type { FileStamp } from '../../engine/executor.js';
import { finishGraph } from '../../engine/finish-graph.js';
import type { Layer } from '../../engine/graph.js';
import { readChunkValue } from '../../engine/kinds/chunk-value.js';
import { jsonValue } from '../../engine/json-value.js';
import { checkFunctions } from '../../engine/user-modules/check-functions.js';
import { native } from '../../native/addon.js';
import type { BagPlan, ProgramPlan, WordCountPlan } from './evaluate.js';
import { lowerWordCounts, type WordCountTaskSpec } from './lower.js';
import { lowerPrograms, type ProgramTaskSpec } from './lower-program.js';
import { type Aggregation, LIST_AGGREGATIONS } from './program/types.js';

/** Values a list output holds inline; more are written to a file. */
export const MAX_INLINE_VALUES = 10_000;

export type BagOutput =
  | { name: string; kind: 'scalar'; dtype: 'int64' | 'float64' | 'bool'; value: number | boolean | null }
  | { name: string; kind: 'list'; values?: unknown[]; count: number; path?: string }
  | { name: string; kind: 'value'; value: unknown };

export interface BagComputeResult extends Omit<GraphRun, 'chunks'> {
  outputs: BagOutput[];
  layers: Layer[];
}

export interface BagComputeOptions extends ComputeOptions {
  /** Writes a list too long to return inline (JSON lines) and returns its path. */
  writeList(name: string, lines: string[]): Promise<string>;
}

export async function computeBags(engine: GraphRunner, outputs: { name: string; plan: BagPlan }[], opts: BagComputeOptions): Promise<BagComputeResult> {
  const { writeList, ...compute } = opts;
  const words = outputs.filter((o): o is { name: string; plan: WordCountPlan } => o.plan.kind === 'words');
  const programs = outputs.filter((o): o is { name: string; plan: ProgramPlan } => o.plan.kind === 'program');
  const withFunctions = programs.filter((o) => o.plan.module);
  if (withFunctions.length) await checkFunctions(engine, withFunctions[0].plan.module!, withFunctions.flatMap((o) => o.plan.functions), compute);

  const w = lowerWordCounts(words.map((o) => o.plan), engine.workers);
  const p = lowerPrograms(programs.map((o) => ({ plan: o.plan, output: o.name })));
  const graph = finishGraph<WordCountTaskSpec | ProgramTaskSpec>([...w.tasks, ...p.tasks], [...w.layers, ...p.layers]);
  const files = new Map<string, FileStamp>();
  for (const o of outputs) if (o.plan.source.kind === 'text' || o.plan.source.kind === 'jsonl') for (const f of o.plan.source.files) files.set(f.path, { size: f.size, mtimeNs: f.mtimeNs });
  const owner = engine.newJob();
  try {
    const run = await engine.run(graph, { ...compute, owner, keep: new Set([...w.roots, ...p.roots]), files });
    const byName = new Map<string, BagOutput>();
    for (const [i, o] of words.entries()) byName.set(o.name, await wordCountOutput(o.name, o.plan, run.chunks.get(w.roots[i])!, writeList));
    for (const [i, o] of programs.entries()) {
      const value = readChunkValue(run.chunks.get(p.roots[i])!).value;
      byName.set(o.name, await programOutput(o.name, o.plan.stages[o.plan.stages.length - 1].agg, value, writeList));
    }
    const { chunks: _chunks, ...rest } = run;
    return { ...rest, outputs: outputs.map((o) => byName.get(o.name)!), layers: graph.layers };
  } finally {
    engine.freeJob(owner);
  }
}

async function wordCountOutput(name: string, plan: WordCountPlan, chunk: number, writeList: BagComputeOptions['writeList']): Promise<BagOutput> {
  const { words: texts, counts } = native().readWordCounts(chunk);
  // JSON lines count their values by JSON text.
  const words: unknown[] = plan.source.kind === 'jsonl' && plan.result === 'frequencies' ? texts.map((t) => JSON.parse(t)) : texts;
  if (plan.result === 'count') return { name, kind: 'scalar', dtype: 'int64', value: counts.reduce((a, b) => a + b, 0) };
  if (plan.result === 'distinct_count') return { name, kind: 'scalar', dtype: 'int64', value: words.length };
  if (words.length <= MAX_INLINE_VALUES) return { name, kind: 'list', values: words.map((w, k) => [w, counts[k]]), count: words.length };
  return { name, kind: 'list', count: words.length, path: await writeList(name, words.map((w, k) => JSON.stringify([w, counts[k]]))) };
}

async function programOutput(name: string, agg: Aggregation, value: unknown, writeList: BagComputeOptions['writeList']): Promise<BagOutput> {
  if (LIST_AGGREGATIONS.has(agg.op)) {
    const list = value as unknown[];
    if (list.length <= MAX_INLINE_VALUES) return { name, kind: 'list', values: list.map(jsonValue), count: list.length };
    return { name, kind: 'list', count: list.length, path: await writeList(name, list.map((v) => JSON.stringify(jsonValue(v)))) };
  }
  if (agg.op === 'sum') {
    const [total, float] = value as [number, boolean];
    return { name, kind: 'scalar', dtype: float ? 'float64' : 'int64', value: Number.isFinite(total) || !float ? total : null };
  }
  if (typeof value === 'boolean') return { name, kind: 'scalar', dtype: 'bool', value };
  if (typeof value === 'number') {
    const float = agg.op === 'mean' || agg.op === 'var' || agg.op === 'std' || !Number.isInteger(value);
    return { name, kind: 'scalar', dtype: float ? 'float64' : 'int64', value: Number.isFinite(value) || !float ? value : null };
  }
  return { name, kind: 'value', value: jsonValue(value) };
}
