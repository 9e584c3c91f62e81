/**
 * The dataframe collection's side of a run: lowers table outputs into read tasks, has the engine
 * run them keeping every output partition, and reads the partitions back as one table per output
 * (columns in order, rows concatenated in partition order).
 */
import { native } from '../../native/addon.js';
import type { ComputeOptions, Engine, GraphRun } from '../../engine/engine.js';
import { toTesseraError } from '../../engine/errors.js';
import { lowerTables, tableFiles, type TableGraph } from './lower.js';
import { type Cell, type TableColumnValues, toRows } from './rows.js';
import type { ColumnType } from './schema.js';
import type { TableOutput } from './evaluate.js';
import { project } from './table-node.js';

/** Tables up to this many rows come back inline; the bound for JSON output. */
export const MAX_INLINE_ROWS = 10_000;

export interface TableResult {
  name: string;
  kind: 'table';
  columns: string[];
  dtypes: ColumnType[];
  nrows: number;
  /** The rows (at most MAX_INLINE_ROWS). */
  rows: Cell[][];
}

/** len(df): the rows of a table (its partitions read with no columns: rows are only counted). */
export interface RowCountResult {
  name: string;
  kind: 'scalar';
  dtype: 'int64';
  value: number;
}

export interface TableComputeResult extends Omit<GraphRun, 'chunks'> {
  outputs: (TableResult | RowCountResult)[];
  layers: TableGraph['layers'];
}

export async function computeTables(engine: Engine, requested: { name: string; output: TableOutput }[], opts: ComputeOptions = {}): Promise<TableComputeResult> {
  const owner = engine.newJob();
  const outputs = requested.map(({ name, output }) => ({ name, node: output.kind === 'len' ? project(output.node, []) : output.node, count: output.kind === 'len' }));
  try {
    const graph = lowerTables(outputs);
    const keep = new Set(graph.outputs.flatMap((o) => o.keys));
    const { chunks, ...run } = await engine.run(graph, { ...opts, owner, keep, files: tableFiles(outputs) });
    const results = graph.outputs.map((o, k): TableResult | RowCountResult => {
      const ids = o.keys.map((key) => chunks.get(key)!);
      const nrows = Math.min(ids.reduce((s, id) => s + native().tableRows(id), 0), o.limit ?? Infinity);
      if (outputs[k].count) return { name: o.name, kind: 'scalar', dtype: 'int64', value: nrows };
      const rows: Cell[][] = [];
      for (const id of ids) {
        // Only the partitions that hold the rows shown are copied out of the store.
        if (rows.length >= Math.min(nrows, MAX_INLINE_ROWS)) break;
        const p = native().readTable(id);
        const columns = o.columns.map((c) => ({ ...p.columns.find((x) => x.name === c.name)!, dtype: c.dtype }) as TableColumnValues);
        for (const r of toRows(columns, p.nrows, Math.min(nrows, MAX_INLINE_ROWS) - rows.length)) rows.push(r);
      }
      return { name: o.name, kind: 'table', columns: o.columns.map((c) => c.name), dtypes: o.columns.map((c) => c.dtype), nrows, rows };
    });
    return { ...run, outputs: results, layers: graph.layers };
  } catch (e) {
    throw toTesseraError(e, { phase: 'run' });
  } finally {
    engine.freeJob(owner);
  }
}
