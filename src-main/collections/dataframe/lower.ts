/**
 * Lowering a table plan into tasks. A projection is pushed into the reader (only the columns a
 * job uses are parsed); head(n) reads only the first partition, as dask.dataframe's head does.
 * Each output is the list of its partitions' chunk keys, in order.
 */
import { finishGraph } from '../../engine/finish-graph.js';
import { type Layer, type Task, type TaskGraph, taskKey } from '../../engine/graph.js';
import type { CsvSource } from './csv-source.js';
import './kinds/index.js';
import type { ReadCsvSpec } from './kinds/index.js';
import { bytesPerValue, type Column } from './schema.js';
import type { TableNode } from './table-node.js';

export interface TableOutputPlan {
  name: string;
  columns: Column[];
  /** The partitions' chunk keys, in row order. */
  keys: string[];
  /** Rows to keep from the start (head). */
  limit?: number;
}

export interface TableGraph extends TaskGraph<ReadCsvSpec> {
  outputs: TableOutputPlan[];
}

/** What a node reads: its CSV source, the columns it keeps, how many partitions and rows. */
interface Scan { source: CsvSource; columns: Column[]; partitions: number; limit?: number }

function scanOf(n: TableNode): Scan {
  switch (n.op) {
    case 'csv': return { source: n.source, columns: n.columns, partitions: n.source.partitions.length };
    case 'project': return { ...scanOf(n.input), columns: n.columns };
    case 'head': {
      const s = scanOf(n.input);
      return { ...s, partitions: Math.min(1, s.partitions), limit: Math.min(n.n, s.limit ?? Infinity) };
    }
  }
}

export function lowerTables(outputs: { name: string; node: TableNode }[]): TableGraph {
  const tasks: Task<ReadCsvSpec>[] = [];
  const layers: Layer[] = [];
  const plans: TableOutputPlan[] = [];
  const byScan = new Map<string, string>(); // one read layer per distinct scan
  for (const o of outputs) {
    const scan = scanOf(o.node);
    const { source } = scan;
    const wanted = scan.columns.map((c) => source.columns.find((s) => s.name === c.name)!);
    const signature = JSON.stringify([source.files.map((f) => f.path), wanted.map((c) => c.name), scan.partitions]);
    let layer = byScan.get(signature);
    if (!layer) {
      layer = `read-csv-${layers.length}`;
      byScan.set(signature, layer);
      const perRow = wanted.reduce((s, c) => s + bytesPerValue(c.dtype), 0) + 8;
      for (let p = 0; p < scan.partitions; p++) {
        const part = source.partitions[p];
        const file = source.files[part.file];
        const estBytes = Math.ceil(((part.end - part.start) / source.bytesPerRow) * perRow) + 4096;
        const spec: ReadCsvSpec = {
          kind: 'read_csv', path: file.path, start: part.start, end: part.end, sep: source.sep, quote: source.quote, nfields: source.nfields,
          columns: wanted.map((c) => ({ name: c.name, dtype: c.dtype, index: c.index })), naValues: source.naValues, estBytes,
        };
        tasks.push({ key: taskKey(layer, [p]), layer, index: [p], deps: [], spec, estBytes, priority: 0 });
      }
      layers.push({ name: layer, label: 'read_csv', kind: 'read_csv', tasks: scan.partitions, deps: [], indexShape: [] });
    }
    plans.push({ name: o.name, columns: o.node.columns, keys: Array.from({ length: scan.partitions }, (_, p) => taskKey(layer!, [p])), limit: scan.limit });
  }
  return { ...finishGraph(tasks, layers), outputs: plans };
}

/** The files a table plan reads, with the size and mtime it planned with. */
export function tableFiles(outputs: { node: TableNode }[]): Map<string, { size: number; mtimeNs: string }> {
  const files = new Map<string, { size: number; mtimeNs: string }>();
  for (const o of outputs) for (const f of scanOf(o.node).source.files) files.set(f.path, { size: f.size, mtimeNs: f.mtimeNs });
  return files;
}
