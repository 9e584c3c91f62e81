/**
 * The state of the current job, fed by API events. Task records are kept in flat typed arrays (not
 * objects) so the timeline can hold 10^5 tasks and redraw them cheaply; chunk states are one byte
 * per chunk per layer, for the same reason.
 */
import { reactive, shallowRef } from 'vue';
import type { ApiError, ApiEvent, EventData, OutputEvent, Result } from '../src-main/api/contract';

export interface TaskColumns {
  count: number;
  start: Float64Array;
  stop: Float64Array;
  worker: Int32Array;
  layer: Int32Array;
  bytesOut: Float64Array;
  keys: string[];
}

function emptyColumns(capacity = 1024): TaskColumns {
  return { count: 0, start: new Float64Array(capacity), stop: new Float64Array(capacity), worker: new Int32Array(capacity), layer: new Int32Array(capacity), bytesOut: new Float64Array(capacity), keys: [] };
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
  memory: [] as { t: number; storeBytes: number; rssBytes: number; perWorker: number[]; limitBytes: number | null }[],
  layerNames: [] as string[],
  graph: null as EventData<'job.started'>['graph'] | null,
  version: 0, // bumps when task columns change (they are not deeply reactive)
  chunkVersion: 0, // bumps when chunk states change
});

/** A chunk's state in the layout: what the scheduler last said about the task that makes it. */
export const ChunkState = { Waiting: 0, Running: 1, InMemory: 2, Released: 3, Failed: 4 } as const;
export type ChunkState = (typeof ChunkState)[keyof typeof ChunkState];

/** Per layer with a chunk grid: its grid, chunk counts per dimension, and one state per chunk. */
export interface ChunkLayer { name: string; grid: number[][]; counts: number[]; itemsize: number; states: Uint8Array; bytes: Float64Array }
export const chunkLayers = new Map<string, ChunkLayer>();

function buildChunkLayers(layers: EventData<'job.started'>['layers']): void {
  chunkLayers.clear();
  for (const l of layers) {
    if (!l.grid) continue;
    const counts = l.grid.map((g) => g.length);
    const n = counts.reduce((a, b) => a * b, 1);
    chunkLayers.set(l.name, { name: l.name, grid: l.grid, counts, itemsize: l.itemsize ?? 8, states: new Uint8Array(n), bytes: new Float64Array(n) });
  }
}

/** The layer and C-order chunk number of a task key ("layer:i,j"), if its layer has a grid. */
function chunkOf(key: string): { layer: ChunkLayer; at: number } | null {
  const colon = key.lastIndexOf(':');
  const layer = chunkLayers.get(key.slice(0, colon));
  if (!layer) return null;
  const idx = key.slice(colon + 1);
  let at = 0;
  if (idx) {
    const parts = idx.split(',');
    for (let d = 0; d < layer.counts.length; d++) at = at * layer.counts[d] + Number(parts[d] ?? 0);
  }
  return at < layer.states.length ? { layer, at } : null;
}

function setChunk(key: string, state: ChunkState, bytes?: number): void {
  const c = chunkOf(key);
  if (!c) return;
  // States only move forward (a late "started" never hides a finished chunk).
  if (state > c.layer.states[c.at] || state === ChunkState.Failed) c.layer.states[c.at] = state;
  if (bytes !== undefined) c.layer.bytes[c.at] = bytes;
}

export const tasks = shallowRef<TaskColumns>(emptyColumns());

export function resetJob(id: string): void {
  Object.assign(job, { id, state: 'running', progress: { done: 0, total: 0, running: 0, elapsed: 0 }, layerProgress: {}, layers: [], outputs: [], stats: {}, error: null, memory: [], layerNames: [], graph: null });
  tasks.value = emptyColumns();
  chunkLayers.clear();
  job.version++;
  job.chunkVersion++;
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
    grown.bytesOut.set(c.bytesOut.subarray(0, c.count));
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
    c.bytesOut[i] = r.bytesOut;
    setChunk(r.key, ChunkState.InMemory, r.bytesOut);
  }
  tasks.value = c;
  job.version++;
  job.chunkVersion++;
}

/** Shows a finished job from the history: its results or error, stats and task stream. */
export function showJob(j: Result<'getJob'>): void {
  resetJob(j.jobId);
  job.state = j.state;
  job.outputs = j.outputs as OutputEvent[];
  job.stats = j.stats;
  job.error = j.error;
  job.layers = j.layers ?? [];
  buildChunkLayers(job.layers);
  job.progress = { done: j.records.length, total: j.records.length, running: 0, elapsed: j.stats.wall_s ?? 0 };
  addRecords(j.records as EventData<'job.tasks'>['records']);
}

export function applyEvent(e: ApiEvent): void {
  if (e.data.jobId !== job.id) return;
  switch (e.event) {
    case 'job.started':
      job.layers = e.data.layers;
      job.graph = e.data.graph ?? null;
      job.progress.total = e.data.tasks;
      buildChunkLayers(e.data.layers);
      job.chunkVersion++;
      break;
    case 'job.chunks':
      for (const k of e.data.started) setChunk(k, ChunkState.Running);
      for (const k of e.data.released) setChunk(k, ChunkState.Released);
      job.chunkVersion++;
      break;
    case 'job.progress':
      job.progress = { done: e.data.done, total: e.data.total, running: e.data.running, elapsed: e.data.elapsed };
      job.layerProgress = e.data.layers;
      break;
    case 'job.tasks': addRecords(e.data.records); break;
    case 'job.memory': job.memory.push({ t: e.data.t, storeBytes: e.data.storeBytes, rssBytes: e.data.rssBytes, perWorker: e.data.perWorker, limitBytes: e.data.limitBytes }); break;
    case 'job.done': job.outputs = e.data.outputs; job.stats = e.data.stats; job.state = 'done'; break;
    case 'job.failed':
      job.error = e.data.error;
      job.state = e.data.error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      if (e.data.error.task) { setChunk(e.data.error.task, ChunkState.Failed); job.chunkVersion++; }
      break;
  }
}
