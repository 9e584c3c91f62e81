/**
 * The worker pool: one worker thread per core by default. Workers load the addon themselves and
 * share the process-wide chunk store; a job's tasks reach them through its shared task queue
 * (task-queue.ts) and the pool's doorbell (doorbell.ts), not through messages.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Doorbell, WORK } from './doorbell.js';
import type { EncodedJob } from './executor.js';
import type { TaskQueueBuffers } from './task-queue.js';
import type { TaskError, WorkerInit, WorkerMessage, WorkerReply } from './worker.js';
import { TesseraError } from './errors.js';

/** What a job hears from the pool besides its queue: a task's error, or a worker that died. */
export type PoolEvent =
  | { type: 'error'; job: number; task: number; error: TaskError }
  | { type: 'crash'; worker: number; error: Error };
export type PoolHandler = (worker: number, event: PoolEvent) => void;

let nextJob = 1;

/** The worker's module and the user-module hooks: beside this file, unless a bundle says where it built them. */
const workerFiles: { worker: URL; moduleHooks: URL | undefined } = { worker: new URL('./worker.js', import.meta.url), moduleHooks: undefined };

/** Where a bundle (the CLI's) built the worker's module and the user-module hooks: every pool after this uses them. */
export function setWorkerFiles(worker: URL, moduleHooks: URL): void {
  workerFiles.worker = worker;
  workerFiles.moduleHooks = moduleHooks;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private handler: PoolHandler | null = null;
  private crashed: Error | null = null;
  private closing = false;
  readonly size: number;
  readonly doorbell = new Doorbell();
  /**
   * The mean task length (ms) of the last job that ran here: the next job's scheduler starts its
   * in-flight limit from it rather than assuming long tasks (a session mostly repeats one kind of
   * job; a wrong guess is corrected after a few tasks).
   */
  lastMeanTaskMs: number | null = null;

  private constructor(size: number) {
    this.size = size;
  }

  static defaultSize(): number {
    return Math.max(1, availableParallelism());
  }

  /**
   * `moduleHooks`: where the user-module hooks are (user-modules/ts-hooks.ts), when this code is
   * bundled; the workers default to the file beside their own. Both default to setWorkerFiles'.
   */
  static async start(size = WorkerPool.defaultSize(), workerUrl = workerFiles.worker, moduleHooks = workerFiles.moduleHooks): Promise<WorkerPool> {
    if (!Number.isInteger(size) || size < 1) throw new TesseraError('BAD_OPTION', `--workers must be a positive integer, not ${size}`, 'use --workers 1 or more');
    const pool = new WorkerPool(size);
    await Promise.all(
      Array.from({ length: size }, (_, i) => new Promise<void>((resolve, reject) => {
        const w = new Worker(workerUrl, { workerData: { index: i, doorbell: pool.doorbell.buffer, ...(moduleHooks ? { moduleHooks: moduleHooks.href } : {}) } satisfies WorkerInit });
        pool.workers.push(w);
        w.once('error', reject);
        w.on('message', (m: WorkerReply) => {
          if (m.type === 'ready') { w.off('error', reject); resolve(); return; }
          pool.handler?.(i, m);
        });
        const died = (error: Error) => {
          if (pool.closing || pool.crashed) return;
          pool.crashed = error;
          pool.handler?.(i, { type: 'crash', worker: i, error });
        };
        w.on('error', died);
        w.on('exit', (code) => died(new Error(`worker ${i} exited with code ${code}`)));
      })),
    );
    return pool;
  }

  onEvent(h: PoolHandler | null): void {
    this.handler = h;
  }

  get failure(): Error | null {
    return this.crashed;
  }

  private post(worker: number, m: WorkerMessage): void {
    this.workers[worker].postMessage(m);
  }

  /** Sends a job's encoded tasks and its queue to every worker once; returns the job's id. */
  beginJob(encoded: EncodedJob, queue: TaskQueueBuffers): number {
    const job = nextJob++;
    for (let w = 0; w < this.size; w++) this.post(w, { type: 'job', job, encoded, queue });
    return job;
  }

  /** Tells idle workers that tasks were queued. */
  ringWork(): void {
    this.doorbell.ring(WORK);
  }

  /** Forgets a job's specs and unmaps its input files in every worker. */
  endJob(job: number): void {
    for (let w = 0; w < this.size; w++) this.post(w, { type: 'end', job });
  }

  /**
   * Whether the workers keep the process alive. An embedding that computes now and then (the
   * TypeScript API) holds them only while a job runs, so a script ends when its work does.
   */
  hold(on: boolean): void {
    for (const w of this.workers) {
      if (on) w.ref();
      else w.unref();
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
