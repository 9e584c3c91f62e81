/**
 * What one run of a job did with its workers, from its task records: over the job's wall time
 * times the worker count, the share spent computing (inside tasks), the share lost to scheduling
 * overhead (a worker idle while a task was ready to run, plus planning before the first task),
 * and the share idle for want of work (no task ready: waiting on dependencies, the tail of the
 * job, or fewer chunks than workers). The three shares sum to 1 by construction.
 */
import type { MemorySample, TaskRecord } from '../engine/events.js';

export interface RunInput {
  records: readonly TaskRecord[];
  samples: readonly MemorySample[];
  wallS: number;
  startedAt: number;   // epoch ms, the records' clock
  workers: number;
  peakStoreBytes: number;
}

export interface RunMetrics {
  wallS: number;
  tasks: number;
  /** Mean time inside a task (ms), from the records. */
  taskMs: number;
  computeShare: number;
  overheadShare: number;
  idleShare: number;
  peakManagedBytes: number;
  peakUnmanagedBytes: number;
  bytesRead: number;
}

export function runMetrics(input: RunInput): RunMetrics {
  // Spills and reads back (the scheduler's, on a lane of their own) are not the job's tasks.
  const r = input.records.some((x) => x.kind === 'spill' || x.kind === 'unspill') ? { ...input, records: input.records.filter((x) => x.kind !== 'spill' && x.kind !== 'unspill') } : input;
  const end = r.startedAt + r.wallS * 1000;
  const capacity = r.workers * r.wallS * 1000; // worker-milliseconds
  // Sweep over ready / start / stop events: between two events the number of busy workers (B) and
  // of tasks ready but not started (W) are constant; idle workers max(0, workers - B) are
  // "overhead" up to W of them, "idle" beyond.
  const n = r.records.length;
  const times = new Float64Array(3 * n);
  const deltas = new Int8Array(3 * n); // 0: ready (+W), 1: start (-W, +B), 2: stop (-B)
  let k = 0;
  let busy = 0;
  for (const rec of r.records) {
    const clamp = (t: number) => Math.min(end, Math.max(r.startedAt, t));
    times[k] = clamp(Math.min(rec.ready, rec.start)); deltas[k++] = 0;
    times[k] = clamp(rec.start); deltas[k++] = 1;
    times[k] = clamp(rec.stop); deltas[k++] = 2;
    busy += clamp(rec.stop) - clamp(rec.start);
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => times[a] - times[b] || deltas[b] - deltas[a]);
  let overhead = 0, t = r.startedAt, B = 0, W = 0;
  for (const i of order) {
    const dt = times[i] - t;
    if (dt > 0) overhead += Math.min(Math.max(0, r.workers - B), W) * dt;
    t = times[i];
    if (deltas[i] === 0) W++;
    else if (deltas[i] === 1) { W--; B++; }
    else B--;
  }
  // Planning before the first task became ready: every worker waits on the scheduler.
  let firstReady = end;
  for (const x of r.records) firstReady = Math.min(firstReady, x.ready, x.start);
  overhead += r.workers * Math.max(0, Math.min(end, firstReady) - r.startedAt);
  const computeShare = capacity > 0 ? Math.min(1, busy / capacity) : 0;
  const overheadShare = capacity > 0 ? Math.min(1 - computeShare, overhead / capacity) : 0;
  let peakUnmanaged = 0;
  for (const s of r.samples) peakUnmanaged = Math.max(peakUnmanaged, s.rssBytes - s.storeBytes - (s.mappedBytes ?? 0));
  return {
    wallS: r.wallS,
    tasks: n,
    taskMs: n ? r.records.reduce((a, x) => a + (x.stop - x.start), 0) / n : 0,
    computeShare,
    overheadShare,
    idleShare: 1 - computeShare - overheadShare,
    peakManagedBytes: r.peakStoreBytes,
    peakUnmanagedBytes: peakUnmanaged,
    bytesRead: r.records.reduce((a, x) => a + x.bytesIn, 0),
  };
}
