/**
 * One job of the window, run through the run path (run/run-spec.ts) on the backend its options
 * ask for: its events go out in batches (event-batches.ts) between job.started and job.done or
 * job.failed, array outputs get histograms, and the finished job (done, failed or cancelled) is
 * saved in the history with its task stream, memory samples and chunking: every job that got as
 * far as a graph (one that failed its checks before is not a run to come back to).
 */
import { isAbsolute, join } from 'node:path';
import type { JobSpecInput, OutputEvent, PersistedArrayInfo, RunOptions } from '../api/contract.js';
import type { PersistedArrays } from '../run/persisted-arrays.js';
import { complexDtype } from '../collections/array/dtype.js';
import { DaskBackend } from '../cluster/dask-backend.js';
import { GRAPH_DETAIL_TASKS } from '../api/contract.js';
import type { TaskGraph } from '../engine/graph.js';
import { TesseraError } from '../engine/errors.js';
import { parseBytes } from '../engine/units.js';
import { type ReadableCheck, specFiles } from '../run/job-spec.js';
import { type AutoChunksFor, type PlannedRun, runSpec, throwIfCancelledBeforeStart } from '../run/run-spec.js';
import type { Backends } from './backends.js';
import { type Emit, EventBatches } from './event-batches.js';
import { withHistograms } from './histogram.js';
import type { JobHistory } from './job-history.js';

export interface JobRunContext {
  backends: Backends;
  history: JobHistory;
  /** How "auto" chunks are chosen (from the remembered profiles). */
  autoChunks: AutoChunksFor;
  /** Where relative paths in specs start. */
  baseDir: string;
  /** Each job's folder (large outputs, exports) is `jobsDir/<jobId>`. */
  jobsDir: string;
  readable?: ReadableCheck;
  /** The user's modules a job may run: those chosen in the desktop app's dialog (none on the web host). */
  userCode?: (modulePath: string) => boolean;
  /** Names uploads in a message by the files the user dropped (datasets.ts). */
  showPaths?: (text: string) => string;
  /** The arrays kept between the window's jobs (persist). */
  persisted?: PersistedArrays;
}

/** The kept arrays as the window lists them, least recently used first. */
export function persistedList(persisted: PersistedArrays): PersistedArrayInfo[] {
  return persisted.list().sort((a, b) => a.lastUsed - b.lastUsed)
    .map(({ grid, keys: _k, complex, ...a }) => (complex
      // A complex array as numpy names it: its dtype, and the values' axes without the pairs'.
      ? { ...a, dtype: complexDtype(a.dtype), shape: a.shape.slice(0, -1), chunks: grid.slice(0, -1).map((d) => d.length) }
      : { ...a, chunks: grid.map((d) => d.length) }));
}

export async function runJobForWindow(ctx: JobRunContext, jobId: string, spec: JobSpecInput, options: RunOptions, signal: AbortSignal, emit: Emit): Promise<void> {
  const batches = new EventBatches(jobId, emit);
  let layers: TaskGraph['layers'] = [];
  try {
    throwIfCancelledBeforeStart(signal);
    const memoryLimit = options.memoryLimit ? parseBytes(options.memoryLimit) : null;
    if (options.cluster && memoryLimit !== null) throw new TesseraError('BAD_OPTION', 'the memory limit is this machine\'s engine\'s: a cluster\'s workers have their own', 'clear the memory limit to run on the cluster (dask worker --memory-limit sets a worker\'s)');
    const backend = await ctx.backends.forJob(options);
    let planned: PlannedRun | undefined;
    const run = await runSpec(backend, spec, {
      baseDir: ctx.baseDir, outDir: join(ctx.jobsDir, jobId), memoryLimit, autoChunks: ctx.autoChunks, readable: ctx.readable, userCode: ctx.userCode,
      persisted: ctx.persisted, persist: options.persist ?? [], jobName: jobId,
      bus: batches.bus, log: batches.log, signal,
      onPlanned: (p) => { planned = p; },
      onGraph: (g) => {
        layers = g.layers;
        const { job, warnings } = planned!;
        emit({
          event: 'job.started',
          data: {
            jobId, tasks: g.tasks.length, workers: backend.workers, layers: g.layers, graph: graphDetail(g), warnings,
            ...(ctx.persisted?.totalBytes ? { keptBytes: ctx.persisted.totalBytes } : {}),
            ...(backend instanceof DaskBackend ? { cluster: backend.info } : {}),
            // A complex output's node is its (re, im) pairs: shown without the pair axis.
            outputs: job.outputs.map((o) => (o.complex
              ? { name: o.name, shape: o.node.shape.slice(0, -1), dtype: complexDtype(o.node.dtype), grid: o.node.grid.slice(0, -1) }
              : { name: o.name, shape: o.node.shape, dtype: o.node.dtype, grid: o.node.grid })),
          },
        });
      },
    });
    batches.stop();
    const outputs = await withHistograms(run.result.outputs as OutputEvent[]);
    const stats = { ...run.result.stats, workers: backend.workers };
    await ctx.history.save({ jobId, finished: Date.now(), spec, state: 'done', outputs, error: null, stats, records: run.result.records, layers, samples: run.result.samples, chunking: run.chunking });
    const kept = ctx.persisted && { persisted: persistedList(ctx.persisted), released: run.persisted?.released ?? [] };
    emit({ event: 'job.done', data: { jobId, outputs, stats, ...kept } });
  } catch (e) {
    batches.stop();
    const error = await ctx.backends.errorOf(e);
    if (ctx.showPaths) error.message = ctx.showPaths(error.message);
    // The engine's hint speaks of a spec file; a window's job has none: say which folder it used.
    if (error.code === 'FILE_NOT_FOUND' && specFiles(spec).some((p) => !isAbsolute(p))) error.hint = `in the window a relative path is relative to ${ctx.baseDir}; drop the file on the window, or give its absolute path`;
    // A job that failed its checks before it had a graph (a syntax error, a missing file) is not a
    // run to come back to: the history keeps jobs that ran, with the tasks that finished.
    if (layers.length) await ctx.history.save({ jobId, finished: Date.now(), spec, state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', outputs: [], error, stats: {}, records: batches.log.records(), layers }).catch(() => undefined);
    emit({ event: 'job.failed', data: { jobId, error: error as never, ...(ctx.persisted ? { persisted: persistedList(ctx.persisted) } : {}) } });
  }
}

/** Every task and the tasks it reads, for graphs small enough to draw task by task. */
function graphDetail(g: TaskGraph): { keys: string[]; deps: number[][] } | undefined {
  if (g.tasks.length > GRAPH_DETAIL_TASKS) return undefined;
  const at = new Map(g.tasks.map((t, i) => [t.key, i]));
  return { keys: g.tasks.map((t) => t.key), deps: g.tasks.map((t) => t.deps.flatMap((d) => (at.has(d) ? [at.get(d)!] : []))) };
}
