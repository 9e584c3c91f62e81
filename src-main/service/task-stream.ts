/**
 * The window's view of a running job's task stream: reads the engine's TaskLog
 * (engine/task-log.ts) through cursors of its own and packs what is new since the last take into
 * the wire's typed columns (api/task-columns.ts). The job's event batches (event-batches.ts) take
 * every FLUSH_MS; nothing here runs per task while the job runs, so the window costs the
 * scheduling thread one pass over each batch, five times a second.
 */
import { ChunkState, chunkNumber, type ChunkStateBatch, type TaskColumnsBatch } from '../api/task-columns.js';
import type { TaskGraph } from '../engine/graph.js';
import { TaskState, type TaskLog } from '../engine/task-log.js';

export class TaskStream {
  private graph: TaskGraph | null = null;
  /** Per task number: its layer's position in graph.layers, and its chunk number there. */
  private taskLayer = new Int32Array(0);
  private taskChunk = new Int32Array(0);
  private finishedAt = 0;
  private dispatchedAt = 0;
  private releasedAt = 0;

  constructor(private readonly log: TaskLog) {}

  /** Follows the log onto its graph (once per run): names every task by numbers, resets cursors. */
  private follow(): boolean {
    const g = this.log.graph;
    if (!g) return false;
    if (g === this.graph) return true;
    this.graph = g;
    const layerAt = new Map(g.layers.map((l, i) => [l.name, i]));
    const n = g.tasks.length;
    this.taskLayer = new Int32Array(n);
    this.taskChunk = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const t = g.tasks[i];
      const li = layerAt.get(t.layer) ?? -1;
      this.taskLayer[i] = li;
      this.taskChunk[i] = li < 0 ? -1 : chunkNumber(t.index, g.layers[li].indexShape);
    }
    this.finishedAt = this.dispatchedAt = this.releasedAt = 0;
    return true;
  }

  /** The tasks finished since the last take (null if none). */
  takeTasks(): TaskColumnsBatch | null {
    if (!this.follow()) return null;
    const log = this.log;
    const from = this.finishedAt;
    const to = log.finished;
    if (to === from) return null;
    this.finishedAt = to;
    const n = to - from;
    const layer = new Int32Array(n);
    const chunk = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = log.task[from + k];
      layer[k] = this.taskLayer[i];
      chunk[k] = this.taskChunk[i];
    }
    return {
      layer, chunk, worker: log.worker.slice(from, to), start: log.start.slice(from, to), stop: log.stop.slice(from, to),
      bytesIn: log.bytesIn.slice(from, to), bytesOut: log.bytesOut.slice(from, to),
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
    const changes: number[] = [];
    for (let k = this.dispatchedAt; k < log.dispatched; k++) {
      const i = log.dispatchOrder[k];
      if (log.state[i] === TaskState.Running) changes.push(i, ChunkState.Running);
    }
    this.dispatchedAt = log.dispatched;
    for (let k = this.releasedAt; k < log.released; k++) changes.push(log.releaseOrder[k], ChunkState.Released);
    this.releasedAt = log.released;
    if (!changes.length) return null;
    const n = changes.length / 2;
    const batch: ChunkStateBatch = { layer: new Int32Array(n), chunk: new Int32Array(n), state: new Uint8Array(n) };
    for (let k = 0; k < n; k++) {
      const i = changes[2 * k];
      batch.layer[k] = this.taskLayer[i];
      batch.chunk[k] = this.taskChunk[i];
      batch.state[k] = changes[2 * k + 1];
    }
    return batch;
  }
}
