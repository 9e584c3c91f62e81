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
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Dataset, ExportFormat, JobSpecInput, Result, RunOptions } from '../api/contract.js';
import { API_VERSION } from '../api/contract.js';
import { expressionVocabulary } from '../collections/array/index.js';
import { tableVocabulary } from '../collections/dataframe/index.js';
import type { Engine, EngineOptions } from '../engine/engine.js';
import { TesseraError } from '../engine/errors.js';
import { autoChunksFrom } from '../profile/auto-chunks.js';
import { ProfileStore } from '../profile/profile-store.js';
import type { ReadableCheck } from '../run/job-spec.js';
import { LocalBackend } from '../run/local-backend.js';
import { runSpec } from '../run/run-spec.js';
import { Backends } from './backends.js';
import { Datasets } from './datasets.js';
import type { Emit } from './event-batches.js';
import { JobExports } from './exports.js';
import type { FileAccess } from './file-access.js';
import { JobHistory } from './job-history.js';
import { JobQueue } from './job-queue.js';
import { type JobRunContext, persistedList, runJobForWindow } from './job-run.js';
import { PersistedArrays } from '../run/persisted-arrays.js';
import { ProfileReports } from './profile-reports.js';
import { profileJobForWindow, type ProfileRunContext, type SweepRequest } from './profile-run.js';
import { SAMPLES } from './samples.js';
import { Uploads } from './uploads.js';

export type { Emit } from './event-batches.js';

/** Rows a table dataset's preview shows. */
export const PREVIEW_ROWS = 20;

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
  /** Arrays kept in memory between the window's jobs (persist), whichever backend runs them. */
  private readonly persisted = new PersistedArrays();
  /** Modules of the user's functions chosen in the desktop app's dialog: the only code a window's job may run. */
  private readonly functionModules = new Set<string>();

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
    this.jobRuns = {
      backends: this.backends, history: this.history, autoChunks: autoChunksFrom(profiles), baseDir: opts.baseDir, jobsDir, readable,
      userCode: (path) => this.functionModules.has(path),
      showPaths: (text) => this.datasets.showPaths(text),
      persisted: this.persisted,
    };
    this.profileRuns = { backends: this.backends, profiles, profileReports, baseDir: opts.baseDir, readable, userCode: this.jobRuns.userCode };
  }

  hello(): Result<'hello'> {
    const { workers, simd } = this.backends.host;
    return { version: API_VERSION, host: this.opts.host, workers, simd, samples: SAMPLES, vocabulary: { ...expressionVocabulary(), tables: tableVocabulary() } };
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

  /**
   * Lets the window's jobs run a module of the user's functions, which the user chose in the
   * desktop app's open dialog (hosts/electron/dialogs.ts; no API method reaches this, so the web
   * host never runs code it was sent). Returns the module's absolute path, for the job's "functions".
   */
  async allowFunctionsModule(path: string): Promise<string> {
    const abs = resolve(path);
    if (!/\.(ts|mts|js|mjs|cjs)$/.test(abs)) throw new TesseraError('BAD_ARGUMENT', `${abs} is not a module of functions`, 'choose a .ts, .mts, .js, .mjs or .cjs file');
    const s = await stat(abs).catch(() => null);
    if (!s?.isFile()) throw new TesseraError('FILE_NOT_FOUND', `no such file: ${abs}`, 'choose the module again');
    this.functionModules.add(abs);
    return abs;
  }

  /** Inspects a file the user dropped or opened, and lists it under a name usable in expressions. */
  addDataset(path: string, fileName?: string): Promise<Dataset> {
    return this.datasets.add(path, fileName);
  }

  /** Stores an uploaded file (the web host's drop) and adds it; `declaredBytes`: its Content-Length. */
  addUpload(name: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<Dataset> {
    return this.datasets.addUpload(name, body, declaredBytes);
  }

  /** Stores one file of a folder dropped on the web host's page; `addUploadedFolder` then adds the folder. */
  addUploadPart(group: string, folder: string, relPath: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<void> {
    return this.datasets.addUploadPart(group, folder, relPath, body, declaredBytes);
  }

  /** Adds a folder whose files arrived by upload (addUploadPart) as one dataset. */
  addUploadedFolder(group: string): Promise<Dataset> {
    return this.datasets.addUploadedFolder(group);
  }

  /** Removes old uploads no job in the history reads and none listed now (the web host's start). */
  pruneUploads(minAgeMs?: number): Promise<number> {
    return this.datasets.pruneUploads(minAgeMs);
  }

  listPersisted(): Result<'listPersisted'> {
    return persistedList(this.persisted);
  }

  /** Frees a kept array once the jobs queued before are done (one of them may read it). */
  releasePersisted(name: string): Promise<Result<'releasePersisted'>> {
    return new Promise((resolve) => {
      this.queue.add(async () => {
        const released = this.persisted.release(name);
        resolve({ released, persisted: persistedList(this.persisted) });
      }, '-release');
    });
  }

  listDatasets(): Dataset[] {
    return this.datasets.list();
  }

  /**
   * The first PREVIEW_ROWS rows of a listed table: a small job (`head`) through the run path on
   * the host's engine, queued with the window's jobs (one runs at a time), so nothing is read on
   * the main thread and a running job is not disturbed. It emits no events and keeps no history.
   */
  previewDataset(name: string): Promise<Result<'previewDataset'>> {
    const d = this.datasets.get(name);
    if (!d) return Promise.reject(new TesseraError('NOT_FOUND', `no dataset named '${name}' is listed`, 'drop the file on the window first'));
    if (d.kind !== 'table') return Promise.reject(new TesseraError('UNSUPPORTED', `'${name}' is an array: previews are of tables`, ''));
    return new Promise((resolve, reject) => {
      this.queue.add(async (jobId, signal) => {
        try {
          const spec = { tessera: 1, datasets: { t: { [d.format]: d.path } }, outputs: { head: `t.head(${PREVIEW_ROWS})` } };
          const run = await runSpec(this.backends.host, spec, { baseDir: this.opts.baseDir, outDir: join(this.opts.dataDir, 'jobs', jobId), readable: this.jobRuns.readable, signal });
          const out = run.result.outputs[0];
          if (out?.kind !== 'table') throw new TesseraError('INTERNAL', 'the preview job returned no table', '');
          resolve({ columns: out.columns, dtypes: out.dtypes, rows: out.rows ?? [] });
        } catch (e) {
          reject(e);
        }
      }, '-preview');
    });
  }

  /**
   * Writes an output ("out.NAME"), the trace ("trace") or the report ("report") of a finished job.
   * `format`: a table output as "csv" or "parquet" (exports.ts writes those; until it takes the
   * format, such a request is refused here rather than answered with the wrong file).
   */
  exportFile(jobId: string, what: string, format?: ExportFormat): Promise<Result<'exportFile'>> {
    // A table's format rides in `what` (out.NAME.csv); the request's format field says the same.
    const asTable = (format === 'csv' || format === 'parquet') && /^out\.[^.]+$/.test(what) ? `${what}.${format}` : what;
    return this.exports.exportFile(jobId, asTable);
  }

  /** Waits for the queued jobs, then closes the engines this service started (the host closes its own). */
  async close(): Promise<void> {
    await this.queue.idle();
    this.persisted.clear();
    await this.backends.close();
  }
}
