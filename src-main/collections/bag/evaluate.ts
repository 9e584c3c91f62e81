/**
 * Bag outputs: a method chain on a bag dataset (chain.ts) becomes a plan. The word-count family
 * on text runs natively end to end, with no JS string per word (lower.ts, kinds/word-count.ts):
 *
 *   t.str.split().flatten().frequencies()            every word and its count
 *   t.str.lower().str.split().flatten().frequencies().topk(10, key=1)
 *   t.str.split().flatten().count()                  words in all
 *   t.str.split().flatten().distinct().count()       distinct words (frequencies().count() too)
 *
 * (`str.upper()` folds as `str.lower()` does.) Over JSON lines, `j.pluck('user').frequencies()` (any
 * number of plucks of one key or index, the same results after it) runs natively the same way,
 * counting the plucked values' JSON texts (kinds/jsonl-count.ts). Every other chain is a program the bag kinds run
 * in the worker threads (program/, lower-program.ts).
 */
import { TesseraError } from '../../engine/errors.js';
import type { FunctionsModule } from '../../engine/user-modules/check-functions.js';
import { parseChain } from './chain.js';
import type { Fold } from './kinds/index.js';
import type { Stage } from './program/types.js';
import type { RangeSource, SequenceSource } from './sequence-source.js';
import type { TextSource } from './text-source.js';

export type BagSource = TextSource | SequenceSource | RangeSource;

export type WordCountResult = 'frequencies' | 'count' | 'distinct_count';

export interface WordCountPlan {
  kind: 'words';
  /** Text (words counted) or JSON lines (plucked values counted, by their JSON text). */
  source: TextSource;
  fold: Fold;
  /** JSON lines: the keys plucked in turn, and the value of a record that lacks them (as JSON). */
  pluck?: { path: (string | number)[]; defaultJson?: string };
  result: WordCountResult;
  /** topk(k, key=1): the k most frequent (frequencies only). */
  top?: number;
}

export interface ProgramPlan {
  kind: 'program';
  /** The bag dataset it reads, and how. */
  dataset: string;
  source: BagSource;
  stages: Stage[];
  /** The module of the user's functions, when the chain names any. */
  module: FunctionsModule | null;
  functions: string[];
}

export type BagPlan = WordCountPlan | ProgramPlan;

export function evaluateBagOutput(src: string, bags: ReadonlyMap<string, BagSource>, module: FunctionsModule | null): BagPlan {
  const chain = parseChain(src, (n) => bags.has(n));
  const source = bags.get(chain.dataset)!;
  if (chain.functions.length && !module) {
    throw new TesseraError('USER_FUNCTION_NOT_FOUND', `the output calls ${chain.functions.map((f) => `'${f}'`).join(', ')}, but the spec names no "functions" module`,
      'add "functions": "pipeline.ts" (the module that exports them) to the spec; the builtins len, int, float, bool, abs and json.loads need none');
  }
  if (source.kind === 'text' || source.kind === 'jsonl') {
    const words = source.kind === 'text' ? wordCount(chain.stages) : jsonlCount(chain.stages);
    if (words) return { kind: 'words', source, ...words };
  }
  return { kind: 'program', dataset: chain.dataset, source, stages: chain.stages, module: chain.functions.length ? module : null, functions: chain.functions };
}

/** The native word counter's plan, when the stages are one of its chains. */
function wordCount(stages: readonly Stage[]): Omit<WordCountPlan, 'kind' | 'source'> | null {
  const steps = stages[0].steps.map((s) => (s.op === 'str' ? (s.args.length ? 'str.?' : `str.${s.method}`) : s.op));
  let fold: Fold = 'keep';
  if (steps[0] === 'str.lower' || steps[0] === 'str.upper') fold = steps.shift() === 'str.lower' ? 'lower' : 'upper';
  if (steps.join() !== 'str.split,flatten') return null;
  const result = countResult(stages);
  return result && { fold, ...result };
}

/** The native JSON-lines counter's plan: plucks of one key or index each (a default on the last only), then a count. */
function jsonlCount(stages: readonly Stage[]): Omit<WordCountPlan, 'kind' | 'source'> | null {
  const path: (string | number)[] = [];
  let defaultJson: string | undefined;
  for (const s of stages[0].steps) {
    if (s.op !== 'pluck' || Array.isArray(s.key) || defaultJson !== undefined) return null;
    path.push(s.key);
    if (s.hasDefault) defaultJson = JSON.stringify(s.default ?? null);
  }
  const result = countResult(stages);
  return result && { fold: 'keep', pluck: { path, defaultJson }, ...result };
}

/** What the counted values give: frequencies (or their top k), their count, or the count of distinct ones. */
function countResult(stages: readonly Stage[]): Pick<WordCountPlan, 'result' | 'top'> | null {
  const [first, second, ...rest] = stages;
  if (rest.length) return null;
  const then = second && !second.steps.length ? second.agg : second ? null : undefined;
  if (then === null) return null;
  const agg = first.agg;
  if (agg.op === 'count' && !then) return { result: 'count' };
  if ((agg.op === 'frequencies' || (agg.op === 'distinct' && !agg.key)) && then?.op === 'count') return { result: 'distinct_count' };
  if (agg.op === 'frequencies' && !then) return { result: 'frequencies' };
  if (agg.op === 'frequencies' && then?.op === 'topk' && then.k >= 1 && then.key && 'get' in then.key && then.key.get === 1) return { result: 'frequencies', top: then.k };
  return null;
}
