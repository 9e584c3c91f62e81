/**
 * The engine facade: plan, lower, schedule and collect results for one job. An Engine owns a
 * worker pool (or none, for the synchronous mode) and can run many jobs one after another.
 */
import { rm, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { native, type DTypeName } from '../native/addon.js';
import { TesseraError, toTesseraError } from './errors.js';
import { EventBus, type MemorySample, type TaskRecord } from './events.js';
import { closeFiles, type FileStamp } from './executor.js';
import { children, type ExprContext, type Node, type SourceNode } from './expr.js';
import type { Layer, TaskGraph } from './graph.js';
import { largest } from './grid.js';
import { lowerJob, type OutputRequest } from './lower.js';
import { Plan } from './plan.js';
import { WorkerPool } from './pool.js';
import { Scheduler, type SchedulerResult } from './scheduler.js';
import type { TaskLog } from './task-log.js';
import { nest, readValues, type Nested } from './values.js';

export interface EngineOptions {
  workers?: number;
  scheduler?: 'threads' | 'sync';
  /** Where the worker script is, when this code is bundled (Electron); defaults to ./worker.js. */
  workerUrl?: URL;
}

export interface ComputeOptions {
  memoryLimit?: number | null;
  bus?: EventBus;
  signal?: AbortSignal;
  /** Called with the graph before it runs (for progress displays and graph views). */
  onGraph?: (g: TaskGraph) => void;
  /** Filled with the task stream as the job runs, for a watcher to read (see task-log.ts). */
  log?: TaskLog;
}

export type OutputResult =
  | { name: string; kind: 'scalar'; dtype: DTypeName; value: Nested }
  | { name: string; kind: 'array'; dtype: DTypeName; shape: number[]; values?: Nested; path?: string };

export interface ComputeResult {
  outputs: OutputResult[];
  records: TaskRecord[];
  samples: MemorySample[];
  layers: Layer[];
  stats: { tasks: number; wall_s: number; peak_store_bytes: number; peak_rss_bytes: number; peak_mapped_bytes: number };
  /** When the job was handed to the engine (epoch ms, the task records' clock). */
  startedAt: number;
  workers: number;
}

let nextOwner = 1;

/** Releases every chunk a job (an owner) still holds, and drops its byte record. */
function freeOwner(owner: number): void {
  native().releaseOwner(owner);
  native().forgetOwner(owner);
}
let nextStored = 1;

interface Persisted {
  owner: number;
  keys: string[];
}

export class Engine {
  /** Chunks of persisted arrays, by key: every job may read them. */
  private readonly external = new Map<string, number>();
  private readonly persisted = new Map<string, Persisted>();  // by stored name

  private constructor(readonly pool: WorkerPool | null, readonly simd: string) {}

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const mode = opts.scheduler ?? 'threads';
    if (mode !== 'threads' && mode !== 'sync') throw new TesseraError('BAD_OPTION', `unknown scheduler '${mode}'`, 'use --scheduler threads or --scheduler sync');
    const pool = mode === 'threads' ? await WorkerPool.start(opts.workers ?? WorkerPool.defaultSize(), opts.workerUrl) : null;
    return new Engine(pool, native().simdLevel());
  }

  get workers(): number {
    return this.pool ? this.pool.size : 1;
  }

  /** Plans and lowers a job without running it. */
  lower(outputs: OutputRequest[]): TaskGraph {
    return lowerJob(new Plan(outputs.map((o) => o.node)), outputs);
  }

  async compute(outputs: OutputRequest[], opts: ComputeOptions = {}): Promise<ComputeResult> {
    const t0 = performance.now();
    const owner = nextOwner++;
    const bus = opts.bus ?? new EventBus();
    let graph: TaskGraph | undefined;
    try {
      graph = this.lower(outputs);
      opts.onGraph?.(graph);
      const keep = new Set<string>();
      for (const o of graph.outputs) if (!o.path) for (const c of o.chunks) keep.add(c.key);
      const files = plannedFiles(outputs.map((o) => o.node));
      const run = await this.schedule(graph, owner, keep, bus, opts, files);
      try {
        await checkInputs(files);
      } catch (e) {
        // Outputs already renamed into place were computed from a file that changed: not kept.
        await Promise.all(graph.outputs.map((o) => (o.path ? rm(o.path, { force: true }) : undefined)));
        throw e;
      }
      const results: OutputResult[] = graph.outputs.map((o) => {
        if (o.path) return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape, path: o.path };
        const flat = readValues(o.dtype, o.shape, o.chunks.map((c) => ({ id: run.chunks.get(c.key)!, offset: c.offset, shape: c.shape })));
        if (o.shape.length === 0) return { name: o.name, kind: 'scalar', dtype: o.dtype, value: flat[0] };
        return { name: o.name, kind: 'array', dtype: o.dtype, shape: o.shape, values: nest(flat, o.shape) };
      });
      for (const id of run.chunks.values()) native().release(id);
      const wall = (performance.now() - t0) / 1000;
      const ownerStats = native().storeStats().owners[String(owner)];
      return {
        outputs: results, records: run.records, samples: run.samples, layers: graph.layers,
        startedAt: performance.timeOrigin + t0, workers: this.workers,
        stats: {
          tasks: graph.tasks.length, wall_s: wall,
          peak_store_bytes: ownerStats?.peakBytes ?? 0,
          peak_rss_bytes: largest(run.samples.map((s) => s.rssBytes), process.memoryUsage.rss()),
          peak_mapped_bytes: largest(run.samples.map((s) => s.mappedBytes), 0),
        },
      };
    } catch (e) {
      for (const w of graph?.writers ?? []) native().abortWriter(w);
      throw toTesseraError(e, { phase: graph ? 'run' : 'input' });
    } finally {
      freeOwner(owner);
      for (const w of graph?.writers ?? []) native().forgetWriter(w);
    }
  }

  /** Runs a lowered graph: cancellable by the signal; its programs and files are let go after. */
  private async schedule(graph: TaskGraph, owner: number, keep: Set<string>, bus: EventBus, opts: ComputeOptions, files: Map<string, FileStamp>): Promise<SchedulerResult> {
    const scheduler = new Scheduler(graph, { pool: this.pool, owner, bus, memoryLimit: opts.memoryLimit ?? null, keep, external: this.external, log: opts.log, files });
    const onAbort = () => scheduler.cancel();
    if (opts.signal?.aborted) scheduler.cancel();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      return await scheduler.run();
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      for (const p of graph.programs) native().dropProgram(p);
      if (!this.pool) closeFiles(); // workers unmap theirs at the end of each job
    }
  }

  /**
   * Computes an array and keeps its chunks in the store (dask's persist): returns a node that
   * reads them, usable in later jobs of this engine until unpersist().
   */
  async persist(ctx: ExprContext, node: Node, opts: ComputeOptions = {}): Promise<SourceNode> {
    const owner = nextOwner++;
    const graph = this.lower([{ name: 'persist', node }]);
    const keepKeys = graph.outputs[0].chunks.map((c) => c.key);
    let run;
    try {
      const files = plannedFiles([node]);
      run = await this.schedule(graph, owner, new Set(keepKeys), opts.bus ?? new EventBus(), opts, files);
      await checkInputs(files);
    } catch (e) {
      freeOwner(owner);
      throw toTesseraError(e, { phase: 'run' });
    }
    const name = `stored-${nextStored++}`;
    const keys = graph.outputs[0].chunks.map((_, i) => `${name}:${i}`);
    keepKeys.forEach((k, i) => this.external.set(keys[i], run.chunks.get(k)!));
    const spec = { kind: 'stored' as const, keys };
    const stored = ctx.intern<SourceNode>({ op: 'source', source: spec, shape: node.shape, dtype: node.dtype, weak: null, grid: node.grid }, spec);
    this.persisted.set(name, { owner, keys });
    return stored;
  }

  /** The store chunk ids of a persisted array, in C order of its grid. */
  chunkIds(node: SourceNode): number[] {
    if (node.source.kind !== 'stored') return [];
    return node.source.keys.map((k) => this.external.get(k)!).filter((id) => id !== undefined);
  }

  /** Frees the chunks of a persisted array. */
  unpersist(node: SourceNode): void {
    if (node.source.kind !== 'stored' || !node.source.keys.length) return;
    const name = node.source.keys[0].split(':')[0];
    const p = this.persisted.get(name);
    if (!p) return;
    for (const k of p.keys) this.external.delete(k);
    freeOwner(p.owner);
    this.persisted.delete(name);
  }

  async close(): Promise<void> {
    for (const p of this.persisted.values()) freeOwner(p.owner);
    this.persisted.clear();
    this.external.clear();
    await this.pool?.close();
  }
}

/** The input files under some nodes, with the size and mtime their job planned with. */
function plannedFiles(roots: Node[]): Map<string, FileStamp> {
  const files = new Map<string, FileStamp>();
  const seen = new Set<Node>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.op === 'source' && n.source.kind === 'file') files.set(n.source.path, { size: n.source.fileSize, mtimeNs: n.source.mtimeNs });
    stack.push(...children(n));
  }
  return files;
}

/**
 * The inputs still as planned once every task is done: tasks check their files at most once a
 * millisecond (native/io/mapped_file.h), so a change in a job's last moments is caught here.
 */
async function checkInputs(files: Map<string, FileStamp>): Promise<void> {
  for (const [path, planned] of files) {
    if (!planned.mtimeNs) continue;
    const now = await stat(path, { bigint: true }).catch(() => null);
    if (now && now.size === BigInt(planned.size) && now.mtimeNs.toString() === planned.mtimeNs) continue;
    const what = !now ? 'it is gone' : now.size !== BigInt(planned.size) ? `its size went from ${planned.size} to ${now.size} bytes` : 'it was modified (its modification time changed)';
    throw new TesseraError('INPUT_CHANGED', `the input file ${path} changed while the job was using it: ${what}`,
      'something wrote to, truncated or replaced the file during the job; let it finish writing, then run the job again', { phase: 'run' });
  }
}

export type { Node, OutputRequest };
