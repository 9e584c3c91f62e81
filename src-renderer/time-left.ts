/**
 * How long a running job has left, from what its tasks took so far: each layer's remaining tasks
 * at that layer's mean task time (a layer with none done yet at the mean of all done tasks), over
 * the workers. Extrapolating the elapsed time by the share of tasks done misleads whenever layers
 * differ (a job of a few long reads and many quick combines said ~30 s at 2.5 s into a 9.3 s job).
 * Pure: the progress panel calls it with the job store's state.
 */
export interface LayerCounts { name: string; tasks: number }

export function timeLeft(
  layers: readonly LayerCounts[],
  done: Readonly<Record<string, { done: number }>>,
  tasks: { count: number; start: Float64Array; stop: Float64Array; layer: Int32Array },
  workers: number,
): number | null {
  if (!tasks.count || workers < 1) return null;
  const ms = new Float64Array(layers.length), n = new Float64Array(layers.length);
  let all = 0;
  for (let i = 0; i < tasks.count; i++) {
    const d = tasks.stop[i] - tasks.start[i];
    ms[tasks.layer[i]] += d;
    n[tasks.layer[i]]++;
    all += d;
  }
  const mean = all / tasks.count;
  let work = 0, longest = 0;
  layers.forEach((l, i) => {
    const left = Math.max(0, l.tasks - (done[l.name]?.done ?? 0));
    const each = n[i] ? ms[i] / n[i] : mean;
    work += left * each;
    if (left) longest = Math.max(longest, each);
  });
  // Never less than one task of the slowest layer left: two 10 s tasks on 8 workers take 10 s, not 2.5.
  return Math.max(work / workers, longest) / 1000;
}
