/**
 * The dataframe collection's side of a run: lowers table outputs into read tasks, has the engine
 * run them keeping every output partition, and reads the partitions back as one table per output
 * (columns in order, rows concatenated in partition order). A table the planner expects to be
 * large is not kept: the run writes each of its partitions to the output's file as soon as it is
 * made (runOnce's `stream`), keeping only its first rows, so a job's output may exceed the memory limit.
 */
import { join } from 'node:path';
import { native } from '../../native/addon.js';
import type { ComputeOptions, GraphRun, GraphRunner } from '../../engine/engine.js';
import { toTesseraError } from '../../engine/errors.js';
import { type LowerOptions, lowerTables, type StreamedOutput, tableFiles, type TableGraph } from './lower.js';
import { type Cell, type TableColumnValues, toRows } from './rows.js';
import type { Column, ColumnType } from './schema.js';
import type { TableOutput } from './evaluate.js';
import { project, type TableNode } from './table-node.js';
import { declareTableWriter, type TableFileRequest, type TableFiles, tableFileBytes, writeTableFiles } from './write-tables.js';

/** Tables up to this many rows come back inline; the bound for JSON output. */
export const MAX_INLINE_ROWS = 10_000;

/**
 * Table outputs the planner expects to hold at least this many bytes (or an eighth of the memory
 * limit) are streamed to their files by the run that makes them. Below it, keeping the partitions
 * and writing them after the run costs less than a writer that may be thrown away (a filter the
 * estimate cannot see through, whose rows come back inline).
 */
export const STREAM_MIN_BYTES = 4 * 1024 * 1024;

export interface TableResult {
  name: string;
  kind: 'table';
  columns: string[];
  dtypes: ColumnType[];
  nrows: number;
  /** The rows (at most MAX_INLINE_ROWS), or none when the table was written to `path`. */
  rows?: Cell[][];
  /** The CSV or Parquet file of a table too large to return inline (ADR 0017). */
  path?: string;
}

/** df.shape and df.columns, as small arrays. */
export interface TableArrayResult {
  name: string;
  kind: 'array';
  dtype: 'int64' | 'str';
  shape: number[];
  values: (number | string)[];
}

/** len(df), or a Series reduced to one value (df.delay.mean()). NaN is "nan", as array scalars. */
export interface TableScalarResult {
  name: string;
  kind: 'scalar';
  dtype: ColumnType;
  value: number | string | boolean;
}

export interface TableComputeResult extends Omit<GraphRun, 'chunks'> {
  outputs: (TableResult | TableScalarResult | TableArrayResult)[];
  layers: TableGraph['layers'];
}

/** What a reduction of no rows gives (pandas: a sum is 0, a count 0, the rest NaN). */
function emptyReduction(fn: string): number | string {
  if (fn === 'count' || fn === 'size' || fn === 'sum') return 0;
  return 'nan';
}

function scalarValue(c: Cell): number | string | boolean {
  return c === null ? 'nan' : c;
}

/** What a run of table outputs may be asked besides the engine's options: where large tables go. */
export interface TableComputeOptions extends ComputeOptions {
  /** Unset: every table comes back inline, cut at MAX_INLINE_ROWS rows. */
  files?: TableFiles;
  /**
   * Whether a large table may be written to its file by the run that makes it (the default): only
   * where the run's tasks can reach this process's writers, not on a cluster.
   */
  streamFiles?: boolean;
}

export async function computeTables(engine: GraphRunner, requested: { name: string; output: TableOutput }[], opts: TableComputeOptions = {}): Promise<TableComputeResult> {
  // describe() is several tables (its statistics, each column sorted) put together after the run.
  const outputs = requested.flatMap(({ name, output }): { name: string; node: TableNode; output: TableOutput }[] => (output.kind === 'describe'
    ? [{ name: `${name}\0stats`, node: output.stats, output }, ...output.sorted.map((node, i) => ({ name: `${name}\0${i}`, node, output }))]
    : output.kind === 'columns' ? []
    : [{ name, node: output.kind === 'len' || output.kind === 'shape' ? project(output.node, []) : output.node, output }]));
  let run = await runOnce(engine, outputs, opts, {});
  // A head that read only the first partition and found too few rows reads them all.
  if (run.short) run = await runOnce(engine, outputs, opts, { fullHeads: true });
  // df.columns needs no task; every output in the job's order.
  const byName = new Map<string, TableComputeResult['outputs'][number]>(run.result.outputs.map((o) => [o.name, o]));
  for (const { name, output } of requested) if (output.kind === 'columns') byName.set(name, { name, kind: 'array', dtype: 'str', shape: [output.names.length], values: output.names });
  return { ...run.result, outputs: requested.map((r) => byName.get(r.name)!) };
}

async function runOnce(engine: GraphRunner, outputs: { name: string; node: TableNode; output: TableOutput }[], { files, streamFiles = true, ...opts }: TableComputeOptions, lower: LowerOptions): Promise<{ result: TableComputeResult; short: boolean }> {
  const owner = engine.newJob();
  const streamed = new Map<string, { writer: number; path: string }>();
  try {
    const kinds = new Map(outputs.map((o) => [o.name, o.output.kind]));
    const least = Math.min(STREAM_MIN_BYTES, opts.memoryLimit ? opts.memoryLimit / 8 : Infinity);
    const inlineRows = files?.inlineRows ?? MAX_INLINE_ROWS;
    const stream = (o: { name: string; columns: Column[]; estBytes: number }): StreamedOutput | null => {
      if (!files || !streamFiles || kinds.get(o.name) !== 'table' || o.estBytes < least) return null;
      const path = join(files.dir, `${o.name}.${files.format}`);
      // inlineRows 0: every table is a file, none comes back inline.
      const inline = inlineRows === 0 ? undefined : inlineRows;
      const writer = declareTableWriter(path, files.format, o.columns, { inlineRows: inline });
      streamed.set(o.name, { writer, path });
      return { writer, inlineRows: inline };
    };
    const graph = lowerTables(outputs, { ...lower, stream, memoryLimit: opts.memoryLimit ?? undefined });
    // The folder must exist before a streamed table's first partition is written. How much its
    // files will take is known only as they are written: a disk that fills fails the job (DISK_FULL).
    if (streamed.size) await files!.reserve?.(0);
    const keep = new Set(graph.outputs.flatMap((o) => [...o.keys, ...o.heads.map((h) => h.key)]));
    const { chunks, ...run } = await engine.run(graph, { ...opts, owner, keep, files: tableFiles(outputs) });
    let short = false;
    const toFiles: TableFileRequest[] = [];
    const results = graph.outputs.map((o, k): TableResult | TableScalarResult | TableArrayResult => {
      const ids = o.keys.map((key) => chunks.get(key)!);
      if (o.streamed) return streamedResult(o.name, o.columns, ids, streamed.get(o.name)!, inlineRows);
      const total = ids.reduce((s, id) => s + native().tableRows(id), 0);
      if (o.heads.some((h) => native().tableRows(chunks.get(h.key)!) < h.n)) short = true;
      // A tail keeps the last rows, and a head after it the first of those.
      const kept = Math.min(total, o.tail ?? Infinity);
      const nrows = Math.min(kept, o.limit ?? Infinity);
      const output = outputs[k].output;
      if (output.kind === 'len') return { name: o.name, kind: 'scalar', dtype: 'int64', value: nrows };
      if (output.kind === 'shape') return { name: o.name, kind: 'array', dtype: 'int64', shape: [2], values: [nrows, output.node.columns.length] };
      const table = { name: o.name, kind: 'table' as const, columns: o.columns.map((c) => c.name), dtypes: o.columns.map((c) => c.dtype), nrows };
      // describe()'s parts are read where they are put together.
      if (output.kind === 'describe') return { ...table, rows: o.name.endsWith('\0stats') ? readRows(ids, o.columns, 1) : [] };
      if (files && output.kind !== 'reduce' && (inlineRows === 0 || nrows > inlineRows)) {
        const path = join(files.dir, `${o.name}.${files.format}`);
        toFiles.push({ name: o.name, path, columns: o.columns, nrows, ...(o.tail !== undefined ? lastRows(ids, kept) : { ids }) });
        return { ...table, path };
      }
      const rows = o.tail === undefined ? readRows(ids, o.columns, Math.min(nrows, MAX_INLINE_ROWS)) : readLastRows(ids, o.columns, kept).slice(0, Math.min(nrows, MAX_INLINE_ROWS));
      if (output.kind === 'reduce') {
        return { name: o.name, kind: 'scalar', dtype: output.dtype, value: rows.length ? scalarValue(rows[0][1]) : emptyReduction(output.fn) };
      }
      return { ...table, rows };
    });
    const described = outputs.filter((o) => o.output.kind === 'describe' && o.name.endsWith('\0stats')).map((o) => ({ name: o.name.slice(0, -'\0stats'.length), output: o.output }));
    describeResults(described, results, graph, chunks);
    // In the job's order, without describe()'s parts.
    const order = [...new Set(outputs.map((o) => o.name.split('\0')[0]))];
    const ordered = order.map((name) => results.find((r) => r.name === name)!);
    if (short) return { result: { ...run, outputs: ordered, layers: graph.layers }, short };
    let written: Awaited<ReturnType<typeof writeTableFiles>> | null = null;
    if (toFiles.length) {
      await files!.reserve?.(toFiles.reduce((s, r) => s + tableFileBytes(files!.format, r.columns, r.nrows), 0));
      written = await writeTableFiles(engine, owner, toFiles, files!.format, opts);
    }
    // Streamed files go into place now that every task has succeeded.
    for (const { writer } of streamed.values()) native().publishTableWriter(writer);
    if (!written) return { result: { ...run, outputs: ordered, layers: graph.layers }, short };
    return { result: { ...joinRuns(run, written), outputs: ordered, layers: [...graph.layers, ...written.layers] }, short };
  } catch (e) {
    for (const { writer } of streamed.values()) native().abortTableWriter(writer);
    throw toTesseraError(e, { phase: 'run' });
  } finally {
    for (const { writer } of streamed.values()) native().forgetTableWriter(writer);
    engine.freeJob(owner);
  }
}

/** A table the run wrote to its file as it went: its rows inline when it has few (the file was removed), else its path. */
function streamedResult(name: string, columns: Column[], head: number[], { writer, path }: { writer: number; path: string }, inlineRows: number): TableResult {
  const nrows = native().tableWriterRows(writer);
  const table = { name, kind: 'table' as const, columns: columns.map((c) => c.name), dtypes: columns.map((c) => c.dtype), nrows };
  return inlineRows !== 0 && nrows <= inlineRows ? { ...table, rows: readRows(head, columns, nrows) } : { ...table, path };
}

/** The partitions holding the last `n` rows, and how many rows of the first of them come before those. */
function lastRows(ids: number[], n: number): { ids: number[]; skip: number } {
  let rows = 0;
  for (let j = ids.length - 1; j >= 0; j--) {
    rows += native().tableRows(ids[j]);
    if (rows >= n) return { ids: ids.slice(j), skip: rows - n };
  }
  return { ids, skip: 0 };
}

/** numpy's linear interpolation between two neighbours (its _lerp: exact at both ends). */
function lerp(a: number, b: number, t: number): number {
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Puts each describe() output together from its parts' results (which are dropped after). */
function describeResults(requested: { name: string; output: TableOutput }[], results: (TableResult | TableScalarResult | TableArrayResult)[], graph: TableGraph, chunks: Map<string, number>): void {
  for (const { name, output } of requested) {
    if (output.kind !== 'describe') continue;
    const stats = results.find((r) => r.name === `${name}\0stats`) as TableResult;
    const row = stats.rows?.[0];
    const columns = output.names.map((_, i) => {
      const [count, mean, std, min, max] = [1, 2, 3, 4, 5].map((k) => (row ? row[1 + i * 5 + k - 1] : null));
      // The sorted non-null values, read whole from their partitions (in order: a sort may cut them into ranges).
      const plan = graph.outputs.find((o) => o.name === `${name}\0${i}`)!;
      const values: number[] = [];
      for (const key of plan.keys) {
        const p = native().readTable(chunks.get(key)!);
        const v = p.columns[0].values;
        for (let r = 0; r < p.nrows; r++) values.push(Number(v[r]));
      }
      const q = (f: number) => {
        if (!values.length) return null;
        const pos = (values.length - 1) * f, lo = Math.floor(pos), hi = Math.min(lo + 1, values.length - 1);
        return lerp(values[lo], values[hi], pos - lo);
      };
      return [count ?? 0, mean, std, min, q(0.25), q(0.5), q(0.75), max];
    });
    const labels = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'];
    const rows = labels.map((label, k) => [label, ...columns.map((c) => (typeof c[k] === 'number' ? c[k] : null))] as Cell[]);
    results.push({ name, kind: 'table', columns: ['index', ...output.names], dtypes: ['string', ...output.names.map(() => 'float64' as const)], nrows: rows.length, rows });
  }
}

/** The last `n` rows of partitions `ids`, in order. */
function readLastRows(ids: number[], columns: Column[], n: number): Cell[][] {
  const last = lastRows(ids, n);
  return readRows(last.ids, columns, last.skip + n).slice(last.skip);
}

/** One run's task stream and stats after another's (the tables, then their files). */
function joinRuns(a: Omit<GraphRun, 'chunks'>, b: Omit<GraphRun, 'chunks'>): Omit<GraphRun, 'chunks'> {
  return {
    records: [...a.records, ...b.records], samples: [...a.samples, ...b.samples], startedAt: a.startedAt, workers: a.workers,
    stats: {
      tasks: a.stats.tasks + b.stats.tasks, wall_s: a.stats.wall_s + b.stats.wall_s,
      peak_store_bytes: Math.max(a.stats.peak_store_bytes, b.stats.peak_store_bytes),
      peak_rss_bytes: Math.max(a.stats.peak_rss_bytes, b.stats.peak_rss_bytes),
      peak_mapped_bytes: Math.max(a.stats.peak_mapped_bytes, b.stats.peak_mapped_bytes),
    },
  };
}

/** The first `limit` rows of partitions `ids` (only the partitions that hold them are copied out of the store). */
function readRows(ids: number[], columns: Column[], limit: number): Cell[][] {
  const rows: Cell[][] = [];
  for (const id of ids) {
    if (rows.length >= limit) break;
    const p = native().readTable(id);
    const values = columns.map((c) => ({ ...p.columns.find((x) => x.name === c.name)!, dtype: c.dtype }) as TableColumnValues);
    for (const r of toRows(values, p.nrows, limit - rows.length)) rows.push(r);
  }
  return rows;
}
