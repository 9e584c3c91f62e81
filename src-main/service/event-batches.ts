/**
 * A running job's events for the window, in batches: the job's bus (memory samples, progress)
 * and task log (task records, chunk state changes, read through task-stream.ts) are gathered and
 * sent together every FLUSH_MS as job.chunks, job.tasks, job.memory and the latest job.progress
 * (and, once, job.layers when the job first spills),
 * so a job of 10^5 tasks costs the window two messages of each kind a second rather than a stream it must
 * keep up with (bench/window.mjs measures what is left).
 */
import { performance } from 'node:perf_hooks';
import type { ApiEvent } from '../api/contract.js';
import { EventBus, type MemorySample, type Progress } from '../engine/events.js';
import { TaskLog } from '../engine/task-log.js';
import { TaskStream } from './task-stream.js';

/** Where a job's events go: a host's sender, checked against the contract (rpc.ts). */
export type Emit = (e: ApiEvent) => void;

/**
 * How often a running job's events go out: the window shows changes at most twice a second
 * (job-store.ts), so batches sent more often were only more messages for the host's scheduling
 * thread to encode and the browser to wake up for, at no gain to what is shown.
 */
export const FLUSH_MS = 500;
/** For the first second a job's batches go every 200 ms: its start shows at once, and a short job still moves. */
const EARLY_MS = 200, EARLY_FOR_MS = 1000;

export class EventBatches {
  /** Give these to the run: what they receive goes out in the batches. */
  readonly bus = new EventBus();
  readonly log = new TaskLog();
  private readonly stream = new TaskStream(this.log);
  private readonly t0 = performance.now();
  private progress: Progress | null = null;
  private samples: MemorySample[] = [];
  private ticker: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly jobId: string, private readonly emit: Emit) {
    this.bus.on((e) => {
      if (e.type === 'memory') this.samples.push(e.sample);
      else if (e.type === 'progress') this.progress = e.progress;
      else this.emit({ event: 'job.lanes', data: { jobId: this.jobId, names: e.names } }); // rare: a cluster's new worker thread
    });
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    this.ticker = setTimeout(() => { this.flush(); this.tick(); }, performance.now() - this.t0 < EARLY_FOR_MS ? EARLY_MS : FLUSH_MS);
  }

  /** Sends what is left and stops (when the job has finished or failed). */
  stop(): void {
    this.stopped = true;
    if (this.ticker) clearTimeout(this.ticker);
    this.flush();
  }

  private flush(): void {
    const { jobId, emit } = this;
    const chunks = this.stream.takeChunks();
    if (chunks) emit({ event: 'job.chunks', data: { jobId, ...chunks } });
    const layers = this.stream.takeLayers();
    if (layers) emit({ event: 'job.layers', data: { jobId, layers } });
    const tasks = this.stream.takeTasks();
    if (tasks) emit({ event: 'job.tasks', data: { jobId, ...tasks } });
    if (this.samples.length) emit({ event: 'job.memory', data: { jobId, samples: this.samples } });
    this.samples = [];
    const p = this.progress;
    if (p) emit({ event: 'job.progress', data: { jobId, done: p.done, total: p.total, running: p.running, elapsed: (performance.now() - this.t0) / 1000, layers: p.layers } });
    this.progress = null;
  }
}
