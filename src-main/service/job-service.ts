/**
 * JobService: runs jobs for a host (web or Electron) one at a time on one engine, and turns engine
 * events into API events. Task records, chunk state changes, memory samples and the latest
 * progress go out together every FLUSH_MS (tasks as typed columns read from the job's task log:
 * task-stream.ts), so a job of 10^5 tasks costs the window a few messages a second rather than a
 * stream it must keep up with (bench/window.mjs measures what is left). Jobs go through the run
 * path (run/run-spec.ts) on a Backend: the host's engine, or for a job that asks for another
 * worker count or scheduler a fresh one (between jobs, never during one). A backend whose worker
 * died (WORKER_CRASHED: it cannot run jobs any more) is replaced by a fresh one with the same
 * options, so the window goes on without a restart of the app.
 */
import { access, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { inspectFile } from '../collections/array/files.js';
import { performance } from 'node:perf_hooks';
import type { ApiError, ApiEvent, Dataset, JobSpecInput, OutputEvent, Result, RunOptions } from '../api/contract.js';
import { API_VERSION, GRAPH_DETAIL_TASKS } from '../api/contract.js';
import { expressionVocabulary } from '../collections/array/index.js';
import type { Engine, EngineOptions } from '../engine/engine.js';
import { TesseraError, toTesseraError } from '../engine/errors.js';
import type { TaskGraph } from '../engine/graph.js';
import { chromeTrace } from '../engine/trace.js';
import type { Nested } from '../collections/array/values.js';
import { autoChunksFrom } from '../profile/auto-chunks.js';
import { machineInfo } from '../profile/machine.js';
import { ProfileStore } from '../profile/profile-store.js';
import { profileJob, type ProfileReport, rememberProfile } from '../profile/sweep.js';
import { profileChartSvg, profileTimelineSvg, renderProfileReport, renderRunReport } from '../report/html-report.js';
import { histogramOfNpy, histogramOfValues } from './histogram.js';
import { encodeNpy } from './npy-encode.js';
import { EventBus, type MemorySample, type Progress } from '../engine/events.js';
import { TaskLog } from '../engine/task-log.js';
import { TaskStream } from './task-stream.js';
import type { FileAccess } from './file-access.js';
import type { Backend } from '../run/backend.js';
import { LocalBackend } from '../run/local-backend.js';
import { type PlannedRun, runSpec, throwIfCancelledBeforeStart } from '../run/run-spec.js';
import { JobHistory } from './job-history.js';
import { ProfileReports } from './profile-reports.js';
import { SAMPLES } from './samples.js';
import { Uploads } from './uploads.js';
import { writeAtomically } from '../run/write-atomically.js';
import { parseBytes } from '../engine/units.js';

export type Emit = (e: ApiEvent) => void;

/** How often a running job's events go out (the window redraws at about this rate too). */
export const FLUSH_MS = 200;

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

interface RunningJob {
  abort: AbortController;
}

export class JobService {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly datasets = new Map<string, Dataset>();
  private queue: Promise<void> = Promise.resolve();
  private nextId = 1;

  private readonly history: JobHistory;
  private readonly profiles: ProfileStore;
  private readonly uploads: Uploads;
  private readonly profileReports: ProfileReports;
  /** The default backend (the host's engine, until a crash replaced it) and the one in use now. */
  private backend: Backend;
  private readonly hostScheduler: RunOptions['scheduler'];
  private replacedHostBackend = false;
  private current: { backend: Backend; workers: number | null; scheduler: RunOptions['scheduler'] };

  /** Which files a job may read: those the file access allows, or any without one. */
  private readonly readable: ((path: string) => Promise<void>) | undefined;

  constructor(hostEngine: Engine, private readonly opts: JobServiceOptions) {
    this.backend = new LocalBackend(hostEngine);
    this.hostScheduler = hostEngine.pool ? 'threads' : 'sync';
    const access = opts.fileAccess;
    this.readable = access ? (path) => access.check(path) : undefined;
    this.history = new JobHistory(join(opts.dataDir, 'jobs'));
    this.profiles = new ProfileStore(join(opts.dataDir, 'profiles.json'));
    this.uploads = new Uploads(join(opts.dataDir, 'uploads'), opts.uploadReserveBytes);
    this.profileReports = new ProfileReports(join(opts.dataDir, 'profile-reports'));
    this.current = { backend: this.backend, workers: null, scheduler: this.hostScheduler };
  }

  listHistory(): Promise<Result<'listHistory'>> {
    return this.history.list();
  }

  getJob(jobId: string): Promise<Result<'getJob'>> {
    return this.history.get(jobId);
  }

  hello(): Result<'hello'> {
    return { version: API_VERSION, host: this.opts.host, workers: this.backend.workers, simd: this.backend.simd, samples: SAMPLES, vocabulary: expressionVocabulary() };
  }

  /** Queues a job; its events go to `emit`. Returns at once with the job id. */
  runJob(spec: JobSpecInput, options: RunOptions, emit: Emit): Result<'runJob'> {
    const jobId = `job-${Date.now().toString(36)}-${this.nextId++}`;
    const abort = new AbortController();
    this.jobs.set(jobId, { abort });
    this.queue = this.queue.then(() => this.execute(jobId, spec, options, abort.signal, emit)).finally(() => this.jobs.delete(jobId));
    return { jobId };
  }

  /** Queues a chunk-size profile of a job (see profile/sweep.ts); events as for a job. */
  profileJob(spec: JobSpecInput, options: RunOptions, sweep: { dataset: string | null; chunks: number[] | null; repeat: number }, emit: Emit): Result<'profileJob'> {
    const jobId = `job-${Date.now().toString(36)}-${this.nextId++}-profile`;
    const abort = new AbortController();
    this.jobs.set(jobId, { abort });
    this.queue = this.queue.then(() => this.executeProfile(jobId, spec, options, sweep, abort.signal, emit)).finally(() => this.jobs.delete(jobId));
    return { jobId };
  }

  private async executeProfile(jobId: string, spec: JobSpecInput, options: RunOptions, sweep: { dataset: string | null; chunks: number[] | null; repeat: number }, signal: AbortSignal, emit: Emit): Promise<void> {
    try {
      const backend = await this.backendFor(options);
      const report: ProfileReport = await profileJob(backend, spec, this.opts.baseDir, {
        dataset: sweep.dataset ?? undefined, values: sweep.chunks ?? undefined, repeat: sweep.repeat, signal, readable: this.readable,
        memoryLimit: options.memoryLimit ? parseBytes(options.memoryLimit) : null,
        onProgress: (done, total, value) => emit({ event: 'profile.progress', data: { jobId, done, total, value } }),
      });
      await rememberProfile(this.profiles, report);
      await this.profileReports.save(jobId, renderProfileReport(report));
      emit({
        event: 'profile.done',
        data: {
          jobId, dataset: report.parameter.dataset, workers: report.workers, recommended: report.recommended, best: report.best,
          recommendation: report.recommendation, explanations: report.explanations, warnings: report.warnings,
          points: report.points.map((x) => ({ value: x.value, chunkBytes: x.chunkBytes, chunks: x.chunks, wall: x.wall, ...x.median })),
          chartSvg: profileChartSvg(report, 680, 240), bestSvg: profileTimelineSvg(report, 'best', 420), worstSvg: profileTimelineSvg(report, 'worst', 420),
        },
      });
    } catch (e) {
      emit({ event: 'job.failed', data: { jobId, error: (await this.failure(e)) as never } });
    }
  }

  /** Inspects a file the user dropped or opened, and lists it under a name usable in expressions. */
  async addDataset(path: string, fileName = basename(path)): Promise<Dataset> {
    const info = await inspectFile(path);
    await this.opts.fileAccess?.allowFile(info.path);
    for (const d of this.datasets.values()) if (d.path === info.path) return d;
    const base = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || 'data';
    let name = base;
    for (let k = 2; this.datasets.has(name); k++) name = `${base}${k}`;
    const dataset: Dataset = { name, ...info };
    this.datasets.set(name, dataset);
    return dataset;
  }

  /**
   * Stores an uploaded file (the web host's drop) in the data folder, then adds it; a file that
   * cannot be read as a dataset is not kept. `declaredBytes`: the request's Content-Length.
   */
  async addUpload(name: string, body: NodeJS.ReadableStream, declaredBytes: number | null = null): Promise<Dataset> {
    const path = await this.uploads.receive(name, body, declaredBytes);
    try {
      return await this.addDataset(path, name);
    } catch (e) {
      await this.uploads.discard(path);
      throw e;
    }
  }

  /** Removes old uploads no job in the history reads and none listed now (the web host's start). */
  async pruneUploads(minAgeMs?: number): Promise<number> {
    const keep = await this.history.inputs();
    for (const d of this.datasets.values()) keep.add(d.path);
    return this.uploads.prune(keep, minAgeMs);
  }

  listDatasets(): Dataset[] {
    return [...this.datasets.values()];
  }

  /**
   * Writes an output of a finished job (`what` = "out.NAME") as .npy (value outputs are encoded
   * here; file outputs are already .npy), or for "trace" its task stream as Chrome/Perfetto JSON, or for
   * "report" its HTML performance report (a profile's was written when it finished), each through
   * a temp file and a rename.
   */
  async exportFile(jobId: string, what: string): Promise<Result<'exportFile'>> {
    const dir = join(this.opts.dataDir, 'jobs', jobId);
    if (what === 'report') {
      // A profile wrote its report when it finished; a run's is made from its history.
      const path = this.profileReports.path(jobId);
      try { await access(path); return { path, fileName: `${jobId}-report.html` }; } catch { /* a run: render it below */ }
    }
    const job = await this.history.get(jobId);
    await mkdir(dir, { recursive: true });
    if (what === 'report') {
      const path = join(dir, 'report.html');
      await writeAtomically(path, renderRunReport({
        title: `Tessera run ${jobId}`, spec: job.spec, machine: machineInfo(this.backend.simd), workers: job.stats.workers ?? this.backend.workers,
        stats: job.stats, records: job.records as never, samples: (job.samples ?? []) as never, layers: (job.layers ?? []) as never, chunking: job.chunking ?? [],
      }));
      return { path, fileName: `${jobId}-report.html` };
    }
    if (what === 'trace') {
      const path = join(dir, 'trace.json');
      await writeAtomically(path, JSON.stringify(chromeTrace(job.records as never, { jobId, spec: job.spec, stats: job.stats })));
      return { path, fileName: `${jobId}-trace.json` };
    }
    const name = what.replace(/^out\./, '');
    const out = what.startsWith('out.') ? (job.outputs as OutputEvent[]).find((o) => o.name === name) : undefined;
    if (!out) throw new TesseraError('NOT_FOUND', `job ${jobId} has no output '${name}'`, `its outputs: ${(job.outputs as OutputEvent[]).map((o) => o.name).join(', ') || 'none'}`);
    const fileName = `${name}.npy`;
    if (out.path) {
      try { await access(out.path); } catch { throw new TesseraError('FILE_NOT_FOUND', `the output file ${out.path} is gone`, 'run the job again'); }
      return { path: out.path, fileName };
    }
    const path = join(dir, fileName);
    const values = (out.kind === 'scalar' ? out.value : out.values) as Nested;
    await writeAtomically(path, encodeNpy(out.dtype as never, out.shape ?? [], values));
    return { path, fileName };
  }

  /** The backend for a job's worker count and scheduler: the current one, or a new one. */
  private async backendFor(options: RunOptions): Promise<Backend> {
    await this.recover(); // a worker may have died since the last job
    const c = this.current;
    if (c.workers === options.workers && c.scheduler === options.scheduler) return c.backend;
    if (options.workers === null && options.scheduler === 'threads' && this.hostScheduler === 'threads') {
      if (c.backend !== this.backend) await c.backend.close();
      this.current = { backend: this.backend, workers: null, scheduler: 'threads' };
      await this.recover(); // the default's workers may have died while another backend ran
      return this.current.backend;
    }
    if (!this.opts.startEngine) throw new TesseraError('BAD_OPTION', 'this host cannot change the worker count or scheduler', 'run without those options');
    const backend = new LocalBackend(await this.opts.startEngine({ workers: options.workers ?? undefined, scheduler: options.scheduler }));
    if (c.backend !== this.backend) await c.backend.close();
    this.current = { backend, workers: options.workers, scheduler: options.scheduler };
    return backend;
  }

  /**
   * Replaces the backend in use if it failed: a fresh one with the same worker count and
   * scheduler takes its place (and the default's, if it was the default). Returns whether it did;
   * a host that cannot start engines keeps the broken one (its jobs say so).
   */
  private async recover(): Promise<boolean> {
    const c = this.current;
    if (!c.backend.failure || !this.opts.startEngine) return false;
    const fresh = new LocalBackend(await this.opts.startEngine({ workers: c.workers ?? c.backend.workers, scheduler: c.scheduler }));
    await c.backend.close().catch(() => undefined);
    if (c.backend === this.backend) {
      this.backend = fresh;
      this.replacedHostBackend = true;
    }
    this.current = { ...c, backend: fresh };
    return true;
  }

  /** A job's error; after a worker died, the backend is replaced and the hint says so. */
  private async failure(e: unknown): Promise<ApiError> {
    const error = toTesseraError(e).toJSON() as ApiError;
    if (error.code === 'WORKER_CRASHED' && await this.recover().catch(() => false)) {
      error.hint = 'Tessera started fresh workers: run the job again (and report this if it happens again)';
    }
    return error;
  }

  /** Adds a histogram to each array output (and to nothing else). */
  private async withHistograms(outputs: OutputEvent[]): Promise<OutputEvent[]> {
    return Promise.all(outputs.map(async (o) => {
      if (o.kind !== 'array') return o;
      try {
        return { ...o, histogram: o.path ? await histogramOfNpy(o.path) : histogramOfValues(o.values as Nested) };
      } catch {
        return o; // a histogram is a nicety: the results stand without one
      }
    }));
  }

  /** Closes the engines this service started (the host closes its own). */
  async close(): Promise<void> {
    await this.queue;
    if (this.current.backend !== this.backend) await this.current.backend.close();
    if (this.replacedHostBackend) await this.backend.close();
    this.current = { backend: this.backend, workers: null, scheduler: this.hostScheduler };
  }

  cancelJob(jobId: string): Result<'cancelJob'> {
    const job = this.jobs.get(jobId);
    if (!job) return { cancelled: false };
    job.abort.abort();
    return { cancelled: true };
  }

  private async execute(jobId: string, spec: JobSpecInput, options: RunOptions, signal: AbortSignal, emit: Emit): Promise<void> {
    const t0 = performance.now();
    const bus = new EventBus();
    const log = new TaskLog();
    const stream = new TaskStream(log);
    let layers: TaskGraph['layers'] = [];
    let progress: Progress | null = null;
    let samples: MemorySample[] = [];
    const flush = () => {
      const chunks = stream.takeChunks();
      if (chunks) emit({ event: 'job.chunks', data: { jobId, ...chunks } });
      const tasks = stream.takeTasks();
      if (tasks) emit({ event: 'job.tasks', data: { jobId, ...tasks } });
      if (samples.length) emit({ event: 'job.memory', data: { jobId, samples } });
      samples = [];
      if (progress) emit({ event: 'job.progress', data: { jobId, done: progress.done, total: progress.total, running: progress.running, elapsed: (performance.now() - t0) / 1000, layers: progress.layers } });
      progress = null;
    };
    bus.on((e) => {
      if (e.type === 'memory') samples.push(e.sample);
      else progress = e.progress;
    });
    const ticker = setInterval(flush, FLUSH_MS);
    try {
      throwIfCancelledBeforeStart(signal);
      const memoryLimit = options.memoryLimit ? parseBytes(options.memoryLimit) : null;
      const backend = await this.backendFor(options);
      let planned: PlannedRun | undefined;
      const run = await runSpec(backend, spec, {
        baseDir: this.opts.baseDir, outDir: join(this.opts.dataDir, 'jobs', jobId), memoryLimit, autoChunks: autoChunksFrom(this.profiles), readable: this.readable,
        bus, log, signal,
        onPlanned: (p) => { planned = p; },
        onGraph: (g) => (layers = g.layers, emit({
          event: 'job.started',
          data: {
            jobId, tasks: g.tasks.length, layers: g.layers, graph: graphDetail(g), warnings: planned!.warnings,
            outputs: planned!.job.outputs.map((o) => ({ name: o.name, shape: o.node.shape, dtype: o.node.dtype, grid: o.node.grid })),
          },
        })),
      });
      const { result, chunking } = run;
      clearInterval(ticker);
      flush();
      const outputs = await this.withHistograms(result.outputs as OutputEvent[]);
      const stats = { ...result.stats, workers: backend.workers };
      await this.history.save({ jobId, finished: Date.now(), spec, state: 'done', outputs, error: null, stats, records: result.records, layers, samples: result.samples, chunking });
      emit({ event: 'job.done', data: { jobId, outputs, stats } });
    } catch (e) {
      clearInterval(ticker);
      flush();
      const error = await this.failure(e);
      await this.history.save({ jobId, finished: Date.now(), spec, state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', outputs: [], error, stats: {}, records: [], layers }).catch(() => undefined);
      emit({ event: 'job.failed', data: { jobId, error: error as never } });
    }
  }
}

/** Every task and the tasks it reads, for graphs small enough to draw task by task. */
function graphDetail(g: TaskGraph): { keys: string[]; deps: number[][] } | undefined {
  if (g.tasks.length > GRAPH_DETAIL_TASKS) return undefined;
  const at = new Map(g.tasks.map((t, i) => [t.key, i]));
  return { keys: g.tasks.map((t) => t.key), deps: g.tasks.map((t) => t.deps.flatMap((d) => (at.has(d) ? [at.get(d)!] : []))) };
}
