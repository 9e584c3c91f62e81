/**
 * The word-count kinds (native/text/word_counts.h), a bag's
 * `[str.lower() | str.upper()].str.split().flatten().frequencies()` run natively end to end:
 * - word_count (code 22): one partition of a text file, the lines that start in [start, end)
 *   (a compressed file whole), split into words, folded and counted. Encoding: [file, start, end, codec,
 *   fold (0 keep, 1 lower, 2 upper)]. No deps.
 * - word_count_merge (code 23): tables added in dependency order (a combine-tree node); the root
 *   may keep the top k. Encoding: [top (0: all), sorted]. Deps: the tables.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';
import { CODECS, type Compression } from '../text-source.js';

export type Fold = 'keep' | 'lower' | 'upper';
const FOLD_CODES: Record<Fold, number> = { keep: 0, lower: 1, upper: 2 };

export interface WordCountSpec {
  kind: 'word_count';
  path: string;
  start: number;
  end: number;
  compression: Compression;
  fold: Fold;
  estBytes: number;
}

export interface WordCountMergeSpec {
  kind: 'word_count_merge';
  /** Keep the k most frequent words (0: all). */
  top: number;
  /** Most frequent first, ties in first-appearance order (a top k always is). */
  sorted: boolean;
  estBytes: number;
}

export const wordCountKind: TaskKind<WordCountSpec> = {
  name: 'word_count',
  code: 22,
  encode(w, spec, ctx) {
    w.push(ctx.fileIndex(spec.path)); w.push(spec.start); w.push(spec.end); w.push(spec.compression ? CODECS[spec.compression] : 0); w.push(FOLD_CODES[spec.fold]);
  },
  estimate: (spec) => spec.estBytes,
};

export const wordCountMergeKind: TaskKind<WordCountMergeSpec> = {
  name: 'word_count_merge',
  code: 23,
  encode(w, spec) {
    w.push(spec.top); w.push(spec.sorted ? 1 : 0);
  },
  estimate: (spec) => spec.estBytes,
};
