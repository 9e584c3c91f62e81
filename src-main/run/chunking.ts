/**
 * How a built job's datasets are chunked and why, in the words every host shows: the chunk grid
 * of each dataset, and "auto: SIZE from REASON" for those the "auto" chooser sized or "as the spec
 * gives it" for the rest. The CLI's report and the window's history and report read this.
 */
import { formatBytes } from '../api/format-bytes.js';
import type { BuiltJob } from './job-spec.js';

export interface DatasetChunking {
  dataset: string;
  /** Chunk sizes along each dimension. */
  grid: number[][];
  reason: string;
}

export function describeChunking(job: BuiltJob): DatasetChunking[] {
  const auto = new Map(job.autoChunks.map((c) => [c.dataset, c]));
  return [...job.datasets.entries()].map(([dataset, node]) => {
    const a = auto.get(dataset);
    return { dataset, grid: node.grid, reason: a ? `auto: ${formatBytes(a.bytes)} from ${a.reason}` : 'as the spec gives it' };
  });
}
