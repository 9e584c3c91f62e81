/**
 * The state of the current job, fed by API events. Task records are kept in flat typed arrays (not
 * objects) so the timeline can hold 10^5 tasks and redraw them cheaply.
 */
import { reactive, shallowRef } from 'vue';
import type { ApiError, ApiEvent, EventData, OutputEvent, Result } from '../src-main/api/contract';

export interface TaskColumns {
  count: number;
  start: Float64Array;
  stop: Float64Array;
  worker: Int32Array;
  layer: Int32Array;
  keys: string[];
}

function emptyColumns(capacity = 1024): TaskColumns {
  return { count: 0, start: new Float64Array(capacity), stop: new Float64Array(capacity), worker: new Int32Array(capacity), layer: new Int32Array(capacity), keys: [] };
}

export const job = reactive({
  id: '' as string,
  state: 'idle' as 'idle' | 'running' | 'done' | 'failed' | 'cancelled',
  progress: { done: 0, total: 0, running: 0, elapsed: 0 },
  layerProgress: {} as Record<string, { done: number; running: number; total: number }>,
  layers: [] as EventData<'job.started'>['layers'],
  outputs: [] as OutputEvent[],
  stats: {} as Record<string, number>,
  error: null as ApiError | null,
  memory: [] as { t: number; storeBytes: number; rssBytes: number; limitBytes: number | null }[],
  layerNames: [] as string[],
  version: 0, // bumps when task columns change (they are not deeply reactive)
});

export const tasks = shallowRef<TaskColumns>(emptyColumns());

export function resetJob(id: string): void {
  Object.assign(job, { id, state: 'running', progress: { done: 0, total: 0, running: 0, elapsed: 0 }, layerProgress: {}, layers: [], outputs: [], stats: {}, error: null, memory: [], layerNames: [] });
  tasks.value = emptyColumns();
  job.version++;
}

function addRecords(records: EventData<'job.tasks'>['records']): void {
  let c = tasks.value;
  if (c.count + records.length > c.start.length) {
    const cap = Math.max(c.start.length * 2, c.count + records.length);
    const grown = emptyColumns(cap);
    grown.start.set(c.start.subarray(0, c.count));
    grown.stop.set(c.stop.subarray(0, c.count));
    grown.worker.set(c.worker.subarray(0, c.count));
    grown.layer.set(c.layer.subarray(0, c.count));
    grown.keys = c.keys;
    grown.count = c.count;
    c = grown;
  }
  for (const r of records) {
    let li = job.layerNames.indexOf(r.layer);
    if (li < 0) { li = job.layerNames.length; job.layerNames.push(r.layer); }
    const i = c.count++;
    c.start[i] = r.start;
    c.stop[i] = r.stop;
    c.worker[i] = r.worker;
    c.layer[i] = li;
    c.keys.push(r.key);
  }
  tasks.value = c;
  job.version++;
}

/** Shows a finished job from the history: its results or error, stats and task stream. */
export function showJob(j: Result<'getJob'>): void {
  resetJob(j.jobId);
  job.state = j.state;
  job.outputs = j.outputs as OutputEvent[];
  job.stats = j.stats;
  job.error = j.error;
  job.progress = { done: j.records.length, total: j.records.length, running: 0, elapsed: j.stats.wall_s ?? 0 };
  addRecords(j.records as EventData<'job.tasks'>['records']);
}

export function applyEvent(e: ApiEvent): void {
  if (e.data.jobId !== job.id) return;
  switch (e.event) {
    case 'job.started': job.layers = e.data.layers; job.progress.total = e.data.tasks; break;
    case 'job.progress':
      job.progress = { done: e.data.done, total: e.data.total, running: e.data.running, elapsed: e.data.elapsed };
      job.layerProgress = e.data.layers;
      break;
    case 'job.tasks': addRecords(e.data.records); break;
    case 'job.memory': job.memory.push({ t: e.data.t, storeBytes: e.data.storeBytes, rssBytes: e.data.rssBytes, limitBytes: e.data.limitBytes }); break;
    case 'job.done': job.outputs = e.data.outputs; job.stats = e.data.stats; job.state = 'done'; break;
    case 'job.failed': job.error = e.data.error; job.state = e.data.error.code === 'CANCELLED' ? 'cancelled' : 'failed'; break;
  }
}
