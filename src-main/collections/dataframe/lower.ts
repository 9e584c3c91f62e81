/**
 * Lowering a table plan into tasks. A projection is pushed into the reader (only the columns a
 * job uses are parsed); head(n) reads only the first partition, as dask.dataframe's head does.
 * Each output is the list of its partitions' chunk keys, in order.
 */
import { finishGraph } from '../../engine/finish-graph.js';
import { type Layer, type Task, type TaskGraph, type TaskSpec, taskKey } from '../../engine/graph.js';
import './kinds/index.js'; // registers the collection's task kinds
import type { Column } from './schema.js';
import type { TableNode } from './table-node.js';
import type { SourceFile, TableSource } from './table-source.js';

export interface TableOutputPlan {
  name: string;
  columns: Column[];
  /** The partitions' chunk keys, in row order. */
  keys: string[];
  /** Rows to keep from the start (head). */
  limit?: number;
}

export interface TableGraph extends TaskGraph<TaskSpec> {
  outputs: TableOutputPlan[];
}

/** What a node reads: its source, the columns it keeps, how many partitions and rows. */
interface Scan { source: TableSource; columns: Column[]; partitions: number; limit?: number }

function scanOf(n: TableNode): Scan {
  switch (n.op) {
    case 'source': return { source: n.source, columns: n.columns, partitions: n.source.partitions };
    case 'project': return { ...scanOf(n.input), columns: n.columns };
    case 'head': {
      const s = scanOf(n.input);
      return { ...s, partitions: Math.min(1, s.partitions), limit: Math.min(n.n, s.limit ?? Infinity) };
    }
  }
}

export function lowerTables(outputs: { name: string; node: TableNode }[]): TableGraph {
  const tasks: Task<TaskSpec>[] = [];
  const layers: Layer[] = [];
  const plans: TableOutputPlan[] = [];
  const byScan = new Map<string, string>(); // one read layer per distinct scan
  for (const o of outputs) {
    const scan = scanOf(o.node);
    const { source } = scan;
    const signature = JSON.stringify([source.identity, scan.columns.map((c) => c.name), scan.partitions]);
    let layer = byScan.get(signature);
    if (!layer) {
      layer = `${source.label.replace(/_/g, '-')}-${layers.length}`;
      byScan.set(signature, layer);
      for (let p = 0; p < scan.partitions; p++) {
        const { spec, estBytes } = source.readTask(p, scan.columns);
        tasks.push({ key: taskKey(layer, [p]), layer, index: [p], deps: [], spec, estBytes, priority: 0 });
      }
      layers.push({ name: layer, label: source.label, kind: source.label, tasks: scan.partitions, deps: [], indexShape: [] });
    }
    plans.push({ name: o.name, columns: o.node.columns, keys: Array.from({ length: scan.partitions }, (_, p) => taskKey(layer!, [p])), limit: scan.limit });
  }
  return { ...finishGraph(tasks, layers), outputs: plans };
}

/** The files a table plan reads, with the size and mtime it planned with. */
export function tableFiles(outputs: { node: TableNode }[]): Map<string, Omit<SourceFile, 'path'>> {
  const files = new Map<string, Omit<SourceFile, 'path'>>();
  for (const o of outputs) for (const f of scanOf(o.node).source.files) files.set(f.path, { size: f.size, mtimeNs: f.mtimeNs });
  return files;
}
