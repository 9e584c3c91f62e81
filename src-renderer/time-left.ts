/**
 * How long a running job has left, from what its tasks took so far: each layer's remaining tasks
 * at that layer's mean task time (a layer with none done yet at the mean of all done tasks), over
 * the workers. Extrapolating the elapsed time by the share of tasks done misleads whenever layers
 * differ (a job of a few long reads and many quick combines said ~30 s at 2.5 s into a 9.3 s job).
 * Pure: the job store keeps the task times per layer as batches arrive (addTaskTimes), so the
 * progress panel's estimate costs per layer, not per task (at 10^5 tasks, a pass over every task
 * at each refresh was the page's biggest script while a job ran).
 */
import { isDiskLayer } from '../src-main/api/disk-layers';

export interface LayerCounts { name: string; tasks: number; kind?: string }

/** Task time summed per layer number (ms) and tasks counted per layer, over all tasks seen. */
export interface TaskTimes { ms: number[]; n: number[]; all: number; count: number }

export const emptyTaskTimes = (): TaskTimes => ({ ms: [], n: [], all: 0, count: 0 });

/** Adds tasks `from` .. `to` - 1 of the columns to `times`. */
export function addTaskTimes(times: TaskTimes, tasks: { start: ArrayLike<number>; stop: ArrayLike<number>; layer: ArrayLike<number> }, from: number, to: number): void {
  const { ms, n } = times;
  let all = 0;
  for (let i = from; i < to; i++) {
    const d = tasks.stop[i] - tasks.start[i];
    const l = tasks.layer[i];
    while (ms.length <= l) { ms.push(0); n.push(0); }
    ms[l] += d;
    n[l]++;
    all += d;
  }
  times.all += all;
  times.count += Math.max(0, to - from);
}

/** The estimate in seconds from per-layer task times; null before a task is done. */
export function timeLeftFrom(layers: readonly LayerCounts[], done: Readonly<Record<string, { done: number }>>, times: TaskTimes, workers: number): number | null {
  if (!times.count || workers < 1) return null;
  // A spilling job's disk work (api/disk-layers.ts) is no layer's tasks: not in the mean task.
  let all = times.all, count = times.count;
  layers.forEach((l, i) => { if (isDiskLayer(l) && times.n[i]) { all -= times.ms[i]; count -= times.n[i]; } });
  const mean = count ? all / count : 0;
  let work = 0, longest = 0;
  layers.forEach((l, i) => {
    const left = Math.max(0, l.tasks - (done[l.name]?.done ?? 0));
    const each = times.n[i] ? times.ms[i] / times.n[i] : mean;
    work += left * each;
    if (left) longest = Math.max(longest, each);
  });
  // Never less than one task of the slowest layer left: two 10 s tasks on 8 workers take 10 s, not 2.5.
  return Math.max(work / workers, longest) / 1000;
}

/** The same estimate from task columns, summed here. */
export function timeLeft(
  layers: readonly LayerCounts[],
  done: Readonly<Record<string, { done: number }>>,
  tasks: { count: number; start: Float64Array; stop: Float64Array; layer: Int32Array },
  workers: number,
): number | null {
  const times = emptyTaskTimes();
  addTaskTimes(times, tasks, 0, tasks.count);
  return timeLeftFrom(layers, done, times, workers);
}
