/**
 * Lowering a table plan into tasks.
 *
 * - A chain of selections, computed columns and filters over one input is a pipeline: its
 *   expressions composed into expressions over the input's columns, and its filters and-ed.
 * - A pipeline over a source reads only the columns its expressions use (projection pushdown);
 *   when it only selects columns, the read tasks are its partitions. Otherwise one table_map task
 *   per partition runs it.
 * - A group-by runs its input pipeline inside its partial tasks (one per partition, no
 *   intermediate partition) and merges the partials in the combine tree; the root finishes.
 *   Its result is one partition.
 * - head(n) over a plain read takes the first partition (as dask.dataframe's head does); the run
 *   checks it held n rows and, if not, runs again over every partition (compute.ts).
 * - A sort of more than one partition is cut into ranges (rangeSort); a merge probes each
 *   partition of one side against the other side whole, or, where that side is too large for the
 *   memory limit or the caches, joins bucket by bucket of a hash split of both (bucketJoin);
 *   drop_duplicates under a limit its table exceeds finds first occurrences bucket by bucket too.
 * Each output is the list of its partitions' chunk keys, in row order.
 */
import { combineTree } from '../../engine/combine-tree.js';
import { labelLayersByOutput } from '../../engine/layer-owners.js';
import { finishGraph } from '../../engine/finish-graph.js';
import { type Layer, type Task, type TaskGraph, type TaskSpec, taskKey } from '../../engine/graph.js';
import { type ColExpr, columnsOf } from './column-expr.js';
import './kinds/index.js'; // registers the collection's task kinds
import type { DenseDType, FirstRowsSpec, GroupByMergeSpec, GroupByPartialSpec, HashJoinSpec, HashSplitSpec, RangeRowsSpec, SliceRowsSpec, SortRowsSpec, TableMapSpec, TableToDenseSpec, WindowSpec } from './kinds/index.js';
import { TesseraError } from '../../engine/errors.js';
import { ProgramBuilder } from './kinds/table-program.js';
import { bytesPerValue, type Column } from './schema.js';
import { inputsOf, type JoinOutput, planKey, type Rows, rowsOf, type TableNode } from './table-node.js';
import type { SourceFile } from './table-source.js';
import { writeTasks } from './write-tasks.js';

export interface TableOutputPlan {
  name: string;
  columns: Column[];
  /** The partitions' chunk keys, in row order. */
  keys: string[];
  /** Rows to keep from the start (head). */
  limit?: number;
  /** Rows to keep from the end (tail). */
  tail?: number;
  /** Heads that read only a first partition: a chunk with fewer than n rows means run again reading every partition. */
  heads: { key: string; n: number }[];
  /**
   * A table streamed to its file by this run (LowerOptions.stream): its partitions go to the
   * writer as they are made, and `keys` is one chunk of its first inlineRows + 1 rows (none
   * when every table is written), which are the result when the table has no more than inlineRows.
   */
  streamed?: { writer: number; commit: string };
}

/** What LowerOptions.stream says of an output it streams to a file. */
export interface StreamedOutput {
  writer: number;
  /** The commit removes the file when the table has at most this many rows (they come back inline); unset: always kept. */
  inlineRows?: number;
}

export interface TableGraph extends TaskGraph<TaskSpec> {
  outputs: TableOutputPlan[];
}

export interface LowerOptions {
  /** Heads read every partition (the second try after a first partition was too short). */
  fullHeads?: boolean;
  /** What all outputs ask of each source's partitions (a first lowering's reads): one read serves every output. */
  sharedReads?: ReadonlyMap<string, ReadRequests>;
  /**
   * Whether to write an output to its file in this run (a writer, declared), asked of each whole
   * table output (no head, tail or first-partition read) with the bytes the planner expects it to hold.
   */
  stream?: (o: { name: string; columns: Column[]; estBytes: number }) => StreamedOutput | null;
  /** The job's memory limit: joins too large for it are cut into hash buckets. */
  memoryLimit?: number;
}

/** A lowered table: its partitions' keys and estimated bytes. */
/** What outputs ask of one source's partitions: the columns they use, and the filter terms (as JSON) each would push. */
interface ReadRequests {
  columns: Set<string>;
  terms: Set<string>;
}

interface Partitions {
  layer: string;
  keys: string[];
  bytes: number[];
  columns: Column[];
  /** Rows to keep from the end (`tail`), then of those from the start (`limit`), when the partitions hold more. */
  limit?: number;
  tail?: number;
  /** Heads that read only a first partition: each chunk must hold n rows, or the run is redone in full. */
  heads?: { key: string; n: number }[];
}

class TableLowering {
  readonly tasks: Task<TaskSpec>[] = [];
  readonly layers: Layer[] = [];
  private readonly memo = new Map<string, Partitions>();

  constructor(private readonly opts: LowerOptions) {}

  private layer(label: string, kind: string, deps: string[], count: number): string {
    const name = `${label.replace(/_/g, '-')}-${this.layers.length}`;
    this.layers.push({ name, label, kind, tasks: count, deps, indexShape: [] });
    return name;
  }

  /** Per source and partitions read: what the outputs ask of them (sharedReads of a second lowering). */
  readonly reads = new Map<string, ReadRequests>();

  /** The columns of each layer's partitions (for the chunk view's grid). */
  readonly layerColumns = new Map<string, Column[]>();

  private memoized(signature: string, make: () => Partitions): Partitions {
    let p = this.memo.get(signature);
    if (!p) { p = make(); this.memo.set(signature, p); this.layerColumns.set(p.layer, p.columns); }
    return p;
  }

  /**
   * Each layer with a task per partition as the window's chunk view draws a table: a column of
   * cells, one per partition (task index [i, 0] in a grid of estimated rows x the columns).
   * Combine trees keep their own indices and no grid, as for arrays.
   */
  partitionGrids(): void {
    for (const l of this.layers) {
      const tasks = this.tasks.filter((t) => t.layer === l.name);
      if (!tasks.length || !tasks.every((t, i) => t.index.length === 1 && t.index[0] === i)) continue;
      const columns = this.layerColumns.get(l.name) ?? [];
      const perRow = Math.max(1, rowBytes(columns) - 1);
      for (const t of tasks) t.index = [t.index[0], 0];
      l.grid = [tasks.map((t) => Math.max(1, Math.round(t.estBytes / perRow))), [Math.max(1, columns.length)]];
      l.itemsize = Math.max(1, Math.round(perRow / Math.max(1, columns.length)));
    }
  }

  /**
   * The base of a pipeline, reading only `needed` of its columns when it is a source, only the
   * partitions `filter` may keep rows of when the source can tell (prune.ts), and only rows passing
   * the filter's terms the reader can test (read-terms.ts). The caller applies `filter` on top.
   */
  private base(n: TableNode, needed: Set<string>, partitionLimit?: number, filter?: ColExpr): Partitions {
    if (n.op === 'source') {
      const columns = n.columns.filter((c) => needed.has(c.name));
      const all = Array.from({ length: n.source.partitions }, (_, p) => p);
      let read = filter && n.source.prune ? n.source.prune(filter) : all;
      if (!read.length) read = all.slice(0, 1); // every plan has a partition (an empty one here)
      read = read.slice(0, partitionLimit ?? read.length);
      const count = read.length;
      // Outputs reading the same partitions of a source share one read of all the columns they use.
      const shareKey = JSON.stringify([n.source.identity, read]);
      // Terms of the filter the reader applies itself (the filter still runs on what it keeps),
      // unless outputs ask the same partitions for different rows: one shared read is cheaper
      // than a read per filter.
      let where = filter && n.source.pushdown ? n.source.pushdown(filter) : [];
      const asked = this.reads.get(shareKey) ?? { columns: new Set<string>(), terms: new Set<string>() };
      for (const c of needed) asked.columns.add(c);
      asked.terms.add(JSON.stringify(where));
      this.reads.set(shareKey, asked);
      const shared = this.opts.sharedReads?.get(shareKey);
      if (shared) {
        columns.splice(0, columns.length, ...n.columns.filter((c) => shared.columns.has(c.name)));
        if (shared.terms.size > 1) where = [];
      }
      const sig = JSON.stringify(['source', n.source.identity, columns.map((c) => c.name), read, where]);
      return this.memoized(sig, () => {
        const layer = this.layer(n.source.label, n.source.label, [], count);
        const keys: string[] = [];
        const bytes: number[] = [];
        for (let p = 0; p < count; p++) {
          const { spec, estBytes } = n.source.readTask(read[p], columns, where);
          const key = taskKey(layer, [p]);
          this.tasks.push({ key, layer, index: [p], deps: [], spec, estBytes, priority: 0 });
          keys.push(key);
          bytes.push(estBytes);
        }
        return { layer, keys, bytes, columns };
      });
    }
    return this.node(n);
  }

  node(n: TableNode): Partitions {
    switch (n.op) {
      case 'groupby': return this.groupBy(n);
      case 'sort': return this.sort(n, n.limit);
      case 'distinct': return this.distinct(n);
      case 'concat': return this.concat(n);
      case 'join': return this.join(n);
      case 'window': {
        // One task over every partition: the rows sorted by partition and order keys, the calls' columns added.
        const input = this.exact(this.node(n.input));
        const at = (name: string) => indexIn(input.columns, name);
        const spec: WindowSpec = {
          kind: 'window', partition: n.partition.map(at), order: n.order.map((o) => ({ column: at(o.name), ascending: o.ascending, ...(o.nullsFirst ? { nullsFirst: true } : {}) })),
          calls: n.calls.map((c) => ({ fn: c.column ? c.fn : c.fn === 'count' ? 'count_star' : c.fn, column: c.column ? at(c.column) : 0, name: c.name })), estBytes: 0,
        };
        const sig = planKey(['window', input.keys, spec]);
        return this.memoized(sig, () => {
          const layer = this.layer('window', 'window', [input.layer], 1);
          this.layerColumns.set(layer, n.columns);
          const estBytes = Math.ceil(input.bytes.reduce((s, b) => s + b, 0) * (1 + 8 * n.calls.length / Math.max(1, rowBytes(input.columns)))) + 4096;
          const key = taskKey(layer, [0]);
          const task: WindowSpec = { ...spec, estBytes };
          this.tasks.push({ key, layer, index: [0], deps: input.keys, spec: task, estBytes, priority: 0 });
          return { layer, keys: [key], bytes: [estBytes], columns: n.columns, heads: input.heads };
        });
      }
      case 'slice': {
        // The first offset + n rows in partition order, the root dropping the first offset. Of a
        // sort (SQL's ORDER BY ... LIMIT), a top-n: every sort task keeps only offset + n rows.
        const limit = n.n === undefined ? undefined : n.offset + n.n;
        const input = n.input.op === 'sort' && limit !== undefined ? this.sort(n.input, limit) : this.exact(this.node(n.input));
        const sig = planKey(['slice', input.keys, n.offset, limit]);
        const most = limit === undefined ? Infinity : rowsBytes(input.columns, limit);
        return { ...this.memoized(sig, () => this.tree('sort_rows', input, (isRoot): SortRowsSpec => ({ kind: 'sort_rows', keys: [], limit, ...(isRoot ? { skip: n.offset } : {}), estBytes: 0 }), false, most)), heads: input.heads };
      }
      case 'tail': {
        // A head before the tail is cut first (head(a).tail(b) is the last b of the first a);
        // a head after it (tail(b).head(a)) becomes the partitions' `limit`, applied after the tail.
        const inner = this.node(n.input);
        if (inner.tail !== undefined && inner.limit === undefined) return { ...inner, tail: Math.min(n.n, inner.tail) };
        return { ...this.exact(inner), tail: n.n };
      }
      default: break;
    }
    if (n.op === 'head') {
      // A head of a sort is a top-n: every sort task keeps only n rows.
      if (n.input.op === 'sort') return this.sort(n.input, Math.min(n.n, n.input.limit ?? Infinity));
      const input = rowsOf(n.input);
      const base = input.base;
      const first = !input.filter && base.op === 'source' && base.source.partitions > 1 && !this.opts.fullHeads;
      const p = this.pipeline(input, first ? 1 : undefined);
      return { ...p, limit: Math.min(n.n, p.limit ?? Infinity), heads: first ? [...(p.heads ?? []), { key: p.keys[0], n: n.n }] : p.heads };
    }
    return this.pipeline(rowsOf(n));
  }

  private pipeline(p: Rows, partitionLimit?: number): Partitions {
    const needed = new Set<string>();
    for (const o of p.outputs) columnsOf(o.expr, needed);
    if (p.filter) columnsOf(p.filter, needed);
    const read = this.base(p.base, needed, partitionLimit, p.filter);
    // Plain column selection: the reads (or the base's partitions) are the result; a head's cut stays pending.
    const identity = !p.filter && p.outputs.length === read.columns.length
      && p.outputs.every((o, k) => o.expr.e === 'col' && o.expr.name === read.columns[k].name && o.name === o.expr.name);
    if (identity) return read;
    // Without a filter the map keeps every partition's rows, so a tail (rows from the end) stays
    // pending through it (len(t.tail(n)), t.tail(n)[['a']]); a filter needs the tail cut first.
    const pendingTail = !p.filter && read.tail !== undefined && read.limit === undefined ? read.tail : undefined;
    const input = pendingTail !== undefined ? { ...read, tail: undefined } : this.exact(read);
    const program = new ProgramBuilder(input.columns);
    const outputs = p.outputs.map((o) => ({ name: o.name, node: program.add(o.expr) }));
    const filter = p.filter ? program.add(p.filter) : undefined;
    const columns = p.outputs.map((o) => ({ name: o.name, dtype: o.expr.dtype }));
    const sig = planKey(['map', input.keys, program.nodes, outputs, filter]);
    const mapped = this.memoized(sig, () => {
      const layer = this.layer('table_map', 'table_map', [input.layer], input.keys.length);
      const keys: string[] = [];
      const bytes: number[] = [];
      input.keys.forEach((dep, i) => {
        const estBytes = Math.ceil(input.bytes[i] * rowBytes(columns) / Math.max(1, rowBytes(input.columns))) + 4096;
        const spec: TableMapSpec = { kind: 'table_map', program: program.program(), outputs, filter, estBytes };
        const key = taskKey(layer, [i]);
        this.tasks.push({ key, layer, index: [i], deps: [dep], spec, estBytes, priority: 0 });
        keys.push(key);
        bytes.push(estBytes);
      });
      return { layer, keys, bytes, columns, heads: input.heads };
    });
    return pendingTail !== undefined ? { ...mapped, tail: pendingTail } : mapped;
  }

  private groupBy(n: TableNode & { op: 'groupby' }): Partitions {
    const p = rowsOf(n.input);
    const keys = n.keys.map((k) => k.expr);
    const aggs = n.aggs;
    const needed = new Set<string>();
    for (const x of [...keys, ...aggs.map((a) => a.expr), p.filter]) if (x) columnsOf(x, needed);
    const input = this.exact(this.base(p.base, needed, undefined, p.filter));
    const program = new ProgramBuilder(input.columns);
    const keyNodes = keys.map((k) => program.add(k));
    const aggNodes = aggs.map((a) => ({ fn: a.fn, node: a.expr ? program.add(a.expr) : undefined }));
    const filter = p.filter ? program.add(p.filter) : undefined;
    const sig = planKey(['groupby', input.keys, program.nodes, keyNodes, aggNodes, filter, n.columns, n.splitOut, n.nullGroups, n.rowWhenEmpty]);
    return this.memoized(sig, () => {
      const partialLayer = this.layer('group_by_partial', 'group_by_partial', [input.layer], input.keys.length);
      this.layerColumns.set(partialLayer, n.columns);
      // A partial holds a row per group it saw: at most its input's rows, usually far fewer.
      const partials = input.keys.map((dep, i) => {
        const estBytes = Math.ceil(input.bytes[i] / 4) + 65536;
        const spec: GroupByPartialSpec = { kind: 'group_by_partial', program: program.program(), filter, keys: keyNodes, aggs: aggNodes, ...(n.nullGroups ? { nullGroups: true } : {}), estBytes };
        const key = taskKey(partialLayer, [i]);
        this.tasks.push({ key, layer: partialLayer, index: [i], deps: [dep], spec, estBytes, priority: 0 });
        return { key, estBytes };
      });
      const keyTypes = keys.map((k) => k.dtype);
      const mergeAggs = aggs.map((a) => ({ fn: a.fn, input: a.expr?.dtype ?? 'int64' as const }));
      const mergeLayer = `group-by-merge-${this.layers.length}`;
      const partialKeys = partials.map((x) => x.key);
      const buckets = n.splitOut ?? 1;
      // One merge tree per hash bucket of the groups (split_out), each over every partial.
      const roots = Array.from({ length: buckets }, (_, b) => {
        const rootKey = taskKey(mergeLayer, buckets > 1 ? [b] : [0]);
        const merge = (key: string, members: string[], isRoot: boolean, index: number[]): Task<TaskSpec> => {
          const estBytes = Math.ceil(members.reduce((s, m) => s + (partials.find((x) => x.key === m)?.estBytes ?? 65536), 0) / buckets) + 65536;
          const spec: GroupByMergeSpec = {
            kind: 'group_by_merge', keyTypes, aggs: mergeAggs, names: isRoot ? n.columns.map((c) => c.name) : undefined,
            ...(buckets > 1 ? { bucket: { index: b, count: buckets } } : {}), ...(n.nullGroups ? { nullGroups: true } : {}), ...(isRoot && n.rowWhenEmpty ? { rowWhenEmpty: true } : {}), estBytes,
          };
          return { key, layer: mergeLayer, index, deps: members, spec, estBytes, priority: 0 };
        };
        if (partialKeys.length <= 1) {
          // One partial (or none: an empty table) still needs finishing.
          this.tasks.push(merge(rootKey, partialKeys, true, buckets > 1 ? [b] : [0]));
        } else {
          const inner = (depth: number, group: number) => taskKey(mergeLayer, buckets > 1 ? [b, depth, group] : [depth, group]);
          const tree = combineTree(partialKeys, rootKey, inner, (key, at) => merge(key, at.members, at.isRoot, at.isRoot ? (buckets > 1 ? [b] : [0]) : (buckets > 1 ? [b, at.depth, at.group] : [at.depth, at.group])));
          this.tasks.push(...tree.tasks);
        }
        return rootKey;
      });
      const count = this.tasks.filter((t) => t.layer === mergeLayer).length;
      this.layers.push({ name: mergeLayer, label: 'group_by_merge', kind: 'group_by_merge', tasks: count, deps: [partialLayer], indexShape: [] });
      return { layer: mergeLayer, keys: roots, bytes: roots.map(() => 65536), columns: n.columns, heads: input.heads };
    });
  }

  /**
   * The first n rows of the partitions, as one, by a chain: the first n rows of the first
   * partition, then of those and the next partition, and so on. One such chunk waits at a time,
   * beside the partition it meets (a streamed table's first rows, under its memory limit), where a
   * tree of merges holds one per level.
   */
  head(p: Partitions, n: number): Partitions {
    return this.memoized(planKey(['head-chain', p.keys, n]), () => {
      const layer = this.layer('head', 'sort_rows', [p.layer], p.keys.length);
      const estBytes = rowsBytes(p.columns, n);
      let last = '', upTo = 0;
      p.keys.forEach((dep, i) => {
        const key = taskKey(layer, [i]);
        const spec: SortRowsSpec = { kind: 'sort_rows', keys: [], limit: n, estBytes: 0 };
        upTo += p.bytes[i];
        this.tasks.push({ key, layer, index: [i], deps: i ? [last, dep] : [dep], spec, estBytes: Math.min(estBytes, upTo), priority: 0 });
        last = key;
      });
      return { layer, keys: [last], bytes: [estBytes], columns: p.columns };
    });
  }

  /**
   * Partitions holding exactly their rows: a tail's cut made (the last rows, kept through a merge
   * tree in partition order), then a head's (the first rows of what is left).
   */
  exact(p: Partitions): Partitions {
    let q = p;
    if (q.tail !== undefined) {
      const n = q.tail;
      const cut = this.memoized(planKey(['tail', q.keys, n]), () => this.tree('sort_rows', p, (): SortRowsSpec => ({ kind: 'sort_rows', keys: [], limit: n, last: true, estBytes: 0 }), false, rowsBytes(p.columns, n)));
      q = { ...cut, limit: p.limit };
    }
    if (q.limit === undefined) return { ...q, heads: p.heads };
    const limit = q.limit;
    const cut = this.memoized(planKey(['head', q.keys, limit]), () => this.tree('sort_rows', q, (): SortRowsSpec => ({ kind: 'sort_rows', keys: [], limit, estBytes: 0 }), false, rowsBytes(q.columns, limit)));
    return { ...cut, heads: p.heads };
  }

  /** Row operations on whole partitions (sort_rows, first_rows, hash_join): the planner's side of native/table/row_ops.h. */
  /** `most`: the bytes a task's output can hold at most (a limit's rows), where less than its inputs. */
  private tree(label: string, inputs: Partitions, spec: (isRoot: boolean) => TaskSpec, perPartition: boolean, most = Infinity): Partitions {
    // First each partition by itself (a sort, a top-n, a dedupe), then merges of 8 in order to one.
    let level = inputs;
    if (perPartition && inputs.keys.length > 1) {
      const layer = this.layer(label, label, [inputs.layer], inputs.keys.length);
      const keys = inputs.keys.map((dep, i) => {
        const key = taskKey(layer, [i]);
        this.tasks.push({ key, layer, index: [i], deps: [dep], spec: spec(false), estBytes: Math.min(inputs.bytes[i], most), priority: 0 });
        return key;
      });
      level = { ...inputs, layer, keys };
      this.layerColumns.set(layer, inputs.columns);
    }
    const mergeLayer = `${label.replace(/_/g, '-')}-merge-${this.layers.length}`;
    const rootKey = taskKey(mergeLayer, [0]);
    const total = Math.min(inputs.bytes.reduce((s, b) => s + b, 0) + 4096, most);
    if (level.keys.length <= 1) {
      this.tasks.push({ key: rootKey, layer: mergeLayer, index: [0], deps: level.keys, spec: spec(true), estBytes: total, priority: 0 });
    } else {
      const built = combineTree(level.keys, rootKey, (depth, group) => taskKey(mergeLayer, [depth, group]),
        (key, at) => ({ key, layer: mergeLayer, index: at.isRoot ? [0] : [at.depth, at.group], deps: at.members, spec: spec(at.isRoot), estBytes: total, priority: 0 }));
      this.tasks.push(...built.tasks);
    }
    this.layers.push({ name: mergeLayer, label, kind: label, tasks: this.tasks.filter((t) => t.layer === mergeLayer).length, deps: [level.layer], indexShape: [] });
    return { layer: mergeLayer, keys: [rootKey], bytes: [total], columns: inputs.columns };
  }

  private sort(n: TableNode & { op: 'sort' }, limit?: number): Partitions {
    const input = this.exact(this.node(n.input));
    const keys = n.by.map((b) => ({ column: indexIn(input.columns, b.name), ascending: b.ascending, ...(b.nullsFirst ? { nullsFirst: true } : {}) }));
    const sig = planKey(['sort', input.keys, keys, limit]);
    if (limit === undefined && this.sortsByRanges(input)) return { ...this.memoized(sig, () => this.rangeSort(input, keys)), heads: input.heads };
    const most = limit === undefined ? Infinity : rowsBytes(input.columns, limit);
    return { ...this.memoized(sig, () => this.tree('sort_rows', input, (): SortRowsSpec => ({ kind: 'sort_rows', keys, limit, estBytes: 0 }), true, most)), heads: input.heads };
  }

  /** Whether a whole sort of these partitions is cut into ranges (rangeSort) rather than merged into one. */
  private sortsByRanges(input: Partitions): boolean {
    return input.keys.length > 1 && input.bytes.reduce((s, b) => s + b, 0) >= RANGE_SORT_MIN_BYTES;
  }

  /**
   * A sort into as many partitions as its input, up to MAX_RANGES (dask.dataframe's sort_values):
   * each partition sorted alone; every k-th row of each run (about RANGE_SAMPLES per range in
   * all), sorted together and cut into splitters (one task, small); range r of every run (binary
   * searches of the splitters); each range's pieces merged into partition r of the result, in
   * order. With keys spread evenly, a task holds about a partition's worth of rows, not the
   * table: the runs and the pieces wait (spilled under a memory limit) while the splitters are
   * found and while the ranges are merged. Rows of equal keys fall in one range (a key of many
   * rows makes a large one), and beyond MAX_RANGES partitions a range holds several partitions'
   * worth. The pieces merge in partition order: stable, as the one-merge sort. Graph order puts
   * each run's pieces together, so a run is cut whole and released at once (order.ts).
   */
  private rangeSort(input: Partitions, keys: SortRowsSpec['keys']): Partitions {
    const n = input.keys.length;
    const ranges = Math.min(n, MAX_RANGES);
    const perRow = rowBytes(input.columns);
    const sortSpec = (more: Partial<SortRowsSpec>): SortRowsSpec => ({ kind: 'sort_rows', keys, estBytes: 0, ...more });
    const runLayer = this.layer('sort_rows', 'sort_rows', [input.layer], n);
    const runs = input.keys.map((dep, i) => {
      const key = taskKey(runLayer, [i]);
      this.tasks.push({ key, layer: runLayer, index: [i], deps: [dep], spec: sortSpec({}), estBytes: input.bytes[i], estFromInputs: 'exactly', priority: 0 });
      return key;
    });
    // Every k-th row of each run, about RANGE_SAMPLES per range in all: a run weighs in the
    // splitters by its rows (as many as a filter left it), not by being a run.
    const total = input.bytes.reduce((s, b) => s + b, 0);
    const every = Math.max(1, Math.floor(total / perRow / (ranges * RANGE_SAMPLES)));
    const sampleLayer = this.layer('sort_sample', 'sort_rows', [runLayer], n);
    const samples = runs.map((dep, i) => {
      const key = taskKey(sampleLayer, [i]);
      this.tasks.push({ key, layer: sampleLayer, index: [i], deps: [dep], spec: sortSpec({ keys: [], every }), estBytes: Math.ceil(input.bytes[i] / every) + 4096, priority: 0 });
      return key;
    });
    const splitLayer = this.layer('sort_splitters', 'sort_rows', [sampleLayer], 1);
    const splitters = taskKey(splitLayer, [0]);
    this.tasks.push({ key: splitters, layer: splitLayer, index: [0], deps: samples, spec: sortSpec({ sample: ranges - 1 }), estBytes: ranges * perRow + 4096, priority: 0 });
    const rangeLayer = this.layer('range_rows', 'range_rows', [runLayer, splitLayer], n * ranges);
    const pieces = runs.map((run, i) => Array.from({ length: ranges }, (_, r) => {
      const key = taskKey(rangeLayer, [i, r]);
      // Ranges are even only as far as the samples are: room for four times the mean, at most the run.
      const estBytes = Math.ceil(4 * input.bytes[i] / ranges) + 4096;
      const spec: RangeRowsSpec = { kind: 'range_rows', keys, range: r, estBytes };
      this.tasks.push({ key, layer: rangeLayer, index: [i, r], deps: [run, splitters], spec, estBytes, estFromInputs: 'atMost', priority: 0 });
      return key;
    }));
    const mergeLayer = this.layer('sort_rows_merge', 'sort_rows', [rangeLayer], ranges);
    const each = Math.ceil(total / ranges) + 4096;
    const keysOut = Array.from({ length: ranges }, (_, r) => {
      const key = taskKey(mergeLayer, [r]);
      this.tasks.push({ key, layer: mergeLayer, index: [r], deps: pieces.map((row) => row[r]), spec: sortSpec({}), estBytes: each, estFromInputs: 'exactly', priority: 0 });
      return key;
    });
    return { layer: mergeLayer, keys: keysOut, bytes: keysOut.map(() => each), columns: input.columns };
  }

  private distinct(n: TableNode & { op: 'distinct' }): Partitions {
    const input = this.exact(this.node(n.input));
    const columns = n.subset.map((name) => indexIn(input.columns, name));
    const sig = planKey(['distinct', input.keys, columns]);
    const limit = this.opts.memoryLimit;
    const total = input.bytes.reduce((s, b) => s + b, 0);
    if (limit && total > limit / 8 && input.keys.length > 2) return { ...this.memoized(sig, () => this.bucketDistinct(input, columns, Math.min(MAX_RANGES, Math.ceil(total / (limit / 8))))), heads: input.heads };
    return { ...this.memoized(sig, () => this.tree('first_rows', input, (): FirstRowsSpec => ({ kind: 'first_rows', columns, estBytes: 0 }), true)), heads: input.heads };
  }

  /**
   * drop_duplicates of a table too large for the memory limit (whose distinct rows the root of a
   * merge tree would all hold): the rows split into hash buckets by the key columns (every column
   * when none are named), tagged with their place, each bucket's first occurrences found over its
   * pieces in partition order (first_rows), then put back in the table's order by their tags: the
   * first occurrences in the order pandas keeps them, no task holding more than a bucket.
   */
  private bucketDistinct(input: Partitions, subset: number[], buckets: number): Partitions {
    const keys = subset.length ? subset : input.columns.map((_, c) => c);
    const rowName = freshName(input.columns, '__row');
    const pieces = this.bucketPieces(input, keys, keys.map(() => false), buckets, rowName);
    const layer = this.layer('first_rows', 'first_rows', [pieces.layer], buckets);
    const firsts = pieces.keys.map((deps, b) => {
      const key = taskKey(layer, [b]);
      const spec: FirstRowsSpec = { kind: 'first_rows', columns: keys, estBytes: pieces.bytes[b] };
      this.tasks.push({ key, layer, index: [b], deps, spec, estBytes: pieces.bytes[b], estFromInputs: 'atMost', priority: 0 });
      return key;
    });
    const tagged: Partitions = { layer, keys: firsts, bytes: pieces.bytes, columns: pieces.columns };
    return this.inTagOrder(tagged, input, input.columns);
  }

  private concat(n: TableNode & { op: 'concat' }): Partitions {
    const parts = n.inputs.map((i) => this.exact(this.node(i)));
    return { layer: parts[0].layer, keys: parts.flatMap((p) => p.keys), bytes: parts.flatMap((p) => p.bytes), columns: n.columns, heads: parts.flatMap((p) => p.heads ?? []) };
  }

  /** The build side of a join: one partition (its partitions concatenated). */
  private onePartition(p: Partitions): Partitions {
    if (p.keys.length === 1) return p;
    return this.memoized(planKey(['concat', p.keys]), () => this.tree('sort_rows', p, (): SortRowsSpec => ({ kind: 'sort_rows', keys: [], estBytes: 0 }), false));
  }

  private join(n: TableNode & { op: 'join' }): Partitions {
    // Left, inner and outer probe with the left rows (their order leads); right probes with the right rows.
    const probeIsLeft = n.how !== 'right';
    const left = this.exact(this.node(n.left));
    const right = this.exact(this.node(n.right));
    const [probe, build] = probeIsLeft ? [left, right] : [right, left];
    // What a join of `p` probing `b` keeps, and how (an `on` key comes from the probe side: the rows that lead have it).
    const joinOf = (p: Partitions, b: Partitions, probeLeft: boolean, how: HashJoinSpec['how']): JoinSpec => ({
      probeKeys: (probeLeft ? n.leftOn : n.rightOn).map((c) => indexIn(p.columns, c)),
      buildKeys: (probeLeft ? n.rightOn : n.leftOn).map((c) => indexIn(b.columns, c)),
      how,
      columns: n.outputs.map((o) => {
        const side: 0 | 1 = o.from === 'key' ? 0 : ((o.from === 'left') === probeLeft ? 0 : 1);
        const name = o.from === 'key' ? (probeLeft ? n.leftOn : n.rightOn)[o.key!] : o.column;
        return { side, column: indexIn(side === 0 ? p.columns : b.columns, name), name: o.name };
      }),
    });
    const how = n.how === 'inner' ? 'inner' : 'outer';
    const buckets = this.joinBuckets(probe, build, n.how === 'outer');
    if (buckets > 1 && n.how !== 'outer') return this.bucketJoin(probe, build, buckets, joinOf(probe, build, probeIsLeft, how), n.columns);
    let all: Partitions;
    if (buckets > 1) {
      all = this.bucketOuterJoin(left, right, buckets, joinOf(left, right, true, 'outer'), joinOf(right, left, false, 'anti'), n.columns);
    } else {
      const joined = this.joinLayer('hash_join', probe, this.onePartition(build), joinOf(probe, build, probeIsLeft, how), n.columns);
      if (n.how !== 'outer') return joined;
      // Outer: the right rows no left row matched, then every row sorted by key (pandas' outer merge).
      const unmatched = this.joinLayer('hash_join', right, this.onePartition(left), joinOf(right, left, false, 'anti'), n.columns);
      all = { layer: joined.layer, keys: [...joined.keys, ...unmatched.keys], bytes: [...joined.bytes, ...unmatched.bytes], columns: n.columns };
    }
    // By the keys in their order (a key both sides name alike is one column), then by the right
    // keys of another name (the right rows no left row matched have no left key): rows of equal
    // keys keep their order, which every plan gives alike.
    const sortBy = (o: JoinOutput | undefined) => (o ? [{ column: indexIn(n.columns, o.name), ascending: true }] : []);
    const byKey = [
      ...n.leftOn.flatMap((c, k) => sortBy(n.outputs.find((o) => o.from === 'key' && o.key === k) ?? n.outputs.find((o) => o.from === 'left' && o.column === c))),
      ...n.rightOn.flatMap((c) => sortBy(n.outputs.find((o) => o.from === 'right' && o.column === c))),
    ];
    if (this.sortsByRanges(all)) return this.rangeSort(all, byKey);
    return this.tree('sort_rows', all, (): SortRowsSpec => ({ kind: 'sort_rows', keys: byKey, estBytes: 0 }), false);
  }

  private joinLayer(label: string, probe: Partitions, build: Partitions, join: JoinSpec, columns: Column[]): Partitions {
    const sig = planKey(['join', probe.keys, build.keys, join]);
    return this.memoized(sig, () => {
      const layer = this.layer(label, label, [probe.layer, build.layer], probe.keys.length);
      const bytes: number[] = [];
      const keys = probe.keys.map((dep, i) => {
        const key = taskKey(layer, [i]);
        const estBytes = Math.ceil(probe.bytes[i] * 2) + build.bytes[0] + 4096;
        const spec: HashJoinSpec = { kind: 'hash_join', probes: 1, ...join, estBytes };
        this.tasks.push({ key, layer, index: [i], deps: [dep, build.keys[0]], spec, estBytes, priority: 0 });
        bytes.push(estBytes);
        return key;
      });
      return { layer, keys, bytes, columns };
    });
  }

  /**
   * How many hash buckets a join is cut into: 1 (each probe partition with the whole build side,
   * concatenated: the probe side streams through) unless the build side (both, for an outer join,
   * which builds each) is more than an eighth of the memory limit, or is large enough that
   * building its hash table once per probe partition costs more than splitting both sides
   * (BUCKET_JOIN_MIN_BYTES). Then about an eighth of the limit per bucket of both sides, so that
   * the two workers' joins, their hash tables and outputs, and the pieces waiting for them fit
   * (spilled while they wait), and at most BUCKET_JOIN_BYTES.
   */
  private joinBuckets(probe: Partitions, build: Partitions, outer: boolean): number {
    const limit = this.opts.memoryLimit;
    const sum = (p: Partitions) => p.bytes.reduce((s, b) => s + b, 0);
    const built = outer ? Math.max(sum(probe), sum(build)) : sum(build);
    const overLimit = limit !== undefined && built > limit / 8;
    const large = built >= BUCKET_JOIN_MIN_BYTES && probe.keys.length > 2;
    if (!(overLimit || large) || probe.keys.length + build.keys.length < 3) return 1;
    const total = sum(probe) + sum(build);
    return Math.min(MAX_RANGES, Math.max(2, Math.ceil(total / BUCKET_JOIN_BYTES), overLimit ? Math.ceil(total / (limit! / 8)) : 0));
  }

  /**
   * A partitioned hash join (dask.dataframe's hash join, pandas' row order): each partition's rows
   * split by the hash of their key into `buckets` (hash_split; on the probe side each row tagged
   * with its place, partition * 2^32 + row), each bucket cut out of every split (slice_rows),
   * each bucket's probe pieces joined with its build pieces (hash_join; pieces in partition order,
   * so probe order and build order hold within a bucket), then put back in probe order by their
   * tags (inTagOrder): the rows pandas gives, in its order, in one or more partitions per probe
   * partition. A task holds a bucket, not a side;
   * the splits, pieces and joined buckets wait (spilled under the memory limit) in between, and
   * graph order cuts each split whole and releases it (order.ts).
   */
  private bucketJoin(probe: Partitions, build: Partitions, buckets: number, join: JoinSpec, columns: Column[]): Partitions {
    return this.memoized(planKey(['bucket-join', probe.keys, build.keys, buckets, join]), () => {
      const rowName = freshName([...probe.columns, ...build.columns, ...columns], '__row');
      const mixed = mixedKeys(probe, join.probeKeys, build, join.buildKeys);
      const probePieces = this.bucketPieces(probe, join.probeKeys, mixed, buckets, rowName);
      const buildPieces = this.bucketPieces(build, join.buildKeys, mixed, buckets, null);
      const rowInPiece = probe.columns.length;
      const tagged = [...join.columns, { side: 0 as const, column: rowInPiece, name: rowName }];
      const joined = this.bucketJoinLayer(probePieces, buildPieces, { ...join, columns: tagged }, [...columns, { name: rowName, dtype: 'int64' }]);
      return this.inTagOrder(joined, probe, columns);
    });
  }

  /**
   * The rows of `tagged` (partitions whose last column is the row tag of a bucketed plan, each
   * partition sorted by it) in the order of their tags, the tag dropped: each partition of the
   * result is a span of `probe`'s rows (the partitions the tags name) cut out of every tagged
   * partition (slice_rows, a binary search of the tag) and sorted by tag (sort_rows). Part j of
   * partition i is its j-th span of `span` rows (the last to the partition's end), a part about an
   * eighth of the memory limit where each probe row makes one row (wider rows than the probe's make
   * a partition too large for one task).
   */
  private inTagOrder(tagged: Partitions, probe: Partitions, columns: Column[]): Partitions {
    const row = columns.length;
    // The cuts are tagged partitions x parts tasks: at most MAX_JOIN_CUTS, a part then holding more.
    const widest = probe.bytes.reduce((m, b) => Math.max(m, b), 0) * Math.max(1, rowBytes(columns) / rowBytes(probe.columns));
    const limit = this.opts.memoryLimit;
    const most = Math.max(1, Math.floor(MAX_JOIN_CUTS / tagged.keys.length / probe.keys.length));
    const split = limit ? Math.min(most, Math.max(1, Math.ceil(widest / (limit / 8)))) : 1;
    const parts = probe.keys.flatMap((_, i) => {
      const span = Math.max(1, Math.ceil(probe.bytes[i] / rowBytes(probe.columns) / split));
      const tag = (j: number) => (j === split ? (i + 1) * 2 ** 32 : i * 2 ** 32 + Math.min(j * span, 2 ** 32));
      return Array.from({ length: split }, (_, j) => ({ lo: tag(j), hi: tag(j + 1) }));
    });
    const cutLayer = this.layer('slice_rows', 'slice_rows', [tagged.layer], tagged.keys.length * parts.length);
    const cuts = tagged.keys.map((dep, b) => parts.map(({ lo, hi }, k) => {
      const key = taskKey(cutLayer, [b, k]);
      const estBytes = Math.ceil(4 * tagged.bytes[b] / parts.length) + 4096;
      const spec: SliceRowsSpec = { kind: 'slice_rows', column: row, lo, hi, drop: [], estBytes };
      this.tasks.push({ key, layer: cutLayer, index: [b, k], deps: [dep], spec, estBytes, estFromInputs: 'atMost', priority: 0 });
      return key;
    }));
    const outLayer = this.layer('sort_rows', 'sort_rows', [cutLayer], parts.length);
    const each = Math.ceil(tagged.bytes.reduce((s, b) => s + b, 0) / parts.length) + 4096;
    const keys = parts.map((_, k) => {
      const key = taskKey(outLayer, [k]);
      const spec: SortRowsSpec = { kind: 'sort_rows', keys: [{ column: row, ascending: true }], drop: [row], estBytes: each };
      this.tasks.push({ key, layer: outLayer, index: [k], deps: cuts.map((c) => c[k]), spec, estBytes: each, estFromInputs: 'exactly', priority: 0 });
      return key;
    });
    return { layer: outLayer, keys, bytes: keys.map(() => each), columns };
  }

  /** An outer join in buckets: each bucket's left pieces joined with its right pieces (unmatched left rows kept), then its right rows no left row matched; sorted by key after. */
  private bucketOuterJoin(left: Partitions, right: Partitions, buckets: number, outer: JoinSpec, anti: JoinSpec, columns: Column[]): Partitions {
    const mixed = mixedKeys(left, outer.probeKeys, right, outer.buildKeys);
    const leftPieces = this.bucketPieces(left, outer.probeKeys, mixed, buckets, null);
    const rightPieces = this.bucketPieces(right, outer.buildKeys, mixed, buckets, null);
    const joined = this.bucketJoinLayer(leftPieces, rightPieces, outer, columns);
    const unmatched = this.bucketJoinLayer(rightPieces, leftPieces, anti, columns);
    return { layer: joined.layer, keys: [...joined.keys, ...unmatched.keys], bytes: [...joined.bytes, ...unmatched.bytes], columns };
  }

  /**
   * Bucket b of every partition of `p` (pieces[b][i]), by the hash of the key columns: each
   * partition split once (hash_split, tagging rows with `rowName` when given), each bucket cut
   * out of the split (slice_rows).
   */
  private bucketPieces(p: Partitions, keys: number[], mixed: boolean[], buckets: number, rowName: string | null): { layer: string; keys: string[][]; bytes: number[]; columns: Column[] } {
    const bucketName = freshName(p.columns, '__bucket');
    const sig = planKey(['bucket-pieces', p.keys, keys, mixed, buckets, rowName]);
    const made = this.memoized(sig, () => {
      const splitLayer = this.layer('hash_split', 'hash_split', [p.layer], p.keys.length);
      const tags = rowName === null ? 1 : 2;
      const splits = p.keys.map((dep, i) => {
        const key = taskKey(splitLayer, [i]);
        const estBytes = Math.ceil(p.bytes[i] * (1 + 8 * tags / rowBytes(p.columns))) + 4096;
        const spec: HashSplitSpec = { kind: 'hash_split', keys: keys.map((column, k) => ({ column, mixed: mixed[k] })), buckets, partition: rowName === null ? undefined : i, bucketColumn: bucketName, rowColumn: rowName ?? '', estBytes };
        this.tasks.push({ key, layer: splitLayer, index: [i], deps: [dep], spec, estBytes, priority: 0 });
        return { key, estBytes };
      });
      const bucketColumn = p.columns.length + tags - 1;
      const pieceLayer = this.layer('slice_rows', 'slice_rows', [splitLayer], p.keys.length * buckets);
      const pieceKeys: string[] = [];
      const pieceBytes: number[] = [];
      // Keyed partition-major ([i, b]): a split's pieces are cut together and the split released.
      splits.forEach((split, i) => {
        for (let b = 0; b < buckets; b++) {
          const key = taskKey(pieceLayer, [i, b]);
          // Buckets are even only as far as the keys are: room for four times the mean, at most the split.
          const estBytes = Math.ceil(4 * split.estBytes / buckets) + 4096;
          const spec: SliceRowsSpec = { kind: 'slice_rows', column: bucketColumn, lo: b, hi: b + 1, drop: [bucketColumn], estBytes };
          this.tasks.push({ key, layer: pieceLayer, index: [i, b], deps: [split.key], spec, estBytes, estFromInputs: 'atMost', priority: 0 });
          pieceKeys.push(key);
          pieceBytes.push(estBytes);
        }
      });
      return { layer: pieceLayer, keys: pieceKeys, bytes: pieceBytes, columns: rowName === null ? p.columns : [...p.columns, { name: rowName, dtype: 'int64' }] };
    });
    const at = (i: number, b: number) => i * buckets + b;
    return {
      layer: made.layer, columns: made.columns,
      keys: Array.from({ length: buckets }, (_, b) => p.keys.map((_, i) => made.keys[at(i, b)])),
      bytes: Array.from({ length: buckets }, (_, b) => p.keys.reduce((s, _, i) => s + made.bytes[at(i, b)], 0)),
    };
  }

  /** Each bucket's probe pieces joined with its build pieces: a task per bucket. */
  private bucketJoinLayer(probe: { layer: string; keys: string[][]; bytes: number[] }, build: { layer: string; keys: string[][]; bytes: number[] }, join: JoinSpec, columns: Column[]): Partitions {
    return this.memoized(planKey(['bucket-join-layer', probe.keys, build.keys, join]), () => {
      const layer = this.layer('hash_join', 'hash_join', [probe.layer, build.layer], probe.keys.length);
      const bytes: number[] = [];
      const keys = probe.keys.map((probeDeps, b) => {
        const key = taskKey(layer, [b]);
        const estBytes = Math.ceil(probe.bytes[b] * 2) + build.bytes[b] + 4096;
        const spec: HashJoinSpec = { kind: 'hash_join', probes: probeDeps.length, ...join, estBytes };
        this.tasks.push({ key, layer, index: [b], deps: [...probeDeps, ...build.keys[b]], spec, estBytes, priority: 0 });
        bytes.push(estBytes);
        return key;
      });
      return { layer, keys, bytes, columns };
    });
  }
}

/** What a hash_join task does, beside its deps and estimate. */
type JoinSpec = Omit<HashJoinSpec, 'kind' | 'estBytes' | 'probes'>;

/**
 * Per key, whether an int64 column joins a float64 one (such keys compare, and hash, as numbers,
 * as the native join does; the front ends refuse such merges today, so this is all false).
 */
function mixedKeys(probe: Partitions, probeKeys: number[], build: Partitions, buildKeys: number[]): boolean[] {
  return probeKeys.map((c, k) => probe.columns[c].dtype !== build.columns[buildKeys[k]].dtype);
}

/** `base`, or `base` with a number after it, whichever no column is named. */
function freshName(columns: Column[], base: string): string {
  const taken = new Set(columns.map((c) => c.name));
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}${k}`;
  return name;
}

/**
 * A whole sort of more than one partition and at least this many bytes is cut into ranges
 * (TableLowering.rangeSort): its result is a partition per range, each made by one task, where
 * merging into one partition made one task sort the whole table on one thread. Measured on 2
 * workers (sort_values(['k', 'v']) of a 2M-row CSV to a CSV file): 4 partitions 1.00-1.05 s
 * against 1.52-1.58 merged; 200k rows in 5 partitions 0.08-0.11 s against 0.11.
 */
export const RANGE_SORT_MIN_BYTES = 2 ** 20;
/**
 * A join's build side of at least this many bytes is cut into hash buckets with or without a
 * memory limit (TableLowering.joinBuckets): its hash table outgrows the caches, and building it
 * once per probe partition cost more than splitting both sides. Measured on 2 workers (a left
 * merge of 2M x 1M rows, 60 MB of CSV, to a CSV file; bench/table-merge.mjs): 1.01 s with the
 * build side whole, 0.49-0.52 s in 4 to 16 buckets; 300k x 120k rows (7.5 MB): 0.10-0.13 s whole,
 * 0.12 s in 2 buckets, 0.13-0.15 s in 8.
 */
const BUCKET_JOIN_MIN_BYTES = 16 * 2 ** 20;
/** Without a memory limit, a bucketed join's buckets hold about this many bytes of both sides. */
const BUCKET_JOIN_BYTES = 32 * 2 ** 20;
/**
 * At most this many cut tasks in a bucketed join (buckets x parts of probe partitions): under a
 * limit far below the tables the cuts grow with the square of their ratio (a 4k x 3k-row merge
 * under a 16 KB limit made 144k tasks); beyond this the parts hold more than an eighth of the limit.
 */
const MAX_JOIN_CUTS = 2 ** 16;
/** At most this many ranges (a range sort makes a task per partition and range). */
const MAX_RANGES = 256;
/** Rows sampled from the sorted runs per range of a range sort, to choose its splitters. */
const RANGE_SAMPLES = 128;

function indexIn(columns: Column[], name: string): number {
  const i = columns.findIndex((c) => c.name === name);
  if (i < 0) throw new TesseraError('INTERNAL', `the lowering lost the column '${name}'`, 'this is a bug, please report it with the job spec');
  return i;
}

function rowBytes(columns: Column[]): number {
  return columns.reduce((s, c) => s + bytesPerValue(c.dtype), 0) + 1;
}

/** The bytes `n` rows of these columns take at most, with a partition's overhead: a limit's bound. */
function rowsBytes(columns: Column[], n: number): number {
  return n * rowBytes(columns) + 4096;
}

export function lowerTables(outputs: { name: string; node: TableNode }[], opts: LowerOptions = {}): TableGraph {
  // A first lowering learns which columns (and filter terms) all outputs read of each source's
  // partitions; the second reads them once.
  const survey = new TableLowering(opts);
  for (const o of outputs) survey.node(o.node);
  const lowering = new TableLowering({ ...opts, sharedReads: survey.reads });
  const plans = outputs.map((o): TableOutputPlan => {
    const p = lowering.node(o.node);
    const whole = p.limit === undefined && p.tail === undefined && !p.heads?.length;
    const stream = whole ? opts.stream?.({ name: o.name, columns: o.node.columns, estBytes: p.bytes.reduce((a, b) => a + b, 0) }) : null;
    if (stream) {
      const written = writeTasks(o.name, p.keys, stream.writer, { inlineRows: stream.inlineRows });
      lowering.tasks.push(...written.tasks);
      lowering.layers.push(...written.layers);
      const head = stream.inlineRows === undefined ? [] : lowering.head(p, stream.inlineRows + 1).keys;
      return { name: o.name, columns: o.node.columns, keys: head, heads: [], streamed: { writer: stream.writer, commit: written.commit } };
    }
    return { name: o.name, columns: o.node.columns, keys: p.keys, limit: p.limit, tail: p.tail, heads: p.heads ?? [] };
  });
  lowering.partitionGrids();
  const graph = { ...finishGraph(lowering.tasks, lowering.layers), outputs: plans };
  labelLayersByOutput(graph, plans.map((p) => ({ name: p.name, keys: [...p.keys, ...p.heads.map((h) => h.key), ...(p.streamed ? [p.streamed.commit] : [])] })));
  return graph;
}

/** A table's columns as a dense array, one chunk per partition (the bridge to arrays). */
export interface DensePlan {
  name: string;
  /** The dense chunks' keys, and the table partitions they are made from (for their row counts). */
  keys: string[];
  partitions: string[];
  dtype: DenseDType;
  /** Columns of a 2-d array (to_numpy of a frame); null for a Series' 1-d values. */
  ncols: number | null;
}

/** numpy's common type of numeric columns; strings and times have no array dtype here. */
function denseType(columns: Column[]): DenseDType {
  for (const c of columns) {
    if (c.dtype !== 'float64' && c.dtype !== 'int64' && c.dtype !== 'bool') {
      throw new TesseraError('UNSUPPORTED', `the column '${c.name}' (${c.dtype}) has no array dtype`, 'arrays hold numbers and bools: select numeric columns, or convert (.astype(...), .dt.year, .str.len())');
    }
  }
  return columns.some((c) => c.dtype === 'float64') ? 'float64' : columns.some((c) => c.dtype === 'int64') ? 'int64' : 'bool';
}

export function lowerDense(items: { name: string; node: TableNode; matrix: boolean }[]): TaskGraph<TaskSpec> & { outputs: DensePlan[] } {
  const lowering = new TableLowering({ fullHeads: true });
  const plans = items.map((item): DensePlan => {
    const exact = lowering.exact(lowering.node(item.node));
    const dtype = denseType(item.node.columns);
    const layer = `table-to-dense-${lowering.layers.length}`;
    const width = (dtype === 'bool' ? 1 : 8) * item.node.columns.length;
    const keys = exact.keys.map((dep, i) => {
      const key = taskKey(layer, [i]);
      const estBytes = Math.ceil((exact.bytes[i] ?? 65536) * width / Math.max(1, rowBytes(item.node.columns))) + 4096;
      const spec: TableToDenseSpec = { kind: 'table_to_dense', columns: item.node.columns.map((_, k) => k), dtype, matrix: item.matrix, estBytes };
      lowering.tasks.push({ key, layer, index: [i], deps: [dep], spec, estBytes, priority: 0 });
      return key;
    });
    lowering.layers.push({ name: layer, label: 'table_to_dense', kind: 'table_to_dense', tasks: keys.length, deps: [exact.layer], indexShape: [] });
    return { name: item.name, keys, partitions: exact.keys, dtype, ncols: item.matrix ? item.node.columns.length : null };
  });
  lowering.partitionGrids();
  const graph = { ...finishGraph(lowering.tasks, lowering.layers), outputs: plans };
  labelLayersByOutput(graph, plans.map((p) => ({ name: p.name, keys: p.keys })));
  return graph;
}

function sourcesOf(n: TableNode, out: TableNode[] = []): TableNode[] {
  if (n.op === 'source') out.push(n);
  for (const i of inputsOf(n)) sourcesOf(i, out);
  return out;
}

/** The files a table plan reads, with the size and mtime it planned with. */
export function tableFiles(outputs: { node: TableNode }[]): Map<string, Omit<SourceFile, 'path'>> {
  const files = new Map<string, Omit<SourceFile, 'path'>>();
  for (const o of outputs) {
    for (const s of sourcesOf(o.node)) {
      if (s.op !== 'source') continue;
      for (const f of s.source.files) files.set(f.path, { size: f.size, mtimeNs: f.mtimeNs });
    }
  }
  return files;
}
