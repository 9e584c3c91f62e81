/**
 * Tables as arrays (df.col.values, df[['a', 'b']].to_numpy()): the table's plan runs, each
 * partition becomes one dense chunk, and the chunks stay in the engine for the array job that
 * reads them (as a persisted array's do). The array's length is only known once the partitions
 * exist (a filter's rows are counted, not planned), which is why this runs before the array job
 * is built: it is the first stage of a job that mixes the collections.
 */
import type { ComputeOptions, GraphRun, GraphRunner } from '../../engine/engine.js';
import { toTesseraError } from '../../engine/errors.js';
import { native } from '../../native/addon.js';
import type { DenseDType } from './kinds/index.js';
import { lowerDense, tableFiles, type TableGraph } from './lower.js';
import type { TableNode } from './table-node.js';

export interface DenseTable {
  name: string;
  /** The dense chunks, in row order, and each one's rows. */
  chunks: { id: number; rows: number }[];
  dtype: DenseDType;
  ncols: number | null;
}

export interface DenseRun extends Omit<GraphRun, 'chunks'> {
  tables: DenseTable[];
  layers: TableGraph['layers'];
  /** The engine job owning the chunks: engine.keep() them under names, or free it. */
  owner: number;
}

export async function computeDense(engine: GraphRunner, items: { name: string; node: TableNode; matrix: boolean }[], opts: ComputeOptions = {}): Promise<DenseRun> {
  const owner = engine.newJob();
  try {
    const graph = lowerDense(items);
    const keep = new Set(graph.outputs.flatMap((o) => [...o.keys, ...o.partitions]));
    const { chunks, ...run } = await engine.run(graph, { ...opts, owner, keep, files: tableFiles(items) });
    const tables = graph.outputs.map((o): DenseTable => ({
      name: o.name, dtype: o.dtype, ncols: o.ncols,
      chunks: o.keys.map((key, i) => ({ id: chunks.get(key)!, rows: native().tableRows(chunks.get(o.partitions[i])!) })),
    }));
    // The table partitions were kept only to count their rows.
    const dense = new Set(graph.outputs.flatMap((o) => o.keys));
    for (const [key, id] of chunks) if (!dense.has(key)) native().release(id);
    return { ...run, tables, layers: graph.layers, owner };
  } catch (e) {
    engine.freeJob(owner);
    throw toTesseraError(e, { phase: 'run' });
  }
}
