/**
 * JobService: runs jobs for a host (web or Electron) one at a time on one engine, and turns engine
 * events into API events: task records and memory samples are batched (every 50 ms) so a job of
 * 10^5 tasks does not flood the transport, and progress is sent at most every 50 ms.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { basename, join } from 'node:path';
import { inspectFile } from '../collections/array/files.js';
import { performance } from 'node:perf_hooks';
import type { ApiError, ApiEvent, Dataset, JobSpecInput, Result } from '../api/contract.js';
import { API_VERSION } from '../api/contract.js';
import type { Engine } from '../engine/engine.js';
import { toTesseraError } from '../engine/errors.js';
import { EventBus, type TaskRecord } from '../engine/events.js';
import { buildJob, validateSpec } from './job-spec.js';
import { JobHistory } from './job-history.js';
import { runBuiltJob } from './run-job.js';
import { SAMPLES } from './samples.js';
import { parseBytes } from './units.js';

export type Emit = (e: ApiEvent) => void;

interface RunningJob {
  abort: AbortController;
}

export class JobService {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly datasets = new Map<string, Dataset>();
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;

  private readonly history: JobHistory;

  constructor(private readonly engine: Engine, private readonly opts: { host: 'web' | 'electron'; dataDir: string; baseDir: string }) {
    this.history = new JobHistory(join(opts.dataDir, 'jobs'));
  }

  listHistory(): Promise<Result<'listHistory'>> {
    return this.history.list();
  }

  getJob(jobId: string): Promise<Result<'getJob'>> {
    return this.history.get(jobId);
  }

  hello(): Result<'hello'> {
    return { version: API_VERSION, host: this.opts.host, workers: this.engine.workers, simd: this.engine.simd, samples: SAMPLES };
  }

  /** Queues a job; its events go to `emit`. Returns at once with the job id. */
  runJob(spec: JobSpecInput, options: { memoryLimit: string | null }, emit: Emit): Result<'runJob'> {
    const jobId = `job-${Date.now().toString(36)}-${this.nextId++}`;
    const abort = new AbortController();
    this.jobs.set(jobId, { abort });
    this.queue = this.queue.then(() => this.execute(jobId, spec, options, abort.signal, emit)).finally(() => this.jobs.delete(jobId));
    return { jobId };
  }

  /** Inspects a file the user dropped or opened, and lists it under a name usable in expressions. */
  async addDataset(path: string, fileName = basename(path)): Promise<Dataset> {
    const info = await inspectFile(path);
    for (const d of this.datasets.values()) if (d.path === info.path) return d;
    const base = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || 'data';
    let name = base;
    for (let k = 2; this.datasets.has(name); k++) name = `${base}${k}`;
    const dataset: Dataset = { name, ...info };
    this.datasets.set(name, dataset);
    return dataset;
  }

  /** Stores an uploaded file (the web host's drop) in the data folder, then adds it. */
  async addUpload(name: string, body: NodeJS.ReadableStream): Promise<Dataset> {
    const dir = join(this.opts.dataDir, 'uploads');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${Date.now().toString(36)}-${name}`);
    const tmp = `${path}.part`;
    await pipeline(body, createWriteStream(tmp));
    await rename(tmp, path);
    return this.addDataset(path, name);
  }

  listDatasets(): Dataset[] {
    return [...this.datasets.values()];
  }

  cancelJob(jobId: string): Result<'cancelJob'> {
    const job = this.jobs.get(jobId);
    if (!job) return { cancelled: false };
    job.abort.abort();
    return { cancelled: true };
  }

  private async execute(jobId: string, spec: JobSpecInput, options: { memoryLimit: string | null }, signal: AbortSignal, emit: Emit): Promise<void> {
    const t0 = performance.now();
    const bus = new EventBus();
    let records: TaskRecord[] = [];
    let lastFlush = 0;
    const flush = () => {
      if (records.length) emit({ event: 'job.tasks', data: { jobId, records } });
      records = [];
    };
    bus.on((e) => {
      if (e.type === 'task') {
        records.push(e.record);
        const now = performance.now();
        if (now - lastFlush > 50) { lastFlush = now; flush(); }
      } else if (e.type === 'memory') {
        emit({ event: 'job.memory', data: { jobId, ...e.sample } });
      } else if (e.type === 'progress') {
        emit({ event: 'job.progress', data: { jobId, done: e.progress.done, total: e.progress.total, running: e.progress.running, elapsed: (performance.now() - t0) / 1000, layers: e.progress.layers } });
      }
    });
    try {
      if (signal.aborted) throw toTesseraError({ code: 'CANCELLED', message: 'the job was cancelled before it started', hint: '' });
      const memoryLimit = options.memoryLimit ? parseBytes(options.memoryLimit) : null;
      const job = await buildJob(validateSpec(spec), this.opts.baseDir);
      const outDir = join(this.opts.dataDir, 'jobs', jobId);
      await mkdir(outDir, { recursive: true });
      const result = await runBuiltJob(this.engine, job, {
        outDir, memoryLimit, bus, signal,
        onGraph: (g) => emit({
          event: 'job.started',
          data: {
            jobId, tasks: g.tasks.length, layers: g.layers,
            outputs: job.outputs.map((o) => ({ name: o.name, shape: o.node.shape, dtype: o.node.dtype, grid: o.node.grid })),
          },
        }),
      });
      flush();
      await this.history.save({ jobId, finished: Date.now(), spec, state: 'done', outputs: result.outputs, error: null, stats: { ...result.stats }, records: result.records });
      emit({ event: 'job.done', data: { jobId, outputs: result.outputs as never, stats: { ...result.stats } } });
    } catch (e) {
      flush();
      const error = toTesseraError(e).toJSON() as ApiError;
      await this.history.save({ jobId, finished: Date.now(), spec, state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', outputs: [], error, stats: {}, records: [] }).catch(() => undefined);
      emit({ event: 'job.failed', data: { jobId, error: error as never } });
    }
  }
}
