/**
 * The engine facade: plan, lower, schedule and collect results for one job. An Engine owns a
 * worker pool (or none, for the synchronous mode) and can run many jobs one after another.
 */
import { performance } from 'node:perf_hooks';
import { native, type DTypeName } from '../native/addon.js';
import { TesseraError, toTesseraError } from './errors.js';
import { EventBus, type MemorySample, type TaskRecord } from './events.js';
import { closeFiles } from './executor.js';
import type { Node } from './expr.js';
import type { Layer, TaskGraph } from './graph.js';
import { lowerJob, type OutputRequest } from './lower.js';
import { Plan } from './plan.js';
import { WorkerPool } from './pool.js';
import { Scheduler } from './scheduler.js';
import { nest, readValues, type Nested } from './values.js';

export interface EngineOptions {
  workers?: number;
  scheduler?: 'threads' | 'sync';
}

export interface ComputeOptions {
  memoryLimit?: number | null;
  bus?: EventBus;
  signal?: AbortSignal;
  /** Called with the graph before it runs (for progress displays and graph views). */
  onGraph?: (g: TaskGraph) => void;
}

export type OutputResult =
  | { name: string; kind: 'scalar'; dtype: DTypeName; value: Nested }
  | { name: string; kind: 'array'; dtype: DTypeName; shape: number[]; values?: Nested; path?: string };

export interface ComputeResult {
  outputs: OutputResult[];
  records: TaskRecord[];
  samples: MemorySample[];
  layers: Layer[];
  stats: { tasks: number; wall_s: number; peak_store_bytes: number; peak_rss_bytes: number };
}

let nextOwner = 1;

export class Engine {
  private constructor(readonly pool: WorkerPool | null, readonly simd: string) {}

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const mode = opts.scheduler ?? 'threads';
    if (mode !== 'threads' && mode !== 'sync') throw new TesseraError('BAD_OPTION', `unknown scheduler '${mode}'`, 'use --scheduler threads or --scheduler sync');
    const pool = mode === 'threads' ? await WorkerPool.start(opts.workers ?? WorkerPool.defaultSize()) : null;
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
      const scheduler = new Scheduler(graph, { pool: this.pool, owner, bus, memoryLimit: opts.memoryLimit ?? null, keep });
      const onAbort = () => scheduler.cancel();
      if (opts.signal?.aborted) scheduler.cancel();
      opts.signal?.addEventListener('abort', onAbort);
      let run;
      try {
        run = await scheduler.run();
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
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
        stats: {
          tasks: graph.tasks.length, wall_s: wall,
          peak_store_bytes: ownerStats?.peakBytes ?? 0,
          peak_rss_bytes: Math.max(process.memoryUsage.rss(), ...run.samples.map((s) => s.rssBytes)),
        },
      };
    } catch (e) {
      for (const w of graph?.writers ?? []) native().abortWriter(w);
      throw toTesseraError(e, { phase: graph ? 'run' : 'input' });
    } finally {
      native().releaseOwner(owner);
      native().forgetOwner(owner);
      for (const w of graph?.writers ?? []) native().forgetWriter(w);
      for (const p of graph?.programs ?? []) native().dropProgram(p);
      if (this.pool) this.pool.closeFiles();
      else closeFiles();
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

export type { Node, OutputRequest };
