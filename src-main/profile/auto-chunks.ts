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
 *   less memory). Until a profile has measured c, a conservative default stands in; until one has
 *   measured r, it is estimated from the machine's probed read bandwidth and the job's operations
 *   (below). The reason given with each choice says which numbers were measured.
 */
import { performance } from 'node:perf_hooks';
import { formatBytes } from '../api/format-bytes.js';
import { native } from '../native/addon.js';
import { machineInfo, type Machine } from './machine.js';
import type { AutoChunkChooser } from '../run/job-spec.js';
import type { AutoChunksFor } from '../run/run-spec.js';
import type { MachineProfile, ProfileStore } from './profile-store.js';
import { jobSignature } from './signature.js';
import { type OutputSpec, outputText } from '../run/output-spec.js';

export const DEFAULT_OVERHEAD_PER_TASK_MS = 0.03;

/**
 * Until a profile measures r, it is estimated from the machine's read bandwidth (probed once and
 * remembered) divided by the job's cost per element relative to a read: 1, plus rough priors per
 * operation in its expressions (a transcendental function or a normal draw costs a few reads; an
 * arithmetic operator a tenth of one). A profile of the job replaces all of this with measurement.
 */
const OP_COST: [RegExp, number][] = [
  [/\b(exp|log|log1p|sin|cos|tan|sqrt|log2|log10|exp2|expm1|arctan2|hypot)\s*\(/g, 1],
  [/"normal"|\bnormal\s*\(/g, 4],
  [/[-+*/%]|\*\*/g, 0.1],
];

export function opCost(spec: { datasets?: Record<string, Record<string, unknown>>; outputs: Record<string, OutputSpec> }): number {
  const text = `${Object.values(spec.outputs).map(outputText).join(' ')} ${JSON.stringify(spec.datasets ?? {})}`;
  let cost = 1;
  for (const [re, w] of OP_COST) cost += (text.match(re)?.length ?? 0) * w;
  return cost;
}

/** One thread's read bandwidth: a 64 MB chunk read through the addon's probe, best of three. */
export function probeReadBandwidth(): number {
  const n = 8 * 2 ** 20;
  const id = native().putChunk({ dtype: 'float64', shape: [n], data: new Float64Array(n).fill(1) });
  try {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      native().readProbe(id);
      best = Math.min(best, performance.now() - t0);
    }
    return (n * 8) / (Math.max(best, 1e-3) / 1000);
  } finally {
    native().release(id);
  }
}
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

  async choose(o: { dataset: string; totalBytes: number; signature: string; memoryLimit: number | null; opCost?: number }): Promise<AutoChoice> {
    this.profile ??= this.store ? this.store.machine(this.machine.id) : Promise.resolve(null);
    const m = await this.profile;
    const remembered = m?.jobs[o.signature];
    if (remembered && remembered.dataset === o.dataset && (o.memoryLimit === null || remembered.chunkBytes * 3 * this.workers <= o.memoryLimit)) {
      return { bytes: remembered.chunkBytes, reason: `the recommendation of this job's profile on this machine (${new Date(remembered.measuredAt).toISOString().slice(0, 10)})` };
    }
    const c = m?.overheadPerTaskMs ?? null, r = m?.bytesPerWorkerS ?? null;
    let estimate = '';
    let rate = r;
    if (rate === null) {
      let read = m?.readBytesPerS;
      if (!read) {
        read = probeReadBandwidth();
        await this.store?.rememberBandwidth(this.machine, read).catch(() => undefined); // a read-only data folder: probe again next time
      }
      const cost = o.opCost ?? 1;
      rate = read / cost;
      estimate = ` (estimated: ${formatBytes(read)}/s read bandwidth / ${cost.toFixed(1)} for the job's operations, until a profile measures it)`;
    }
    const bytes = modelChunkBytes({ totalBytes: o.totalBytes, workers: this.workers, memoryLimit: o.memoryLimit, overheadPerTaskMs: c ?? DEFAULT_OVERHEAD_PER_TASK_MS, bytesPerWorkerS: rate });
    const overhead = `${((c ?? DEFAULT_OVERHEAD_PER_TASK_MS) * 1000).toFixed(0)} us overhead per task ${c === null ? '(default until a profile measures it)' : '(measured)'}`;
    return { bytes, reason: `the chunk model: ${overhead}, ${formatBytes(rate)}/s per worker${estimate || ' (measured)'}, ${this.workers} workers` };
  }
}

/** The job spec's "auto" chooser for a machine, its profiles and a run's workers and memory limit. */
export function autoChunkChooser(chunker: AutoChunker, memoryLimit: number | null): AutoChunkChooser {
  return ({ dataset, totalBytes, spec }) => chunker.choose({ dataset, totalBytes, signature: jobSignature(spec), memoryLimit, opCost: opCost(spec) });
}

/** "auto" for the run path (run/run-spec.ts): a chooser per run, for the backend that runs it. */
export function autoChunksFrom(store: ProfileStore | null): AutoChunksFor {
  return (backend, memoryLimit) => autoChunkChooser(new AutoChunker(store, machineInfo(backend.simd), backend.workers), memoryLimit);
}
