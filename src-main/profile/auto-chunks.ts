/**
 * What `"chunks": "auto"` means: the chunk size a model of this machine predicts to be fastest
 * for the job, not a fixed byte target.
 * - A job profiled on this machine before uses its recommendation (profiles improve later auto
 *   choices).
 * - Otherwise the model: with N bytes in chunks of b, n = N/b tasks cost n x c of scheduling (c:
 *   the machine's measured overhead per task, serial on the scheduler) and ceil(n/W) waves of
 *   b / r each on W workers (r: bytes a worker gets through per second, measured in profiles):
 *       T(b) = n c + ceil(n / W) b / r
 *   Small b pays n c; large b leaves workers idle in the last wave (and n < W leaves some idle
 *   throughout). Among powers of two from 64 KiB, no larger than a third of the memory limit per
 *   worker, the b chosen is the smallest within 5% of the fastest prediction (the same time for
 *   less memory). Until profiles have measured c and r, conservative defaults stand in, and the
 *   reason says so.
 */
import { formatBytes } from '../engine/units.js';
import type { Machine } from './machine.js';
import type { AutoChunkChooser } from '../service/job-spec.js';
import type { MachineProfile, ProfileStore } from './profile-store.js';
import { jobSignature } from './signature.js';

export const DEFAULT_OVERHEAD_PER_TASK_MS = 0.03;
export const DEFAULT_BYTES_PER_WORKER_S = 2e9;
const MIN_CHUNK = 64 * 2 ** 10;
const MAX_CHUNK = 256 * 2 ** 20;

export interface AutoChoice { bytes: number; reason: string }

export function modelChunkBytes(o: { totalBytes: number; workers: number; overheadPerTaskMs: number; bytesPerWorkerS: number; memoryLimit: number | null }): number {
  const cap = Math.min(MAX_CHUNK, o.memoryLimit === null ? Infinity : o.memoryLimit / (3 * o.workers));
  const tried: { b: number; t: number }[] = [];
  for (let b = MIN_CHUNK; b <= Math.max(MIN_CHUNK, Math.min(cap, o.totalBytes * 2)); b *= 2) {
    const n = Math.ceil(o.totalBytes / b);
    const perChunk = Math.min(b, o.totalBytes);
    tried.push({ b, t: (n * o.overheadPerTaskMs) / 1000 + (Math.ceil(n / o.workers) * perChunk) / o.bytesPerWorkerS });
  }
  // The smallest chunk within 5% of the fastest prediction: the same time for less memory.
  const fastest = Math.min(...tried.map((x) => x.t));
  return tried.find((x) => x.t <= fastest * 1.05)!.b;
}

export class AutoChunker {
  private profile: Promise<MachineProfile | null> | null = null;

  constructor(private readonly store: ProfileStore | null, private readonly machine: Machine, private readonly workers: number) {}

  async choose(o: { dataset: string; totalBytes: number; signature: string; memoryLimit: number | null }): Promise<AutoChoice> {
    this.profile ??= this.store ? this.store.machine(this.machine.id) : Promise.resolve(null);
    const m = await this.profile;
    const remembered = m?.jobs[o.signature];
    if (remembered && remembered.dataset === o.dataset && (o.memoryLimit === null || remembered.chunkBytes * 3 * this.workers <= o.memoryLimit)) {
      return { bytes: remembered.chunkBytes, reason: `the recommendation of this job's profile on this machine (${new Date(remembered.measuredAt).toISOString().slice(0, 10)})` };
    }
    const c = m?.overheadPerTaskMs ?? null, r = m?.bytesPerWorkerS ?? null;
    const bytes = modelChunkBytes({
      totalBytes: o.totalBytes, workers: this.workers, memoryLimit: o.memoryLimit,
      overheadPerTaskMs: c ?? DEFAULT_OVERHEAD_PER_TASK_MS, bytesPerWorkerS: r ?? DEFAULT_BYTES_PER_WORKER_S,
    });
    const said = (v: number | null, fmt: (x: number) => string, d: number) => (v === null ? `${fmt(d)} (default until a profile measures it)` : `${fmt(v)} (measured)`);
    return {
      bytes,
      reason: `the chunk model: ${said(c, (x) => `${(x * 1000).toFixed(0)} us`, DEFAULT_OVERHEAD_PER_TASK_MS)} overhead per task, ${said(r, (x) => `${formatBytes(x)}/s`, DEFAULT_BYTES_PER_WORKER_S)} per worker, ${this.workers} workers`,
    };
  }
}

/** The job spec's "auto" chooser for a machine, its profiles and a run's workers and memory limit. */
export function autoChunkChooser(chunker: AutoChunker, memoryLimit: number | null): AutoChunkChooser {
  return ({ dataset, totalBytes, spec }) => chunker.choose({ dataset, totalBytes, signature: jobSignature(spec), memoryLimit });
}
