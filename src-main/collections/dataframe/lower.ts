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
 * Each output is the list of its partitions' chunk keys, in row order.
 */
import { combineTree } from '../../engine/combine-tree.js';
import { finishGraph } from '../../engine/finish-graph.js';
import { type Layer, type Task, type TaskGraph, type TaskSpec, taskKey } from '../../engine/graph.js';
import { columnsOf } from './column-expr.js';
import './kinds/index.js'; // registers the collection's task kinds
import type { GroupByMergeSpec, GroupByPartialSpec, TableMapSpec } from './kinds/index.js';
import { ProgramBuilder } from './kinds/table-program.js';
import { bytesPerValue, type Column } from './schema.js';
import { planKey, type Rows, rowsOf, type TableNode } from './table-node.js';
import type { SourceFile } from './table-source.js';

export interface TableOutputPlan {
  name: string;
  columns: Column[];
  /** The partitions' chunk keys, in row order. */
  keys: string[];
  /** Rows to keep from the start (head). */
  limit?: number;
  /** A head that read fewer partitions than the table has: too few rows means run again in full. */
  partial?: boolean;
}

export interface TableGraph extends TaskGraph<TaskSpec> {
  outputs: TableOutputPlan[];
}

export interface LowerOptions {
  /** Heads read every partition (the second try after a first partition was too short). */
  fullHeads?: boolean;
}

/** A lowered table: its partitions' keys and estimated bytes. */
interface Partitions { layer: string; keys: string[]; bytes: number[]; columns: Column[]; limit?: number; partial?: boolean }

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

  private memoized(signature: string, make: () => Partitions): Partitions {
    let p = this.memo.get(signature);
    if (!p) { p = make(); this.memo.set(signature, p); }
    return p;
  }

  /** The base of a pipeline, reading only `needed` of its columns when it is a source. */
  private base(n: TableNode, needed: Set<string>, partitionLimit?: number): Partitions {
    if (n.op === 'source') {
      const columns = n.columns.filter((c) => needed.has(c.name));
      const count = Math.min(n.source.partitions, partitionLimit ?? Infinity);
      const sig = JSON.stringify(['source', n.source.identity, columns.map((c) => c.name), count]);
      return this.memoized(sig, () => {
        const layer = this.layer(n.source.label, n.source.label, [], count);
        const keys: string[] = [];
        const bytes: number[] = [];
        for (let p = 0; p < count; p++) {
          const { spec, estBytes } = n.source.readTask(p, columns);
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
    if (n.op === 'groupby') return this.groupBy(n);
    if (n.op === 'head') {
      const input = rowsOf(n.input);
      const base = input.base;
      const first = !input.filter && base.op === 'source' && base.source.partitions > 1 && !this.opts.fullHeads;
      const p = this.pipeline(input, first ? 1 : undefined);
      return { ...p, limit: Math.min(n.n, p.limit ?? Infinity), partial: first || p.partial };
    }
    return this.pipeline(rowsOf(n));
  }

  private pipeline(p: Rows, partitionLimit?: number): Partitions {
    const needed = new Set<string>();
    for (const o of p.outputs) columnsOf(o.expr, needed);
    if (p.filter) columnsOf(p.filter, needed);
    const input = this.base(p.base, needed, partitionLimit);
    const identity = !p.filter && p.outputs.length === input.columns.length
      && p.outputs.every((o, k) => o.expr.e === 'col' && o.expr.name === input.columns[k].name && o.name === o.expr.name);
    if (identity) return input;
    const program = new ProgramBuilder(input.columns);
    const outputs = p.outputs.map((o) => ({ name: o.name, node: program.add(o.expr) }));
    const filter = p.filter ? program.add(p.filter) : undefined;
    const columns = p.outputs.map((o) => ({ name: o.name, dtype: o.expr.dtype }));
    const sig = planKey(['map', input.keys, program.nodes, outputs, filter]);
    return this.memoized(sig, () => {
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
      return { layer, keys, bytes, columns, limit: input.limit };
    });
  }

  private groupBy(n: TableNode & { op: 'groupby' }): Partitions {
    const p = rowsOf(n.input);
    const keys = n.keys.map((k) => k.expr);
    const aggs = n.aggs;
    const needed = new Set<string>();
    for (const x of [...keys, ...aggs.map((a) => a.expr), p.filter]) if (x) columnsOf(x, needed);
    const input = this.base(p.base, needed);
    const program = new ProgramBuilder(input.columns);
    const keyNodes = keys.map((k) => program.add(k));
    const aggNodes = aggs.map((a) => ({ fn: a.fn, node: a.expr ? program.add(a.expr) : undefined }));
    const filter = p.filter ? program.add(p.filter) : undefined;
    const sig = planKey(['groupby', input.keys, program.nodes, keyNodes, aggNodes, filter, n.columns]);
    return this.memoized(sig, () => {
      const partialLayer = this.layer('group_by_partial', 'group_by_partial', [input.layer], input.keys.length);
      // A partial holds a row per group it saw: at most its input's rows, usually far fewer.
      const partials = input.keys.map((dep, i) => {
        const estBytes = Math.ceil(input.bytes[i] / 4) + 65536;
        const spec: GroupByPartialSpec = { kind: 'group_by_partial', program: program.program(), filter, keys: keyNodes, aggs: aggNodes, estBytes };
        const key = taskKey(partialLayer, [i]);
        this.tasks.push({ key, layer: partialLayer, index: [i], deps: [dep], spec, estBytes, priority: 0 });
        return { key, estBytes };
      });
      const keyTypes = keys.map((k) => k.dtype);
      const mergeAggs = aggs.map((a) => ({ fn: a.fn, input: a.expr?.dtype ?? 'int64' as const }));
      const mergeLayer = `group-by-merge-${this.layers.length}`;
      const rootKey = taskKey(mergeLayer, [0]);
      const merge = (key: string, members: string[], isRoot: boolean, index: number[]): Task<TaskSpec> => {
        const estBytes = members.reduce((s, m) => s + (partials.find((x) => x.key === m)?.estBytes ?? 65536), 0) + 65536;
        const spec: GroupByMergeSpec = { kind: 'group_by_merge', keyTypes, aggs: mergeAggs, names: isRoot ? n.columns.map((c) => c.name) : undefined, estBytes };
        return { key, layer: mergeLayer, index, deps: members, spec, estBytes, priority: 0 };
      };
      const partialKeys = partials.map((x) => x.key);
      if (partialKeys.length <= 1) {
        // One partial (or none: an empty table) still needs finishing.
        this.tasks.push(merge(rootKey, partialKeys, true, [0]));
      } else {
        const tree = combineTree(partialKeys, rootKey, (depth, group) => taskKey(mergeLayer, [depth, group]), (key, at) => merge(key, at.members, at.isRoot, at.isRoot ? [0] : [at.depth, at.group]));
        this.tasks.push(...tree.tasks);
      }
      const count = this.tasks.filter((t) => t.layer === mergeLayer).length;
      this.layers.push({ name: mergeLayer, label: 'group_by_merge', kind: 'group_by_merge', tasks: count, deps: [partialLayer], indexShape: [] });
      return { layer: mergeLayer, keys: [rootKey], bytes: [65536], columns: n.columns };
    });
  }
}

function rowBytes(columns: Column[]): number {
  return columns.reduce((s, c) => s + bytesPerValue(c.dtype), 0) + 1;
}

export function lowerTables(outputs: { name: string; node: TableNode }[], opts: LowerOptions = {}): TableGraph {
  const lowering = new TableLowering(opts);
  const plans = outputs.map((o): TableOutputPlan => {
    const p = lowering.node(o.node);
    return { name: o.name, columns: o.node.columns, keys: p.keys, limit: p.limit, partial: p.partial };
  });
  return { ...finishGraph(lowering.tasks, lowering.layers), outputs: plans };
}

function sourcesOf(n: TableNode, out: TableNode[] = []): TableNode[] {
  if (n.op === 'source') out.push(n);
  else sourcesOf(n.input, out);
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
