/**
 * The one run path of every host and of the profiler: a job spec -> "auto" chunk sizes -> the
 * built job -> its warnings and chunking -> run on a backend -> outputs (values, or .npy files
 * under `outDir`) with the task stream, memory samples and stats. Hosts add only presentation
 * (the CLI's progress bar and printing, the window's batched events and history).
 */
import { TesseraError } from '../engine/errors.js';
import type { Backend } from './backend.js';
import { type DatasetChunking, describeChunking } from './chunking.js';
import { type AutoChunkChooser, type BuiltJob, buildJob, type JobSpec, type ReadableCheck, type UserCodeCheck, validateSpec } from './job-spec.js';
import { checkPersist, type JobResult, jobWarnings, type RunJobOptions, runBuiltJob } from './run-job.js';
import { LocalBackend } from './local-backend.js';
import type { PersistedArrays } from './persisted-arrays.js';

/**
 * Makes the "auto" chooser of one run from the backend that runs it (its workers and machine) and
 * the run's memory limit; profile/auto-chunks.ts makes these from the remembered profiles.
 */
export type AutoChunksFor = (backend: Pick<Backend, 'workers' | 'simd'>, memoryLimit: number | null) => AutoChunkChooser;

/** A job built and ready to run. */
export interface PlannedRun {
  job: BuiltJob;
  /** Each dataset's chunk grid and where it came from. */
  chunking: DatasetChunking[];
  /** What the job deserves to be told before it runs (jobWarnings). */
  warnings: string[];
}

export interface SpecRun extends PlannedRun {
  result: JobResult;
  /** The outputs kept, and the arrays the memory limit released to make room (before or after the job). */
  persisted?: { kept: string[]; released: string[] };
}

export interface RunSpecOptions extends RunJobOptions {
  /** The folder the spec's relative paths start from. */
  baseDir: string;
  /** How datasets chunked "auto" (or not at all) are sized; unset, they keep the default chunking. */
  autoChunks?: AutoChunksFor;
  /** Which files the job may read (a window's jobs); unset, any file the spec names. */
  readable?: ReadableCheck;
  /** Whether the job may run the user's functions its spec names (the CLI: yes; a window: the modules chosen in the desktop app's dialog). */
  userCode?: UserCodeCheck;
  /** Called once the job is built, before anything runs. */
  onPlanned?: (planned: PlannedRun) => void;
  /**
   * The arrays kept between jobs (the window's and the API's): {"persisted": NAME} datasets read
   * them, the outputs named by `persist` join them, and the memory limit covers them (persisted-arrays.ts).
   */
  persisted?: PersistedArrays;
  /** Names the job in the kept arrays' list (the window's job id). */
  jobName?: string;
}

/** Throws CANCELLED if the signal fired before the job's tasks started. */
export function throwIfCancelledBeforeStart(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TesseraError('CANCELLED', 'the job was cancelled before it started', '');
}

/** Runs a job spec (validated here) on a backend. */
export async function runSpec(backend: Backend, spec: unknown, opts: RunSpecOptions): Promise<SpecRun> {
  const { baseDir, autoChunks, readable, userCode, onPlanned, persisted, jobName, ...run } = opts;
  throwIfCancelledBeforeStart(run.signal);
  const valid = validateSpec(spec);
  if (!persisted && run.persist?.length) throw new TesseraError('BAD_OPTION', 'this run keeps no arrays between jobs', 'persist outputs from the window or the TypeScript API (x.persist())');
  // The memory limit covers the kept arrays too: the room a job needs is planned first (it is
  // planned and "auto"-chunked with what is left), made once the job is checked, just before it runs.
  const reads = persisted ? persistedReads(valid) : new Set<string>();
  const engine = backend instanceof LocalBackend ? backend.engine : null;
  if (reads.size && !engine) throw new TesseraError('NOT_ON_CLUSTER', `the job reads arrays kept in this process (${[...reads].join(', ')}), which the cluster's workers cannot see`, 'compute them in the same job instead, or run it on this machine');
  const room = persisted?.planJob(reads, run.memoryLimit ?? null) ?? { release: [], memoryLimit: run.memoryLimit ?? null, warnings: [] };
  const lookup = persisted && ((name: string, dataset: string) => persisted.read(name, dataset));
  const job = await buildJob(valid, baseDir, { autoChunks: autoChunks?.(backend, room.memoryLimit), readable, userCode, persisted: lookup });
  const planned: PlannedRun = { job, chunking: describeChunking(job), warnings: [...jobWarnings(job, room.memoryLimit), ...room.warnings] };
  checkPersist(backend, job, run);
  onPlanned?.(planned);
  throwIfCancelledBeforeStart(run.signal);
  persisted?.startJob(engine, reads, room);
  const { kept, ...result } = await runBuiltJob(backend, job, { ...run, memoryLimit: room.memoryLimit });
  if (!persisted) return { ...planned, result };
  const after = kept ? persisted.keep(kept.owner, kept.outputs, jobName ?? 'a job', run.memoryLimit ?? null) : [];
  return { ...planned, result, persisted: { kept: kept?.outputs.map((o) => o.name) ?? [], released: [...room.release, ...after] } };
}

/** The kept arrays a spec's datasets name ({"persisted": NAME}). */
function persistedReads(spec: JobSpec): Set<string> {
  const names = new Set<string>();
  for (const d of Object.values(spec.datasets ?? {})) if (typeof d.persisted === 'string') names.add(d.persisted);
  return names;
}
