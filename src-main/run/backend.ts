/**
 * What a run needs of whatever executes it: a Backend takes a job's array outputs (expression
 * nodes, with a file path for those too large to return as values) and gives back their results
 * with the task stream, memory samples and stats, in the engine's shapes, so every host and panel
 * reads any backend alike. LocalBackend (local-backend.ts) is this machine's engine; a Dask cluster
 * (issue #17) is another implementation of the same few members.
 */
import type { ComputeResult, OutputRequest } from '../collections/array/compute.js';
import type { DenseRun, DenseTable, TableComputeOptions, TableComputeResult, TableNode, TableOutput } from '../collections/dataframe/index.js';
import type { ComputeOptions } from '../engine/engine.js';
import type { DelayedComputeResult, DelayedRequest } from '../collections/delayed/index.js';
import type { BagComputeOptions, BagComputeResult, BagPlan } from '../collections/bag/index.js';

export interface Backend {
  /** Names the backend for people ('local'). */
  readonly name: string;
  /** How many tasks it runs at once; "auto" chunks and profiles size chunks by it. */
  readonly workers: number;
  /** The SIMD level its kernels run at; identifies the machine for remembered profiles. */
  readonly simd: string;
  /** Why it cannot run jobs any more (a worker died), or null while it can. */
  readonly failure: Error | null;
  /**
   * Computes array outputs: values for those without a path, .npy files for those with one.
   * Task events go to `opts.bus` and `opts.log`, and `opts.signal` cancels.
   */
  computeArrays(outputs: OutputRequest[], opts: ComputeOptions): Promise<ComputeResult>;
  /**
   * Computes tables as dense arrays (df.col.values) and keeps the chunks for the array job that
   * reads them, under stored keys (`<name>:<i>`, one per partition); `release` frees them.
   */
  computeDense(items: { name: string; node: TableNode; matrix: boolean }[], opts: ComputeOptions): Promise<DenseTables>;
  /** Computes table outputs (the dataframe collection's): rows inline, or a file (`opts.files`) and a row count. */
  computeTables(outputs: { name: string; output: TableOutput }[], opts: TableComputeOptions): Promise<TableComputeResult>;
  /** Computes bag outputs (collections/bag): counts, and lists inline or written by `opts.writeList`. */
  computeBags(outputs: { name: string; plan: BagPlan }[], opts: BagComputeOptions): Promise<BagComputeResult>;
  /** Computes delayed outputs: the values the user's functions return (collections/delayed). */
  computeDelayed(request: DelayedRequest, opts: ComputeOptions): Promise<DelayedComputeResult>;
  /** Frees the chunks a job kept (ComputeResult.kept) when nobody takes them over. */
  freeKept(owner: number): void;
  /** Lets its workers go; it runs nothing after. */
  close(): Promise<void>;
}

/** What a host may ask of a backend it starts: how many workers, on threads or this thread. */
/** Tables computed as arrays: each one's stored chunk keys (in row order) and rows per chunk. */
export interface DenseTables {
  run: Omit<DenseRun, 'tables' | 'owner'>;
  tables: (Omit<DenseTable, 'chunks'> & { keys: string[]; rows: number[] })[];
  release(): void;
}

export interface BackendOptions {
  workers?: number;
  scheduler?: 'threads' | 'sync';
}
