/**
 * The task stream's wire format, used by both sides: finished tasks and chunk state changes travel
 * as typed columns ('job.tasks', 'job.chunks' in the contract; one binary frame each, wire.ts), and
 * a chunk is named by its layer number and chunk number - the C-order position of its task index
 * in the layer's `indexShape` - rather than by key text. At 10^5 tasks per job, text keys and JSON
 * numbers were most of what the window cost the job (bench/window.mjs; ADR 0007).
 * Pure code: no Node, no DOM.
 */
import { chunkIndex, chunkNumber, growBox } from './chunk-numbers.js';
import type { EventData, TaskRecordEvent } from './contract.js';

export { chunkIndex, chunkNumber };

export type TaskColumnsBatch = Omit<EventData<'job.tasks'>, 'jobId'>;
export type ChunkStateBatch = Omit<EventData<'job.chunks'>, 'jobId'>;

/** A chunk's state as the window shows it; states only move forward, except to Failed. */
export const ChunkState = { Waiting: 0, Running: 1, InMemory: 2, Released: 3, Failed: 4 } as const;
export type ChunkState = (typeof ChunkState)[keyof typeof ChunkState];

/** Splits a task key ("layer:i,j") into its layer and chunk index text. */
export function splitKey(key: string): [layer: string, index: string] {
  const colon = key.lastIndexOf(':');
  return [key.slice(0, colon), key.slice(colon + 1)];
}

/** The index text of a key ("i,j") as numbers. */
export const parseIndex = (text: string): number[] => (text === '' ? [] : text.split(',').map(Number));

/**
 * Task records (as a job's history keeps them) as one batch of columns over the job's layers.
 * Layers the list lacks, or that lack an `indexShape` (histories from before it), get one from the
 * records' own indices. Returns the batch and the layers with their index shapes.
 */
export function recordsToColumns(records: readonly TaskRecordEvent[], layers: readonly { name: string; indexShape?: number[] }[]): { batch: TaskColumnsBatch; layers: { name: string; indexShape: number[] }[] } {
  const at = new Map<string, number>();
  const out = layers.map((l, i) => (at.set(l.name, i), { name: l.name, indexShape: l.indexShape ?? [] }));
  const known = new Set(layers.filter((l) => l.indexShape).map((l) => l.name));
  const indices = records.map((r) => {
    const [layer, text] = splitKey(r.key);
    if (!at.has(layer)) { at.set(layer, out.length); out.push({ name: layer, indexShape: [] }); }
    const index = parseIndex(text);
    if (!known.has(layer)) growBox(out[at.get(layer)!].indexShape, index);
    return { layer: at.get(layer)!, index };
  });
  const n = records.length;
  const batch: TaskColumnsBatch = {
    layer: new Int32Array(n), chunk: new Int32Array(n), worker: new Int32Array(n),
    start: new Float64Array(n), stop: new Float64Array(n), bytesIn: new Float64Array(n), bytesOut: new Float64Array(n),
  };
  records.forEach((r, k) => {
    const { layer, index } = indices[k];
    batch.layer[k] = layer;
    batch.chunk[k] = chunkNumber(index, out[layer].indexShape);
    batch.worker[k] = r.worker;
    batch.start[k] = r.start;
    batch.stop[k] = r.stop;
    batch.bytesIn[k] = r.bytesIn;
    batch.bytesOut[k] = r.bytesOut;
  });
  return { batch, layers: out };
}
