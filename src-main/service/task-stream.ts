/**
 * The window's view of a running job's task stream: reads the engine's TaskLog
 * (engine/task-log.ts) through cursors of its own and packs what is new since the last take into
 * the wire's typed columns (api/task-columns.ts), each integer column in the narrowest type that
 * holds it (narrowColumn). The job's event batches (event-batches.ts) take every FLUSH_MS;
 * nothing here runs per task while the job runs, so the window costs the scheduling thread one
 * pass over each batch, a few times a second. A job's spills and reads back (the log's disk work)
 * go in the same task batches, as two layers numbered after the graph's (api/disk-layers.ts),
 * which takeLayers announces before the first of them.
 */
import type { EventData } from '../api/contract.js';
import { DISK_LAYERS, diskLayerEntries } from '../api/disk-layers.js';
import { ChunkState, chunkNumber, narrowColumn, splitKey, type ChunkStateBatch, type NarrowColumn, type TaskColumnsBatch } from '../api/task-columns.js';
import type { TaskGraph } from '../engine/graph.js';
import { TaskState, type TaskLog } from '../engine/task-log.js';

/** Not yet named (taskLayer); a task is named the first time a take meets it. */
const UNNAMED = -2;

export class TaskStream {
  private graph: TaskGraph | null = null;
  private layerAt = new Map<string, number>();
  /** Per task number: its layer's position in graph.layers, and its chunk number there. */
  private taskLayer = new Int32Array(0);
  private taskChunk = new Int32Array(0);
  private finishedAt = 0;
  private dispatchedAt = 0;
  private releasedAt = 0;
  private diskAt = 0;
  private diskAnnounced = false;

  constructor(private readonly log: TaskLog) {}

  /**
   * Follows the log onto its graph (once per run) and resets the cursors. Tasks are named lazily
   * (name()), so a graph of 10^5 tasks is not walked whole on the scheduling thread just as the
   * job starts, while the first tasks are being handed out.
   */
  private follow(): boolean {
    const g = this.log.graph;
    if (!g) return false;
    if (g === this.graph) return true;
    this.graph = g;
    this.layerAt = new Map(g.layers.map((l, i) => [l.name, i]));
    this.taskLayer = new Int32Array(g.tasks.length).fill(UNNAMED);
    this.taskChunk = new Int32Array(g.tasks.length);
    this.finishedAt = this.dispatchedAt = this.releasedAt = this.diskAt = 0;
    this.diskAnnounced = false;
    return true;
  }

  /** Task i's layer number and chunk number, into taskLayer / taskChunk. */
  private name(i: number): void {
    if (this.taskLayer[i] !== UNNAMED) return;
    const g = this.graph!;
    const t = g.tasks[i];
    const li = this.layerAt.get(t.layer) ?? -1;
    this.taskLayer[i] = li;
    this.taskChunk[i] = li < 0 ? -1 : chunkNumber(t.index, g.layers[li].indexShape);
  }

  /**
   * The disk layers, the first time the log holds disk work (null otherwise): sent before the task
   * batch that holds the first of it, so the window knows the layers its numbers name.
   */
  takeLayers(): EventData<'job.layers'>['layers'] | null {
    if (!this.follow() || this.diskAnnounced || !this.log.disk.length) return null;
    this.diskAnnounced = true;
    return diskLayerEntries(this.graph!.tasks.length);
  }

  /** The tasks finished since the last take, then the disk work done since (null if neither). */
  takeTasks(): TaskColumnsBatch | null {
    if (!this.follow()) return null;
    const log = this.log;
    const from = this.finishedAt;
    const to = log.finished;
    const diskFrom = this.diskAt;
    const diskTo = this.diskAnnounced ? log.disk.length : diskFrom;
    const tasks = to - from, n = tasks + diskTo - diskFrom;
    if (!n) return null;
    this.finishedAt = to;
    this.diskAt = diskTo;
    const layer = new Int32Array(n);
    const chunk = new Int32Array(n);
    for (let k = 0; k < tasks; k++) {
      const i = log.task[from + k];
      this.name(i);
      layer[k] = this.taskLayer[i];
      chunk[k] = this.taskChunk[i];
    }
    if (n === tasks) {
      return {
        layer: narrowInts(layer), chunk: narrowInts(chunk), worker: narrowInts(log.worker.subarray(from, to)),
        start: log.start.slice(from, to), stop: log.stop.slice(from, to),
        bytesIn: narrowColumn(log.bytesIn.subarray(from, to)), bytesOut: narrowColumn(log.bytesOut.subarray(from, to)),
      };
    }
    const worker = new Int32Array(n), start = new Float64Array(n), stop = new Float64Array(n), bytesIn = new Float64Array(n), bytesOut = new Float64Array(n);
    worker.set(log.worker.subarray(from, to));
    start.set(log.start.subarray(from, to));
    stop.set(log.stop.subarray(from, to));
    bytesIn.set(log.bytesIn.subarray(from, to));
    bytesOut.set(log.bytesOut.subarray(from, to));
    const first = this.graph!.layers.length;
    for (let k = tasks; k < n; k++) {
      const r = log.disk[diskFrom + k - tasks];
      const [name, index] = splitKey(r.key);
      layer[k] = first + DISK_LAYERS.findIndex((d) => d.name === name);
      chunk[k] = Number(index);
      worker[k] = r.worker;
      start[k] = r.start;
      stop[k] = r.stop;
      bytesIn[k] = r.bytesIn;
      bytesOut[k] = r.bytesOut;
    }
    return {
      layer: narrowInts(layer), chunk: narrowInts(chunk), worker: narrowInts(worker), start, stop,
      bytesIn: narrowColumn(bytesIn), bytesOut: narrowColumn(bytesOut),
    };
  }

  /**
   * Chunk state changes since the last take (null if none): tasks dispatched since then that are
   * still running (one that already finished is in the task batch, which says it all: at 10^5
   * short tasks that halves what the window receives), then chunks released.
   */
  takeChunks(): ChunkStateBatch | null {
    if (!this.follow()) return null;
    const log = this.log;
    let running = 0;
    for (let k = this.dispatchedAt; k < log.dispatched; k++) if (log.state[log.dispatchOrder[k]] === TaskState.Running) running++;
    const n = running + log.released - this.releasedAt;
    if (!n) {
      this.dispatchedAt = log.dispatched;
      return null;
    }
    const layer = new Int32Array(n), chunk = new Int32Array(n), state = new Uint8Array(n);
    let at = 0;
    const add = (i: number, s: ChunkState) => {
      this.name(i);
      layer[at] = this.taskLayer[i];
      chunk[at] = this.taskChunk[i];
      state[at++] = s;
    };
    // The same tasks as counted above: the log's columns change only on this (the scheduling) thread.
    for (let k = this.dispatchedAt; k < log.dispatched; k++) {
      const i = log.dispatchOrder[k];
      if (log.state[i] === TaskState.Running) add(i, ChunkState.Running);
    }
    this.dispatchedAt = log.dispatched;
    for (let k = this.releasedAt; k < log.released; k++) add(log.releaseOrder[k], ChunkState.Released);
    this.releasedAt = log.released;
    return { layer: narrowInts(layer), chunk: narrowInts(chunk), state };
  }
}

/** narrowColumn of int32 values: never a Float64Array. */
const narrowInts = (v: Int32Array) => narrowColumn(v) as Exclude<NarrowColumn, Float64Array>;
