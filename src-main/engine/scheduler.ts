/**
 * The scheduler: runs a TaskGraph over a worker pool (or inline, in the synchronous debugging
 * mode). Each method below is one state transition of a task:
 *
 *   waiting --(last dependency done)--> ready --(dispatched)--> running --(reply)--> done
 *   done --(last dependent done, not kept)--> released
 *
 * Policy, stated and tested:
 * - Readiness: the ready task with the smallest static priority (see order.ts) starts first, with
 *   one exception at the end of the source tasks (those with no dependency: file reads, generated
 *   chunks): once those not started fit in the in-flight limit, they start before anything else.
 *   Otherwise the last read, often the longest task of a job, starts after the partials that
 *   priority puts first and runs alone while the other workers idle (5-7 ms of a 35 ms Parquet
 *   job on 2 workers); this way the short partials fill that tail. It holds at most the in-flight
 *   limit of extra chunks, and the memory gate still applies to each.
 * - Memory: a task starts only while the chunks held, plus those being made, plus its own output
 *   (and its spilled inputs, read back first) fit the memory limit (its output as planned, or,
 *   for a task whose output holds at most its inputs, their bytes once they are made: makeReady);
 *   with nothing running, the next task starts anyway (after spilling, below), so a limit smaller
 *   than one chunk slows a job down but never deadlocks it. Among ready tasks, those that free at least as much as they make (they
 *   are how memory comes back) go before growing ones of lower priority.
 * - Spill: when the next task to start does not fit the memory limit, chunks are written to the
 *   job's spill file (spill-folder.ts) and released until it fits: with a worker free and others
 *   running, for the first ready task by priority and only if spilling can make it fit (else the
 *   running tasks finish first, freeing their inputs); with nothing running, for the next task. First those
 *   whose next reader comes last (by priority), never one a queued or running task reads, nor a
 *   kept one, nor one an unfinished task holds (Task.holds: a native writer may hold it, so
 *   writing it out would free nothing). A spilled chunk is read back just before a task that
 *   reads it is dispatched (its bytes count against the limit then). So a job whose live chunks exceed the limit completes with
 *   the store under it, unless one task's own inputs and output exceed it. Spills and reads back are
 *   records of kinds 'spill' and 'unspill' on a lane after the workers' (this thread does them).
 * - Release: a chunk is released as soon as its last dependent finishes, unless it is kept (an
 *   output whose values are read after the run); a spilled one's region of the spill file is given back.
 * - Failure: the first failing task stops dispatch; running tasks finish; every chunk of the job
 *   is released; the error names the task key.
 * - Cancel: like a failure, with code CANCELLED.
 * - Dispatch: ready tasks go, in priority order, to the job's shared queue (task-queue.ts), from
 *   which whichever worker is free takes the next one; a worker never waits for this thread while
 *   the queue holds tasks, and no task waits behind a busy worker while another is idle. How many
 *   tasks are queued or running at once follows the measured task length: about 16 ms of work
 *   per worker (at least 2 tasks, at most 64), so priorities and the memory gate act within a few
 *   tasks; a worker wakes this thread when about 2 ms of work per worker is left queued, so it
 *   refills the queue once per many finished tasks (a wake costs a worker 50-100 us of CPU on a
 *   machine whose cores are all busy). Before its first task finishes, a job goes by the mean
 *   task length of the pool's previous job (at least 1 ms; long tasks on a fresh pool), so a
 *   repeated job does not ramp up again; the first task that finishes wakes this thread and its
 *   length replaces that guess. The memory timer (every 50 ms) also takes in finished tasks, so
 *   progress stays current while a queue filled on a wrong guess drains.
 * - Worker failure: a worker that dies fails the job (WORKER_CRASHED) and the pool with it.
 *
 * Tasks are numbered by their position in graph.tasks; all per-task state lives in typed arrays
 * indexed by that number, so a job of 10^5 tasks costs microseconds per task on this thread.
 */
import { performance } from 'node:perf_hooks';
import { native } from '../native/addon.js';
import { TesseraError, toTesseraError } from './errors.js';
import type { EventBus, MemorySample, Progress, TaskRecord } from './events.js';
import { TaskLog } from './task-log.js';
import { FINISHED } from './doorbell.js';
import { encodeJob, type FileStamp, JobRunner, keepsFilePages } from './executor.js';
import type { TaskGraph } from './graph.js';
import { ReadyHeap } from './heap.js';
import type { PoolEvent, WorkerPool } from './pool.js';
import { TaskQueue } from './task-queue.js';
import { SpillFolder } from './spill-folder.js';

export interface SchedulerOptions {
  pool: WorkerPool | null;   // null: run inline on this thread (--scheduler sync)
  owner: number;             // store owner id of this job's chunks
  bus: EventBus;
  memoryLimit?: number | null;
  keep?: Set<string>;        // keys whose chunks outlive the run
  external?: Map<string, number>; // chunks made before this run (persisted arrays): read, never released
  memoryIntervalMs?: number;
  /** Where the task stream goes (a watcher reads it while the job runs); a fresh log if not given. */
  log?: TaskLog;
  /** The input files' size and mtime as planned, by path: tasks check them before reading. */
  files?: ReadonlyMap<string, FileStamp>;
}

export interface SchedulerResult {
  chunks: Map<string, number>;  // kept keys -> chunk ids
  records: TaskRecord[];
  samples: MemorySample[];
  peakHeldBytes: number;
  /** Bytes written to the spill folder over the run. */
  spilledBytes: number;
}

/**
 * Work kept queued or running per worker (ms): enough that workers never wait for this thread, few
 * enough that priorities and the memory gate still act within a few tasks.
 */
const AHEAD_MS = 16;
/** Work left queued per worker when a worker wakes this thread to refill the queue (ms). */
const LOW_WATER_MS = 2;

/** The least task length a job assumes before its first task finishes (ms). */
const GUESS_FLOOR_MS = 1;

/** Tasks queued or running per worker, by the mean task length so far (milliseconds). */
export function prefetchFor(meanTaskMs: number): number {
  return Math.min(64, Math.max(2, Math.ceil(AHEAD_MS / meanTaskMs)));
}

/** Queued tasks left (all workers) at which this thread is woken, for an in-flight limit. */
export function lowWaterFor(meanTaskMs: number, workers: number, limit: number): number {
  return Math.max(workers, Math.min(limit >> 1, workers * Math.ceil(LOW_WATER_MS / meanTaskMs)));
}

const now = () => performance.timeOrigin + performance.now();

export class Scheduler {
  private readonly g: TaskGraph;
  private readonly pool: WorkerPool | null;
  private readonly bus: EventBus;
  private readonly owner: number;
  private readonly limit: number | null;
  private readonly n: number;
  // Per task (by number):
  private readonly deps: number[][] = [];        // unique dependencies inside this job
  private readonly listed: number[][] = [];      // per listed dependency: its task number, or -(persisted chunk id)
  private readonly dependents: number[][] = [];
  private readonly remaining: Int32Array;        // dependencies not done yet
  private readonly uses: Int32Array;             // dependents not done yet
  private readonly prio: Float64Array;
  private readonly est: Float64Array;
  private readonly readyAt: Float64Array;         // when each task became ready (epoch ms)
  private readonly chunk: Float64Array;          // chunk id made (0: none / released)
  private readonly bytes: Float64Array;
  private readonly madeBy: Int32Array;
  private readonly inFlight: Uint8Array;         // queued or running
  private readonly finished: Uint8Array;         // done
  private readonly readers: Int32Array;          // queued or running tasks that read this task's chunk
  private readonly holders: Int32Array;          // unfinished tasks that hold this task's chunk (Task.holds): never spilled
  private readonly holdsOf: number[][] = [];     // per task, the chunks it holds
  private readonly spilled: Uint8Array;          // its chunk is in the spill file, not in memory
  private readonly spillAt: Float64Array;        // where in the spill file
  private readonly mark: Uint8Array;             // scratch: the inputs of the task spilled for
  private spillAheadFailedAt = -1;               // tasks done when spilling ahead last could not make room
  private readonly kept: Uint8Array;
  private readonly layerOf: Int32Array;
  private readonly layerNames: string[] = [];
  private readonly layerDone: Int32Array;
  private readonly layerRunning: Int32Array;
  private readonly layerTotal: Int32Array;
  private readonly readyGrowing: ReadyHeap;  // gated by the memory limit
  private readonly readyFreeing: ReadyHeap;  // free at least what they make
  private readonly readySources: ReadyHeap;  // tasks with no dependency in this job
  private sourcesWaiting = 0;                // source tasks not yet dispatched
  private inFlightLimit = 1;                 // tasks queued or running at once (set at each refill)
  private readonly perWorkerHeld: number[];
  private readonly log: TaskLog;
  private readonly samples: MemorySample[] = [];
  private running = 0;
  private held = 0;
  private inflightEst = 0;
  private peakHeld = 0;
  private done = 0;
  private meanTaskMs: number;  // moving mean, sets the in-flight limit
  private taskMsTotal = 0;     // for the pool's next job
  private job = 0;
  private error: TesseraError | null = null;
  private settle: ((r: SchedulerResult) => void) | null = null;
  private fail: ((e: TesseraError) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastProgress = 0;
  private inline: JobRunner | null = null;
  private queue: TaskQueue | null = null;
  private readonly spillFolder = new SpillFolder();
  private spilledNow = 0;       // bytes in the spill folder
  private spilledTotal = 0;     // bytes ever written there
  /** Tasks whose chunk is in memory and not kept: the spill candidates, without a pass over every task. */
  private readonly inMemory = new Set<number>();

  constructor(graph: TaskGraph, opts: SchedulerOptions) {
    this.g = graph;
    this.pool = opts.pool;
    this.bus = opts.bus;
    this.owner = opts.owner;
    this.limit = opts.memoryLimit ?? null;
    this.log = opts.log ?? new TaskLog();
    this.files = opts.files;
    this.log.begin(graph);
    const n = (this.n = graph.tasks.length);
    const external = opts.external ?? new Map<string, number>();
    this.remaining = new Int32Array(n);
    this.uses = new Int32Array(n);
    this.prio = new Float64Array(n);
    this.est = new Float64Array(n);
    this.readyAt = new Float64Array(n);
    this.chunk = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.madeBy = new Int32Array(n);
    this.inFlight = new Uint8Array(n);
    this.finished = new Uint8Array(n);
    this.readers = new Int32Array(n);
    this.holders = new Int32Array(n);
    this.spilled = new Uint8Array(n);
    this.spillAt = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.kept = new Uint8Array(n);
    this.layerOf = new Int32Array(n);
    const layerIndex = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const t = graph.tasks[i];
      this.dependents.push([]);
      this.prio[i] = t.priority;
      this.est[i] = t.estBytes;
      let li = layerIndex.get(t.layer);
      if (li === undefined) { li = this.layerNames.length; layerIndex.set(t.layer, li); this.layerNames.push(t.layer); }
      this.layerOf[i] = li;
    }
    for (let i = 0; i < n; i++) {
      const t = graph.tasks[i];
      const unique: number[] = [];
      const listed: number[] = [];
      const numbers = graph.depIndex[i];
      for (let k = 0; k < numbers.length; k++) {
        const j = numbers[k];
        if (j < 0) {
          const ext = external.get(t.deps[k]);
          if (ext === undefined) throw new TesseraError('INTERNAL', `task ${t.key} depends on unknown ${t.deps[k]}`, 'this is a planner bug');
          listed.push(-ext);
          continue;
        }
        listed.push(j);
        if (!unique.includes(j)) unique.push(j);
      }
      this.deps.push(unique);
      this.listed.push(listed);
      this.remaining[i] = unique.length;
      for (const j of unique) { this.dependents[j].push(i); this.uses[j]++; }
    }
    for (let i = 0; i < n; i++) {
      const held = (graph.tasks[i].holds ?? []).map((k) => graph.indexOf.get(k)).filter((j): j is number => j !== undefined);
      this.holdsOf.push(held);
      for (const j of held) this.holders[j]++;
    }
    for (const k of opts.keep ?? []) { const i = graph.indexOf.get(k); if (i !== undefined) this.kept[i] = 1; }
    const layers = this.layerNames.length;
    this.layerDone = new Int32Array(layers);
    this.layerRunning = new Int32Array(layers);
    this.layerTotal = new Int32Array(layers);
    for (let i = 0; i < n; i++) this.layerTotal[this.layerOf[i]]++;
    this.readyGrowing = new ReadyHeap(this.prio);
    this.readyFreeing = new ReadyHeap(this.prio);
    this.readySources = new ReadyHeap(this.prio);
    const lanes = opts.pool ? opts.pool.size : 1;
    this.perWorkerHeld = new Array(lanes).fill(0);
    this.memoryIntervalMs = opts.memoryIntervalMs ?? 50;
    // Until measured: the last job's task length, or long tasks (2 in flight per worker, balanced).
    // A guess of at least GUESS_FLOOR_MS: after a job of tiny tasks, a job of long ones queues at
    // most 16 per worker before its first task tells it better (what is queued stays queued).
    this.meanTaskMs = Math.max(GUESS_FLOOR_MS, opts.pool?.lastMeanTaskMs ?? 10);
  }

  private readonly memoryIntervalMs: number;
  private readonly files: ReadonlyMap<string, FileStamp> | undefined;

  run(): Promise<SchedulerResult> {
    return new Promise<SchedulerResult>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      for (let i = 0; i < this.n; i++) if (this.remaining[i] === 0) this.makeReady(i);
      this.sampleMemory();
      // The timer also takes in finished tasks: progress and memory stay current even while the
      // queue is long enough that no worker rings (the workers' bell is for refilling the queue).
      this.timer = setInterval(() => { this.takeIn(); this.sampleMemory(); }, this.memoryIntervalMs);
      if (this.pool) {
        const crashed = this.pool.failure;
        if (crashed) this.error = workerCrashed(crashed);
        this.queue = TaskQueue.create(this.listed.map((l) => l.length));
        this.job = this.pool.beginJob(encodeJob(this.g.tasks.map((t) => t.spec), this.owner, this.files, keepsFilePages(this.limit, this.files)), this.queue.buffers);
        this.pool.onEvent((w, e) => this.onPoolEvent(w, e));
        this.pump();
        this.listen();
      } else {
        this.inline = new JobRunner(encodeJob(this.g.tasks.map((t) => t.spec), this.owner, this.files, keepsFilePages(this.limit, this.files)));
        void this.runInline();
      }
    });
  }

  /** Stops dispatching; running tasks finish, then the run rejects with CANCELLED. */
  cancel(reason = 'the job was cancelled'): void {
    if (!this.error) this.error = new TesseraError('CANCELLED', reason, 'no output was written; run the job again to get results', { phase: 'run' });
    this.takeBackQueued();
    this.maybeFinish();
  }

  // ---- transitions ----------------------------------------------------------------------

  /** Bytes task i would free: the chunks it is the last remaining consumer of. */
  private frees(i: number): number {
    let b = 0;
    for (const d of this.deps[i]) if (this.uses[d] === 1 && !this.kept[d]) b += this.bytes[d];
    return b;
  }

  private makeReady(i: number): void {
    this.readyAt[i] = now();
    const from = this.g.tasks[i].estFromInputs;
    if (from) {
      let b = 0;
      for (const d of this.deps[i]) b += this.bytes[d];
      this.est[i] = from === 'exactly' ? b : Math.min(this.est[i], b);
    }
    if (this.deps[i].length === 0) {
      this.readySources.push(i);
      this.sourcesWaiting++;
    } else {
      (this.est[i] <= this.frees(i) ? this.readyFreeing : this.readyGrowing).push(i);
    }
  }

  private fits(i: number): boolean {
    return this.running === 0 || this.fitsStrictly(i);
  }

  /** The bytes held once task i starts: what is held and being made, its output, and its spilled inputs read back. */
  private heldWith(i: number): number {
    let back = 0;
    for (const d of this.deps[i]) if (this.spilled[d]) back += this.bytes[d];
    return this.held + this.inflightEst + this.est[i] + back;
  }

  /** Whether task i's output and its spilled inputs (read back before it starts) fit the limit. */
  private fitsStrictly(i: number): boolean {
    return this.limit === null || this.heldWith(i) <= this.limit;
  }

  /** Fails the job with `e`, unless it failed already (a cancel gives way to the real error). */
  private failWith(e: unknown): void {
    if (!this.error || this.error.code === 'CANCELLED') this.error = toTesseraError(e, { phase: 'run' });
  }

  /**
   * With nothing running, the next task starts whether or not it fits: first, chunks are spilled
   * until it does (or none is left to spill). A victim is a held chunk that no queued or running
   * task reads, is not kept, and is not the next task's input; the one whose next reader comes
   * last goes first.
   */
  private makeRoom(next: number): void {
    if (this.limit === null || this.running > 0 || this.fitsStrictly(next)) return;
    this.spillRound(next, this.spillCandidates(next));
  }

  /** A round of spilling for task `next` (spillFor) from these candidates; true if it spilled. */
  private spillRound(next: number, candidates: { j: number; soonest: number }[]): boolean {
    const before = this.spilledTotal;
    try {
      this.spillFor(next, candidates);
    } finally {
      // The allocator keeps freed chunks: give them back, so RSS falls too (only after a spill).
      if (this.spilledTotal > before) native().returnFreeMemory();
    }
    return this.spilledTotal > before;
  }

  /**
   * One round of spilling for task `next`: the candidates (held chunks no queued or running task
   * reads, not kept, not `next`'s inputs) are ranked once, next reader last first, and spilled
   * until `next` fits with an eighth of the limit to spare, so the following starts need no round
   * of their own (a round costs a pass over the held chunks). When even that cannot make room (the
   * task's own inputs and output exceed the limit, or kept chunks fill it), every candidate goes:
   * the overshoot is the smallest it can be.
   */
  private spillFor(next: number, candidates: { j: number; soonest: number }[]): void {
    const limit = this.limit!;
    const need = this.heldWith(next);
    candidates.sort((a, b) => b.soonest - a.soonest);
    const target = limit - limit / 8;
    let freed = 0;
    for (const { j } of candidates) {
      if (need - freed <= target) break;
      try {
        this.spill(j);
      } catch (e) {
        this.failWith(e); // a full disk, a folder that cannot be made: as a task's error would
        return;
      }
      freed += this.bytes[j];
    }
  }

  /** The held chunks that may be spilled to make room for task `next`, each with its next reader's priority. */
  private spillCandidates(next: number): { j: number; soonest: number }[] {
    const candidates: { j: number; soonest: number }[] = [];
    for (const d of this.deps[next]) this.mark[d] = 1;
    for (const j of this.inMemory) {
      if (this.kept[j] || this.readers[j] || this.holders[j] || this.uses[j] === 0 || this.mark[j]) continue;
      let soonest = Infinity;
      for (const k of this.dependents[j]) if (!this.finished[k] && this.prio[k] < soonest) soonest = this.prio[k];
      candidates.push({ j, soonest });
    }
    for (const d of this.deps[next]) this.mark[d] = 0;
    return candidates;
  }

  /** Appends task j's chunk to the spill file and releases it from memory. */
  private spill(j: number): void {
    const t0 = now();
    this.spillAt[j] = native().spillChunk(this.spillFolder.file(), this.chunk[j]);
    native().release(this.chunk[j]);
    this.chunk[j] = 0;
    this.inMemory.delete(j);
    this.spilled[j] = 1;
    this.held -= this.bytes[j];
    this.perWorkerHeld[this.madeBy[j]] -= this.bytes[j];
    this.spilledNow += this.bytes[j];
    this.spilledTotal += this.bytes[j];
    this.spillRecord(j, 'spill', t0);
  }

  /** Reads task j's chunk back from the spill file (before a task that reads it is dispatched). */
  private unspill(j: number): void {
    const t0 = now();
    this.chunk[j] = native().unspillChunk(this.spillFolder.file(), this.spillAt[j], this.owner);
    this.inMemory.add(j);
    this.spilled[j] = 0;
    this.held += this.bytes[j];
    this.perWorkerHeld[this.madeBy[j]] += this.bytes[j];
    if (this.held > this.peakHeld) this.peakHeld = this.held;
    this.spilledNow -= this.bytes[j];
    this.spillRecord(j, 'unspill', t0);
  }

  /** A spill or read back as a record on the lane after the workers' (this thread's). */
  private spillRecord(j: number, kind: 'spill' | 'unspill', start: number): void {
    // Keyed `spill:<task number>`: the layer `spill` or `unspill` of api/disk-layers.ts, chunk j.
    this.log.diskWork({ key: `${kind}:${j}`, layer: kind, kind, worker: this.perWorkerHeld.length, ready: start, start, stop: now(), bytesIn: kind === 'spill' ? this.bytes[j] : 0, bytesOut: kind === 'unspill' ? this.bytes[j] : 0 });
  }

  /** The next task to start (pickReady), with room made for it by spilling; -1 if none (or a spill failed). */
  private next(): number {
    let i = this.pickReady();
    if (i < 0 && this.spillAhead()) i = this.pickReady();
    if (i >= 0) this.makeRoom(i);
    return this.error ? -1 : i;
  }

  /**
   * With a worker free, others running and no ready task fitting the limit: spills for the first
   * ready task by priority, when the chunks that may be spilled make room for it, so that it
   * starts now rather than once the running tasks have finished (the workers idle while this
   * thread spills with nothing running). While every worker is busy it waits: the tasks that
   * finish free their inputs, and what fits then needs no spill. True if it spilled.
   */
  private spillAhead(): boolean {
    if (this.limit === null || this.running === 0 || this.running >= (this.pool?.size ?? 1)) return false;
    // What could change the answer is a task finishing: asked again before that, it is the same.
    if (this.done === this.spillAheadFailedAt) return false;
    let top = -1;
    for (const heap of [this.readyFreeing, this.readyGrowing, this.readySources]) {
      const t = heap.peek();
      if (t >= 0 && (top < 0 || this.prio[t] < this.prio[top])) top = t;
    }
    if (top < 0) return false;
    const candidates = this.spillCandidates(top);
    let spillable = 0;
    for (const { j } of candidates) spillable += this.bytes[j];
    if (this.heldWith(top) - spillable > this.limit) {
      this.spillAheadFailedAt = this.done;
      return false;
    }
    return this.spillRound(top, candidates);
  }

  private pickReady(): number {
    // A source is freeing only when it makes nothing (est 0), like any task: else it is gated.
    const src = this.readySources.peek();
    const srcOk = src >= 0 && (this.est[src] <= 0 || this.fits(src));
    if (srcOk && this.sourcesWaiting <= this.inFlightLimit) return this.popSource();
    // A freeing task's output exists before its inputs go (and spilled inputs are read back first):
    // it too starts only when that fits, or when nothing runs.
    const freeTop = this.readyFreeing.peek();
    const free = freeTop >= 0 && this.fits(freeTop) ? freeTop : -1;
    const grow = this.readyGrowing.peek();
    const growOk = grow >= 0 && this.fits(grow);
    const before = (a: number, b: number) => b < 0 || this.prio[a] <= this.prio[b];
    if (free >= 0 && (!growOk || before(free, grow)) && (!srcOk || before(free, src))) return this.readyFreeing.pop();
    if (growOk && (!srcOk || before(grow, src))) return this.readyGrowing.pop();
    if (srcOk) return this.popSource();
    return -1;
  }

  private popSource(): number {
    this.sourcesWaiting--;
    return this.readySources.pop();
  }

  /** Reads task i's spilled inputs back; false (the job failing) if one cannot be read. */
  private readBack(i: number): boolean {
    try {
      for (const d of this.deps[i]) if (this.spilled[d]) this.unspill(d);
      return true;
    } catch (e) {
      this.failWith(e);
      return false;
    }
  }

  private dispatch(i: number): void {
    for (const d of this.deps[i]) this.readers[d]++;
    this.inFlight[i] = 1;
    this.running++;
    this.inflightEst += this.est[i];
    this.layerRunning[this.layerOf[i]]++;
    this.log.dispatch(i);
  }

  /** Writes the chunk ids task i reads into `out`. */
  private idsOf(i: number, out: Float64Array): Float64Array {
    const listed = this.listed[i];
    for (let k = 0; k < listed.length; k++) out[k] = listed[k] < 0 ? -listed[k] : this.chunk[listed[k]];
    return out;
  }

  /** Queues ready tasks while fewer than the in-flight limit are queued or running. */
  private pump(): void {
    if (this.error) return this.maybeFinish();
    const queue = this.queue!;
    const size = this.pool!.size;
    const limit = (this.inFlightLimit = size * prefetchFor(this.meanTaskMs));
    let queued = 0;
    while (this.running < limit) {
      const i = this.next();
      if (i < 0 || !this.readBack(i)) break;
      this.dispatch(i);
      this.idsOf(i, queue.argsOf(i));
      queue.push(i);
      queued++;
    }
    // Woken again with a little work left queued: every worker has some while this thread refills.
    // Until this job's first task is in, at every task: the length it starts from is a guess.
    queue.lowWater = this.done === 0 ? limit : lowWaterFor(this.meanTaskMs, size, limit);
    if (queued) this.pool!.ringWork();
    this.maybeFinish();
  }

  /** Takes in the tasks finished since last time and queues what became ready. */
  private takeIn(): void {
    if (!this.settle || !this.queue) return;
    this.queue.takeFinished((i, worker, chunk, bytesIn, bytesOut, start, stop) => {
      if (this.inFlight[i]) this.complete(i, worker, chunk, bytesIn, bytesOut, start, stop);
    });
    this.pump();
  }

  /** Takes in what finished, and waits for the workers to ring again. */
  private listen(): void {
    if (!this.settle || !this.queue) return;
    const seen = this.pool!.doorbell.count(FINISHED);
    this.takeIn();
    if (!this.settle) return;
    const rung = this.pool!.doorbell.rungAfter(FINISHED, seen);
    if (rung) void rung.then(() => this.listen());
    else setImmediate(() => this.listen());
  }

  private onPoolEvent(worker: number, e: PoolEvent): void {
    if (e.type === 'error') {
      if (e.job !== this.job || !this.inFlight[e.task]) return;
      this.failTask(e.task, e.error);
    } else {
      // Its tasks will never finish: stop waiting for them.
      if (!this.error || this.error.code === 'CANCELLED') this.error = workerCrashed(e.error);
      for (let i = 0; i < this.n; i++) if (this.inFlight[i] && this.queue?.claimer(i) === worker) this.stopRunning(i);
    }
    this.takeBackQueued();
    this.pump();
  }

  /** A failing job starts nothing more: the tasks no worker has claimed go back to waiting. */
  private takeBackQueued(): void {
    for (const i of this.queue?.takeBack() ?? []) this.stopRunning(i);
  }

  private stopRunning(i: number): void {
    for (const d of this.deps[i]) this.readers[d]--;
    this.inFlight[i] = 0;
    this.log.drop(i);
    this.running--;
    this.inflightEst -= this.est[i];
    this.layerRunning[this.layerOf[i]]--;
  }

  private failTask(i: number, error: { code: string; message: string; hint: string; stack?: string }): void {
    this.stopRunning(i);
    if (!this.error || this.error.code === 'CANCELLED') {
      this.error = new TesseraError(error.code, error.message, error.hint, { task: this.g.tasks[i].key, phase: 'run', userStack: error.stack });
    }
  }

  private complete(i: number, worker: number, chunk: number, bytesIn: number, bytesOut: number, start: number, stop: number): void {
    this.stopRunning(i);
    // The first task measured replaces the guess (the last job's length, or "long"); then a moving mean.
    this.meanTaskMs = this.done === 0 ? stop - start : this.meanTaskMs + (stop - start - this.meanTaskMs) * 0.2;
    this.taskMsTotal += stop - start;
    this.log.finish(i, worker, this.readyAt[i], start, stop, bytesIn, bytesOut);
    this.finished[i] = 1;
    this.done++;
    this.layerDone[this.layerOf[i]]++;
    if (chunk) {
      this.chunk[i] = chunk;
      if (!this.kept[i] && this.limit !== null) this.inMemory.add(i);
      this.bytes[i] = bytesOut;
      this.madeBy[i] = worker;
      this.held += bytesOut;
      this.perWorkerHeld[worker] += bytesOut;
      if (this.held > this.peakHeld) this.peakHeld = this.held;
    }
    for (const d of this.holdsOf[i]) this.holders[d]--;
    for (const d of this.deps[i]) if (--this.uses[d] === 0) this.release(d);
    if (this.dependents[i].length === 0) this.release(i);
    for (const k of this.dependents[i]) if (--this.remaining[k] === 0) this.makeReady(k);
    const tnow = now();
    if (tnow - this.lastProgress > 50 || this.done === this.n) {
      this.lastProgress = tnow;
      if (this.bus.size) this.bus.emit({ type: 'progress', progress: this.progress() });
    }
  }

  private release(i: number): void {
    if (this.spilled[i] && !this.kept[i]) {
      native().dropSpilled(this.spillFolder.file(), this.spillAt[i]);
      this.spilled[i] = 0;
      this.spilledNow -= this.bytes[i];
      this.log.release(i);
      return;
    }
    if (this.kept[i] || !this.chunk[i]) return;
    native().release(this.chunk[i]);
    this.chunk[i] = 0;
    this.inMemory.delete(i);
    this.held -= this.bytes[i];
    this.perWorkerHeld[this.madeBy[i]] -= this.bytes[i];
    this.log.release(i);
  }

  private maybeFinish(): void {
    if (this.running > 0) return;
    if (!this.error && this.done < this.n) {
      if (this.readyFreeing.size === 0 && this.readyGrowing.size === 0 && this.readySources.size === 0) {
        this.error = new TesseraError('INTERNAL', 'the scheduler has nothing to run but the job is not finished', 'this is a scheduler bug, please report it', { phase: 'run' });
      } else {
        return;
      }
    }
    if (!this.settle) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.spillFolder.remove();
    this.spilledNow = 0;
    this.spilled.fill(0);
    this.sampleMemory();
    if (this.pool) {
      this.pool.onEvent(null);
      this.pool.endJob(this.job);
      this.queue = null;
    }
    if (this.error) {
      for (let i = 0; i < this.n; i++) if (this.chunk[i]) native().release(this.chunk[i]);
      this.chunk.fill(0);
      this.fail?.(this.error);
    } else {
      if (this.bus.size) this.bus.emit({ type: 'progress', progress: this.progress() });
      if (this.pool && this.done) this.pool.lastMeanTaskMs = this.taskMsTotal / this.done;
      const chunks = new Map<string, number>();
      for (let i = 0; i < this.n; i++) if (this.kept[i] && this.chunk[i]) chunks.set(this.g.tasks[i].key, this.chunk[i]);
      this.settle?.({ chunks, records: this.log.records(), samples: this.samples, peakHeldBytes: this.peakHeld, spilledBytes: this.spilledTotal });
    }
    this.settle = this.fail = null;
  }

  /** Synchronous mode: one task at a time on this thread, yielding to the event loop every
   * 20 ms so a cancel (Ctrl-C) is seen between tasks. */
  private async runInline(): Promise<void> {
    let lastYield = now();
    while (!this.error) {
      const i = this.next();
      if (i < 0 || !this.readBack(i)) break;
      this.dispatch(i);
      const start = now();
      try {
        let r = this.inline!.run(i, this.idsOf(i, new Float64Array(this.listed[i].length)));
        if (r instanceof Promise) r = await r; // a JS kind: refused on this thread (executor.ts)
        this.complete(i, 0, r[0], r[1], r[2], start, now());
      } catch (e) {
        const err = toTesseraError(e);
        this.failTask(i, err);
      }
      if (now() - lastYield > 20) {
        await new Promise((r) => setImmediate(r));
        lastYield = now();
      }
    }
    this.maybeFinish();
  }

  private progress(): Progress {
    const layers: Progress['layers'] = {};
    this.layerNames.forEach((name, li) => { layers[name] = { done: this.layerDone[li], running: this.layerRunning[li], total: this.layerTotal[li] }; });
    return { done: this.done, total: this.n, running: this.running, layers };
  }

  private sampleMemory(): void {
    const mem = native().processMemory();
    const sample: MemorySample = {
      t: now(), storeBytes: this.held, rssBytes: mem.rssBytes, mappedBytes: mem.fileBytes, perWorker: [...this.perWorkerHeld], limitBytes: this.limit,
      ...(this.spilledTotal ? { spilledBytes: this.spilledNow } : {}),
    };
    this.samples.push(sample);
    if (this.bus.size) this.bus.emit({ type: 'memory', sample });
  }
}

function workerCrashed(cause: Error): TesseraError {
  return new TesseraError('WORKER_CRASHED', `a worker thread stopped: ${cause.message}`, 'the engine cannot run more jobs; restart Tessera (and report this if it happens again)', { phase: 'run' });
}
