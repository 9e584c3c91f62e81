/**
 * The state of the current job, fed by API events. Task records are kept in flat typed arrays (not
 * objects) so the timeline can hold 10^5 tasks and redraw them cheaply; chunk states are one byte
 * per chunk per layer, for the same reason.
 */
import { reactive, shallowRef } from 'vue';
import type { ApiError, ApiEvent, EventData, OutputEvent, Result, TaskRecordEvent } from '../src-main/api/contract';
import { recordsToBatch, splitKey } from '../src-main/api/task-batch';

export interface TaskColumns {
  count: number;
  start: Float64Array;
  stop: Float64Array;
  worker: Int32Array;
  layer: Int32Array;
  bytesOut: Float64Array;
  /** Chunk index text per task: its key is `${layerNames[layer]}:${index}`. */
  index: string[];
}

function emptyColumns(capacity = 1024): TaskColumns {
  return { count: 0, start: new Float64Array(capacity), stop: new Float64Array(capacity), worker: new Int32Array(capacity), layer: new Int32Array(capacity), bytesOut: new Float64Array(capacity), index: [] };
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

/** The C-order chunk number of a chunk index text ("i,j") in a layer's grid; -1 if outside. */
function chunkAt(layer: ChunkLayer, index: string): number {
  let at = 0;
  if (layer.counts.length === 1) at = Number(index);
  else if (index) {
    const parts = index.split(',');
    for (let d = 0; d < layer.counts.length; d++) at = at * layer.counts[d] + Number(parts[d] ?? 0);
  }
  return at >= 0 && at < layer.states.length ? at : -1;
}

function setChunk(layer: ChunkLayer | undefined, index: string, state: ChunkState, bytes?: number): void {
  if (!layer) return;
  const at = chunkAt(layer, index);
  if (at < 0) return;
  // States only move forward (a late "started" never hides a finished chunk).
  if (state > layer.states[at] || state === ChunkState.Failed) layer.states[at] = state;
  if (bytes !== undefined) layer.bytes[at] = bytes;
}

export const tasks = shallowRef<TaskColumns>(emptyColumns());
const layerIndex = new Map<string, number>();

export function resetJob(id: string): void {
  Object.assign(job, { id, state: 'running', progress: { done: 0, total: 0, running: 0, elapsed: 0 }, layerProgress: {}, layers: [], outputs: [], stats: {}, error: null, memory: [], layerNames: [], graph: null });
  tasks.value = emptyColumns();
  layerIndex.clear();
  chunkLayers.clear();
  pendingProgress = null;
  pendingMemory = [];
  flushUi();
}

/** Appends a batch of finished tasks (the 'job.tasks' columns) to the task columns. */
function addTasks(b: Omit<EventData<'job.tasks'>, 'jobId'>): void {
  let c = tasks.value;
  const n = b.layer.length;
  if (c.count + n > c.start.length) {
    const grown = emptyColumns(Math.max(c.start.length * 2, c.count + n));
    grown.start.set(c.start.subarray(0, c.count));
    grown.stop.set(c.stop.subarray(0, c.count));
    grown.worker.set(c.worker.subarray(0, c.count));
    grown.layer.set(c.layer.subarray(0, c.count));
    grown.bytesOut.set(c.bytesOut.subarray(0, c.count));
    grown.index = c.index;
    grown.count = c.count;
    c = grown;
  }
  // The batch's layer table mapped once to the job's layer numbers and chunk grids.
  const local = b.layers.map((name) => {
    let li = layerIndex.get(name);
    if (li === undefined) { li = job.layerNames.length; layerIndex.set(name, li); job.layerNames.push(name); }
    return { li, grid: chunkLayers.get(name) };
  });
  for (let k = 0; k < n; k++) {
    const { li, grid } = local[b.layer[k]];
    const i = c.count++;
    c.start[i] = b.t0 + b.start[k];
    c.stop[i] = b.t0 + b.stop[k];
    c.worker[i] = b.worker[k];
    c.layer[i] = li;
    c.bytesOut[i] = b.bytesOut[k];
    c.index.push(b.index[k]);
    setChunk(grid, b.index[k], ChunkState.InMemory, b.bytesOut[k]);
  }
  tasks.value = c;
  touch();
}

function setChunks(byLayer: Record<string, string[]>, state: ChunkState): void {
  for (const [name, indices] of Object.entries(byLayer)) {
    const grid = chunkLayers.get(name);
    if (grid) for (const index of indices) setChunk(grid, index, state);
  }
}

/**
 * While a job runs, events only update plain data (typed columns, chunk states, buffers); the
 * panels see it at most every UI_INTERVAL_MS (twice a second), when the versions they watch are
 * bumped, and canvases off screen are not redrawn. At 10^5 tasks the window otherwise re-rendered
 * and redrew 20 times a second and took a core from the job's workers (bench/window.mjs). Start
 * and end are shown at once.
 */
export const UI_INTERVAL_MS = 500;
let uiTimer: ReturnType<typeof setTimeout> | null = null;
let pendingProgress: EventData<'job.progress'> | null = null;
let pendingMemory: (typeof job.memory)[number][] = [];

function touch(): void {
  if (!uiTimer) uiTimer = setTimeout(flushUi, UI_INTERVAL_MS);
}

function flushUi(): void {
  if (uiTimer) clearTimeout(uiTimer);
  uiTimer = null;
  const p = pendingProgress;
  if (p) {
    job.progress = { done: p.done, total: p.total, running: p.running, elapsed: p.elapsed };
    job.layerProgress = p.layers;
    pendingProgress = null;
  }
  if (pendingMemory.length) {
    job.memory.push(...pendingMemory);
    pendingMemory = [];
  }
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
  const batch = recordsToBatch(j.records as TaskRecordEvent[]);
  if (batch) addTasks(batch);
  flushUi();
}

export function applyEvent(e: ApiEvent): void {
  if (e.data.jobId !== job.id) return;
  switch (e.event) {
    case 'job.started':
      job.layers = e.data.layers;
      job.graph = e.data.graph ?? null;
      job.progress.total = e.data.tasks;
      buildChunkLayers(e.data.layers);
      flushUi();
      break;
    case 'job.chunks':
      setChunks(e.data.started, ChunkState.Running);
      setChunks(e.data.released, ChunkState.Released);
      touch();
      break;
    case 'job.progress': pendingProgress = e.data; touch(); break;
    case 'job.tasks': addTasks(e.data); break;
    case 'job.memory':
      pendingMemory.push(...e.data.samples);
      touch();
      break;
    case 'job.done':
      flushUi();
      job.outputs = e.data.outputs; job.stats = e.data.stats; job.state = 'done';
      break;
    case 'job.failed':
      if (e.data.error.task) {
        const [layer, index] = splitKey(e.data.error.task);
        setChunk(chunkLayers.get(layer), index, ChunkState.Failed);
      }
      flushUi();
      job.error = e.data.error;
      job.state = e.data.error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      break;
  }
}
