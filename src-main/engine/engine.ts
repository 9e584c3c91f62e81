/**
 * The engine facade: runs task graphs of any collection on a worker pool (or on this thread, in
 * the synchronous mode), one job after another. A collection lowers its work into a TaskGraph,
 * hands it here with the keys of the chunks it wants back, and reads those chunks by id before it
 * frees the job (collections/array/compute.ts is the array collection's side of this).
 *
 * A job is a store owner: every chunk its tasks make is counted against it, and freeing the job
 * frees whatever it still holds. Chunks kept across jobs (dask's persist) stay with their own
 * owner under names every later job may read.
 */
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { native } from '../native/addon.js';
import { TesseraError, toTesseraError } from './errors.js';
import { EventBus, type MemorySample, type TaskRecord } from './events.js';
import { closeFiles, type FileStamp } from './executor.js';
import type { Task, TaskGraph } from './graph.js';
import './kinds/index.js';
import { largest } from './numbers.js';
import { WorkerPool } from './pool.js';
import { Scheduler } from './scheduler.js';
import { taskKind } from './task-kinds.js';
import type { TaskLog } from './task-log.js';

export interface EngineOptions {
  workers?: number;
  scheduler?: 'threads' | 'sync';
  /** Where the worker script is, when this code is bundled (Electron); defaults to ./worker.js. */
  workerUrl?: URL;
  /** Where the user-module hooks are (user-modules/ts-hooks.ts), when bundled; defaults to the file beside the worker's. */
  moduleHooksUrl?: URL;
  /**
   * Start the worker threads when a job first needs them, not now (the CLI's `tessera run`): a
   * small job (at most one task per layer, each task small, no JS) runs on this thread, so its
   * process does not pay for starting workers it would barely use (issue #18).
   */
  lazyWorkers?: boolean;
}

/** What a caller can ask of a run besides the graph. */
export interface ComputeOptions {
  memoryLimit?: number | null;
  bus?: EventBus;
  signal?: AbortSignal;
  /** Called with the graph before it runs (for progress displays and graph views). */
  onGraph?: (g: TaskGraph) => void;
  /** Filled with the task stream as the job runs, for a watcher to read (see task-log.ts). */
  log?: TaskLog;
}

export interface RunGraphOptions extends ComputeOptions {
  /** The store owner of the job's chunks (Engine.newJob). */
  owner: number;
  /** Keys of chunks the caller reads after the run: not released when their last reader is done. */
  keep: Set<string>;
  /** The input files with the size and mtime the job planned with: checked as tasks read them and once more at the end. */
  files?: ReadonlyMap<string, FileStamp>;
}

export interface RunStats {
  tasks: number;
  wall_s: number;
  peak_store_bytes: number;
  peak_rss_bytes: number;
  peak_mapped_bytes: number;
  /** Bytes the job's chunks wrote to its spill folder (absent when nothing was spilled). */
  spilled_bytes?: number;
  /** Seconds a lazy engine took to start its workers for this job, before its wall_s (absent when none started). */
  workers_start_s?: number;
}

export interface GraphRun {
  /** Store ids of the kept chunks, by key. */
  chunks: Map<string, number>;
  records: TaskRecord[];
  samples: MemorySample[];
  stats: RunStats;
  /** When the job was handed to the engine (epoch ms, the task records' clock). */
  startedAt: number;
  workers: number;
}

let nextOwner = 1;

/** Releases every chunk a store owner holds and drops its byte record (a job's, or a kept set's). */
export function freeStoreOwner(owner: number): void {
  native().releaseOwner(owner);
  native().forgetOwner(owner);
}

/**
 * What a collection needs of whatever runs its graphs: this machine's Engine, or a Dask cluster's
 * runner (cluster/cluster-runner.ts), which runs a graph's tasks on the cluster and puts the
 * chunks the caller keeps into this process's store, so a collection reads them alike.
 */
export type GraphRunner = Pick<Engine, 'workers' | 'newJob' | 'freeJob' | 'run' | 'keep' | 'forget'>;

export class Engine {
  /** Chunks kept across jobs, by key: every job may read them. */
  private readonly kept = new Map<string, number>();
  /** The owner and keys of each named set of kept chunks. */
  private readonly keptSets = new Map<string, { owner: number; keys: string[] }>();

  /** The workers once started (lazyWorkers: on the first job that needs them). */
  private started: Promise<WorkerPool> | null = null;

  private constructor(private current: WorkerPool | null, readonly simd: string, private readonly lazy: { size: number; start: () => Promise<WorkerPool> } | null = null) {}

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const mode = opts.scheduler ?? 'threads';
    if (mode !== 'threads' && mode !== 'sync') throw new TesseraError('BAD_OPTION', `unknown scheduler '${mode}'`, 'use --scheduler threads or --scheduler sync');
    const size = opts.workers ?? WorkerPool.defaultSize();
    const start = () => WorkerPool.start(size, opts.workerUrl, opts.moduleHooksUrl);
    if (mode === 'threads' && opts.lazyWorkers) return new Engine(null, native().simdLevel(), { size, start });
    return new Engine(mode === 'threads' ? await start() : null, native().simdLevel());
  }

  /** The worker threads, null with the sync scheduler (or before a lazy engine's first job that needs them). */
  get pool(): WorkerPool | null {
    return this.current;
  }

  get workers(): number {
    return this.current ? this.current.size : this.lazy ? this.lazy.size : 1;
  }

  /**
   * The pool a graph runs on: null (this thread) for the sync scheduler, or for a lazy engine's
   * small graph: at most one task per layer, each small (a signal is not seen on this thread while
   * a task runs: Ctrl-C must still cancel a long job at once), and none of the user's JS.
   */
  private async poolFor(graph: TaskGraph): Promise<WorkerPool | null> {
    if (this.current || !this.lazy) return this.current;
    const small = graph.layers.every((l) => l.tasks <= 1) && graph.tasks.every((t) => !taskKind(t.spec.kind).runJs && smallTask(t));
    if (small) return null;
    this.current = await (this.started ??= this.lazy.start());
    return this.current;
  }

  /** A new store owner for one job's chunks. */
  newJob(): number {
    return nextOwner++;
  }

  /** Releases every chunk a job still holds, and drops its byte record. */
  freeJob(owner: number): void {
    freeStoreOwner(owner);
  }

  /**
   * Runs a graph: cancellable by the signal. The kept chunks stay in the store (the job's owner
   * holds them) until the caller frees the job; every other chunk is released once read.
   */
  async run(graph: TaskGraph, opts: RunGraphOptions): Promise<GraphRun> {
    // A lazy engine's workers start here, before the clock: their start is the process's, not the job's.
    const tPool = performance.now();
    const starting = this.lazy !== null && this.current === null;
    const pool = await this.poolFor(graph);
    const t0 = performance.now();
    const workersStart = starting && pool ? (t0 - tPool) / 1000 : 0;
    opts.onGraph?.(graph);
    const scheduler = new Scheduler(graph, {
      pool, owner: opts.owner, bus: opts.bus ?? new EventBus(), memoryLimit: opts.memoryLimit ?? null,
      keep: opts.keep, external: this.kept, log: opts.log, files: opts.files,
    });
    const onAbort = () => scheduler.cancel();
    if (opts.signal?.aborted) scheduler.cancel();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      const run = await scheduler.run();
      if (opts.files) await checkInputs(opts.files);
      const ownerStats = native().storeStats().owners[String(opts.owner)];
      return {
        chunks: run.chunks, records: run.records, samples: run.samples,
        startedAt: performance.timeOrigin + t0, workers: pool ? pool.size : 1,
        stats: {
          tasks: graph.tasks.length, wall_s: (performance.now() - t0) / 1000,
          peak_store_bytes: ownerStats?.peakBytes ?? 0,
          peak_rss_bytes: largest(run.samples.map((s) => s.rssBytes), process.memoryUsage.rss()),
          peak_mapped_bytes: largest(run.samples.map((s) => s.mappedBytes), 0),
          ...(run.spilledBytes ? { spilled_bytes: run.spilledBytes } : {}),
          ...(workersStart ? { workers_start_s: workersStart } : {}),
        },
      };
    } catch (e) {
      throw toTesseraError(e, { phase: 'run' });
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (!pool) closeFiles(); // workers unmap theirs at the end of each job
    }
  }

  /**
   * Keeps a finished job's chunks under new keys for later jobs to read (dask's persist); the job's
   * owner now belongs to the kept set, which `drop` frees.
   */
  keep(name: string, owner: number, chunks: { key: string; id: number }[]): void {
    for (const c of chunks) this.kept.set(c.key, c.id);
    this.keptSets.set(name, { owner, keys: chunks.map((c) => c.key) });
  }

  /** The store id of a kept chunk. */
  keptChunk(key: string): number | undefined {
    return this.kept.get(key);
  }

  /** Stops naming a kept set without freeing its chunks (their owner still holds them: a job that lends its chunks to a second graph). */
  forget(name: string): void {
    for (const k of this.keptSets.get(name)?.keys ?? []) this.kept.delete(k);
    this.keptSets.delete(name);
  }

  /**
   * Lets this engine's jobs read chunks another holds (the persisted arrays, run/persisted-arrays.ts,
   * which outlive any one engine of the process): read by key, never freed here, also not by close.
   */
  borrow(chunks: { key: string; id: number }[]): void {
    for (const c of chunks) this.kept.set(c.key, c.id);
  }

  /** Stops reading borrowed chunks (their holder released them). */
  giveBack(keys: string[]): void {
    for (const k of keys) this.kept.delete(k);
  }

  /** Frees a kept set; false if there is none of that name. */
  drop(name: string): boolean {
    const set = this.keptSets.get(name);
    if (!set) return false;
    for (const k of set.keys) this.kept.delete(k);
    this.freeJob(set.owner);
    this.keptSets.delete(name);
    return true;
  }

  async close(): Promise<void> {
    for (const set of this.keptSets.values()) this.freeJob(set.owner);
    this.keptSets.clear();
    this.kept.clear();
    const pool = this.current ?? (this.started ? await this.started.catch(() => null) : null);
    await pool?.close();
  }
}

/** At most this many elements per array task, or bytes read or made per other task: a few milliseconds of work. */
const SMALL_ELEMENTS = 2 ** 20;
const SMALL_BYTES = 4 * 2 ** 20;

/** Whether a task is a few milliseconds of work at most, from its spec: elements it iterates, bytes it reads or makes. */
function smallTask(t: Task): boolean {
  const s = t.spec as { iterShape?: number[]; bytesIn?: number; start?: number; end?: number };
  if (Array.isArray(s.iterShape)) return s.iterShape.reduce((a, b) => a * b, 1) <= SMALL_ELEMENTS;
  if (typeof s.bytesIn === 'number' && s.bytesIn > SMALL_BYTES) return false;
  if (typeof s.start === 'number' && typeof s.end === 'number' && s.end - s.start > SMALL_BYTES) return false;
  return t.estBytes <= SMALL_BYTES;
}

/**
 * The inputs still as planned once every task is done: tasks check their files at most once a
 * millisecond (native/io/mapped_file.h), so a change in a job's last moments is caught here.
 */
async function checkInputs(files: ReadonlyMap<string, FileStamp>): Promise<void> {
  for (const [path, planned] of files) {
    if (!planned.mtimeNs) continue;
    const now = await stat(path, { bigint: true }).catch(() => null);
    if (now && now.size === BigInt(planned.size) && now.mtimeNs.toString() === planned.mtimeNs) continue;
    const what = !now ? 'it is gone' : now.size !== BigInt(planned.size) ? `its size went from ${planned.size} to ${now.size} bytes` : 'it was modified (its modification time changed)';
    throw new TesseraError('INPUT_CHANGED', `the input file ${path} changed while the job was using it: ${what}`,
      'something wrote to, truncated or replaced the file during the job; let it finish writing, then run the job again', { phase: 'run' });
  }
}
