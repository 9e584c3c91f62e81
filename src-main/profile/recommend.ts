/**
 * From measured sweep points to advice in words. The recommended chunking is, among those within
 * the noise of the fastest (a median within 5% of its median, or within the range of its runs),
 * the one with the smallest peak memory, managed plus unmanaged (a faster chunking is not
 * worth more memory for less than noise, and picking the fastest of several ties made the advice
 * flip between runs; mapped file pages and buffers show up as unmanaged), skipping chunkings whose
 * managed peak is over the memory limit, or with fewer chunks than workers, while another
 * qualifies; the sentence says when it chose among ties. The advice names the chunking as the job
 * spec and the window's Chunks field take it, a chunk's size per dimension ("use chunks of
 * (2500, 400)"), with its elements and bytes: a bare element count typed there meant that size
 * per dimension. The slow ends are explained by what was measured there: scheduling overhead,
 * idle workers or memory.
 */
import { formatBytes } from '../api/format-bytes.js';
import { formatCount } from '../api/format-count.js';
import type { RunMetrics } from './run-metrics.js';

export { formatCount };

export interface SweepPoint {
  value: number;
  /** A chunk's size per dimension at this value (what the spec's "chunks" takes). */
  chunkShape: number[];
  chunkBytes: number;
  chunks: number;
  runs: RunMetrics[];
  /** The run with the median wall time (its shares and memory are what the point shows). */
  median: RunMetrics;
  wall: { median: number; min: number; max: number };
}

export interface Advice {
  best: number;
  recommended: number;
  /** The recommended chunking as the spec's "chunks" for the dataset: a chunk's size per dimension. */
  recommendedChunks: number[];
  recommendation: string;
  explanations: string[];
  warnings: string[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * `dataset` names what is chunked in the sentences: "x in chunks of 1e5 spends ...".
 */
export function advise(points: readonly SweepPoint[], workers: number, memoryLimit: number | null, dataset = 'the data'): Advice {
  const at = (v: number) => `${dataset} in chunks of ${formatCount(v)}`;
  if (!points.length) throw new Error('advise: no points');
  const fastest = points.reduce((a, b) => (b.wall.median < a.wall.median ? b : a));
  const fits = (p: SweepPoint) => memoryLimit === null || p.median.peakManagedBytes <= memoryLimit;
  const busy = (p: SweepPoint) => p.chunks >= workers;
  const near = points.filter((p) => p.wall.median <= Math.max(fastest.wall.median * 1.05, fastest.wall.max));
  const pool = [near.filter((p) => fits(p) && busy(p)), near.filter(fits), near].find((l) => l.length)!;
  const peak = (p: SweepPoint) => p.median.peakManagedBytes + p.median.peakUnmanagedBytes;
  const rec = pool.reduce((a, b) => (peak(b) < peak(a) || (peak(b) === peak(a) && b.wall.median < a.wall.median) ? b : a));

  const explanations: string[] = [];
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const small = sorted[0], large = sorted[sorted.length - 1];
  const faster = (p: SweepPoint) => (p.wall.median / rec.wall.median).toFixed(1);
  let lead = '';
  if (small !== rec) {
    const cause = small.median.overheadShare >= small.median.idleShare
      ? `spends ${pct(small.median.overheadShare)} of worker time on scheduling overhead (${small.median.tasks} tasks of ${small.median.taskMs.toFixed(2)} ms)`
      : `leaves workers idle ${pct(small.median.idleShare)} of the time (${small.median.tasks} tasks of ${small.median.taskMs.toFixed(2)} ms)`;
    lead = `${at(small.value)} ${cause}`; // said in the recommendation, so not again below it
  }
  if (large !== rec) {
    const causes: string[] = [];
    const slower = large.wall.median > rec.wall.median * 1.05 ? ` (${faster(large)}x slower)` : '';
    if (large.chunks < workers) causes.push(`makes ${large.chunks} chunk${large.chunks === 1 ? '' : 's'} for ${workers} workers, so workers sit idle ${pct(large.median.idleShare)} of the time`);
    else if (large.median.idleShare > 0.15) causes.push(`leaves workers idle ${pct(large.median.idleShare)} of the time (too few chunks to share out evenly; the last ones run alone)`);
    if (peak(large) > peak(rec) * 1.5) causes.push(`peaks at ${formatBytes(peak(large))} of memory against ${formatBytes(peak(rec))}`);
    if (!causes.length) causes.push(`takes ${faster(large)}x as long (${pct(large.median.computeShare)} of worker time computing)`);
    explanations.push(`${at(large.value)}${slower} ${causes.join(' and ')}.`);
  }
  const warnings: string[] = [];
  for (const p of sorted) {
    if (memoryLimit !== null && p.median.peakManagedBytes > memoryLimit) warnings.push(`${at(p.value)} peaks at ${formatBytes(p.median.peakManagedBytes)}, over the memory limit of ${formatBytes(memoryLimit)}.`);
    if (p.chunks < workers) warnings.push(`${at(p.value)} gives ${p.chunks} chunk${p.chunks === 1 ? '' : 's'} for ${workers} workers: ${workers - p.chunks} worker${workers - p.chunks === 1 ? '' : 's'} would have nothing to do.`);
  }
  const ties = pool.length > 1 ? `, the least of the ${pool.length} chunkings within the noise of the fastest (${pool.map((p) => formatCount(p.value)).join(', ')})` : '';
  const use = `use chunks of (${rec.chunkShape.join(', ')}) for ${dataset} (${formatCount(rec.value)} elements, ${formatBytes(rec.chunkBytes)} a chunk)`;
  const recommendation = lead
    ? `${lead}; ${formatCount(rec.value)} is ${faster(small)}x faster and peaks at ${formatBytes(peak(rec))}${ties}; ${use}.`
    : `Chunks of ${formatCount(rec.value)} are ${rec === fastest ? 'the fastest' : `within ${pct(rec.wall.median / fastest.wall.median - 1)} of the fastest (${formatCount(fastest.value)})`} and peak at ${formatBytes(peak(rec))}${ties}; ${use}.`;
  return { best: fastest.value, recommended: rec.value, recommendedChunks: rec.chunkShape, recommendation, explanations, warnings };
}
