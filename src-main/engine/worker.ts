/**
 * A worker thread: loads the addon (the store is shared with every other thread of the process)
 * and runs tasks. A job's encoded tasks and its shared task queue (task-queue.ts) arrive once, at
 * its start; after that the worker takes tasks from the queue itself, back to back, and waits on
 * the pool's doorbell only when the queue is empty. Results go back through the queue's shared
 * memory; the only message a worker sends during a job is a task's error. Nothing carries bytes:
 * tasks read and make chunks by id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Doorbell, FINISHED, WORK } from './doorbell.js';
import { closeFiles, type EncodedJob, JobRunner } from './executor.js';
import { TaskQueue, type TaskQueueBuffers } from './task-queue.js';
import './kinds/index.js'; // the kinds that run JS here
import { native } from '../native/addon.js';

export interface WorkerInit {
  index: number;                 // this worker's number in the pool
  doorbell: SharedArrayBuffer;   // the pool's doorbell
  moduleHooks?: string;          // URL of the user-module hooks, when not beside this file (user-modules/load-in-worker.ts)
}

export type WorkerMessage =
  | { type: 'job'; job: number; encoded: EncodedJob; queue: TaskQueueBuffers }
  | { type: 'end'; job: number }
  | { type: 'simd'; level: string };

/** A failed task's error; `stack` is a user function's own (where its code threw). */
export interface TaskError { code: string; message: string; hint: string; stack?: string }

export type WorkerReply =
  | { type: 'error'; job: number; task: number; error: TaskError }
  | { type: 'ready'; simd: string };

const now = () => performance.timeOrigin + performance.now();

interface ActiveJob { id: number; runner: JobRunner; queue: TaskQueue }

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const bell = new Doorbell(init.doorbell);
  const jobs = new Map<number, ActiveJob>();
  let waiting = false;

  const fail = (job: ActiveJob, i: number, e: unknown): void => {
    const err = e as Partial<TaskError> & { userStack?: string };
    port.postMessage({
      type: 'error', job: job.id, task: i,
      error: { code: err.code ?? 'TASK_FAILED', message: err.message ?? String(e), hint: err.hint ?? '', ...(err.userStack ? { stack: err.userStack } : {}) },
    } satisfies WorkerReply);
  };

  /** Runs one task; a JS kind's task returns a promise, and this drain stops until it settles (a bell may start another drain meanwhile: tasks are independent). */
  const runTask = (job: ActiveJob, i: number): Promise<void> | void => {
    const start = now();
    try {
      const r = job.runner.run(i, job.queue.argsOf(i));
      if (r instanceof Promise) {
        return r.then((out) => { if (job.queue.finish(i, init.index, out[0], out[1], out[2], start, now())) bell.ring(FINISHED); }, (e) => fail(job, i, e));
      }
      if (job.queue.finish(i, init.index, r[0], r[1], r[2], start, now())) bell.ring(FINISHED);
    } catch (e) {
      fail(job, i, e);
    }
  };

  /** Runs queued tasks until every queue is empty, then waits for the WORK bell. */
  const drain = (): void => {
    for (;;) {
      const seen = bell.count(WORK);
      for (const job of jobs.values()) {
        for (let i = job.queue.claim(init.index); i >= 0; i = job.queue.claim(init.index)) {
          const pending = runTask(job, i);
          if (pending) { void pending.then(drain); return; }
        }
      }
      if (waiting) return; // a wait is already armed; it wakes on the next ring
      const rung = bell.rungAfter(WORK, seen);
      if (!rung) continue; // rung while we ran: look again
      waiting = true;
      void rung.then(() => { waiting = false; drain(); });
      return;
    }
  };

  port.on('message', (m: WorkerMessage) => {
    switch (m.type) {
      case 'job':
        jobs.set(m.job, { id: m.job, runner: new JobRunner(m.encoded, true), queue: TaskQueue.attach(m.queue) });
        drain();
        return;
      case 'end': jobs.delete(m.job); closeFiles(); return;
      case 'simd': native().setSimdLevel(m.level); return;
    }
  });
  drain();
  port.postMessage({ type: 'ready', simd: native().simdLevel() } satisfies WorkerReply);
}
