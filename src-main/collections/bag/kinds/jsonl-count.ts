/**
 * The jsonl_count kind (native/tasks/kinds/jsonl_count.cc, code 24): one partition of a JSON-lines
 * file, each line validated and plucked by simdjson, the plucked values' JSON texts counted into a
 * word-count table that word_count_merge merges (a bag's `pluck(key).frequencies()` with no JS
 * value per record). Encoding: [file, start, end, codec (0 none, 1 gzip, 2 bz2, 3 zstd), skip_malformed, has_default, default
 * (string: JSON text), nsteps, ...(is_index, key string or index)]. No deps.
 */
import type { TaskKind } from '../../../engine/task-kinds.js';
import { CODECS, type Compression } from '../text-source.js';

export interface JsonlCountSpec {
  kind: 'jsonl_count';
  path: string;
  start: number;
  end: number;
  compression: Compression;
  skipMalformed: boolean;
  /** The keys and indices plucked in turn (none: the whole record). */
  pluck: (string | number)[];
  /** The value for a record without them, as JSON text (undefined: such a record is an error). */
  defaultJson?: string;
  estBytes: number;
}

export const jsonlCountKind: TaskKind<JsonlCountSpec> = {
  name: 'jsonl_count',
  code: 24,
  encode(w, spec, ctx) {
    w.push(ctx.fileIndex(spec.path)); w.push(spec.start); w.push(spec.end); w.push(spec.compression ? CODECS[spec.compression] : 0); w.push(spec.skipMalformed ? 1 : 0);
    w.push(spec.defaultJson === undefined ? 0 : 1); w.push(ctx.stringIndex(spec.defaultJson ?? ''));
    w.push(spec.pluck.length);
    for (const k of spec.pluck) {
      if (typeof k === 'number') { w.push(1); w.push(k); } else { w.push(0); w.push(ctx.stringIndex(k)); }
    }
  },
  estimate: (spec) => spec.estBytes,
};
