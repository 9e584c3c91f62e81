/**
 * JobService: what a host (web or Electron) offers its window, behind one facade that rpc.ts and
 * the hosts call. Each concern lives in its own module:
 * - job-queue.ts: jobs and profiles one at a time, with ids and cancelling;
 * - backends.ts: the backend each job runs on (the host's engine, or one started for a job's
 *   worker count or scheduler) and its replacement after a worker died;
 * - job-run.ts: a job through the run path, its batched events (event-batches.ts) and its history;
 * - profile-run.ts: a chunk-size profile and its report;
 * - datasets.ts: dropped and opened files, and the web host's uploads;
 * - exports.ts: a finished job's outputs, trace and report as files.
 */
import { join } from 'node:path';
import type { Dataset, JobSpecInput, Result, RunOptions } from '../api/contract.js';
import { API_VERSION } from '../api/contract.js';
import { expressionVocabulary } from '../collections/array/index.js';
import type { Engine, EngineOptions } from '../engine/engine.js';
import { autoChunksFrom } from '../profile/auto-chunks.js';
import { ProfileStore } from '../profile/profile-store.js';
import type { ReadableCheck } from '../run/job-spec.js';
import { LocalBackend } from '../run/local-backend.js';
import { Backends } from './backends.js';
import { Datasets } from './datasets.js';
import type { Emit } from './event-batches.js';
import { JobExports } from './exports.js';
import type { FileAccess } from './file-access.js';
import { JobHistory } from './job-history.js';
import { JobQueue } from './job-queue.js';
import { type JobRunContext, runJobForWindow } from './job-run.js';
import { ProfileReports } from './profile-reports.js';
import { profileJobForWindow, type ProfileRunContext, type SweepRequest } from './profile-run.js';
import { SAMPLES } from './samples.js';
import { Uploads } from './uploads.js';

export type { Emit } from './event-batches.js';

export interface JobServiceOptions {
  host: 'web' | 'electron';
  dataDir: string;
  baseDir: string;
  /** Starts an engine for a job that asks for another worker count or scheduler. */
  startEngine?: (o: EngineOptions) => Promise<Engine>;
  /** Free space uploads must leave on the data folder's disk (uploads.ts; default 1 GiB). */
  uploadReserveBytes?: number;
  /** The files jobs may read (file-access.ts); files the user adds are allowed as they come. */
  fileAccess?: FileAccess;
}

export class JobService {
  private readonly queue = new JobQueue();
  private readonly backends: Backends;
  private readonly history: JobHistory;
  private readonly datasets: Datasets;
  private readonly exports: JobExports;
  private readonly jobRuns: JobRunContext;
  private readonly profileRuns: ProfileRunContext;

  /** `hostEngine` stays the host's to close; the service closes the engines it starts. */
  constructor(hostEngine: Engine, private readonly opts: JobServiceOptions) {
    const { startEngine, fileAccess } = opts;
    this.backends = new Backends(new LocalBackend(hostEngine), hostEngine.pool ? 'threads' : 'sync',
      startEngine && (async (o) => new LocalBackend(await startEngine(o))));
    const jobsDir = join(opts.dataDir, 'jobs');
    this.history = new JobHistory(jobsDir);
    const profiles = new ProfileStore(join(opts.dataDir, 'profiles.json'));
    const profileReports = new ProfileReports(join(opts.dataDir, 'profile-reports'));
    this.datasets = new Datasets(new Uploads(join(opts.dataDir, 'uploads'), opts.uploadReserveBytes), this.history, fileAccess);
    // Which files a job may read: those the file access allows, or any without one.
    const readable: ReadableCheck | undefined = fileAccess ? (path) => fileAccess.check(path) : undefined;
    this.exports = new JobExports(jobsDir, this.history, profileReports, () => this.backends.host, { baseDir: opts.baseDir, readable });
    this.jobRuns = { backends: this.backends, history: this.history, autoChunks: autoChunksFrom(profiles), baseDir: opts.baseDir, jobsDir, readable };
    this.profileRuns = { backends: this.backends, profiles, profileReports, baseDir: opts.baseDir, readable };
  }

  hello(): Result<'hello'> {
    const { workers, simd } = this.backends.host;
    return { version: API_VERSION, host: this.opts.host, workers, simd, samples: SAMPLES, vocabulary: expressionVocabulary() };
  }

  /** Queues a job; its events go to `emit`. Returns at once with the job id. */
  runJob(spec: JobSpecInput, options: RunOptions, emit: Emit): Result<'runJob'> {
    return { jobId: this.queue.add((jobId, signal) => runJobForWindow(this.jobRuns, jobId, spec, options, signal, emit)) };
  }

  /** Queues a chunk-size profile of a job (see profile/sweep.ts); events as for a job. */
  profileJob(spec: JobSpecInput, options: RunOptions, sweep: SweepRequest, emit: Emit): Result<'profileJob'> {
    return { jobId: this.queue.add((jobId, signal) => profileJobForWindow(this.profileRuns, jobId, spec, options, sweep, signal, emit), '-profile') };
  }

  cancelJob(jobId: string): Result<'cancelJob'> {
    return { cancelled: this.queue.cancel(jobId) };
  }

  listHistory(): Promise<Result<'listHistory'>> {
    return this.history.list();
  }

  getJob(jobId: string): Promise<Result<'getJob'>> {
    return this.history.get(jobId);
  }

  /** Inspects a file the user dropped or opened, and lists it under a name usable in expressions. */
  addDataset(path: string, fileName?: string): Promise<Dataset> {
    return this.datasets.add(path, fileName);
  }

  /** Stores an uploaded file (the web host's drop) and adds it; `declaredBytes`: its Content-Length. */
  addUpload(name: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<Dataset> {
    return this.datasets.addUpload(name, body, declaredBytes);
  }

  /** Removes old uploads no job in the history reads and none listed now (the web host's start). */
  pruneUploads(minAgeMs?: number): Promise<number> {
    return this.datasets.pruneUploads(minAgeMs);
  }

  listDatasets(): Dataset[] {
    return this.datasets.list();
  }

  /** Writes an output ("out.NAME"), the trace ("trace") or the report ("report") of a finished job. */
  exportFile(jobId: string, what: string): Promise<Result<'exportFile'>> {
    return this.exports.exportFile(jobId, what);
  }

  /** Waits for the queued jobs, then closes the engines this service started (the host closes its own). */
  async close(): Promise<void> {
    await this.queue.idle();
    await this.backends.close();
  }
}
