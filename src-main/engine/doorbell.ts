/**
 * The pool's doorbell: two counters in shared memory that threads ring and wait on, so a thread
 * with nothing to do sleeps in its event loop and wakes when there is something for it.
 * - WORK: the scheduling thread rings it after queueing tasks; idle workers wait on it.
 * - FINISHED: a worker rings it after a task when the scheduler asked to be woken (task-queue.ts:
 *   the queue is down to its low-water mark); the scheduling thread waits on it.
 * Waiting is Atomics.waitAsync, so a waiting thread keeps serving its messages. A pending wait
 * does not keep a thread alive by itself (Node does not ref it); the pool's workers and their
 * message ports do.
 */
export const WORK = 0;
export const FINISHED = 1;
export type Bell = typeof WORK | typeof FINISHED;

export class Doorbell {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cells = new Int32Array(buffer);
  }

  ring(bell: Bell): void {
    Atomics.add(this.cells, bell, 1);
    Atomics.notify(this.cells, bell);
  }

  /** How often the bell has rung: read it before looking for work, then wait with it. */
  count(bell: Bell): number {
    return Atomics.load(this.cells, bell);
  }

  /** A promise that settles once the bell rings past `seen`; null if it already has. */
  rungAfter(bell: Bell, seen: number): Promise<unknown> | null {
    const w = Atomics.waitAsync(this.cells, bell, seen);
    return w.async ? w.value : null;
  }
}
