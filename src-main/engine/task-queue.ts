/**
 * The shared task queue of one job: how the scheduling thread hands tasks to the worker threads
 * and learns they finished, through shared memory instead of a message per task or per batch.
 *
 * Why: with per-worker batches a worker went back to its event loop and waited for a message
 * between batches (0.1-0.2 ms each on a 2-core machine), and tasks already handed to one worker
 * could not move to another, so a job ended with one worker idle while the other still had a
 * batch queued. Here every worker takes the next task from one queue the moment it is free.
 *
 * Layout (all SharedArrayBuffers, sized to the job's tasks once; each task is queued at most once,
 * so nothing wraps around):
 * - order: task numbers in the order the scheduler queued them. `control[TAIL]` is how many are
 *   published; `control[HEAD]` how many are claimed. Only the scheduler advances the tail; workers
 *   (and the scheduler, taking tasks back on a failure) advance the head by compare-and-swap, so
 *   each queued task is claimed exactly once.
 * - args: the chunk ids each task reads, written by the scheduler before it publishes the task
 *   (at argStart[i] .. argStart[i + 1]).
 * - claimedBy: the worker running each task (-1: none), so a crashed worker's tasks are known.
 * - results: per task chunk, bytes in, bytes out, start, stop, worker - written by the worker that
 *   ran it before it appends the task number to `finished` (slots reserved with control[FINISHED_SLOTS],
 *   filled with -1 until written). The scheduler reads `finished` in order up to the first slot
 *   still -1.
 * Atomics are sequentially consistent, so plain writes made before an Atomics store are seen by a
 * thread that has read that store: args before the tail, results before the finished slot.
 *
 * Waking up goes through a Doorbell (doorbell.ts) shared by the whole pool: the scheduler rings
 * WORK after queueing; a worker rings FINISHED after a task only when the queue has run down to
 * the scheduler's low-water mark (control[LOW_WATER]). Waking the scheduling thread costs the
 * machine 50-100 us of CPU, taken from a worker when the cores are all busy: while the queue
 * holds more than the mark the workers have work, and what finished is taken in later, together.
 * The last task always rings (the queue is then empty).
 */

const HEAD = 0;
const TAIL = 1;
const FINISHED_SLOTS = 2; // `finished` slots reserved so far
const LOW_WATER = 3;

/** Per task in `results`: chunk, bytes in, bytes out, start, stop, worker. */
const RESULT_FIELDS = 6;

/** What the scheduler hears of a finished task. */
export type FinishedTask = (task: number, worker: number, chunk: number, bytesIn: number, bytesOut: number, start: number, stop: number) => void;

export interface TaskQueueBuffers {
  control: SharedArrayBuffer;
  order: SharedArrayBuffer;
  finished: SharedArrayBuffer;
  claimedBy: SharedArrayBuffer;
  results: SharedArrayBuffer;
  args: SharedArrayBuffer;
  argStart: SharedArrayBuffer;
}

export class TaskQueue {
  private readonly control: Int32Array;
  private readonly order: Int32Array;
  private readonly finished: Int32Array;
  private readonly claimedBy: Int32Array;
  private readonly results: Float64Array;
  private readonly args: Float64Array;
  private readonly argStart: Int32Array;
  /** Scheduling thread only: the next `finished` slot to read. */
  private finishedRead = 0;

  private constructor(readonly buffers: TaskQueueBuffers) {
    this.control = new Int32Array(buffers.control);
    this.order = new Int32Array(buffers.order);
    this.finished = new Int32Array(buffers.finished);
    this.claimedBy = new Int32Array(buffers.claimedBy);
    this.results = new Float64Array(buffers.results);
    this.args = new Float64Array(buffers.args);
    this.argStart = new Int32Array(buffers.argStart);
  }

  /** A queue for tasks reading argCounts[i] chunks each (the scheduling thread makes it). */
  static create(argCounts: ArrayLike<number>): TaskQueue {
    const n = argCounts.length;
    const start = new Int32Array(new SharedArrayBuffer(4 * (n + 1)));
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + argCounts[i];
    const q = new TaskQueue({
      control: new SharedArrayBuffer(4 * 4),
      order: new SharedArrayBuffer(4 * Math.max(1, n)),
      finished: new SharedArrayBuffer(4 * Math.max(1, n)),
      claimedBy: new SharedArrayBuffer(4 * Math.max(1, n)),
      results: new SharedArrayBuffer(8 * RESULT_FIELDS * Math.max(1, n)),
      args: new SharedArrayBuffer(8 * Math.max(1, start[n])),
      argStart: start.buffer as SharedArrayBuffer,
    });
    q.finished.fill(-1);
    q.claimedBy.fill(-1);
    return q;
  }

  /** The same queue, seen from a worker thread. */
  static attach(buffers: TaskQueueBuffers): TaskQueue {
    return new TaskQueue(buffers);
  }

  // ---- the scheduling thread ----------------------------------------------------------------

  /** The chunk ids task i reads: the scheduler writes them before queueing it, a worker reads them. */
  argsOf(i: number): Float64Array {
    return this.args.subarray(this.argStart[i], this.argStart[i + 1]);
  }

  /** Workers wake the scheduler when at most this many tasks wait in the queue. */
  set lowWater(tasks: number) {
    Atomics.store(this.control, LOW_WATER, tasks);
  }

  /** Publishes task i (its args written) to the workers. */
  push(i: number): void {
    const tail = this.control[TAIL];
    Atomics.store(this.order, tail, i);
    Atomics.store(this.control, TAIL, tail + 1);
  }

  /** Queued tasks no worker has claimed yet. */
  get waiting(): number {
    return Atomics.load(this.control, TAIL) - Atomics.load(this.control, HEAD);
  }

  /** Claims every task no worker has started and returns them (a failing or cancelled job). */
  takeBack(): number[] {
    for (;;) {
      const head = Atomics.load(this.control, HEAD);
      const tail = Atomics.load(this.control, TAIL);
      if (head >= tail) return [];
      if (Atomics.compareExchange(this.control, HEAD, head, tail) === head) return Array.from(this.order.subarray(head, tail));
    }
  }

  /** Calls f with each task finished since the last call and its result, in finishing order. */
  takeFinished(f: FinishedTask): void {
    const n = this.finished.length, r = this.results;
    while (this.finishedRead < n) {
      const i = Atomics.load(this.finished, this.finishedRead);
      if (i < 0) return;
      this.finishedRead++;
      const b = i * RESULT_FIELDS;
      f(i, r[b + 5], r[b], r[b + 1], r[b + 2], r[b + 3], r[b + 4]);
    }
  }

  /** The worker a task was claimed by (-1: none). */
  claimer(i: number): number {
    return Atomics.load(this.claimedBy, i);
  }

  // ---- worker threads -----------------------------------------------------------------------

  /** Claims the next queued task for `worker`; -1 when the queue is empty. */
  claim(worker: number): number {
    for (;;) {
      const head = Atomics.load(this.control, HEAD);
      if (head >= Atomics.load(this.control, TAIL)) return -1;
      if (Atomics.compareExchange(this.control, HEAD, head, head + 1) === head) {
        const i = Atomics.load(this.order, head);
        Atomics.store(this.claimedBy, i, worker);
        return i;
      }
    }
  }

  /** Records task i's result and appends it to the finished list; true: wake the scheduler. */
  finish(i: number, worker: number, chunk: number, bytesIn: number, bytesOut: number, start: number, stop: number): boolean {
    const r = this.results, b = i * RESULT_FIELDS;
    r[b] = chunk; r[b + 1] = bytesIn; r[b + 2] = bytesOut; r[b + 3] = start; r[b + 4] = stop; r[b + 5] = worker;
    Atomics.store(this.finished, Atomics.add(this.control, FINISHED_SLOTS, 1), i);
    return this.waiting <= Atomics.load(this.control, LOW_WATER);
  }
}
