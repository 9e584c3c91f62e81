/** Several engine runs of one job (a check, a probe, the job; or arrays then tables) as one result. */
import type { GraphRun } from './engine.js';

/** The runs' task streams and samples joined in order; stats add up (peaks: the larger). */
export function joinRuns(runs: readonly Omit<GraphRun, 'chunks'>[]): Omit<GraphRun, 'chunks'> {
  return {
    records: runs.flatMap((r) => r.records), samples: runs.flatMap((r) => r.samples),
    startedAt: runs[0].startedAt, workers: Math.max(...runs.map((r) => r.workers)),
    stats: {
      tasks: runs.reduce((s, r) => s + r.stats.tasks, 0), wall_s: runs.reduce((s, r) => s + r.stats.wall_s, 0),
      peak_store_bytes: Math.max(...runs.map((r) => r.stats.peak_store_bytes)),
      peak_rss_bytes: Math.max(...runs.map((r) => r.stats.peak_rss_bytes)),
      peak_mapped_bytes: Math.max(...runs.map((r) => r.stats.peak_mapped_bytes)),
      ...(runs.some((r) => r.stats.spilled_bytes) ? { spilled_bytes: runs.reduce((s, r) => s + (r.stats.spilled_bytes ?? 0), 0) } : {}),
      ...(runs.some((r) => r.stats.workers_start_s) ? { workers_start_s: runs.reduce((s, r) => s + (r.stats.workers_start_s ?? 0), 0) } : {}),
    },
  };
}
