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
/** A batch of task columns in the log's own (widest) types, as recordsToColumns makes them. */
export interface WideTaskColumns { layer: Int32Array<ArrayBuffer>; chunk: Int32Array<ArrayBuffer>; worker: Int32Array<ArrayBuffer>; start: Float64Array<ArrayBuffer>; stop: Float64Array<ArrayBuffer>; bytesIn: Float64Array<ArrayBuffer>; bytesOut: Float64Array<ArrayBuffer> }

/** A column narrowColumn may return: an integer type when every value fits one exactly. */
export type NarrowColumn = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

/**
 * The values of `v` in the narrowest typed array that holds each of them exactly: Uint8Array,
 * Uint16Array, Int32Array or Uint32Array when all are integers in its range, else a Float64Array
 * (a copy either way, so the column may outlive `v`'s buffer). A job's layer and worker numbers
 * fit a byte and most chunk numbers and byte counts two or four, where the log keeps them as 4 or
 * 8 bytes: narrowed, a 10^5-task job sends about half the bytes, and every byte sent is copied by
 * the socket, the browser's network stack and the page (and by DevTools, when one is attached).
 */
export function narrowColumn(v: ArrayLike<number>): NarrowColumn {
  let lo = 0, hi = 0, integers = true;
  for (let k = 0; k < v.length; k++) {
    const x = v[k];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    if (integers && !Number.isInteger(x)) integers = false;
  }
  const Ctor = !integers ? Float64Array
    : lo >= 0 && hi <= 0xff ? Uint8Array
      : lo >= 0 && hi <= 0xffff ? Uint16Array
        : lo >= -(2 ** 31) && hi < 2 ** 31 ? Int32Array
          : lo >= 0 && hi < 2 ** 32 ? Uint32Array : Float64Array;
  const out = new Ctor(v.length);
  out.set(v);
  return out;
}

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
export function recordsToColumns(records: readonly TaskRecordEvent[], layers: readonly { name: string; indexShape?: number[] }[]): { batch: WideTaskColumns; layers: { name: string; indexShape: number[] }[] } {
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
  const batch: WideTaskColumns = {
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
