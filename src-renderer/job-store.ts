/**
 * The state of the current job, fed by API events. Task records are kept in flat typed arrays (not
 * objects) so the timeline can hold 10^5 tasks and redraw them cheaply; chunk states are one byte
 * per chunk per layer, for the same reason.
 */
import { reactive, shallowRef } from 'vue';
import type { ApiError, ApiEvent, EventData, OutputEvent, Result, TaskRecordEvent } from '../src-main/api/contract';
import { addTaskTimes, emptyTaskTimes } from './time-left';
import { diskLayerEntries, isDiskLayer } from '../src-main/api/disk-layers';
import { ChunkState, chunkIndex, chunkNumber, parseIndex, recordsToColumns, splitKey, type ChunkStateBatch, type TaskColumnsBatch } from '../src-main/api/task-columns';

export { ChunkState };

export interface TaskColumns {
  count: number;
  start: Float64Array;
  stop: Float64Array;
  worker: Int32Array;
  /** The task's layer: its position in job.layers. */
  layer: Int32Array;
  bytesOut: Float64Array;
  /** The task's chunk number in its layer's index shape (see taskKey). */
  chunk: Int32Array;
}

function emptyColumns(capacity = 1024): TaskColumns {
  return { count: 0, start: new Float64Array(capacity), stop: new Float64Array(capacity), worker: new Int32Array(capacity), layer: new Int32Array(capacity), bytesOut: new Float64Array(capacity), chunk: new Int32Array(capacity) };
}

export const job = reactive({
  id: '' as string,
  state: 'idle' as 'idle' | 'running' | 'done' | 'failed' | 'cancelled',
  progress: { done: 0, total: 0, running: 0, elapsed: 0 },
  layerProgress: {} as Record<string, { done: number; running: number; total: number }>,
  /** The job's layers; a task's layer number is a position in this list. */
  layers: [] as EventData<'job.started'>['layers'],
  outputs: [] as OutputEvent[],
  stats: {} as Record<string, number>,
  error: null as ApiError | null,
  memory: [] as { t: number; storeBytes: number; rssBytes: number; mappedBytes?: number; perWorker: number[]; limitBytes: number | null; spilledBytes?: number }[],
  graph: null as EventData<'job.started'>['graph'] | null,
  warnings: [] as string[],
  /** The worker threads the job runs on (from job.started; 0 until then). */
  workers: 0,
  /** The Dask cluster the job runs on (from job.started), or null for this machine. */
  cluster: null as EventData<'job.started'>['cluster'] | null,
  /** Bytes the store held for arrays kept by earlier jobs when this one started (from job.started). */
  keptBytes: 0,
  /** The lanes' names where they are not "worker N" (a cluster's threads, from job.lanes). */
  laneNames: [] as string[],
  /** The lane a spilling job's disk work is drawn on (after the workers'), or -1. */
  diskLane: -1,
  version: 0, // bumps when task columns change (they are not deeply reactive)
  chunkVersion: 0, // bumps when chunk states change
});

/** Per layer with a chunk grid: its grid, chunk counts per dimension, and one state per chunk. */
export interface ChunkLayer { name: string; grid: number[][]; counts: number[]; itemsize: number; states: Uint8Array; bytes: Float64Array }
export const chunkLayers = new Map<string, ChunkLayer>();
/** By layer number: the chunk grid a task's chunk number lands in, and whether its index shape is that grid's. */
let chunkLayerAt: ({ layer: ChunkLayer; sameShape: boolean; indexShape: number[] } | null)[] = [];

function useLayers(layers: EventData<'job.started'>['layers']): void {
  job.layers = layers;
  chunkLayers.clear();
  chunkLayerAt = layers.map(chunkLayerOf);
}

/** Layers after those the job started with (job.layers: its spills), keeping what was received. */
function addLayers(layers: EventData<'job.layers'>['layers']): void {
  job.layers = [...job.layers, ...layers];
  chunkLayerAt.push(...layers.map(chunkLayerOf));
}

/** A layer's chunk grid (registered in chunkLayers), or null for a layer without one. */
function chunkLayerOf(l: EventData<'job.started'>['layers'][number]): (typeof chunkLayerAt)[number] {
  if (!l.grid) return null;
  const counts = l.grid.map((g) => g.length);
  const n = counts.reduce((a, b) => a * b, 1);
  const layer = { name: l.name, grid: l.grid, counts, itemsize: l.itemsize ?? 8, states: new Uint8Array(n), bytes: new Float64Array(n) };
  chunkLayers.set(l.name, layer);
  const indexShape = l.indexShape ?? counts;
  return { layer, indexShape, sameShape: indexShape.length === counts.length && indexShape.every((v, d) => v === counts[d]) };
}

/** A task's key text ("layer:i,j") from its layer and chunk numbers. */
export function taskKey(layer: number, chunk: number): string {
  const l = job.layers[layer];
  return l ? `${l.name}:${chunkIndex(chunk, l.indexShape ?? []).join(',')}` : `?:${chunk}`;
}

function setChunk(layerNo: number, chunk: number, state: ChunkState, bytes?: number): void {
  const c = chunkLayerAt[layerNo];
  if (!c || chunk < 0) return;
  const at = c.sameShape ? chunk : chunkNumber(chunkIndex(chunk, c.indexShape), c.layer.counts);
  if (at < 0 || at >= c.layer.states.length) return;
  const states = c.layer.states;
  // States only move forward (a late "started" never hides a finished chunk).
  if (state > states[at] || state === ChunkState.Failed) states[at] = state;
  if (bytes !== undefined) c.layer.bytes[at] = bytes;
}

/**
 * setChunk over entries from .. to - 1 of Int32 columns: the state per entry from `states`, or
 * `state` for all, and the bytes from `bytes` where given. The columns are always Int32Array /
 * Float64Array (the store's own, or a batch's narrowed columns copied into scratch ones first),
 * so this loop, which runs for every task and chunk change of a job, sees one array type each.
 */
function setChunkRange(layer: Int32Array, chunk: Int32Array, from: number, to: number, state: ChunkState, states: Uint8Array | null, bytes: Float64Array | null): void {
  for (let k = from; k < to; k++) {
    const c = chunkLayerAt[layer[k]];
    const s = states ? (states[k] as ChunkState) : state;
    if (!c || chunk[k] < 0) continue;
    if (!c.sameShape) { setChunk(layer[k], chunk[k], s, bytes ? bytes[k] : undefined); continue; }
    const at = chunk[k], st = c.layer.states;
    if (at >= st.length) continue;
    if (s > st[at] || s === ChunkState.Failed) st[at] = s;
    if (bytes) c.layer.bytes[at] = bytes[k];
  }
}

/** `v` as an Int32Array: itself, or copied into a scratch array kept between calls. */
let scratchInts = [new Int32Array(1024), new Int32Array(1024)];
function asInt32(v: ArrayLike<number> & { length: number }, slot: 0 | 1): Int32Array {
  if (v instanceof Int32Array) return v;
  if (scratchInts[slot].length < v.length) scratchInts[slot] = new Int32Array(Math.max(v.length, 2 * scratchInts[slot].length));
  const out = scratchInts[slot];
  out.set(v as Int32Array);
  return out;
}

export const tasks = shallowRef<TaskColumns>(emptyColumns());
/** Task time per layer over the columns above, kept as they grow (the progress panel's estimate). */
export let taskTimes = emptyTaskTimes();

export function resetJob(id: string): void {
  Object.assign(job, { id, state: 'running', progress: { done: 0, total: 0, running: 0, elapsed: 0 }, layerProgress: {}, outputs: [], stats: {}, error: null, memory: [], graph: null, warnings: [], workers: 0, cluster: null, keptBytes: 0, laneNames: [], diskLane: -1 });
  useLayers([]);
  tasks.value = emptyColumns();
  taskTimes = emptyTaskTimes();
  pendingProgress = null;
  pendingMemory = [];
  flushUi();
}

/** The columns the window keeps, each also a column of a 'job.tasks' batch. */
const COLUMNS = ['start', 'stop', 'worker', 'layer', 'bytesOut', 'chunk'] as const;

/** Appends a batch of finished tasks (the 'job.tasks' columns) to the task columns. */
function addTasks(b: TaskColumnsBatch): void {
  let c = tasks.value;
  const n = b.layer.length;
  if (c.count + n > c.start.length) {
    const grown = emptyColumns(Math.max(c.start.length * 2, c.count + n));
    for (const k of COLUMNS) (grown[k] as Float64Array).set((c[k] as Float64Array).subarray(0, c.count));
    grown.count = c.count;
    c = grown;
  }
  for (const k of COLUMNS) (c[k] as Float64Array).set(b[k] as Float64Array, c.count);
  if (job.diskLane < 0) findDiskLane(c, c.count, c.count + n);
  addTaskTimes(taskTimes, c, c.count, c.count + n);
  setChunkRange(c.layer, c.chunk, c.count, c.count + n, ChunkState.InMemory, null, c.bytesOut);
  c.count += n;
  tasks.value = c;
  touch();
}

/** The lane of the first disk work among tasks from .. to - 1, into job.diskLane (a pass only while a job has disk layers). */
function findDiskLane(c: TaskColumns, from: number, to: number): void {
  const disk = job.layers.flatMap((l, i) => (isDiskLayer(l) ? [i] : []));
  if (!disk.length) return;
  for (let k = from; k < to; k++) if (disk.includes(c.layer[k])) { job.diskLane = c.worker[k]; return; }
}

function setChunks(b: ChunkStateBatch): void {
  setChunkRange(asInt32(b.layer, 0), asInt32(b.chunk, 1), 0, b.layer.length, ChunkState.Waiting, b.state, null);
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
  job.workers = j.stats.workers ?? 0;
  const { batch, layers } = recordsToColumns(j.records as TaskRecordEvent[], j.layers ?? []);
  // Layers the history lacks (or their index shapes) come from the records themselves; the disk
  // work's layers are always among those.
  const disk = new Map(diskLayerEntries(0).map((d) => [d.name, d]));
  useLayers(layers.map((l, i) => ({ ...(j.layers?.[i] ?? disk.get(l.name) ?? { label: l.name, kind: 'map', tasks: 0, deps: [] }), ...l })));
  job.progress = { done: j.records.length, total: j.records.length, running: 0, elapsed: j.stats.wall_s ?? 0 };
  addTasks(batch);
  flushUi();
}

export function applyEvent(e: ApiEvent): void {
  if (e.data.jobId !== job.id) return;
  switch (e.event) {
    case 'job.started':
      useLayers(e.data.layers);
      // Columns for every task at once: grown by doubling, a 10^5-task job reallocated and
      // copied them 7 times while it ran, and left that much garbage.
      if (!tasks.value.count && e.data.tasks > tasks.value.start.length) tasks.value = emptyColumns(e.data.tasks);
      job.graph = e.data.graph ?? null;
      job.warnings = e.data.warnings ?? [];
      job.workers = e.data.workers ?? 0;
      job.cluster = e.data.cluster ?? null;
      job.keptBytes = e.data.keptBytes ?? 0;
      job.progress.total = e.data.tasks;
      flushUi();
      break;
    case 'job.lanes':
      job.laneNames = e.data.names;
      break;
    case 'job.layers':
      addLayers(e.data.layers);
      break;
    case 'job.chunks':
      setChunks(e.data);
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
        const at = job.layers.findIndex((l) => l.name === layer);
        const shape = job.layers[at]?.indexShape ?? [];
        setChunk(at, chunkNumber(parseIndex(index), shape), ChunkState.Failed);
      }
      flushUi();
      job.error = e.data.error;
      job.state = e.data.error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      break;
  }
}
