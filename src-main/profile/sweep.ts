/**
 * `tessera profile`: runs a job at a sweep of chunkings, several times each, and measures per
 * chunking what the report shows (run-metrics.ts) and what the advice is built from
 * (recommend.ts). Runs go round-robin over the chunkings (all chunkings once, then again), so
 * slow drift on a shared machine lands on every chunking alike; one untimed warm-up run comes
 * first. Outputs are written to a temporary folder and removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraError } from '../engine/errors.js';
import type { TaskRecord } from '../engine/events.js';
import type { Layer } from '../engine/graph.js';
import { itemsize } from '../collections/array/dtype.js';
import { product } from '../collections/array/grid.js';
import type { Backend } from '../run/backend.js';
import { buildJob, type JobSpec, type ReadableCheck, type UserCodeCheck, validateSpec } from '../run/job-spec.js';
import { runSpec } from '../run/run-spec.js';
import { arrayChunkParameter, type ChunkParameter } from './chunk-parameter.js';
import { machineInfo, type Machine } from './machine.js';
import type { ProfileStore } from './profile-store.js';
import { advise, type Advice, type SweepPoint } from './recommend.js';
import { type RunMetrics, runMetrics } from './run-metrics.js';
import { jobSignature } from './signature.js';

/** Task streams longer than this are left out of the report's best/worst timelines. */
export const TIMELINE_RECORDS_MAX = 60_000;

export interface SweepOptions {
  dataset?: string;
  values?: number[];
  repeat?: number;
  memoryLimit?: number | null;
  signal?: AbortSignal;
  /** Which files the job may read (see service/file-access.ts). */
  readable?: ReadableCheck;
  /** Whether the job's user functions may run (run/job-spec.ts); unset, a spec naming "functions" is refused. */
  userCode?: UserCodeCheck;
  onProgress?: (done: number, total: number, value: number) => void;
}

interface Run { metrics: RunMetrics; records: TaskRecord[]; layers: Layer[] }

export interface ProfileTimeline { value: number; wallS: number; records: TaskRecord[]; layers: Layer[] }

export interface ProfileReport extends Advice {
  machine: Machine;
  spec: JobSpec;
  parameter: { label: string; dataset: string };
  workers: number;
  memoryLimit: number | null;
  repeat: number;
  points: SweepPoint[];
  /** The median runs of the fastest and the slowest chunking, for side-by-side timelines. */
  timelines: { best: ProfileTimeline | null; worst: ProfileTimeline | null };
  /** Identifies the job's operations (not its chunking), for remembering profiles. */
  signature: string;
  /** Bytes of the swept dataset. */
  datasetBytes: number;
}

/**
 * The machine constants a sweep measured (medians over its chunkings): scheduling overhead per
 * task, and bytes of the dataset a worker gets through per second of task time.
 */
export function measuredConstants(p: ProfileReport): { overheadPerTaskMs: number | null; bytesPerWorkerS: number | null } {
  const med = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);
  const overhead = p.points.filter((x) => x.median.tasks > 0).map((x) => (x.median.overheadShare * p.workers * x.median.wallS * 1000) / x.median.tasks);
  const rate = p.points.filter((x) => x.median.computeShare > 0).map((x) => p.datasetBytes / (x.median.computeShare * p.workers * x.median.wallS));
  return { overheadPerTaskMs: med(overhead), bytesPerWorkerS: med(rate) };
}

/**
 * Remembers a profile's recommendation and the machine constants it measured, for "auto" chunks
 * on this machine. A sweep on a Dask cluster (its backend's level is 'cluster') says nothing of
 * this machine's engine, so it is not remembered: its report is the answer.
 */
export async function rememberProfile(store: ProfileStore, p: ProfileReport): Promise<void> {
  if (p.machine.simd === 'cluster') return;
  const rec = p.points.find((x) => x.value === p.recommended)!;
  await store.remember(p.machine, p.signature, { dataset: p.parameter.dataset, elements: rec.value, chunkBytes: rec.chunkBytes, measuredAt: Date.now() }, measuredConstants(p));
}

/** Profiles a job on a backend: every run goes through the run path (run/run-spec.ts). */
export async function profileJob(backend: Backend, rawSpec: unknown, baseDir: string, opts: SweepOptions = {}): Promise<ProfileReport> {
  const spec = validateSpec(rawSpec);
  const repeat = opts.repeat ?? 3;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) throw new TesseraError('BAD_OPTION', `--repeat must be 1 to 50, not ${repeat}`, 'for example --repeat 3');
  const first = await buildJob(spec, baseDir, { readable: opts.readable, userCode: opts.userCode });
  if (!first.datasets.size) throw new TesseraError('BAD_OPTION', 'the job has no datasets to chunk', 'profile a job whose outputs read datasets');
  const name = opts.dataset ?? [...first.datasets.entries()].reduce((a, b) => (product(b[1].shape) > product(a[1].shape) ? b : a))[0];
  const node = first.datasets.get(name);
  if (!node) throw new TesseraError('BAD_OPTION', `the job has no dataset '${name}'`, `its datasets: ${[...first.datasets.keys()].join(', ')}`);
  const param: ChunkParameter = arrayChunkParameter(name, node, backend.workers);
  const values = [...new Set((opts.values?.length ? opts.values : param.defaults()).map((v) => Math.round(v)))].sort((a, b) => a - b);
  if (values.some((v) => !(v >= 1))) throw new TesseraError('BAD_OPTION', 'chunk sizes must be positive numbers', 'for example --chunks 1e5,1e6,1e7');
  const memoryLimit = opts.memoryLimit ?? null;
  const out = await mkdtemp(join(tmpdir(), 'tessera-profile-'));
  const runs = new Map<number, Run[]>(values.map((v) => [v, []]));
  try {
    const runOnce = async (value: number): Promise<Run> => {
      const { result: r } = await runSpec(backend, param.apply(spec, value), { baseDir, outDir: out, memoryLimit, signal: opts.signal, readable: opts.readable, userCode: opts.userCode });
      return {
        metrics: runMetrics({ records: r.records, samples: r.samples, wallS: r.stats.wall_s, startedAt: r.startedAt, workers: r.workers, peakStoreBytes: r.stats.peak_store_bytes }),
        records: r.records, layers: r.layers,
      };
    };
    opts.onProgress?.(0, repeat * values.length, values[Math.floor(values.length / 2)]); // the total, before the warm-up run
    await runOnce(values[Math.floor(values.length / 2)]); // warm-up: page cache, worker code
    let done = 0;
    for (let k = 0; k < repeat; k++) {
      for (const v of values) {
        const r = await runOnce(v);
        // Keep only the task streams a report may show (the median run's, picked below).
        runs.get(v)!.push(r.metrics.tasks <= TIMELINE_RECORDS_MAX ? r : { ...r, records: [] });
        opts.onProgress?.(++done, repeat * values.length, v);
      }
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  const medians = new Map<number, Run>();
  const points: SweepPoint[] = values.map((value) => {
    const list = [...runs.get(value)!].sort((a, b) => a.metrics.wallS - b.metrics.wallS);
    const mid = list[Math.floor((list.length - 1) / 2)];
    medians.set(value, mid);
    return {
      value, chunkShape: param.chunkShape(value), chunkBytes: param.chunkBytes(value), chunks: param.chunkCount(value),
      runs: list.map((x) => x.metrics), median: mid.metrics,
      wall: { median: mid.metrics.wallS, min: list[0].metrics.wallS, max: list[list.length - 1].metrics.wallS },
    };
  });
  const label = `chunks of ${name}`;
  const advice = advise(points, backend.workers, memoryLimit, name);
  const slowest = points.reduce((a, b) => (b.wall.median > a.wall.median ? b : a));
  const timeline = (v: number): ProfileTimeline | null => {
    const m = medians.get(v)!;
    return m.records.length ? { value: v, wallS: m.metrics.wallS, records: m.records, layers: m.layers } : null;
  };
  return {
    ...advice, machine: machineInfo(backend.simd), spec, parameter: { label, dataset: name }, workers: backend.workers, memoryLimit, repeat,
    points, timelines: { best: timeline(advice.best), worst: timeline(slowest.value) }, signature: jobSignature(spec),
    datasetBytes: product(node.shape) * itemsize(node.dtype),
  };
}
