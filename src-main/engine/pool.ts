/**
 * The worker pool: one worker thread per core by default. Workers load the addon themselves and
 * share the process-wide chunk store, so a task message is a task index plus chunk ids.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { EncodedJob } from './executor.js';
import type { WorkerMessage, WorkerReply } from './worker.js';
import { TesseraError } from './errors.js';

export type ReplyHandler = (worker: number, reply: Exclude<WorkerReply, { type: 'ready' }>) => void;

let nextJob = 1;

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private handler: ReplyHandler | null = null;
  private crashed: Error | null = null;
  readonly size: number;

  private constructor(size: number) {
    this.size = size;
  }

  static defaultSize(): number {
    return Math.max(1, availableParallelism());
  }

  static async start(size = WorkerPool.defaultSize(), workerUrl = new URL('./worker.js', import.meta.url)): Promise<WorkerPool> {
    if (!Number.isInteger(size) || size < 1) throw new TesseraError('BAD_OPTION', `--workers must be a positive integer, not ${size}`, 'use --workers 1 or more');
    const pool = new WorkerPool(size);
    await Promise.all(
      Array.from({ length: size }, (_, i) => new Promise<void>((resolve, reject) => {
        const w = new Worker(workerUrl);
        pool.workers.push(w);
        w.once('error', reject);
        w.on('message', (m: WorkerReply) => {
          if (m.type === 'ready') { w.off('error', reject); resolve(); return; }
          pool.handler?.(i, m);
        });
        w.on('error', (e) => { pool.crashed = e; });
      })),
    );
    return pool;
  }

  onReply(h: ReplyHandler | null): void {
    this.handler = h;
  }

  get failure(): Error | null {
    return this.crashed;
  }

  private post(worker: number, m: WorkerMessage): void {
    this.workers[worker].postMessage(m);
  }

  /** Sends a job's encoded tasks to every worker once; returns the job id for run messages. */
  beginJob(encoded: EncodedJob): number {
    const job = nextJob++;
    for (let w = 0; w < this.size; w++) this.post(w, { type: 'job', job, encoded });
    return job;
  }

  /** tasks: [taskIndex, idCount, ...ids] repeated. */
  run(worker: number, job: number, tasks: number[]): void {
    const packed = Float64Array.from(tasks);
    this.workers[worker].postMessage({ type: 'run', job, tasks: packed } satisfies WorkerMessage, [packed.buffer]);
  }

  /** Forgets a job's specs and unmaps its input files in every worker. */
  endJob(job: number): void {
    for (let w = 0; w < this.size; w++) this.post(w, { type: 'end', job });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
