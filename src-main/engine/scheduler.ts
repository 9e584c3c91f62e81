/**
 * The scheduler: runs a TaskGraph over a worker pool (or inline, in the synchronous debugging
 * mode). Each method below is one state transition of a task:
 *
 *   waiting --(last dependency done)--> ready --(dispatched)--> running --(reply)--> done
 *   done --(last dependent done, not kept)--> released
 *
 * Policy, stated and tested:
 * - Readiness: the ready task with the smallest static priority (see order.ts) starts first.
 * - Memory: while the chunks held plus the chunks being made exceed the memory limit, no new
 *   source task (one that reads only files or generators) starts; tasks that consume chunks keep
 *   running, since they are what frees memory. With nothing running, one source task may start,
 *   so a limit smaller than one chunk slows a job down but never deadlocks it.
 * - Release: a chunk is released as soon as its last dependent finishes, unless it is kept (an
 *   output whose values are read after the run).
 * - Failure: the first failing task stops dispatch; running tasks finish; every chunk of the job
 *   is released; the error names the task key.
 * - Cancel: like a failure, with code CANCELLED.
 * - Workers are kept busy by sending each up to `prefetch` tasks ahead, so a worker never waits
 *   for a round trip through the main thread between two tasks.
 */
import { performance } from 'node:perf_hooks';
import { native } from '../native/addon.js';
import { TesseraError, toTesseraError } from './errors.js';
import type { EventBus, MemorySample, Progress, TaskRecord } from './events.js';
import { executeTask } from './executor.js';
import type { Task, TaskGraph } from './graph.js';
import { MinHeap } from './heap.js';
import type { WorkerPool } from './pool.js';
import type { WorkerReply } from './worker.js';

export interface SchedulerOptions {
  pool: WorkerPool | null;   // null: run inline on this thread (--scheduler sync)
  owner: number;             // store owner id of this job's chunks
  bus: EventBus;
  memoryLimit?: number | null;
  keep?: Set<string>;        // keys whose chunks outlive the run
  external?: Map<string, number>; // chunks made before this run (persisted arrays): read, never released
  prefetch?: number;
  memoryIntervalMs?: number;
}

export interface SchedulerResult {
  chunks: Map<string, number>;  // kept keys -> chunk ids
  records: TaskRecord[];
  samples: MemorySample[];
  peakHeldBytes: number;
}

const now = () => performance.timeOrigin + performance.now();

export class Scheduler {
  private readonly g: TaskGraph;
  private readonly o: Required<Omit<SchedulerOptions, 'pool' | 'memoryLimit' | 'external'>> & { pool: WorkerPool | null; memoryLimit: number | null };
  private readonly external: Map<string, number>;
  private readonly remainingDeps = new Map<string, number>();
  private readonly dependents = new Map<string, string[]>();
  private readonly pendingUses = new Map<string, number>();
  private readonly readySources = new MinHeap<Task>();
  private readonly readyOthers = new MinHeap<Task>();
  private readonly running = new Map<number, { task: Task; worker: number }>();
  private readonly inflight: number[];
  private readonly chunkOf = new Map<string, number>();
  private readonly bytesOf = new Map<string, number>();
  private readonly madeBy = new Map<string, number>();
  private readonly perWorkerHeld: number[];
  private readonly records: TaskRecord[] = [];
  private readonly samples: MemorySample[] = [];
  private readonly layerProgress: Progress['layers'] = {};
  private held = 0;
  private inflightEst = 0;
  private peakHeld = 0;
  private done = 0;
  private seq = 0;
  private error: TesseraError | null = null;
  private settle: ((r: SchedulerResult) => void) | null = null;
  private fail: ((e: TesseraError) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastProgress = 0;

  constructor(graph: TaskGraph, opts: SchedulerOptions) {
    this.g = graph;
    this.o = {
      pool: opts.pool, owner: opts.owner, bus: opts.bus, memoryLimit: opts.memoryLimit ?? null,
      keep: opts.keep ?? new Set(), prefetch: opts.prefetch ?? 2, memoryIntervalMs: opts.memoryIntervalMs ?? 50,
    };
    this.external = opts.external ?? new Map();
    const lanes = opts.pool ? opts.pool.size : 1;
    this.inflight = new Array(lanes).fill(0);
    this.perWorkerHeld = new Array(lanes).fill(0);
    for (const t of graph.tasks) {
      const deps = [...new Set(t.deps)].filter((d) => !this.external.has(d));
      this.remainingDeps.set(t.key, deps.length);
      for (const d of deps) {
        if (!graph.byKey.has(d)) throw new TesseraError('INTERNAL', `task ${t.key} depends on unknown ${d}`, 'this is a planner bug');
        let list = this.dependents.get(d);
        if (!list) this.dependents.set(d, (list = []));
        list.push(t.key);
        this.pendingUses.set(d, (this.pendingUses.get(d) ?? 0) + 1);
      }
      const lp = (this.layerProgress[t.layer] ??= { done: 0, running: 0, total: 0 });
      lp.total++;
    }
  }

  run(): Promise<SchedulerResult> {
    return new Promise<SchedulerResult>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      for (const t of this.g.tasks) if (this.remainingDeps.get(t.key) === 0) this.makeReady(t);
      this.sampleMemory();
      this.timer = setInterval(() => this.sampleMemory(), this.o.memoryIntervalMs);
      if (this.o.pool) {
        this.o.pool.onReply((w, r) => this.onReply(w, r));
        this.pump();
      } else {
        void this.runInline();
      }
    });
  }

  /** Stops dispatching; running tasks finish, then the run rejects with CANCELLED. */
  cancel(reason = 'the job was cancelled'): void {
    if (!this.error) this.error = new TesseraError('CANCELLED', reason, 'no output was written; run the job again to get results', { phase: 'run' });
    this.maybeFinish();
  }

  // ---- transitions ----------------------------------------------------------------------

  private makeReady(t: Task): void {
    const readsChunks = t.deps.some((d) => !this.external.has(d));
    (readsChunks ? this.readyOthers : this.readySources).push(t);
  }

  private gateOpen(): boolean {
    const limit = this.o.memoryLimit;
    return limit === null || this.held + this.inflightEst <= limit || this.running.size === 0;
  }

  private pickReady(): Task | undefined {
    const other = this.readyOthers.peek();
    const source = this.gateOpen() ? this.readySources.peek() : undefined;
    if (other && (!source || other.priority <= source.priority)) return this.readyOthers.pop();
    if (source) return this.readySources.pop();
    return undefined;
  }

  private dispatch(t: Task, worker: number): number {
    const n = this.seq++;
    this.running.set(n, { task: t, worker });
    this.inflightEst += t.estBytes;
    this.layerProgress[t.layer].running++;
    this.o.bus.emit({ type: 'task-start', key: t.key, layer: t.layer, worker, t: now() });
    return n;
  }

  private idsOf(t: Task): number[] {
    return t.deps.map((d) => this.chunkOf.get(d) ?? this.external.get(d)!);
  }

  private pump(): void {
    const pool = this.o.pool!;
    if (this.error) return this.maybeFinish();
    for (let w = 0; w < pool.size; w++) {
      const batch: { n: number; spec: Task['spec']; ids: number[] }[] = [];
      while (this.inflight[w] + batch.length < this.o.prefetch) {
        const t = this.pickReady();
        if (!t) break;
        batch.push({ n: this.dispatch(t, w), spec: t.spec, ids: this.idsOf(t) });
      }
      if (batch.length) {
        this.inflight[w] += batch.length;
        pool.send(w, this.o.owner, batch);
      }
    }
    this.maybeFinish();
  }

  private onReply(worker: number, r: Exclude<WorkerReply, { type: 'ready' }>): void {
    const entry = this.running.get(r.n);
    if (!entry) return;
    this.running.delete(r.n);
    this.inflight[worker]--;
    this.complete(entry.task, worker, r);
    if (this.o.pool) this.pump();
  }

  private complete(t: Task, worker: number, r: Exclude<WorkerReply, { type: 'ready' }>): void {
    this.inflightEst -= t.estBytes;
    this.layerProgress[t.layer].running--;
    if (r.type === 'error') {
      if (!this.error || this.error.code === 'CANCELLED') {
        this.error = new TesseraError(r.error.code, r.error.message, r.error.hint, { task: t.key, phase: 'run' });
      }
      return;
    }
    const record: TaskRecord = { key: t.key, layer: t.layer, kind: t.spec.kind, worker, start: r.start, stop: r.stop, bytesIn: r.bytesIn, bytesOut: r.bytesOut };
    this.records.push(record);
    this.o.bus.emit({ type: 'task', record });
    this.done++;
    this.layerProgress[t.layer].done++;
    if (r.chunk) {
      this.chunkOf.set(t.key, r.chunk);
      this.bytesOf.set(t.key, r.bytesOut);
      this.madeBy.set(t.key, worker);
      this.held += r.bytesOut;
      this.perWorkerHeld[worker] += r.bytesOut;
      if (this.held > this.peakHeld) this.peakHeld = this.held;
    }
    for (const d of new Set(t.deps)) {
      if (this.external.has(d)) continue;
      const left = this.pendingUses.get(d)! - 1;
      this.pendingUses.set(d, left);
      if (left === 0) this.release(d);
    }
    if (!this.pendingUses.has(t.key)) this.release(t.key);
    for (const k of this.dependents.get(t.key) ?? []) {
      const left = this.remainingDeps.get(k)! - 1;
      this.remainingDeps.set(k, left);
      if (left === 0) this.makeReady(this.g.byKey.get(k)!);
    }
    const tnow = now();
    if (tnow - this.lastProgress > 50 || this.done === this.g.tasks.length) {
      this.lastProgress = tnow;
      this.o.bus.emit({ type: 'progress', progress: this.progress() });
    }
  }

  private release(key: string): void {
    if (this.o.keep.has(key)) return;
    const id = this.chunkOf.get(key);
    if (id === undefined) return;
    native().release(id);
    this.chunkOf.delete(key);
    const b = this.bytesOf.get(key) ?? 0;
    this.held -= b;
    this.perWorkerHeld[this.madeBy.get(key) ?? 0] -= b;
    this.o.bus.emit({ type: 'released', key });
  }

  private maybeFinish(): void {
    if (this.running.size > 0) return;
    if (!this.error && this.done < this.g.tasks.length) {
      if (this.readyOthers.size === 0 && this.readySources.size === 0) {
        this.error = new TesseraError('INTERNAL', 'the scheduler has nothing to run but the job is not finished', 'this is a scheduler bug, please report it', { phase: 'run' });
      } else {
        return;
      }
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sampleMemory();
    this.o.pool?.onReply(null);
    if (this.error) {
      for (const id of this.chunkOf.values()) native().release(id);
      this.chunkOf.clear();
      this.fail?.(this.error);
    } else {
      this.o.bus.emit({ type: 'progress', progress: this.progress() });
      this.settle?.({ chunks: new Map(this.chunkOf), records: this.records, samples: this.samples, peakHeldBytes: this.peakHeld });
    }
    this.settle = this.fail = null;
  }

  /** Synchronous mode: one task at a time on this thread, yielding to the event loop every
   * 20 ms so a cancel (Ctrl-C) is seen between tasks. */
  private async runInline(): Promise<void> {
    let lastYield = now();
    while (!this.error) {
      const t = this.pickReady();
      if (!t) break;
      const n = this.dispatch(t, 0);
      const start = now();
      let reply: Exclude<WorkerReply, { type: 'ready' }>;
      try {
        const r = executeTask(t.spec, this.idsOf(t), this.o.owner);
        reply = { type: 'done', n, ...r, start, stop: now() };
      } catch (e) {
        const err = toTesseraError(e);
        reply = { type: 'error', n, error: { code: err.code, message: err.message, hint: err.hint }, start, stop: now() };
      }
      this.running.delete(n);
      this.complete(t, 0, reply);
      if (now() - lastYield > 20) {
        await new Promise((r) => setImmediate(r));
        lastYield = now();
      }
    }
    this.maybeFinish();
  }

  private progress(): Progress {
    return { done: this.done, total: this.g.tasks.length, running: this.running.size, layers: structuredClone(this.layerProgress) };
  }

  private sampleMemory(): void {
    const sample: MemorySample = {
      t: now(), storeBytes: this.held, rssBytes: process.memoryUsage.rss(), perWorker: [...this.perWorkerHeld], limitBytes: this.o.memoryLimit,
    };
    this.samples.push(sample);
    this.o.bus.emit({ type: 'memory', sample });
  }
}
