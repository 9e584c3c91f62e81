/**
 * A bag pipeline as it crosses to the worker threads: plain JSON, built by the planner
 * (chain.ts) and run by the bag kinds (kinds/bag-program.ts).
 *
 * A pipeline is stages. The first stage runs once per partition: its element steps (map, filter,
 * flatten, pluck, str methods, ...) run item by item over the partition's items, and its
 * aggregation makes a partial (a count, a sum, a table of frequencies, the partition's list);
 * the combine tree merges partials in partition order, and the root finishes the aggregation.
 * A later stage runs in the root over the one list the stage before made (dask's bags after
 * `frequencies()` or `distinct()` are one-partition bags too): `frequencies().topk(10, key=1)`,
 * `distinct().count()`, `foldby(...).map(fn)`.
 */

/** A function of the user's module, or one of the Python builtins a dask.bag user passes (`len`, `json.loads`). */
export type FnRef = { user: string } | { builtin: Builtin };
export type Builtin = 'len' | 'int' | 'float' | 'bool' | 'abs' | 'json.loads';

/** A key of an item: a function of it, or `item[get]` (dask's `key=1`, `key='name'`). */
export type KeyRef = { fn: FnRef } | { get: string | number };

export type StrMethod = 'lower' | 'upper' | 'strip' | 'lstrip' | 'rstrip' | 'split' | 'replace' | 'startswith' | 'endswith' | 'contains' | 'len';

export type Step =
  | { op: 'map'; fn: FnRef; args: unknown[] }
  | { op: 'filter'; fn: FnRef; keep: boolean }
  | { op: 'flatten' }
  | { op: 'pluck'; key: string | number | (string | number)[]; default?: unknown; hasDefault: boolean }
  | { op: 'str'; method: StrMethod; args: unknown[] }
  | { op: 'map_partitions'; fn: FnRef };

/** Set only where the user gave one (`fold(add, initial=0)`). */
export type Initial = { value: unknown } | null;

export type Aggregation =
  | { op: 'list' }
  | { op: 'count' }
  | { op: 'sum' }
  | { op: 'min' }
  | { op: 'max' }
  | { op: 'mean' }
  | { op: 'var' | 'std'; ddof: number }
  | { op: 'all' }
  | { op: 'any' }
  | { op: 'frequencies' }
  | { op: 'distinct'; key: KeyRef | null }
  | { op: 'topk'; k: number; key: KeyRef | null }
  /** npartitions: the leading partitions read (-1: all), as dask's take(k, npartitions=1). */
  | { op: 'take'; k: number; npartitions: number }
  /** The table schema of the first k items (item-schema.ts): what to_dataframe infers; not in the chain's language. */
  | { op: 'columns'; k: number; npartitions: number; names: string[] | null }
  | { op: 'fold'; binop: FnRef; combine: FnRef | null; initial: Initial }
  | { op: 'foldby'; key: KeyRef; binop: FnRef; initial: Initial; combine: FnRef | null; combineInitial: Initial }
  | { op: 'groupby'; key: KeyRef }
  | { op: 'reduction'; perpartition: FnRef; aggregate: FnRef };

export interface Stage {
  steps: Step[];
  agg: Aggregation;
}

/** The aggregations that need only the first k items (of their leading partitions): take, and to_dataframe's schema. */
export const takesFirst = (agg: Aggregation): agg is Extract<Aggregation, { op: 'take' | 'columns' }> => agg.op === 'take' || agg.op === 'columns';

/** What an aggregation's result is: a list (a bag again), or one value. */
export const LIST_AGGREGATIONS: ReadonlySet<Aggregation['op']> = new Set(['list', 'frequencies', 'distinct', 'topk', 'take', 'foldby', 'groupby']);

/** One partition's items: lines of a text range (or their records, JSON lines), a slice of a sequence, or a range of integers. */
export type PartitionSource =
  | { text: { path: string; start: number; end: number; compression: 'gzip' | 'bz2' | 'zstd' | null; size: number; mtimeNs: string; jsonl?: { skip: boolean } } }
  | { items: unknown[] }
  | { range: [number, number] };

export interface Program {
  stages: Stage[];
  /** The module of the user's functions the steps name, if any. */
  module: { path: string; version: string } | null;
}
